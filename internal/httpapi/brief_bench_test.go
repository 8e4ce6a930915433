package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

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
// 10,000 actions (GET /meetings/m2023/brief, computed afresh on each
// request: it is not cached) and the plain action list (GET /actions, the
// whole list, from the answer cache), interleaved in rounds of 10 as
// BenchmarkFollowupPaired does, so that both see the same load. It reports
// the median milliseconds per brief and per list over rounds, and their
// ratio (brief / list). The goal: a brief under 200 ms.
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
	const per = 10
	var briefMs, listMs, ratios []float64
	for i := 0; b.Loop(); i++ {
		var bt, lt time.Duration
		if i%2 == 0 {
			bt, lt = timedRound(b, router, brief, per), timedRound(b, router, list, per)
		} else {
			lt, bt = timedRound(b, router, list, per), timedRound(b, router, brief, per)
		}
		briefMs = append(briefMs, float64(bt.Microseconds())/1000/per)
		listMs = append(listMs, float64(lt.Microseconds())/1000/per)
		ratios = append(ratios, float64(bt)/float64(lt))
	}
	median := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
	b.ReportMetric(median(briefMs), "brief-ms")
	b.ReportMetric(median(listMs), "list-ms")
	b.ReportMetric(median(ratios), "ratio")
}
