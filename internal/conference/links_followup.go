package conference

// What the register, its links and search need to know of outcomes and
// actions, kept apart so that the rest does not depend on their fields.

// followupLinkSource finds the outcome or action a link starts from.
func (st *state) followupLinkSource(kind LinkKind, id string) linkSource {
	switch kind {
	case LinkOutcome:
		o := st.outcomes[id]
		if o == nil {
			return linkSource{}
		}
		return linkSource{exists: true, marking: MarkingAll, session: st.sessions[o.SessionID]}
	case LinkAction:
		a := st.actions[id]
		if a == nil {
			return linkSource{}
		}
		return linkSource{exists: true, marking: MarkingAll}
	}
	return linkSource{}
}

// followupBacklink describes an outcome or action that links to an entry.
func (st *state) followupBacklink(actor *User, b Backlink) (Backlink, bool) {
	switch b.Kind {
	case LinkOutcome:
		o := st.outcomes[b.ID]
		if o == nil {
			return b, false
		}
		b.MeetingID, b.SessionID = o.MeetingID, o.SessionID
		return b, true
	case LinkAction:
		a := st.actions[b.ID]
		if a == nil {
			return b, false
		}
		b.MeetingID = a.MeetingID
		return b, true
	}
	return b, false
}

// followupIndexText is what an outcome or an action contributes to the
// search index.
func followupIndexText(ch Change) (indexText, bool) {
	return indexText{}, false
}

// followupHitText describes an outcome or an action found by a search.
func (st *state) followupHitText(d *searchDoc, hit *SearchHit) (title, body string, ok bool) {
	return "", "", false
}
