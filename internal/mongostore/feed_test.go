package mongostore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/mongostore"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// instance is one Service on a shared store, as one process would hold it,
// following the store's change feed, with a count of what it announced.
type instance struct {
	svc       *conference.Service
	mu        sync.Mutex
	announced map[string]int // collection/id → changes announced
}

func startInstance(t *testing.T, ctx context.Context, st *mongostore.Store, beforeFollow func()) *instance {
	t.Helper()
	in := &instance{svc: conference.NewService(st, nil), announced: map[string]int{}}
	in.svc.OnChange = func(ch conference.Change) {
		in.mu.Lock()
		in.announced[string(ch.Collection)+"/"+ch.ID]++
		in.mu.Unlock()
	}
	if err := in.svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if beforeFollow != nil {
		beforeFollow()
	}
	fctx, cancel := context.WithCancel(ctx)
	ready, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		in.svc.Follow(fctx, st, ready, func(err error) { t.Logf("feed: %v", err) })
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the feed did not start")
	}
	return in
}

// Two Services on one store, as two processes would be: what either writes
// the other learns from the change feed, once; notes keep one gapless seq
// whoever numbers them; two edits of one version give one success and one
// stale version.
func TestTwoInstancesFollowEachOther(t *testing.T) {
	stA, uri := storetest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stB, err := mongostore.Open(ctx, uri, storetest.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stB.Close(context.Background()) }) // after the instances stopped following
	if err := stA.EnsureOplog(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	if err := stA.Insert(ctx, conference.Sessions, &conference.Session{ID: "s1", MeetingID: "m1", Title: "Opening",
		Start: now, End: now.Add(time.Hour), Rapporteurs: []string{}, Topics: []string{}, Status: conference.SessionLive, Version: 1}); err != nil {
		t.Fatal(err)
	}
	if err := stA.Insert(ctx, conference.Topics, &conference.Topic{ID: "t1", Slug: "cyber", Title: "Cyber", Version: 1}); err != nil {
		t.Fatal(err)
	}
	admin := &conference.User{ID: "admin", Name: "Secretariat", Roles: []conference.Role{conference.RoleAdmin}}
	a := startInstance(t, ctx, stA, nil)
	// What a wrote after b loaded and before b's feed started reaches b by
	// the re-read that follows the feed's start, through the same path.
	early := a.svc
	b := startInstance(t, ctx, stB, func() {
		if _, _, err := early.PostNote(ctx, admin, "s1", conference.NoteInput{ClientID: "early", Text: "before the feed", Marking: conference.MarkingAll}); err != nil {
			t.Fatal(err)
		}
	})
	if notes, _, _ := b.svc.Notes(ctx, admin, "s1", 0); len(notes) != 1 || notes[0].ClientID != "early" {
		t.Fatalf("b holds %d notes after its feed started, want the early one", len(notes))
	}

	const writers, each = 4, 8
	var wg sync.WaitGroup
	for w := range writers {
		in := []*instance{a, b}[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, _, err := in.svc.PostNote(ctx, admin, "s1", conference.NoteInput{
					ClientID: fmt.Sprintf("w%d-n%d", w, i), Text: "note", Marking: conference.MarkingAll})
				if err != nil {
					t.Errorf("writer %d note %d: %v", w, i, err)
				}
			}
		}()
	}
	wg.Wait()
	const total = writers*each + 1 // and the early one
	for _, in := range []*instance{a, b} {
		deadline := time.Now().Add(10 * time.Second)
		var notes []*conference.Note
		for {
			notes, _, err = in.svc.Notes(ctx, admin, "s1", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(notes) >= total || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if len(notes) != total {
			t.Fatalf("an instance holds %d notes, want %d", len(notes), total)
		}
		for i, n := range notes {
			if n.Seq != int64(i+1) {
				t.Fatalf("note %d has seq %d", i, n.Seq)
			}
			in.mu.Lock()
			got := in.announced["notes/"+n.ID]
			in.mu.Unlock()
			if got != 1 {
				t.Errorf("note %d was announced %d times", n.Seq, got)
			}
		}
	}

	// Both edit version v at once, round after round.
	for round := range 5 {
		v := int64(round + 1)
		var errs [2]error
		var ewg sync.WaitGroup
		for i, in := range []*instance{a, b} {
			ewg.Add(1)
			go func() {
				defer ewg.Done()
				title := fmt.Sprintf("Cyber %d by %d", round, i)
				_, errs[i] = in.svc.UpdateTopic(ctx, admin, "t1", conference.TopicUpdate{Title: &title, Version: &v})
			}()
		}
		ewg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case conference.ErrorCode(err) != conference.ESTALE:
				t.Errorf("round %d: %v, want success or stale_version", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d edits of version %d succeeded (%v), want 1", round, ok, v, errs)
		}
		// Both converge on the winner before the next round.
		for _, in := range []*instance{a, b} {
			deadline := time.Now().Add(10 * time.Second)
			for {
				tp, err := in.svc.Topic(ctx, admin, "t1")
				if err == nil && tp.Version == v+1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("round %d: an instance still holds %+v (%v)", round, tp, err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
}
