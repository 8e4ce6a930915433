package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/httpapi"
)

// BenchmarkAgenda compares GET of a 300-session agenda through the real
// router (authentication, security headers, the Service, the cached
// encoding) with a bare Gin handler that writes the same bytes. The goal is
// router throughput ≥ 0.8× the bare handler's: see docs/benchmarks.md.
func BenchmarkAgenda(b *testing.B) {
	svc, _ := httpapi.OpenTestService(b, nil)
	seedBenchMeeting(b, svc, 300)
	secret := benchToken(b, svc)

	router, err := httpapi.New(svc, benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/meetings/bench/sessions", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	first := httptest.NewRecorder()
	router.ServeHTTP(first, req)
	if first.Code != http.StatusOK {
		b.Fatalf("agenda: %d %s", first.Code, first.Body)
	}
	body := first.Body.Bytes()

	gin.SetMode(gin.ReleaseMode)
	bare := gin.New()
	bare.GET("/api/v1/meetings/:id/sessions", func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	})

	b.Run("router", func(b *testing.B) { serveLoop(b, router, req, len(body)) })
	b.Run("bare", func(b *testing.B) { serveLoop(b, bare, req, len(body)) })
	// Paired: rounds of router and bare requests alternate, so that both see
	// the same load on a shared machine; the figure is the median ratio.
	b.Run("paired", func(b *testing.B) { pairedRatio(b, router, bare, req) })
}

// pairedRatio reports the median over rounds of (bare time / router time):
// the router's throughput as a fraction of the bare handler's.
func pairedRatio(b *testing.B, router, bare http.Handler, req *http.Request) {
	const per = 50
	round := func(h http.Handler) time.Duration { return timedRound(b, h, req, per) }
	var ratios []float64
	var rt, bt time.Duration
	for i := 0; b.Loop(); i++ {
		var r, bb time.Duration
		if i%2 == 0 {
			r, bb = round(router), round(bare)
		} else {
			bb, r = round(bare), round(router)
		}
		rt, bt = rt+r, bt+bb
		ratios = append(ratios, float64(bb)/float64(r))
	}
	slices.Sort(ratios)
	n := float64(len(ratios) * per)
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
	b.ReportMetric(float64(rt.Nanoseconds())/n, "router-ns/req")
	b.ReportMetric(float64(bt.Nanoseconds())/n, "bare-ns/req")
}

// timedRound is how long h takes to answer req n times over, each 200.
func timedRound(b *testing.B, h http.Handler, req *http.Request, n int) time.Duration {
	start := time.Now()
	for range n {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	return time.Since(start)
}

func serveLoop(b *testing.B, h http.Handler, req *http.Request, size int) {
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// seedBenchMeeting makes a five-day meeting with n sessions, as a large
// meeting's agenda would be.
func seedBenchMeeting(b *testing.B, svc *conference.Service, n int) {
	b.Helper()
	ctx := context.Background()
	sys := conference.SystemActor
	topic := httpapi.SeedTestMeeting(b, svc, "bench", "Benchmark meeting", conference.Topic{Slug: "bench", Title: "Benchmarks", Description: "A topic."})
	day := time.Date(2014, 7, 7, 7, 0, 0, 0, time.UTC)
	for i := range n {
		start := day.AddDate(0, 0, i%5).Add(time.Duration(i/5) * 10 * time.Minute)
		if _, err := svc.CreateSession(ctx, sys, "bench", conference.SessionInput{
			Title: fmt.Sprintf("Session %03d on international cooperation", i), Start: start, End: start.Add(10 * time.Minute),
			Room: "Room " + fmt.Sprint(i%4), Topics: []string{topic.ID},
		}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchToken(b *testing.B, svc *conference.Service) string {
	b.Helper()
	_, secret := httpapi.NewTestUser(b, svc, conference.UserInput{
		Email: "delegate@example.org", Name: "Delegate", Roles: []conference.Role{conference.RoleDelegate},
		Delegation: "GB", Password: "a long enough password",
	}, "bench")
	return secret
}

// benchConfig is the router's configuration in the benchmarks: warnings and
// errors still go to stderr, but the access log (one line a request, at
// info) is off, so that the router is measured against the bare handler
// rather than against the terminal. BenchmarkFollowupPaired/list-logged
// measures the log.
func benchConfig() httpapi.Config {
	return httpapi.Config{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
}
