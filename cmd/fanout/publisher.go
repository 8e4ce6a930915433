package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// noteText is a note of a realistic length: a sentence or two, ~300 bytes.
var noteText = strings.Repeat("The delegations compared their responses to cyberbullying. ", 5)

// publisher posts notes through the REST API as the session's rapporteur.
type publisher struct {
	srv       *server
	token     string
	sessionID string
	notes     *notes
	workers   int
}

// stepResult is what the publisher saw of one step.
type stepResult struct {
	posted   int
	failed   int
	postLat  []int32 // microseconds, POST sent → 201 received
	duration time.Duration
}

// run posts the notes first..first+count-1 at rate per second, each at its
// scheduled time, through a pool of workers (posts to one session are
// serialised by the Service anyway; the pool only keeps the network busy).
func (p *publisher) run(ctx context.Context, first, count int, rate float64) stepResult {
	jobs := make(chan int)
	var mu sync.Mutex
	res := stepResult{}
	var wg sync.WaitGroup
	for range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				lat, err := p.post(ctx, k)
				mu.Lock()
				if err != nil {
					res.failed++
				} else {
					res.posted++
					res.postLat = append(res.postLat, int32(lat.Microseconds()))
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	for i := range count {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		jobs <- first + i
	}
	close(jobs)
	wg.Wait()
	res.duration = time.Since(start)
	return res
}

func (p *publisher) post(ctx context.Context, k int) (time.Duration, error) {
	body, _ := json.Marshal(conference.NoteInput{ClientID: fmt.Sprintf("f-%d", k), Text: noteText, Marking: conference.MarkingAll})
	req, err := http.NewRequestWithContext(ctx, "POST", p.srv.base+"/api/v1/sessions/"+p.sessionID+"/notes", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	p.notes.sent[k].Store(start.UnixNano())
	resp, err := p.srv.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("post: %s", resp.Status)
	}
	return time.Since(start), nil
}
