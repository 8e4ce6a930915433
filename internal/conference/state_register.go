package conference

import (
	"cmp"
	"slices"
)

// registerState is the working set of the register and its links, and the
// search index over everything searchable.
type registerState struct {
	register map[string]*RegisterEntry
	links    map[string]*Link

	// registerList holds every entry in list order (see compareEntries).
	// Like the agenda, it is replaced on change, never changed in place, so
	// that a reader may keep it after the lock is released.
	registerList []*RegisterEntry
	// registerFacets[i] is registerList[i]'s filter fields as bits, so that
	// a filtered list of ten thousand entries costs a few comparisons each;
	// replaced with registerList.
	registerFacets []entryFacet
	delegationBit  map[string]uint8   // delegation code → its bit in entryFacet.delegations; never reassigned
	linksByEntry   map[string][]*Link // entry id → links to it, oldest first; replaced on change
	linksByFrom    map[string][]*Link // linkFromKey → links from it, oldest first; replaced on change
	noteByID       map[string]*Note   // backlinks and search name notes by id
	searchIx       *searchIndex
	// unfinished are the entries the store holds of imports that were never
	// committed (the process died half-way): invisible, and discarded by
	// DiscardUnfinishedImports.
	unfinished []*RegisterEntry
}

func newRegisterState() registerState {
	return registerState{
		register:      map[string]*RegisterEntry{},
		links:         map[string]*Link{},
		delegationBit: map[string]uint8{},
		linksByEntry:  map[string][]*Link{},
		linksByFrom:   map[string][]*Link{},
		noteByID:      map[string]*Note{},
		searchIx:      newSearchIndex(),
	}
}

func linkFromKey(kind LinkKind, id string) string { return string(kind) + ":" + id }

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

// loadRegister takes in the register and links of a snapshot, and indexes
// for search what the snapshot holds that does not pass through apply while
// loading. Indexing is idempotent, so a document indexed twice costs nothing.
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

	ix := st.searchIx
	ix.beginBulk()
	defer ix.endBulk()
	for i := range snap.Topics {
		st.indexChange(Change{Collection: Topics, ID: snap.Topics[i].ID, Doc: &snap.Topics[i]})
	}
	for i := range snap.Sessions {
		st.indexChange(Change{Collection: Sessions, ID: snap.Sessions[i].ID, Doc: &snap.Sessions[i]})
	}
	// Notes are indexed from the state, which holds the snapshot's notes by
	// now: the pointers must be the ones the state serves.
	for _, list := range st.notes {
		for _, n := range list {
			st.indexChange(Change{Collection: Notes, ID: n.ID, Doc: n})
		}
	}
	for i := range snap.Outcomes {
		st.indexChange(Change{Collection: Outcomes, ID: snap.Outcomes[i].ID, Doc: &snap.Outcomes[i]})
	}
	for i := range snap.Actions {
		st.indexChange(Change{Collection: Actions, ID: snap.Actions[i].ID, Doc: &snap.Actions[i]})
	}
	for _, e := range st.registerList {
		st.indexChange(Change{Collection: Register, ID: e.ID, Doc: e})
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

// indexChange keeps the search index (and the notes by id) in step with a
// change of any collection. state.apply calls it for every change.
func (st *state) indexChange(ch Change) {
	ix := st.searchIx
	var kind SearchKind
	switch ch.Collection {
	case Notes:
		kind = SearchNote
	case Topics:
		kind = SearchTopic
	case Sessions:
		kind = SearchSession
	case Register:
		kind = SearchRegister
	case Outcomes:
		kind = SearchOutcome
	case Actions:
		kind = SearchAction
	default:
		return
	}
	if ch.Doc == nil {
		if kind == SearchNote {
			delete(st.noteByID, ch.ID)
		}
		ix.remove(kind, ch.ID)
		return
	}
	var t indexText
	switch doc := ch.Doc.(type) {
	case *Note:
		st.noteByID[doc.ID] = doc
		t = indexText{kind: kind, id: doc.ID, meeting: doc.MeetingID, level: doc.Marking.Level(), body: []string{doc.Text}}
	case *Topic:
		t = indexText{kind: kind, id: doc.ID, title: doc.Title, body: []string{doc.Description}}
	case *Session:
		t = indexText{kind: kind, id: doc.ID, meeting: doc.MeetingID, title: doc.Title, body: []string{doc.Room}}
	case *RegisterEntry:
		t = indexText{kind: kind, id: doc.ID, title: doc.Title, body: st.entryWords(doc)}
	default:
		var ok bool
		if t, ok = followupIndexText(ch); !ok {
			return
		}
	}
	ix.put(t, ch.Doc)
}

// entryWords is what an entry is found by besides its title: its summary,
// who runs it (codes and names), for whom, in what form, and its outside
// identifiers.
func (st *state) entryWords(e *RegisterEntry) []string {
	out := []string{e.Summary, e.LeadAgency, string(e.Format)}
	for _, code := range e.Delegations() {
		out = append(out, code)
		if d := st.delegations[code]; d != nil {
			out = append(out, d.Name)
		}
	}
	for _, a := range e.Audiences {
		out = append(out, string(a))
	}
	for _, r := range e.References {
		out = append(out, r.Catalogue, r.Identifier)
	}
	return out
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
