package conference

import (
	"cmp"
	"slices"
)

// state is the working set. Only apply changes it.
type state struct {
	meetings          map[string]*Meeting
	delegations       map[string]*Delegation
	topics            map[string]*Topic
	sessions          map[string]*Session
	sessionsByMeeting map[string][]*Session // agenda order
	users             map[string]*User
	usersByEmail      map[string]*User
	logins            map[string]*Login
	tokens            map[string]*Token
	notes             map[string][]*Note // by session, in seq order: notes[s][i].Seq == i+1
	noteByClientID    map[string]*Note
	// byInsider: user id → the sessions they chair or report; see access.go.
	byInsider map[string]map[string]struct{}

	followupState // outcomes and actions: state_followup.go
	registerState // register entries and links: state_register.go
}

func newState() *state {
	return &state{
		meetings:          map[string]*Meeting{},
		delegations:       map[string]*Delegation{},
		topics:            map[string]*Topic{},
		sessions:          map[string]*Session{},
		sessionsByMeeting: map[string][]*Session{},
		users:             map[string]*User{},
		usersByEmail:      map[string]*User{},
		logins:            map[string]*Login{},
		tokens:            map[string]*Token{},
		notes:             map[string][]*Note{},
		noteByClientID:    map[string]*Note{},
		byInsider:         map[string]map[string]struct{}{},
		followupState:     newFollowupState(),
		registerState:     newRegisterState(),
	}
}

func (st *state) load(snap *Snapshot) {
	for i := range snap.Delegations {
		st.apply(Change{Collection: Delegations, ID: snap.Delegations[i].Code, Doc: &snap.Delegations[i]})
	}
	for i := range snap.Topics {
		st.apply(Change{Collection: Topics, ID: snap.Topics[i].ID, Doc: &snap.Topics[i]})
	}
	for i := range snap.Meetings {
		st.apply(Change{Collection: Meetings, ID: snap.Meetings[i].ID, Doc: &snap.Meetings[i]})
	}
	for i := range snap.Users {
		st.apply(Change{Collection: Users, ID: snap.Users[i].ID, Doc: &snap.Users[i]})
	}
	for i := range snap.Logins {
		st.apply(Change{Collection: Logins, ID: snap.Logins[i].ID, Doc: &snap.Logins[i]})
	}
	for i := range snap.Tokens {
		st.apply(Change{Collection: Tokens, ID: snap.Tokens[i].ID, Doc: &snap.Tokens[i]})
	}
	for i := range snap.Notes {
		n := &snap.Notes[i]
		st.notes[n.SessionID] = append(st.notes[n.SessionID], n)
		st.noteByClientID[n.ClientID] = n
	}
	for _, list := range st.notes {
		slices.SortFunc(list, func(a, b *Note) int { return cmp.Compare(a.Seq, b.Seq) })
	}
	st.loadFollowup(snap)
	st.loadRegister(snap)
	// Sessions last and in bulk: sorting each meeting's agenda once is much
	// cheaper than keeping it sorted insert by insert.
	for i := range snap.Sessions {
		se := &snap.Sessions[i]
		st.sessions[se.ID] = se
		st.indexInsiders(nil, se)
		st.sessionsByMeeting[se.MeetingID] = append(st.sessionsByMeeting[se.MeetingID], se)
	}
	for _, list := range st.sessionsByMeeting {
		slices.SortFunc(list, compareSessions)
	}
}

func compareSessions(a, b *Session) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Title, b.Title); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func (st *state) apply(ch Change) {
	switch ch.Collection {
	case Meetings:
		putOrDelete(st.meetings, ch)
	case Delegations:
		putOrDelete(st.delegations, ch)
	case Topics:
		putOrDelete(st.topics, ch)
	case Sessions:
		st.applySession(ch)
	case Users:
		if old := st.users[ch.ID]; old != nil {
			delete(st.usersByEmail, old.Email)
		}
		putOrDelete(st.users, ch)
		if u := st.users[ch.ID]; u != nil {
			st.usersByEmail[u.Email] = u
		}
	case Logins:
		putOrDelete(st.logins, ch)
	case Tokens:
		putOrDelete(st.tokens, ch)
	case Notes:
		// Notes are append-only and arrive in seq order per session. Appending
		// may share the backing array with a slice a reader holds, but only
		// beyond that reader's length, which it never reads.
		// A replayed change (say, from a change stream) must not number the
		// record twice; notes are never deleted.
		n, _ := ch.Doc.(*Note)
		if n == nil || n.Seq != int64(len(st.notes[n.SessionID]))+1 {
			return
		}
		st.notes[n.SessionID] = append(st.notes[n.SessionID], n)
		st.noteByClientID[n.ClientID] = n
	case Outcomes, Actions:
		st.applyFollowup(ch)
	case Register, Links:
		st.applyRegister(ch)
	}
	st.indexChange(ch) // search index and notes by id: state_register.go
}

func putOrDelete[T any](m map[string]*T, ch Change) {
	if ch.Doc == nil {
		delete(m, ch.ID)
		return
	}
	m[ch.ID] = ch.Doc.(*T)
}

func (st *state) applySession(ch Change) {
	if old := st.sessions[ch.ID]; old != nil {
		st.indexInsiders(old, nil)
		st.sessionsByMeeting[old.MeetingID] = slices.DeleteFunc(
			slices.Clone(st.sessionsByMeeting[old.MeetingID]),
			func(x *Session) bool { return x.ID == ch.ID })
	}
	putOrDelete(st.sessions, ch)
	se := st.sessions[ch.ID]
	if se == nil {
		return
	}
	st.indexInsiders(nil, se)
	// A fresh slice each time: readers may hold the old one without a lock.
	list := slices.Clone(st.sessionsByMeeting[se.MeetingID])
	i, _ := slices.BinarySearchFunc(list, se, compareSessions)
	st.sessionsByMeeting[se.MeetingID] = slices.Insert(list, i, se)
}

// current returns the value memory holds as document id of c, or nil.
func (st *state) current(c Collection, id string) any {
	get := func(v any, ok bool) any {
		if !ok {
			return nil
		}
		return v
	}
	switch c {
	case Meetings:
		v, ok := st.meetings[id]
		return get(v, ok)
	case Delegations:
		v, ok := st.delegations[id]
		return get(v, ok)
	case Topics:
		v, ok := st.topics[id]
		return get(v, ok)
	case Sessions:
		v, ok := st.sessions[id]
		return get(v, ok)
	case Users:
		v, ok := st.users[id]
		return get(v, ok)
	case Logins:
		v, ok := st.logins[id]
		return get(v, ok)
	case Tokens:
		v, ok := st.tokens[id]
		return get(v, ok)
	case Notes:
		v, ok := st.noteByID[id]
		return get(v, ok)
	case Outcomes:
		v, ok := st.outcomes[id]
		return get(v, ok)
	case Actions:
		v, ok := st.actions[id]
		return get(v, ok)
	case Register:
		v, ok := st.register[id]
		return get(v, ok)
	case Links:
		v, ok := st.links[id]
		return get(v, ok)
	}
	return nil
}
