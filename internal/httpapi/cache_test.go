package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// A cached view is computed again only when a collection it reads changes:
// a posted note leaves the register's list and the action board as they
// were, and a new rapporteur of a session (who reads more in it, so the
// board's read rule) makes the board be computed again, not the register.
func TestAnswerCacheFollowsTheCollectionsAViewReads(t *testing.T) {
	ctx := context.Background()
	svc, _ := OpenTestService(t, nil)
	SeedTestMeeting(t, svc, "m1", "Meeting", conference.Topic{})
	sys := conference.SystemActor
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2014, 7, 7, 9, 0, 0, 0, time.UTC)
	se, err := svc.CreateSession(ctx, sys, "m1", conference.SessionInput{Title: "Opening", Start: start, End: start.Add(time.Hour)})
	must(se, err)
	u, err := svc.CreateUser(ctx, sys, conference.UserInput{Email: "d@example.org", Name: "Delegate",
		Roles: []conference.Role{conference.RoleDelegate}, Delegation: "GB", Password: "a long enough password"})
	must(u, err)
	secret, err := svc.CreateToken(ctx, sys, u.ID, "test")
	must(secret, err)
	r, err := svc.CreateUser(ctx, sys, conference.UserInput{Email: "r@example.org", Name: "Rapporteur",
		Roles: []conference.Role{conference.RoleRapporteur}, Delegation: "GB", Password: "a long enough password"})
	must(r, err)
	must(svc.StartSession(ctx, sys, se.ID))

	a, e, err := newServer(svc, Config{})
	must(a, err)
	srv := httptest.NewServer(e)
	defer srv.Close()
	get := func(path string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
	}
	// computed names the answer now kept for a view: a new one means that
	// the view was computed again.
	computed := func(view string) *byte {
		t.Helper()
		a.answers.mu.RLock()
		defer a.answers.mu.RUnlock()
		for k, e := range a.answers.entries {
			if k.view == view {
				return &e.body[0]
			}
		}
		t.Fatalf("no %s answer kept", view)
		return nil
	}
	read := func() {
		get(v1 + "/register")
		get(v1 + "/actions/board")
	}

	read()
	register, board := computed("register"), computed("board")

	if _, _, err := svc.PostNote(ctx, sys, se.ID, conference.NoteInput{ClientID: "c1", Text: "A note.", Marking: conference.MarkingAll}); err != nil {
		t.Fatal(err)
	}
	read()
	if computed("register") != register || computed("board") != board {
		t.Fatal("a posted note made the register list or the board be computed again")
	}

	// Another delegate becomes a rapporteur: the reader's view key stays
	// the same, so only the sessions' generation can tell the board.
	must(svc.UpdateSession(ctx, sys, se.ID, conference.SessionUpdate{Rapporteurs: &[]string{r.ID}}))
	read()
	if computed("board") == board {
		t.Fatal("the board was served from before the session's rapporteurs changed")
	}
	if computed("register") != register {
		t.Fatal("a session's change made the register list be computed again")
	}
}
