package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/httpapi"
)

// briefBenchService is fuBenchService's 10,000 actions spread over nine
// earlier meetings (2014 to 2022), with a tenth meeting, 2023, whose agenda
// lists all 40 topics: the brief for it reads every action.
func briefBenchService(tb testing.TB) (*conference.Service, string) {
	tb.Helper()
	svc, secret := fuBenchService(tb, 10_000)
	snap := &conference.Snapshot{}
	topics := make([]string, fuBenchTopics)
	for i := range topics {
		topics[i] = fmt.Sprintf("t%02d", i)
	}
	codes := []string{"AU", "CA", "GB", "NZ", "US"}
	for y := 2015; y <= 2023; y++ {
		snap.Meetings = append(snap.Meetings, conference.Meeting{ID: fmt.Sprintf("m%d", y), Title: fmt.Sprintf("Meeting %d", y), Host: "GB", City: "London",
			TimeZone: "Europe/London", StartDate: fmt.Sprintf("%d-07-09", y), EndDate: fmt.Sprintf("%d-07-11", y), Status: conference.MeetingClosed,
			Delegations: codes, Topics: topics})
	}
	for _, m := range snap.Meetings {
		svc.Apply(conference.Change{Collection: conference.Meetings, ID: m.ID, Doc: &m})
	}
	// Move the actions onto the nine earlier meetings, London 2014 included.
	acts, err := svc.Actions(context.Background(), conference.SystemActor, conference.ActionFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	for i, a := range acts {
		c := *a
		if y := 2014 + i%9; y > 2014 {
			c.MeetingID = fmt.Sprintf("m%d", y)
		}
		svc.Apply(conference.Change{Collection: conference.Actions, ID: c.ID, Doc: &c})
	}
	return svc, secret
}

// BenchmarkBriefPaired answers the brief for the tenth of ten meetings over
// 10,000 actions (GET /meetings/m2023/brief) in two ways — warm, from the
// brief cache, and cold, the first request after a write to a collection
// the brief reads (a topic put again, untimed), so computed and encoded
// afresh — and the plain action list (GET /actions, the first page, from the
// answer cache), interleaved in rounds of 10 as BenchmarkFollowupPaired
// does, the order turning every round, so that all see the same load; and
// a bare Gin handler writing the brief's bytes, the floor of a warm brief.
// It reports the median milliseconds per request of each over rounds, the
// ratios of each brief to the list, and of the warm brief to the bare
// handler. The goal: a brief under 200 ms.
func BenchmarkBriefPaired(b *testing.B) {
	svc, secret := briefBenchService(b)
	router, err := httpapi.New(svc, benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	get := func(path string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		return req
	}
	brief, list := get("/api/v1/meetings/m2023/brief"), get("/api/v1/actions?limit=100")
	w := httptest.NewRecorder()
	router.ServeHTTP(w, brief)
	// Every action is in the brief of all five, with the topics and meetings
	// that also start {"id":.
	if n := countActions(w.Body.Bytes()); w.Code != http.StatusOK || n < 10_000 {
		b.Fatalf("brief: %d, %d objects with an id, want 200 and 10,000 actions", w.Code, n)
	}
	b.Logf("brief: %d bytes", w.Body.Len())
	topics, err := svc.Topics(context.Background(), conference.SystemActor)
	if err != nil || len(topics) == 0 {
		b.Fatal("no topics", err)
	}
	topic := *topics[0]
	// write changes the working set as a store write would, untimed.
	write := func() {
		svc.Apply(conference.Change{Collection: conference.Topics, ID: topic.ID, Doc: &topic})
	}
	coldRound := func(n int) time.Duration {
		var d time.Duration
		for range n {
			write()
			d += timedRound(b, router, brief, 1)
		}
		return d
	}
	// bare writes the same bytes from a bare Gin handler: what any answer
	// of 7.6 MB costs through the recorder, whatever makes it.
	body := w.Body.Bytes()
	gin.SetMode(gin.ReleaseMode)
	bare := gin.New()
	bare.GET("/api/v1/meetings/m2023/brief", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", body) })
	const per = 10
	var warmMs, coldMs, listMs, bareMs, warmRatios, coldRatios, bareRatios []float64
	for i := 0; b.Loop(); i++ {
		var wt, ct, lt, bt time.Duration
		rounds := []func(){
			func() { wt = timedRound(b, router, brief, per) },
			func() { ct = coldRound(per) },
			func() { lt = timedRound(b, router, list, per) },
			func() { bt = timedRound(b, bare, brief, per) },
		}
		for j := range rounds {
			rounds[(i+j)%len(rounds)]()
		}
		// The last of a round may have been cold: warm the cache again for
		// the next round's warm requests, untimed.
		timedRound(b, router, brief, 1)
		warmMs = append(warmMs, float64(wt.Microseconds())/1000/per)
		coldMs = append(coldMs, float64(ct.Microseconds())/1000/per)
		listMs = append(listMs, float64(lt.Microseconds())/1000/per)
		bareMs = append(bareMs, float64(bt.Microseconds())/1000/per)
		warmRatios = append(warmRatios, float64(wt)/float64(lt))
		coldRatios = append(coldRatios, float64(ct)/float64(lt))
		bareRatios = append(bareRatios, float64(wt)/float64(bt))
	}
	median := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
	b.ReportMetric(median(warmMs), "warm-ms")
	b.ReportMetric(median(coldMs), "cold-ms")
	b.ReportMetric(median(listMs), "list-ms")
	b.ReportMetric(median(warmRatios), "warm-ratio")
	b.ReportMetric(median(coldRatios), "cold-ratio")
	b.ReportMetric(median(bareMs), "bare-ms")
	b.ReportMetric(median(bareRatios), "warm/bare")
}

// BenchmarkBriefCompute is the domain's part of a cold brief: Service.Brief
// for the tenth meeting over 10,000 actions, without encoding it.
func BenchmarkBriefCompute(b *testing.B) {
	svc, secret := briefBenchService(b)
	ctx := context.Background()
	u, err := svc.TokenUser(ctx, secret)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		br, err := svc.Brief(ctx, u, "m2023", conference.BriefFilter{})
		if err != nil || br.Totals.Actions != 10_000 {
			b.Fatalf("brief: %v, %d actions", err, br.Totals.Actions)
		}
	}
}
