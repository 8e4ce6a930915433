package httpapi_test

import (
	"testing"

	"github.com/quintet-ag/quintet/internal/doctest"
	"github.com/quintet-ag/quintet/internal/httpapi"
)

// docs/api.md carries the route table between two markers; it must match the
// routes the server registers. QUINTET_UPDATE_DOCS=1 rewrites it.
func TestAPIDocListsEveryRoute(t *testing.T) {
	doctest.CheckBlock(t, "../../docs/api.md", "routes", httpapi.RouteTable(),
		"the route table", "go test ./internal/httpapi -run TestAPIDoc")
}
