package main

// End-to-end tests of outcomes and actions: the real program through run on
// port 0, over the embedded store, with the demo accounts of every role.
// Helpers here carry an "fu" prefix so that they never collide with the
// shared harness of this package's other tests.

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// fuServer is `quintet serve --demo` on port 0 with its demo passwords.
type fuServer struct {
	*apiServer
	passwords map[string]string // email → password
}

var (
	fuDemoLine = regexp.MustCompile(`(?m)^\s+(\S+@example\.org)\s+\S+\s+(?:\S+\s+)?(\S+)\s*$`)
)

// fuStartServer is the shared harness's server with the demo data, and the
// demo passwords it printed.
func fuStartServer(t *testing.T) *fuServer {
	t.Helper()
	s := &fuServer{apiServer: startAPIServer(t, storetest.DataDir(t), nil, "--demo"), passwords: map[string]string{}}
	for _, m := range fuDemoLine.FindAllStringSubmatch(s.Stdout.String(), -1) {
		s.passwords[m[1]] = m[2]
	}
	if len(s.passwords) < 10 {
		t.Fatalf("found %d demo accounts in:\n%s", len(s.passwords), s.Stdout.String())
	}
	return s
}

// as is a browser signed in as one demo account; "" is nobody.
func (s *fuServer) as(t *testing.T, email string) *apiClient {
	t.Helper()
	c := s.client()
	if email != "" {
		pw, ok := s.passwords[email]
		if !ok {
			t.Fatalf("no demo account %s", email)
		}
		c.login(t, email, pw)
	}
	return c
}

// The few fields of the answers the tests look at.
type fuAction struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Owner    string `json:"owner"`
	Status   string `json:"status"`
	Progress int    `json:"progress"`
	Marking  string `json:"marking"`
	Version  int64  `json:"version"`
	NoteSeq  int64  `json:"note_seq"`
	Session  string `json:"session_id"`
	Reports  []struct {
		Text       string `json:"text"`
		AuthorName string `json:"author_name"`
	} `json:"reports"`
	UpdatedName string `json:"updated_by_name"`
}

type fuOutcome struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Version   int64  `json:"version"`
	Agreement string `json:"agreement"`
	Marking   string `json:"marking"`
}

const fuSession = "london-2014-d1-trends"

// fuSetUp starts the server, opens the session's record and writes three
// notes, one of each marking, as the rapporteur.
func fuSetUp(t *testing.T) (*fuServer, map[string]*apiClient) {
	t.Helper()
	s := fuStartServer(t)
	who := map[string]*apiClient{}
	for role, email := range map[string]string{
		"admin": "secretariat@example.org", "rapporteur": "rapporteur@example.org", "observer": "observer@example.org",
		"followupCA": "followup.ca@example.org", "followupNZ": "followup.nz@example.org", "headCA": "head.ca@example.org",
		"headUS": "head.us@example.org", "delegateAU": "delegate.au@example.org",
	} {
		who[role] = s.as(t, email)
	}
	who["anonymous"] = s.as(t, "")
	who["rapporteur"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/start", nil).want(t, http.StatusOK)
	for i, m := range []string{"all", "delegations", "heads"} {
		who["admin"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes", map[string]any{
			"client_id": fmt.Sprintf("fu-%d", i), "text": "Canada to publish guidance, note marked " + m, "marking": m,
		}).want(t, http.StatusCreated)
	}
	return s, who
}

func TestFollowup_HTTP(t *testing.T) {
	srv, who := fuSetUp(t)

	// A rapporteur promotes a note to an action owned by Canada.
	var act fuAction
	who["rapporteur"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/1/action", map[string]any{
		"owner": "CA", "due": "2015-06-30", "agency": "Public Prosecution Service of Canada"}).want(t, http.StatusCreated).decode(t, &act)
	if act.Owner != "CA" || act.NoteSeq != 1 || act.Session != fuSession || act.Marking != "all" || act.Version != 1 {
		t.Fatalf("promoted action=%+v", act)
	}
	path := "/api/v1/actions/" + act.ID

	t.Run("bad input names the field and changes nothing", func(t *testing.T) {
		fu := who["followupCA"]
		for _, tt := range []struct {
			body   map[string]any
			status int
			field  string
		}{
			{map[string]any{"progress": 120, "version": act.Version}, 400, "progress"},
			{map[string]any{"due": "30/06/2015", "version": act.Version}, 400, "due"},
			{map[string]any{"status": "blocked", "version": act.Version}, 400, "reason"},
			{map[string]any{"status": "finished", "version": act.Version}, 400, "status"},
			{map[string]any{"progress": 10}, 428, "version"},
			{map[string]any{"progress": "ten", "version": act.Version}, 400, "progress"},
			{map[string]any{"colour": "red", "version": act.Version}, 400, "colour"},
			{map[string]any{"due": "2013-01-01", "version": act.Version}, 400, "due"},
			{map[string]any{"progress": 10, "version": act.Version + 7}, 409, "version"},
		} {
			fu.do(t, "PATCH", path, tt.body).wantError(t, tt.status, tt.field)
		}
		who["admin"].do(t, "PATCH", path, map[string]any{"owner": "XX", "version": act.Version}).wantError(t, 400, "owner")
		fu.do(t, "POST", path+"/reports", map[string]any{"text": " ", "version": act.Version}).wantError(t, 400, "text")
		fu.do(t, "GET", "/api/v1/actions?overdue=maybe", nil).wantError(t, 400, "overdue")
		fu.do(t, "GET", "/api/v1/actions?due_soon=maybe", nil).wantError(t, 400, "due_soon")
		fu.do(t, "GET", "/api/v1/actions?sort=reported", nil).want(t, 200)
		fu.do(t, "GET", "/api/v1/actions?due_soon=true&sort=-reported", nil).want(t, 200)
		fu.do(t, "GET", "/api/v1/actions?due_before=June", nil).wantError(t, 400, "due_before")
		fu.do(t, "GET", "/api/v1/actions?ownr=CA", nil).wantError(t, 400, "ownr")
		var now fuAction
		fu.do(t, "GET", path, nil).want(t, 200).decode(t, &now)
		if now.Version != act.Version || now.Progress != 0 || now.Status != "open" {
			t.Fatalf("after refusals: %+v, want unchanged", now)
		}
	})

	t.Run("permissions per role", func(t *testing.T) {
		var cur fuAction
		who["admin"].do(t, "GET", path, nil).want(t, 200).decode(t, &cur)
		for role, status := range map[string]int{
			"followupNZ": 403, "delegateAU": 403, "headCA": 403, "observer": 403, "rapporteur": 403, "anonymous": 401,
		} {
			who[role].do(t, "PATCH", path, map[string]any{"progress": 5, "version": cur.Version}).wantError(t, status, "")
			who[role].do(t, "POST", path+"/reports", map[string]any{"text": "x", "version": cur.Version}).wantError(t, status, "")
		}
		for role, status := range map[string]int{
			"followupCA": 201, "admin": 201, "followupNZ": 403, "delegateAU": 403, "headCA": 403, "observer": 403, "rapporteur": 403,
		} {
			who[role].do(t, "POST", "/api/v1/actions", map[string]any{"title": "Direct " + role, "owner": "CA", "due": "2015-09-01",
				"meeting_id": "london-2014"}).want(t, status)
		}
		for _, role := range []string{"followupCA", "followupNZ", "delegateAU", "headCA", "observer", "rapporteur", "admin"} {
			who[role].do(t, "GET", path, nil).want(t, 200)
			who[role].do(t, "GET", "/api/v1/actions", nil).want(t, 200)
			who[role].do(t, "GET", "/api/v1/actions/board", nil).want(t, 200)
		}
		who["anonymous"].do(t, "GET", "/api/v1/actions", nil).wantError(t, 401, "")
	})

	t.Run("an action on its own, handed over to another delegation", func(t *testing.T) {
		var own fuAction
		who["followupCA"].do(t, "POST", "/api/v1/actions", map[string]any{"title": "Hand me over", "owner": "CA",
			"due": "2015-09-01", "meeting_id": "london-2014"}).want(t, 201).decode(t, &own)
		p := "/api/v1/actions/" + own.ID
		// Only the owner's follow-up team and the secretariat hand it over.
		for _, role := range []string{"followupNZ", "delegateAU", "headCA", "observer", "rapporteur"} {
			who[role].do(t, "PATCH", p, map[string]any{"owner": "NZ", "version": own.Version}).wantError(t, 403, "")
		}
		who["anonymous"].do(t, "PATCH", p, map[string]any{"owner": "NZ", "version": own.Version}).wantError(t, 401, "")
		var got struct {
			fuAction
			History []struct {
				Action  string `json:"action"`
				ByName  string `json:"by_name"`
				Changes []struct{ Field, From, To string }
			} `json:"history"`
		}
		who["followupCA"].do(t, "PATCH", p, map[string]any{"owner": "NZ", "version": own.Version}).want(t, 200).decode(t, &got)
		if got.Owner != "NZ" || len(got.History) != 1 || got.History[0].Action != "handed over" ||
			got.History[0].ByName == "" || got.History[0].Changes[0].From != "CA" || got.History[0].Changes[0].To != "NZ" {
			t.Fatalf("after handover: %+v", got)
		}
		// Now it is New Zealand's: Canada no longer edits it, New Zealand does
		// and reads the handover in its history.
		who["followupCA"].do(t, "PATCH", p, map[string]any{"progress": 5, "version": got.Version}).wantError(t, 403, "")
		who["followupNZ"].do(t, "GET", p, nil).want(t, 200).decode(t, &got)
		if len(got.History) != 1 || got.History[0].Action != "handed over" {
			t.Fatalf("New Zealand reads history %+v", got.History)
		}
		who["followupNZ"].do(t, "PATCH", p, map[string]any{"progress": 5, "version": got.Version}).want(t, 200)
		who["admin"].do(t, "PATCH", p, map[string]any{"owner": "CA", "version": got.Version + 1}).want(t, 200)
	})

	t.Run("follow-up files a report and marks it in progress", func(t *testing.T) {
		var cur, got fuAction
		who["followupCA"].do(t, "GET", path, nil).want(t, 200).decode(t, &cur)
		who["followupCA"].do(t, "POST", path+"/reports", map[string]any{"text": "Guidance drafted.", "status": "in-progress",
			"progress": 40, "version": cur.Version}).want(t, 201).decode(t, &got)
		if got.Status != "in-progress" || got.Progress != 40 || len(got.Reports) != 1 || got.Version != cur.Version+1 {
			t.Fatalf("after report: %+v", got)
		}
		// Done sets 100; done → blocked is refused with 409.
		who["followupCA"].do(t, "PATCH", path, map[string]any{"status": "done", "version": got.Version}).want(t, 200).decode(t, &got)
		if got.Progress != 100 {
			t.Fatalf("done at %d%%", got.Progress)
		}
		who["followupCA"].do(t, "PATCH", path, map[string]any{"status": "blocked", "reason": "x", "version": got.Version}).wantError(t, 409, "status")
		who["followupCA"].do(t, "PATCH", path, map[string]any{"status": "in-progress", "progress": 90, "version": got.Version}).want(t, 200)
	})

	t.Run("markings: a heads note makes a heads action", func(t *testing.T) {
		// The demo has US actions of its own: the board's count is compared
		// with each reader's count before.
		type board struct {
			Columns []struct {
				Delegation string
				Counts     struct{ Total int }
			}
		}
		usTotal := func(role string) int {
			var b board
			who[role].do(t, "GET", "/api/v1/actions/board", nil).want(t, 200).decode(t, &b)
			for _, c := range b.Columns {
				if c.Delegation == "US" {
					return c.Counts.Total
				}
			}
			return 0
		}
		roles := map[string]bool{"observer": false, "delegateAU": false, "followupCA": false, "headCA": true, "admin": true}
		before := map[string]int{}
		for role := range roles {
			before[role] = usTotal(role)
		}
		var secret fuAction
		who["admin"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/3/action", map[string]any{"owner": "US", "due": "2015-03-01"}).
			want(t, 201).decode(t, &secret)
		if secret.Marking != "heads" {
			t.Fatalf("marking=%s, want heads", secret.Marking)
		}
		// The session's rapporteur wrote the note: they read what came of it.
		who["rapporteur"].do(t, "GET", "/api/v1/actions/"+secret.ID, nil).want(t, 200)
		for role, sees := range roles {
			var list []fuAction
			who[role].do(t, "GET", "/api/v1/actions?owner=US", nil).want(t, 200).decode(t, &list)
			if got := slices.ContainsFunc(list, func(a fuAction) bool { return a.ID == secret.ID }); got != sees {
				t.Errorf("%s sees the heads action in the list: %v, want %v", role, got, sees)
			}
			status := map[bool]int{true: 200, false: 404}[sees]
			who[role].do(t, "GET", "/api/v1/actions/"+secret.ID, nil).want(t, status)
			csv := who[role].do(t, "GET", "/api/v1/actions.csv", nil).want(t, 200)
			if got := bytes.Contains(csv.Body, []byte(secret.ID)); got != sees {
				t.Errorf("%s sees the heads action in actions.csv: %v, want %v", role, got, sees)
			}
			rec := who[role].do(t, "GET", "/api/v1/meetings/london-2014/record.md", nil).want(t, 200)
			if got := bytes.Contains(rec.Body, []byte("note marked heads")); got != sees {
				t.Errorf("%s sees the heads action in the record: %v, want %v", role, got, sees)
			}
			if got, want := usTotal(role), before[role]+map[bool]int{true: 1}[sees]; got != want {
				t.Errorf("%s's board counts %d US actions, want %d", role, got, want)
			}
		}
	})

	t.Run("outcomes: draft, agree, five of five", func(t *testing.T) {
		var o fuOutcome
		who["rapporteur"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/2/outcome", map[string]any{"kind": "decision"}).want(t, 201).decode(t, &o)
		if o.Status != "draft" || o.Marking != "delegations" {
			t.Fatalf("outcome=%+v", o)
		}
		who["observer"].do(t, "GET", "/api/v1/outcomes/"+o.ID, nil).want(t, 404)
		who["headCA"].do(t, "POST", "/api/v1/outcomes/"+o.ID+"/sign-offs", nil).wantError(t, 409, "status")
		who["rapporteur"].do(t, "PATCH", "/api/v1/outcomes/"+o.ID, map[string]any{"status": "agreed", "version": o.Version}).wantError(t, 403, "")
		who["admin"].do(t, "PATCH", "/api/v1/outcomes/"+o.ID, map[string]any{"status": "agreed", "version": o.Version}).want(t, 200).decode(t, &o)
		who["delegateAU"].do(t, "POST", "/api/v1/outcomes/"+o.ID+"/sign-offs", nil).wantError(t, 403, "")
		who["followupCA"].do(t, "POST", "/api/v1/outcomes/"+o.ID+"/sign-offs", nil).wantError(t, 403, "")
		who["headCA"].do(t, "POST", "/api/v1/outcomes/"+o.ID+"/sign-offs/US/withdraw", map[string]any{"reason": "Not ours."}).wantError(t, 403, "")
		for _, code := range []string{"au", "ca", "gb", "nz", "us"} {
			srv.as(t, "head."+code+"@example.org").do(t, "POST", "/api/v1/outcomes/"+o.ID+"/sign-offs", nil).want(t, 200).decode(t, &o)
		}
		if o.Agreement != "agreed — AU, CA, GB, NZ, US signed" {
			t.Fatalf("agreement=%q", o.Agreement)
		}
		rec := who["headUS"].do(t, "GET", "/api/v1/meetings/london-2014/record.html", nil).want(t, 200)
		if !bytes.Contains(rec.Body, []byte("agreed — AU, CA, GB, NZ, US signed")) {
			t.Fatalf("record.html does not show the agreement:\n%s", rec.Body)
		}
		csp := rec.Header.Get("Content-Security-Policy")
		if strings.Contains(csp, "script") {
			t.Fatalf("record.html CSP=%q allows scripts", csp)
		}
		// The page's one stylesheet is allowed by its hash, and by nothing else.
		_, style, _ := strings.Cut(string(rec.Body), "<style>")
		style, _, _ = strings.Cut(style, "</style>")
		sum := sha256.Sum256([]byte(style))
		if want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) {
			t.Fatalf("record.html CSP=%q, want %s: the stylesheet would be blocked", csp, want)
		}
		obs := who["observer"].do(t, "GET", "/api/v1/meetings/london-2014/record.html", nil).want(t, 200)
		if bytes.Contains(obs.Body, []byte("note marked delegations")) {
			t.Fatalf("the observer's record shows a delegations outcome")
		}
		// A head withdraws, saying why; the sign-off line and the record follow.
		withdraw := "/api/v1/outcomes/" + o.ID + "/sign-offs/US/withdraw"
		who["headUS"].do(t, "POST", withdraw, map[string]any{"reason": " "}).wantError(t, 400, "reason")
		who["headUS"].do(t, "POST", withdraw, map[string]any{"reason": "Not cleared by our attorney general."}).want(t, 200).decode(t, &o)
		if want := "agreed — AU, CA, GB, NZ signed; US pending"; o.Agreement != want {
			t.Fatalf("after withdrawal: agreement=%q, want %q", o.Agreement, want)
		}
		md := who["headUS"].do(t, "GET", "/api/v1/meetings/london-2014/record.md", nil).want(t, 200)
		if !bytes.Contains(md.Body, []byte("agreed — AU, CA, GB, NZ signed; US pending")) {
			t.Fatalf("record.md does not show who signed and who is pending:\n%s", md.Body)
		}
	})

	t.Run("carry-over and progress", func(t *testing.T) {
		var groups []struct {
			Topic   *struct{ ID string }
			Actions []fuAction
		}
		who["delegateAU"].do(t, "GET", "/api/v1/meetings/london-2014/carry-over", nil).want(t, 200).decode(t, &groups)
		for _, g := range groups {
			if len(g.Actions) > 0 {
				t.Fatalf("London carries over actions of its own: %+v", g)
			}
		}
		who["followupCA"].do(t, "GET", "/api/v1/actions/progress?since=2014-01-01", nil).want(t, 200)
		who["followupCA"].do(t, "GET", "/api/v1/actions/progress?since=soon", nil).wantError(t, 400, "since")
		var mine struct {
			Delegation string
			Actions    []fuAction
		}
		who["followupCA"].do(t, "GET", "/api/v1/actions/mine", nil).want(t, 200).decode(t, &mine)
		if mine.Delegation != "CA" || len(mine.Actions) < 2 {
			t.Fatalf("mine=%+v", mine)
		}
		who["observer"].do(t, "GET", "/api/v1/actions/mine", nil).want(t, 404)
	})
}

// Fifty follow-up editors send an update on the version they all saw: one
// lands, the others get 409 with the current action, and the one that
// landed is what the store keeps.
func TestFollowup_HTTP_ConcurrentUpdates(t *testing.T) {
	_, who := fuSetUp(t)
	var act fuAction
	who["followupCA"].do(t, "POST", "/api/v1/actions", map[string]any{"title": "Contended", "owner": "CA", "due": "2015-06-30",
		"meeting_id": "london-2014"}).want(t, 201).decode(t, &act)
	clients := []*apiClient{who["followupCA"], who["admin"]}
	type result struct {
		status   int
		progress int
		current  int64
	}
	results := make([]result, 50)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := clients[i%2].do(t, "PATCH", "/api/v1/actions/"+act.ID, map[string]any{"progress": i + 1, "version": act.Version})
			results[i] = result{status: r.Status, progress: i + 1}
			if r.Status == http.StatusConflict {
				var e struct {
					Field   string
					Current fuAction
				}
				if err := json.Unmarshal(r.Body, &e); err == nil && e.Field == "version" {
					results[i].current = e.Current.Version
				}
			}
		}()
	}
	wg.Wait()
	won := -1
	for i, r := range results {
		switch r.status {
		case http.StatusOK:
			if won >= 0 {
				t.Fatalf("updates %d and %d both succeeded", won, i)
			}
			won = i
		case http.StatusConflict:
			if r.current != act.Version+1 {
				t.Errorf("update %d: 409 with current version %d, want %d", i, r.current, act.Version+1)
			}
		default:
			t.Errorf("update %d: status %d", i, r.status)
		}
	}
	if won < 0 {
		t.Fatal("no update succeeded")
	}
	var got fuAction
	who["admin"].do(t, "GET", "/api/v1/actions/"+act.ID, nil).want(t, 200).decode(t, &got)
	if got.Version != act.Version+1 || got.Progress != results[won].progress {
		t.Fatalf("stored version %d progress %d, want %d and the winner's %d", got.Version, got.Progress, act.Version+1, results[won].progress)
	}
}
