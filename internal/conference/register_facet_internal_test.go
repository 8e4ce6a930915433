package conference

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The register list filters entries by their facets; match, field by field,
// is the reference. They must agree on every entry and filter.
func TestFacetsAgreeWithMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	st := newState()
	codes := []string{"AU", "CA", "GB", "NZ", "US"}
	for _, c := range codes {
		st.delegations[c] = &Delegation{Code: c, Name: c}
	}
	st.delegations["FR"] = &Delegation{Code: "FR", Name: "France"} // no entry involves it: no bit
	pick := func(n int) []int {
		var out []int
		for i := range n {
			if r.IntN(3) == 0 {
				out = append(out, i)
			}
		}
		return out
	}
	var entries []*RegisterEntry
	for i := range 500 {
		e := &RegisterEntry{
			ID: fmt.Sprint(i), LeadDelegation: codes[r.IntN(5)], Format: Formats[r.IntN(6)], Status: EntryStatuses[r.IntN(3)],
			StartDate: fmt.Sprintf("%d-03-01", 2010+r.IntN(10)), Archived: r.IntN(5) == 0,
		}
		if r.IntN(2) == 0 {
			e.EndDate = fmt.Sprintf("%d-06-01", 2019+r.IntN(3))
		}
		for _, j := range pick(5) {
			if codes[j] != e.LeadDelegation {
				e.PartnerDelegations = append(e.PartnerDelegations, codes[j])
			}
		}
		for _, j := range pick(5) {
			e.Audiences = append(e.Audiences, Audiences[j])
		}
		entries = append(entries, e)
		st.applyRegister(Change{Collection: Register, ID: e.ID, Doc: e})
	}
	for range 2000 {
		f := RegisterFilter{Archived: []string{"", "true", "any"}[r.IntN(3)]}
		for _, j := range pick(6) {
			f.Delegations = append(f.Delegations, append(codes, "FR")[j])
		}
		for _, j := range pick(5) {
			f.Audiences = append(f.Audiences, Audiences[j])
		}
		for _, j := range pick(6) {
			f.Formats = append(f.Formats, Formats[j])
		}
		for _, j := range pick(3) {
			f.Statuses = append(f.Statuses, EntryStatuses[j])
		}
		if r.IntN(2) == 0 {
			f.Year = 2008 + r.IntN(18)
		}
		c, err := st.compileFilter(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range st.registerList {
			if got, want := c.matchFacet(&st.registerFacets[i], e, 2024), c.match(e, 2024); got != want {
				t.Fatalf("filter %+v, entry %+v: facets say %v, fields %v", f, e, got, want)
			}
		}
	}
}
