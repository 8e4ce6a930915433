package conference

import (
	"context"
	"slices"
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
	ID          string        `json:"id" bson:"_id"`
	Title       string        `json:"title" bson:"title"`
	Host        string        `json:"host" bson:"host"` // delegation code
	City        string        `json:"city" bson:"city"`
	Venue       string        `json:"venue" bson:"venue"`
	TimeZone    string        `json:"time_zone" bson:"time_zone"` // IANA name, e.g. Europe/London
	StartDate   string        `json:"start_date" bson:"start_date"`
	EndDate     string        `json:"end_date" bson:"end_date"`
	Status      MeetingStatus `json:"status" bson:"status"`
	Delegations []string      `json:"delegations" bson:"delegations"`
	Topics      []string      `json:"topics" bson:"topics"` // topic ids, in agenda order
	// Example marks demonstration data (the demo's Ottawa 2015), shown with
	// an example badge wherever the meeting is named.
	Example bool `json:"example,omitempty" bson:"example,omitempty"`
	// BriefPublished is the date of the brief the secretariat published with
	// the meeting's papers (YYYY-MM-DD); empty while it is not published.
	// The published brief is the brief as of that day: see brief.go.
	BriefPublished string `json:"brief_published,omitempty" bson:"brief_published,omitempty"`
	Version        int64  `json:"version" bson:"version"` // 1, 2, 3 … one per change
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
		v.check(Invalid("host", "host delegation is required"))
	}
	v.check(
		ValidID("host", m.Host),
		requireLine("city", m.City, 200),
		checkLine("venue", m.Venue, 200),
	)
	if m.TimeZone == "" || m.TimeZone == "Local" {
		v.check(Invalid("time_zone", "time zone is required (an IANA name such as Europe/London)"))
	}
	if _, err := time.LoadLocation(m.TimeZone); err != nil {
		v.check(Invalid("time_zone", "unknown time zone %q (use an IANA name such as Europe/London)", m.TimeZone))
	}
	start, errStart := time.Parse(DateLayout, m.StartDate)
	if errStart != nil {
		v.check(Invalid("start_date", "start_date %q is not a date (YYYY-MM-DD)", m.StartDate))
	}
	end, errEnd := time.Parse(DateLayout, m.EndDate)
	if errEnd != nil {
		v.check(Invalid("end_date", "end_date %q is not a date (YYYY-MM-DD)", m.EndDate))
	}
	// The span is the end's to answer for only when both are dates.
	if errStart == nil && errEnd == nil {
		if end.Before(start) {
			v.check(Invalid("end_date", "end_date %s is before start_date %s", m.EndDate, m.StartDate))
		}
		if end.AddDate(0, 0, 1).Sub(start) > 31*24*time.Hour {
			v.check(Invalid("end_date", "a meeting lasts at most 31 days"))
		}
	}
	if m.BriefPublished != "" {
		v.check(ValidateDate("brief_published", m.BriefPublished))
	}
	switch m.Status {
	case MeetingPlanned, MeetingInSession, MeetingClosed:
	default:
		v.check(Invalid("status", "unknown status %q (one of planned, in-session, closed)", m.Status))
	}
	v.check(validIDs("delegations", m.Delegations))
	if !slices.Contains(m.Delegations, m.Host) {
		v.check(Invalid("delegations", "the host delegation %s must take part", m.Host))
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
	out, err := listAll(s, requireActor(actor), func(st *state) map[string]*Meeting { return st.meetings },
		func(m *Meeting) string { return m.StartDate })
	slices.Reverse(out)
	return out, err
}

func (s *Service) Meeting(ctx context.Context, actor *User, id string) (*Meeting, error) {
	return find(s, requireActor(actor), func(st *state) *Meeting { return st.meetings[id] }, "No meeting %q.", id)
}

func (s *Service) CreateMeeting(ctx context.Context, actor *User, m Meeting) (*Meeting, error) {
	if m.ID == "" {
		m.ID = s.NewID()
	}
	if m.Status == "" {
		m.Status = MeetingPlanned
	}
	m.Delegations = nonNil(m.Delegations)
	m.Topics = nonNil(m.Topics)
	m.Version = 1
	return create(ctx, s, s.requireAgendaEditor(actor), Meetings, &m, (*state).checkNewMeeting)
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
			return Invalid("delegations", "unknown delegation %q", code)
		}
	}
	if st.delegations[m.Host] == nil {
		return Invalid("host", "unknown delegation %q", m.Host)
	}
	if hasDuplicate(m.Delegations) {
		return Invalid("delegations", "a delegation is listed twice")
	}
	if hasDuplicate(m.Topics) {
		return Invalid("topics", "a topic is listed twice")
	}
	for _, id := range m.Topics {
		if st.topics[id] == nil {
			return Invalid("topics", "unknown topic %q", id)
		}
	}
	return nil
}

// MeetingUpdate changes some fields of a meeting; nil fields stay. Version,
// when given, must be the meeting's current version.
type MeetingUpdate struct {
	Title       *string        `json:"title"`
	Host        *string        `json:"host"`
	City        *string        `json:"city"`
	Venue       *string        `json:"venue"`
	TimeZone    *string        `json:"time_zone"`
	StartDate   *string        `json:"start_date"`
	EndDate     *string        `json:"end_date"`
	Status      *MeetingStatus `json:"status"`
	Delegations *[]string      `json:"delegations"`
	Topics      *[]string      `json:"topics"`
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
	setIf(&m.Status, upd.Status)
	setList(&m.Delegations, upd.Delegations)
	setList(&m.Topics, upd.Topics)
	setIf(&m.BriefPublished, upd.BriefPublished)
}

func (s *Service) UpdateMeeting(ctx context.Context, actor *User, id string, upd MeetingUpdate) (*Meeting, error) {
	get := func() (*Meeting, error) { return s.Meeting(ctx, actor, id) }
	return edit(ctx, s, s.requireAgendaEditor(actor), Meetings, "meeting", upd.Version, get, upd.apply, (*state).checkMeetingEdit)
}

// checkMeetingEdit is checkMeetingRefs for an edited meeting, which must
// also still hold its sessions within its dates.
func (st *state) checkMeetingEdit(m *Meeting) error {
	if err := st.checkMeetingRefs(m); err != nil {
		return err
	}
	from, until := m.Span()
	for _, se := range st.sessionsByMeeting[m.ID] {
		if se.Start.Before(from) || se.End.After(until) {
			return Invalid("start_date", "session %q would fall outside the meeting's new dates; move it first", se.Title)
		}
	}
	return nil
}

func (s *Service) requireAgendaEditor(actor *User) error {
	return requireMay(actor, actor.MayEditAgenda, "Only the secretariat may change the agenda.")
}
