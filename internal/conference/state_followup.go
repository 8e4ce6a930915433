package conference

// followupState is the working set of outcomes and actions.
type followupState struct {
	outcomes map[string]*Outcome
	actions  map[string]*Action
}

func newFollowupState() followupState {
	return followupState{outcomes: map[string]*Outcome{}, actions: map[string]*Action{}}
}

func (st *followupState) loadFollowup(snap *Snapshot) {
	for i := range snap.Outcomes {
		st.applyFollowup(Change{Collection: Outcomes, ID: snap.Outcomes[i].ID, Doc: &snap.Outcomes[i]})
	}
	for i := range snap.Actions {
		st.applyFollowup(Change{Collection: Actions, ID: snap.Actions[i].ID, Doc: &snap.Actions[i]})
	}
}

func (st *followupState) applyFollowup(ch Change) {
	switch ch.Collection {
	case Outcomes:
		putOrDelete(st.outcomes, ch)
	case Actions:
		putOrDelete(st.actions, ch)
	}
}
