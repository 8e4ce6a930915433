package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// TestAPIProblemsAndHTTPDetails walks the HTTP conventions an integrator
// relies on: every error is a problem of its status (RFC 9457), a 409 tells
// a stale version from a taken key, a 401 challenges, a 429 says when to
// retry, a body of another type is refused, HEAD answers as GET does, and a
// 201 names what it created by an absolute URL.
func TestAPIProblemsAndHTTPDetails(t *testing.T) {
	dir := storetest.DataDir(t)
	admin := &apiAccount{Email: "secretariat@example.org", Name: "Secretariat", Password: apiPassword("admin"), Roles: []string{"admin"}}
	mustAPICLI(t, dir, nil, admin.Password+"\n", "user", "add", "--email", admin.Email, "--name", admin.Name, "--role", "admin")
	token := strings.TrimSpace(mustAPICLI(t, dir, nil, "", "token", "create", "--email", admin.Email))
	srv := startAPIServer(t, dir, nil)
	browser := srv.client()
	browser.login(t, admin.Email, admin.Password)
	script := srv.tokenClient(token)
	anon := srv.client()

	var observer struct{ ID string }
	browser.post(t, "/api/v1/users", map[string]any{"email": "observer@example.org", "name": "Observer",
		"roles": []string{"observer"}, "password": apiPassword("observer")}).want(t, http.StatusCreated).decode(t, &observer)
	obs := srv.client()
	obs.login(t, "observer@example.org", apiPassword("observer"))

	var se struct {
		ID      string
		Version int
	}
	browser.post(t, "/api/v1/meetings/london-2014/sessions", apiSessionBody(apiUnique("Problems"))).
		want(t, http.StatusCreated).decode(t, &se)
	// The first edit moves the version on; the second, sent with the old
	// one, is stale.
	browser.patch(t, "/api/v1/sessions/"+se.ID, map[string]any{"title": "Saved first", "version": se.Version}).want(t, http.StatusOK)

	ct := func(v string) apiOption { return apiHeader("Content-Type", v) }
	challenge := func(t *testing.T, r *apiResponse) {
		if got := r.Header.Get("WWW-Authenticate"); got != `Bearer realm="quintet"` {
			t.Errorf("WWW-Authenticate %q, want Bearer realm=\"quintet\"", got)
		}
	}

	for _, tc := range []struct {
		name   string
		send   func(t *testing.T) *apiResponse
		status int
		code   string
		field  string
		check  func(t *testing.T, r *apiResponse, e apiErrorAnswer)
	}{
		{name: "400 names every unknown parameter", status: 400, code: "invalid", field: "colour",
			send: func(t *testing.T) *apiResponse { return browser.get(t, "/api/v1/register?colour=red") },
			check: func(t *testing.T, _ *apiResponse, e apiErrorAnswer) {
				if len(e.Fields) != 1 || e.Fields[0].Field != "colour" {
					t.Errorf("fields %+v, want colour", e.Fields)
				}
			}},
		{name: "401 without a login", status: 401, code: "unauthorized",
			send:  func(t *testing.T) *apiResponse { return anon.get(t, "/api/v1/me") },
			check: func(t *testing.T, r *apiResponse, _ apiErrorAnswer) { challenge(t, r) }},
		{name: "401 with a bad token", status: 401, code: "unauthorized",
			send:  func(t *testing.T) *apiResponse { return srv.tokenClient("qt_not-a-token").get(t, "/api/v1/topics") },
			check: func(t *testing.T, r *apiResponse, _ apiErrorAnswer) { challenge(t, r) }},
		{name: "403 for a role", status: 403, code: "forbidden",
			send: func(t *testing.T) *apiResponse {
				return obs.post(t, "/api/v1/topics", map[string]string{"slug": apiUnique("obs"), "title": "No"})
			}},
		{name: "404 for an unknown meeting", status: 404, code: "not_found",
			send: func(t *testing.T) *apiResponse { return browser.get(t, "/api/v1/meetings/nowhere-1999") }},
		{name: "404 for an unknown route", status: 404, code: "not_found",
			send: func(t *testing.T) *apiResponse { return browser.get(t, "/api/v1/nothing-here") }},
		{name: "405 with Allow", status: 405, code: "method_not_allowed",
			send: func(t *testing.T) *apiResponse { return browser.do(t, http.MethodPut, "/api/v1/me", nil) },
			check: func(t *testing.T, r *apiResponse, _ apiErrorAnswer) {
				if !strings.Contains(r.Header.Get("Allow"), "GET") {
					t.Errorf("Allow %q, want GET among them", r.Header.Get("Allow"))
				}
			}},
		{name: "409 duplicate for a taken code", status: 409, code: "duplicate", field: "code",
			send: func(t *testing.T) *apiResponse {
				return browser.post(t, "/api/v1/delegations", map[string]string{"code": "GB", "name": "Again"})
			}},
		{name: "409 duplicate for a taken slug", status: 409, code: "duplicate", field: "slug",
			send: func(t *testing.T) *apiResponse {
				return browser.post(t, "/api/v1/topics", map[string]string{"slug": "cyberbullying", "title": "Again"})
			}},
		{name: "409 stale_version with the current session", status: 409, code: "stale_version", field: "version",
			send: func(t *testing.T) *apiResponse {
				return browser.patch(t, "/api/v1/sessions/"+se.ID, map[string]any{"title": "Saved second", "version": se.Version})
			},
			check: func(t *testing.T, _ *apiResponse, e apiErrorAnswer) {
				var cur struct {
					Title   string
					Version int
				}
				if err := json.Unmarshal(e.Current, &cur); err != nil || cur.Title != "Saved first" || cur.Version != se.Version+1 {
					t.Errorf("current %s, want the session as saved first", e.Current)
				}
			}},
		{name: "409 conflict for a state that refuses", status: 409, code: "conflict",
			send: func(t *testing.T) *apiResponse { return browser.post(t, "/api/v1/sessions/"+se.ID+"/end", nil) }},
		{name: "413 for a body over 1 MiB", status: 413, code: "too_large",
			send: func(t *testing.T) *apiResponse {
				return script.post(t, "/api/v1/topics", map[string]string{"slug": "big", "title": strings.Repeat("x", 1<<20)})
			}},
		{name: "415 for a text/plain PATCH", status: 415, code: "unsupported_media_type",
			send: func(t *testing.T) *apiResponse {
				return script.patch(t, "/api/v1/sessions/"+se.ID, `{"title":"As text"}`, ct("text/plain"))
			},
			check: func(t *testing.T, _ *apiResponse, _ apiErrorAnswer) {
				var now struct{ Title string }
				browser.get(t, "/api/v1/sessions/"+se.ID).want(t, http.StatusOK).decode(t, &now)
				if now.Title != "Saved first" {
					t.Errorf("a refused body was applied: title %q", now.Title)
				}
			}},
		{name: "415 for a form POST", status: 415, code: "unsupported_media_type",
			send: func(t *testing.T) *apiResponse {
				return script.post(t, "/api/v1/topics", "slug=form&title=Form", ct("application/x-www-form-urlencoded"))
			}},
		{name: "415 for JSON sent to the CSV import", status: 415, code: "unsupported_media_type",
			send: func(t *testing.T) *apiResponse {
				return script.post(t, "/api/v1/register.csv?dry_run=true", `{"title":"x"}`, ct("application/json"))
			},
			check: func(t *testing.T, _ *apiResponse, _ apiErrorAnswer) {
				// The import's own type is taken.
				if r := script.post(t, "/api/v1/register.csv?dry_run=true", "title\n", ct("text/csv; charset=utf-8")); r.Status == 415 {
					t.Errorf("a text/csv import was refused as 415: %s", r.Body)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.send(t).want(t, tc.status)
			e := r.errorAnswer(t)
			if e.Code != tc.code || e.Field != tc.field {
				t.Errorf("code %q field %q, want %q %q: %s", e.Code, e.Field, tc.code, tc.field, apiClip(r.Body))
			}
			if tc.check != nil {
				tc.check(t, r, e)
			}
		})
	}

	t.Run("429 with Retry-After and the RateLimit fields", func(t *testing.T) {
		c := srv.client()
		wrong := map[string]string{"email": "nobody-here@example.org", "password": "wrong-password-1"}
		var r *apiResponse
		for range 20 {
			if r = c.post(t, "/api/v1/login", wrong); r.Status == http.StatusTooManyRequests {
				break
			}
			if policy := r.Header.Get("RateLimit-Policy"); !strings.Contains(policy, `"account";q=10;w=300`) {
				t.Fatalf("RateLimit-Policy %q on an attempt, want the account's quota", policy)
			}
			if !strings.Contains(r.Header.Get("RateLimit"), ";r=") {
				t.Fatalf("RateLimit %q on an attempt, want what is left", r.Header.Get("RateLimit"))
			}
		}
		r.want(t, http.StatusTooManyRequests)
		if e := r.errorAnswer(t); e.Code != "rate_limited" {
			t.Errorf("code %q, want rate_limited", e.Code)
		}
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("Retry-After %q, want whole seconds", r.Header.Get("Retry-After"))
		}
		if got := r.Header.Get("RateLimit"); !strings.Contains(got, `"account";r=0;`) {
			t.Errorf("RateLimit %q, want the account's quota spent", got)
		}
	})

	t.Run("HEAD answers as GET without a body", func(t *testing.T) {
		for _, path := range []string{"/api/v1/meetings", "/api/v1/register.csv", "/api/v1/meetings/london-2014/record.md", "/healthz"} {
			get := browser.get(t, path).want(t, http.StatusOK)
			head := browser.do(t, http.MethodHead, path, nil).want(t, http.StatusOK)
			if len(head.Body) != 0 {
				t.Errorf("HEAD %s: a body of %d bytes", path, len(head.Body))
			}
			for _, h := range []string{"Content-Type", "Content-Disposition", "Cache-Control"} {
				if head.Header.Get(h) != get.Header.Get(h) {
					t.Errorf("HEAD %s: %s %q, GET sends %q", path, h, head.Header.Get(h), get.Header.Get(h))
				}
			}
		}
		r := anon.do(t, http.MethodHead, "/api/v1/me", nil).want(t, http.StatusUnauthorized)
		challenge(t, r)
	})

	t.Run("Location of a 201 is absolute and answers", func(t *testing.T) {
		slug := apiUnique("located")
		r := browser.post(t, "/api/v1/topics", map[string]string{"slug": slug, "title": "Located"}).want(t, http.StatusCreated)
		var topic struct{ ID string }
		r.decode(t, &topic)
		if loc := r.Header.Get("Location"); loc != srv.URL+"/api/v1/topics/"+topic.ID {
			t.Fatalf("Location %q, want %s/api/v1/topics/%s", loc, srv.URL, topic.ID)
		}
		browser.get(t, strings.TrimPrefix(r.Header.Get("Location"), srv.URL)).want(t, http.StatusOK)

		feed := browser.post(t, "/api/v1/delegations/GB/calendar", nil).want(t, http.StatusCreated)
		var f struct{ Path string }
		feed.decode(t, &f)
		if loc := feed.Header.Get("Location"); loc != srv.URL+f.Path || !strings.HasSuffix(loc, ".ics") {
			t.Fatalf("calendar feed Location %q, want %s%s", loc, srv.URL, f.Path)
		}
		anon.get(t, f.Path).want(t, http.StatusOK)
	})

	t.Run("Location comes from QUINTET_PUBLIC_URL", func(t *testing.T) {
		const public = "https://quintet.example.org"
		srv, admin := startAPIServerWithAdmin(t, map[string]string{"QUINTET_PUBLIC_URL": public})
		origin := apiHeader("Origin", public)
		c := srv.client()
		r := c.post(t, "/api/v1/login", map[string]string{"email": admin.Email, "password": admin.Password}, origin).want(t, http.StatusOK)
		cookie := apiHeader("Cookie", "quintet_login="+apiLoginCookie(t, r).Value)
		r = srv.client().post(t, "/api/v1/topics", map[string]string{"slug": "public-url", "title": "Public"}, cookie, origin).
			want(t, http.StatusCreated)
		var topic struct{ ID string }
		r.decode(t, &topic)
		if loc := r.Header.Get("Location"); loc != public+"/api/v1/topics/"+topic.ID {
			t.Errorf("Location %q, want %s/api/v1/topics/%s", loc, public, topic.ID)
		}
	})
}
