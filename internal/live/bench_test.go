package live

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
)

// BenchmarkFanOut posts notes to a session followed by 500 WebSocket clients
// on loopback, in this process, and waits until every client has each note:
// the cost of one note's fan-out (server and clients together), per note.
// The end-to-end figures, with the real binary and store, come from
// cmd/fanout.
func BenchmarkFanOut(b *testing.B) {
	const subscribers = 500
	// 500 connections over four accounts: far more than one person's tabs.
	f := newFixture(b, Options{MaxConnsPerUser: subscribers})
	var received, target atomic.Int64
	ready := make(chan struct{}, 1)
	var wg sync.WaitGroup
	conns := make([]*websocket.Conn, subscribers)
	for i := range conns {
		c := f.dialB(b, []string{"obs", "del", "head", "admin"}[i%4])
		conns[i] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, data, err := c.ReadMessage()
				if err != nil {
					return
				}
				if received.Add(int64(bytes.Count(data, []byte(`{"type":"note"`)))) >= target.Load() {
					select {
					case ready <- struct{}{}:
					default:
					}
				}
			}
		}()
	}
	text := "The delegations compared their responses to cyberbullying, and agreed to share guidance."
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		target.Store(int64(i+1) * subscribers)
		if _, _, err := f.svc.PostNote(context.Background(), f.users["rap"], liveID,
			conference.NoteInput{ClientID: fmt.Sprint("b-", i), Text: text, Marking: conference.MarkingAll}); err != nil {
			b.Fatal(err)
		}
		for received.Load() < target.Load() {
			<-ready
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*subscribers)/b.Elapsed().Seconds(), "deliveries/s")
	for _, c := range conns {
		c.Close()
	}
	wg.Wait()
}

// dialB connects as user and subscribes to the live session.
func (f *fixture) dialB(b *testing.B, user string) *websocket.Conn {
	b.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(f.url, map[string][]string{"X-Secret": {"secret-" + user}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if err := ws.WriteJSON(map[string]any{"type": "subscribe", "channel": sessionChannel(liveID)}); err != nil {
		b.Fatal(err)
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			b.Fatal(err)
		}
		if bytes.Contains(data, []byte(`"caught_up"`)) {
			return ws
		}
	}
}
