package conference

import (
	"cmp"
	"slices"
)

// state is the working set. Only apply changes it; the indexes it keeps
// beside the documents are in the index_*.go files.
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

	outcomes map[string]*Outcome
	actions  map[string]*Action
	// guarded holds the ids of the actions with a progress report marked
	// above the action itself (written before its marking was lowered): only
	// their reports need filtering per reader, so that the action list does
	// not look at every report of every action. See index_actions.go.
	guarded map[string]bool

	register map[string]*RegisterEntry
	links    map[string]*Link
	// registerList holds every entry in list order (see compareEntries).
	// Like the agenda, it is replaced on change, never changed in place, so
	// that a reader may keep it after the lock is released. See
	// index_register.go, which keeps it, the facets and the links' indexes.
	registerList []*RegisterEntry
	// registerFacets[i] is registerList[i]'s filter fields as bits, so that
	// a filtered list of ten thousand entries costs a few comparisons each;
	// replaced with registerList.
	registerFacets []entryFacet
	delegationBit  map[string]uint8   // delegation code → its bit in entryFacet.delegations; never reassigned
	linksByEntry   map[string][]*Link // entry id → links to it, oldest first; replaced on change
	linksByFrom    map[string][]*Link // linkFromKey → links from it, oldest first; replaced on change
	// unfinished are the entries the store holds of imports that were never
	// committed (the process died half-way): invisible, and discarded by
	// DiscardUnfinishedImports.
	unfinished []*RegisterEntry

	records map[string]*RecordVersion // published record versions, by id; never changed once stored

	noteByID map[string]*Note // backlinks and search name notes by id
	searchIx *searchIndex     // over everything searchable: index_search.go
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
		outcomes:          map[string]*Outcome{},
		actions:           map[string]*Action{},
		guarded:           map[string]bool{},
		register:          map[string]*RegisterEntry{},
		links:             map[string]*Link{},
		delegationBit:     map[string]uint8{},
		linksByEntry:      map[string][]*Link{},
		linksByFrom:       map[string][]*Link{},
		records:           map[string]*RecordVersion{},
		noteByID:          map[string]*Note{},
		searchIx:          newSearchIndex(),
	}
}

func (st *state) load(snap *Snapshot) {
	eachChange(Delegations, snap.Delegations, st.apply)
	eachChange(Topics, snap.Topics, st.apply)
	eachChange(Meetings, snap.Meetings, st.apply)
	eachChange(Users, snap.Users, st.apply)
	eachChange(Logins, snap.Logins, st.apply)
	eachChange(Tokens, snap.Tokens, st.apply)
	eachChange(Records, snap.Records, st.apply)
	for i := range snap.Notes {
		n := &snap.Notes[i]
		st.notes[n.SessionID] = append(st.notes[n.SessionID], n)
		st.noteByClientID[n.ClientID] = n
	}
	for _, list := range st.notes {
		slices.SortFunc(list, func(a, b *Note) int { return cmp.Compare(a.Seq, b.Seq) })
	}
	st.loadOutcomesAndActions(snap)
	st.loadRegister(snap)
	st.loadSearch(snap)
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
		if n.WrittenAt.IsZero() {
			// Stored before notes kept written_at: stamped on arrival, which
			// is all that is known. In memory only; the document stays as is.
			c := *n
			c.WrittenAt = c.CreatedAt
			n = &c
		}
		st.notes[n.SessionID] = append(st.notes[n.SessionID], n)
		st.noteByClientID[n.ClientID] = n
	case Outcomes, Actions:
		st.applyOutcomeOrAction(ch)
	case Register, Links:
		st.applyRegister(ch)
	case Records:
		putOrDelete(st.records, ch)
	}
	st.indexChange(ch) // search index and notes by id: index_search.go
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
	case Records:
		v, ok := st.records[id]
		return get(v, ok)
	}
	return nil
}
