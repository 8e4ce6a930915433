package mongostore_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// fixture returns n documents shaped like a decade of meetings: a few
// hundred sessions, users and logins, and notes for the rest.
func fixture(n int) *conference.Snapshot {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the ministers agreed to extend the register of capacity building activity " +
		"for prosecutors and the judiciary on cybercrime evidence online child exploitation and cyberbullying " +
		"with a report to the next meeting by the follow-up team of each delegation")
	text := func() string {
		k := 20 + r.IntN(60) // 120 to 500 characters or so
		ws := make([]string, k)
		for i := range ws {
			ws[i] = words[r.IntN(len(words))]
		}
		return strings.Join(ws, " ")
	}
	day := time.Date(2014, 7, 9, 8, 0, 0, 0, time.UTC)
	s := &conference.Snapshot{}
	for _, c := range []string{"AU", "CA", "GB", "NZ", "US"} {
		s.Delegations = append(s.Delegations, conference.Delegation{Code: c, Name: "Delegation " + c, Agencies: []string{"Attorney-General", "Police"}})
	}
	for i := range 50 {
		s.Topics = append(s.Topics, conference.Topic{ID: fmt.Sprintf("t%03d", i), Slug: fmt.Sprintf("topic-%d", i), Title: fmt.Sprintf("Topic %d", i), Description: text()})
	}
	for i := range 10 {
		s.Meetings = append(s.Meetings, conference.Meeting{ID: fmt.Sprintf("m%d", 2014+i), Title: fmt.Sprintf("Quintet %d", 2014+i), Host: "GB",
			City: "London", Venue: "Lancaster House", TimeZone: "Europe/London", StartDate: "2014-07-09", EndDate: "2014-07-11",
			Status: conference.MeetingClosed, Delegations: []string{"AU", "CA", "GB", "NZ", "US"}, Topics: []string{"t001", "t002"}})
	}
	for i := range 300 {
		s.Users = append(s.Users, conference.User{ID: fmt.Sprintf("u%04d", i), Email: fmt.Sprintf("user%d@example.org", i), Name: fmt.Sprintf("User %d", i),
			Roles: []conference.Role{conference.RoleDelegate, conference.RoleRapporteur}, Delegation: "GB",
			PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
			CreatedAt:    day, UpdatedAt: day})
	}
	for i := range 1000 {
		s.Logins = append(s.Logins, conference.Login{ID: fmt.Sprintf("%064x", i), UserID: fmt.Sprintf("u%04d", i%300),
			CreatedAt: day, LastSeen: day.Add(time.Hour), ExpiresAt: day.Add(conference.MaxLoginAge)})
	}
	for i := range 200 {
		s.Tokens = append(s.Tokens, conference.Token{ID: fmt.Sprintf("%064x", 1<<40+i), UserID: fmt.Sprintf("u%04d", i%300), Name: "script", CreatedAt: day})
	}
	const sessions = 400
	for i := range sessions {
		start := day.Add(time.Duration(i%12) * time.Hour)
		s.Sessions = append(s.Sessions, conference.Session{ID: fmt.Sprintf("s%04d", i), MeetingID: fmt.Sprintf("m%d", 2014+i%10), Title: fmt.Sprintf("Session %d", i),
			Start: start, End: start.Add(time.Hour), Room: "Room 1", Rapporteurs: []string{"u0001"}, Topics: []string{"t001"},
			Status: conference.SessionEnded, Version: 1})
	}
	rest := n - len(s.Delegations) - len(s.Topics) - len(s.Meetings) - len(s.Users) - len(s.Logins) - len(s.Tokens) - len(s.Sessions)
	for i := range rest {
		se := i % sessions
		s.Notes = append(s.Notes, conference.Note{ID: fmt.Sprintf("n%06d", i), SessionID: fmt.Sprintf("s%04d", se), MeetingID: fmt.Sprintf("m%d", 2014+se%10),
			Seq: int64(i/sessions + 1), ClientID: fmt.Sprintf("c%06d", i), Author: "u0001", Text: text(),
			Marking: conference.Markings[i%3], CreatedAt: day.Add(time.Duration(i) * time.Second)})
	}
	return s
}

func count(s *conference.Snapshot) int {
	return len(s.Delegations) + len(s.Topics) + len(s.Meetings) + len(s.Sessions) + len(s.Users) + len(s.Logins) + len(s.Tokens) + len(s.Notes) +
		len(s.Outcomes) + len(s.Actions) + len(s.Register) + len(s.Links)
}

// bulkInsert stores s with InsertMany, much faster than one Insert each,
// so that the 50,000-document fixture is ready in seconds.
func bulkInsert(tb testing.TB, uri string, s *conference.Snapshot) {
	tb.Helper()
	db := client(tb, uri).Database(storetest.Database)
	ctx := context.Background()
	put := func(c conference.Collection, docs []any) {
		for len(docs) > 0 {
			k := min(len(docs), 1000)
			if _, err := db.Collection(string(c)).InsertMany(ctx, docs[:k]); err != nil {
				tb.Fatalf("InsertMany into %s: %v", c, err)
			}
			docs = docs[k:]
		}
	}
	put(conference.Delegations, anys(s.Delegations))
	put(conference.Topics, anys(s.Topics))
	put(conference.Meetings, anys(s.Meetings))
	put(conference.Sessions, anys(s.Sessions))
	put(conference.Users, anys(s.Users))
	put(conference.Logins, anys(s.Logins))
	put(conference.Tokens, anys(s.Tokens))
	put(conference.Notes, anys(s.Notes))
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

func TestLoad50k(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a store with 50,000 documents")
	}
	n := 50_000
	if raceEnabled {
		// Under the race detector 50,000 documents take a minute and a half
		// to store and load, and the figure means nothing.
		n = 5_000
	}
	st, uri := storetest.Open(t)
	want := fixture(n)
	start := time.Now()
	bulkInsert(t, uri, want)
	t.Logf("stored %d documents in %v", count(want), time.Since(start).Round(time.Millisecond))

	start = time.Now()
	got, err := st.Load(context.Background())
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	// Not asserted: the figure depends on the machine and on what else runs
	// on it. BenchmarkLoad50k gives the figure to quote.
	note := ""
	if raceEnabled {
		note = " (race detector on: about ten times slower than a real start)"
	}
	t.Logf("loaded %d documents in %v%s", count(got), elapsed.Round(time.Millisecond), note)

	sortSnapshot(got)
	sortSnapshot(want)
	if !bytes.Equal(asStored(t, got), asStored(t, want)) {
		t.Fatalf("the loaded snapshot differs from the stored one (%d documents loaded)", count(got))
	}

	// A clash among many notes is told without reading them all.
	again := want.Notes[len(want.Notes)/2]
	again.ID = "n-new"
	start = time.Now()
	err = st.Insert(context.Background(), conference.Notes, &again)
	if conference.ErrorCode(err) != conference.EDUPLICATE {
		t.Fatalf("Insert of a note with a taken client_id and number: %v, want EDUPLICATE", err)
	}
	t.Logf("a clashing note was refused in %v", time.Since(start).Round(time.Millisecond))
}

// BenchmarkLoad50k measures start-up: the time to load 50,000 documents,
// most of them notes, from the embedded store.
func BenchmarkLoad50k(b *testing.B) {
	st, uri := storetest.Open(b)
	s := fixture(50_000)
	bulkInsert(b, uri, s)
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		snap, err := st.Load(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if count(snap) != 50_000 {
			b.Fatalf("loaded %d documents, want 50000", count(snap))
		}
	}
	// CPU time as well as wall time: on a shared machine the wall time
	// says more about the neighbours than about Load.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(50_000/(b.Elapsed().Seconds()/float64(b.N)), "docs/s")
}

// cpuTime is the CPU time this process (driver and embedded store) used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkInsertNote measures the latency of one acknowledged note write:
// what a rapporteur waits for before a note is shown as saved.
func BenchmarkInsertNote(b *testing.B) {
	st, _ := storetest.Open(b)
	ctx := context.Background()
	text := strings.Repeat("The ministers agreed to extend the register. ", 6)
	var seq int64
	for b.Loop() {
		seq++
		n := conference.Note{ID: fmt.Sprintf("n%09d", seq), SessionID: "s1", MeetingID: "m1", Seq: seq,
			ClientID: fmt.Sprintf("c%09d", seq), Author: "u1", Text: text, Marking: conference.MarkingAll,
			CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
		if err := st.Insert(ctx, conference.Notes, &n); err != nil {
			b.Fatal(err)
		}
	}
}
