package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/httpapi"
)

// fuBenchStore hands the Service a prepared snapshot: the benchmarks measure
// reads, which never touch the store, so 10,000 actions are loaded as a
// restart would load them rather than written one by one.
type fuBenchStore struct{ snap *conference.Snapshot }

func (s fuBenchStore) Load(context.Context) (*conference.Snapshot, error) { return s.snap, nil }
func (fuBenchStore) Insert(context.Context, conference.Collection, any) error {
	return nil
}
func (fuBenchStore) Replace(context.Context, conference.Collection, string, any) error {
	return nil
}
func (fuBenchStore) Delete(context.Context, conference.Collection, string) error { return nil }

const fuBenchTopics = 40

// fuBenchService returns a Service holding n actions over five delegations
// and 40 topics, with one report each, and the bearer secret of a
// follow-up member of Canada. Action i is owned by delegation i%5 and
// concerns topic (i/5)%40, so that one owner and one topic select n/200.
func fuBenchService(tb testing.TB, n int) (*conference.Service, string) {
	tb.Helper()
	snap := &conference.Snapshot{}
	codes := []string{"AU", "CA", "GB", "NZ", "US"}
	for _, c := range codes {
		snap.Delegations = append(snap.Delegations, conference.Delegation{Code: c, Name: "Delegation " + c, Agencies: []string{}})
	}
	for i := range fuBenchTopics {
		snap.Topics = append(snap.Topics, conference.Topic{ID: fmt.Sprintf("t%02d", i), Slug: fmt.Sprintf("topic-%02d", i), Title: fmt.Sprintf("Topic %02d", i)})
	}
	snap.Meetings = append(snap.Meetings, conference.Meeting{ID: "london-2014", Title: "London 2014", Host: "GB", City: "London",
		TimeZone: "Europe/London", StartDate: "2014-07-09", EndDate: "2014-07-11", Status: conference.MeetingClosed,
		Delegations: codes, Topics: []string{}})
	u := conference.User{ID: "fu-ca", Email: "fu.ca@example.org", Name: "Follow-up CA", Roles: []conference.Role{conference.RoleFollowup}, Delegation: "CA"}
	snap.Users = append(snap.Users, u)
	secret := conference.NewSecret()
	snap.Tokens = append(snap.Tokens, conference.Token{ID: conference.HashSecret(secret), UserID: u.ID, Name: "bench"})
	base := time.Date(2014, 7, 11, 12, 0, 0, 0, time.UTC)
	statuses := []conference.ActionStatus{conference.ActionOpen, conference.ActionInProgress, conference.ActionBlocked, conference.ActionDone}
	for i := range n {
		st := statuses[(i/200)%len(statuses)]
		a := conference.Action{
			ID: fmt.Sprintf("a%05d", i), MeetingID: "london-2014", Title: fmt.Sprintf("Action %d: train prosecutors and judges", i),
			Description: "Develop and deliver training on cybercrime evidence for prosecutors and the judiciary.",
			Owner:       codes[i%5], Agency: "Prosecution Service", Contact: "Jane Roe",
			Due:    base.AddDate(0, 0, i%700).Format(conference.DateLayout),
			Status: st, Progress: map[bool]int{true: 100, false: (i * 7) % 100}[st == conference.ActionDone],
			Topics: []string{fmt.Sprintf("t%02d", (i/5)%fuBenchTopics)}, Marking: conference.MarkingAll,
			Reports:   []conference.ProgressReport{{At: base.AddDate(0, 1, 0), Author: u.ID, AuthorName: u.Name, Text: "Curriculum drafted.", Status: st, Progress: 10}},
			CreatedBy: u.ID, CreatedAt: base, UpdatedBy: u.ID, UpdatedName: u.Name, UpdatedAt: base.AddDate(0, 1, 0), Version: 2,
		}
		if st == conference.ActionBlocked {
			a.Reason = "Awaiting legislation"
		}
		snap.Actions = append(snap.Actions, a)
	}
	svc := conference.NewService(fuBenchStore{snap}, nil)
	svc.Now = func() time.Time { return time.Date(2015, 1, 10, 9, 0, 0, 0, time.UTC) }
	if err := svc.Load(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return svc, secret
}

// BenchmarkFollowup compares, in one run, the filtered action list (50 of
// 10,000) and the delegation board through the real router (authentication
// by bearer token, security headers, query parsing, the Service, the
// encoding cached per generation) with a bare Gin handler that writes the
// same bytes. The goal is the router's throughput ≥ 0.8× the bare handler's;
// docs/benchmarks.md ("Outcomes and actions") has the method and figures.
func BenchmarkFollowup(b *testing.B) {
	svc, secret := fuBenchService(b, 10_000)
	router, err := httpapi.New(svc, benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name, path string
		want       int // actions in the answer, for the list
	}{
		{"list", "/api/v1/actions?owner=CA&topic=topic-07", 50},
		{"board", "/api/v1/actions/board", 0},
	} {
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		first := httptest.NewRecorder()
		router.ServeHTTP(first, req)
		if first.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", tt.path, first.Code, first.Body)
		}
		body := first.Body.Bytes()
		if tt.want > 0 {
			if got := countActions(body); got != tt.want {
				b.Fatalf("%s: %d actions, want %d", tt.path, got, tt.want)
			}
		}
		gin.SetMode(gin.ReleaseMode)
		bare := gin.New()
		bare.GET("/api/v1/actions", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", body) })
		bare.GET("/api/v1/actions/board", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", body) })
		b.Run(tt.name+"/router", func(b *testing.B) { fuServeLoop(b, router, req, body) })
		b.Run(tt.name+"/bare", func(b *testing.B) { fuServeLoop(b, bare, req, body) })
	}
}

// BenchmarkFollowupPaired measures the same pairs as BenchmarkFollowup, but
// interleaved: rounds of 100 requests through the router and 100 through the
// bare handler, in alternating order, so that both see the same load of a
// shared machine. It reports the median over rounds of the ratio of
// throughputs (bare time / router time; ≥ 0.8 is the goal).
func BenchmarkFollowupPaired(b *testing.B) {
	svc, secret := fuBenchService(b, 10_000)
	router, err := httpapi.New(svc, benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	// list-logged is the list with the access log on, as JSON to io.Discard:
	// the cost of one structured line a request, apart from where it goes.
	logged, err := httpapi.New(svc, httpapi.Config{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name, path string
		router     http.Handler
	}{
		{"list", "/api/v1/actions?owner=CA&topic=topic-07", router},
		{"board", "/api/v1/actions/board", router},
		{"list-logged", "/api/v1/actions?owner=CA&topic=topic-07", logged},
		// The board's filters and sort as the web app sends them (issue 11),
		// and the digest a follow-up team reads in "What needs you".
		{"list-sorted", "/api/v1/actions?owner=CA&topic=topic-07&due_soon=false&sort=-reported", router},
		{"digest", "/api/v1/me/digest", router},
	} {
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		first := httptest.NewRecorder()
		tt.router.ServeHTTP(first, req)
		if first.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", tt.path, first.Code, first.Body)
		}
		body := first.Body.Bytes()
		bare := gin.New()
		bare.GET("/api/v1/actions", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", body) })
		bare.GET("/api/v1/actions/board", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", body) })
		bare.GET("/api/v1/me/digest", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", body) })
		b.Run(tt.name, func(b *testing.B) { pairedRatio(b, tt.router, bare, req) })
	}
}

// BenchmarkFollowupUncached is the list and the board computed afresh, as
// after every change of the working set: the cost of one cache miss.
func BenchmarkFollowupUncached(b *testing.B) {
	svc, _ := fuBenchService(b, 10_000)
	u := &conference.User{ID: "fu-ca", Name: "Follow-up CA", Roles: []conference.Role{conference.RoleFollowup}, Delegation: "CA"}
	ctx := context.Background()
	b.Run("list", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Actions(ctx, u, conference.ActionFilter{Owners: []string{"CA"}, Topic: "topic-07"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("board", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.ActionBoard(ctx, u, conference.ActionFilter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The digest is what the reminder pass computes for every recipient.
	b.Run("digest", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Digest(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func fuServeLoop(b *testing.B, h http.Handler, req *http.Request, want []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(want)))
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || w.Body.Len() != len(want) {
			b.Fatalf("status %d, %d bytes, want 200 and %d", w.Code, w.Body.Len(), len(want))
		}
	}
}

func countActions(body []byte) int {
	n := 0
	for i := 0; i+6 <= len(body); i++ {
		if string(body[i:i+6]) == `{"id":` {
			n++
		}
	}
	return n
}

func (fuBenchStore) Get(context.Context, conference.Collection, string, any) (bool, error) {
	return false, nil
}

func (fuBenchStore) NotesAfter(context.Context, string, int64) ([]conference.Note, error) {
	return nil, nil
}
