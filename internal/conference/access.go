package conference

import "slices"

// Who may read what. A reader's clearance covers the markings up to it
// (User.MayRead). Two rules refine that, and every read path asks the
// functions below rather than MayRead directly, so that REST, live pushes,
// search, backlinks and exports cannot disagree:
//
//   - The rapporteurs and the chair of a session read that session's whole
//     record — its notes, its outcomes and the actions drawn from them —
//     whatever their clearance: they were in the room and wrote it, and a
//     rapporteur who could not read back a note marked heads could not check,
//     amend or promote it.
//   - A draft outcome is read as marked at least delegations, whatever its
//     marking: it is the rapporteur's proposal, not the meeting's word, and
//     observers read only what the meeting agreed. Its marking takes effect
//     once it is agreed.
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
	return o != nil && covers(st.clearanceIn(u, o.SessionID), o.ReadMarking())
}

// ReadMarking is the outcome's effective marking, the one every read path
// checks: its marking, raised to delegations while it is a draft.
func (o *Outcome) ReadMarking() Marking {
	if o.Status == OutcomeAgreed {
		return o.Marking
	}
	return mostRestricted(o.Marking, MarkingDelegations)
}

// actionMarking is the action's effective marking: never below its outcome's.
func (st *state) actionMarking(a *Action) Marking {
	if a.OutcomeID == "" {
		return a.Marking
	}
	if o := st.outcomes[a.OutcomeID]; o != nil {
		return mostRestricted(a.Marking, o.ReadMarking())
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

// Who may write what. Every predicate below is false for a missing or
// disabled account, so that a check never depends on the caller having
// asked requireActor first. The Service asks these and nothing else; the
// table in access_test.go is the product's permission matrix and is printed
// into docs/security.md.

// active reports whether u is a signed-in account that may act at all.
func (u *User) active() bool { return u != nil && !u.Disabled }

// MayRead reports whether u's own clearance covers marking m; the record of a
// session widens that for its insiders (ClearanceIn).
func (u *User) MayRead(m Marking) bool { return covers(u.Clearance(), m) }

// MayEditAgenda: only the secretariat sets up meetings, sessions, topics and
// delegations.
func (u *User) MayEditAgenda() bool { return u.active() && u.IsAdmin() }

// MayManageUsers: only the secretariat manages accounts.
func (u *User) MayManageUsers() bool { return u.active() && u.IsAdmin() }

// MayBackUp: only the secretariat takes a backup, which holds every
// document whatever its marking, and every account's credentials' hashes.
func (u *User) MayBackUp() bool { return u.active() && u.IsAdmin() }

// mayWriteRecord: the secretariat, and the session's insiders, write in its
// record.
func (u *User) mayWriteRecord(se *Session) bool {
	return u.active() && (u.IsAdmin() || se.Insider(u))
}

// MayPostNote reports whether u may write notes in se: its rapporteurs, its
// chair and the secretariat.
func (u *User) MayPostNote(se *Session) bool { return u.mayWriteRecord(se) }

// MayPostLateNote: once a session has ended only the secretariat adds to its
// notes, and the note is flagged late.
func (u *User) MayPostLateNote() bool { return u.active() && u.IsAdmin() }

// MayRunSession reports whether u may start or end se: those who write it.
func (u *User) MayRunSession(se *Session) bool { return u.mayWriteRecord(se) }

// MayDraftOutcome reports whether u may draft or edit se's outcomes.
func (u *User) MayDraftOutcome(se *Session) bool { return u.mayWriteRecord(se) }

// MayAgreeOutcome: only the secretariat marks an outcome agreed or reopens it.
func (u *User) MayAgreeOutcome() bool { return u.active() && u.IsAdmin() }

// MaySignOff reports whether u may record delegation code's sign-off: only
// that delegation's head.
func (u *User) MaySignOff(code string) bool {
	return u.active() && u.Has(RoleHead) && u.Delegation != "" && u.Delegation == code
}

// MayCreateAction reports whether u may create an action owned by delegation
// owner from the record of se (nil for an action from a topic or from
// nothing): the secretariat, the session's insiders, and the owner's
// follow-up team.
func (u *User) MayCreateAction(se *Session, owner string) bool {
	return u.active() && (u.IsAdmin() || (se != nil && se.Insider(u)) ||
		(u.Has(RoleFollowup) && u.Delegation == owner))
}

// MayEditAction reports whether u may change a, its progress included: the
// secretariat edits every action, a follow-up team only its own delegation's.
func (u *User) MayEditAction(a *Action) bool {
	return u.active() && (u.IsAdmin() || u.followupOf(a.Owner))
}

// MayReassignAction reports whether u may hand a to another delegation: the
// secretariat, and the owner's follow-up team, which gives away its own work
// (and with it its reach) as a recorded handover.
func (u *User) MayReassignAction(a *Action) bool {
	return u.active() && (u.IsAdmin() || u.followupOf(a.Owner))
}

// MayImportRegister: the secretariat and follow-up teams import register CSV;
// each row is then checked with MayEditEntry.
func (u *User) MayImportRegister() bool {
	return u.active() && (u.IsAdmin() || u.Has(RoleFollowup))
}

// MayEditEntry reports whether u may create or change e: the secretariat, and
// the follow-up team of its lead delegation.
func (u *User) MayEditEntry(e *RegisterEntry) bool {
	return u.active() && (u.IsAdmin() || u.followupOf(e.LeadDelegation))
}

// MayMarkExample: only the secretariat marks an entry as an example.
func (u *User) MayMarkExample() bool { return u.active() && u.IsAdmin() }

// MayReassignEntry: only the secretariat hands an entry to another delegation.
func (u *User) MayReassignEntry() bool { return u.active() && u.IsAdmin() }

// MayLink reports whether u may link from (or unlink) a thing of kind kind,
// which belongs to session se (notes, outcomes, actions) and delegation owner
// (actions): the secretariat anything; the session's insiders its notes and
// outcomes; a follow-up team its delegation's actions. Topics belong to the
// agenda, which is the secretariat's.
func (u *User) MayLink(kind LinkKind, se *Session, owner string) bool {
	switch {
	case !u.active():
		return false
	case u.IsAdmin():
		return true
	case kind == LinkNote || kind == LinkOutcome:
		return se != nil && se.Insider(u)
	case kind == LinkAction:
		return u.followupOf(owner)
	default:
		return false
	}
}

// MayManageFeed: the secretariat, and delegation code's heads and follow-up
// team, issue and revoke its calendar feed.
func (u *User) MayManageFeed(code string) bool {
	return u.active() && (u.IsAdmin() || (u.Delegation == code && (u.Has(RoleHead) || u.Has(RoleFollowup))))
}

// MayPublishRecord: only the secretariat publishes a version of a meeting's
// record.
func (u *User) MayPublishRecord() bool { return u.active() && u.IsAdmin() }

// MayReadRecordVersion reports whether u may read a published version: their
// own clearance must cover the version's marking. Being a session's insider
// does not widen it: a version is the whole meeting's record, read at one
// clearance.
func (u *User) MayReadRecordVersion(v *RecordVersion) bool {
	return u.active() && covers(u.Clearance(), v.Marking)
}

// followupOf reports whether u is the follow-up team of delegation code.
func (u *User) followupOf(code string) bool {
	return u.Has(RoleFollowup) && u.Delegation != "" && u.Delegation == code
}

// MayMark reports whether u may give marking m to what they write in the
// record of se (nil outside any session): no higher than they may read there,
// or they could not read back, nor edit, what they wrote.
func (u *User) MayMark(se *Session, m Marking) bool { return covers(u.ClearanceIn(se), m) }

// checkMarkingCeiling refuses a marking above the writer's clearance c (in
// the session the thing belongs to): they could not read back, nor edit,
// what they wrote.
func checkMarkingCeiling(c Marking, m Marking) error {
	if m.Valid() && !covers(c, m) {
		return Invalid("marking", "You may mark only up to your own clearance (%s); choose that or a less restricted marking.", c)
	}
	return nil
}

// checkMarkingFloor refuses a marking below the marking of what the thing
// was drawn from: that would show the source's content to readers who may
// not read the source.
func checkMarkingFloor(m, floor Marking, what string) error {
	if floor != "" && m.Level() < floor.Level() {
		return Invalid("marking", "%s is marked %s, so this cannot be marked less restricted than %s.", sentence(what), floor, floor)
	}
	return nil
}

// ViewKey names what u may see of marked things: two readers with the same
// key see the same notes, outcomes and actions, so an answer computed for one
// may be served to the other. It is the reader's clearance, and their id too
// when they are a session's insider and so read more there.
func (s *Service) ViewKey(u *User) string {
	c := u.Clearance()
	if c == MarkingHeads {
		return string(c)
	}
	var inside bool
	s.read(func(st *state) { inside = len(st.insiderSessions(u)) > 0 })
	if inside {
		return string(c) + ":" + u.ID
	}
	return string(c)
}
