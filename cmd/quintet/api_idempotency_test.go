package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// idemKey sends an Idempotency-Key exactly as given, the empty one included.
func idemKey(k string) apiOption {
	return func(r *http.Request) { r.Header["Idempotency-Key"] = []string{k} }
}

// countActions counts the actions titled title that c may read, whether the
// list answers a bare array or a page of items.
func countActions(t *testing.T, c *apiClient, title string) int {
	t.Helper()
	r := c.get(t, "/api/v1/actions").want(t, http.StatusOK)
	var items []struct{ Title string }
	if err := json.Unmarshal(r.Body, &items); err != nil {
		var page struct {
			Items []struct{ Title string } `json:"items"`
		}
		r.decode(t, &page)
		items = page.Items
	}
	n := 0
	for _, a := range items {
		if a.Title == title {
			n++
		}
	}
	return n
}

func actionBody(title string) map[string]any {
	return map[string]any{"title": title, "owner": "GB", "due": "2015-06-30", "meeting_id": "london-2014"}
}

func TestIdempotentCreates(t *testing.T) {
	f := newAPIFixture(t, nil)
	admin, followup := f.admin(), f.clients[callerFollowup]

	title := apiUnique("Share the preservation template")
	first := admin.post(t, "/api/v1/actions", actionBody(title), idemKey("k-1")).want(t, http.StatusCreated)
	if got := first.Header.Get("Idempotent-Replayed"); got != "" {
		t.Fatalf("first answer: Idempotent-Replayed=%q, want none", got)
	}

	t.Run("Replay", func(t *testing.T) {
		again := admin.post(t, "/api/v1/actions", actionBody(title), idemKey("k-1")).want(t, http.StatusCreated)
		if got := again.Header.Get("Idempotent-Replayed"); got != "true" {
			t.Fatalf("Idempotent-Replayed=%q, want true", got)
		}
		if !bytes.Equal(again.Body, first.Body) {
			t.Fatalf("replayed body=%s, want %s", apiClip(again.Body), apiClip(first.Body))
		}
		for _, h := range []string{"Content-Type", "Location"} {
			if got, want := again.Header.Get(h), first.Header.Get(h); got != want {
				t.Fatalf("replayed %s=%q, want %q", h, got, want)
			}
		}
		if got := countActions(t, admin, title); got != 1 {
			t.Fatalf("%d actions titled %q, want 1", got, title)
		}
	})

	t.Run("WithoutKeyTwoThings", func(t *testing.T) {
		other := apiUnique("Without a key")
		admin.post(t, "/api/v1/actions", actionBody(other)).want(t, http.StatusCreated)
		admin.post(t, "/api/v1/actions", actionBody(other)).want(t, http.StatusCreated)
		if got := countActions(t, admin, other); got != 2 {
			t.Fatalf("%d actions without a key, want 2", got)
		}
	})

	t.Run("Mismatch", func(t *testing.T) {
		changed := apiUnique("Another action")
		for _, tt := range []struct {
			name, path string
			body       any
		}{
			{"other body", "/api/v1/actions", actionBody(changed)},
			{"other path", "/api/v1/topics", map[string]any{"slug": "k1-topic", "title": "K1", "description": ""}},
		} {
			e := admin.post(t, tt.path, tt.body, idemKey("k-1")).want(t, http.StatusUnprocessableEntity).errorAnswer(t)
			if e.Code != "idempotency_mismatch" || e.Field != "Idempotency-Key" {
				t.Fatalf("%s: error=%+v, want idempotency_mismatch on Idempotency-Key", tt.name, e)
			}
		}
		if got := countActions(t, admin, changed); got != 0 {
			t.Fatalf("a refused request created %d actions", got)
		}
	})

	t.Run("UsersKeptApart", func(t *testing.T) {
		r := followup.post(t, "/api/v1/actions", actionBody(title), idemKey("k-1")).want(t, http.StatusCreated)
		if r.Header.Get("Idempotent-Replayed") != "" || bytes.Equal(r.Body, first.Body) {
			t.Fatalf("another user's key replayed the admin's answer: %s", apiClip(r.Body))
		}
		if got := countActions(t, admin, title); got != 2 {
			t.Fatalf("%d actions titled %q, want 2 (one per user)", got, title)
		}
	})

	t.Run("FailureNotKept", func(t *testing.T) {
		// A refused create made nothing: the key is free for the corrected request.
		bad := actionBody("")
		admin.post(t, "/api/v1/actions", bad, idemKey("k-fix")).want(t, http.StatusBadRequest)
		fixed := apiUnique("Corrected")
		admin.post(t, "/api/v1/actions", actionBody(fixed), idemKey("k-fix")).want(t, http.StatusCreated)
		r := admin.post(t, "/api/v1/actions", actionBody(fixed), idemKey("k-fix")).want(t, http.StatusCreated)
		if r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatal("the corrected request was not kept")
		}
	})

	t.Run("BadKeys", func(t *testing.T) {
		for name, k := range map[string]string{
			"empty":     "",
			"too long":  strings.Repeat("k", 256),
			"non-ASCII": "clé",
			"tab":       "a\tb",
		} {
			e := admin.post(t, "/api/v1/actions", actionBody(apiUnique("bad key")), idemKey(k)).want(t, http.StatusBadRequest).errorAnswer(t)
			if e.Field != "Idempotency-Key" {
				t.Fatalf("%s: field=%q, want Idempotency-Key", name, e.Field)
			}
		}
		admin.post(t, "/api/v1/actions", actionBody(apiUnique("longest key")), idemKey(strings.Repeat("k", 255))).want(t, http.StatusCreated)
	})

	t.Run("EveryCreate", func(t *testing.T) {
		// Creates of other kinds replay too (one for each of admin's routes).
		for _, tt := range []struct {
			path string
			body any
		}{
			{"/api/v1/topics", map[string]any{"slug": "idem-topic", "title": "Idempotency", "description": ""}},
			{"/api/v1/meetings/london-2014/sessions", apiSessionBody(apiUnique("Idempotent session"))},
			{"/api/v1/users", map[string]any{"email": "idem@example.org", "name": "Idem", "roles": []string{"observer"}, "password": apiPassword("idem")}},
		} {
			a := admin.post(t, tt.path, tt.body, idemKey("every-"+tt.path)).want(t, http.StatusCreated)
			b := admin.post(t, tt.path, tt.body, idemKey("every-"+tt.path)).want(t, http.StatusCreated)
			if !bytes.Equal(a.Body, b.Body) || b.Header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("POST %s was not replayed: %s then %s", tt.path, apiClip(a.Body), apiClip(b.Body))
			}
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		// Of simultaneous first requests one creates; the others wait their
		// turn (409 request_in_progress) or get its answer.
		same := apiUnique("Raced")
		answers := make(chan *apiResponse, 6)
		var wg sync.WaitGroup
		for range cap(answers) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers <- admin.post(t, "/api/v1/actions", actionBody(same), idemKey("k-race"))
			}()
		}
		wg.Wait()
		close(answers)
		for r := range answers {
			switch {
			case r.Status == http.StatusCreated:
			case r.Status == http.StatusConflict && r.Header.Get("Retry-After") != "":
				if e := r.errorAnswer(t); e.Code != "request_in_progress" {
					t.Fatalf("409 %+v, want request_in_progress", e)
				}
			default:
				t.Fatalf("status %d: %s", r.Status, apiClip(r.Body))
			}
		}
		if got := countActions(t, admin, same); got != 1 {
			t.Fatalf("%d actions from one key raced, want 1", got)
		}
	})

	t.Run("NoteClientID", func(t *testing.T) {
		rap := f.clients[callerRapporteur]
		path := "/api/v1/sessions/" + f.liveSession(t) + "/notes"
		note := map[string]any{"client_id": "idem-note", "text": "Agreed to share the template.", "marking": "all"}
		n := rap.post(t, path, note).want(t, http.StatusCreated)
		rap.post(t, path, note).want(t, http.StatusOK)
		note["text"] = "Agreed to share nothing."
		e := rap.post(t, path, note).want(t, http.StatusUnprocessableEntity).errorAnswer(t)
		if e.Code != "idempotency_mismatch" || e.Field != "client_id" {
			t.Fatalf("error=%+v, want idempotency_mismatch on client_id", e)
		}
		var page struct{ Items []struct{ Text string } }
		rap.get(t, path).want(t, http.StatusOK).decode(t, &page)
		if got := page.Items[len(page.Items)-1].Text; got != "Agreed to share the template." {
			t.Fatalf("last note=%q after a refused reuse; stored %s", got, apiClip(n.Body))
		}
	})

	// Across a restart the answer is still replayed; once its day is over it
	// is gone, and the key makes a new action.
	srv := f.srv
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	srv = startAPIServer(t, srv.DataDir, nil)
	admin = &apiClient{srv: srv, hc: admin.hc} // the login outlives the process too
	again := admin.post(t, "/api/v1/actions", actionBody(title), idemKey("k-1")).want(t, http.StatusCreated)
	if !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("after a restart: %s, want the replay of %s", apiClip(again.Body), apiClip(first.Body))
	}

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	expireAnswersAt(t, srv.DataDir, time.Now().Add(conference.IdempotencyWindow+time.Minute))
	srv = startAPIServer(t, srv.DataDir, nil)
	admin = &apiClient{srv: srv, hc: admin.hc}
	fresh := admin.post(t, "/api/v1/actions", actionBody(title), idemKey("k-1")).want(t, http.StatusCreated)
	if fresh.Header.Get("Idempotent-Replayed") != "" || bytes.Equal(fresh.Body, first.Body) {
		t.Fatalf("an expired key was replayed: %s", apiClip(fresh.Body))
	}
	if got := countActions(t, admin, title); got != 3 {
		t.Fatalf("%d actions titled %q, want 3", got, title)
	}
}

// expireAnswersAt runs the sweep of the idempotent answers on the stopped
// server's store, as its timer would at now.
func expireAnswersAt(t *testing.T, dataDir string, now time.Time) {
	t.Helper()
	cfg, err := loadConfig(apiEnv(dataDir, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := openBackend(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := b.close(ctx); err != nil {
			t.Error(err)
		}
	}()
	if n, err := b.store.ExpireAnswers(ctx, now); err != nil || n == 0 {
		t.Fatalf("ExpireAnswers=%d, %v; want some removed", n, err)
	}
}
