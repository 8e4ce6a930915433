package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fuDial opens the live endpoint with c's login cookie.
func fuDial(t *testing.T, c *apiClient) *fuLive {
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
	return &fuLive{t: t, ws: ws}
}

// next reads the next message, whatever its type.
func (l *fuLive) next() map[string]json.RawMessage {
	l.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(l.pending) == 0 {
		_ = l.ws.SetReadDeadline(deadline)
		_, frame, err := l.ws.ReadMessage()
		if err != nil {
			l.t.Fatalf("read: %v", err)
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
	return m
}

// changesOf subscribes l to channel from cursor and collects the catch-up's
// outcome, action and withdrawn changes as "kind id@version".
func changesOf(t *testing.T, l *fuLive, channel, cursor string) (got []string, caughtUp map[string]json.RawMessage) {
	t.Helper()
	if err := l.ws.WriteJSON(map[string]any{"type": "subscribe", "channel": channel, "cursor": cursor}); err != nil {
		t.Fatal(err)
	}
	for caughtUp == nil {
		m := l.next()
		var typ string
		_ = json.Unmarshal(m["type"], &typ)
		switch typ {
		case "subscribed":
			var reset bool
			_ = json.Unmarshal(m["reset"], &reset)
			if reset {
				t.Fatalf("cursor %s was reset", cursor)
			}
		case "outcome", "action":
			var d struct {
				ID      string `json:"id"`
				Version int64  `json:"version"`
			}
			_ = json.Unmarshal(m[typ], &d)
			got = append(got, fmt.Sprintf("%s %s@%d", typ, d.ID, d.Version))
		case "withdrawn":
			var id string
			_ = json.Unmarshal(m["id"], &id)
			got = append(got, "withdrawn "+id)
		case "caught_up":
			caughtUp = m
		}
	}
	return got, caughtUp
}

func cursorOf(t *testing.T, m map[string]json.RawMessage) string {
	t.Helper()
	var c string
	if err := json.Unmarshal(m["cursor"], &c); err != nil || c == "" {
		t.Fatalf("caught_up without a cursor: %s", m["cursor"])
	}
	return c
}

// Outcome and action changes made while a reader was away come in its
// resume's catch-up, once each, at its clearance: the observer never gets a
// heads action or a delegations outcome, the head gets them; resuming again
// from the new cursor sends nothing.
func TestFollowup_LiveResumesFromTheMeetingCursor(t *testing.T) {
	_, who := fuSetUp(t)
	const channel = "meeting:london-2014"
	cursors := map[string]string{}
	for _, u := range []string{"observer", "headCA"} {
		l := fuDial(t, who[u])
		_, done := changesOf(t, l, channel, "")
		cursors[u] = cursorOf(t, done)
		l.ws.Close() // the link drops
	}

	var secret, open fuAction
	who["admin"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/3/action", map[string]any{"owner": "US", "due": "2015-03-01"}).want(t, 201).decode(t, &secret)
	who["followupCA"].do(t, "POST", "/api/v1/actions", map[string]any{"title": "For all", "owner": "CA", "due": "2015-06-30",
		"meeting_id": "london-2014"}).want(t, 201).decode(t, &open)
	var o, all fuOutcome
	who["rapporteur"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/2/outcome", map[string]any{"kind": "finding"}).want(t, 201).decode(t, &o)
	who["rapporteur"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/1/outcome", map[string]any{"kind": "finding", "marking": "all"}).want(t, 201).decode(t, &all)
	// Agreed, so the observer reads it: a draft is never shown to observers.
	who["admin"].do(t, "PATCH", "/api/v1/outcomes/"+all.ID, map[string]any{"status": "agreed", "version": all.Version}).want(t, 200).decode(t, &all)

	has := func(got []string, s string) bool {
		for _, g := range got {
			if g == s {
				return true
			}
		}
		return false
	}
	for u, want := range map[string]struct{ in, out []string }{
		"observer": {in: []string{fmt.Sprintf("action %s@%d", open.ID, open.Version), fmt.Sprintf("outcome %s@%d", all.ID, all.Version)},
			out: []string{secret.ID, o.ID}},
		"headCA": {in: []string{fmt.Sprintf("action %s@%d", secret.ID, secret.Version), fmt.Sprintf("action %s@%d", open.ID, open.Version),
			fmt.Sprintf("outcome %s@%d", o.ID, o.Version), fmt.Sprintf("outcome %s@%d", all.ID, all.Version)}},
	} {
		l := fuDial(t, who[u])
		got, done := changesOf(t, l, channel, cursors[u])
		seen := map[string]bool{}
		for _, g := range got {
			if seen[g] {
				t.Errorf("%s: %s came twice", u, g)
			}
			seen[g] = true
			for _, id := range want.out {
				if strings.Contains(g, id) {
					t.Errorf("%s resumed with %s, above its clearance", u, g)
				}
			}
		}
		for _, w := range want.in {
			if !has(got, w) {
				t.Errorf("%s resumed with %v, missing %s", u, got, w)
			}
		}
		// From the new cursor, nothing is left.
		l.ws.Close()
		l2 := fuDial(t, who[u])
		again, _ := changesOf(t, l2, channel, cursorOf(t, done))
		if len(again) != 0 {
			t.Errorf("%s: a second resume sent %v", u, again)
		}
	}
}
