package conference

import (
	"fmt"
	"strings"
	"testing"
)

func TestSnippetAndHighlight(t *testing.T) {
	terms, err := parseSearchQuery("evid MĀORI")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Opening words of a long summary about many other things. ", 8) +
		"Judges of the Māori Land Court asked about electronic evidence. " + strings.Repeat("Closing words. ", 20)
	from, to := snippetWindow(long, terms)
	if from == 0 || to == len(long) || to-from > snippetBytes {
		t.Fatalf("window %d–%d of %d bytes", from, to, len(long))
	}
	var marked []string
	var text strings.Builder
	for _, f := range highlight(long, terms, from, to) {
		text.WriteString(f.Text)
		if f.Match {
			marked = append(marked, f.Text)
		}
	}
	if got, want := strings.Join(marked, ","), "Māori,evidence"; got != want {
		t.Fatalf("marked %q, want %q", got, want)
	}
	if text.String() != long[from:to] {
		t.Fatalf("fragments do not spell the window")
	}
	// A short text is shown whole.
	if from, to := snippetWindow("Short.", terms); from != 0 || to != 6 {
		t.Fatalf("short window %d–%d", from, to)
	}
}

// Taking documents out keeps the counts right, and compaction keeps search
// working over what is left.
func TestSearchIndexRemoveAndCompact(t *testing.T) {
	ix := newSearchIndex()
	for i := range 3000 {
		ix.put(indexText{kind: SearchRegister, id: fmt.Sprint(i), title: fmt.Sprintf("entry %d alpha", i)}, new(int))
	}
	for i := range 2500 {
		ix.remove(SearchRegister, fmt.Sprint(i))
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
	d, ok := ix.byKey[docKey(SearchRegister, "2999")]
	if !ok || ix.docs[d].id != "2999" {
		t.Fatalf("the last document is lost after compaction")
	}
	// A note taken out (it never happens, but must not corrupt counts).
	ix.put(indexText{kind: SearchNote, id: "n", level: 2, body: []string{"alpha beta"}}, new(int))
	ix.remove(SearchNote, "n")
	if got := ix.terms["beta"].df[2]; got != 0 {
		t.Fatalf("df(beta) at heads=%d after the note left", got)
	}
}
