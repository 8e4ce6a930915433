package main

// The shared harness of the end-to-end tests: the real program started
// through run on port 0 over the embedded store, the command line, and HTTP
// clients that sign in as each role (harness_client_test.go). Names carry an
// "api" prefix so that other test files of this package can keep their own
// helpers.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// apiBuffer collects what a running command writes, safely for the
// goroutine writing and the test reading, and signals each write.
type apiBuffer struct {
	mu      sync.Mutex
	buf     strings.Builder
	written chan struct{} // has a value after a write nobody waited for yet
}

func newAPIBuffer() *apiBuffer { return &apiBuffer{written: make(chan struct{}, 1)} }

func (b *apiBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case b.written <- struct{}{}:
	default:
	}
	return b.buf.Write(p)
}

// Contains reports whether s was written.
func (b *apiBuffer) Contains(s string) bool { return strings.Contains(b.String(), s) }

func (b *apiBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// apiEnv is the environment a command under test sees: the given settings
// over port 0 and dataDir, and nothing from the test process's environment
// (a QUINTET_MONGODB_URI there must not redirect the tests).
func apiEnv(dataDir string, extra map[string]string) func(string) string {
	env := map[string]string{
		"QUINTET_ADDR":      "127.0.0.1:0",
		"QUINTET_DATA_DIR":  dataDir,
		"QUINTET_LOG_LEVEL": "warn",
	}
	for k, v := range extra {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

// runAPICLI runs `quintet args…` to completion with stdin, and returns what
// it printed and its error. Its log goes to the test log when the test fails.
func runAPICLI(t testing.TB, dataDir string, extra map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr strings.Builder
	err := run(ctx, append([]string{"quintet"}, args...), apiEnv(dataDir, extra), strings.NewReader(stdin), &stdout, &stderr)
	if stderr.Len() > 0 {
		log := stderr.String()
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("log of quintet %s:\n%s", strings.Join(args, " "), log)
			}
		})
	}
	return stdout.String(), err
}

// mustAPICLI is runAPICLI for commands that must succeed.
func mustAPICLI(t testing.TB, dataDir string, extra map[string]string, stdin string, args ...string) string {
	t.Helper()
	out, err := runAPICLI(t, dataDir, extra, stdin, args...)
	if err != nil {
		t.Fatalf("quintet %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// apiServer is `quintet serve` running in this process.
type apiServer struct {
	DataDir string
	URL     string // http://127.0.0.1:port, also the origin browsers would send
	Stdout  *apiBuffer
	Stderr  *apiBuffer
	spec    *apiSpec // the OpenAPI document it serves, which its answers must match

	cancel   context.CancelFunc
	done     chan struct{}
	err      error // run's answer, once done is closed
	stopOnce sync.Once
}

var apiListening = regexp.MustCompile(`Quintet is listening on (http://\S+)`)

// startAPIServer runs `quintet serve args…` on port 0 over dataDir and
// returns once it answers /healthz. It is stopped when t ends, if not before.
func startAPIServer(t testing.TB, dataDir string, extra map[string]string, args ...string) *apiServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &apiServer{DataDir: dataDir, Stdout: newAPIBuffer(), Stderr: newAPIBuffer(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.err = run(ctx, append([]string{"quintet", "serve"}, args...), apiEnv(dataDir, extra), strings.NewReader(""), s.Stdout, s.Stderr)
	}()
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.Stderr.String())
		}
	})

	s.URL = apiAwaitServing(t, s.Stdout, s.Stderr, s.done, func() error { return s.err })
	s.spec = apiLoadSpec(t, s.URL)
	return s
}

// apiAwaitServing waits for a starting server to print the line saying
// where it listens, then for /healthz to answer 200, and returns the URL.
// It fails the test when done is closed first (exit tells why) or a minute
// passes. The server may be in this process or a child.
func apiAwaitServing(t testing.TB, stdout, stderr *apiBuffer, done <-chan struct{}, exit func() error) string {
	t.Helper()
	deadline := time.After(time.Minute)
	var url string
	for url == "" {
		if m := apiListening.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case <-stdout.written:
		case <-done:
			t.Fatalf("quintet serve ended before listening: %v\nstdout:\n%s\nlog:\n%s", exit(), stdout.String(), stderr.String())
		case <-deadline:
			t.Fatalf("quintet serve did not say it listens within a minute\nstdout:\n%s\nlog:\n%s", stdout.String(), stderr.String())
		}
	}
	// The listener is open before the line is printed, so /healthz answers
	// at once; a few tries cover a slow machine all the same.
	var last error
	for range 50 {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
			err = fmt.Errorf("/healthz answered %s", resp.Status)
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server at %s is not healthy: %v", url, last)
	return ""
}

// Stop cancels the server's context, as SIGINT would, and waits for run to
// return its answer. It may be called more than once.
func (s *apiServer) Stop() error {
	s.stopOnce.Do(func() {
		s.cancel()
		select {
		case <-s.done:
		case <-time.After(time.Minute):
			s.err = fmt.Errorf("run did not return within a minute of its context ending")
		}
	})
	return s.err
}

// The callers of the route matrix: the six roles and nobody.
const (
	callerAnonymous  = "anonymous"
	callerAdmin      = "admin"
	callerRapporteur = "rapporteur"
	callerDelegate   = "delegate"
	callerHead       = "head"
	callerFollowup   = "followup"
	callerObserver   = "observer"
)

var apiCallers = []string{callerAnonymous, callerAdmin, callerRapporteur, callerDelegate, callerHead, callerFollowup, callerObserver}

// apiAccount is an account the tests opened, with its password.
type apiAccount struct {
	ID, Email, Name, Password string
	Roles                     []string
	Delegation                string
}

// apiFixture is a running server with an account per role, each signed in
// through POST /api/v1/login in a client of its own.
type apiFixture struct {
	srv      *apiServer
	accounts map[string]*apiAccount // by caller (role)
	clients  map[string]*apiClient  // by caller, anonymous included
	live     string                 // a live session the rapporteur is assigned to, made on first use
}

// apiPassword is the password the tests give an account.
func apiPassword(name string) string { return "pw-" + name + "-correct-horse" }

// newAPIFixture opens the first admin with `quintet user add` (the embedded
// store belongs to one process, so before serve starts), starts the server,
// and opens the other accounts through the API as that admin.
func newAPIFixture(t testing.TB, extra map[string]string) *apiFixture {
	t.Helper()
	srv, admin := startAPIServerWithAdmin(t, extra)
	f := &apiFixture{srv: srv, accounts: map[string]*apiAccount{callerAdmin: admin}, clients: map[string]*apiClient{}}
	f.clients[callerAnonymous] = f.srv.client()
	ac := f.srv.client()
	ac.login(t, admin.Email, admin.Password)
	f.clients[callerAdmin] = ac
	var me struct {
		User struct{ ID string } `json:"user"`
	}
	ac.get(t, "/api/v1/me").want(t, http.StatusOK).decode(t, &me)
	admin.ID = me.User.ID

	for _, role := range []string{callerRapporteur, callerDelegate, callerHead, callerFollowup, callerObserver} {
		a := &apiAccount{Email: role + "@example.org", Name: "Test " + role, Password: apiPassword(role), Roles: []string{role}}
		if role == callerDelegate || role == callerHead || role == callerFollowup {
			a.Delegation = "GB"
		}
		a.ID = f.createUser(t, a)
		f.accounts[role] = a
		c := f.srv.client()
		c.login(t, a.Email, a.Password)
		f.clients[role] = c
	}
	return f
}

// startAPIServerWithAdmin opens the first admin with `quintet user add`, then
// starts the server on that data directory.
func startAPIServerWithAdmin(t testing.TB, extra map[string]string) (*apiServer, *apiAccount) {
	t.Helper()
	dir := storetest.DataDir(t)
	admin := &apiAccount{Email: "secretariat@example.org", Name: "Secretariat", Password: apiPassword("admin"), Roles: []string{"admin"}}
	mustAPICLI(t, dir, extra, admin.Password+"\n", "user", "add", "--email", admin.Email, "--name", admin.Name, "--role", "admin")
	return startAPIServer(t, dir, extra), admin
}

// createUser opens an account through the API as admin and returns its id.
func (f *apiFixture) createUser(t testing.TB, a *apiAccount) string {
	t.Helper()
	var u struct{ ID string }
	f.clients[callerAdmin].post(t, "/api/v1/users", map[string]any{
		"email": a.Email, "name": a.Name, "roles": a.Roles, "delegation": a.Delegation, "password": a.Password,
	}).want(t, http.StatusCreated).decode(t, &u)
	if u.ID == "" {
		t.Fatalf("created user %s without an id", a.Email)
	}
	return u.ID
}

func (f *apiFixture) admin() *apiClient { return f.clients[callerAdmin] }

// apiSeq gives unique suffixes to what the tests create.
var apiSeq struct {
	mu sync.Mutex
	n  int
}

func apiUnique(prefix string) string {
	apiSeq.mu.Lock()
	defer apiSeq.mu.Unlock()
	apiSeq.n++
	return fmt.Sprintf("%s-%d", prefix, apiSeq.n)
}

// apiSessionBody is a valid new session of London 2014.
func apiSessionBody(title string, rapporteurs ...string) map[string]any {
	if rapporteurs == nil {
		rapporteurs = []string{}
	}
	return map[string]any{
		"title":       title,
		"start":       "2014-07-10T16:00:00+01:00",
		"end":         "2014-07-10T17:00:00+01:00",
		"room":        "Committee room 2",
		"rapporteurs": rapporteurs,
		"topics":      []string{"cyberbullying"},
	}
}

// newSession adds a scheduled session to London 2014 as admin, with the
// fixture's rapporteur assigned, and returns its id.
func (f *apiFixture) newSession(t testing.TB) string {
	t.Helper()
	var se struct{ ID string }
	f.admin().post(t, "/api/v1/meetings/london-2014/sessions",
		apiSessionBody(apiUnique("Test session"), f.accounts[callerRapporteur].ID)).
		want(t, http.StatusCreated).decode(t, &se)
	return se.ID
}

// newMeeting creates an empty meeting of two days from start (YYYY-MM-DD)
// and returns its id: in the past it is closed by its dates, in the future
// planned.
func (f *apiFixture) newMeeting(t testing.TB, start string) string {
	t.Helper()
	day, err := time.Parse("2006-01-02", start)
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ ID string }
	f.admin().post(t, "/api/v1/meetings", map[string]any{"title": apiUnique("Quintet, Ottawa"), "host": "CA", "city": "Ottawa",
		"time_zone": "America/Toronto", "start_date": start, "end_date": day.AddDate(0, 0, 1).Format("2006-01-02"),
		"delegations": []string{"AU", "CA", "GB", "NZ", "US"}}).want(t, http.StatusCreated).decode(t, &m)
	return m.ID
}

// liveSession returns the fixture's shared live session, made on first use.
func (f *apiFixture) liveSession(t testing.TB) string {
	t.Helper()
	if f.live == "" {
		f.live = f.newLiveSession(t)
	}
	return f.live
}

// newLiveSession is newSession, started.
func (f *apiFixture) newLiveSession(t testing.TB) string {
	t.Helper()
	id := f.newSession(t)
	f.admin().post(t, "/api/v1/sessions/"+id+"/start", nil).want(t, http.StatusOK)
	return id
}

// decodeAnswer decodes a JSON answer into v. A list answer decoded into a
// slice gives its items, and must then be the whole list: a test that reads
// a list as a slice never sees only its first page without knowing.
func decodeAnswer(body []byte, v any) error {
	if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Slice {
		return json.Unmarshal(body, v)
	}
	var page struct {
		Items      json.RawMessage `json:"items"`
		NextCursor string          `json:"next_cursor"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return fmt.Errorf("not a list answer {items, next_cursor}: %w", err)
	}
	if page.Items == nil {
		return errors.New("a list answer without items")
	}
	if page.NextCursor != "" {
		return errors.New("the list has a next page; ask for a larger limit or follow next_cursor")
	}
	return json.Unmarshal(page.Items, v)
}
