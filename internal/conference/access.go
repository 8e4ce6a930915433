package conference

import "slices"

// Who may read what. A reader's clearance covers the markings up to it
// (User.CanRead). Two rules refine that, and every read path asks the
// functions below rather than CanRead directly, so that REST, live pushes,
// search, backlinks and exports cannot disagree:
//
//   - The rapporteurs and the chair of a session read that session's whole
//     record — its notes, its outcomes and the actions drawn from them —
//     whatever their clearance: they were in the room and wrote it, and a
//     rapporteur who could not read back a note marked heads could not check,
//     amend or promote it.
//   - An action is never less restricted than the outcome it came from: its
//     effective marking is the higher of its own and its outcome's, so that
//     raising an outcome's marking hides what was drawn from it at once.

// Insider reports whether u was in the room for se: its chair, or one of its
// rapporteurs who still holds the rapporteur role.
func (se *Session) Insider(u *User) bool {
	if se == nil || u == nil || u.Disabled {
		return false
	}
	return (se.Chair != "" && se.Chair == u.ID) ||
		(u.Has(RoleRapporteur) && slices.Contains(se.Rapporteurs, u.ID))
}

// ClearanceIn is the highest marking u may read in the record of se: their
// clearance, or everything for the session's insiders.
func (u *User) ClearanceIn(se *Session) Marking {
	if se.Insider(u) {
		return MarkingHeads
	}
	return u.Clearance()
}

// covers reports whether clearance c covers marking m.
func covers(c, m Marking) bool {
	l := m.Level()
	return l >= 0 && l <= c.Level()
}

// clearanceIn is ClearanceIn for a session named by id; an unknown or empty
// id leaves the reader's own clearance.
func (st *state) clearanceIn(u *User, sessionID string) Marking {
	if sessionID == "" {
		return u.Clearance()
	}
	return u.ClearanceIn(st.sessions[sessionID])
}

func (st *state) mayReadNote(u *User, n *Note) bool {
	return n != nil && covers(st.clearanceIn(u, n.SessionID), n.Marking)
}

func (st *state) mayReadOutcome(u *User, o *Outcome) bool {
	return o != nil && covers(st.clearanceIn(u, o.SessionID), o.Marking)
}

// actionMarking is the action's effective marking: never below its outcome's.
func (st *state) actionMarking(a *Action) Marking {
	if a.OutcomeID == "" {
		return a.Marking
	}
	if o := st.outcomes[a.OutcomeID]; o != nil {
		return mostRestricted(a.Marking, o.Marking)
	}
	return a.Marking
}

func (st *state) mayReadAction(u *User, a *Action) bool {
	return a != nil && covers(st.clearanceIn(u, a.SessionID), st.actionMarking(a))
}

// insiderSessions returns the ids of the sessions u is an insider of, for
// search, which filters by marking level before it looks at each document.
func (st *state) insiderSessions(u *User) map[string]bool {
	var out map[string]bool
	for id := range st.byInsider[u.ID] {
		if st.sessions[id].Insider(u) {
			if out == nil {
				out = map[string]bool{}
			}
			out[id] = true
		}
	}
	return out
}

// indexInsiders keeps byInsider in step with a session's chair and
// rapporteurs; old is the session's previous value, if any.
func (st *state) indexInsiders(old, se *Session) {
	if old != nil {
		for _, id := range old.insiderIDs() {
			delete(st.byInsider[id], old.ID)
		}
	}
	if se != nil {
		for _, id := range se.insiderIDs() {
			set := st.byInsider[id]
			if set == nil {
				set = map[string]struct{}{}
				st.byInsider[id] = set
			}
			set[se.ID] = struct{}{}
		}
	}
}

func (se *Session) insiderIDs() []string {
	if se.Chair == "" {
		return se.Rapporteurs
	}
	return append(slices.Clip(se.Rapporteurs), se.Chair)
}

// SessionInsiders returns the ids of the users who read the whole record of
// session id: the live hub gives them everything of that session.
func (s *Service) SessionInsiders(id string) []string {
	var out []string
	s.read(func(st *state) {
		se := st.sessions[id]
		if se == nil {
			return
		}
		for _, uid := range se.insiderIDs() {
			if se.Insider(st.users[uid]) {
				out = append(out, uid)
			}
		}
	})
	return out
}
