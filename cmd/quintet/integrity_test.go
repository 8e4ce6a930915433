package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/livetest"
	"golang.org/x/sync/errgroup"
)

type e2eNote struct {
	ID       string `json:"id"`
	Seq      int64  `json:"seq"`
	ClientID string `json:"client_id"`
}

// A client that hangs up while its post is being stored must not leave the
// note in the store but not in memory (every later post to the session then
// clashed on its seq): the write runs to its end, and memory and the store
// hold the same record, also after a restart.
func TestHangUpMidPost(t *testing.T) {
	f := newAPIFixture(t, nil)
	sid := f.newLiveSession(t)
	rap := f.clients[callerRapporteur]
	host := strings.TrimPrefix(f.srv.URL, "http://")
	cookie := httpapi.CookieName + "=" + rap.cookie()

	const posts = 100
	var g errgroup.Group
	g.SetLimit(10)
	for i := range posts {
		g.Go(func() error {
			body := fmt.Sprintf(`{"client_id":"hangup-%d","text":"Note %d, whose writer hung up","marking":"all"}`, i, i)
			conn, err := net.Dial("tcp", host)
			if err != nil {
				return fmt.Errorf("dial: %w", err)
			}
			fmt.Fprintf(conn, "POST /api/v1/sessions/%s/notes HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nCookie: %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", sid, host, f.srv.URL, cookie, len(body), body)
			time.Sleep(time.Duration(rand.IntN(5001)) * time.Microsecond)
			return conn.Close()
		})
	}
	if err := g.Wait(); err != nil {
		t.Error(err)
	}

	// Every later post is taken, by the next seq: none clashes.
	var last e2eNote
	for i := range 3 {
		rap.post(t, "/api/v1/sessions/"+sid+"/notes", map[string]any{
			"client_id": fmt.Sprintf("after-%d", i), "text": "After the hang-ups", "marking": "all",
		}).want(t, http.StatusCreated).decode(t, &last)
	}
	before := sessionNotes(t, f.admin(), sid)
	if int64(len(before)) != last.Seq {
		t.Fatalf("the record holds %d notes but the last post got seq %d", len(before), last.Seq)
	}
	for i, n := range before {
		if n.Seq != int64(i+1) {
			t.Fatalf("note %d has seq %d: the record has a gap", i+1, n.Seq)
		}
	}
	t.Logf("%d of %d hung-up posts were stored", len(before)-3, posts)

	// What the server answered from memory is what the store holds.
	if err := f.srv.Stop(); err != nil {
		t.Fatal(err)
	}
	again := startAPIServer(t, f.srv.DataDir, nil)
	admin := again.client()
	admin.login(t, f.accounts[callerAdmin].Email, f.accounts[callerAdmin].Password)
	after := sessionNotes(t, admin, sid)
	if len(after) != len(before) {
		t.Fatalf("after a restart the record holds %d notes, before it %d", len(after), len(before))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("note %d: before the restart %+v, after %+v", i+1, before[i], after[i])
		}
	}
}

func sessionNotes(t *testing.T, c *apiClient, sid string) []e2eNote {
	t.Helper()
	var page struct {
		Notes []e2eNote `json:"items"`
	}
	c.get(t, "/api/v1/sessions/"+sid+"/notes").want(t, http.StatusOK).decode(t, &page)
	return page.Notes
}

// liveClient opens the live endpoint as a signed-in browser.
func (f *apiFixture) liveClient(t *testing.T, caller string) *livetest.Client {
	t.Helper()
	url := "ws" + strings.TrimPrefix(f.srv.URL, "http") + livetest.Path
	ws, status, err := livetest.Dial(url, http.Header{
		"Origin": {f.srv.URL}, "Cookie": {httpapi.CookieName + "=" + f.clients[caller].cookie()}})
	if err != nil {
		t.Fatalf("dial as %s: %d %v", caller, status, err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &livetest.Client{T: t, WS: ws}
	c.ExpectHello()
	return c
}

// followupMsg is an outcome, action or withdrawn message, decoded here with
// this test's own types so that a renamed field fails it.
type followupMsg struct {
	Type    string `json:"type"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Outcome *struct {
		ID        string `json:"id"`
		Text      string `json:"text"`
		Agreement string `json:"agreement"`
		History   []struct {
			Text    string `json:"text"`
			Marking string `json:"marking"`
		} `json:"history"`
	} `json:"outcome"`
	Action *struct {
		ID      string `json:"id"`
		Marking string `json:"marking"`
	} `json:"action"`
}

// nextFollowup reads raw frames until an outcome, action or withdrawn message.
func nextFollowup(t *testing.T, c *livetest.Client) followupMsg {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_ = c.WS.SetReadDeadline(deadline)
		_, data, err := c.WS.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			var m followupMsg
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("bad message %q: %v", line, err)
			}
			if m.Type == "outcome" || m.Type == "action" || m.Type == "withdrawn" {
				return m
			}
		}
	}
}

// Live pushes apply the same read rules as REST: an outcome's history holds
// only the revisions the reader may read, a raised outcome is withdrawn from
// those who lose it together with the actions drawn from it, and the
// session's rapporteur receives the heads notes of their own session.
func TestLivePushesFollowTheReadRules(t *testing.T) {
	f := newAPIFixture(t, nil)
	sid := f.newLiveSession(t)
	var se struct {
		MeetingID string `json:"meeting_id"`
	}
	f.admin().get(t, "/api/v1/sessions/"+sid).want(t, http.StatusOK).decode(t, &se)
	channel := "meeting:" + se.MeetingID

	obs := f.liveClient(t, callerObserver)
	obs.Subscribe(channel, 0)
	head := f.liveClient(t, callerHead)
	head.Subscribe(channel, 0)

	// Drafted heads, then lowered to all with new text and agreed (a draft
	// is never shown to observers, whatever its marking).
	var o struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	f.admin().post(t, "/api/v1/sessions/"+sid+"/outcomes", map[string]any{
		"kind": "finding", "text": "Secret X", "marking": "heads"}).want(t, http.StatusCreated).decode(t, &o)
	f.admin().patch(t, "/api/v1/outcomes/"+o.ID, map[string]any{
		"text": "Public text", "marking": "all", "status": "agreed", "version": o.Version}).want(t, http.StatusOK).decode(t, &o)

	m := nextFollowup(t, obs)
	if m.Type != "outcome" || m.Outcome == nil || m.Outcome.Text != "Public text" {
		t.Fatalf("observer got %+v, want the lowered outcome (and nothing of its heads draft before it)", m)
	}
	var rest struct {
		Agreement string `json:"agreement"`
	}
	f.clients[callerObserver].get(t, "/api/v1/outcomes/"+o.ID).want(t, http.StatusOK).decode(t, &rest)
	if len(m.Outcome.History) != 0 || m.Outcome.Agreement != rest.Agreement {
		t.Fatalf("observer's push: history=%+v agreement=%q, want no heads revision and the agreement REST says (%q)", m.Outcome.History, m.Outcome.Agreement, rest.Agreement)
	}
	headFirst := nextFollowup(t, head)
	headSecond := nextFollowup(t, head)
	if headFirst.Outcome == nil || headSecond.Outcome == nil || len(headSecond.Outcome.History) != 1 || headSecond.Outcome.History[0].Text != "Secret X" {
		t.Fatalf("head got %+v then %+v, want the draft, then the lowered outcome with its heads revision", headFirst, headSecond)
	}

	// An action drawn from it, then the outcome reopened and raised again.
	var a struct {
		ID string `json:"id"`
	}
	f.admin().post(t, "/api/v1/actions", map[string]any{
		"title": "Share materials", "owner": "GB", "due": "2015-06-30", "outcome_id": o.ID}).want(t, http.StatusCreated).decode(t, &a)
	if m := nextFollowup(t, obs); m.Type != "action" || m.Action.ID != a.ID {
		t.Fatalf("observer got %+v, want the new action", m)
	}
	f.admin().patch(t, "/api/v1/outcomes/"+o.ID, map[string]any{"marking": "heads", "status": "draft", "version": o.Version}).want(t, http.StatusOK)
	got := map[string]string{}
	for range 2 {
		m := nextFollowup(t, obs)
		if m.Type != "withdrawn" {
			t.Fatalf("observer got %+v after the raise, want withdrawn messages only", m)
		}
		got[m.Kind] = m.ID
	}
	if got["action"] != a.ID || got["outcome"] != o.ID {
		t.Fatalf("withdrawn=%v, want the action %s and the outcome %s", got, a.ID, o.ID)
	}
	f.clients[callerObserver].get(t, "/api/v1/actions/"+a.ID).want(t, http.StatusNotFound)

	// The session's rapporteur writes a heads note and receives it live.
	rap := f.liveClient(t, callerRapporteur)
	rap.Subscribe("session:"+sid, 0)
	del := f.liveClient(t, callerDelegate)
	del.Subscribe("session:"+sid, 0)
	f.clients[callerRapporteur].post(t, "/api/v1/sessions/"+sid+"/notes", map[string]any{
		"client_id": "heads-live", "text": "For heads", "marking": "heads"}).want(t, http.StatusCreated)
	f.clients[callerRapporteur].post(t, "/api/v1/sessions/"+sid+"/notes", map[string]any{
		"client_id": "all-live", "text": "For all", "marking": "all"}).want(t, http.StatusCreated)
	n, _ := rap.Until("note")
	if n.Note == nil || n.Note.ClientID != "heads-live" {
		t.Fatalf("rapporteur got %+v, want their heads note", n)
	}
	n, _ = del.Until("note")
	if n.Note == nil || n.Note.ClientID != "all-live" {
		t.Fatalf("delegate got %+v, want only the note marked all", n)
	}
}

// The action list's cache is keyed by what a reader may see: a rapporteur
// reads their session's heads actions, a delegate of the same clearance does
// not, whichever of the two asked first.
func TestActionListCacheKeepsInsidersApart(t *testing.T) {
	f := newAPIFixture(t, nil)
	sid := f.newLiveSession(t)
	rap := f.clients[callerRapporteur]
	var n e2eNote
	rap.post(t, "/api/v1/sessions/"+sid+"/notes", map[string]any{"client_id": "cache-heads", "text": "Heads only", "marking": "heads"}).
		want(t, http.StatusCreated).decode(t, &n)
	var a struct {
		ID string `json:"id"`
	}
	rap.post(t, fmt.Sprintf("/api/v1/sessions/%s/notes/%d/action", sid, n.Seq), map[string]any{"owner": "GB", "due": "2015-06-30"}).
		want(t, http.StatusCreated).decode(t, &a)
	has := func(c *apiClient) bool {
		return strings.Contains(string(c.get(t, "/api/v1/actions").want(t, http.StatusOK).Body), a.ID)
	}
	if !has(rap) {
		t.Fatal("the rapporteur does not list the action drawn from their heads note")
	}
	if has(f.clients[callerDelegate]) {
		t.Fatal("a delegate is served the rapporteur's cached list, with a heads action")
	}
}
