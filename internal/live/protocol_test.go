package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
)

// docHello is the hello example of docs/live-protocol.md.
func docHello(t *testing.T) helloMsg {
	t.Helper()
	raw, err := os.ReadFile("../../docs/live-protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)### hello\n.*?```json\n(.*?)```").FindSubmatch(raw)
	if m == nil {
		t.Fatal("docs/live-protocol.md has no hello example")
	}
	var h helloMsg
	if err := json.Unmarshal(m[1], &h); err != nil {
		t.Fatalf("the hello example does not parse: %v", err)
	}
	return h
}

// The limits a client reads in the document are the ones a server with the
// defaults announces, and the ones it applies.
func TestHelloLimitsAreTheDocumentedDefaults(t *testing.T) {
	f := newFixture(t, Options{})
	hello := f.dialRaw(t, "obs").ExpectHelloLimits()
	if want := docHello(t).Limits; hello != want {
		t.Fatalf("hello.limits %+v, the document says %+v", hello, want)
	}
	if got, want := f.hub.opts.PingPeriod, DefaultPingPeriod; got != want {
		t.Fatalf("the writer pings every %v, want the default %v", got, want)
	}
}

// ExpectHelloLimits reads hello's limits, which livetest.Msg leaves out.
func (c *client) ExpectHelloLimits() limits {
	c.T.Helper()
	_ = c.WS.SetReadDeadline(time.Now().Add(c.Wait))
	_, data, err := c.WS.ReadMessage()
	if err != nil {
		c.T.Fatal(err)
	}
	var h helloMsg
	if err := json.Unmarshal(data, &h); err != nil || h.Type != typeHello {
		c.T.Fatalf("first frame %q, want hello alone", data)
	}
	return h.Limits
}

// Pings come at the interval hello announces, which a client may use to
// detect a dead link.
func TestPingsComeAtTheIntervalHelloAnnounces(t *testing.T) {
	const period = 200 * time.Millisecond
	f := newFixture(t, Options{PingPeriod: period})
	c := f.dial(t, "obs")
	pings := make(chan time.Time, 16)
	c.WS.SetPingHandler(func(data string) error {
		pings <- time.Now()
		return c.WS.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	go func() {
		for {
			if _, _, err := c.WS.ReadMessage(); err != nil {
				return
			}
		}
	}()
	var at []time.Time
	for len(at) < 6 {
		select {
		case p := <-pings:
			at = append(at, p)
		case <-time.After(10 * period):
			t.Fatalf("%d pings in %v", len(at), 10*period)
		}
	}
	gap := at[5].Sub(at[0]) / 5
	if gap < period*8/10 || gap > period*3/2 {
		t.Fatalf("pings every %v on average, hello says %v", gap, period)
	}
}

// signalLog is a logger that signals when it logs a message containing want,
// and counts those messages.
func signalLog(want string) (*slog.Logger, <-chan struct{}, *atomic.Int32) {
	h := &signalHandler{Handler: slog.NewTextHandler(io.Discard, nil), want: want, ch: make(chan struct{}, 1)}
	return slog.New(h), h.ch, &h.n
}

type signalHandler struct {
	slog.Handler
	want string
	ch   chan struct{}
	n    atomic.Int32
}

func (h *signalHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.want) {
		h.n.Add(1)
		signal(h.ch)
	}
	return nil
}

// A catch-up waits for the client to read, but not longer than the write
// timeout: a client that stops reading in the middle of one is dropped.
func TestCatchUpIsBoundedByTheWriteTimeout(t *testing.T) {
	const wait = 300 * time.Millisecond
	logger, dropped, _ := signalLog("write timeout")
	f := newFixture(t, Options{WriteWait: wait, Logger: logger})
	// About 24 MB of catch-up, more than the socket buffers hold.
	text := strings.Repeat("<", conference.MaxNoteLength) // 6 bytes each once JSON-escaped
	for i := range 400 {
		if _, _, err := f.svc.PostNote(context.Background(), f.users["rap"], liveID,
			conference.NoteInput{ClientID: fmt.Sprint("big-", i), Text: text, Marking: conference.MarkingAll}); err != nil {
			t.Fatal(err)
		}
	}
	c := f.dial(t, "obs")
	c.Send(map[string]any{"type": "subscribe", "channel": sessionChannel(liveID)})
	select {
	case <-dropped:
	case <-time.After(30 * time.Second):
		t.Fatal("the server still waits for a client that stopped reading its catch-up")
	}
	// What was written is still there to read; then the link ends without a
	// close frame.
	for {
		_, err := c.Read(10 * time.Second)
		if err == nil {
			continue
		}
		if ce, ok := errors.AsType[*websocket.CloseError](err); ok && ce.Code != websocket.CloseAbnormalClosure {
			t.Fatalf("closed with %d, want the link dropped (1006)", ce.Code)
		}
		break
	}
}

// client_ids are global: a reused one answers with the note it names,
// unchanged, when that note is the poster's own in the same session, and is
// refused otherwise.
func TestClientIDsAreGlobal(t *testing.T) {
	f := newFixture(t, Options{})
	rap := f.dial(t, "rap")
	post := func(c *client, session, text string, m conference.Marking) msg {
		c.Send(map[string]any{"type": "post", "ref": "p", "session_id": session, "client_id": "c-1", "text": text, "marking": m})
		for {
			if m := c.Next(); m.Type == typeAck || m.Type == typeError {
				return m
			}
		}
	}
	if m := post(rap, liveID, "First wording", conference.MarkingAll); m.Type != typeAck || !m.Created || m.Seq != 1 {
		t.Fatalf("first post: %+v", m)
	}
	// A client_id names one note: a retry with other text or marking is a
	// different note sent under a used key, refused as REST refuses it.
	if m := post(rap, liveID, "Second wording", conference.MarkingHeads); m.Type != typeError || m.Code != conference.EMISMATCH || m.Field != "client_id" {
		t.Fatalf("reuse with another text: %+v, want an idempotency_mismatch error on client_id", m)
	}
	if m := post(rap, liveID, "First wording", conference.MarkingAll); m.Type != typeAck || m.Created || m.Seq != 1 {
		t.Fatalf("the same note again: %+v, want the ack of seq 1, not created", m)
	}
	notes, last, _ := f.svc.Notes(context.Background(), f.users["admin"], liveID, 0)
	if last != 1 || notes[0].Text != "First wording" || notes[0].Marking != conference.MarkingAll {
		t.Fatalf("stored %d notes, the first %+v; want the first post unchanged", last, notes[0])
	}
	m := post(rap, laterID, "In another session", conference.MarkingAll)
	if m.Type != typeError || m.Code != conference.ECONFLICT || m.Field != "client_id" || m.SessionID != laterID || m.ClientID != "c-1" {
		t.Fatalf("reuse in another session: %+v, want a conflict on client_id", m)
	}
	if m := post(f.dial(t, "admin"), liveID, "By someone else", conference.MarkingAll); m.Type != typeError || m.Code != conference.ECONFLICT {
		t.Fatalf("reuse by another author: %+v, want a conflict", m)
	}
}

// On a session: channel the session itself always comes first in the
// catch-up, even to a client that holds everything.
func TestSessionCatchUpAlwaysSendsTheSession(t *testing.T) {
	f := newFixture(t, Options{})
	f.post(t, "n1", conference.MarkingAll)
	c := f.dial(t, "obs")
	for _, after := range []int64{0, 1} {
		caught, before := c.Subscribe(sessionChannel(liveID), after)
		if len(before) < 2 || before[0].Type != typeSubscribed || before[1].Type != typeSession ||
			before[1].Session.ID != liveID || caught.Sessions != 1 {
			t.Fatalf("after %d: catch-up %+v then %+v, want subscribed, then the session", after, before, caught)
		}
		c.Send(map[string]any{"type": "unsubscribe", "channel": sessionChannel(liveID)})
		c.Until(typeUnsubscribed)
	}
}

// The subscription over the limit is refused with invalid on channel, and
// the connection stays usable.
func TestSubscriptionOverTheLimit(t *testing.T) {
	f := newFixture(t, Options{MaxSubscriptions: 2})
	c := f.dial(t, "obs")
	c.subscribe(sessionChannel(liveID), 0)
	c.subscribe(meetingChannel(meetingID), 0)
	c.Send(map[string]any{"type": "subscribe", "ref": "s3", "channel": sessionChannel(laterID)})
	m := c.Next()
	if m.Type != typeError || m.Code != conference.EINVALID || m.Field != "channel" || m.Ref != "s3" ||
		m.Channel != sessionChannel(laterID) || !strings.Contains(m.Message, "2") {
		t.Fatalf("third subscription: %+v, want invalid on channel, naming the limit", m)
	}
	c.Send(map[string]any{"type": "unsubscribe", "channel": meetingChannel(meetingID)})
	c.Until(typeUnsubscribed)
	c.subscribe(sessionChannel(laterID), 0)
}

// A note of the longest text, sent as raw UTF-8, fits in a client message;
// the same note with its characters escaped as \u sequences does not.
func TestSendUTF8Unescaped(t *testing.T) {
	f := newFixture(t, Options{})
	text := strings.Repeat("😀", conference.MaxNoteLength) // 4 bytes each in UTF-8
	raw := fmt.Sprintf(`{"type":"post","session_id":%q,"client_id":"u-1","text":"%s","marking":"all"}`, liveID, text)
	rap := f.dial(t, "rap")
	if err := rap.WS.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	if m, _ := rap.Until(typeAck); m.Seq != 1 {
		t.Fatalf("ack %+v", m)
	}
	escaped := fmt.Sprintf(`{"type":"post","session_id":%q,"client_id":"u-2","text":"%s","marking":"all"}`,
		liveID, strings.Repeat(`\ud83d\ude00`, conference.MaxNoteLength))
	if len(escaped) <= DefaultReadLimit {
		t.Fatalf("the escaped message is %d bytes, within the limit", len(escaped))
	}
	if err := rap.WS.WriteMessage(websocket.TextMessage, []byte(escaped)); err != nil {
		t.Fatal(err)
	}
	if code := rap.CloseCode(10 * time.Second); code != websocket.CloseMessageTooBig {
		t.Fatalf("closed with %d, want %d", code, websocket.CloseMessageTooBig)
	}
}

// The server writes text as UTF-8 too, escaping only what JSON requires and
// <, > and & (as \u003c, \u003e, \u0026): a client decodes it with a JSON
// parser, never by matching bytes.
func TestServerWritesUTF8(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.dial(t, "obs")
	c.subscribe(sessionChannel(liveID), 0)
	if _, _, err := f.svc.PostNote(context.Background(), f.users["rap"], liveID,
		conference.NoteInput{ClientID: "u", Text: "Grüße <b> & 😀", Marking: conference.MarkingAll}); err != nil {
		t.Fatal(err)
	}
	_ = c.WS.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, data, err := c.WS.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if want := `"text":"Grüße \u003cb\u003e \u0026 😀"`; !strings.Contains(string(data), want) {
		t.Fatalf("frame %s, want it to contain %s", data, want)
	}
}

// A message that is not UTF-8 is refused, not stored with U+FFFD in place of
// what was sent; a channel whose id breaks the id pattern is refused by name.
func TestInvalidUTF8AndBadChannelIDsAreRefused(t *testing.T) {
	f := newFixture(t, Options{})
	rap := f.dial(t, "rap")
	raw := []byte(`{"type":"post","ref":"p","session_id":"` + liveID + `","client_id":"c-bad","text":"caf` + "\xe9" + `","marking":"all"}`)
	if err := rap.WS.WriteMessage(websocket.TextMessage, raw); err != nil {
		t.Fatal(err)
	}
	if m := rap.Next(); m.Type != typeError || m.Code != conference.EINVALID || !strings.Contains(m.Message, "UTF-8") {
		t.Fatalf("got %+v, want an invalid error naming UTF-8", m)
	}
	if _, last, _ := f.svc.Notes(context.Background(), f.users["admin"], liveID, 0); last != 0 {
		t.Fatalf("the record holds %d notes, want none", last)
	}
	for _, ch := range []string{"session:$where", "meeting:a.b", "session:<script>"} {
		rap.Send(map[string]any{"type": "subscribe", "ref": "s", "channel": ch})
		if m := rap.Next(); m.Type != typeError || m.Field != "channel" {
			t.Fatalf("subscribe %s: %+v, want an error on channel", ch, m)
		}
	}
}
