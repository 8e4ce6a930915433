package httpapi

import (
	"fmt"
	"slices"
	"strings"
)

// RouteTable renders the route table as Markdown, for docs/api.md: one row a
// route with its method, path, who may call it and what it does.
func RouteTable() string {
	a := &api{cfg: Config{Live: nil}}
	rows := a.routes()
	rows = append(rows, route{method: "GET", path: v1 + "/live", access: signedIn,
		summary: "Upgrade to the live WebSocket (docs/live-protocol.md); at most 20 open per account"})
	slices.SortStableFunc(rows, func(x, y route) int { return strings.Compare(x.path, y.path) })
	who := map[access]string{public: "anyone", signedIn: "signed in", admin: "secretariat"}
	var b strings.Builder
	b.WriteString("| method | path | who | what |\n|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", r.method, OpenAPIPath(r.path), who[r.access], r.summary)
	}
	return b.String()
}
