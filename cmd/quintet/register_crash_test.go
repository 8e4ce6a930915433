package main

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// crashImportRows is the size of the imports these tests interrupt: enough
// that the rows take a while to write, well under the 1 MiB body limit.
const crashImportRows = 3000

func crashImportFile(tag string) string {
	var b strings.Builder
	b.WriteString("title,lead_delegation,audiences,format,status,start_date\n")
	for i := range crashImportRows {
		fmt.Fprintf(&b, "%s %d,GB,judiciary,training,planned,2015-01-01\n", tag, i)
	}
	return b.String()
}

// registerTotal is how many entries the register holds, archived or not.
func registerTotal(t *testing.T, c *apiClient) int {
	t.Helper()
	r := c.get(t, "/api/v1/register?archived=any&limit=1").want(t, http.StatusOK)
	n, err := strconv.Atoi(r.Header.Get("X-Total-Count"))
	if err != nil {
		t.Fatalf("X-Total-Count %q: %v", r.Header.Get("X-Total-Count"), err)
	}
	return n
}

// storeFingerprint names the size and modification time of every file of
// the embedded store: it changes with each write the store makes, which is
// the one sign, outside the process, that an import is writing its rows.
func storeFingerprint(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil // a file the store just removed
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			fmt.Fprintf(&b, "%s %d %d\n", path, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// sentReader is a request body that says when it has been read to its end.
type sentReader struct {
	r    io.Reader
	once sync.Once
	sent chan struct{}
}

func (s *sentReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err == io.EOF {
		s.once.Do(func() { close(s.sent) })
	}
	return n, err
}

// startImport posts file as an import in the background. sent is closed
// once the body is on its way; the answer's status arrives on status (0
// when the connection broke).
func startImport(t testing.TB, c *apiClient, file string) (sent <-chan struct{}, status <-chan int) {
	body := &sentReader{r: strings.NewReader(file), sent: make(chan struct{})}
	st := make(chan int, 1)
	go func() {
		r, err := c.try(t, http.MethodPost, "/api/v1/register.csv", body, apiHeader("Content-Type", "text/csv"))
		if err != nil {
			st <- 0
			return
		}
		st <- r.Status
	}()
	return body.sent, st
}

// crashFixture is the real binary over a data directory with an admin
// signed in.
type crashFixture struct {
	dir    string
	admin  *apiAccount
	p      *apiProcess
	c      *apiClient
	before int // entries before the import
}

func newCrashFixture(t *testing.T) *crashFixture {
	t.Helper()
	f := &crashFixture{dir: storetest.DataDir(t)}
	f.admin = &apiAccount{Email: "secretariat@example.org", Name: "Secretariat", Password: apiPassword("admin")}
	mustAPICLI(t, f.dir, nil, f.admin.Password+"\n", "user", "add", "--email", f.admin.Email, "--name", f.admin.Name, "--role", "admin")
	f.start(t)
	f.before = registerTotal(t, f.c)
	return f
}

func (f *crashFixture) start(t *testing.T) {
	t.Helper()
	f.p = startAPIProcess(t, f.dir, nil)
	f.c = f.p.client()
	f.c.login(t, f.admin.Email, f.admin.Password)
}

// interruptMidImport starts an import and calls stop once the store has
// written a few times since the file was sent: the import is writing its
// rows (each write is one row, or one batch of rows), and is far from done.
func (f *crashFixture) interruptMidImport(t *testing.T, stop func()) <-chan int {
	t.Helper()
	sent, status := startImport(t, f.c, crashImportFile("Interrupted"))
	<-sent
	last, writes := storeFingerprint(t, f.dir), 0
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for writes < 3 {
		select {
		case s := <-status:
			t.Fatalf("the import ended (status %d) before the store wrote three times", s)
		case <-deadline:
			t.Fatalf("the store did not write within 30 s of the import's start")
		case <-tick.C:
		}
		if fp := storeFingerprint(t, f.dir); fp != last {
			last, writes = fp, writes+1
		}
	}
	stop()
	return status
}

// A register import killed with SIGKILL half-way through leaves the
// register as it was, or with every row: never some of them.
func TestRegisterImport_KilledMidway(t *testing.T) {
	f := newCrashFixture(t)
	f.interruptMidImport(t, func() { f.p.Kill(t) })
	f.start(t)
	if got := registerTotal(t, f.c); got != f.before && got != f.before+crashImportRows {
		t.Fatalf("after a kill during the import the register holds %d entries, want %d or %d", got, f.before, f.before+crashImportRows)
	}
}

// SIGTERM during an import lets it finish: the answer is 201, the process
// exits cleanly, and every row is there after the restart.
func TestRegisterImport_TerminatedMidway(t *testing.T) {
	f := newCrashFixture(t)
	term := make(chan error, 1)
	status := f.interruptMidImport(t, func() { go func() { term <- f.p.Terminate(t) }() })
	if s := <-status; s != http.StatusCreated {
		t.Errorf("the import interrupted by SIGTERM answered %d, want 201", s)
	}
	if err := <-term; err != nil {
		t.Errorf("quintet after SIGTERM: %v", err)
	}
	f.start(t)
	if got, want := registerTotal(t, f.c), f.before+crashImportRows; got != want {
		t.Fatalf("after SIGTERM during the import the register holds %d entries, want %d", got, want)
	}
}

// A sign-in during a large import completes before the import does: it
// never waits behind the import's writes.
func TestRegisterImport_SignInDoesNotWait(t *testing.T) {
	f := newCrashFixture(t)
	other := f.p.client()
	status := f.interruptMidImport(t, func() { other.login(t, f.admin.Email, f.admin.Password) })
	if got := registerTotal(t, other); got != f.before {
		t.Errorf("when the sign-in returned the register held %d entries, want %d: it waited for the import", got, f.before)
	}
	if s := <-status; s != http.StatusCreated {
		t.Fatalf("the import answered %d", s)
	}
	if got, want := registerTotal(t, other), f.before+crashImportRows; got != want {
		t.Fatalf("after the import the register holds %d entries, want %d", got, want)
	}
}
