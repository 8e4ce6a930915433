package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is the quintet binary running `serve` on loopback with a temporary
// data directory.
type server struct {
	bin     string
	dataDir string
	// connsPerUser raises the live endpoint's per-account cap: the
	// subscribers share a few accounts, one per clearance.
	connsPerUser int
	cmd          *exec.Cmd
	base         string // http://127.0.0.1:<port>
	stderr       *os.File
	http         *http.Client
}

// buildQuintet compiles the real binary, as `make build` would (without the
// web app if it is not built: the API and the live endpoint do not need it).
func buildQuintet(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	bin := filepath.Join(dir, "quintet")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/quintet")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/quintet: %w", err)
	}
	return bin, nil
}

func (s *server) env() []string {
	return append(os.Environ(),
		"QUINTET_ADDR=127.0.0.1:0",
		"QUINTET_DATA_DIR="+s.dataDir,
		"QUINTET_LOG_LEVEL=warn",
		"QUINTET_MONGODB_URI=",
		"QUINTET_PUBLIC_URL=",
		"QUINTET_LIVE_CONNECTIONS_PER_USER="+strconv.Itoa(s.connsPerUser),
	)
}

// cli runs a command of the binary (the server must not be running: the
// embedded store's directory belongs to one process) and returns its output.
func (s *server) cli(ctx context.Context, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env = s.env()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("quintet %s: %w\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), nil
}

// start runs `quintet serve` and waits for it to listen.
func (s *server) start(ctx context.Context) error {
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = s.env()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if s.stderr, err = os.Create(filepath.Join(filepath.Dir(s.dataDir), "server.log")); err != nil {
		return err
	}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Quintet is listening on "); ok {
				addr <- strings.TrimSpace(rest)
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			return fmt.Errorf("the server exited before listening; see %s", s.stderr.Name())
		}
		s.base = a
	case <-time.After(60 * time.Second):
		return fmt.Errorf("the server did not listen within 60 s")
	case <-ctx.Done():
		return ctx.Err()
	}
	s.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return nil
}

// stop sends SIGTERM (a graceful shutdown: 1001 to every socket) and waits.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	if s.stderr != nil {
		s.stderr.Close()
	}
}

// api calls the REST API with a bearer token.
func (s *server) api(ctx context.Context, method, path, token string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// rssKiB is the server's resident set size (VmRSS), in KiB.
func rssKiB(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// cpuSeconds is the CPU time (user + system) a process has used.
func cpuSeconds(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100 // clock ticks; 100 per second on Linux
}

// machineBusy is the CPU time, in seconds, all CPUs of the machine spent
// busy (from /proc/stat): in softirq (mostly network processing, which the
// kernel does not charge to the processes that cause it), and in everything
// else.
func machineBusy() (softirq, rest float64) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal guest guest_nice
	if len(f) < 8 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:min(len(f), 9)] {
		x, _ := strconv.ParseFloat(v, 64)
		switch i {
		case 3, 4: // idle, iowait
		case 6:
			softirq += x
		default:
			rest += x
		}
	}
	return softirq / 100, rest / 100
}
