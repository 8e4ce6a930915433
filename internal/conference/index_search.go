package conference

// outcomeOrActionIndexText is what an outcome or an action contributes to the
// search index, at the level of its effective marking: search counts hits
// by level before it looks at each one, so a draft or a derived action
// indexed below it would be counted for readers who may not see it.
func (st *state) outcomeOrActionIndexText(doc any) (indexText, bool) {
	switch doc := doc.(type) {
	case *Outcome:
		return indexText{kind: SearchOutcome, id: doc.ID, meeting: doc.MeetingID, level: doc.ReadMarking().Level(),
			title: string(doc.Kind), body: []string{doc.Text}}, true
	case *Action:
		return indexText{kind: SearchAction, id: doc.ID, meeting: doc.MeetingID, level: st.actionMarking(doc).Level(),
			title: doc.Title, body: []string{doc.Description, doc.Owner, doc.Agency, string(doc.Status)}}, true
	}
	return indexText{}, false
}

// reindexDerivedActions indexes again the actions drawn from o when o's
// effective marking changed (a draft agreed, or reopened), since theirs
// follows it. Outcomes change by hand and rarely, so a scan is cheap.
func (st *state) reindexDerivedActions(o *Outcome, old any) {
	prev, ok := old.(*Outcome)
	if !ok || prev.ReadMarking() == o.ReadMarking() {
		return
	}
	for _, a := range st.actions {
		if a.OutcomeID == o.ID {
			if t, ok := st.outcomeOrActionIndexText(a); ok {
				// The same document indexed again is skipped as unchanged:
				// take it out first so that it enters at its new level.
				st.searchIx.remove(SearchAction, a.ID)
				st.searchIx.put(t, a)
			}
		}
	}
}

// followupHitText describes an outcome or an action found by a search.
func (st *state) followupHitText(d *searchDoc, hit *SearchHit) (title, body string, ok bool) {
	switch d.kind {
	case SearchOutcome:
		o := st.outcomes[d.id]
		if o == nil {
			return "", "", false
		}
		hit.SessionID, hit.Marking = o.SessionID, o.ReadMarking()
		return st.outcomeTitle(o), o.Text, true
	case SearchAction:
		a := st.actions[d.id]
		if a == nil {
			return "", "", false
		}
		hit.SessionID, hit.Marking = a.SessionID, st.actionMarking(a)
		return a.Title, a.Description, true
	}
	return "", "", false
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
		if t, ok = st.outcomeOrActionIndexText(ch.Doc); !ok {
			return
		}
	}
	ix.put(t, ch.Doc)
	if o, ok := ch.Doc.(*Outcome); ok {
		st.reindexDerivedActions(o, ch.Old)
	}
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

// loadSearch indexes for search what the snapshot holds that does not pass
// through apply while loading. Indexing is idempotent, so a document indexed
// twice costs nothing.
func (st *state) loadSearch(snap *Snapshot) {
	ix := st.searchIx
	ix.beginBulk()
	defer ix.endBulk()
	eachChange(Topics, snap.Topics, st.indexChange)
	eachChange(Sessions, snap.Sessions, st.indexChange)
	// Notes are indexed from the state, which holds the snapshot's notes by
	// now: the pointers must be the ones the state serves.
	for _, list := range st.notes {
		for _, n := range list {
			st.indexChange(Change{Collection: Notes, ID: n.ID, Doc: n})
		}
	}
	eachChange(Outcomes, snap.Outcomes, st.indexChange)
	eachChange(Actions, snap.Actions, st.indexChange)
	for _, e := range st.registerList {
		st.indexChange(Change{Collection: Register, ID: e.ID, Doc: e})
	}
}
