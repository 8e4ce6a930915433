package conference

import (
	"context"
	"slices"
	"strings"
	"time"
)

// MeetingStatus is where a meeting stands.
type MeetingStatus string

const (
	MeetingPlanned   MeetingStatus = "planned"
	MeetingInSession MeetingStatus = "in-session"
	MeetingClosed    MeetingStatus = "closed"
)

// DateLayout is how calendar dates (a meeting's first and last day) are written.
const DateLayout = "2006-01-02"

// Meeting is one meeting of the group, such as London 2014.
type Meeting struct {
	ID        string `json:"id" bson:"_id"`
	Title     string `json:"title" bson:"title"`
	Host      string `json:"host" bson:"host"` // delegation code
	City      string `json:"city" bson:"city"`
	Venue     string `json:"venue" bson:"venue"`
	TimeZone  string `json:"time_zone" bson:"time_zone"` // IANA name, e.g. Europe/London
	StartDate string `json:"start_date" bson:"start_date"`
	EndDate   string `json:"end_date" bson:"end_date"`
	// Status is derived on every read (see StatusAt), never stored and
	// never given: a stored status goes stale the day the meeting opens.
	Status      MeetingStatus `json:"status" bson:"-"`
	Delegations []string      `json:"delegations" bson:"delegations"`
	Topics      []string      `json:"topics" bson:"topics"` // topic ids, in agenda order
	// Example marks demonstration data (the demo's Ottawa 2015), shown with
	// an example badge wherever the meeting is named.
	Example bool `json:"example,omitempty" bson:"example,omitempty"`
	// BriefPublished is the date of the brief the secretariat published with
	// the meeting's papers (YYYY-MM-DD); empty while it is not published.
	// The published brief is the brief as of that day: see brief.go.
	BriefPublished string `json:"brief_published,omitempty" bson:"brief_published,omitempty"`
	// Override is the secretariat's word over the dates: closed (early), or
	// open (reopened after closing); empty when the dates decide.
	Override MeetingOverride `json:"override,omitempty" bson:"override,omitempty"`
	// History holds every close and reopen, oldest first.
	History []StatusChange `json:"history" bson:"history"`
	Version int64          `json:"version" bson:"version"` // 1, 2, 3 … one per change
}

// MeetingOverride is what the secretariat decided over a meeting's dates.
type MeetingOverride string

const (
	OverrideNone   MeetingOverride = ""
	OverrideClosed MeetingOverride = "closed"
	OverrideOpen   MeetingOverride = "open"
)

// StatusChange is one close or reopen of a meeting: who, when and why.
type StatusChange struct {
	At     time.Time       `json:"at" bson:"at"`
	By     string          `json:"by" bson:"by"`           // user id
	ByName string          `json:"by_name" bson:"by_name"` // as it was then
	To     MeetingOverride `json:"to" bson:"to"`           // closed or open
	Reason string          `json:"reason" bson:"reason"`
}

// StatusAt is where m stands at now, given its agenda: the one place a
// meeting's status is derived. Planned until its first session starts (or,
// with none, its first day begins); in session until its last day ends in
// its own time zone; closed after. A live session always means in session,
// so that "Live now" and the status never disagree. The secretariat's
// override closes early, or keeps a reopened meeting in session after its
// last day.
func (m *Meeting) StatusAt(agenda []*Session, now time.Time) MeetingStatus {
	begin, end := m.Span()
	for i, se := range agenda {
		if se.Status == SessionLive {
			return MeetingInSession
		}
		if i == 0 || se.Start.Before(begin) {
			begin = se.Start
		}
	}
	switch {
	case m.Override == OverrideClosed:
		return MeetingClosed
	case now.Before(begin):
		return MeetingPlanned
	case now.Before(end) || m.Override == OverrideOpen:
		return MeetingInSession
	}
	return MeetingClosed
}

// Location returns the meeting's time zone; UTC when it is not valid.
func (m *Meeting) Location() *time.Location {
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Validate checks the meeting on its own; references to delegations and
// topics are checked by the Service, which knows them.
func (m *Meeting) Validate() error {
	var v fieldChecks
	v.check(
		ValidID("id", m.ID),
		requireLine("title", m.Title, 200),
	)
	if m.Host == "" {
		v.check(Invalid("host", "Choose the host delegation."))
	}
	v.check(
		ValidID("host", m.Host),
		requireLine("city", m.City, 200),
		checkLine("venue", m.Venue, 200),
	)
	if m.TimeZone == "" || m.TimeZone == "Local" {
		v.check(Invalid("time_zone", "Choose a time zone, such as Europe/London (an IANA name)."))
	}
	if _, err := time.LoadLocation(m.TimeZone); err != nil {
		v.check(Invalid("time_zone", "There is no time zone %q: choose an IANA name, such as Europe/London.", m.TimeZone))
	}
	start, errStart := time.Parse(DateLayout, m.StartDate)
	if errStart != nil {
		v.check(Invalid("start_date", "The start date %q is not a date: write it as YYYY-MM-DD.", m.StartDate))
	}
	end, errEnd := time.Parse(DateLayout, m.EndDate)
	if errEnd != nil {
		v.check(Invalid("end_date", "The end date %q is not a date: write it as YYYY-MM-DD.", m.EndDate))
	}
	// The span is the end's to answer for only when both are dates.
	if errStart == nil && errEnd == nil {
		if end.Before(start) {
			v.check(Invalid("end_date", "The end date (%s) cannot be before the start date (%s).", m.EndDate, m.StartDate))
		}
		if end.AddDate(0, 0, 1).Sub(start) > 31*24*time.Hour {
			v.check(Invalid("end_date", "A meeting lasts at most 31 days: bring the end date closer to the start date."))
		}
	}
	if m.BriefPublished != "" {
		v.check(ValidateDate("brief_published", m.BriefPublished))
	}
	switch m.Override {
	case OverrideNone, OverrideClosed, OverrideOpen:
	default:
		v.check(Invalid("override", "There is no override %q: choose closed or open.", m.Override))
	}
	v.check(validIDs("delegations", m.Delegations))
	if !slices.Contains(m.Delegations, m.Host) {
		v.check(Invalid("delegations", "The host delegation %s must take part: add it to the delegations.", m.Host))
	}
	v.check(validIDs("topics", m.Topics))
	return v.err()
}

// Span returns the instants the meeting begins and ends in its own time zone:
// midnight of the first day to midnight after the last.
func (m *Meeting) Span() (time.Time, time.Time) {
	loc := m.Location()
	start, _ := time.ParseInLocation(DateLayout, m.StartDate, loc)
	end, _ := time.ParseInLocation(DateLayout, m.EndDate, loc)
	return start, end.AddDate(0, 0, 1)
}

// Meetings returns every meeting, the most recent first.
func (s *Service) Meetings(ctx context.Context, actor *User) ([]*Meeting, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	now := s.Now()
	var out []*Meeting
	s.read(func(st *state) {
		for _, m := range sortedValues(st.meetings, func(m *Meeting) string { return m.StartDate }) {
			out = append(out, st.meetingView(m, now))
		}
	})
	slices.Reverse(out)
	return out, nil
}

func (s *Service) Meeting(ctx context.Context, actor *User, id string) (*Meeting, error) {
	now := s.Now()
	return find(s, requireActor(actor), func(st *state) *Meeting {
		if m := st.meetings[id]; m != nil {
			return st.meetingView(m, now)
		}
		return nil
	}, "No meeting %q.", id)
}

// meetingView is the meeting as every reader sees it: the stored document
// with its status derived at now. The stored document is not changed.
func (st *state) meetingView(m *Meeting, now time.Time) *Meeting {
	v := *m
	v.Status = m.StatusAt(st.sessionsByMeeting[m.ID], now)
	v.History = nonNil(v.History)
	return &v
}

// storedMeeting is the meeting as stored, for a writer to change: without
// the derived status, so that memory holds exactly what the store does.
func (s *Service) storedMeeting(actor *User, id string) func() (*Meeting, error) {
	return func() (*Meeting, error) {
		return find(s, requireActor(actor), func(st *state) *Meeting { return st.meetings[id] }, "No meeting %q.", id)
	}
}

// CreateMeeting adds a meeting. Its status is derived, its history starts
// empty: neither is the creator's to give.
func (s *Service) CreateMeeting(ctx context.Context, actor *User, m Meeting) (*Meeting, error) {
	if m.ID == "" {
		m.ID = s.NewID()
	}
	m.Status = ""
	m.Override = OverrideNone
	m.History = []StatusChange{}
	m.Delegations = nonNil(m.Delegations)
	m.Topics = nonNil(m.Topics)
	m.Version = 1
	created, err := create(ctx, s, s.requireAgendaEditor(actor), Meetings, &m, (*state).checkNewMeeting)
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, actor, created.ID)
}

// checkNewMeeting is checkMeetingRefs for a meeting not stored yet, whose id
// must be free.
func (st *state) checkNewMeeting(m *Meeting) error {
	if st.meetings[m.ID] != nil {
		return Errorf(EDUPLICATE, "Meeting %s already exists.", m.ID)
	}
	return st.checkMeetingRefs(m)
}

func (st *state) checkMeetingRefs(m *Meeting) error {
	for _, code := range m.Delegations {
		if st.delegations[code] == nil {
			return Invalid("delegations", "There is no delegation %q.", code)
		}
	}
	if st.delegations[m.Host] == nil {
		return Invalid("host", "There is no delegation %q to host the meeting.", m.Host)
	}
	if hasDuplicate(m.Delegations) {
		return Invalid("delegations", "A delegation is listed twice; list each delegation once.")
	}
	if hasDuplicate(m.Topics) {
		return Invalid("topics", "A topic is listed twice; list each topic once.")
	}
	for _, id := range m.Topics {
		if st.topics[id] == nil {
			return Invalid("topics", "There is no topic %q.", id)
		}
	}
	return nil
}

// MeetingUpdate changes some fields of a meeting; nil fields stay. Version,
// when given, must be the meeting's current version.
type MeetingUpdate struct {
	Title       *string   `json:"title"`
	Host        *string   `json:"host"`
	City        *string   `json:"city"`
	Venue       *string   `json:"venue"`
	TimeZone    *string   `json:"time_zone"`
	StartDate   *string   `json:"start_date"`
	EndDate     *string   `json:"end_date"`
	Delegations *[]string `json:"delegations"`
	Topics      *[]string `json:"topics"`
	// BriefPublished publishes the brief as of this day (YYYY-MM-DD); ""
	// withdraws it.
	BriefPublished *string `json:"brief_published"`
	Version        *int64  `json:"version"`
}

// apply sets the fields upd gives on m.
func (upd MeetingUpdate) apply(m *Meeting) {
	setIf(&m.Title, upd.Title)
	setIf(&m.Host, upd.Host)
	setIf(&m.City, upd.City)
	setIf(&m.Venue, upd.Venue)
	setIf(&m.TimeZone, upd.TimeZone)
	setIf(&m.StartDate, upd.StartDate)
	setIf(&m.EndDate, upd.EndDate)
	setList(&m.Delegations, upd.Delegations)
	setList(&m.Topics, upd.Topics)
	setIf(&m.BriefPublished, upd.BriefPublished)
}

// UpdateMeeting changes a meeting.
func (s *Service) UpdateMeeting(ctx context.Context, actor *User, id string, upd MeetingUpdate) (*Meeting, error) {
	if _, err := edit(ctx, s, s.requireAgendaEditor(actor), Meetings, "meeting", upd.Version, s.storedMeeting(actor, id), upd.apply, (*state).checkMeetingEdit); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, actor, id)
}

// checkMeetingEdit is checkMeetingRefs for an edited meeting, whose new
// dates must still hold the sessions its old dates held: new dates that
// leave a session behind are a mistake. A session placed outside the dates
// on purpose (outside_dates) does not hold them back.
func (st *state) checkMeetingEdit(m *Meeting) error {
	if err := st.checkMeetingRefs(m); err != nil {
		return err
	}
	old := st.meetings[m.ID]
	oldFrom, oldUntil := old.Span()
	from, until := m.Span()
	for _, se := range st.sessionsByMeeting[m.ID] {
		inOld := !se.Start.Before(oldFrom) && !se.End.After(oldUntil)
		if inOld && (se.Start.Before(from) || se.End.After(until)) {
			return Invalid("start_date", "The session %q would fall outside the meeting's new dates; move it first.", se.Title)
		}
	}
	return nil
}

// StatusInput is the secretariat's reason to close or reopen a meeting, and
// the version they saw.
type StatusInput struct {
	Reason  string `json:"reason"`
	Version *int64 `json:"version"`
}

// CloseMeeting closes a meeting before its dates would, e.g. when its last
// session ended early. Not while a session is live: the room is sitting.
func (s *Service) CloseMeeting(ctx context.Context, actor *User, id string, in StatusInput) (*Meeting, error) {
	return s.overrideStatus(ctx, actor, id, in, OverrideClosed)
}

// ReopenMeeting opens a closed meeting again, e.g. to add a late session;
// it stays in session, after its dates too, until it is closed again.
func (s *Service) ReopenMeeting(ctx context.Context, actor *User, id string, in StatusInput) (*Meeting, error) {
	return s.overrideStatus(ctx, actor, id, in, OverrideOpen)
}

func (s *Service) overrideStatus(ctx context.Context, actor *User, id string, in StatusInput, to MeetingOverride) (*Meeting, error) {
	var v fieldChecks
	v.check(requireLine("reason", in.Reason, 500))
	if err := v.err(); err != nil {
		return nil, err
	}
	var current MeetingStatus
	var live bool
	get := func() (*Meeting, error) {
		m, err := s.storedMeeting(actor, id)()
		if err == nil {
			s.read(func(st *state) {
				current = m.StatusAt(st.sessionsByMeeting[id], s.Now())
				live = slices.ContainsFunc(st.sessionsByMeeting[id], func(se *Session) bool { return se.Status == SessionLive })
			})
		}
		return m, err
	}
	now := s.Now()
	change := func(m *Meeting) {
		m.Override = to
		m.History = append(slices.Clone(m.History), StatusChange{At: now, By: actor.ID, ByName: actor.Name, To: to, Reason: strings.TrimSpace(in.Reason)})
	}
	check := func(_ *state, m *Meeting) error {
		switch {
		case to == OverrideClosed && live:
			return Errorf(ECONFLICT, "A session of %s is live; end it before closing the meeting.", m.Title)
		case to == OverrideClosed && current == MeetingClosed:
			return Errorf(ECONFLICT, "%s is already closed.", m.Title)
		case to == OverrideOpen && current != MeetingClosed:
			return Errorf(ECONFLICT, "%s is %s, not closed; only a closed meeting can be reopened.", m.Title, current)
		}
		return nil
	}
	if _, err := edit(ctx, s, s.requireAgendaEditor(actor), Meetings, "meeting", in.Version, get, change, check); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, actor, id)
}

// DeleteMeeting removes a meeting set up by mistake. Only while it is empty:
// no session (hence no note or outcome) and no action that came from it —
// once it holds anything, it is part of the group's record.
func (s *Service) DeleteMeeting(ctx context.Context, actor *User, id string, version *int64) error {
	if err := s.requireAgendaEditor(actor); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	m, err := s.storedMeeting(actor, id)()
	if err != nil {
		return err
	}
	if err := checkVersion("meeting", version, m.Version, m); err != nil {
		return err
	}
	var sessions, actions int
	s.read(func(st *state) {
		sessions = len(st.sessionsByMeeting[id])
		for _, a := range st.actions {
			if a.MeetingID == id {
				actions++
			}
		}
	})
	if sessions > 0 || actions > 0 {
		return Errorf(ECONFLICT, "%s has %d sessions and %d actions; only an empty meeting can be deleted.", m.Title, sessions, actions)
	}
	return s.delete(ctx, Meetings, id)
}

func (s *Service) requireAgendaEditor(actor *User) error {
	return requireMay(actor, actor.MayEditAgenda, "Only the secretariat may change the agenda.")
}
