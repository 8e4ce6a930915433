package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// versioned is one editable resource: how to make a fresh one and what a
// valid change of it is.
type versioned struct {
	name   string
	fresh  func(t *testing.T, f *apiFixture) string // its path
	change func() map[string]any
}

func apiVersionedResources() []versioned {
	text := func(field, prefix string) func() map[string]any {
		return func() map[string]any { return map[string]any{field: apiUnique(prefix)} }
	}
	return []versioned{
		{"meeting", func(t *testing.T, f *apiFixture) string { return "/api/v1/meetings/london-2014" }, text("venue", "Lancaster House")},
		{"topic", func(t *testing.T, f *apiFixture) string {
			var tp struct{ ID string }
			slug := strings.ToLower(apiUnique("topic"))
			f.admin().post(t, "/api/v1/topics", map[string]any{"slug": slug, "title": "Evidence", "description": ""}).
				want(t, http.StatusCreated).decode(t, &tp)
			return "/api/v1/topics/" + tp.ID
		}, text("title", "Electronic evidence")},
		{"delegation", func(t *testing.T, f *apiFixture) string {
			f.admin().post(t, "/api/v1/delegations", map[string]any{"code": "XA", "name": "Observer state", "agencies": []string{}}).
				want(t, http.StatusCreated)
			return "/api/v1/delegations/XA"
		}, text("name", "Observer state")},
		{"user", func(t *testing.T, f *apiFixture) string {
			name := apiUnique("editor")
			return "/api/v1/users/" + f.createUser(t, &apiAccount{Email: name + "@example.org", Name: name, Password: apiPassword(name), Roles: []string{"delegate"}, Delegation: "GB"})
		}, text("name", "Renamed")},
		{"session", func(t *testing.T, f *apiFixture) string { return "/api/v1/sessions/" + f.newSession(t) }, text("room", "Room")},
		{"outcome", func(t *testing.T, f *apiFixture) string { return "/api/v1/outcomes/" + apiFreshOutcome(t, f) }, text("text", "Share the materials")},
		{"action", func(t *testing.T, f *apiFixture) string { return "/api/v1/actions/" + apiFreshAction(t, f) }, text("title", "Report back")},
		{"register entry", func(t *testing.T, f *apiFixture) string { return "/api/v1/register/" + apiFreshEntry(t, f) }, text("title", "Exchange")},
	}
}

// apiVersionOf reads the version of an answer's entity and checks that its
// ETag names it.
func apiVersionOf(t *testing.T, r *apiResponse) int64 {
	t.Helper()
	var v struct {
		Version int64 `json:"version"`
	}
	r.decode(t, &v)
	if v.Version < 1 {
		t.Fatalf("%s %s: version %d, want 1 or more", r.Method, r.Path, v.Version)
	}
	if got, want := r.Header.Get("ETag"), fmt.Sprintf(`"%d"`, v.Version); got != want {
		t.Errorf("%s %s: ETag %q, want %q", r.Method, r.Path, got, want)
	}
	return v.Version
}

// apiCurrentVersion is the version error.current carries.
func apiCurrentVersion(t *testing.T, r *apiResponse, code string) int64 {
	t.Helper()
	e := r.errorAnswer(t)
	if e.Code != code {
		t.Errorf("%s %s: code %q, want %q", r.Method, r.Path, e.Code, code)
	}
	var cur struct {
		Version int64 `json:"version"`
	}
	if err := json.Unmarshal(e.Current, &cur); err != nil || cur.Version < 1 {
		t.Fatalf("%s %s: current %s, want the entity with its version", r.Method, r.Path, apiClip(e.Current))
	}
	return cur.Version
}

func with(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

// Every editable resource: a read sends its version as ETag; a change names
// the version it was made on in If-Match (a stale one is 412) or in the body
// (a stale one is 409), and naming none is 428. Each refused write leaves the
// version where it was.
func TestAPIVersions_EveryEditableResource(t *testing.T) {
	f := newAPIFixture(t, nil)
	admin := f.admin()
	for _, res := range apiVersionedResources() {
		t.Run(res.name, func(t *testing.T) {
			path := res.fresh(t, f)
			v := apiVersionOf(t, admin.get(t, path).want(t, http.StatusOK))
			unchanged := func() {
				t.Helper()
				if got := apiVersionOf(t, admin.get(t, path).want(t, http.StatusOK)); got != v {
					t.Fatalf("a refused change moved the version from %d to %d", v, got)
				}
			}

			r := admin.patch(t, path, res.change()).want(t, http.StatusPreconditionRequired)
			if e := r.errorAnswer(t); e.Code != "precondition_required" {
				t.Errorf("no version: code %q, want precondition_required", e.Code)
			}
			unchanged()

			r = admin.patch(t, path, res.change(), apiHeader("If-Match", fmt.Sprintf(`"%d"`, v))).want(t, http.StatusOK)
			if got := apiVersionOf(t, r); got != v+1 {
				t.Fatalf("If-Match current: version %d, want %d", got, v+1)
			}
			v++

			r = admin.patch(t, path, res.change(), apiHeader("If-Match", fmt.Sprintf(`"%d"`, v-1))).want(t, http.StatusPreconditionFailed)
			if got := apiCurrentVersion(t, r, "precondition_failed"); got != v {
				t.Errorf("412 carries version %d, want the current %d", got, v)
			}
			admin.patch(t, path, res.change(), apiHeader("If-Match", fmt.Sprintf(`W/"%d"`, v))).want(t, http.StatusPreconditionFailed)
			unchanged()

			r = admin.patch(t, path, with(res.change(), "version", v)).want(t, http.StatusOK)
			if got := apiVersionOf(t, r); got != v+1 {
				t.Fatalf("body version current: version %d, want %d", got, v+1)
			}
			v++

			r = admin.patch(t, path, with(res.change(), "version", v-1)).want(t, http.StatusConflict)
			if got := apiCurrentVersion(t, r, "stale_version"); got != v {
				t.Errorf("409 carries version %d, want the current %d", got, v)
			}
			unchanged()

			// Both, disagreeing, is a mistake of the client's, not a race.
			admin.patch(t, path, with(res.change(), "version", v), apiHeader("If-Match", fmt.Sprintf(`"%d"`, v+1))).want(t, http.StatusBadRequest)
			admin.patch(t, path, res.change(), apiHeader("If-Match", "*")).want(t, http.StatusBadRequest)
			unchanged()
		})
	}
}

// Removing a session is conditional like a change: a session moved meanwhile
// is not removed unseen.
func TestAPIVersions_DeleteSession(t *testing.T) {
	f := newAPIFixture(t, nil)
	admin := f.admin()
	path := "/api/v1/sessions/" + f.newSession(t)
	v := apiVersionOf(t, admin.get(t, path).want(t, http.StatusOK))

	admin.do(t, http.MethodDelete, path, nil).want(t, http.StatusPreconditionRequired)
	r := admin.do(t, http.MethodDelete, path, nil, apiHeader("If-Match", fmt.Sprintf(`"%d"`, v+1))).want(t, http.StatusPreconditionFailed)
	apiCurrentVersion(t, r, "precondition_failed")
	r = admin.do(t, http.MethodDelete, path, map[string]any{"version": v + 1}).want(t, http.StatusConflict)
	apiCurrentVersion(t, r, "stale_version")
	admin.get(t, path).want(t, http.StatusOK)

	admin.do(t, http.MethodDelete, path, nil, apiHeader("If-Match", fmt.Sprintf(`"%d"`, v))).want(t, http.StatusNoContent)
	admin.get(t, path).want(t, http.StatusNotFound)

	other := "/api/v1/sessions/" + f.newSession(t)
	admin.do(t, http.MethodDelete, other, map[string]any{"version": 1}).want(t, http.StatusNoContent)
}

// The exports that spreadsheets and calendars poll answer 304 to a client
// that names their current ETag, and a new ETag once they changed.
func TestAPIVersions_ExportsAnswerNotModified(t *testing.T) {
	f := newAPIFixture(t, nil)
	admin := f.admin()
	apiFreshAction(t, f)
	apiFreshEntry(t, f)

	var feed struct {
		Path string `json:"path"`
	}
	admin.post(t, "/api/v1/delegations/GB/calendar", nil).want(t, http.StatusCreated).decode(t, &feed)
	anonymous := f.clients[callerAnonymous]

	for _, tc := range []struct {
		name, path string
		client     *apiClient
		change     func()
	}{
		{"actions.csv", "/api/v1/actions.csv", admin, func() { apiFreshAction(t, f) }},
		{"register.csv", "/api/v1/register.csv", admin, func() { apiFreshEntry(t, f) }},
		{"calendar", feed.Path, anonymous, func() { apiFreshAction(t, f) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := tc.client.get(t, tc.path).want(t, http.StatusOK)
			tag := first.Header.Get("ETag")
			if !strings.HasPrefix(tag, `"`) || len(tag) < 3 {
				t.Fatalf("ETag %q, want a strong entity tag", tag)
			}
			again := tc.client.get(t, tc.path, apiHeader("If-None-Match", tag)).want(t, http.StatusNotModified)
			if len(again.Body) != 0 || again.Header.Get("ETag") != tag {
				t.Errorf("304 with body %q and ETag %q, want no body and %q", again.Body, again.Header.Get("ETag"), tag)
			}
			tc.client.get(t, tc.path, apiHeader("If-None-Match", `"other", W/`+tag)).want(t, http.StatusNotModified)
			tc.client.get(t, tc.path, apiHeader("If-None-Match", `"other"`)).want(t, http.StatusOK)

			tc.change()
			changed := tc.client.get(t, tc.path, apiHeader("If-None-Match", tag)).want(t, http.StatusOK)
			if changed.Header.Get("ETag") == tag || string(changed.Body) == string(first.Body) {
				t.Errorf("after a change: ETag %q (was %q), body changed %v", changed.Header.Get("ETag"), tag, string(changed.Body) != string(first.Body))
			}
		})
	}
}

// ifMatchCurrent reads path and returns an If-Match of its current ETag, for
// a change whose test is about something else than concurrency. A path that
// answers without an ETag adds no header.
func (c *apiClient) ifMatchCurrent(t testing.TB, path string) apiOption {
	t.Helper()
	return apiHeader("If-Match", c.get(t, path).Header.Get("ETag"))
}
