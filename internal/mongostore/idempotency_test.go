package mongostore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/storetest"
)

func TestIdempotentAnswers(t *testing.T) {
	st, _ := storetest.Open(t)
	ctx := context.Background()
	now := at(10, 0, 0, 0)
	claim := func(id string) *conference.IdempotentAnswer {
		return &conference.IdempotentAnswer{ID: id, Request: "req-" + id, CreatedAt: now,
			HeldUntil: now.Add(time.Minute), ExpiresAt: now.Add(conference.IdempotencyWindow)}
	}

	// Of concurrent claims of one key, exactly one wins.
	var wg sync.WaitGroup
	wins := make(chan bool, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := st.ClaimAnswer(ctx, claim("k1"))
			if err != nil {
				t.Error(err)
			}
			wins <- ok
		}()
	}
	wg.Wait()
	close(wins)
	won := 0
	for ok := range wins {
		if ok {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d of 8 concurrent claims won, want 1", won)
	}

	a := claim("k1")
	a.Done, a.Status, a.Header, a.Body = true, 201, map[string]string{"Location": "/api/v1/actions/x"}, []byte(`{"id":"x"}`)
	if err := st.SaveAnswer(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := st.FindAnswer(ctx, "k1")
	if err != nil || got == nil {
		t.Fatalf("FindAnswer=%v, %v; want the saved answer", got, err)
	}
	if !got.Done || got.Status != 201 || got.Header["Location"] != "/api/v1/actions/x" || string(got.Body) != `{"id":"x"}` ||
		got.Request != "req-k1" || !got.ExpiresAt.Equal(a.ExpiresAt) {
		t.Fatalf("FindAnswer=%+v, want %+v", got, a)
	}
	if got, err := st.FindAnswer(ctx, "none"); got != nil || err != nil {
		t.Fatalf("FindAnswer(none)=%v, %v; want nil, nil", got, err)
	}

	// A claim held past its time is stale; an answer in force is not.
	if _, err := st.ClaimAnswer(ctx, claim("k2")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"k1", "k2"} {
		if err := st.DropStaleAnswer(ctx, id, now.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := st.FindAnswer(ctx, "k2"); got == nil {
		t.Fatal("a claim still held was dropped as stale")
	}
	for _, id := range []string{"k1", "k2"} {
		if err := st.DropStaleAnswer(ctx, id, now.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := st.FindAnswer(ctx, "k2"); got != nil {
		t.Fatal("a claim held past its time was kept")
	}
	if got, _ := st.FindAnswer(ctx, "k1"); got == nil {
		t.Fatal("an answer in force was dropped as stale")
	}

	// The sweep removes what expired, and only that.
	later := claim("k3")
	later.ExpiresAt = now.Add(48 * time.Hour)
	if _, err := st.ClaimAnswer(ctx, later); err != nil {
		t.Fatal(err)
	}
	n, err := st.ExpireAnswers(ctx, now.Add(conference.IdempotencyWindow))
	if err != nil || n != 1 {
		t.Fatalf("ExpireAnswers=%d, %v; want 1", n, err)
	}
	if got, _ := st.FindAnswer(ctx, "k3"); got == nil {
		t.Fatal("the sweep removed an answer still in force")
	}
	if err := st.DropAnswer(ctx, "k3"); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.FindAnswer(ctx, "k3"); got != nil {
		t.Fatal("DropAnswer left the answer")
	}
	// The answers are not part of the working set loaded at start.
	if snap := load(t, st); count(snap) != 0 {
		t.Fatalf("Load=%+v, want nothing", snap)
	}
}
