package main

// A harness for tests that need the real binary as a process of its own:
// what a crash (kill -9) or a service manager's SIGTERM does to the data can
// only be seen in a process that really dies. The binary is built once per
// test run; each apiProcess is `quintet serve` over a data directory, and a
// test restarts it over the same directory to see what survived.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

var quintetBinary struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// buildQuintet builds cmd/quintet once for the test run and returns the
// binary's path.
func buildQuintet(t testing.TB) string {
	t.Helper()
	b := &quintetBinary
	b.once.Do(func() {
		b.dir, b.err = os.MkdirTemp("", "quintet-bin")
		if b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, "quintet")
		out, err := exec.Command("go", "build", "-o", b.path, ".").CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// apiProcess is `quintet serve` running as a child process.
type apiProcess struct {
	DataDir string
	URL     string
	Stdout  *apiBuffer
	Stderr  *apiBuffer
	spec    *apiSpec

	cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's answer, once done is closed
}

// startAPIProcess starts the built binary as `quintet serve` over dataDir
// with the harness's environment (apiEnv) and extra, and returns once it
// answers /healthz. A process still running when t ends is killed.
func startAPIProcess(t testing.TB, dataDir string, extra map[string]string) *apiProcess {
	t.Helper()
	bin := buildQuintet(t)
	env := apiEnv(dataDir, extra)
	var environ []string
	for _, k := range []string{"QUINTET_ADDR", "QUINTET_DATA_DIR", "QUINTET_LOG_LEVEL"} {
		environ = append(environ, k+"="+env(k))
	}
	for k, v := range extra {
		environ = append(environ, k+"="+v)
	}
	p := &apiProcess{DataDir: dataDir, Stdout: newAPIBuffer(), Stderr: newAPIBuffer(), done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(environ, "PATH="+os.Getenv("PATH"), "HOME="+os.Getenv("HOME"), "TMPDIR="+os.TempDir())
	p.cmd.Stdout, p.cmd.Stderr = p.Stdout, p.Stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Kill(t)
		if t.Failed() {
			t.Logf("log of the quintet process:\n%s", p.Stderr.String())
		}
	})

	p.URL = apiAwaitServing(t, p.Stdout, p.Stderr, p.done, func() error { return p.err })
	p.spec = apiLoadSpec(t, p.URL)
	return p
}

// client returns an HTTP client of the process, as apiServer.client does.
func (p *apiProcess) client() *apiClient {
	return (&apiServer{DataDir: p.DataDir, URL: p.URL, spec: p.spec}).client()
}

// Kill ends the process with SIGKILL, as a crash or the OOM killer would,
// and waits for it. Killing a process that has ended is no error.
func (p *apiProcess) Kill(t testing.TB) {
	t.Helper()
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill quintet: %v", err)
	}
	<-p.done
}

// Terminate sends SIGTERM, as a service manager stopping the service does,
// and returns the process's exit: nil when it exited with status 0. It
// waits at most a minute, then kills.
func (p *apiProcess) Terminate(t testing.TB) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("signal quintet: %w", err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("quintet exited: %w; log:\n%s", p.err, p.Stderr.String())
		}
		return nil
	case <-time.After(time.Minute):
		p.Kill(t)
		return errors.New("quintet did not exit within a minute of SIGTERM")
	}
}

// Done is closed once the process has ended.
func (p *apiProcess) Done() <-chan struct{} { return p.done }
