package main

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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

// dataDirSize is the bytes the embedded store's files take: it grows as
// the store writes, which is the one sign, outside the process, that an
// import is writing its rows.
func dataDirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil // a file the store just removed
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// startImport posts file as an import in the background; the answer's
// status arrives on the channel (0 when the connection broke).
func startImport(c *apiClient, file string) <-chan int {
	status := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/api/v1/register.csv", strings.NewReader(file))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Origin", c.srv.URL)
		resp, err := c.hc.Do(req)
		if err != nil {
			status <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	return status
}

// crashFixture is the real binary over a data directory with an admin,
// and one whole import done, which tells how much the store's files grow
// while an import writes its rows.
type crashFixture struct {
	dir    string
	admin  *apiAccount
	p      *apiProcess
	c      *apiClient
	before int   // entries after the first import
	growth int64 // bytes the first import added to the data directory
}

func newCrashFixture(t *testing.T) *crashFixture {
	t.Helper()
	f := &crashFixture{dir: apiDataDir(t)}
	f.admin = &apiAccount{Email: "secretariat@example.org", Name: "Secretariat", Password: apiPassword("admin")}
	mustAPICLI(t, f.dir, nil, f.admin.Password+"\n", "user", "add", "--email", f.admin.Email, "--name", f.admin.Name, "--role", "admin")
	f.start(t)
	base := registerTotal(t, f.c)
	size := dataDirSize(t, f.dir)
	f.c.post(t, "/api/v1/register.csv", crashImportFile("Whole"), apiHeader("Content-Type", "text/csv")).want(t, http.StatusCreated)
	f.growth = dataDirSize(t, f.dir) - size
	f.before = registerTotal(t, f.c)
	if f.before != base+crashImportRows || f.growth <= 0 {
		t.Fatalf("the first import: %d entries after, %d before; the store grew by %d bytes", f.before, base, f.growth)
	}
	return f
}

func (f *crashFixture) start(t *testing.T) {
	t.Helper()
	f.p = startAPIProcess(t, f.dir, nil)
	f.c = f.p.client()
	f.c.login(t, f.admin.Email, f.admin.Password)
}

// interruptMidImport starts a second import and calls stop once the
// store's files have grown by a third of what a whole import adds: the
// rows are being written, and the import is not done.
func (f *crashFixture) interruptMidImport(t *testing.T, stop func()) <-chan int {
	t.Helper()
	size := dataDirSize(t, f.dir)
	status := startImport(f.c, crashImportFile("Interrupted"))
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for dataDirSize(t, f.dir)-size < f.growth/3 {
		select {
		case s := <-status:
			t.Fatalf("the import ended (status %d) before the store had grown by a third of an import", s)
		case <-deadline:
			t.Fatalf("the store did not grow within 30 s of the import's start")
		case <-tick.C:
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
