package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fuLive is a WebSocket of a signed-in client, subscribed to one channel.
type fuLive struct {
	t       *testing.T
	ws      *websocket.Conn
	pending [][]byte // messages of the last frame not read yet
}

// fuSubscribe opens the live endpoint with c's login cookie and follows
// channel until its catch-up ends.
func fuSubscribe(t *testing.T, c *apiClient, channel string) *fuLive {
	t.Helper()
	u := "ws" + strings.TrimPrefix(c.srv.URL, "http") + "/api/v1/live"
	h := http.Header{"Origin": {c.srv.URL}}
	for _, ck := range c.hc.Jar.Cookies(apiParseURL(c.srv.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ws, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", u, err, resp)
	}
	t.Cleanup(func() { ws.Close() })
	l := &fuLive{t: t, ws: ws}
	if err := ws.WriteJSON(map[string]any{"type": "subscribe", "channel": channel}); err != nil {
		t.Fatal(err)
	}
	l.until("caught_up", func(map[string]json.RawMessage) bool { return true })
	return l
}

// until reads messages until one of type typ satisfies ok, and returns it.
func (l *fuLive) until(typ string, ok func(map[string]json.RawMessage) bool) map[string]json.RawMessage {
	l.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// The server writes several queued messages into one frame, one
		// JSON object per line.
		for len(l.pending) == 0 {
			_ = l.ws.SetReadDeadline(deadline)
			_, frame, err := l.ws.ReadMessage()
			if err != nil {
				l.t.Fatalf("waiting for %s: %v", typ, err)
			}
			for _, line := range bytes.Split(frame, []byte("\n")) {
				if len(bytes.TrimSpace(line)) > 0 {
					l.pending = append(l.pending, line)
				}
			}
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(l.pending[0], &m); err != nil {
			l.t.Fatalf("message %s: %v", l.pending[0], err)
		}
		l.pending = l.pending[1:]
		var got string
		_ = json.Unmarshal(m["type"], &got)
		if got == typ && ok(m) {
			return m
		}
	}
}

// noneBefore fails if a message of type typ about id arrives before the one
// about sentinelID, which was sent after it.
func (l *fuLive) noneBefore(typ, field, id, sentinelID string) {
	l.t.Helper()
	l.until(typ, func(m map[string]json.RawMessage) bool {
		var doc struct{ ID string }
		_ = json.Unmarshal(m[field], &doc)
		if doc.ID == id {
			l.t.Fatalf("received %s %s, which is above this reader's clearance", typ, id)
		}
		return doc.ID == sentinelID
	})
}

// Outcome and action changes reach the meeting channel's subscribers whose
// clearance covers their marking, and nobody else.
func TestFollowup_Live(t *testing.T) {
	_, who := fuSetUp(t)
	const channel = "meeting:london-2014"
	secretariat := fuSubscribe(t, who["admin"], channel)
	observer := fuSubscribe(t, who["observer"], channel)
	head := fuSubscribe(t, who["headCA"], channel)

	// A heads-marked action, then an action for everyone (the sentinel).
	var secret, open fuAction
	who["admin"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/3/action", map[string]any{"owner": "US", "due": "2015-03-01"}).want(t, 201).decode(t, &secret)
	who["followupCA"].do(t, "POST", "/api/v1/actions", map[string]any{"title": "For all", "owner": "CA", "due": "2015-06-30",
		"meeting_id": "london-2014"}).want(t, 201).decode(t, &open)

	// pushed matches a push that carries the document of kind with the id.
	pushed := func(kind, id string) func(map[string]json.RawMessage) bool {
		return func(m map[string]json.RawMessage) bool {
			var x struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(m[kind], &x)
			return x.ID == id
		}
	}
	secretariat.until("action", pushed("action", secret.ID))
	head.until("action", pushed("action", secret.ID))
	observer.noneBefore("action", "action", secret.ID, open.ID)

	// Canada's follow-up files a report: the board's subscribers see the new
	// version at once.
	who["followupCA"].do(t, "POST", "/api/v1/actions/"+open.ID+"/reports", map[string]any{"text": "Started.", "status": "in-progress",
		"version": open.Version}).want(t, 201)
	m := secretariat.until("action", func(m map[string]json.RawMessage) bool {
		var a fuAction
		_ = json.Unmarshal(m["action"], &a)
		return a.ID == open.ID && a.Version == open.Version+1
	})
	var a fuAction
	_ = json.Unmarshal(m["action"], &a)
	if a.Status != "in-progress" || len(a.Reports) != 1 {
		t.Fatalf("pushed action=%+v", a)
	}

	// Outcomes likewise: a delegations outcome reaches the head, not the
	// observer, who gets the one marked all once it is agreed (a draft is
	// never shown to observers).
	var o, all fuOutcome
	who["rapporteur"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/2/outcome", map[string]any{"kind": "finding"}).want(t, 201).decode(t, &o)
	who["rapporteur"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/1/outcome", map[string]any{"kind": "finding", "marking": "all"}).want(t, 201).decode(t, &all)
	who["admin"].do(t, "PATCH", "/api/v1/outcomes/"+all.ID, map[string]any{"status": "agreed", "version": all.Version}).want(t, 200)
	head.until("outcome", pushed("outcome", o.ID))
	observer.noneBefore("outcome", "outcome", o.ID, all.ID)
}
