package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/quintet-ag/quintet/internal/conference"
)

// A subscriber that stops reading is dropped with 4008 ("too slow: reconnect
// and catch up") once its queue overflows, while the others keep receiving
// every note; reconnecting, it catches up on what it missed.
func TestLiveSlowSubscriberIsDropped(t *testing.T) {
	s := startLiveServer(t)
	rap := s.addUser("rap", "", conference.RoleRapporteur)
	sid := s.liveSession(rap)
	obs := s.addUser("observer", "", conference.RoleObserver)
	slow := s.dial(obs)
	slow.subscribe("session:"+sid, 0)
	fast := []*wsClient{s.dial(s.admin), s.dial(s.addUser("head", "GB", conference.RoleHead))}
	for _, c := range fast {
		c.subscribe("session:"+sid, 0)
	}
	receiveAll := func(seq int64) {
		t.Helper()
		for _, c := range fast {
			if m, _ := c.Until("note"); m.Note.Seq != seq {
				t.Fatalf("a reader that keeps up got seq %d, want %d", m.Note.Seq, seq)
			}
		}
	}
	// 10,000 '<' are 60 kB once JSON-escaped: the 1 MiB queue and the socket
	// buffers fill after some dozens of notes.
	text := strings.Repeat("<", conference.MaxNoteLength)
	const dropped = "dropped a client that reads too slowly"
	var seq int64
	for !s.log.Contains(dropped) {
		seq++
		if seq > 1000 {
			t.Fatal("the server never dropped the subscriber that stopped reading")
		}
		n := s.postNote(rap, sid, fmt.Sprint("big-", seq), text, conference.MarkingAll)
		receiveAll(n.Seq)
	}
	t.Logf("dropped after %d notes of 60 kB", seq)
	for range 3 { // the others are not held up
		seq++
		s.postNote(rap, sid, fmt.Sprint("after-", seq), "after the drop", conference.MarkingAll)
		receiveAll(seq)
	}
	// Wake up and read: what the kernel holds arrives first, then the close
	// frame.
	var last int64
	for {
		m, err := slow.Read(30 * time.Second)
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != 4008 {
				t.Fatalf("the slow subscriber's connection ended with %v, want close 4008", err)
			}
			break
		}
		if m.Type == "note" {
			last = m.Note.Seq
		}
	}
	// Reconnecting, it gets exactly what it missed.
	again := s.dial(obs)
	caught, notes := again.subscribe("session:"+sid, last)
	if caught.LastSeq != seq || int64(len(notes)) != seq-last || (len(notes) > 0 && notes[0].Seq != last+1) {
		t.Fatalf("catch-up after seq %d: %d notes, last_seq %d; want %d notes up to %d", last, len(notes), caught.LastSeq, seq-last, seq)
	}
}

// Bad input on the socket is answered with an error message; nothing is
// stored and the connection stays usable, except for an oversize frame,
// which closes it with 1009.
func TestLiveBadInput(t *testing.T) {
	s := startLiveServer(t)
	rap := s.addUser("rap", "", conference.RoleRapporteur)
	sid := s.liveSession(rap)
	ended := s.liveSession(rap)
	rap.c.post(t, "/api/v1/sessions/"+ended+"/end", nil).want(t, http.StatusOK)
	obs := s.addUser("observer", "", conference.RoleObserver)

	c := s.dial(rap)
	c.subscribe("session:"+sid, 0)
	cases := []struct {
		name, send, code, field string
	}{
		{"malformed JSON", `{"type":"post",`, "invalid", ""},
		{"not an object", `[1,2,3]`, "invalid", ""},
		{"wrong field type", `{"type":"subscribe","channel":["session:x"]}`, "invalid", "channel"},
		{"missing type", `{"channel":"session:x"}`, "invalid", "type"},
		{"unknown type", `{"type":"delete_everything"}`, "invalid", "type"},
		{"unknown channel kind", `{"type":"subscribe","channel":"user:admin"}`, "invalid", "channel"},
		{"session that does not exist", `{"type":"subscribe","channel":"session:no-such-session"}`, "not_found", ""},
		{"meeting that does not exist", `{"type":"subscribe","channel":"meeting:no-such-meeting"}`, "not_found", ""},
		{"subscribed twice", `{"type":"subscribe","channel":"session:` + sid + `"}`, "conflict", "channel"},
		{"negative after", `{"type":"subscribe","channel":"session:` + ended + `","after":-5}`, "invalid", "after"},
		{"post to a session that does not exist", `{"type":"post","session_id":"nope","client_id":"b1","text":"x","marking":"all"}`, "not_found", ""},
		{"post to an ended session", `{"type":"post","session_id":"` + ended + `","client_id":"b2","text":"too late","marking":"all"}`, "conflict", ""},
		{"empty note", `{"type":"post","session_id":"` + sid + `","client_id":"b3","text":"   ","marking":"all"}`, "invalid", "text"},
		{"over-long note", `{"type":"post","session_id":"` + sid + `","client_id":"b4","text":"` + strings.Repeat("x", conference.MaxNoteLength+1) + `","marking":"all"}`, "invalid", "text"},
		{"unknown marking", `{"type":"post","session_id":"` + sid + `","client_id":"b5","text":"x","marking":"secret"}`, "invalid", "marking"},
		{"no client_id", `{"type":"post","session_id":"` + sid + `","text":"x","marking":"all"}`, "invalid", "client_id"},
		{"no marking", `{"type":"post","session_id":"` + sid + `","client_id":"b6","text":"x"}`, "invalid", "marking"},
		{"binary frame", "", "invalid", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.name == "binary frame" {
				err = c.WS.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
			} else {
				err = c.WS.WriteMessage(websocket.TextMessage, []byte(tc.send))
			}
			if err != nil {
				t.Fatal(err)
			}
			m := c.Next()
			if m.Type != "error" || m.Code != tc.code || m.Field != tc.field || m.Message == "" {
				t.Fatalf("got %+v, want an error %s on field %q", m, tc.code, tc.field)
			}
			if extra := c.Sync(); len(extra) != 0 { // still usable, nothing else sent
				t.Fatalf("then %+v", extra)
			}
		})
	}
	// Posting without the role.
	o := s.dial(obs)
	o.Send(map[string]any{"type": "post", "ref": "x", "session_id": sid, "client_id": "o1", "text": "I am only observing", "marking": "all"})
	if m := o.Next(); m.Type != "error" || m.Code != "forbidden" || m.Ref != "x" || m.ClientID != "o1" {
		t.Fatalf("observer's post answered %+v, want forbidden", m)
	}
	// Nothing was stored.
	var page struct {
		Notes []conference.Note `json:"items"`
	}
	for _, id := range []string{sid, ended} {
		s.admin.c.get(t, "/api/v1/sessions/"+id+"/notes").want(t, http.StatusOK).decode(t, &page)
		if len(page.Notes) != 0 {
			t.Fatalf("session %s holds %d notes after bad posts", id, len(page.Notes))
		}
	}
	// A frame over 64 KiB closes the connection with 1009.
	if err := c.WS.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping","ref":"`+strings.Repeat("x", 64<<10)+`"}`)); err != nil {
		t.Fatal(err)
	}
	if code := c.CloseCode(10 * time.Second); code != websocket.CloseMessageTooBig {
		t.Fatalf("oversize frame: closed with %d, want 1009", code)
	}
}

// A thousand connections opened and closed, some subscribing, half closed
// cleanly and half dropped, leave no goroutine behind.
func TestLiveNoGoroutineLeak(t *testing.T) {
	s := startLiveServer(t)
	rap := s.addUser("rap", "", conference.RoleRapporteur)
	sid := s.liveSession(rap)
	s.postNote(rap, sid, "one", "a note to catch up on", conference.MarkingAll)
	header := http.Header{"Origin": {s.origin}, "Cookie": {"quintet_login=" + s.admin.Cookie}}
	cycle := func(i int) {
		ws, status, err := s.dialHeader(header)
		if err != nil {
			t.Fatalf("cycle %d: dial: %v (%d)", i, err, status)
		}
		c := newWSClient(t, ws)
		c.Next() // hello
		if i%4 == 0 {
			c.subscribe("session:"+sid, 0)
		}
		if i%2 == 0 {
			_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			for {
				if _, err := c.Read(10 * time.Second); err != nil {
					break
				}
			}
		}
		ws.Close()
	}
	cycle(0) // warm up: the first handshake starts pools that stay
	s.closeIdleConnections()
	before := goleak.IgnoreCurrent()
	for i := range 1000 {
		cycle(i)
	}
	s.closeIdleConnections()
	goleak.VerifyNone(t, before)
}

// Stopping the server (cancelling run's context) sends "going away" (1001)
// to every open socket.
func TestLiveShutdownSendsGoingAway(t *testing.T) {
	s := startLiveServer(t)
	rap := s.addUser("rap", "", conference.RoleRapporteur)
	sid := s.liveSession(rap)
	obs := s.addUser("observer", "", conference.RoleObserver)
	var clients []*wsClient
	for _, u := range []*liveUser{s.admin, rap, obs} {
		c := s.dial(u)
		c.subscribe("session:"+sid, 0)
		clients = append(clients, c)
	}
	clients = append(clients, s.dial(obs)) // one without a subscription
	codes := make([]int, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = c.AwaitClose(30 * time.Second) // 0 when no close frame came
			c.WS.Close()
		}()
	}
	s.stop()
	wg.Wait()
	for i, code := range codes {
		if code != websocket.CloseGoingAway {
			t.Errorf("socket %d closed with %d, want 1001", i, code)
		}
	}
}
