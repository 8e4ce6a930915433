package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The brief cache never serves one reader's brief to a reader who may read
// less: a heads reader's brief (which counts a heads action) is not what a
// delegations reader gets, whichever of them asks first; a session's
// rapporteur, who reads that session's whole record, is kept apart from the
// other delegates; and a write to what the brief reads makes it computed
// again, in every form.
func TestBriefCacheKeepsReadersApart(t *testing.T) {
	ctx, sys := context.Background(), conference.SystemActor
	now := time.Date(2015, 6, 1, 10, 0, 0, 0, time.UTC)
	svc, _ := OpenTestService(t, func() time.Time { return now })
	topic := SeedTestMeeting(t, svc, "m2014", "London 2014", conference.Topic{Slug: "privacy", Title: "Privacy"})
	if _, err := svc.CreateMeeting(ctx, sys, conference.Meeting{ID: "m2015", Title: "Ottawa 2015", Host: "GB", City: "Ottawa",
		TimeZone: "America/Toronto", StartDate: "2015-07-06", EndDate: "2015-07-08", Delegations: []string{"GB"},
		Topics: []string{topic.ID}}); err != nil {
		t.Fatal(err)
	}
	pass := "a long enough password"
	_, headTok := NewTestUser(t, svc, conference.UserInput{Email: "h@example.org", Name: "Head",
		Roles: []conference.Role{conference.RoleHead}, Delegation: "GB", Password: pass}, "t")
	_, delTok := NewTestUser(t, svc, conference.UserInput{Email: "d@example.org", Name: "Delegate",
		Roles: []conference.Role{conference.RoleDelegate}, Delegation: "GB", Password: pass}, "t")
	rap, rapTok := NewTestUser(t, svc, conference.UserInput{Email: "r@example.org", Name: "Rapporteur",
		Roles: []conference.Role{conference.RoleRapporteur}, Delegation: "GB", Password: pass}, "t")
	start := time.Date(2014, 7, 8, 9, 0, 0, 0, time.UTC)
	se, err := svc.CreateSession(ctx, sys, "m2014", conference.SessionInput{Title: "Privacy", Start: start, End: start.Add(time.Hour),
		Topics: []string{topic.ID}, Rapporteurs: []string{rap.ID}})
	if err != nil {
		t.Fatal(err)
	}
	action := func(title string, m conference.Marking) {
		t.Helper()
		if _, err := svc.CreateAction(ctx, sys, conference.ActionInput{Title: title, Owner: "GB", Due: "2014-12-31",
			SessionID: se.ID, Marking: m}); err != nil {
			t.Fatal(err)
		}
	}
	action("Shared with the delegations", conference.MarkingDelegations)
	action("For the heads only", conference.MarkingHeads)

	a, e, err := newServer(svc, Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	defer srv.Close()
	get := func(token, path string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+v1+"/meetings/m2015/"+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
		return string(body)
	}
	// actions is the brief's count of actions as token reads it, checked
	// against the titles its JSON and Markdown show.
	actions := func(token string) int {
		t.Helper()
		body := get(token, "brief")
		var b struct {
			Clearance string `json:"clearance"`
			Totals    struct {
				Actions int `json:"actions"`
			} `json:"totals"`
		}
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatal(err)
		}
		md := get(token, "brief.md")
		for _, form := range []string{body, md} {
			if heads := strings.Contains(form, "For the heads only"); heads != (b.Clearance == "heads" || token == rapTok) {
				t.Fatalf("clearance %s reads the heads action: %v", b.Clearance, heads)
			}
		}
		return b.Totals.Actions
	}
	kept := func() int {
		a.briefs.mu.RLock()
		defer a.briefs.mu.RUnlock()
		return len(a.briefs.entries)
	}
	expect := func(token string, want int) {
		t.Helper()
		if got := actions(token); got != want {
			t.Fatalf("brief counts %d actions, want %d", got, want)
		}
	}

	// The head first, then the delegate: the delegate does not get the
	// head's brief.
	expect(headTok, 2)
	expect(delTok, 1)
	expect(rapTok, 2) // the session's rapporteur reads its heads action
	expect(delTok, 1) // and the delegate still does not
	if n := kept(); n != 6 {
		t.Fatalf("%d briefs kept, want 6: JSON and Markdown for three views", n)
	}
	expect(headTok, 2) // from the cache: nothing more is kept
	if n := kept(); n != 6 {
		t.Fatalf("%d briefs kept after a second read, want 6", n)
	}

	// A write to what the brief reads: the next reads compute it again,
	// this time the delegate first.
	action("Also for the heads only", conference.MarkingHeads)
	expect(delTok, 1)
	expect(headTok, 3)
	expect(rapTok, 3)
	action("Shared as well", conference.MarkingDelegations)
	expect(rapTok, 4)
	expect(delTok, 2)
	expect(headTok, 4)

	// The day is part of what the brief is: another date is another brief.
	if body := get(delTok, "brief?date=2014-07-01"); !strings.Contains(body, `"date":"2014-07-01"`) {
		t.Fatalf("brief of 2014-07-01: %s", body)
	}
	// A refused request is refused before the cache is looked at.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+v1+"/meetings/m2015/brief?delegation=FR", nil)
	req.Header.Set("Authorization", "Bearer "+delTok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("brief of FR: %d, want 400", res.StatusCode)
	}
}

// The brief cache is bounded: past its number of answers it starts again,
// and an answer larger than its one-answer limit is not kept.
func TestBriefCacheIsBounded(t *testing.T) {
	c := newCache(cacheLimits{answers: 3, bytes: 100, one: 40})
	for i := range 3 {
		c.put(answerKey{view: "brief", reader: string(rune('a' + i))}, answer{gen: 1, body: make([]byte, 10)})
	}
	if len(c.entries) != 3 {
		t.Fatalf("%d kept, want 3", len(c.entries))
	}
	c.put(answerKey{view: "brief", reader: "d"}, answer{gen: 1, body: make([]byte, 10)})
	if len(c.entries) != 1 || c.bytes != 10 {
		t.Fatalf("%d kept (%d bytes), want 1 after the limit", len(c.entries), c.bytes)
	}
	c.put(answerKey{view: "brief", reader: "e"}, answer{gen: 1, body: make([]byte, 41)})
	if _, ok := c.get(answerKey{view: "brief", reader: "e"}, 1); ok {
		t.Fatal("an answer over the one-answer limit was kept")
	}
	c.put(answerKey{view: "brief", reader: "f"}, answer{gen: 1, body: make([]byte, 35)})
	c.put(answerKey{view: "brief", reader: "g"}, answer{gen: 1, body: make([]byte, 35)})
	c.put(answerKey{view: "brief", reader: "h"}, answer{gen: 1, body: make([]byte, 35)})
	if c.bytes > 100 {
		t.Fatalf("%d bytes kept, over the limit of 100", c.bytes)
	}
}
