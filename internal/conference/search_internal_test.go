package conference

import (
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
