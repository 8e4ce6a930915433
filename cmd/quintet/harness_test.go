package main

// The shared harness of the end-to-end tests: the real program started
// through run on port 0 over the embedded store, the command line, and HTTP
// clients that sign in as each role. Names carry an "api" prefix so that other
// test files of this package can keep their own helpers.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// apiBuffer collects what a running command writes, safely for the
// goroutine writing and the test reading, and signals each write.
type apiBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
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

// apiSortedKeys is the sorted union of the maps' keys.
func apiSortedKeys[V any](ms ...map[string]V) []string {
	var out []string
	for _, m := range ms {
		out = slices.AppendSeq(out, maps.Keys(m))
	}
	slices.Sort(out)
	return slices.Compact(out)
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
	var stdout, stderr bytes.Buffer
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

// apiClient is one caller: a browser with a cookie jar, or a script with a
// bearer token.
type apiClient struct {
	srv    *apiServer
	hc     *http.Client
	bearer string
}

func (s *apiServer) client() *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{srv: s, hc: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// tokenClient is a script that authenticates with a personal API token.
func (s *apiServer) tokenClient(token string) *apiClient {
	c := s.client()
	c.bearer = token
	return c
}

// apiResponse is an answer, read in full.
type apiResponse struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
}

// apiOption changes a request before it is sent.
type apiOption func(*http.Request)

func apiHeader(name, value string) apiOption {
	return func(r *http.Request) {
		if value == "" {
			r.Header.Del(name)
		} else {
			r.Header.Set(name, value)
		}
	}
}

// do sends a request and checks its answer (see try); a request that gets
// no answer fails the test.
func (c *apiClient) do(t testing.TB, method, path string, body any, opts ...apiOption) *apiResponse {
	t.Helper()
	res, err := c.try(t, method, path, body, opts...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// try sends a request and returns its answer, or the error when it got
// none (the server died, say). Every request of these tests is sent here.
// body is sent as it is when it is a string, []byte or io.Reader, and as
// JSON otherwise. Writes carry the server's own Origin, as a browser on the
// web app would send. Every answer is checked (see checkAPIAnswer). try
// fails t only through t.Errorf, so it may be called from any goroutine.
func (c *apiClient) try(t testing.TB, method, path string, body any, opts ...apiOption) (*apiResponse, error) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	case io.Reader:
		r = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Origin", c.srv.URL)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for _, o := range opts {
		o(req)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	res := &apiResponse{Method: method, Path: path, Status: resp.StatusCode, Header: resp.Header, Body: raw}
	c.checkAPIAnswer(t, res)
	return res, nil
}

// checkAPIAnswer checks what every answer must be: it carries the security
// headers, and the server's OpenAPI document allows it.
func (c *apiClient) checkAPIAnswer(t testing.TB, r *apiResponse) {
	t.Helper()
	checkAPISecurityHeaders(t, r)
	apiCheck(t, c.srv.spec, r)
}

// get, post, patch and del are do for one method.
func (c *apiClient) get(t testing.TB, path string, opts ...apiOption) *apiResponse {
	t.Helper()
	return c.do(t, http.MethodGet, path, nil, opts...)
}

func (c *apiClient) post(t testing.TB, path string, body any, opts ...apiOption) *apiResponse {
	t.Helper()
	return c.do(t, http.MethodPost, path, body, opts...)
}

func (c *apiClient) patch(t testing.TB, path string, body any, opts ...apiOption) *apiResponse {
	t.Helper()
	return c.do(t, http.MethodPatch, path, body, opts...)
}

// login signs the client in and fails the test when it cannot.
func (c *apiClient) login(t testing.TB, email, password string) {
	t.Helper()
	c.post(t, "/api/v1/login", map[string]string{"email": email, "password": password}).want(t, http.StatusOK)
}

// cookie returns the login cookie the client holds, or "".
func (c *apiClient) cookie() string {
	for _, ck := range c.hc.Jar.Cookies(apiParseURL(c.srv.URL)) {
		if ck.Name == httpapi.CookieName {
			return ck.Value
		}
	}
	return ""
}

// want fails the test unless the answer has the status; it returns r.
func (r *apiResponse) want(t testing.TB, status int) *apiResponse {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d; body: %s", r.Method, r.Path, r.Status, status, apiClip(r.Body))
	}
	return r
}

// wantError fails the test unless the answer is an error of the status
// that names field (when field is not ""); it returns r.
func (r *apiResponse) wantError(t testing.TB, status int, field string) *apiResponse {
	t.Helper()
	r.want(t, status)
	if e := r.errorAnswer(t); field != "" && e.Field != field {
		t.Fatalf("%s %s: error names field %q, want %q: %s", r.Method, r.Path, e.Field, field, apiClip(r.Body))
	}
	return r
}

// decode decodes the answer's JSON body into v.
func (r *apiResponse) decode(t testing.TB, v any) {
	t.Helper()
	if err := decodeAnswer(r.Body, v); err != nil {
		t.Fatalf("%s %s: decode %s: %v", r.Method, r.Path, apiClip(r.Body), err)
	}
}

// apiJSON is the answer's body decoded into any, for comparisons.
func (r *apiResponse) json(t testing.TB) any {
	t.Helper()
	var v any
	r.decode(t, &v)
	return v
}

// apiErrorAnswer is the body of an error answer: RFC 9457 problem details.
type apiErrorAnswer struct {
	Type    string          `json:"type"`
	Title   string          `json:"title"`
	Status  int             `json:"status"`
	Detail  string          `json:"detail"`
	Code    string          `json:"code"`
	Field   string          `json:"field"`
	Current json.RawMessage `json:"current"`
	Fields  []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"fields"`
}

// errorAnswer checks that the answer is a problem of its status and returns
// it.
func (r *apiResponse) errorAnswer(t testing.TB) apiErrorAnswer {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s %s: error answer of type %q, want application/problem+json", r.Method, r.Path, ct)
	}
	var e apiErrorAnswer
	r.decode(t, &e)
	if e.Code == "" || e.Detail == "" || e.Title == "" || e.Status != r.Status || e.Type != "urn:quintet:problem:"+e.Code {
		t.Errorf("%s %s: %d, not a problem of its status with type, title, code and detail: %s", r.Method, r.Path, r.Status, apiClip(r.Body))
	}
	return e
}

// checkAPISecurityHeaders checks the headers every answer must carry.
func checkAPISecurityHeaders(t testing.TB, r *apiResponse) {
	t.Helper()
	// A page may tighten the policy (the printable meeting record allows
	// nothing but its own stylesheet), never loosen it.
	csp := r.Header.Get("Content-Security-Policy")
	directives := cspDirectives(csp)
	want := []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"}
	if slices.Contains(directives, "default-src 'none'") {
		want = want[2:] // object-src falls back to default-src 'none'
	}
	for _, d := range want {
		if !slices.Contains(directives, d) {
			t.Errorf("%s %s (%d): Content-Security-Policy %q lacks %q", r.Method, r.Path, r.Status, csp, d)
		}
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s %s (%d): X-Content-Type-Options %q, want nosniff", r.Method, r.Path, r.Status, got)
	}
	if got := r.Header.Get("Referrer-Policy"); got == "" {
		t.Errorf("%s %s (%d): no Referrer-Policy", r.Method, r.Path, r.Status)
	}
	p := strings.SplitN(r.Path, "?", 2)[0]
	if strings.HasPrefix(p, "/api/") || p == "/healthz" {
		if got := r.Header.Get("Cache-Control"); !slices.Contains(strings.Split(strings.ReplaceAll(got, " ", ""), ","), "no-store") {
			t.Errorf("%s %s (%d): Cache-Control %q, want no-store", r.Method, r.Path, r.Status, got)
		}
	}
}

// cspDirectives splits a policy into its directives, spaces normalised.
func cspDirectives(csp string) []string {
	var out []string
	for _, d := range strings.Split(csp, ";") {
		if d = strings.Join(strings.Fields(d), " "); d != "" {
			out = append(out, d)
		}
	}
	return out
}

func apiClip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// ---- a server with one account per role ----

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

func apiParseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
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
