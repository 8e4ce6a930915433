package livetest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestParseFrameSplitsOnNewlines(t *testing.T) {
	ms, err := ParseFrame([]byte(`{"type":"subscribed","channel":"session:s1"}` + "\n" + `{"type":"note","note":{"seq":3}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Type != "subscribed" || ms[0].Channel != "session:s1" || ms[1].Note == nil || ms[1].Note.Seq != 3 {
		t.Fatalf("got %+v", ms)
	}
	if _, err := ParseFrame([]byte(`{"type":"hello"}` + "\n" + `{`)); err == nil {
		t.Fatal("a truncated message parsed")
	}
}

// A field the document does not name fails the decode, at the top and inside
// a note or a session, so that a renamed JSON tag on the server fails a test.
func TestParseFrameRefusesUnknownFields(t *testing.T) {
	for _, frame := range []string{
		`{"type":"note","note":{"seq":1,"sequence":1}}`,
		`{"type":"session","session":{"id":"s1","chairs":[]}}`,
		`{"type":"caught_up","lastSeq":3}`,
		`{"type":"hello","limits":{"max_message_size":65536}}`,
		`{"type":"pong"} {"type":"pong"}`,
	} {
		if ms, err := ParseFrame([]byte(frame)); err == nil {
			t.Errorf("%s parsed as %+v", frame, ms)
		}
	}
	ms, err := ParseFrame([]byte(`{"type":"note","channel":"session:s1","note":{"id":"n1","session_id":"s1","meeting_id":"m1",` +
		`"seq":4,"client_id":"c4","author":"u1","text":"t","marking":"heads","amends":2,"late":true,"created_at":"2014-07-09T08:41:07.512Z"}}` +
		"\n" + `{"type":"session","session":{"id":"s1","meeting_id":"m1","title":"T","start":"2014-07-09T08:30:00Z",` +
		`"end":"2014-07-09T09:30:00Z","room":"R","chair":"u2","rapporteurs":["u1"],"topics":[],"status":"live","version":3}}`))
	if err != nil {
		t.Fatal(err)
	}
	if n, se := ms[0].Note, ms[1].Session; n.Amends != 2 || !n.Late || n.Marking != "heads" || se.Chair != "u2" || se.Version != 3 {
		t.Fatalf("got %+v and %+v", n, se)
	}
}

// A server that speaks just enough of the protocol: hello; the catch-up of
// a subscription in one coalesced frame; pong; then a close with 4001.
func TestClientReadsCoalescedFramesAndTheCloseCode(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer qt_test" {
			http.Error(w, "sign in", http.StatusUnauthorized)
			return
		}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","clearance":"all"}`))
		var sub struct {
			Type    string `json:"type"`
			Channel string `json:"channel"`
			After   int64  `json:"after"`
		}
		if ws.ReadJSON(&sub) != nil || sub.Type != "subscribe" {
			return
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte(strings.Join([]string{
			`{"type":"subscribed","channel":"` + sub.Channel + `"}`,
			`{"type":"note","note":{"seq":2}}`,
			`{"type":"caught_up","channel":"` + sub.Channel + `","last_seq":2,"new_notes":1}`,
		}, "\n")))
		var ping struct{ Ref string }
		if ws.ReadJSON(&ping) != nil {
			return
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong","ref":"`+ping.Ref+`"}`))
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "signed out"), time.Now().Add(time.Second))
	}))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + Path

	if ws, status, err := Dial(url, nil); err == nil || ws != nil || status != http.StatusUnauthorized {
		t.Fatalf("dial without a token: %v, %d, %v; want refused with 401", ws, status, err)
	}
	ws, status, err := Dial(url, http.Header{"Authorization": {"Bearer qt_test"}})
	if err != nil || status != http.StatusSwitchingProtocols {
		t.Fatalf("dial: %v (%d)", err, status)
	}
	defer ws.Close()
	c := &Client{T: t, WS: ws}
	if m := c.ExpectHello(); m.Clearance != "all" {
		t.Fatalf("hello %+v", m)
	}
	caught, before := c.Subscribe("session:s1", 0)
	if caught.LastSeq != 2 || caught.NewNotes != 1 || len(before) != 2 || before[0].Type != "subscribed" || before[1].Note.Seq != 2 {
		t.Fatalf("catch-up %+v, %+v", caught, before)
	}
	if before := c.Sync(); len(before) != 0 {
		t.Fatalf("before the pong: %+v", before)
	}
	if code := c.CloseCode(5 * time.Second); code != 4001 {
		t.Fatalf("close code %d, want 4001", code)
	}
}
