package httpapi

import (
	"encoding/json"
	"os"
	"testing"
)

// The web app's TypeScript types are generated from a checked-in copy of the
// OpenAPI document, so the copy must be the document the server serves.
// QUINTET_UPDATE_DOCS=1 rewrites it.
func TestOpenAPIFileMatchesServer(t *testing.T) {
	const path = "../../frontend/src/lib/api/openapi.json"
	want, err := json.MarshalIndent((&api{}).buildOpenAPI(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	got, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if string(got) == string(want) {
		return
	}
	if os.Getenv("QUINTET_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("%s is out of date with the server's OpenAPI document; run QUINTET_UPDATE_DOCS=1 go test ./internal/httpapi -run TestOpenAPIFile", path)
}
