package live

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
)

// refusal is a handshake the hub answered with an HTTP error.
type refusal struct {
	status     int
	retryAfter string
	code       string
}

// tryDial connects as user; it returns the connection, or how it was refused.
func (f *fixture) tryDial(t *testing.T, user string) (*websocket.Conn, refusal) {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(f.url, http.Header{"X-Secret": {"secret-" + user}})
	if err == nil {
		t.Cleanup(func() { ws.Close() })
		return ws, refusal{}
	}
	if resp == nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	var body struct {
		Code, Detail string
		Status       int
	}
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &body); err != nil || body.Detail == "" || body.Status != resp.StatusCode ||
		resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("refusal %d with body %q, want the API's problem details", resp.StatusCode, data)
	}
	return nil, refusal{resp.StatusCode, resp.Header.Get("Retry-After"), body.Code}
}

func TestConnectionsPerAccountAreCapped(t *testing.T) {
	logger, _, logged := signalLog("over the account's limit")
	f := newFixture(t, Options{MaxConnsPerUser: 3, Logger: logger})
	var open []*client
	for range 3 {
		open = append(open, f.dial(t, "obs"))
	}
	want := refusal{http.StatusTooManyRequests, "30", conference.ERATELIMITED}
	if ws, got := f.tryDial(t, "obs"); ws != nil || got != want {
		t.Fatalf("fourth connection of one account: refused with %+v, want %+v", got, want)
	}
	f.dial(t, "del") // other accounts are not affected

	// A closed connection gives its slot back.
	open[0].Close(10 * time.Second)
	f.dial(t, "obs")
	if ws, got := f.tryDial(t, "obs"); ws != nil || got != want {
		t.Fatalf("over the cap again: refused with %+v, want %+v", got, want)
	}
	if got, want := f.hub.Connections(), 4; got != want {
		t.Fatalf("%d connections open, want %d", got, want)
	}
	// A client retrying in a loop is logged once, not once a try.
	if got := logged.Load(); got != 1 {
		t.Fatalf("%d refusals logged within a minute, want 1", got)
	}
}

// Handshakes of one account that race each other cannot all pass the cap.
func TestConcurrentHandshakesRespectTheCap(t *testing.T) {
	const max, tries = 3, 12
	f := newFixture(t, Options{MaxConnsPerUser: max})
	var wg sync.WaitGroup
	var mu sync.Mutex
	opened, refused := 0, 0
	start := make(chan struct{})
	for range tries {
		wg.Go(func() {
			<-start
			ws, resp, err := websocket.DefaultDialer.Dial(f.url, http.Header{"X-Secret": {"secret-head"}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				opened++
				t.Cleanup(func() { ws.Close() })
			case resp != nil && resp.StatusCode == http.StatusTooManyRequests:
				refused++
			default:
				t.Errorf("dial: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if opened != max || refused != tries-max {
		t.Fatalf("%d opened and %d refused, want %d and %d", opened, refused, max, tries-max)
	}
}

// The other refusals the document lists: 400 for a request that is not a
// WebSocket handshake, 503 once the hub is closing; each with the API's
// error body and no upgrade.
func TestHandshakeRefusals(t *testing.T) {
	f := newFixture(t, Options{})
	req, _ := http.NewRequest("GET", f.srv.URL, nil)
	req.Header.Set("X-Secret", "secret-obs")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Code, Detail string }
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || err != nil || body.Code != conference.EINVALID {
		t.Fatalf("plain GET: %d %+v (%v), want 400 invalid", resp.StatusCode, body, err)
	}

	f.hub.Close()
	if ws, got := f.tryDial(t, "obs"); ws != nil || got.status != http.StatusServiceUnavailable || got.code != "unavailable" {
		t.Fatalf("handshake after Close: %+v, want 503 unavailable", got)
	}
}
