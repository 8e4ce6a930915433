package main

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/httpapi"
)

// TestAPIInputHygiene sends ids and text that no field may hold through the
// real server: each is refused with a 4xx naming the field, no answer
// repeats it, and nothing is stored.
func TestAPIInputHygiene(t *testing.T) {
	f := newAPIFixture(t, nil)
	admin := f.admin()
	live := f.liveSession(t)

	meeting := func(id, title string) map[string]any {
		return map[string]any{
			"id": id, "title": title, "host": "GB", "city": "London",
			"time_zone": "Europe/London", "start_date": "2015-07-01", "end_date": "2015-07-02",
			"delegations": []string{"AU", "CA", "GB", "NZ", "US"}, "topics": []string{},
		}
	}
	note := func(clientID, text string) map[string]any {
		return map[string]any{"client_id": clientID, "text": text, "marking": "all"}
	}
	notes := "/api/v1/sessions/" + live + "/notes"
	// Just under the body limit, so that the id itself is what is refused.
	nearMiB := strings.Repeat("m", httpapi.MaxBodyBytes-1024)

	for _, tc := range []struct {
		name   string
		path   string
		body   any
		status int
		field  string
	}{
		{"meeting id $where", "/api/v1/meetings", meeting("$where", "Operator"), 400, "id"},
		{"meeting id a.b.$c", "/api/v1/meetings", meeting("a.b.$c", "Dotted"), 400, "id"},
		{"meeting id <script>", "/api/v1/meetings", meeting("<script>", "Markup"), 400, "id"},
		{"meeting id of a MiB less 1 KiB", "/api/v1/meetings", meeting(nearMiB, "Big"), 400, "id"},
		{"meeting title with a bidi override", "/api/v1/meetings", meeting("ottawa-2015", "Ottawa \u202e5102"), 400, "title"},
		{"meeting city with NUL", "/api/v1/meetings", map[string]any{"city": "Lon\x00don"}, 400, "city"},
		{"note text with NUL", notes, note(apiUnique("nul"), "before\x00after"), 400, "text"},
		{"note text with a bidi isolate", notes, note(apiUnique("lri"), "before\u2066after"), 400, "text"},
		{"note client_id $where", notes, note("$where", "A plain note."), 400, "client_id"},
		{"session room on two lines", "/api/v1/meetings/london-2014/sessions", func() map[string]any {
			b := apiSessionBody("Two-line room")
			b["room"] = "Room 1\nRoom 2"
			return b
		}(), 400, "room"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := apiWorld(t, f, live)
			method := http.MethodPost
			if tc.field == "city" {
				method, tc.path = http.MethodPatch, "/api/v1/meetings/london-2014"
			}
			r := admin.do(t, method, tc.path, tc.body, apiCurrentFor(t, f, method, tc.path)).want(t, tc.status)
			e := r.errorAnswer(t)
			if e.Field != tc.field {
				t.Errorf("field %q, want %q (message %q)", e.Field, tc.field, e.Detail)
			}
			if len(r.Body) > 1000 || strings.Contains(string(r.Body), "<script>") {
				t.Errorf("the answer (%d bytes) repeats what was sent: %s", len(r.Body), apiClip(r.Body))
			}
			var fields struct {
				Fields []struct{ Field, Message string } `json:"fields"`
			}
			r.decode(t, &fields)
			if fs := fields.Fields; len(fs) != 1 || fs[0].Field != tc.field || fs[0].Message != e.Detail {
				t.Errorf("fields=%+v, want the one field %q with the message", fs, tc.field)
			}
			if after := apiWorld(t, f, live); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused write changed the state:\n%s", apiDiff(before, after))
			}
		})
	}

	// A whole MiB cannot reach the id rule: the body limit refuses it first.
	t.Run("meeting id of a MiB", func(t *testing.T) {
		before := apiWorld(t, f, live)
		admin.post(t, "/api/v1/meetings", meeting(strings.Repeat("m", 1<<20), "Too big")).
			want(t, http.StatusRequestEntityTooLarge).errorAnswer(t)
		if after := apiWorld(t, f, live); !reflect.DeepEqual(before, after) {
			t.Errorf("a refused write changed the state:\n%s", apiDiff(before, after))
		}
	})

	// A path that names a thing by something that cannot be an id is not
	// found; the answer names the parameter and does not repeat the segment.
	t.Run("ids in paths", func(t *testing.T) {
		for _, p := range []string{
			"/api/v1/meetings/" + url.PathEscape("$where"),
			"/api/v1/meetings/" + url.PathEscape("<script>"),
			"/api/v1/meetings/a.b.$c/sessions",
			"/api/v1/sessions/" + url.PathEscape("<script>") + "/notes",
			"/api/v1/topics/" + url.PathEscape("a\u202eb"),
			"/api/v1/delegations/" + url.PathEscape("<b>"),
			"/api/v1/actions/" + strings.Repeat("a", 4000),
			"/api/v1/register/" + url.PathEscape("x\x00y"),
			"/api/v1/users/" + url.PathEscape("-1"),
		} {
			r := admin.get(t, p).want(t, http.StatusNotFound)
			e := r.errorAnswer(t)
			if e.Code != "not_found" || (e.Field != "id" && e.Field != "code") {
				t.Errorf("GET %.60s: code %q field %q, want not_found naming the parameter", p, e.Code, e.Field)
			}
			if len(r.Body) > 1000 || strings.Contains(string(r.Body), "<") {
				t.Errorf("GET %.60s: the answer repeats the path: %s", p, apiClip(r.Body))
			}
		}
		before := apiWorld(t, f, live)
		r := admin.do(t, http.MethodDelete, "/api/v1/links/"+url.PathEscape("note:<script>:e1"), nil).want(t, http.StatusNotFound)
		if e := r.errorAnswer(t); e.Field != "id" {
			t.Errorf("DELETE a link by a bad id: field %q, want id", e.Field)
		}
		if after := apiWorld(t, f, live); !reflect.DeepEqual(before, after) {
			t.Errorf("a refused delete changed the state:\n%s", apiDiff(before, after))
		}
		// Well-formed ids still reach the handlers.
		admin.get(t, "/api/v1/meetings/london-2014").want(t, http.StatusOK)
		admin.get(t, "/api/v1/delegations/GB").want(t, http.StatusOK)
		admin.get(t, "/api/v1/topics/cyberbullying").want(t, http.StatusOK)
	})

	// Long text keeps its lines and tabs; a UUID is a client_id.
	t.Run("long text keeps lines", func(t *testing.T) {
		text := "First line.\n\tIndented second line.\r\nThird."
		admin.post(t, notes, note("3f2b8c1e-9a4d-4e2f-8b7a-1c2d3e4f5a6b", text)).want(t, http.StatusCreated)
		var page struct {
			Notes []struct {
				Text     string `json:"text"`
				ClientID string `json:"client_id"`
			} `json:"items"`
		}
		admin.get(t, notes).want(t, http.StatusOK).decode(t, &page)
		found := false
		for _, got := range page.Notes {
			if got.ClientID == "3f2b8c1e-9a4d-4e2f-8b7a-1c2d3e4f5a6b" {
				found = true
				if got.Text != text {
					t.Errorf("stored text %q, want %q", got.Text, text)
				}
			}
		}
		if !found {
			t.Errorf("the note is not in the record")
		}
	})
}
