package httpapi_test

import (
	"os"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/httpapi"
)

// docs/api.md carries the route table between two markers; it must match the
// routes the server registers. QUINTET_UPDATE_DOCS=1 rewrites it.
func TestAPIDocListsEveryRoute(t *testing.T) {
	const path = "../../docs/api.md"
	const begin, end = "<!-- routes:begin -->\n", "<!-- routes:end -->"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q … %q markers", path, begin, end)
	}
	want := httpapi.RouteTable()
	if got := doc[i+len(begin) : j]; got != want {
		if os.Getenv("QUINTET_UPDATE_DOCS") != "" {
			if err := os.WriteFile(path, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("%s is out of date with the route table; run QUINTET_UPDATE_DOCS=1 go test ./internal/httpapi -run TestAPIDoc", path)
	}
}
