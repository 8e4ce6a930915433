package conference

import "slices"

// followupState is the working set of outcomes and actions.
type followupState struct {
	outcomes map[string]*Outcome
	actions  map[string]*Action
	// guarded holds the ids of the actions with a progress report marked
	// above the action itself (written before its marking was lowered): only
	// their reports need filtering per reader, so that the action list does
	// not look at every report of every action.
	guarded map[string]bool
}

func newFollowupState() followupState {
	return followupState{outcomes: map[string]*Outcome{}, actions: map[string]*Action{}, guarded: map[string]bool{}}
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
		delete(st.guarded, ch.ID)
		if a := st.actions[ch.ID]; a != nil && slices.ContainsFunc(a.Reports, func(r ProgressReport) bool { return r.Marking.Level() > a.Marking.Level() }) {
			st.guarded[a.ID] = true
		}
	}
}
