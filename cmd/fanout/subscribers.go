package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/sync/errgroup"
)

// notes is what publisher and subscribers share: the send time of each note,
// by the number in its client_id ("f-<k>"), and the step it belongs to.
type notes struct {
	sent   []atomic.Int64 // UnixNano when the POST began; 0 before
	stepOf []int32
	// delivered counts, per step, the notes received by all subscribers.
	delivered []atomic.Int64
}

// subscriber is one WebSocket client that records, for each note, when it
// arrived.
type subscriber struct {
	ws   *websocket.Conn
	seen []bool // by note number: duplicates are errors

	mu        sync.Mutex
	latencies [][]int32 // per step, microseconds from POST to delivery
	dupes     int
	closeCode int // set when the connection ended: 4008 "too slow", 1001…
	closed    bool
}

// dialSubscriber connects with a bearer token, subscribes to the session
// and waits for the end of its catch-up.
func dialSubscriber(ctx context.Context, wsURL, token, sessionID string, n *notes, steps int) (*subscriber, error) {
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 1024}
	ws, resp, err := d.DialContext(ctx, wsURL, http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial: %w (%s)", err, resp.Status)
		}
		return nil, fmt.Errorf("dial: %w", err)
	}
	if err := ws.WriteJSON(map[string]any{"type": "subscribe", "channel": "session:" + sessionID, "after": 0}); err != nil {
		ws.Close()
		return nil, err
	}
	_ = ws.SetReadDeadline(time.Now().Add(60 * time.Second))
	for caughtUp := false; !caughtUp; {
		_, data, err := ws.ReadMessage()
		if err != nil {
			ws.Close()
			return nil, fmt.Errorf("catch-up: %w", err)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var m struct {
				Type    string `json:"type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(line, &m); err != nil {
				ws.Close()
				return nil, err
			}
			switch m.Type {
			case "caught_up":
				caughtUp = true
			case "error":
				ws.Close()
				return nil, errors.New(m.Message)
			}
		}
	}
	_ = ws.SetReadDeadline(time.Time{})
	return &subscriber{ws: ws, seen: make([]bool, len(n.sent)), latencies: make([][]int32, steps)}, nil
}

var clientIDMarker = []byte(`"client_id":"f-`)

// read records every note until the connection ends. It decodes only what it
// needs, so that 2,000 clients sharing the server's two cores cost little.
func (s *subscriber) read(n *notes) {
	var buf bytes.Buffer // reused: no allocation per frame
	for {
		_, r, err := s.ws.NextReader()
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		if err != nil {
			s.mu.Lock()
			s.closed = true
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				s.closeCode = ce.Code
			} else {
				s.closeCode = -1
			}
			s.mu.Unlock()
			return
		}
		now := time.Now().UnixNano()
		data := buf.Bytes()
		for len(data) > 0 {
			line := data
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				line, data = data[:i], data[i+1:]
			} else {
				data = nil
			}
			if !bytes.HasPrefix(line, []byte(`{"type":"note"`)) {
				continue
			}
			i := bytes.Index(line, clientIDMarker)
			if i < 0 {
				continue
			}
			rest := line[i+len(clientIDMarker):]
			j := bytes.IndexByte(rest, '"')
			k, err := strconv.Atoi(string(rest[:max(j, 0)]))
			if err != nil || k < 0 || k >= len(s.seen) {
				continue
			}
			s.mu.Lock()
			if s.seen[k] {
				s.dupes++
			} else {
				s.seen[k] = true
				step := n.stepOf[k]
				lat := (now - n.sent[k].Load()) / 1000
				s.latencies[step] = append(s.latencies[step], int32(min(lat, 1<<31-1)))
				n.delivered[step].Add(1)
			}
			s.mu.Unlock()
		}
	}
}

// openSubscribers opens count subscribers, a few at a time, spreading them
// over the tokens (accounts of different clearances).
func openSubscribers(ctx context.Context, count int, wsURL string, tokens []string, sessionID string, n *notes, steps int) ([]*subscriber, error) {
	subs := make([]*subscriber, count)
	var g errgroup.Group
	g.SetLimit(32)
	for i := range count {
		g.Go(func() error {
			s, err := dialSubscriber(ctx, wsURL, tokens[i%len(tokens)], sessionID, n, steps)
			if err != nil {
				return fmt.Errorf("subscriber %d: %w", i, err)
			}
			subs[i] = s
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		for _, s := range subs {
			if s != nil {
				s.ws.Close()
			}
		}
		return nil, err
	}
	return subs, nil
}

func wsURLOf(base string) string { return "ws" + strings.TrimPrefix(base, "http") + "/api/v1/live" }
