package textindex

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// item is a test document's value: its key, so that hits name themselves,
// and its title, so that a new text is a new value.
type item struct {
	key   string
	level int
	title string
}

func put(ix *Index[item], key string, level int, title string, body ...string) {
	ix.Put(key, level, 0, Text{Title: title, Body: body}, item{key: key, level: level, title: title})
}

func keys(hits []Hit[item]) string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Doc.key)
	}
	return strings.Join(out, ",")
}

func find(ix *Index[item], q string, prefix bool) []Hit[item] {
	var terms []Term
	for _, w := range strings.Fields(q) {
		terms = append(terms, Term{Word: Fold(w), Prefix: prefix})
	}
	return ix.Search(Query[item]{Terms: terms, Level: Levels - 1, Reach: Levels - 1, Limit: 10}).Hits
}

func TestRanking(t *testing.T) {
	ix := New[item]()
	put(ix, "body", 0, "Annual report", "Electronic evidence before the courts")
	put(ix, "title", 0, "Electronic evidence", "A report to the judges")
	put(ix, "long", 0, "Notes", "Evidence "+strings.Repeat("and many other words about other things ", 20))
	put(ix, "none", 0, "Judicial training", "Nothing about it")
	// A word of the title counts more than one of the body, and a short text
	// more than a long one.
	if got, want := keys(find(ix, "evidence", false)), "title,body,long"; got != want {
		t.Fatalf("evidence: %s, want %s", got, want)
	}
	// Every word must match.
	if got, want := keys(find(ix, "electronic evidence", false)), "title,body"; got != want {
		t.Fatalf("electronic evidence: %s, want %s", got, want)
	}
	if got := find(ix, "evidence unicorn", false); len(got) != 0 {
		t.Fatalf("a word found nowhere still finds %s", keys(got))
	}
	// A rare word weighs more than a common one: of two documents alike but
	// for their one word, the one whose word is in fewer documents scores
	// more ("judges" is in two documents, "report" in three).
	put(ix, "rare", 0, "", "judges")
	put(ix, "common", 0, "", "report")
	rare := find(ix, "judges", false)
	common := find(ix, "report", false)
	score := func(hs []Hit[item], key string) float32 {
		for _, h := range hs {
			if h.Doc.key == key {
				return h.Score
			}
		}
		t.Fatalf("%s not found", key)
		return 0
	}
	if score(rare, "rare") <= score(common, "common") {
		t.Fatalf("rare word scores %v, common word %v", score(rare, "rare"), score(common, "common"))
	}
}

func TestPrefix(t *testing.T) {
	ix := New[item]()
	put(ix, "whole", 0, "", "court")
	put(ix, "longer", 0, "", "courts")
	put(ix, "other", 0, "", "county")
	if got, want := keys(find(ix, "court", true)), "whole,longer"; got != want {
		t.Fatalf("court…: %s, want %s (a whole word first)", got, want)
	}
	if got, want := keys(find(ix, "court", false)), "whole"; got != want {
		t.Fatalf("court: %s, want %s", got, want)
	}
	// Matched by their start alike, they score alike and come in key order.
	if got, want := keys(find(ix, "cou", true)), "longer,other,whole"; got != want {
		t.Fatalf("cou…: %s, want %s", got, want)
	}
	// A document that holds several words of one prefix counts it once, at
	// its best: it does not beat one that holds the word itself.
	put(ix, "many", 0, "", "courtyard courtroom courtesy")
	hits := find(ix, "court", true)
	if hits[0].Doc.key != "whole" {
		t.Fatalf("court…: %s first", hits[0].Doc.key)
	}
	// A word longer than the index keeps is cut, and still found by its start.
	long := strings.Repeat("x", 60)
	put(ix, "url", 0, "", "see "+long)
	if got := keys(find(ix, long, false)); got != "" {
		t.Fatalf("a cut word matches whole: %s", got)
	}
	if got := keys(find(ix, long[:maxTermBytes], true)); got != "url" {
		t.Fatalf("a cut word is not found by its start: %q", got)
	}
}

func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Māori", "maori"}, {"MAORI", "maori"}, {"Évidence", "evidence"}, {"Straße", "strasse"},
		{"Øresund", "oresund"}, {"Łódź", "lodz"}, {"Ελλάδα", "ελλάδα"},
		{"e\u0301vidence", "evidence"}, // decomposed: the combining mark is dropped
	} {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
	ix := New[item]()
	put(ix, "nz", 0, "Te Kooti Whenua Māori", "ÉVIDENCE in Québec")
	for _, q := range []string{"maori", "MĀORI", "evidence", "quebec", "QUÉBEC"} {
		if got := keys(find(ix, q, false)); got != "nz" {
			t.Errorf("%q finds %q", q, got)
		}
	}
}

func TestWords(t *testing.T) {
	s := "Café-au-lait, e\u0301te\u0301 2024!"
	var got []string
	Words(s, func(start, end int, w []byte) {
		got = append(got, fmt.Sprintf("%s=%s", s[start:end], w))
	})
	want := []string{"Café=cafe", "au=au", "lait=lait", "e\u0301te\u0301=ete", "2024=2024"}
	if !slices.Equal(got, want) {
		t.Fatalf("words %q, want %q", got, want)
	}
}

// Remove takes a document out of the hits and the counts; putting a key
// again replaces what it held; putting the same value again is a no-op.
func TestRemoveAndReplace(t *testing.T) {
	ix := New[item]()
	put(ix, "a", 0, "alpha", "beta")
	put(ix, "b", 0, "alpha")
	ix.Remove("a")
	ix.Remove("a") // twice, or a key never put, is harmless
	ix.Remove("nothing")
	if got := keys(find(ix, "alpha", false)); got != "b" {
		t.Fatalf("alpha after removal: %s", got)
	}
	if got := ix.terms["beta"].df[0]; got != 0 {
		t.Fatalf("df(beta)=%d after its only document left", got)
	}
	if got := ix.live[0]; got != 1 {
		t.Fatalf("live=%d, want 1", got)
	}
	put(ix, "b", 0, "gamma")
	if got := keys(find(ix, "alpha", false)); got != "" {
		t.Fatalf("alpha after b was replaced: %s", got)
	}
	if got := keys(find(ix, "gamma", false)); got != "b" {
		t.Fatalf("gamma: %s", got)
	}
	docs := len(ix.docs)
	ix.Put("b", 0, 0, Text{Title: "delta"}, item{key: "b", title: "gamma"}) // an equal value: not indexed again
	if len(ix.docs) != docs || keys(find(ix, "delta", false)) != "" {
		t.Fatalf("re-putting an equal value indexed it again")
	}
	// A document holding a word twice, in title and body, counts it once.
	put(ix, "c", 1, "epsilon", "epsilon epsilon")
	ix.Remove("c")
	if got := ix.terms["epsilon"].df[1]; got != 0 {
		t.Fatalf("df(epsilon)=%d at level 1 after removal", got)
	}
}

// Taking documents out keeps the counts right, and compaction keeps search
// working over what is left.
func TestRemoveAndCompact(t *testing.T) {
	ix := New[item]()
	for i := range 3000 {
		put(ix, fmt.Sprint(i), 0, fmt.Sprintf("entry %d alpha", i))
	}
	for i := range 2500 {
		ix.Remove(fmt.Sprint(i))
	}
	if got := ix.live[0]; got != 500 {
		t.Fatalf("live=%d, want 500", got)
	}
	if got := ix.terms["alpha"].df[0]; got != 500 {
		t.Fatalf("df(alpha)=%d, want 500", got)
	}
	if ix.dead >= 1024 {
		t.Fatalf("no compaction after 2500 removals of 3000 (dead=%d)", ix.dead)
	}
	if got := len(ix.terms["alpha"].post); got > 1000 {
		t.Fatalf("alpha keeps %d postings after compaction", got)
	}
	if _, ok := ix.terms["17"]; ok {
		t.Fatalf("a term of removed documents only survived compaction")
	}
	if slices.Contains(ix.vocab, "17") || !slices.IsSorted(ix.vocab) {
		t.Fatalf("the vocabulary was not rebuilt")
	}
	if got := keys(find(ix, "2999", false)); got != "2999" {
		t.Fatalf("the last document is lost after compaction: %q", got)
	}
	if got := keys(find(ix, "17", false)); got != "" {
		t.Fatalf("a removed document is found: %q", got)
	}
	put(ix, "2999", 0, "omega")
	if got := keys(find(ix, "omega", false)); got != "2999" {
		t.Fatalf("replacing after compaction: %q", got)
	}
}

// The ranking statistics are those of the levels asked for: documents
// above them, visible or not, do not move the scores.
func TestLevels(t *testing.T) {
	ix := New[item]()
	put(ix, "low", 0, "", "budget")
	put(ix, "other", 0, "", "agenda")
	search := func(level int) []Hit[item] {
		return ix.Search(Query[item]{Terms: []Term{{Word: "budget"}}, Level: level, Reach: level, Limit: 10}).Hits
	}
	before := search(0)
	for i := range 50 {
		put(ix, fmt.Sprint("high", i), 2, "", "budget secret")
	}
	after := search(0)
	if keys(after) != "low" || after[0].Score != before[0].Score {
		t.Fatalf("level 0 after level 2 documents: %s %v, before %v", keys(after), after[0].Score, before[0].Score)
	}
	// Over every level the word is common, and scores less.
	all := search(2)
	if len(all) != 10 {
		t.Fatalf("%d hits over every level, want the limit of 10", len(all))
	}
	for _, h := range all {
		if h.Doc.key == "low" && h.Score >= before[0].Score {
			t.Fatalf("a common word scores %v, a rare one %v", h.Score, before[0].Score)
		}
	}
	if got := ix.Search(Query[item]{Terms: []Term{{Word: "secret"}}, Level: 0, Reach: 2, Limit: 10}).Hits; len(got) != 0 {
		t.Fatalf("a word found only above the level asked for: %s", keys(got))
	}
}

// Reach and Beyond filter by level, Visible narrows further; every class of
// what is left is counted, the classes asked for only are ranked; the limit
// keeps the best, ties in key order.
func TestFiltersCountsLimit(t *testing.T) {
	ix := New[item]()
	for i, k := range []string{"e", "b", "d", "a", "c", "f", "g"} {
		ix.Put(k, 0, Class(i%2), Text{Body: []string{"same words"}}, item{key: k})
	}
	put(ix, "x", 0, "", "same")
	ix.Put("hi", 2, 1, Text{Body: []string{"same words"}}, item{key: "hi", level: 2})
	ix.Put("hj", 2, 1, Text{Body: []string{"same words"}}, item{key: "hj", level: 2})
	var beyond []string
	res := ix.Search(Query[item]{
		Terms:   []Term{{Word: "same"}, {Word: "words"}},
		Level:   Levels - 1,
		Reach:   1,
		Beyond:  func(d *item) bool { beyond = append(beyond, d.key); return d.key == "hi" },
		Visible: func(d *item) bool { return d.key != "f" },
		Rank:    ClassSet(0).With(0),
		Limit:   3,
	})
	slices.Sort(beyond)
	if got := strings.Join(beyond, ","); got != "hi,hj" {
		t.Fatalf("Beyond asked of %s, want hi,hj only", got)
	}
	// Class 0: e, d, c, g; class 1: b, a, hi (f is not visible, hj not let through).
	if res.Counts[0] != 4 || res.Counts[1] != 3 || res.Counts[2] != 0 {
		t.Fatalf("counts %v, want 4 and 3", res.Counts)
	}
	if got, want := keys(res.Hits), "c,d,e"; got != want {
		t.Fatalf("hits %s, want %s", got, want)
	}
	// No classes asked for ranks them all; no Beyond finds nothing above reach.
	res = ix.Search(Query[item]{Terms: []Term{{Word: "same"}, {Word: "words"}}, Level: Levels - 1, Reach: 1, Limit: 10})
	if got, want := keys(res.Hits), "a,b,c,d,e,f,g"; got != want {
		t.Fatalf("every class: %s, want %s", got, want)
	}
	if res.Counts[0]+res.Counts[1] != 7 {
		t.Fatalf("counts %v, want 7 in all", res.Counts)
	}
	// A class out of range is the caller's mistake.
	func() {
		defer func() {
			if recover() == nil {
				t.Fatalf("class %d was accepted", Classes)
			}
		}()
		ix.Put("z", 0, Classes, Text{Title: "z"}, item{key: "z"})
	}()
	// Many candidates through a small heap still come out best first.
	ix = New[item]()
	for i := range 200 {
		put(ix, fmt.Sprintf("%03d", i), 0, "", "word"+strings.Repeat(" filler", i%37))
	}
	hits := ix.Search(Query[item]{Terms: []Term{{Word: "word"}}, Limit: 7}).Hits
	if len(hits) != 7 {
		t.Fatalf("%d hits, want 7", len(hits))
	}
	for i := 1; i < len(hits); i++ {
		a, b := hits[i-1], hits[i]
		if a.Score < b.Score || a.Score == b.Score && a.Doc.key > b.Doc.key {
			t.Fatalf("hits out of order: %v before %v", a, b)
		}
	}
	if hits[0].Doc.key != "000" || hits[1].Doc.key != "037" {
		t.Fatalf("best two %s, %s: want the shortest documents, in key order", hits[0].Doc.key, hits[1].Doc.key)
	}
}

func TestBulk(t *testing.T) {
	ix := New[item]()
	ix.BeginBulk()
	for _, w := range []string{"zeta", "alpha", "mu", "beta"} {
		put(ix, w, 0, w)
	}
	ix.EndBulk()
	if !slices.IsSorted(ix.vocab) {
		t.Fatalf("vocabulary %q not sorted after a bulk load", ix.vocab)
	}
	put(ix, "al", 0, "alder")
	if got, want := keys(find(ix, "al", true)), "al,alpha"; got != want && got != "alpha,al" {
		t.Fatalf("al…: %s, want %s in some order", got, want)
	}
}

func TestWindow(t *testing.T) {
	terms := []Term{{Word: "evid", Prefix: true}, {Word: "maori"}}
	long := strings.Repeat("Opening words of a long summary about many other things. ", 8) +
		"Judges of the Māori Land Court asked about electronic evidence. " + strings.Repeat("Closing words. ", 20)
	from, to := Window(long, terms, 220)
	if from == 0 || to == len(long) || to-from > 220 {
		t.Fatalf("window %d–%d of %d bytes", from, to, len(long))
	}
	if !strings.Contains(long[from:to], "Māori") || from > strings.Index(long, "Judges") {
		t.Fatalf("window %q misses the first match or its context", long[from:to])
	}
	if long[from-1] != ' ' || long[to] != ' ' && long[to] != '.' {
		t.Fatalf("window %d–%d cuts a word", from, to)
	}
	if from, to := Window("Short.", terms, 220); from != 0 || to != 6 {
		t.Fatalf("short window %d–%d", from, to)
	}
	// No word boundary within reach: cut on a rune boundary.
	one := strings.Repeat("ā", 200)
	if from, to := Window(one, terms, 101); from != 0 || to != 102 {
		t.Fatalf("window of one long word %d–%d", from, to)
	}
}

// A search allocates its hits only: the rest is kept from one search to the
// next, since searches run on every keystroke of a search box.
func TestSearchAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector drops pooled scratch at random")
	}
	ix := New[item]()
	for i := range 500 {
		ix.Put(fmt.Sprint(i), i%3, Class(i%4), Text{Title: fmt.Sprintf("report %d", i), Body: []string{"electronic evidence", "evidential"}}, item{key: fmt.Sprint(i)})
	}
	q := Query[item]{
		Terms: []Term{{Word: "evid", Prefix: true}, {Word: "report"}},
		Level: Levels - 1, Reach: 1, Rank: ClassSet(0).With(0).With(2), Limit: 20,
	}
	if got := len(ix.Search(q).Hits); got != 20 {
		t.Fatalf("%d hits, want 20", got)
	}
	if n := testing.AllocsPerRun(50, func() { ix.Search(q) }); n > 1 {
		t.Fatalf("a search allocates %v times, want once (its hits)", n)
	}
}
