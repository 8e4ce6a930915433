package conference

import (
	"cmp"
	"slices"
)

// compareEntries is the register's list order: the most recent activity
// first, then by title, then by id so that the order is total.
func compareEntries(a, b *RegisterEntry) int {
	if c := cmp.Compare(b.StartDate, a.StartDate); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Title, b.Title); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// loadRegister takes in the register and links of a snapshot.
func (st *state) loadRegister(snap *Snapshot) {
	committed := make(map[string]bool, len(snap.Imports))
	for _, im := range snap.Imports {
		committed[im.ID] = true
	}
	for i := range snap.Register {
		e := &snap.Register[i]
		if e.ImportID != "" && !committed[e.ImportID] {
			st.unfinished = append(st.unfinished, e)
			continue
		}
		st.register[e.ID] = e
		st.registerList = append(st.registerList, e)
	}
	slices.SortFunc(st.registerList, compareEntries)
	st.registerFacets = make([]entryFacet, len(st.registerList))
	for i, e := range st.registerList {
		st.registerFacets[i] = st.facetOf(e)
	}
	for i := range snap.Links {
		l := &snap.Links[i]
		st.links[l.ID] = l
		st.linksByEntry[l.EntryID] = append(st.linksByEntry[l.EntryID], l)
		k := linkFromKey(l.FromKind, l.FromID)
		st.linksByFrom[k] = append(st.linksByFrom[k], l)
	}
	byTime := func(a, b *Link) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	}
	for _, ls := range st.linksByEntry {
		slices.SortFunc(ls, byTime)
	}
	for _, ls := range st.linksByFrom {
		slices.SortFunc(ls, byTime)
	}

}

// putEntries adds entries that are new to the register, as applying each
// would, but merges them into the list in one pass: applying thousands of
// imported entries one by one copies the whole list for each.
func (st *state) putEntries(es []*RegisterEntry) {
	add := slices.SortedFunc(slices.Values(es), compareEntries)
	list := make([]*RegisterEntry, 0, len(st.registerList)+len(add))
	facets := make([]entryFacet, 0, cap(list))
	i := 0
	for _, e := range add {
		for i < len(st.registerList) && compareEntries(st.registerList[i], e) < 0 {
			list, facets = append(list, st.registerList[i]), append(facets, st.registerFacets[i])
			i++
		}
		list, facets = append(list, e), append(facets, st.facetOf(e))
	}
	list, facets = append(list, st.registerList[i:]...), append(facets, st.registerFacets[i:]...)
	st.registerList, st.registerFacets = list, facets
	st.searchIx.beginBulk()
	defer st.searchIx.endBulk()
	for _, e := range es {
		st.register[e.ID] = e
		st.indexChange(Change{Collection: Register, ID: e.ID, Doc: e})
	}
}

func (st *state) applyRegister(ch Change) {
	switch ch.Collection {
	case Register:
		old := st.register[ch.ID]
		putOrDelete(st.register, ch)
		list, facets := slices.Clone(st.registerList), slices.Clone(st.registerFacets)
		if old != nil {
			if i, ok := slices.BinarySearchFunc(list, old, compareEntries); ok {
				list, facets = slices.Delete(list, i, i+1), slices.Delete(facets, i, i+1)
			}
		}
		if e := st.register[ch.ID]; e != nil {
			i, _ := slices.BinarySearchFunc(list, e, compareEntries)
			list, facets = slices.Insert(list, i, e), slices.Insert(facets, i, st.facetOf(e))
		}
		st.registerList, st.registerFacets = list, facets
	case Links:
		if old := st.links[ch.ID]; old != nil {
			drop := func(x *Link) bool { return x.ID == ch.ID }
			st.linksByEntry[old.EntryID] = slices.DeleteFunc(slices.Clone(st.linksByEntry[old.EntryID]), drop)
			k := linkFromKey(old.FromKind, old.FromID)
			st.linksByFrom[k] = slices.DeleteFunc(slices.Clone(st.linksByFrom[k]), drop)
		}
		putOrDelete(st.links, ch)
		if l := st.links[ch.ID]; l != nil {
			st.linksByEntry[l.EntryID] = append(slices.Clip(st.linksByEntry[l.EntryID]), l)
			k := linkFromKey(l.FromKind, l.FromID)
			st.linksByFrom[k] = append(slices.Clip(st.linksByFrom[k]), l)
		}
	}
}

// entryFacet is what the register's filters look at, as bits and numbers.
type entryFacet struct {
	audiences   uint8  // bit i: Audiences[i]
	format      uint8  // bit i: Formats[i]
	status      uint8  // bit i: EntryStatuses[i]
	archived    bool   //
	openEnded   bool   // ongoing, with no end date: active until now
	overflow    bool   // involves a delegation beyond the 64 that have bits
	delegations uint64 // lead and partners, by delegationBit
	first, last int16  // years
}

func (st *state) facetOf(e *RegisterEntry) entryFacet {
	f := entryFacet{
		format:    1 << max(slices.Index(Formats, e.Format), 0),
		status:    1 << max(slices.Index(EntryStatuses, e.Status), 0),
		archived:  e.Archived,
		openEnded: e.EndDate == "" && e.Status == EntryOngoing,
	}
	for _, a := range e.Audiences {
		if i := slices.Index(Audiences, a); i >= 0 {
			f.audiences |= 1 << i
		}
	}
	for _, d := range e.Delegations() {
		if bit, ok := st.bitOf(d); ok {
			f.delegations |= 1 << bit
		} else {
			f.overflow = true
		}
	}
	first, last := entryYears(e, 0)
	f.first, f.last = int16(first), int16(last)
	return f
}

// bitOf returns the bit of a delegation code, giving it one when new. There
// are five delegations; sixty-four bits leave room for observers.
func (st *state) bitOf(code string) (uint8, bool) {
	if bit, ok := st.delegationBit[code]; ok {
		return bit, true
	}
	if len(st.delegationBit) >= 64 {
		return 0, false
	}
	bit := uint8(len(st.delegationBit))
	st.delegationBit[code] = bit
	return bit, true
}
