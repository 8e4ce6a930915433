package conference

import (
	"cmp"
	"context"
	"slices"
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
		v.check(Invalid("start", "Give the time the session starts."))
	}
	if s.End.IsZero() {
		v.check(Invalid("end", "Give the time the session ends."))
	}
	if !s.End.After(s.Start) {
		v.check(Invalid("end", "The session must end after it starts."))
	}
	if s.End.Sub(s.Start) > 12*time.Hour {
		v.check(Invalid("end", "A session lasts at most 12 hours: bring the end closer to the start."))
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
		v.check(Invalid("status", "There is no status %q: choose one of scheduled, live, ended.", s.Status))
	}
	if hasDuplicate(s.Rapporteurs) {
		v.check(Invalid("rapporteurs", "A rapporteur is listed twice; list each rapporteur once."))
	}
	if hasDuplicate(s.Topics) {
		v.check(Invalid("topics", "A topic is listed twice; list each topic once."))
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
	// Overnight says the session is meant to run past midnight in the
	// meeting's time zone; without it such a session is refused as a
	// mistake (an end time typed earlier than the start).
	Overnight bool `json:"overnight"`
	// OutsideDates says a session outside the meeting's dates (an evening
	// reception the day before) is meant; without it, it is refused.
	OutsideDates bool `json:"outside_dates"`
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
	check := func(st *state, se *Session) error {
		return st.checkSession(se, timesMeant{in.Overnight, in.OutsideDates})
	}
	return create(ctx, s, s.requireAgendaEditor(actor), Sessions, &se, check)
}

// timesMeant is the writer's word on a session's unusual times: that it
// runs past midnight, or outside the meeting's dates, on purpose. Each is
// refused as a likely typing mistake without it.
type timesMeant struct {
	overnight, outsideDates bool
}

// anyTimes is for a write that leaves the times as they were: what was
// accepted once is not asked about again.
var anyTimes = timesMeant{true, true}

// checkSession checks a session against its meeting, topics and users.
// A session in a room another session holds at the same time is not
// refused: the agenda page warns of it before saving (docs/api.md,
// "Warnings"), since a room may well be shared on purpose.
func (st *state) checkSession(se *Session, meant timesMeant) error {
	m := st.meetings[se.MeetingID]
	if m == nil {
		return Errorf(ENOTFOUND, "No meeting %q.", se.MeetingID)
	}
	var v fieldChecks
	if !meant.overnight && se.End.After(se.Start) && EndsNextDay(se.Start, se.End, m.Location()) {
		v.check(Invalid("end", "The session ends on the next day in %s; if that is meant, say it runs past midnight (overnight: true).", m.TimeZone))
	}
	if from, until := m.Span(); !meant.outsideDates && (se.Start.Before(from) || se.End.After(until)) {
		v.check(Invalid("start", "The session must fall within the meeting's dates, %s to %s (%s), unless it is meant to fall outside them (outside_dates: true).",
			m.StartDate, m.EndDate, m.TimeZone))
	}
	old := st.sessions[se.ID]
	for _, id := range se.Topics {
		t := st.topics[id]
		switch {
		case t == nil:
			v.check(Invalid("topics", "There is no topic %q.", id))
		case t.Retired && (old == nil || !slices.Contains(old.Topics, id)):
			v.check(Invalid("topics", "The topic %q is retired; restore it before adding it to a session.", t.Title))
		}
	}
	if se.Chair != "" && st.users[se.Chair] == nil {
		v.check(Invalid("chair", "There is no user %q to chair the session.", se.Chair))
	}
	for _, id := range se.Rapporteurs {
		u := st.users[id]
		if u == nil {
			v.check(Invalid("rapporteurs", "There is no user %q to be rapporteur.", id))
		} else if !u.Has(RoleRapporteur) {
			v.check(Invalid("rapporteurs", "%s does not hold the rapporteur role: choose a rapporteur, or give them the role first.", u.Name))
		}
	}
	return v.err()
}

// EndsNextDay says whether a session from start to end ends on a later
// calendar day than it starts, in loc: an overnight session. An end at
// midnight exactly ends the day it started.
func EndsNextDay(start, end time.Time, loc *time.Location) bool {
	s, e := start.In(loc), end.In(loc).Add(-time.Nanosecond)
	return e.YearDay() != s.YearDay() || e.Year() != s.Year()
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
	// Overnight and OutsideDates as in SessionInput; looked at only when
	// start or end is given.
	Overnight    bool   `json:"overnight"`
	OutsideDates bool   `json:"outside_dates"`
	Version      *int64 `json:"version"`
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
	meant := anyTimes
	if upd.Start != nil || upd.End != nil {
		meant = timesMeant{upd.Overnight, upd.OutsideDates}
	}
	check := func(st *state, se *Session) error { return st.checkSession(se, meant) }
	return edit(ctx, s, s.requireAgendaEditor(actor), Sessions, "session", upd.Version, get, upd.apply, check)
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
