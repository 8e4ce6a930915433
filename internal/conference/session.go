package conference

import (
	"cmp"
	"context"
	"strings"
	"time"
)

// SessionStatus is where a session stands.
type SessionStatus string

const (
	SessionScheduled SessionStatus = "scheduled"
	SessionLive      SessionStatus = "live"
	SessionEnded     SessionStatus = "ended"
)

// Session is a slot on a meeting's agenda about one or more topics.
type Session struct {
	ID          string        `json:"id" bson:"_id"`
	MeetingID   string        `json:"meeting_id" bson:"meeting_id"`
	Title       string        `json:"title" bson:"title"`
	Start       time.Time     `json:"start" bson:"start"`
	End         time.Time     `json:"end" bson:"end"`
	Room        string        `json:"room" bson:"room"`
	Chair       string        `json:"chair,omitempty" bson:"chair,omitempty"` // user id
	Rapporteurs []string      `json:"rapporteurs" bson:"rapporteurs"`         // user ids
	Topics      []string      `json:"topics" bson:"topics"`                   // topic ids
	Status      SessionStatus `json:"status" bson:"status"`
	// StartedAt is when the session went live; a note may not say it was
	// written long before it. Zero until then (and for sessions started
	// before it was kept).
	StartedAt time.Time `json:"started_at,omitzero" bson:"started_at,omitempty"`
	Version   int64     `json:"version" bson:"version"`
}

// Validate checks the session on its own; the Service checks it against its
// meeting, topics and users.
func (s *Session) Validate() error {
	var v fieldChecks
	v.check(
		ValidID("meeting_id", s.MeetingID),
		requireLine("title", s.Title, 200),
	)
	if s.Start.IsZero() {
		v.check(Invalid("start", "start is required"))
	}
	if s.End.IsZero() {
		v.check(Invalid("end", "end is required"))
	}
	if !s.End.After(s.Start) {
		v.check(Invalid("end", "end must be after start"))
	}
	if s.End.Sub(s.Start) > 12*time.Hour {
		v.check(Invalid("end", "a session lasts at most 12 hours"))
	}
	v.check(checkLine("room", s.Room, 200))
	if s.Chair != "" {
		v.check(ValidID("chair", s.Chair))
	}
	v.check(validIDs("rapporteurs", s.Rapporteurs))
	v.check(validIDs("topics", s.Topics))
	switch s.Status {
	case SessionScheduled, SessionLive, SessionEnded:
	default:
		v.check(Invalid("status", "unknown status %q (one of scheduled, live, ended)", s.Status))
	}
	if hasDuplicate(s.Rapporteurs) {
		v.check(Invalid("rapporteurs", "a rapporteur is listed twice"))
	}
	if hasDuplicate(s.Topics) {
		v.check(Invalid("topics", "a topic is listed twice"))
	}
	return v.err()
}

// Agenda returns a meeting's sessions in agenda order (by start).
func (s *Service) Agenda(ctx context.Context, actor *User, meetingID string) ([]*Session, error) {
	if _, err := s.Meeting(ctx, actor, meetingID); err != nil {
		return nil, err
	}
	var out []*Session
	s.read(func(st *state) { out = st.sessionsByMeeting[meetingID] })
	if out == nil {
		out = []*Session{}
	}
	return out, nil
}

func (s *Service) Session(ctx context.Context, actor *User, id string) (*Session, error) {
	return find(s, requireActor(actor), func(st *state) *Session { return st.sessions[id] }, "No session %q.", id)
}

// SessionInput is what the secretariat gives to add a session.
type SessionInput struct {
	Title       string    `json:"title"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Room        string    `json:"room"`
	Chair       string    `json:"chair"`
	Rapporteurs []string  `json:"rapporteurs"`
	Topics      []string  `json:"topics"`
}

func (s *Service) CreateSession(ctx context.Context, actor *User, meetingID string, in SessionInput) (*Session, error) {
	se := Session{
		ID:          s.NewID(),
		MeetingID:   meetingID,
		Title:       strings.TrimSpace(in.Title),
		Start:       utcMillis(in.Start),
		End:         utcMillis(in.End),
		Room:        strings.TrimSpace(in.Room),
		Chair:       in.Chair,
		Rapporteurs: nonNil(in.Rapporteurs),
		Topics:      nonNil(in.Topics),
		Status:      SessionScheduled,
		Version:     1,
	}
	return create(ctx, s, s.requireAgendaEditor(actor), Sessions, &se, (*state).checkSessionRefs)
}

func (st *state) checkSessionRefs(se *Session) error {
	m := st.meetings[se.MeetingID]
	if m == nil {
		return Errorf(ENOTFOUND, "No meeting %q.", se.MeetingID)
	}
	from, until := m.Span()
	if se.Start.Before(from) || se.End.After(until) {
		return Invalid("start", "the session must fall within the meeting's dates, %s to %s (%s)",
			m.StartDate, m.EndDate, m.TimeZone)
	}
	for _, id := range se.Topics {
		if st.topics[id] == nil {
			return Invalid("topics", "unknown topic %q", id)
		}
	}
	if se.Chair != "" && st.users[se.Chair] == nil {
		return Invalid("chair", "unknown user %q", se.Chair)
	}
	for _, id := range se.Rapporteurs {
		u := st.users[id]
		if u == nil {
			return Invalid("rapporteurs", "unknown user %q", id)
		}
		if !u.Has(RoleRapporteur) {
			return Invalid("rapporteurs", "%s does not hold the rapporteur role", u.Name)
		}
	}
	return nil
}

// SessionUpdate changes some fields of a session; nil fields stay. Version,
// when given, must be the session's current version.
type SessionUpdate struct {
	Title       *string    `json:"title"`
	Start       *time.Time `json:"start"`
	End         *time.Time `json:"end"`
	Room        *string    `json:"room"`
	Chair       *string    `json:"chair"`
	Rapporteurs *[]string  `json:"rapporteurs"`
	Topics      *[]string  `json:"topics"`
	Version     *int64     `json:"version"`
}

// apply sets the fields upd gives on se.
func (upd SessionUpdate) apply(se *Session) {
	setTrimmed(&se.Title, upd.Title)
	if upd.Start != nil {
		se.Start = utcMillis(*upd.Start)
	}
	if upd.End != nil {
		se.End = utcMillis(*upd.End)
	}
	setIf(&se.Room, upd.Room)
	setIf(&se.Chair, upd.Chair)
	setList(&se.Rapporteurs, upd.Rapporteurs)
	setList(&se.Topics, upd.Topics)
}

func (s *Service) UpdateSession(ctx context.Context, actor *User, id string, upd SessionUpdate) (*Session, error) {
	get := func() (*Session, error) { return s.Session(ctx, actor, id) }
	return edit(ctx, s, s.requireAgendaEditor(actor), Sessions, "session", upd.Version, get, upd.apply, (*state).checkSessionRefs)
}

// DeleteSession removes a session from the agenda. Only a session that never
// went live may go: once it has a record, it stays. Version, when given, must
// be the session's current version: a session moved meanwhile is not removed
// unseen.
func (s *Service) DeleteSession(ctx context.Context, actor *User, id string, version *int64) error {
	if err := s.requireAgendaEditor(actor); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	se, err := s.Session(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := checkVersion("session", version, se.Version, se); err != nil {
		return err
	}
	if se.Status != SessionScheduled {
		return Errorf(ECONFLICT, "Session %q is %s; only a scheduled session can be removed.", se.Title, se.Status)
	}
	return s.delete(ctx, Sessions, id)
}

func (s *Service) sessionExists(id string) bool {
	var ok bool
	s.read(func(st *state) { ok = st.sessions[id] != nil })
	return ok
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
	if !actor.MayRunSession(old) {
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
	if to == SessionLive {
		se.StartedAt = s.Now()
	}
	se.Version++
	if err := s.replace(ctx, Sessions, se.ID, &se); err != nil {
		return nil, err
	}
	return &se, nil
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
