package httpapi

import (
	"net/url"
	"testing"
)

// TestPlainQueryFits_AgreesWithTheFullParse: the allocation-free check may
// only wave through a query that the full parse finds nothing wrong with, and
// must wave through the plain ones, or the fast path is not the common one.
func TestPlainQueryFits_AgreesWithTheFullParse(t *testing.T) {
	declared := map[string]queryParameter{}
	for _, p := range queryParams["GET "+v1+"/actions"] {
		declared[p.name] = p
	}
	for _, tt := range []struct {
		raw  string
		fast bool // whether the plain check alone decides it fits
	}{
		{"", true},
		{"owner=CA&topic=topic-07", true},
		{"owner=CA&owner=GB", true}, // owner repeats: any of them
		{"limit=5&sort=due&cursor=abc", true},
		{"owner=CA&&topic=x&", true},
		{"=x&owner=CA", false}, // an empty name is refused by the full parse
		{"topic=a&topic=b", false},
		{"topic&topic", false},
		{"limit=1&owner=CA&limit=2", false},
		{"ownr=CA", false},
		{"owner=C%41", false}, // escaped: left to the full parse, which accepts it
		{"owner=CA;topic=x", false},
		{"topic=a+b", false},
		{"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", false},
	} {
		fast := plainQueryFits(tt.raw, declared)
		if fast != tt.fast {
			t.Errorf("plainQueryFits(%q) = %v, want %v", tt.raw, fast, tt.fast)
		}
		vals, _ := url.ParseQuery(tt.raw)
		if faults := queryFaults(vals, declared, ""); fast && len(faults) > 0 {
			t.Errorf("%q passed the plain check, but the full parse finds %v", tt.raw, faults)
		}
	}
	if n := testing.AllocsPerRun(100, func() { plainQueryFits("owner=CA&topic=topic-07&limit=50", declared) }); n != 0 {
		t.Errorf("plainQueryFits allocates %v times a call, want 0", n)
	}
}

func TestQueryNames(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want bool
	}{
		{"", false},
		{"owner=CA&topic=sort", false},
		{"owner=CA&limit=5", true},
		{"sort", true},
		{"li%6Dit=5", true},
		{"limits=5", false},
	} {
		if got := queryNames(tt.raw, "limit", "sort"); got != tt.want {
			t.Errorf("queryNames(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { queryNames("owner=CA&topic=topic-07", "limit", "sort", "cursor") }); n != 0 {
		t.Errorf("queryNames allocates %v times a call, want 0", n)
	}
}
