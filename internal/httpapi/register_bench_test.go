package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/password"
)

// The register and search benchmarks run through the real router
// (httpapi.New's engine: authentication by bearer token, security headers,
// the handler, the Service) over a working set of 10,000 register entries
// and 50,000 notes. The working set comes from a store that answers Load
// with a generated snapshot, so that the benchmark measures reads, not
// the loading of the embedded store. See docs/benchmarks.md.

const (
	regBenchEntries  = 10000
	regBenchNotes    = 50000
	regBenchMeetings = 10
	regBenchSessions = 25 // per meeting
)

// regBenchStore is a conference.Store whose Load returns a prepared
// snapshot and whose writes are kept nowhere.
type regBenchStore struct{ snap *conference.Snapshot }

func (s *regBenchStore) Load(context.Context) (*conference.Snapshot, error) { return s.snap, nil }
func (s *regBenchStore) Insert(context.Context, conference.Collection, any) error {
	return nil
}
func (s *regBenchStore) Replace(context.Context, conference.Collection, string, any) error {
	return nil
}
func (s *regBenchStore) Delete(context.Context, conference.Collection, string) error { return nil }

// regBenchWords is the vocabulary of the generated text: the domain's words,
// and many rarer made-up ones, drawn with a Zipf-like skew as real text is.
var regBenchWords = func() []string {
	words := strings.Fields(`the of and to in a on for with is that by as be are this from at or
		cybercrime evidence electronic judicial judges prosecutors training court investigation data
		cooperation international mutual legal assistance request cross-border jurisdiction privacy
		information sharing cyberbullying social media contempt expression freedom capability building
		guidance exchange conference tool policy investigators police agency national crime
		delegation attorney general ministry justice department service prosecution crown
		offence offenders victims children online harassment abuse images exploitation networks
		encryption devices seized forensic analysis cloud providers subscriber content preservation
		treaty convention budapest council europe standards practice lessons learned workshop
		course curriculum module participants trainers experts report findings recommendations
		Māori Québec Zürich São Paulo Tromsø Ærøskøbing`)
	r := rand.New(rand.NewPCG(1, 2))
	syll := []string{"ka", "to", "ri", "ne", "mu", "sa", "lo", "ve", "dri", "qua", "ste", "bon", "lex", "tor", "vin"}
	for range 6000 {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		words = append(words, b.String())
	}
	return words
}()

func regBenchText(r *rand.Rand, n int) string {
	z := rand.NewZipf(r, 1.1, 4, uint64(len(regBenchWords)-1))
	parts := make([]string, n)
	for i := range parts {
		parts[i] = regBenchWords[z.Uint64()]
	}
	return strings.Join(parts, " ")
}

// regBenchSnapshot makes the working set: five delegations, twenty topics,
// ten meetings of 25 sessions, 50,000 notes of every marking and 10,000
// register entries.
func regBenchSnapshot() *conference.Snapshot {
	r := rand.New(rand.NewPCG(7, 11))
	snap := &conference.Snapshot{}
	codes := []string{"AU", "CA", "GB", "NZ", "US"}
	for _, c := range codes {
		snap.Delegations = append(snap.Delegations, conference.Delegation{Code: c, Name: "Delegation " + c, Agencies: []string{}})
	}
	var topicIDs []string
	for i := range 20 {
		id := fmt.Sprintf("topic-%02d", i)
		topicIDs = append(topicIDs, id)
		snap.Topics = append(snap.Topics, conference.Topic{ID: id, Slug: id, Title: regBenchText(r, 5), Description: regBenchText(r, 30)})
	}
	var sessions []*conference.Session
	for m := range regBenchMeetings {
		mid := fmt.Sprintf("meeting-%d", 2014+m)
		start := time.Date(2014+m, 7, 9, 0, 0, 0, 0, time.UTC)
		snap.Meetings = append(snap.Meetings, conference.Meeting{
			ID: mid, Title: fmt.Sprintf("Quintet %d", 2014+m), Host: codes[m%5], City: "City", TimeZone: "UTC",
			StartDate: start.Format(conference.DateLayout), EndDate: start.AddDate(0, 0, 2).Format(conference.DateLayout),
			Status: conference.MeetingClosed, Delegations: codes, Topics: topicIDs[:5],
		})
		for s := range regBenchSessions {
			st := start.Add(time.Duration(8+s%8)*time.Hour).AddDate(0, 0, s/8)
			snap.Sessions = append(snap.Sessions, conference.Session{
				ID: fmt.Sprintf("%s-s%02d", mid, s), MeetingID: mid, Title: regBenchText(r, 6), Start: st, End: st.Add(time.Hour),
				Rapporteurs: []string{}, Topics: []string{topicIDs[r.IntN(20)]}, Status: conference.SessionEnded, Version: 1,
			})
		}
	}
	for i := range snap.Sessions {
		sessions = append(sessions, &snap.Sessions[i])
	}
	seqs := map[string]int64{}
	for i := range regBenchNotes {
		se := sessions[i%len(sessions)]
		seqs[se.ID]++
		snap.Notes = append(snap.Notes, conference.Note{
			ID: fmt.Sprintf("note-%06d", i), SessionID: se.ID, MeetingID: se.MeetingID, Seq: seqs[se.ID],
			ClientID: fmt.Sprintf("c-%06d", i), Author: "rapporteur", Text: regBenchText(r, 10+r.IntN(40)),
			Marking: conference.Markings[r.IntN(3)], CreatedAt: se.Start.Add(time.Duration(seqs[se.ID]) * time.Second),
		})
	}
	for i := range regBenchEntries {
		lead := codes[r.IntN(5)]
		var partners []string
		for _, c := range codes {
			if c != lead && r.IntN(5) == 0 {
				partners = append(partners, c)
			}
		}
		var aud []conference.Audience
		for _, a := range conference.Audiences {
			if r.IntN(3) == 0 {
				aud = append(aud, a)
			}
		}
		if len(aud) == 0 {
			aud = []conference.Audience{conference.Audiences[r.IntN(5)]}
		}
		start := time.Date(2010+r.IntN(15), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		e := conference.RegisterEntry{
			ID: fmt.Sprintf("entry-%05d", i), Title: regBenchText(r, 4+r.IntN(6)), Summary: regBenchText(r, 20+r.IntN(40)),
			LeadDelegation: lead, LeadAgency: "Agency of " + lead, PartnerDelegations: append([]string{}, partners...),
			Audiences: aud, Format: conference.Formats[r.IntN(6)], Status: conference.EntryStatuses[r.IntN(3)],
			StartDate: start.Format(conference.DateLayout), Topics: []string{topicIDs[r.IntN(20)]},
			References: []conference.Reference{{URL: "https://example.org/entry/" + fmt.Sprint(i)}},
			Version:    1, CreatedBy: "system", CreatedAt: start, UpdatedBy: "system", UpdatedAt: start,
		}
		if r.IntN(2) == 0 {
			e.EndDate = start.AddDate(0, r.IntN(18), 0).Format(conference.DateLayout)
		}
		snap.Register = append(snap.Register, e)
	}
	return snap
}

// regBenchServer loads the working set and returns the real router and a
// bearer token of a delegate (clearance "delegations").
func regBenchServer(b *testing.B) (http.Handler, string, *conference.Service) {
	b.Helper()
	ctx := context.Background()
	svc := conference.NewService(&regBenchStore{snap: regBenchSnapshot()}, password.New())
	start := time.Now()
	if err := svc.Load(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d entries and %d notes in %v", regBenchEntries, regBenchNotes, time.Since(start))
	_, token := httpapi.NewTestUser(b, svc, conference.UserInput{
		Email: "delegate.nz@example.org", Name: "Delegate", Roles: []conference.Role{conference.RoleDelegate},
		Delegation: "NZ", Password: "a long enough password",
	}, "bench")
	router, err := httpapi.New(svc, benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	return router, token, svc
}

// regBenchList is the register list with three filters as a delegate asks
// for it: the router, the request and the router's answer, the Service, and
// two bare handlers, one that encodes the same entries and one that writes
// the same bytes.
func regBenchList(b *testing.B) (router http.Handler, req *http.Request, body []byte, svc *conference.Service, encode, bytesOnly http.Handler) {
	b.Helper()
	router, token, svc := regBenchServer(b)
	const path = "/api/v1/register?delegation=NZ&audience=judiciary&status=ongoing"
	req = httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	first := httptest.NewRecorder()
	router.ServeHTTP(first, req)
	if first.Code != http.StatusOK {
		b.Fatalf("list: %d %s", first.Code, first.Body)
	}
	body = first.Body.Bytes()
	page, err := svc.Register(context.Background(), conference.SystemActor, conference.RegisterFilter{
		Delegations: []string{"NZ"}, Audiences: []conference.Audience{conference.AudienceJudiciary},
		Statuses: []conference.EntryStatus{conference.EntryOngoing},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("three filters select %d of %d entries, %d bytes of JSON", len(page.Entries), regBenchEntries, len(body))

	// The router answers one page of the list; the bare handler encodes the
	// same page, so that both write the same bytes.
	var shape struct {
		Items      []json.RawMessage `json:"items"`
		NextCursor string            `json:"next_cursor,omitempty"`
	}
	if err := json.Unmarshal(body, &shape); err != nil || len(shape.Items) > len(page.Entries) {
		b.Fatalf("list answer: %v, %d items of %d", err, len(shape.Items), len(page.Entries))
	}
	same := struct {
		Items      any    `json:"items"`
		NextCursor string `json:"next_cursor,omitempty"`
	}{page.Entries[:len(shape.Items)], shape.NextCursor}

	gin.SetMode(gin.ReleaseMode)
	enc := gin.New()
	enc.GET("/api/v1/register", func(c *gin.Context) { c.JSON(http.StatusOK, same) })
	raw := gin.New()
	raw.GET("/api/v1/register", func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	})
	return router, req, body, svc, enc, raw
}

// regBenchQueries is the fixed set of search queries: common and rare words,
// prefixes as typed, several words, diacritics folded, operators as text.
var regBenchQueries = []string{
	"evidence", "electronic evidence", "judicial training", "cross-border cooperation", "mutual legal assistance",
	"prosecutors", "cyberbull", "privacy information sharing", "maori", "QUEBEC", "zurich court",
	"the", "of the", "co", "in", "budapest convention", "\"seized devices\"", "forensic analysis cloud",
	"kari", "tovin", "stebon lex", "quadri", "recommendations report findings", "social media contempt",
}

func BenchmarkSearch(b *testing.B) {
	router, token, _ := regBenchServer(b)
	reqs := make([]*http.Request, len(regBenchQueries))
	for i, q := range regBenchQueries {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/api/v1/search?q="+url.QueryEscape(q), nil)
		reqs[i].Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		router.ServeHTTP(w, reqs[i])
		if w.Code != http.StatusOK {
			b.Fatalf("search %q: %d %s", q, w.Code, w.Body)
		}
	}
	// Wall-clock latency per query, and the CPU time the request took on
	// this thread (the goroutine is locked to it, and ServeHTTP runs on it):
	// on a shared machine the first includes waiting for a CPU.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var lat, cpu []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		for _, req := range reqs {
			c0, cpuOK := regThreadCPU()
			t0 := time.Now()
			w := httptest.NewRecorder()
			router.ServeHTTP(w, req)
			lat = append(lat, time.Since(t0))
			if c1, ok := regThreadCPU(); ok && cpuOK {
				cpu = append(cpu, c1-c0)
			}
			if w.Code != http.StatusOK {
				b.Fatalf("status %d", w.Code)
			}
		}
	}
	pct := func(xs []time.Duration, p float64) float64 {
		slices.Sort(xs)
		return float64(xs[int(p*float64(len(xs)-1))].Nanoseconds()) / 1e6
	}
	b.ReportMetric(pct(lat, 0.50), "p50-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
	b.ReportMetric(pct(lat, 1), "max-ms")
	if len(cpu) == len(lat) {
		b.ReportMetric(pct(cpu, 0.50), "cpu-p50-ms")
		b.ReportMetric(pct(cpu, 0.99), "cpu-p99-ms")
	}
	b.ReportMetric(float64(len(regBenchQueries)), "queries/op")
}

// BenchmarkRegisterList compares the register list with three filters
// through the real router with a bare Gin handler that encodes the same
// entries, and with one that writes the same bytes. Goal: router ≥ 0.8× the
// bare handler's throughput.
func BenchmarkRegisterList(b *testing.B) {
	router, req, body, svc, encode, bytesOnly := regBenchList(b)
	check := httptest.NewRecorder()
	encode.ServeHTTP(check, req)
	if check.Body.String() != string(body) {
		b.Fatalf("the bare handler's JSON differs from the router's")
	}

	b.Run("router", func(b *testing.B) { serveLoop(b, router, req, len(body)) })
	b.Run("bare-encode", func(b *testing.B) { serveLoop(b, encode, req, len(body)) })
	b.Run("bare-bytes", func(b *testing.B) { serveLoop(b, bytesOnly, req, len(body)) })

	// The first request after any change of the working set finds no stored
	// list: re-applying a delegation as it is changes the generation and
	// nothing else.
	nz, err := svc.Delegation(context.Background(), conference.SystemActor, "NZ")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("router-after-change", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			b.StopTimer()
			svc.Apply(conference.Change{Collection: conference.Delegations, ID: "NZ", Doc: nz})
			b.StartTimer()
			w := httptest.NewRecorder()
			router.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
}

// BenchmarkRegisterListPaired alternates rounds of router and bare requests
// (order swapped every round) and reports the median ratio of bare time to
// router time: on a shared machine, separate sub-benchmarks drift more than
// the difference measured. Two bare handlers: one that encodes the same
// entries (what a handler without this feature's caching does) and one that
// writes the router's bytes as they are.
func BenchmarkRegisterListPaired(b *testing.B) {
	router, req, _, _, encode, bytesOnly := regBenchList(b)
	const perRound = 20
	round := func(h http.Handler) time.Duration { return timedRound(b, h, req, perRound) }
	var vsEncode, vsBytes []float64
	var routerTimes []time.Duration
	i := 0
	for b.Loop() {
		var r, e, y time.Duration
		if i%2 == 0 {
			r, e, y = round(router), round(encode), round(bytesOnly)
		} else {
			y, e, r = round(bytesOnly), round(encode), round(router)
		}
		i++
		vsEncode = append(vsEncode, float64(e)/float64(r))
		vsBytes = append(vsBytes, float64(y)/float64(r))
		routerTimes = append(routerTimes, r/perRound)
	}
	median := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
	slices.Sort(routerTimes)
	b.ReportMetric(median(vsEncode), "ratio-vs-encode")
	b.ReportMetric(median(vsBytes), "ratio-vs-bytes")
	b.ReportMetric(float64(routerTimes[len(routerTimes)/2].Microseconds()), "router-µs/req")
}

func (s *regBenchStore) Get(context.Context, conference.Collection, string, any) (bool, error) {
	return false, nil
}

func (s *regBenchStore) NotesAfter(context.Context, string, int64) ([]conference.Note, error) {
	return nil, nil
}
