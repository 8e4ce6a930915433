package live

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
)

func (f *fixture) post(t *testing.T, clientID string, m conference.Marking) *conference.Note {
	t.Helper()
	n, _, err := f.svc.PostNote(context.Background(), f.users["rap"], liveID,
		conference.NoteInput{ClientID: clientID, Text: "text of " + clientID, Marking: m})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var markings = []conference.Marking{conference.MarkingAll, conference.MarkingDelegations, conference.MarkingHeads}

func TestCatchUpThenLiveFilteredByClearance(t *testing.T) {
	f := newFixture(t, Options{})
	for i := range 9 {
		f.post(t, fmt.Sprintf("before-%d", i), markings[i%3])
	}
	for _, tc := range []struct {
		user  string
		level int
	}{{"obs", 0}, {"del", 1}, {"head", 2}, {"admin", 2}} {
		t.Run(tc.user, func(t *testing.T) {
			c := f.dial(t, tc.user)
			caught, notes := c.subscribe(sessionChannel(liveID), 2)
			// Notes 3..9; the reader sees those with marking level ≤ its own.
			var want []int64
			for seq := int64(3); seq <= 9; seq++ {
				if int((seq-1)%3) <= tc.level {
					want = append(want, seq)
				}
			}
			if got := seqs(notes); !equal(got, want) {
				t.Fatalf("catch-up seqs %v, want %v", got, want)
			}
			if caught.LastSeq != 9 || caught.NewNotes != len(want) {
				t.Fatalf("caught_up last_seq=%d new_notes=%d, want 9 and %d", caught.LastSeq, caught.NewNotes, len(want))
			}
			c.Send(map[string]any{"type": "ping", "ref": "sync"})
			c.Until(typePong)
		})
	}
	// Live: subscribers are connected; three more notes, one per marking.
	clients := map[string]*client{}
	for _, u := range []string{"obs", "del", "head"} {
		clients[u] = f.dial(t, u)
		clients[u].subscribe(sessionChannel(liveID), 9)
	}
	for i, m := range markings {
		f.post(t, fmt.Sprintf("live-%d", i), m)
	}
	f.post(t, "marker", conference.MarkingAll) // seq 13, which everyone sees
	for u, level := range map[string]int{"obs": 0, "del": 1, "head": 2} {
		var got []int64
		for {
			m := clients[u].Next()
			if m.Type != typeNote {
				t.Fatalf("%s: unexpected %+v", u, m)
			}
			if conference.Marking(m.Note.Marking).Level() > level {
				t.Fatalf("%s received a %s note", u, m.Note.Marking)
			}
			got = append(got, m.Note.Seq)
			if m.Note.Seq == 13 {
				break
			}
		}
		want := append([]int64{10, 11, 12}[:level+1], 13)
		if !equal(got, want) {
			t.Errorf("%s live seqs %v, want %v", u, got, want)
		}
	}
}

func seqs(ms []msg) []int64 {
	out := []int64{}
	for _, m := range ms {
		out = append(out, m.Note.Seq)
	}
	return out
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A subscriber that reconnects again and again while notes pour in receives
// every note once, in order: the catch-up and the live stream meet without a
// gap or an overlap, whatever the timing. The small queue also makes catch-ups
// start over and slow clients get dropped, both of which the client survives.
func TestResumeHasNoGapAndNoDuplicateUnderConcurrentPosts(t *testing.T) {
	f := newFixture(t, Options{QueueBytes: 32 << 10})
	const total = 600
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range total {
			_, _, err := f.svc.PostNote(context.Background(), f.users["rap"], liveID,
				conference.NoteInput{ClientID: fmt.Sprintf("n-%d", i), Text: strings.Repeat("w", rand.IntN(2000)+1), Marking: markings[i%3]})
			if err != nil {
				t.Error(err)
				return
			}
			if i%50 == 0 {
				time.Sleep(time.Millisecond) // let connections in between bursts
			}
		}
	}()
	for _, user := range []string{"obs", "del", "head"} {
		level := f.users[user].Clearance().Level()
		var want []int64
		for seq := int64(1); seq <= total; seq++ {
			if int((seq-1)%3) <= level {
				want = append(want, seq)
			}
		}
		end := want[len(want)-1] // the last note this reader may see
		var got []int64
		var last int64
		for reconnects := 0; ; reconnects++ {
			c := f.dial(t, user)
			c.Send(map[string]any{"type": "subscribe", "channel": sessionChannel(liveID), "after": last})
			stopAfter := rand.IntN(60) + 1
			for read := 0; read < stopAfter; read++ {
				m, err := c.Read(10 * time.Second)
				if err != nil {
					var ce *websocket.CloseError
					if !errors.As(err, &ce) || ce.Code != CloseTooSlow {
						t.Fatalf("%s: %v", user, err)
					}
					break
				}
				switch m.Type {
				case typeNote:
					if conference.Marking(m.Note.Marking).Level() > level {
						t.Fatalf("%s received a %s note", user, m.Note.Marking)
					}
					if m.Note.Seq <= last {
						t.Fatalf("%s: seq %d after %d (duplicate or out of order)", user, m.Note.Seq, last)
					}
					got = append(got, m.Note.Seq)
					last = m.Note.Seq
				case typeCaughtUp:
					last = max(last, m.LastSeq)
				}
				if last >= end {
					break
				}
			}
			c.WS.Close()
			if last >= end {
				break
			}
		}
		if !equal(got, want) {
			t.Errorf("%s got %d notes, want %d; first difference at %d", user, len(got), len(want), firstDiff(got, want))
		}
	}
	<-done
}

func firstDiff(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestPostOverTheSocketAcksAndRetriesOnce(t *testing.T) {
	f := newFixture(t, Options{})
	rap := f.dial(t, "rap")
	rap.subscribe(sessionChannel(liveID), 0)
	post := map[string]any{"type": "post", "ref": "p1", "session_id": liveID, "client_id": "c-1", "text": "Opening remarks", "marking": "delegations"}
	rap.Send(post)
	ack, before := rap.Until(typeAck)
	if ack.Seq != 1 || !ack.Created || ack.ClientID != "c-1" || ack.Ref != "p1" {
		t.Fatalf("ack %+v", ack)
	}
	if len(before) != 1 || before[0].Type != typeNote || before[0].Note.Seq != 1 {
		t.Fatalf("before the ack: %+v, want the note itself", before)
	}
	rap.Send(post) // the retry
	ack, before = rap.Until(typeAck)
	if ack.Seq != 1 || ack.Created || len(before) != 0 {
		t.Fatalf("retry: ack %+v after %+v; want seq 1, not created, no second note", ack, before)
	}
	notes, last, _ := f.svc.Notes(context.Background(), f.users["admin"], liveID, 0)
	if len(notes) != 1 || last != 1 {
		t.Fatalf("stored %d notes, last seq %d", len(notes), last)
	}
}

func TestBadInputIsAnsweredAndTheConnectionStaysUsable(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.dial(t, "obs")
	cases := []struct {
		name  string
		send  string
		code  string
		field string
	}{
		{"malformed JSON", `{"type":`, conference.EINVALID, ""},
		{"not an object", `["subscribe"]`, conference.EINVALID, ""},
		{"wrong type of field", `{"type":"subscribe","channel":7}`, conference.EINVALID, "channel"},
		{"no type", `{}`, conference.EINVALID, "type"},
		{"unknown type", `{"type":"shout"}`, conference.EINVALID, "type"},
		{"unknown channel kind", `{"type":"subscribe","channel":"topic:x"}`, conference.EINVALID, "channel"},
		{"no such session", `{"type":"subscribe","channel":"session:nope"}`, conference.ENOTFOUND, ""},
		{"no such meeting", `{"type":"subscribe","channel":"meeting:nope"}`, conference.ENOTFOUND, ""},
		{"negative after", `{"type":"subscribe","channel":"session:s1","after":-1}`, conference.EINVALID, "after"},
		{"unsubscribe unknown", `{"type":"unsubscribe","channel":"session:s1"}`, conference.ENOTFOUND, "channel"},
		{"post without the role", `{"type":"post","session_id":"s1","client_id":"x","text":"hi","marking":"all"}`, conference.EFORBIDDEN, ""},
		{"post without session", `{"type":"post","client_id":"x","text":"hi","marking":"all"}`, conference.EINVALID, "session_id"},
	}
	for _, tc := range cases {
		if err := c.WS.WriteMessage(websocket.TextMessage, []byte(tc.send)); err != nil {
			t.Fatal(err)
		}
		m := c.Next()
		if m.Type != typeError || m.Code != tc.code || m.Field != tc.field || m.Message == "" {
			t.Errorf("%s: got %+v, want error %s on %q", tc.name, m, tc.code, tc.field)
		}
	}
	c.subscribe(sessionChannel(liveID), 0) // still usable
	c.Send(map[string]any{"type": "subscribe", "channel": sessionChannel(liveID)})
	if m := c.Next(); m.Type != typeError || m.Code != conference.ECONFLICT {
		t.Errorf("second subscribe: %+v, want a conflict", m)
	}
}

func TestSessionChangesReachSessionAndMeetingChannels(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.dial(t, "obs")
	caught, _ := c.subscribe(meetingChannel(meetingID), 0)
	if caught.Sessions != 2 {
		t.Fatalf("meeting catch-up sent %d sessions, want 2", caught.Sessions)
	}
	c.subscribe(sessionChannel(laterID), 0)
	if _, err := f.svc.StartSession(context.Background(), f.users["rap"], laterID); err != nil {
		t.Fatal(err)
	}
	got := map[string]conference.SessionStatus{}
	for len(got) < 2 {
		m := c.Next()
		if m.Type != typeSession {
			t.Fatalf("unexpected %+v", m)
		}
		got[m.Channel] = conference.SessionStatus(m.Session.Status)
	}
	if got[meetingChannel(meetingID)] != conference.SessionLive || got[sessionChannel(laterID)] != conference.SessionLive {
		t.Fatalf("status pushed: %v", got)
	}
	c.Send(map[string]any{"type": "unsubscribe", "channel": meetingChannel(meetingID), "ref": "u"})
	if m := c.Next(); m.Type != typeUnsubscribed || m.Ref != "u" {
		t.Fatalf("unsubscribe answered %+v", m)
	}
	if _, err := f.svc.EndSession(context.Background(), f.users["rap"], laterID); err != nil {
		t.Fatal(err)
	}
	if m := c.Next(); m.Type != typeSession || m.Channel != sessionChannel(laterID) || conference.SessionStatus(m.Session.Status) != conference.SessionEnded {
		t.Fatalf("after unsubscribing the meeting: %+v", m)
	}
	c.Send(map[string]any{"type": "ping"})
	if m := c.Next(); m.Type != typePong {
		t.Fatalf("got %+v, want only the session channel's event before the pong", m)
	}
}

func TestRevocationClosesTheConnectionsItConcerns(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	obs, del, head := f.dial(t, "obs"), f.dial(t, "del"), f.dial(t, "head")

	if err := f.svc.SignOut(ctx, "secret-obs"); err != nil {
		t.Fatal(err)
	}
	if code := obs.CloseCode(5 * time.Second); code != CloseSignInAgain {
		t.Fatalf("sign-out closed with %d, want %d", code, CloseSignInAgain)
	}
	roles := []conference.Role{conference.RoleObserver}
	if _, err := f.svc.UpdateUser(ctx, f.users["admin"], "del", conference.UserUpdate{Roles: &roles}); err != nil {
		t.Fatal(err)
	}
	if code := del.CloseCode(5 * time.Second); code != CloseSignInAgain {
		t.Fatalf("role change closed with %d, want %d", code, CloseSignInAgain)
	}
	// Others stay: head still answers.
	head.Send(map[string]any{"type": "ping"})
	if m := head.Next(); m.Type != typePong {
		t.Fatalf("head: %+v", m)
	}
	name := "New Name"
	if _, err := f.svc.UpdateUser(ctx, f.users["admin"], "head", conference.UserUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	head.Send(map[string]any{"type": "ping"})
	if m := head.Next(); m.Type != typePong {
		t.Fatalf("a name change closed the connection: %+v", m)
	}
}

func TestCloseSendsGoingAwayAndWaits(t *testing.T) {
	f := newFixture(t, Options{})
	var clients []*client
	for _, u := range []string{"obs", "del", "head"} {
		c := f.dial(t, u)
		c.subscribe(sessionChannel(liveID), 0)
		clients = append(clients, c)
	}
	codes := make(chan int, len(clients))
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, err := c.AwaitClose(10 * time.Second)
			if err != nil {
				code = -1 // no close frame
			}
			codes <- code
			c.WS.Close()
		}()
	}
	f.hub.Close()
	if n := f.hub.Connections(); n != 0 {
		t.Fatalf("%d connections after Close", n)
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != websocket.CloseGoingAway {
			t.Errorf("close code %d, want %d", code, websocket.CloseGoingAway)
		}
	}
}

func TestSlowSubscriberIsDroppedWithoutHoldingUpOthers(t *testing.T) {
	f := newFixture(t, Options{QueueBytes: 64 << 10})
	slow := f.dial(t, "obs")
	slow.subscribe(sessionChannel(liveID), 0)
	fast := f.dial(t, "head")
	fast.subscribe(sessionChannel(liveID), 0)
	var slowConn *conn
	f.hub.mu.RLock()
	for c := range f.hub.conns {
		if c.actor.ID == "obs" {
			slowConn = c
		}
	}
	f.hub.mu.RUnlock()

	// Post until the server gives up on the slow reader (its queue is 64 KiB;
	// the kernel's socket buffers take some megabytes first). The fast reader
	// receives each note before the next is posted.
	text := strings.Repeat("<", conference.MaxNoteLength) // 6 bytes each once JSON-escaped
	for seq := int64(1); ; seq++ {
		if _, _, err := f.svc.PostNote(context.Background(), f.users["rap"], liveID,
			conference.NoteInput{ClientID: fmt.Sprint("big-", seq), Text: text, Marking: conference.MarkingAll}); err != nil {
			t.Fatal(err)
		}
		if m := fast.Next(); m.Type != typeNote || m.Note.Seq != seq {
			t.Fatalf("fast reader got %+v, want note %d", m, seq)
		}
		slowConn.mu.Lock()
		dropped := slowConn.closing
		slowConn.mu.Unlock()
		if dropped {
			break
		}
		if seq > 5000 {
			t.Fatal("the slow reader was never dropped")
		}
	}
	// The others go on receiving.
	f.post(t, "after-the-drop", conference.MarkingAll)
	if m := fast.Next(); m.Type != typeNote || m.Note.ClientID != "after-the-drop" {
		t.Fatalf("fast reader got %+v after the drop", m)
	}
	if code := slow.CloseCode(20 * time.Second); code != CloseTooSlow {
		t.Fatalf("slow reader closed with %d, want %d", code, CloseTooSlow)
	}
}

// An error about a wrongly typed field still names the request it answers,
// so that a client can match it to its outbox entry or subscription.
func TestWronglyTypedFieldErrorEchoesTheRequest(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.dial(t, "rap")
	cases := []struct {
		name, send string
		want       msg
	}{
		{"post with a numeric marking",
			`{"type":"post","ref":"r1","session_id":"s1","client_id":"c1","text":"hi","marking":5}`,
			msg{Ref: "r1", SessionID: liveID, ClientID: "c1", Field: "marking"}},
		{"subscribe with a string after",
			`{"type":"subscribe","ref":"r2","channel":"session:x","after":"3"}`,
			msg{Ref: "r2", Channel: "session:x", Field: "after"}},
		{"wrongly typed ref, the rest echoed",
			`{"type":"post","ref":7,"session_id":"s1","client_id":"c2","marking":"all"}`,
			msg{SessionID: liveID, ClientID: "c2", Field: "ref"}},
		{"an array for a string",
			`{"type":"unsubscribe","ref":"r3","channel":["session:s1"]}`,
			msg{Ref: "r3", Field: "channel"}},
	}
	for _, tc := range cases {
		if err := c.WS.WriteMessage(websocket.TextMessage, []byte(tc.send)); err != nil {
			t.Fatal(err)
		}
		m := c.Next()
		tc.want.Type, tc.want.Code = typeError, conference.EINVALID
		got := m
		got.Message = ""
		if got != tc.want || !strings.Contains(m.Message, tc.want.Field) {
			t.Errorf("%s: got %+v, want %+v with a message naming %s", tc.name, m, tc.want, tc.want.Field)
		}
	}
	if _, notes, _ := f.svc.Notes(context.Background(), f.users["admin"], liveID, 0); notes != 0 {
		t.Fatalf("%d notes stored by refused posts", notes)
	}
}
