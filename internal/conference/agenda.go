package conference

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Delegation is a party to the Quintet. It lives across meetings.
type Delegation struct {
	Code     string   `json:"code" bson:"_id"` // AU CA GB NZ US
	Name     string   `json:"name" bson:"name"`
	Agencies []string `json:"agencies" bson:"agencies"`
	// FeedKey is the hash of the secret in the URL of the delegation's
	// calendar feed of action due dates (issue 4); empty when none is issued.
	FeedKey string `json:"-" bson:"feed_key,omitempty"`
	// FeedIssuedBy is the user who issued the feed. The feed works only as
	// long as that account may still manage it: a feed must not outlive
	// the rights of whoever handed its URL out.
	FeedIssuedBy string `json:"-" bson:"feed_issued_by,omitempty"`
}

var delegationCode = regexp.MustCompile(`^[A-Z]{2}$`)

func (d *Delegation) Validate() error {
	if !delegationCode.MatchString(d.Code) {
		return Invalid("code", "delegation code %q must be two capital letters (ISO 3166 alpha-2)", d.Code)
	}
	if strings.TrimSpace(d.Name) == "" {
		return Invalid("name", "name is required")
	}
	if err := ValidShortText("name", d.Name); err != nil {
		return err
	}
	for _, a := range d.Agencies {
		if strings.TrimSpace(a) == "" {
			return Invalid("agencies", "agency names must not be empty")
		}
		if err := ValidShortText("agencies", a); err != nil {
			return err
		}
	}
	return nil
}

// Topic is a theme of the agenda. It lives across meetings so that a theme
// can be followed from year to year.
type Topic struct {
	ID          string `json:"id" bson:"_id"`
	Slug        string `json:"slug" bson:"slug"`
	Title       string `json:"title" bson:"title"`
	Description string `json:"description" bson:"description"`
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (t *Topic) Validate() error {
	if err := ValidID("id", t.ID); err != nil {
		return err
	}
	if !slugPattern.MatchString(t.Slug) || len(t.Slug) > 80 {
		return Invalid("slug", "slug %q must be lower-case words joined by hyphens, at most 80 characters", t.Slug)
	}
	if strings.TrimSpace(t.Title) == "" {
		return Invalid("title", "title is required")
	}
	if utf8.RuneCountInString(t.Title) > 200 {
		return Invalid("title", "title is longer than 200 characters")
	}
	if err := ValidShortText("title", t.Title); err != nil {
		return err
	}
	if utf8.RuneCountInString(t.Description) > 5000 {
		return Invalid("description", "description is longer than 5000 characters")
	}
	if err := ValidLongText("description", t.Description); err != nil {
		return err
	}
	return nil
}

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
	if err := ValidID("id", m.ID); err != nil {
		return err
	}
	if strings.TrimSpace(m.Title) == "" {
		return Invalid("title", "title is required")
	}
	if utf8.RuneCountInString(m.Title) > 200 {
		return Invalid("title", "title is longer than 200 characters")
	}
	if err := ValidShortText("title", m.Title); err != nil {
		return err
	}
	if m.Host == "" {
		return Invalid("host", "host delegation is required")
	}
	if err := ValidID("host", m.Host); err != nil {
		return err
	}
	if strings.TrimSpace(m.City) == "" {
		return Invalid("city", "city is required")
	}
	if utf8.RuneCountInString(m.City) > 200 {
		return Invalid("city", "city is longer than 200 characters")
	}
	if err := ValidShortText("city", m.City); err != nil {
		return err
	}
	if utf8.RuneCountInString(m.Venue) > 200 {
		return Invalid("venue", "venue is longer than 200 characters")
	}
	if err := ValidShortText("venue", m.Venue); err != nil {
		return err
	}
	if m.TimeZone == "" || m.TimeZone == "Local" {
		return Invalid("time_zone", "time zone is required (an IANA name such as Europe/London)")
	}
	if _, err := time.LoadLocation(m.TimeZone); err != nil {
		return Invalid("time_zone", "unknown time zone %q (use an IANA name such as Europe/London)", m.TimeZone)
	}
	start, err := time.Parse(DateLayout, m.StartDate)
	if err != nil {
		return Invalid("start_date", "start_date %q is not a date (YYYY-MM-DD)", m.StartDate)
	}
	end, err := time.Parse(DateLayout, m.EndDate)
	if err != nil {
		return Invalid("end_date", "end_date %q is not a date (YYYY-MM-DD)", m.EndDate)
	}
	if end.Before(start) {
		return Invalid("end_date", "end_date %s is before start_date %s", m.EndDate, m.StartDate)
	}
	if end.AddDate(0, 0, 1).Sub(start) > 31*24*time.Hour {
		return Invalid("end_date", "a meeting lasts at most 31 days")
	}
	switch m.Status {
	case MeetingPlanned, MeetingInSession, MeetingClosed:
	default:
		return Invalid("status", "unknown status %q (one of planned, in-session, closed)", m.Status)
	}
	if err := validIDs("delegations", m.Delegations); err != nil {
		return err
	}
	if !slices.Contains(m.Delegations, m.Host) {
		return Invalid("delegations", "the host delegation %s must take part", m.Host)
	}
	if err := validIDs("topics", m.Topics); err != nil {
		return err
	}
	return nil
}

// Span returns the instants the meeting begins and ends in its own time zone:
// midnight of the first day to midnight after the last.
func (m *Meeting) Span() (time.Time, time.Time) {
	loc := m.Location()
	start, _ := time.ParseInLocation(DateLayout, m.StartDate, loc)
	end, _ := time.ParseInLocation(DateLayout, m.EndDate, loc)
	return start, end.AddDate(0, 0, 1)
}

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
	Version     int64         `json:"version" bson:"version"`
}

// Validate checks the session on its own; the Service checks it against its
// meeting, topics and users.
func (s *Session) Validate() error {
	if err := ValidID("meeting_id", s.MeetingID); err != nil {
		return err
	}
	if strings.TrimSpace(s.Title) == "" {
		return Invalid("title", "title is required")
	}
	if utf8.RuneCountInString(s.Title) > 200 {
		return Invalid("title", "title is longer than 200 characters")
	}
	if err := ValidShortText("title", s.Title); err != nil {
		return err
	}
	if s.Start.IsZero() {
		return Invalid("start", "start is required")
	}
	if s.End.IsZero() {
		return Invalid("end", "end is required")
	}
	if !s.End.After(s.Start) {
		return Invalid("end", "end must be after start")
	}
	if s.End.Sub(s.Start) > 12*time.Hour {
		return Invalid("end", "a session lasts at most 12 hours")
	}
	if utf8.RuneCountInString(s.Room) > 200 {
		return Invalid("room", "room is longer than 200 characters")
	}
	if err := ValidShortText("room", s.Room); err != nil {
		return err
	}
	if s.Chair != "" {
		if err := ValidID("chair", s.Chair); err != nil {
			return err
		}
	}
	if err := validIDs("rapporteurs", s.Rapporteurs); err != nil {
		return err
	}
	if err := validIDs("topics", s.Topics); err != nil {
		return err
	}
	switch s.Status {
	case SessionScheduled, SessionLive, SessionEnded:
	default:
		return Invalid("status", "unknown status %q (one of scheduled, live, ended)", s.Status)
	}
	if hasDuplicates(s.Rapporteurs) {
		return Invalid("rapporteurs", "a rapporteur is listed twice")
	}
	if hasDuplicates(s.Topics) {
		return Invalid("topics", "a topic is listed twice")
	}
	return nil
}

func hasDuplicates(xs []string) bool {
	seen := make(map[string]bool, len(xs))
	for _, x := range xs {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}
