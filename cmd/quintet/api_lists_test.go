package main

// The list contract, across every list route: {items, next_cursor}, a Link
// to the next page, limit clamped to its maximum, an opaque cursor, multi-
// value filters by repeats or commas, dates or RFC 3339 times.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type apiListPage struct {
	Items      []json.RawMessage `json:"items"`
	NextCursor string            `json:"next_cursor"`
}

// apiListFixture is a server with a few of everything a list holds, made as
// admin, who reads them all.
type apiListFixture struct {
	*apiFixture
	session, entry string
}

func newAPIListFixture(t *testing.T) *apiListFixture {
	t.Helper()
	f := &apiListFixture{apiFixture: newAPIFixture(t, nil)}
	admin := f.admin()
	f.session = f.liveSession(t)
	admin.post(t, "/api/v1/meetings", map[string]any{"id": "ottawa-2015", "title": "Ottawa 2015", "host": "CA", "city": "Ottawa",
		"time_zone": "America/Toronto", "start_date": "2015-07-06", "end_date": "2015-07-08", "delegations": []string{"CA", "GB"}}).
		want(t, http.StatusCreated)
	for i := range 4 {
		admin.post(t, "/api/v1/sessions/"+f.session+"/notes", map[string]any{
			"client_id": "list-note-" + strconv.Itoa(i), "text": "Evidence note " + strconv.Itoa(i), "marking": "all"}).
			want(t, http.StatusCreated)
	}
	for range 3 {
		apiFreshOutcome(t, f.apiFixture)
		apiFreshAction(t, f.apiFixture)
	}
	var e struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	admin.post(t, "/api/v1/register", apiEntryBody(apiUnique("Evidence exchange"))).want(t, http.StatusCreated).decode(t, &e)
	f.entry = e.ID
	for i := range 3 {
		admin.patch(t, "/api/v1/register/"+e.ID, map[string]any{"summary": "Round " + strconv.Itoa(i), "version": e.Version}).
			want(t, http.StatusOK).decode(t, &e)
		apiFreshEntry(t, f.apiFixture)
	}
	for _, m := range []string{"all", "delegations"} {
		admin.post(t, "/api/v1/meetings/london-2014/record/versions", map[string]any{"marking": m}).want(t, http.StatusCreated)
	}
	for _, kind := range []struct{ kind, id string }{{"topic", "cyberbullying"}, {"action", apiFreshAction(t, f.apiFixture)}} {
		admin.post(t, "/api/v1/links", map[string]any{"from_kind": kind.kind, "from_id": kind.id, "entry_id": e.ID}).want(t, http.StatusCreated)
	}
	return f
}

// listRoutes are every list, with the query that selects many items.
func (f *apiListFixture) listRoutes() map[string]string {
	return map[string]string{
		"/api/v1/meetings":                      "/api/v1/meetings",
		"/api/v1/meetings/{id}/sessions":        "/api/v1/meetings/london-2014/sessions",
		"/api/v1/sessions/{id}/notes":           "/api/v1/sessions/" + f.session + "/notes",
		"/api/v1/sessions/{id}/outcomes":        "/api/v1/sessions/" + f.session + "/outcomes",
		"/api/v1/meetings/{id}/outcomes":        "/api/v1/meetings/london-2014/outcomes",
		"/api/v1/meetings/{id}/carry-over":      "/api/v1/meetings/london-2014/carry-over",
		"/api/v1/meetings/{id}/record/versions": "/api/v1/meetings/london-2014/record/versions",
		"/api/v1/topics":                        "/api/v1/topics",
		"/api/v1/delegations":                   "/api/v1/delegations",
		"/api/v1/users":                         "/api/v1/users",
		"/api/v1/actions":                       "/api/v1/actions",
		"/api/v1/register":                      "/api/v1/register",
		"/api/v1/register/{id}/history":         "/api/v1/register/" + f.entry + "/history",
		"/api/v1/links":                         "/api/v1/links?from_kind=topic&from_id=cyberbullying",
		"/api/v1/topics/{id}/register":          "/api/v1/topics/cyberbullying/register",
		"/api/v1/search":                        "/api/v1/search?q=evidence",
		"/api/v1/actions?sort=-due":             "/api/v1/actions?sort=-due",
		"/api/v1/actions?sort=progress":         "/api/v1/actions?sort=progress",
		"/api/v1/register?sort=-updated":        "/api/v1/register?sort=-updated",
		"/api/v1/meetings?sort=start":           "/api/v1/meetings?sort=start",
		"/api/v1/sessions/{id}/notes?after=2":   "/api/v1/sessions/" + f.session + "/notes?after=2",
		"/api/v1/register?delegation=GB,CA&...": "/api/v1/register?delegation=GB,CA&archived=any",
	}
}

func apiWithQuery(path, q string) string {
	if strings.Contains(path, "?") {
		return path + "&" + q
	}
	return path + "?" + q
}

// TestListsPageOneByOne walks every list with limit=1, following next_cursor
// and the Link header to the end, and gets every item of the whole list
// exactly once, in its order.
func TestListsPageOneByOne(t *testing.T) {
	f := newAPIListFixture(t)
	admin := f.admin()

	// Every route the document gives a Link header is a list: each is walked.
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Headers map[string]any `json:"headers"`
			} `json:"responses"`
		} `json:"paths"`
	}
	admin.get(t, "/api/v1/openapi.json").want(t, http.StatusOK).decode(t, &doc)
	routes := f.listRoutes()
	for path, ops := range doc.Paths {
		if _, ok := ops["get"].Responses["200"].Headers["Link"]; ok {
			if _, walked := routes[path]; !walked {
				t.Errorf("the list %s is not walked", path)
			}
		}
	}

	for name, path := range routes {
		var whole apiListPage
		admin.get(t, apiWithQuery(path, "limit=1000")).want(t, http.StatusOK).decode(t, &whole)
		if whole.NextCursor != "" {
			t.Fatalf("%s: the whole list has a next page", name)
		}
		if len(whole.Items) < 2 && !strings.Contains(name, "carry-over") {
			t.Errorf("%s: only %d items; the walk proves little", name, len(whole.Items))
		}
		var walked []string
		next := apiWithQuery(path, "limit=1")
		for pages := 0; next != ""; pages++ {
			if pages > len(whole.Items)+1 {
				t.Fatalf("%s: more pages than items", name)
			}
			r := admin.get(t, next).want(t, http.StatusOK)
			var p apiListPage
			r.decode(t, &p)
			if len(p.Items) > 1 {
				t.Fatalf("%s: %d items on a page of limit=1", name, len(p.Items))
			}
			for _, it := range p.Items {
				walked = append(walked, string(it))
			}
			link := r.Header.Get("Link")
			if p.NextCursor == "" {
				if link != "" {
					t.Errorf("%s: the last page links to %s", name, link)
				}
				break
			}
			// The Link is the absolute URL of the next page.
			target, ok := strings.CutPrefix(link, "<")
			target, _, ok2 := strings.Cut(target, `>; rel="next"`)
			u, err := url.Parse(target)
			if !ok || !ok2 || err != nil || !u.IsAbs() || u.Query().Get("cursor") != p.NextCursor || u.Query().Get("limit") != "1" {
				t.Fatalf("%s: Link %q, want <absolute URL with cursor=%s and limit=1>; rel=\"next\"", name, link, p.NextCursor)
			}
			next = u.RequestURI()
		}
		want := make([]string, len(whole.Items))
		for i, it := range whole.Items {
			want[i] = string(it)
		}
		if !slices.Equal(walked, want) {
			t.Errorf("%s: walking limit=1 gave %d items, the whole list %d (or another order)", name, len(walked), len(want))
		}
	}
}

// TestListContract: clamped limit, refused limit and cursor, repeats and
// commas, dates and times.
func TestListContract(t *testing.T) {
	f := newAPIListFixture(t)
	admin := f.admin()

	t.Run("an oversized limit is clamped", func(t *testing.T) {
		var big, most apiListPage
		admin.get(t, "/api/v1/actions?limit=999999999999999999999").want(t, http.StatusOK).decode(t, &big)
		admin.get(t, "/api/v1/actions?limit=1000").want(t, http.StatusOK).decode(t, &most)
		if len(big.Items) != len(most.Items) || len(big.Items) == 0 {
			t.Errorf("limit=huge gave %d items, limit=1000 %d", len(big.Items), len(most.Items))
		}
	})
	for _, tc := range []struct{ path, field string }{
		{"/api/v1/actions?limit=0", "limit"},
		{"/api/v1/topics?limit=-3", "limit"},
		{"/api/v1/register?limit=ten", "limit"},
		{"/api/v1/actions?cursor=not-a-cursor", "cursor"},
		{"/api/v1/meetings?cursor=" + url.QueryEscape("e30"), "cursor"}, // {} in base64url
		{"/api/v1/actions?sort=owner", "sort"},
		{"/api/v1/register?offset=10", "offset"},
		{"/api/v1/topics?sort=title", "sort"},
	} {
		r := admin.get(t, tc.path).want(t, http.StatusBadRequest)
		if e := r.errorAnswer(t); e.Field != tc.field {
			t.Errorf("GET %s: names %q, want %q", tc.path, e.Field, tc.field)
		}
	}
	t.Run("a cursor of another sort is refused", func(t *testing.T) {
		var p apiListPage
		admin.get(t, "/api/v1/actions?limit=1&sort=updated").want(t, http.StatusOK).decode(t, &p)
		r := admin.get(t, "/api/v1/actions?limit=1&sort=due&cursor="+p.NextCursor).want(t, http.StatusBadRequest)
		if e := r.errorAnswer(t); e.Field != "cursor" {
			t.Errorf("names %q, want cursor", e.Field)
		}
	})
	t.Run("repeats and commas are alike", func(t *testing.T) {
		for _, pair := range [][2]string{
			{"/api/v1/actions?owner=GB&owner=CA", "/api/v1/actions?owner=GB,CA"},
			{"/api/v1/actions?status=open&status=done", "/api/v1/actions?status=open,done"},
			{"/api/v1/register?audience=prosecutors&audience=judiciary", "/api/v1/register?audience=prosecutors,judiciary"},
			{"/api/v1/search?q=evidence&kind=note&kind=action", "/api/v1/search?q=evidence&kind=note,action"},
		} {
			a, b := admin.get(t, pair[0]).want(t, http.StatusOK), admin.get(t, pair[1]).want(t, http.StatusOK)
			if string(a.Body) != string(b.Body) {
				t.Errorf("%s and %s answer differently", pair[0], pair[1])
			}
		}
		var one, two apiListPage
		admin.get(t, "/api/v1/actions?owner=GB").want(t, http.StatusOK).decode(t, &one)
		admin.get(t, "/api/v1/actions?owner=CA&owner=GB").want(t, http.StatusOK).decode(t, &two)
		if len(one.Items) == 0 || len(two.Items) < len(one.Items) {
			t.Errorf("owner=CA&owner=GB gave %d, owner=GB %d: the second value is dropped", len(two.Items), len(one.Items))
		}
	})
	t.Run("dates and RFC 3339 times are alike", func(t *testing.T) {
		for _, pair := range [][2]string{
			{"/api/v1/actions?due_before=2015-07-01", "/api/v1/actions?due_before=2015-07-01T12:00:00Z"},
			{"/api/v1/actions?changed_since=2000-01-01", "/api/v1/actions?changed_since=2000-01-01T00:00:00Z"},
		} {
			a, b := admin.get(t, pair[0]).want(t, http.StatusOK), admin.get(t, pair[1]).want(t, http.StatusOK)
			var pa apiListPage
			a.decode(t, &pa)
			if string(a.Body) != string(b.Body) || len(pa.Items) == 0 {
				t.Errorf("%s (%d items) and %s answer differently", pair[0], len(pa.Items), pair[1])
			}
		}
	})
	t.Run("the register still counts every page", func(t *testing.T) {
		r := admin.get(t, "/api/v1/register?limit=1").want(t, http.StatusOK)
		if n, _ := strconv.Atoi(r.Header.Get("X-Total-Count")); n < 2 {
			t.Errorf("X-Total-Count %q on a page of 1", r.Header.Get("X-Total-Count"))
		}
	})
}
