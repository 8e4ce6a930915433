// Package doctest keeps the parts of the docs that are generated from code
// (the route table, the access matrix) in step with that code: a test
// builds the text and CheckBlock compares it with the doc's copy.
package doctest

import (
	"os"
	"strings"
	"testing"
)

// UpdateEnv is the environment variable that makes CheckBlock rewrite an
// out-of-date block instead of failing.
const UpdateEnv = "QUINTET_UPDATE_DOCS"

// CheckBlock fails tb unless the file at path holds want between the lines
// "<!-- name:begin -->" and "<!-- name:end -->". With UpdateEnv set it
// writes want there instead. what names the source of the block and rerun
// the test command, for the message that says how to bring it up to date.
func CheckBlock(tb testing.TB, path, name, want, what, rerun string) {
	tb.Helper()
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		tb.Fatalf("%s lacks the %q … %q markers", path, begin, end)
	}
	if doc[i+len(begin):j] == want {
		return
	}
	if os.Getenv(UpdateEnv) != "" {
		if err := os.WriteFile(path, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	tb.Fatalf("%s is out of date with %s; run %s=1 %s", path, what, UpdateEnv, rerun)
}
