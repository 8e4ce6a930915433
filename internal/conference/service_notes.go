package conference

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// NoteInput is what a writer sends to post a note.
type NoteInput struct {
	ClientID string  `json:"client_id"`
	Text     string  `json:"text"`
	Marking  Marking `json:"marking"`
	Amends   int64   `json:"amends,omitempty"`
}

// MayPost reports whether the user may write in the session's record: its
// rapporteurs, its chair and the secretariat.
func (se *Session) MayPost(u *User) bool {
	if u == nil || u.Disabled {
		return false
	}
	return u.IsAdmin() || (se.Chair != "" && se.Chair == u.ID) ||
		(u.Has(RoleRapporteur) && slices.Contains(se.Rapporteurs, u.ID))
}

func (s *Service) sessionExists(id string) bool {
	var ok bool
	s.read(func(st *state) { ok = st.sessions[id] != nil })
	return ok
}

// sessionLock returns the lock that serialises the record of one session:
// seq assignment and status changes. Posts to different sessions never wait
// for each other, nor for agenda edits.
func (s *Service) sessionLock(id string) *sync.Mutex {
	m, _ := s.sessionLocks.LoadOrStore(id, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// PostNote appends a note to a session's record and gives it the next seq.
// A retry with the same client id is answered with the note already stored
// (created is false) and never stored twice.
func (s *Service) PostNote(ctx context.Context, actor *User, sessionID string, in NoteInput) (n *Note, created bool, err error) {
	if err := requireActor(actor); err != nil {
		return nil, false, err
	}
	in.ClientID = strings.TrimSpace(in.ClientID)
	if !s.sessionExists(sessionID) {
		return nil, false, Errorf(ENOTFOUND, "No session %q.", sessionID)
	}
	lock := s.sessionLock(sessionID)
	lock.Lock()
	defer lock.Unlock()

	var se *Session
	var prior *Note
	var count int64
	s.read(func(st *state) {
		se = st.sessions[sessionID]
		prior = st.noteByClientID[in.ClientID]
		count = int64(len(st.notes[sessionID]))
	})
	if se == nil {
		return nil, false, Errorf(ENOTFOUND, "No session %q.", sessionID)
	}
	if !se.MayPost(actor) {
		return nil, false, Errorf(EFORBIDDEN, "Only the session's rapporteurs, its chair and the secretariat may write notes.")
	}
	if prior != nil && in.ClientID != "" {
		if prior.SessionID != sessionID || prior.Author != actor.ID {
			return nil, false, &Error{Code: ECONFLICT, Field: "client_id", Message: "This client_id belongs to another note."}
		}
		return prior, false, nil
	}
	// No default marking: a forgotten one must not publish a note to observers.
	if in.Marking == "" {
		return nil, false, Invalid("marking", "marking is required (all, delegations or heads)")
	}
	note := Note{
		ID:        s.NewID(),
		SessionID: sessionID,
		MeetingID: se.MeetingID,
		Seq:       count + 1,
		ClientID:  in.ClientID,
		Author:    actor.ID,
		Text:      in.Text,
		Marking:   in.Marking,
		Amends:    in.Amends,
		CreatedAt: s.Now(),
	}
	if err := note.Validate(); err != nil {
		return nil, false, err
	}
	switch se.Status {
	case SessionLive:
	case SessionEnded:
		if !actor.IsAdmin() {
			return nil, false, Errorf(ECONFLICT, "The session has ended; only the secretariat may add notes now.")
		}
		note.Late = true
	default:
		return nil, false, Errorf(ECONFLICT, "The session has not started; start it before writing notes.")
	}
	if err := s.insert(ctx, Notes, note.ID, &note); err != nil {
		return nil, false, err
	}
	return &note, true, nil
}

// Notes returns the session's notes after seq `after` that the actor may
// read, in seq order, and the highest seq of the record, read or not: the
// reader's cursor moves past notes it may not see.
func (s *Service) Notes(ctx context.Context, actor *User, sessionID string, after int64) ([]*Note, int64, error) {
	if err := requireActor(actor); err != nil {
		return nil, 0, err
	}
	if after < 0 {
		return nil, 0, Invalid("after", "after must be 0 or more")
	}
	var se *Session
	var all []*Note
	s.read(func(st *state) {
		se = st.sessions[sessionID]
		all = st.notes[sessionID]
	})
	if se == nil {
		return nil, 0, Errorf(ENOTFOUND, "No session %q.", sessionID)
	}
	out := []*Note{}
	// all[i] has seq i+1: the record is gapless.
	for _, n := range all[min(after, int64(len(all))):] {
		if actor.CanRead(n.Marking) {
			out = append(out, n)
		}
	}
	return out, int64(len(all)), nil
}

// StartSession makes a session live; EndSession ends it. The secretariat,
// the chair and the session's rapporteurs may do either.
func (s *Service) StartSession(ctx context.Context, actor *User, id string) (*Session, error) {
	return s.setSessionStatus(ctx, actor, id, SessionLive)
}

func (s *Service) EndSession(ctx context.Context, actor *User, id string) (*Session, error) {
	return s.setSessionStatus(ctx, actor, id, SessionEnded)
}

func (s *Service) setSessionStatus(ctx context.Context, actor *User, id string, to SessionStatus) (*Session, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	// Both locks: the agenda's, as for any session edit, and the record's, so
	// that no note slips in between a check of the status and its change.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if !s.sessionExists(id) {
		return nil, Errorf(ENOTFOUND, "No session %q.", id)
	}
	lock := s.sessionLock(id)
	lock.Lock()
	defer lock.Unlock()
	old, err := s.Session(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !old.MayPost(actor) {
		return nil, Errorf(EFORBIDDEN, "Only the session's rapporteurs, its chair and the secretariat may start or end it.")
	}
	switch {
	case old.Status == to:
		return old, nil
	case to == SessionLive && old.Status != SessionScheduled:
		return nil, Errorf(ECONFLICT, "The session has ended; it cannot go live again.")
	case to == SessionEnded && old.Status != SessionLive:
		return nil, Errorf(ECONFLICT, "The session has not started yet.")
	}
	se := *old
	se.Status = to
	se.Version++
	if err := s.replace(ctx, Sessions, se.ID, &se); err != nil {
		return nil, err
	}
	return &se, nil
}
