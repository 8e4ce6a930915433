package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/backup"
	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/mongostore"
)

// queryServer is the real handler over a fresh embedded store, served on
// port 0, with a meeting, a session and a topic to name in queries, and a
// secretariat token.
type queryServer struct {
	url, token, session string
	ids                 map[string]string // an id of each resource, by its path's first segment
}

func startQueryServer(t *testing.T) *queryServer {
	t.Helper()
	svc, _ := httpapi.OpenTestService(t, nil)
	ctx := context.Background()
	sys := conference.SystemActor
	topic := httpapi.SeedTestMeeting(t, svc, "london-2014", "London 2014",
		conference.Topic{Slug: "electronic-evidence", Title: "Electronic evidence", Description: "Evidence held abroad."})
	start := time.Date(2014, 7, 7, 9, 0, 0, 0, time.UTC)
	sess, err := svc.CreateSession(ctx, sys, "london-2014", conference.SessionInput{
		Title: "Opening", Start: start, End: start.Add(time.Hour), Room: "Hall", Topics: []string{topic.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(ctx, sys, conference.UserInput{
		Email: "secretariat@example.org", Name: "Secretariat", Roles: []conference.Role{conference.RoleAdmin},
		Password: "a long enough password",
	})
	if err != nil {
		t.Fatal(err)
	}
	entry, err := svc.CreateRegisterEntry(ctx, sys, conference.RegisterEntryInput{
		Title: "Judicial training", LeadDelegation: "GB", Audiences: []conference.Audience{conference.Audiences[0]},
		Format: conference.FormatTraining, Status: conference.EntryStatuses[0], StartDate: "2015-01-01",
	})
	if err != nil {
		t.Fatal(err)
	}
	token, err := svc.CreateToken(ctx, sys, u.ID, "query test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StartSession(ctx, sys, sess.ID); err != nil {
		t.Fatal(err)
	}
	o, err := svc.CreateOutcome(ctx, sys, sess.ID, conference.OutcomeInput{Kind: "finding", Text: "Evidence moves across borders.", Marking: conference.MarkingAll})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.CreateAction(ctx, sys, conference.ActionInput{Title: "Share the template", Owner: "GB", Due: "2015-06-30", MeetingID: "london-2014", Marking: conference.MarkingAll})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"meetings": "london-2014", "sessions": sess.ID, "topics": topic.ID, "users": u.ID,
		"outcomes": o.ID, "actions": a.ID, "register": entry.ID}
	e, err := httpapi.New(svc, httpapi.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Backup: func(w io.Writer, snap *conference.Snapshot) error {
			return backup.WriteSnapshot(w, backup.Header{}, snap, mongostore.Encode)
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &queryServer{url: srv.URL, token: token, session: sess.ID, ids: ids}
}

type queryAnswer struct {
	status int
	err    struct {
		Code    string `json:"code"`
		Message string `json:"detail"`
		Field   string `json:"field"`
		Fields  []struct {
			Field   string `json:"field"`
			Message string `json:"detail"`
		} `json:"fields"`
	}
	body   string
	header http.Header
}

func (s *queryServer) get(t *testing.T, pathAndQuery string) queryAnswer {
	t.Helper()
	return s.do(t, http.MethodGet, pathAndQuery)
}

func (s *queryServer) do(t *testing.T, method, pathAndQuery string) queryAnswer {
	t.Helper()
	req, err := http.NewRequest(method, s.url+pathAndQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := queryAnswer{status: res.StatusCode, body: string(b), header: res.Header}
	if res.StatusCode >= 400 {
		if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("GET %s: %d as %q, want application/problem+json: %s", pathAndQuery, res.StatusCode, ct, b)
		}
		if err := json.Unmarshal(b, &a.err); err != nil {
			t.Fatalf("GET %s: %d: %v: %s", pathAndQuery, res.StatusCode, err, b)
		}
	}
	return a
}

func TestUndeclaredQueryParametersAreRefusedByName(t *testing.T) {
	s := startQueryServer(t)
	notes := "/api/v1/sessions/" + s.session + "/notes"
	for _, tc := range []struct {
		query  string
		fields []string // every field named, the first also in field
		says   string
	}{
		{"/api/v1/register?delegatoin=GB", []string{"delegatoin"}, "There is no query parameter"},
		{"/api/v1/register?delegation=GB&limit=5&colour=red&afterr=1", []string{"afterr", "colour"}, "There is no query parameter"},
		{"/api/v1/coverage?foo=1", []string{"foo"}, "There is no query parameter"},
		{notes + "?afterr=2", []string{"afterr"}, "There is no query parameter"},
		{"/api/v1/me?limit=1", []string{"limit"}, "takes no query parameters"},
		{"/api/v1/register?offset=10", []string{"offset"}, "There is no query parameter"},
		{"/api/v1/register.csv?limit=5", []string{"limit"}, "There is no query parameter"},
		{"/api/v1/actions/progress?since=2015-01-01&owner=AU&owner=GB", []string{"owner"}, "given 2 times"},
		{"/api/v1/search?q=evidence&q=court", []string{"q"}, "given 2 times"},
	} {
		a := s.get(t, tc.query)
		if a.status != http.StatusBadRequest || a.err.Code != conference.EINVALID || a.err.Field != tc.fields[0] {
			t.Errorf("GET %s: %d %s/%s, want 400 invalid naming %s: %s", tc.query, a.status, a.err.Code, a.err.Field, tc.fields[0], a.body)
			continue
		}
		var named []string
		for _, f := range a.err.Fields {
			named = append(named, f.Field)
		}
		if !slices.Equal(named, tc.fields) {
			t.Errorf("GET %s: fields %v, want %v", tc.query, named, tc.fields)
		}
		if !strings.Contains(a.err.Message, tc.says) {
			t.Errorf("GET %s: message %q does not say %q", tc.query, a.err.Message, tc.says)
		}
	}

	// Repeats and commas stay accepted where a parameter takes several values.
	for _, q := range []string{
		"/api/v1/register?status=planned&status=ongoing&audience=judiciary,prosecutors",
		"/api/v1/actions?status=open&status=done",
		"/api/v1/search?q=evidence&kind=note&kind=topic",
		notes + "?after=0",
	} {
		if a := s.get(t, q); a.status != http.StatusOK {
			t.Errorf("GET %s: %d, want 200: %s", q, a.status, a.body)
		}
	}
}

// TestDeclaredQueryExamplesAreAccepted sends every GET route all its
// declared parameters at once, with the document's example values: the
// declaration, its example and the handler must agree.
func TestDeclaredQueryExamplesAreAccepted(t *testing.T) {
	s := startQueryServer(t)
	doc := s.get(t, "/api/v1/openapi.json")
	var spec struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name    string `json:"name"`
				In      string `json:"in"`
				Example any    `json:"example"`
				Schema  struct {
					Type string `json:"type"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(doc.body), &spec); err != nil {
		t.Fatal(err)
	}
	tried := 0
	for path, ops := range spec.Paths {
		op, ok := ops["get"]
		if !ok {
			continue
		}
		q := url.Values{}
		for _, p := range op.Parameters {
			if p.In != "query" {
				continue
			}
			switch ex := p.Example.(type) {
			case []any:
				for _, v := range ex {
					q.Add(p.Name, toString(v))
				}
			case nil:
				t.Errorf("GET %s: ?%s has no example", path, p.Name)
			default:
				q.Set(p.Name, toString(ex))
			}
		}
		if len(q) == 0 {
			continue
		}
		tried++
		if strings.HasSuffix(path, "/links") {
			q.Set("from_id", s.ids["topics"])
		}
		p := s.withIDs(path)
		a := s.get(t, p+"?"+q.Encode())
		if a.status != http.StatusOK {
			t.Errorf("GET %s?%s: %d, want 200: %s", p, q.Encode(), a.status, a.body)
		}
	}
	if tried < 8 {
		t.Errorf("only %d GET routes declare query parameters; the document lost them", tried)
	}
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	if s, ok := v.(string); ok {
		return s
	}
	return string(b)
}

// TestDocumentedAnswersAreServed: each GET answer the document gives a
// media type other than JSON, or a header, is served with it.
func TestDocumentedAnswersAreServed(t *testing.T) {
	s := startQueryServer(t)
	issued := s.do(t, http.MethodPost, "/api/v1/delegations/GB/calendar")
	var feed struct {
		Path string `json:"path"`
	}
	if err := json.Unmarshal([]byte(issued.body), &feed); err != nil || issued.status != http.StatusCreated || feed.Path == "" {
		t.Fatalf("issue a calendar feed: %d %s", issued.status, issued.body)
	}
	// Version 1 of the record, for the routes of its files.
	pub, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/meetings/london-2014/record/versions", strings.NewReader(`{"marking":"all"}`))
	pub.Header.Set("Authorization", "Bearer "+s.token)
	pub.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(pub); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("publish version 1 of the record: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	var spec struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]json.RawMessage `json:"content"`
				Headers map[string]json.RawMessage `json:"headers"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(s.get(t, "/api/v1/openapi.json").body), &spec); err != nil {
		t.Fatal(err)
	}
	checked := map[string]bool{}
	for path, ops := range spec.Paths {
		ok, found := ops["get"].Responses["200"]
		if !found {
			continue
		}
		var types []string
		for mt := range ok.Content {
			if mt != "application/json" {
				types = append(types, mt)
			}
		}
		// Link is there only when there is a next page: the list tests
		// follow it.
		delete(ok.Headers, "Link")
		if len(types) == 0 && len(ok.Headers) == 0 {
			continue
		}
		p := s.withIDs(path)
		if strings.Contains(path, "{feed}") {
			p = feed.Path
		}
		p = strings.ReplaceAll(p, "{number}", "1")
		a := s.get(t, p)
		if a.status != http.StatusOK {
			t.Errorf("GET %s: %d: %s", p, a.status, a.body)
			continue
		}
		served, _, _ := strings.Cut(a.header.Get("Content-Type"), ";")
		if len(types) > 0 && (len(types) != 1 || served != types[0]) {
			t.Errorf("GET %s: served as %q, documented as %v", path, served, types)
		}
		checked[served] = true
		for h := range ok.Headers {
			if a.header.Get(h) == "" {
				t.Errorf("GET %s: documents the header %s, which the answer lacks", path, h)
			}
			checked[h] = true
		}
	}
	for _, want := range []string{"text/csv", "text/calendar", "text/html", "text/markdown", "X-Total-Count", "Content-Disposition", "ETag"} {
		if !checked[want] {
			t.Errorf("no documented answer served %s", want)
		}
	}
}

// withIDs fills a documented path's {id} and {code} with a thing of its kind.
func (s *queryServer) withIDs(path string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/api/v1/"), "/")
	return strings.NewReplacer("{id}", s.ids[first], "{code}", "GB").Replace(path)
}
