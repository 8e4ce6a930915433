package live

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// socketless returns a connection without a socket, with its hello taken
// out of the queue: enough to test queueing and fan-out.
func socketless(t *testing.T, h *Hub, u *conference.User) *conn {
	t.Helper()
	c := newConn(h, nil, u, conference.HashSecret("secret-"+u.ID))
	if batch, _, _, _ := c.take(); len(batch) != 1 || !strings.Contains(string(batch[0]), `"hello"`) {
		t.Fatalf("queue began with %q, want the hello", batch)
	}
	return c
}

func TestQueueIsBoundedInBytesAndDropsTheSlowClient(t *testing.T) {
	h := NewHub(nil, Options{QueueBytes: 1000, Logger: discardLogger()})
	c := socketless(t, h, &conference.User{ID: "obs", Roles: []conference.Role{conference.RoleObserver}})
	msg := []byte(strings.Repeat("x", 100))
	for range 10 {
		c.enqueue(msg)
	}
	if got, want := c.queued, 1000; got != want {
		t.Fatalf("queued=%d, want %d", got, want)
	}
	if c.closing {
		t.Fatal("closing with a queue exactly at its bound")
	}
	// One byte more than the bound: the client is too slow.
	c.enqueue([]byte("y"))
	if !c.closing || c.closeCode != CloseTooSlow {
		t.Fatalf("closing=%v code=%d, want closing with %d", c.closing, c.closeCode, CloseTooSlow)
	}
	if c.queued != 0 || c.queue != nil {
		t.Fatalf("a dropped client's queue still holds %d bytes", c.queued)
	}
	c.enqueue(msg) // after the drop: ignored
	if c.queued != 0 {
		t.Fatal("queued after the drop")
	}
	if _, closing, code, _ := c.take(); !closing || code != CloseTooSlow {
		t.Fatalf("writer told closing=%v code=%d", closing, code)
	}
}

func TestWriterCoalescesUpToAFrame(t *testing.T) {
	h := NewHub(nil, Options{Logger: discardLogger()})
	c := socketless(t, h, &conference.User{ID: "obs", Roles: []conference.Role{conference.RoleObserver}})
	small := []byte(strings.Repeat("s", 1000))
	for range 100 { // 100,000 bytes: more than one frame
		c.enqueue(small)
	}
	batch, _, _, _ := c.take()
	if got, want := len(batch), maxFrameBytes/1000; got != want {
		t.Fatalf("first frame holds %d messages, want %d", got, want)
	}
	batch2, _, _, _ := c.take()
	if got, want := len(batch)+len(batch2), 100; got != want {
		t.Fatalf("two frames hold %d messages, want %d", got, want)
	}
	if c.queued != 0 || c.queue != nil {
		t.Fatalf("queue not empty after draining: %d bytes", c.queued)
	}
	// A message larger than a frame goes alone.
	big := []byte(strings.Repeat("b", maxFrameBytes+1))
	c.enqueue(small)
	c.enqueue(big)
	if b, _, _, _ := c.take(); len(b) != 1 {
		t.Fatalf("frame with %d messages, want the small one alone", len(b))
	}
	if b, _, _, _ := c.take(); len(b) != 1 || len(b[0]) != len(big) {
		t.Fatal("the big message did not go alone")
	}
}

func TestReaderWaitsForSpaceInsteadOfOverflowing(t *testing.T) {
	h := NewHub(nil, Options{QueueBytes: 1000, Logger: discardLogger()})
	c := socketless(t, h, &conference.User{ID: "obs", Roles: []conference.Role{conference.RoleObserver}})
	msg := []byte(strings.Repeat("x", 400))
	if !c.sendBytes(msg) { // 400 ≤ 500: queued at once
		t.Fatal("first send refused")
	}
	done := make(chan bool)
	go func() { done <- c.sendBytes(msg) }() // 800 > 500: waits
	select {
	case <-done:
		t.Fatal("a catch-up message went past half the queue instead of waiting")
	case <-time.After(50 * time.Millisecond):
	}
	if b, _, _, _ := c.take(); len(b) != 1 {
		t.Fatalf("took %d", len(b))
	}
	if ok := <-done; !ok {
		t.Fatal("send failed once space was made")
	}
	// A closing connection ends the wait.
	c.enqueue(msg)
	go func() { done <- c.sendBytes(msg) }()
	c.closeWith(CloseTooSlow, "")
	if ok := <-done; ok {
		t.Fatal("send succeeded on a closing connection")
	}
}

func TestChangedEncodesOncePerLevelAndFiltersByClearance(t *testing.T) {
	f := newFixture(t, Options{})
	conns := map[string]*conn{}
	for _, id := range []string{"obs", "del", "head", "admin"} {
		c := socketless(t, f.hub, f.users[id])
		f.hub.addSub(&sub{conn: c, channel: sessionChannel(liveID), live: true})
		conns[id] = c
	}
	post := func(m conference.Marking) {
		t.Helper()
		if _, _, err := f.svc.PostNote(context.Background(), f.users["rap"], liveID,
			conference.NoteInput{ClientID: "c-" + string(m), Text: "note " + string(m), Marking: m}); err != nil {
			t.Fatal(err)
		}
	}
	last := func(id string) []byte {
		c := conns[id]
		if len(c.queue) == 0 {
			return nil
		}
		return c.queue[len(c.queue)-1]
	}
	cases := []struct {
		marking conference.Marking
		readers []string
	}{
		{conference.MarkingAll, []string{"obs", "del", "head", "admin"}},
		{conference.MarkingDelegations, []string{"del", "head", "admin"}},
		{conference.MarkingHeads, []string{"head", "admin"}},
	}
	for _, tc := range cases {
		for _, c := range conns {
			c.queue, c.queued = nil, 0
		}
		post(tc.marking)
		first := last(tc.readers[0])
		if first == nil || !strings.Contains(string(first), `"marking":"`+string(tc.marking)+`"`) {
			t.Fatalf("%s note: %s got %q", tc.marking, tc.readers[0], first)
		}
		for id := range conns {
			got := last(id)
			allowed := false
			for _, r := range tc.readers {
				allowed = allowed || r == id
			}
			switch {
			case !allowed && got != nil:
				t.Errorf("%s note reached %s (clearance %s)", tc.marking, id, f.users[id].Clearance())
			case allowed && got == nil:
				t.Errorf("%s note did not reach %s", tc.marking, id)
			case allowed && &got[0] != &first[0]:
				t.Errorf("%s note encoded again for %s: readers must share the same bytes", tc.marking, id)
			}
		}
	}
}

// frameLen is the length of the frame write makes of batch: the messages and
// a newline between each two.
func frameLen(batch [][]byte) int {
	n := 0
	for i, b := range batch {
		if i > 0 {
			n++
		}
		n += len(b)
	}
	return n
}

func TestCoalescedFrameCountsItsSeparators(t *testing.T) {
	h := NewHub(nil, Options{Logger: discardLogger()})
	c := socketless(t, h, &conference.User{ID: "obs", Roles: []conference.Role{conference.RoleObserver}})
	// 64 messages of 1 KiB fill a frame exactly, without the 63 newlines
	// between them: with them they are over it.
	msg := []byte(strings.Repeat("m", 1024))
	for range 64 {
		c.enqueue(msg)
	}
	batch, _, _, _ := c.take()
	if got := frameLen(batch); got > maxFrameBytes {
		t.Fatalf("a frame of %d messages is %d bytes, over the %d bound", len(batch), got, maxFrameBytes)
	}
	if got, want := len(batch), 63; got != want {
		t.Fatalf("first frame holds %d messages, want %d", got, want)
	}
	if got, want := c.queued, 1024; got != want {
		t.Fatalf("queued=%d after the first frame, want %d: separators are not queued bytes", got, want)
	}
	// Messages that fill a frame exactly with their separators all go in it.
	c.take()
	c.enqueue(make([]byte, maxFrameBytes-3-3*16384)) // and 3 of 16 KiB, 3 newlines
	for range 3 {
		c.enqueue(make([]byte, 16384))
	}
	c.enqueue([]byte("x"))
	batch, _, _, _ = c.take()
	if got := frameLen(batch); len(batch) != 4 || got != maxFrameBytes {
		t.Fatalf("frame of %d messages, %d bytes; want 4 messages of exactly %d bytes", len(batch), got, maxFrameBytes)
	}
}
