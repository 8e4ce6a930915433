package embedded

import (
	"net/url"
	"slices"
	"testing"
)

func TestSQLiteURI(t *testing.T) {
	got := sqliteURI("/var/lib/quintet data/db")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatalf("sqliteURI=%q does not parse: %v", got, err)
	}
	if u.Scheme != "file" || u.Host != "" || u.Path != "/var/lib/quintet data/db/" {
		t.Fatalf("sqliteURI=%q: scheme %q host %q path %q, want a file: URI of the directory with a trailing slash",
			got, u.Scheme, u.Host, u.Path)
	}
	// Only synchronous: FerretDB adds its defaults (WAL, busy timeout, auto
	// vacuum) for the pragmas that are absent, and we want to keep them.
	if p := u.Query()["_pragma"]; !slices.Equal(p, []string{"synchronous(full)"}) {
		t.Fatalf("sqliteURI=%q: pragmas %q, want [synchronous(full)]", got, p)
	}
}
