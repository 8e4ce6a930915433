package conference_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Māori", "maori"},
		{"ÉVIDENCE", "evidence"},
		{"Straße", "strasse"},
		{"Œuvre Ærø", "oeuvre aero"},
		{"Łódź", "lodz"},
		{"e\u0301vidence", "evidence"}, // decomposed é
		{"Ünïcödé 2014", "unicode 2014"},
		{"ΚΑΛΗ", "καλη"},
	} {
		if got := conference.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}

// searchTitles runs q as actor and returns the hits' kinds and plain titles.
func searchTitles(tb testing.TB, svc *conference.Service, actor *conference.User, q conference.SearchQuery) []string {
	tb.Helper()
	res, err := svc.Search(ctx, actor, q)
	assertNoError(tb, err)
	var out []string
	for _, h := range res.Hits {
		out = append(out, string(h.Kind)+":"+plain(h.Title))
	}
	return out
}

func plain(fs []conference.Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Text)
	}
	return b.String()
}

func marked(fs []conference.Fragment) []string {
	var out []string
	for _, f := range fs {
		if f.Match {
			out = append(out, f.Text)
		}
	}
	return out
}

func TestService_Search(t *testing.T) {
	l := newLondon(t)
	mk := func(title, summary string) *conference.RegisterEntry {
		t.Helper()
		e, err := l.svc.CreateRegisterEntry(ctx, l.admin, conference.RegisterEntryInput{
			Title: title, Summary: summary, LeadDelegation: "NZ", Audiences: []conference.Audience{conference.AudienceJudiciary},
			Format: conference.FormatTraining, Status: conference.EntryPlanned, StartDate: "2015-01-01",
		})
		assertNoError(t, err)
		return e
	}
	judges := mk("Judicial training on electronic evidence", "A course for Māori Land Court judges on the admissibility of digital records.")
	mk("Prosecutor exchange", "Prosecutors of the five jurisdictions compare notes on evidence gathered abroad.")
	mk("Guidance", "Judges' bench book chapter on electronic evidence and expert witnesses.")

	for _, tt := range []struct {
		name string
		q    string
		want []string
	}{
		{"a word of a summary", "admissibility", []string{"register:Judicial training on electronic evidence"}},
		{"diacritics and case folded", "MAORI", []string{"register:Judicial training on electronic evidence"}},
		{"diacritics in the query too", "māori", []string{"register:Judicial training on electronic evidence"}},
		{"prefix", "admiss", []string{"register:Judicial training on electronic evidence"}},
		{"every word must match", "electronic prosecutors", nil},
		{"a title word ranks above a body word", "electronic", []string{
			"register:Judicial training on electronic evidence", "register:Guidance"}},
		{"operators are plain text", `"electronic" +evidence* (judicial)`, []string{"register:Judicial training on electronic evidence"}},
		{"topics are found", "cyberbullying", []string{"topic:Cyberbullying: prevalence and responses"}},
		{"one letter matches whole words only", "a", []string{"register:Judicial training on electronic evidence"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := searchTitles(t, l.svc, l.observer, conference.SearchQuery{Q: tt.q})
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Search(%q)=%q, want %q", tt.q, got, tt.want)
			}
		})
	}

	res, err := l.svc.Search(ctx, l.observer, conference.SearchQuery{Q: "elec evid"})
	assertNoError(t, err)
	if got, want := marked(res.Hits[0].Title), []string{"electronic", "evidence"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("marked in title=%q, want %q", got, want)
	}
	if got, want := res.Counts[conference.SearchRegister], 2; got != want {
		t.Fatalf("count of register hits=%d, want %d", got, want)
	}

	// The index follows edits: the old word no longer finds it, the new one does.
	title := "Judicial training on digital forensics"
	v := judges.Version
	_, err = l.svc.UpdateRegisterEntry(ctx, l.admin, judges.ID, conference.RegisterEntryUpdate{Title: &title, Version: &v})
	assertNoError(t, err)
	if got := searchTitles(t, l.svc, l.observer, conference.SearchQuery{Q: "electronic"}); len(got) != 1 || got[0] != "register:Guidance" {
		t.Fatalf("after the edit, electronic finds %q", got)
	}
	if got := searchTitles(t, l.svc, l.observer, conference.SearchQuery{Q: "forensic"}); len(got) != 1 {
		t.Fatalf("after the edit, forensic finds %q", got)
	}
	// And a reload from the store finds the same.
	f2 := newFixtureOver(t, l.store)
	if got := searchTitles(t, f2.svc, conference.SystemActor, conference.SearchQuery{Q: "forensic"}); len(got) != 1 {
		t.Fatalf("after a reload, forensic finds %q", got)
	}

	// Kind and meeting filters.
	if got := searchTitles(t, l.svc, l.observer, conference.SearchQuery{Q: "cyberbullying", Kinds: []conference.SearchKind{conference.SearchRegister}}); got != nil {
		t.Fatalf("kind=register finds %q", got)
	}
	if got := searchTitles(t, l.svc, l.observer, conference.SearchQuery{Q: "cyberbullying", Meeting: l.meeting.ID}); len(got) != 1 {
		t.Fatalf("meeting filter loses the meeting's topic: %q", got)
	}
}

func TestService_Search_BadQueries(t *testing.T) {
	l := newLondon(t)
	for _, tt := range []struct {
		name  string
		q     conference.SearchQuery
		field string
	}{
		{"empty", conference.SearchQuery{Q: "  "}, "q"},
		{"too long", conference.SearchQuery{Q: strings.Repeat("a", 201)}, "q"},
		{"too many words", conference.SearchQuery{Q: strings.Repeat("word ", 13)}, "q"},
		{"only operators", conference.SearchQuery{Q: `"" + - * () : ~`}, "q"},
		{"unknown kind", conference.SearchQuery{Q: "x", Kinds: []conference.SearchKind{"minutes"}}, "kind"},
		{"unknown meeting", conference.SearchQuery{Q: "x", Meeting: "paris-1900"}, "meeting"},
		{"limit", conference.SearchQuery{Q: "x", Limit: 1000}, "limit"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.svc.Search(ctx, l.observer, tt.q)
			assertInvalid(t, err, tt.field)
		})
	}
	_, err := l.svc.Search(ctx, nil, conference.SearchQuery{Q: "x"})
	assertCode(t, err, conference.EUNAUTHORIZED)
}

// markedWorld has one note, one outcome and one action per marking, each
// with a word of its own and a shared word, all linked to one entry.
type markedWorld struct {
	*london
	entry *conference.RegisterEntry
}

func newMarkedWorld(tb testing.TB) *markedWorld {
	tb.Helper()
	l := newLondon(tb)
	w := &markedWorld{london: l}
	se := l.liveSession(tb)
	var err error
	w.entry, err = l.svc.CreateRegisterEntry(ctx, l.followup, entryInput(l))
	assertNoError(tb, err)
	for _, m := range conference.Markings {
		n, _, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, conference.NoteInput{
			ClientID: "c-" + string(m), Text: "Zebrafish " + string(m) + "secret note about judicial training", Marking: m,
		})
		assertNoError(tb, err)
		o, err := l.svc.CreateOutcome(ctx, l.admin, se.ID, conference.OutcomeInput{
			Kind: conference.OutcomeFinding, Text: "Zebrafish " + string(m) + "secret outcome", Sources: []int64{n.Seq}, Marking: m,
		})
		assertNoError(tb, err)
		// Agreed, so that its marking alone decides who reads it (a draft
		// is hidden from observers whatever its marking).
		o, err = l.svc.UpdateOutcome(ctx, l.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(o.Version)})
		assertNoError(tb, err)
		a, err := l.svc.CreateAction(ctx, l.admin, conference.ActionInput{
			Title: "Zebrafish " + string(m) + "secret action", Owner: "NZ", Due: "2015-06-30", Marking: m, SessionID: se.ID,
		})
		assertNoError(tb, err)
		for _, from := range []conference.LinkInput{
			{FromKind: conference.LinkNote, FromID: n.ID},
			{FromKind: conference.LinkOutcome, FromID: o.ID},
			{FromKind: conference.LinkAction, FromID: a.ID},
		} {
			from.EntryID = w.entry.ID
			_, _, err := l.svc.CreateLink(ctx, l.admin, from)
			assertNoError(tb, err)
		}
	}
	return w
}

// No search hit, count, backlink or coverage count tells a reader of a note,
// outcome or action above their clearance.
func TestMarkings_SearchBacklinksCoverage(t *testing.T) {
	w := newMarkedWorld(t)
	var coverage *conference.Coverage
	for _, tt := range []struct {
		name    string
		user    *conference.User
		allowed []conference.Marking
	}{
		{"observer", w.observer, []conference.Marking{conference.MarkingAll}},
		{"delegate", w.delegate, []conference.Marking{conference.MarkingAll, conference.MarkingDelegations}},
		{"rapporteur of the session", w.rapporteur, conference.Markings},
		{"followup", w.followup, []conference.Marking{conference.MarkingAll, conference.MarkingDelegations}},
		{"head", w.head, conference.Markings},
		{"admin", w.admin, conference.Markings},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := len(tt.allowed)
			// Search: the shared word finds exactly the readable ones.
			res, err := w.svc.Search(ctx, tt.user, conference.SearchQuery{Q: "zebrafish", Limit: 100})
			assertNoError(t, err)
			for _, k := range []conference.SearchKind{conference.SearchNote, conference.SearchOutcome, conference.SearchAction} {
				if got := res.Counts[k]; got != n {
					t.Errorf("count of %s hits=%d, want %d", k, got, n)
				}
			}
			if got, want := res.Total, 3*n; got != want {
				t.Errorf("total=%d, want %d", got, want)
			}
			for _, h := range res.Hits {
				if !slices.Contains(tt.allowed, h.Marking) {
					t.Errorf("hit %s %s marked %s shown", h.Kind, h.ID, h.Marking)
				}
			}
			// Each marking's own word: found only when readable; else no
			// trace at all (no hit, no count).
			for _, m := range conference.Markings {
				res, err := w.svc.Search(ctx, tt.user, conference.SearchQuery{Q: string(m) + "secret"})
				assertNoError(t, err)
				want := 0
				if slices.Contains(tt.allowed, m) {
					want = 3
				}
				if res.Total != want || len(res.Hits) != want || len(res.Counts) != min(want, 3) {
					t.Errorf("search %ssecret: total=%d hits=%d counts=%v, want %d", m, res.Total, len(res.Hits), res.Counts, want)
				}
			}
			// Backlinks: only the readable ones, and only they are counted.
			b, err := w.svc.Backlinks(ctx, tt.user, w.entry.ID)
			assertNoError(t, err)
			if len(b.Notes) != n || len(b.Outcomes) != n || len(b.Actions) != n {
				t.Errorf("backlinks: %d notes, %d outcomes, %d actions, want %d each", len(b.Notes), len(b.Outcomes), len(b.Actions), n)
			}
			for _, k := range []conference.LinkKind{conference.LinkNote, conference.LinkOutcome, conference.LinkAction} {
				if got := b.Counts[k]; got != n {
					t.Errorf("backlink count of %s=%d, want %d", k, got, n)
				}
			}
			for _, group := range [][]conference.Backlink{b.Notes, b.Outcomes, b.Actions} {
				for _, bl := range group {
					if !slices.Contains(tt.allowed, bl.Marking) {
						t.Errorf("backlink %s %s marked %s shown", bl.Kind, bl.ID, bl.Marking)
					}
				}
			}
			// Links from an unreadable note cannot be read from its side either.
			for _, m := range conference.Markings {
				if slices.Contains(tt.allowed, m) {
					continue
				}
				res, err := w.svc.Search(ctx, conference.SystemActor, conference.SearchQuery{Q: string(m) + "secret", Kinds: []conference.SearchKind{conference.SearchNote}})
				assertNoError(t, err)
				_, err = w.svc.LinksFrom(ctx, tt.user, conference.LinkNote, res.Hits[0].ID)
				assertCode(t, err, conference.ENOTFOUND)
			}
			// Coverage: the same for every reader.
			cov, err := w.svc.Coverage(ctx, tt.user, conference.CoverageFilter{})
			assertNoError(t, err)
			if coverage == nil {
				coverage = cov
			} else if !reflect.DeepEqual(cov, coverage) {
				t.Errorf("coverage differs from another reader's")
			}
		})
	}
}

// A word frequent only above a reader's clearance does not change how that
// reader's hits are ranked or scored.
func TestSearch_RankingIgnoresUnreadable(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t)
	post := func(text string, m conference.Marking) {
		t.Helper()
		_, _, err := l.svc.PostNote(ctx, l.admin, se.ID, conference.NoteInput{ClientID: conference.NewID(), Text: text, Marking: m})
		assertNoError(t, err)
	}
	post("mutual legal assistance treaty", conference.MarkingAll)
	post("cooperation across borders", conference.MarkingAll)
	before, err := l.svc.Search(ctx, l.observer, conference.SearchQuery{Q: "treaty"})
	assertNoError(t, err)
	for range 20 {
		post("treaty treaty treaty", conference.MarkingHeads)
	}
	after, err := l.svc.Search(ctx, l.observer, conference.SearchQuery{Q: "treaty"})
	assertNoError(t, err)
	if len(before.Hits) != 1 || len(after.Hits) != 1 || before.Hits[0].Score != after.Hits[0].Score {
		t.Fatalf("observer's score moved with notes they cannot read: before %+v, after %+v", before.Hits, after.Hits)
	}
}
