package conference

// What the register, its links and search need to know of outcomes and
// actions, kept apart so that the rest reads only these few fields.

// followupLinkSource finds the outcome or action a link starts from. Both
// carry a marking, as notes do.
func (st *state) followupLinkSource(kind LinkKind, id string) linkSource {
	switch kind {
	case LinkOutcome:
		if o := st.outcomes[id]; o != nil {
			return linkSource{exists: true, marking: o.Marking, session: st.sessions[o.SessionID]}
		}
	case LinkAction:
		if a := st.actions[id]; a != nil {
			return linkSource{exists: true, marking: st.actionMarking(a), owner: a.Owner, session: st.sessions[a.SessionID]}
		}
	}
	return linkSource{}
}

// followupBacklink describes an outcome or action that links to an entry,
// unless actor may not read it.
func (st *state) followupBacklink(actor *User, b Backlink) (Backlink, bool) {
	switch b.Kind {
	case LinkOutcome:
		o := st.outcomes[b.ID]
		if !st.mayReadOutcome(actor, o) {
			return b, false
		}
		b.MeetingID, b.SessionID, b.Marking = o.MeetingID, o.SessionID, o.Marking
		b.Title, b.Excerpt = st.outcomeTitle(o), excerpt(o.Text)
		return b, true
	case LinkAction:
		a := st.actions[b.ID]
		if !st.mayReadAction(actor, a) {
			return b, false
		}
		b.MeetingID, b.SessionID, b.Marking = a.MeetingID, a.SessionID, st.actionMarking(a)
		b.Title, b.Excerpt = a.Title, excerpt(a.Description)
		return b, true
	}
	return b, false
}

// outcomeTitle names an outcome, which has no title of its own: its kind and
// its session.
func (st *state) outcomeTitle(o *Outcome) string {
	title := string(o.Kind)
	if title != "" {
		title = string(title[0]-'a'+'A') + title[1:]
	}
	if se := st.sessions[o.SessionID]; se != nil {
		title += " — " + se.Title
	}
	return title
}

// followupIndexText is what an outcome or an action contributes to the
// search index, at the level of its marking.
func followupIndexText(ch Change) (indexText, bool) {
	switch doc := ch.Doc.(type) {
	case *Outcome:
		return indexText{kind: SearchOutcome, id: doc.ID, meeting: doc.MeetingID, level: doc.Marking.Level(),
			title: string(doc.Kind), body: []string{doc.Text}}, true
	case *Action:
		return indexText{kind: SearchAction, id: doc.ID, meeting: doc.MeetingID, level: doc.Marking.Level(),
			title: doc.Title, body: []string{doc.Description, doc.Owner, doc.Agency, string(doc.Status)}}, true
	}
	return indexText{}, false
}

// followupHitText describes an outcome or an action found by a search.
func (st *state) followupHitText(d *searchDoc, hit *SearchHit) (title, body string, ok bool) {
	switch d.kind {
	case SearchOutcome:
		o := st.outcomes[d.id]
		if o == nil {
			return "", "", false
		}
		hit.SessionID, hit.Marking = o.SessionID, o.Marking
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
