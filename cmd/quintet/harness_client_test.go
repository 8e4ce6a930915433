package main

// The harness's HTTP side: a client per caller, every request sent through
// try, and every answer checked against the security headers and the
// OpenAPI document.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/httpapi"
)

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

// apiSortedKeys is the sorted union of the maps' keys.
func apiSortedKeys[V any](ms ...map[string]V) []string {
	var out []string
	for _, m := range ms {
		for k := range m {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func apiParseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
