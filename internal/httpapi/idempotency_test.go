package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The server's own clock decides whether an answer or a claim is in force,
// whether or not the sweep has run.
func TestIdempotencyFollowsTheClock(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2014, 7, 1, 9, 0, 0, 0, time.UTC)
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	svc, store := OpenTestService(t, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	SeedTestMeeting(t, svc, "m1", "Meeting", conference.Topic{})
	sys := conference.SystemActor
	admin, err := svc.CreateUser(ctx, sys, conference.UserInput{Email: "a@example.org", Name: "Admin",
		Roles: []conference.Role{conference.RoleAdmin}, Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := svc.CreateToken(ctx, sys, admin.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, e, err := newServer(svc, Config{Idempotency: store})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	defer srv.Close()

	body := `{"title":"Opening","start":"2014-07-07T09:00:00Z","end":"2014-07-07T10:00:00Z","room":"","rapporteurs":[],"topics":[]}`
	post := func(key string) (status int, id, replayed, code string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+v1+"/meetings/m1/sessions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(IdempotencyKeyHeader, key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v struct {
			ID   string `json:"id"`
			Code string `json:"code"` // of a problem
		}
		if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, v.ID, res.Header.Get(replayedHeader), v.Code
	}

	status, first, _, _ := post("k")
	if status != http.StatusCreated || first == "" {
		t.Fatalf("first create: %d %q", status, first)
	}
	advance(conference.IdempotencyWindow - time.Second)
	if status, id, replayed, _ := post("k"); status != http.StatusCreated || id != first || replayed != "true" {
		t.Fatalf("a second before the day ends: %d %s replayed=%q, want the replay of %s", status, id, replayed, first)
	}
	advance(time.Second)
	if status, id, replayed, _ := post("k"); status != http.StatusCreated || id == first || replayed != "" {
		t.Fatalf("once the day ended: %d %s replayed=%q, want a new session", status, id, replayed)
	}

	// A claim whose request never finished (its process died) holds the key,
	// then lets it go.
	held := &conference.IdempotentAnswer{ID: hashOf(admin.ID, "stuck"), Request: hashOf(http.MethodPost, v1+"/meetings/m1/sessions", "", body), CreatedAt: svc.Now(),
		HeldUntil: svc.Now().Add(idempotencyHold), ExpiresAt: svc.Now().Add(conference.IdempotencyWindow)}
	if ok, err := store.ClaimAnswer(ctx, held); err != nil || !ok {
		t.Fatalf("ClaimAnswer=%v, %v", ok, err)
	}
	if status, _, _, code := post("stuck"); status != http.StatusConflict || code != ERUNNING {
		t.Fatalf("while held: %d %s, want 409 %s", status, code, ERUNNING)
	}
	advance(idempotencyHold)
	if status, id, replayed, _ := post("stuck"); status != http.StatusCreated || id == "" || replayed != "" {
		t.Fatalf("after the hold: %d %q replayed=%q, want a new session", status, id, replayed)
	}
}
