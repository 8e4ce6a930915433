package conference

import "slices"

func (st *state) loadOutcomesAndActions(snap *Snapshot) {
	eachChange(Outcomes, snap.Outcomes, st.applyOutcomeOrAction)
	eachChange(Actions, snap.Actions, st.applyOutcomeOrAction)
}

// applyOutcomeOrAction keeps the outcomes, the actions and the guarded
// actions (see state.guarded) in step with a change.
func (st *state) applyOutcomeOrAction(ch Change) {
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
