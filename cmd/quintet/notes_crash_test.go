package main

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// A note the server acknowledged survives a kill -9 at any moment, and the
// record stays gapless: the real binary is killed while four writers post,
// three times over, and each restart must hold every acknowledged note
// exactly once, numbered 1, 2, 3 … with no hole.
func TestNotesSurviveKill9(t *testing.T) {
	f := newCrashFixture(t)
	var se struct {
		ID string `json:"id"`
	}
	f.c.post(t, "/api/v1/meetings/london-2014/sessions", apiSessionBody("Killed while writing")).want(t, http.StatusCreated).decode(t, &se)
	f.c.post(t, "/api/v1/sessions/"+se.ID+"/start", nil).want(t, http.StatusOK)

	acked := map[string]bool{} // client ids the server acknowledged, over every round
	const rounds, writers, ackedPerRound = 3, 4, 40
	for round := range rounds {
		var mu sync.Mutex
		enough := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					id := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					status := postNoteRaw(t, f.c, se.ID, id)
					if status == 0 {
						return // the server is gone
					}
					if status != http.StatusCreated {
						t.Errorf("post %s: status %d", id, status)
						return
					}
					mu.Lock()
					acked[id] = true
					n := len(acked)
					mu.Unlock()
					if n >= (round+1)*ackedPerRound {
						once.Do(func() { close(enough) })
					}
				}
			}()
		}
		<-enough
		f.p.Kill(t) // with posts in flight
		wg.Wait()
		f.start(t)

		notes := sessionNotes(t, f.c, se.ID)
		seen := map[string]bool{}
		for i, n := range notes {
			if n.Seq != int64(i+1) {
				t.Fatalf("round %d: note %d has seq %d: the record has a gap", round, i+1, n.Seq)
			}
			if seen[n.ClientID] {
				t.Fatalf("round %d: client id %s stored twice", round, n.ClientID)
			}
			seen[n.ClientID] = true
		}
		mu.Lock()
		for id := range acked {
			if !seen[id] {
				t.Fatalf("round %d: acknowledged note %s is lost after kill -9", round, id)
			}
		}
		t.Logf("round %d: %d notes stored, %d acknowledged", round, len(notes), len(acked))
		mu.Unlock()
	}
	// The record goes on with the next seq.
	var n e2eNote
	f.c.post(t, "/api/v1/sessions/"+se.ID+"/notes", map[string]any{"client_id": "after-the-kills", "text": "Still here", "marking": "all"}).
		want(t, http.StatusCreated).decode(t, &n)
	if got := sessionNotes(t, f.c, se.ID); n.Seq != int64(len(got)) {
		t.Fatalf("next note got seq %d, the record holds %d", n.Seq, len(got))
	}
}

// postNoteRaw posts one note and returns the status, 0 when the connection
// broke (the server was killed): it must not fail the test from a goroutine.
func postNoteRaw(t testing.TB, c *apiClient, sessionID, clientID string) int {
	r, err := c.try(t, http.MethodPost, "/api/v1/sessions/"+sessionID+"/notes",
		map[string]any{"client_id": clientID, "text": "Written before a crash: " + clientID, "marking": "all"})
	if err != nil {
		return 0
	}
	return r.Status
}
