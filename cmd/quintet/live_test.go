package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/livetest"
)

var allMarkings = []conference.Marking{conference.MarkingAll, conference.MarkingDelegations, conference.MarkingHeads}

// A rapporteur's retry with the same client_id is acknowledged with the
// first seq and stored once, over the socket and over REST alike.
func TestLiveIdempotentRetry(t *testing.T) {
	s := startLiveServer(t)
	rap := s.addUser("rap", "", conference.RoleRapporteur)
	sid := s.liveSession(rap)
	c := s.dial(rap)
	post := map[string]any{"type": "post", "ref": "r1", "session_id": sid, "client_id": "outbox-1", "text": "The Attorney General opened the meeting.", "marking": "all"}
	c.Send(post)
	first, _ := c.Until("ack")
	c.Send(post)
	second, _ := c.Until("ack")
	if first.Seq != 1 || !first.Created || second.Seq != 1 || second.Created {
		t.Fatalf("acks %+v then %+v; want seq 1 created, then seq 1 not created", first, second)
	}
	// The same client_id over REST: 200 with the stored note.
	var n conference.Note
	r := rap.c.post(t, "/api/v1/sessions/"+sid+"/notes", conference.NoteInput{ClientID: "outbox-1", Text: "The Attorney General opened the meeting.", Marking: conference.MarkingAll})
	if r.Status == http.StatusOK {
		r.decode(t, &n)
	}
	if r.Status != http.StatusOK || n.Seq != 1 {
		t.Fatalf("REST retry: status %d seq %d, want 200 and seq 1", r.Status, n.Seq)
	}
	var page struct {
		Notes   []conference.Note `json:"items"`
		LastSeq int64             `json:"last_seq"`
	}
	s.admin.c.get(t, "/api/v1/sessions/"+sid+"/notes").want(t, http.StatusOK).decode(t, &page)
	if len(page.Notes) != 1 || page.LastSeq != 1 {
		t.Fatalf("stored %d notes (last seq %d), want 1", len(page.Notes), page.LastSeq)
	}
}

// Each role receives exactly the notes its clearance allows, in the catch-up
// and live.
func TestLiveMarkingFilterPerRole(t *testing.T) {
	s := startLiveServer(t)
	rap := s.addUser("rap", "", conference.RoleRapporteur)
	readers := map[string]struct {
		u     *liveUser
		level int
	}{
		"observer": {s.addUser("observer", "", conference.RoleObserver), 0},
		"delegate": {s.addUser("delegate", "GB", conference.RoleDelegate), 1},
		"followup": {s.addUser("followup", "AU", conference.RoleFollowup), 1},
		"head":     {s.addUser("head", "GB", conference.RoleHead), 2},
		"admin":    {s.admin, 2},
	}
	sid := s.liveSession(rap)
	for i := range 6 {
		s.postNote(rap, sid, fmt.Sprint("before-", i), fmt.Sprint("catch-up note ", i), allMarkings[i%3])
	}
	clients := map[string]*wsClient{}
	for name, r := range readers {
		c := s.dial(r.u)
		caught, notes := c.subscribe("session:"+sid, 0)
		var want []int64
		for seq := int64(1); seq <= 6; seq++ {
			if int((seq-1)%3) <= r.level {
				want = append(want, seq)
			}
		}
		if got := noteSeqs(notes); !slices.Equal(got, want) {
			t.Errorf("%s catch-up: seqs %v, want %v", name, got, want)
		}
		if caught.LastSeq != 6 || caught.NewNotes != len(want) {
			t.Errorf("%s caught_up: last_seq %d new_notes %d, want 6 and %d", name, caught.LastSeq, caught.NewNotes, len(want))
		}
		clients[name] = c
	}
	for i := range 6 {
		s.postNote(rap, sid, fmt.Sprint("live-", i), fmt.Sprint("live note ", i), allMarkings[i%3])
	}
	s.postNote(rap, sid, "end", "everyone sees this", conference.MarkingAll) // seq 13
	for name, r := range readers {
		var got []int64
		for {
			m := clients[name].Next()
			if m.Type != "note" {
				continue
			}
			if !canRead(r.level, m.Note.Marking) {
				t.Errorf("%s received a %s note live", name, m.Note.Marking)
			}
			got = append(got, m.Note.Seq)
			if m.Note.Seq == 13 {
				break
			}
		}
		var want []int64
		for seq := int64(7); seq <= 12; seq++ {
			if int((seq-1)%3) <= r.level {
				want = append(want, seq)
			}
		}
		want = append(want, 13)
		if !slices.Equal(got, want) {
			t.Errorf("%s live: seqs %v, want %v", name, got, want)
		}
	}
}

func canRead(level int, m string) bool {
	return conference.Marking(m).Valid() && conference.Marking(m).Level() <= level
}

func noteSeqs(notes []*livetest.Note) []int64 {
	out := []int64{}
	for _, n := range notes {
		out = append(out, n.Seq)
	}
	return out
}

// The central test: two rapporteurs post 500 notes each, at once, one
// over REST and one over the socket, with the three markings mixed, while
// five subscribers of different clearances have their connections killed
// every 20–100 notes and resume from their last seq. In the end each holds
// exactly the notes it may read, each once, in seq order, and the record's
// seqs are gapless.
func TestLiveResumeUnderRandomDisconnects(t *testing.T) {
	s := startLiveServer(t)
	rap1 := s.addUser("rap1", "", conference.RoleRapporteur)
	rap2 := s.addUser("rap2", "", conference.RoleRapporteur)
	type reader struct {
		name  string
		u     *liveUser
		level int
	}
	readers := []*reader{
		{"observer", s.addUser("observer", "", conference.RoleObserver), 0},
		{"delegate", s.addUser("delegate", "GB", conference.RoleDelegate), 1},
		{"head", s.addUser("head", "GB", conference.RoleHead), 2},
		{"admin", s.admin, 2},
		{"delegate2", s.addUser("delegate2", "AU", conference.RoleDelegate), 1},
	}
	sid := s.liveSession(rap1, rap2)
	const perRapporteur = 500
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	// end is published once the posts are done: the last seq each reader may see.
	var endMu sync.Mutex
	ends := map[string]int64{}
	endOf := func(name string) (int64, bool) {
		endMu.Lock()
		defer endMu.Unlock()
		e, ok := ends[name]
		return e, ok
	}

	type subscriber struct {
		mu      sync.Mutex
		current *websocket.Conn // the connection being read, for the final nudge
		got     []*livetest.Note
		kills   int
	}
	subs := make([]*subscriber, len(readers))
	var wg sync.WaitGroup
	for i, r := range readers {
		sub := &subscriber{}
		subs[i] = sub
		kills := rand.New(rand.NewPCG(rng.Uint64(), uint64(i)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last int64
			for {
				h := http.Header{"Origin": {s.origin}, "Cookie": {"quintet_login=" + r.u.Cookie}}
				ws, status, err := s.dialHeader(h)
				if err != nil {
					t.Errorf("%s: dial: %v (status %d)", r.name, err, status)
					return
				}
				c := newWSClient(t, ws)
				sub.mu.Lock()
				sub.current = ws
				sub.mu.Unlock()
				if err := c.WS.WriteJSON(map[string]any{"type": "subscribe", "channel": "session:" + sid, "after": last}); err != nil {
					t.Errorf("%s: subscribe: %v", r.name, err)
					return
				}
				killAfter := 20 + kills.IntN(81)
				received := 0
				for {
					m, err := c.Read(60 * time.Second)
					if err != nil {
						t.Errorf("%s: read after seq %d: %v", r.name, last, err)
						return
					}
					switch m.Type {
					case "note":
						if !canRead(r.level, m.Note.Marking) {
							t.Errorf("%s received note %d marked %s", r.name, m.Note.Seq, m.Note.Marking)
						}
						if m.Note.Seq <= last {
							t.Errorf("%s received seq %d after %d: a duplicate or out of order", r.name, m.Note.Seq, last)
						}
						sub.got = append(sub.got, m.Note)
						last = m.Note.Seq
						received++
					case "caught_up":
						last = max(last, m.LastSeq)
					case "error":
						t.Errorf("%s: %s", r.name, m.Message)
						return
					}
					if end, ok := endOf(r.name); ok && last >= end {
						ws.Close()
						return
					}
					if received >= killAfter {
						break
					}
				}
				// Kill the link: half the time abruptly, as a dropped network
				// does, half the time with a close frame, as a closed tab does.
				sub.kills++
				if kills.IntN(2) == 0 {
					ws.NetConn().Close()
				} else {
					ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
					ws.Close()
				}
			}
		}()
	}

	// The two rapporteurs, at once.
	marking := func(who string, i int) conference.Marking {
		return allMarkings[(i*7+len(who))%3]
	}
	var posters sync.WaitGroup
	posters.Add(2)
	go func() { // rap1 over REST
		defer posters.Done()
		for i := range perRapporteur {
			id := fmt.Sprintf("rap1-%d", i)
			// The answer's shape is checked by the client, against the document.
			if r := rap1.c.post(t, "/api/v1/sessions/"+sid+"/notes", conference.NoteInput{ClientID: id, Text: "note " + id, Marking: marking("rap1", i)}); r.Status != http.StatusCreated {
				t.Errorf("rap1 post %d: status %d", i, r.Status)
				return
			}
		}
	}()
	go func() { // rap2 over the socket, retrying every 50th post
		defer posters.Done()
		h := http.Header{"Origin": {s.origin}, "Cookie": {"quintet_login=" + rap2.Cookie}}
		ws, _, err := s.dialHeader(h)
		if err != nil {
			t.Errorf("rap2: %v", err)
			return
		}
		defer ws.Close()
		c := newWSClient(t, ws)
		for i := range perRapporteur {
			id := fmt.Sprintf("rap2-%d", i)
			tries := 1
			if i%50 == 0 {
				tries = 2
			}
			var seq int64
			for try := range tries {
				if err := ws.WriteJSON(map[string]any{"type": "post", "session_id": sid, "client_id": id, "text": "note " + id, "marking": marking("rap2", i)}); err != nil {
					t.Errorf("rap2: %v", err)
					return
				}
				for {
					m, err := c.Read(30 * time.Second)
					if err != nil {
						t.Errorf("rap2: %v", err)
						return
					}
					if m.Type == "error" {
						t.Errorf("rap2 post %d: %s", i, m.Message)
						return
					}
					if m.Type == "ack" {
						if m.ClientID != id || m.Created != (try == 0) || (try > 0 && m.Seq != seq) {
							t.Errorf("rap2 post %d try %d: ack %+v (first seq %d)", i, try, m, seq)
						}
						seq = m.Seq
						break
					}
				}
			}
		}
	}()
	posters.Wait()

	// The record, as the secretariat reads it.
	var page struct {
		Notes   []*conference.Note `json:"items"`
		LastSeq int64              `json:"last_seq"`
	}
	s.admin.c.get(t, "/api/v1/sessions/"+sid+"/notes").want(t, http.StatusOK).decode(t, &page)
	if len(page.Notes) != 2*perRapporteur || page.LastSeq != 2*perRapporteur {
		t.Fatalf("stored %d notes, last seq %d; want %d", len(page.Notes), page.LastSeq, 2*perRapporteur)
	}
	clientIDs := map[string]bool{}
	for i, n := range page.Notes {
		if n.Seq != int64(i+1) {
			t.Fatalf("stored seq %d at position %d: not gapless", n.Seq, i)
		}
		if clientIDs[n.ClientID] {
			t.Fatalf("client_id %s stored twice", n.ClientID)
		}
		clientIDs[n.ClientID] = true
	}
	want := make([][]*conference.Note, len(readers))
	endMu.Lock()
	for i, r := range readers {
		for _, n := range page.Notes {
			if canRead(r.level, string(n.Marking)) {
				want[i] = append(want[i], n)
			}
		}
		ends[r.name] = want[i][len(want[i])-1].Seq
	}
	endMu.Unlock()
	// Nudge readers waiting for a note that will not come: the pong wakes them
	// to see that they are done.
	for _, sub := range subs {
		sub.mu.Lock()
		if sub.current != nil {
			_ = sub.current.WriteJSON(map[string]any{"type": "ping"})
		}
		sub.mu.Unlock()
	}
	wg.Wait()

	for i, r := range readers {
		got := subs[i].got
		if len(got) != len(want[i]) {
			t.Errorf("%s holds %d notes, want %d", r.name, len(got), len(want[i]))
			continue
		}
		for j := range got {
			if got[j].Seq != want[i][j].Seq || got[j].ClientID != want[i][j].ClientID || got[j].Marking != string(want[i][j].Marking) {
				t.Errorf("%s note %d: seq %d %s, want seq %d %s", r.name, j, got[j].Seq, got[j].ClientID, want[i][j].Seq, want[i][j].ClientID)
				break
			}
		}
		t.Logf("%s: %d notes, %d disconnects", r.name, len(got), subs[i].kills)
	}
}
