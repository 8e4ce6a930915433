package conference_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the time zone rules must not depend on the machine running the tests

	"github.com/quintet-ag/quintet/internal/conference"
)

// validUser, validMeeting, … return a value that passes Validate; each table
// case breaks exactly one thing of it.

func validUser() conference.User {
	return conference.User{
		ID:         "u1",
		Email:      "alice@example.org",
		Name:       "Alice Example",
		Roles:      []conference.Role{conference.RoleDelegate},
		Delegation: "GB",
	}
}

func validDelegation() conference.Delegation {
	return conference.Delegation{Code: "GB", Name: "United Kingdom", Agencies: []string{"National Crime Agency"}}
}

func validTopic() conference.Topic {
	return conference.Topic{ID: "t1", Slug: "cyberbullying", Title: "Cyberbullying: prevalence and responses"}
}

func validMeeting() conference.Meeting {
	return conference.Meeting{
		ID:          "london-2014",
		Title:       "Quintet of Attorneys General, London 2014",
		Host:        "GB",
		City:        "London",
		Venue:       "Attorney General's Office",
		TimeZone:    "Europe/London",
		StartDate:   "2014-07-09",
		EndDate:     "2014-07-11",
		Delegations: []string{"AU", "CA", "GB", "NZ", "US"},
		Topics:      []string{},
	}
}

func validSession() conference.Session {
	return conference.Session{
		ID:          "s1",
		MeetingID:   "london-2014",
		Title:       "Cyberbullying: prevalence and responses",
		Start:       mustTime("2014-07-09T15:00:00Z"),
		End:         mustTime("2014-07-09T16:30:00Z"),
		Room:        "Main meeting room",
		Rapporteurs: []string{"r1", "r2"},
		Topics:      []string{"t1", "t2"},
		Status:      conference.SessionScheduled,
		Version:     1,
	}
}

func validNote() conference.Note {
	return conference.Note{
		SessionID: "s1",
		MeetingID: "london-2014",
		ClientID:  "c-1",
		Author:    "r1",
		Text:      "The UK opened with the CPS guidelines on social media.",
		Marking:   conference.MarkingDelegations,
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// assertInvalid fails unless err is an *conference.Error with code invalid
// naming field.
func assertInvalid(tb testing.TB, err error, field string) {
	tb.Helper()
	e := assertCode(tb, err, conference.EINVALID)
	if got, want := e.Field, field; got != want {
		tb.Fatalf("Field=%q, want %q (error: %v)", got, want, err)
	}
	if e.Message == "" {
		tb.Fatalf("invalid error without a message")
	}
}

// assertCode fails unless err is (or wraps) an *conference.Error with code.
func assertCode(tb testing.TB, err error, code string) *conference.Error {
	tb.Helper()
	if err == nil {
		tb.Fatalf("err=nil, want code %q", code)
	}
	var e *conference.Error
	if !errors.As(err, &e) {
		tb.Fatalf("err=%v (%T), want a *conference.Error with code %q", err, err, code)
	}
	if got, want := e.Code, code; got != want {
		tb.Fatalf("code=%q, want %q (error: %v)", got, want, err)
	}
	return e
}

func assertNoError(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("unexpected error: %v", err)
	}
}

// editCase is one row of a table of edits: edit breaks (or keeps) one thing
// of a valid value, and field names what must be refused.
type editCase[T any] struct {
	name  string
	edit  func(*T)
	field string // "" when valid
}

// testEdits runs each case as a subtest: check gets a fresh valid value with
// the case's edit made, and the field the case names.
func testEdits[T any](t *testing.T, valid func() T, cases []editCase[T], check func(t *testing.T, v T, field string)) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			v := valid()
			tt.edit(&v)
			check(t, v, tt.field)
		})
	}
}

// testValidate holds every type's Validate to the same answer: no error, or
// an invalid error naming the field, with a message.
func testValidate[T any, P interface {
	*T
	Validate() error
}](t *testing.T, valid func() T, cases []editCase[T]) {
	t.Helper()
	testEdits(t, valid, cases, func(t *testing.T, v T, field string) {
		err := P(&v).Validate()
		if field == "" {
			assertNoError(t, err)
			return
		}
		assertInvalid(t, err, field)
	})
}

// withoutDelegation gives the user roles and no delegation.
func withoutDelegation(roles ...conference.Role) func(*conference.User) {
	return func(u *conference.User) { u.Roles, u.Delegation = roles, "" }
}

func TestUser_Validate(t *testing.T) {
	testValidate(t, validUser, []editCase[conference.User]{
		{"Valid", func(u *conference.User) {}, ""},
		{"ValidObserverWithoutDelegation", withoutDelegation(conference.RoleObserver), ""},
		{"ValidAdminWithoutDelegation", withoutDelegation(conference.RoleAdmin), ""},
		{"ValidRapporteurWithoutDelegation", withoutDelegation(conference.RoleRapporteur), ""},
		{"ValidSeveralRoles", func(u *conference.User) {
			u.Roles = []conference.Role{conference.RoleHead, conference.RoleRapporteur, conference.RoleFollowup}
		}, ""},
		{"ValidPlusAddress", func(u *conference.User) { u.Email = "alice+quintet@cps.gov.uk" }, ""},

		{"EmailEmpty", func(u *conference.User) { u.Email = "" }, "email"},
		{"EmailNoAt", func(u *conference.User) { u.Email = "alice.example.org" }, "email"},
		{"EmailNoDomain", func(u *conference.User) { u.Email = "alice@" }, "email"},
		{"EmailNoLocalPart", func(u *conference.User) { u.Email = "@example.org" }, "email"},
		{"EmailWithDisplayName", func(u *conference.User) { u.Email = "Alice <alice@example.org>" }, "email"},
		{"EmailAngleBrackets", func(u *conference.User) { u.Email = "<alice@example.org>" }, "email"},
		{"EmailLeadingSpace", func(u *conference.User) { u.Email = " alice@example.org" }, "email"},
		{"EmailTwoAddresses", func(u *conference.User) { u.Email = "alice@example.org, bob@example.org" }, "email"},
		{"EmailSpaceInside", func(u *conference.User) { u.Email = "alice smith@example.org" }, "email"},

		{"NameEmpty", func(u *conference.User) { u.Name = "" }, "name"},
		{"NameBlank", func(u *conference.User) { u.Name = " \t " }, "name"},
		{"NameTooLong", func(u *conference.User) { u.Name = strings.Repeat("a", 201) }, "name"},

		{"RolesNil", func(u *conference.User) { u.Roles = nil }, "roles"},
		{"RolesEmpty", func(u *conference.User) { u.Roles = []conference.Role{} }, "roles"},
		{"RoleUnknown", func(u *conference.User) { u.Roles = []conference.Role{"superuser"} }, "roles"},
		{"RoleUnknownAmongKnown", func(u *conference.User) {
			u.Roles = []conference.Role{conference.RoleDelegate, "Admin"}
		}, "roles"},
		{"RoleEmptyString", func(u *conference.User) { u.Roles = []conference.Role{""} }, "roles"},

		{"DelegateWithoutDelegation", withoutDelegation(conference.RoleDelegate), "delegation"},
		{"HeadWithoutDelegation", withoutDelegation(conference.RoleHead), "delegation"},
		{"FollowupWithoutDelegation", withoutDelegation(conference.RoleFollowup), "delegation"},
		{"AdminAndHeadWithoutDelegation", withoutDelegation(conference.RoleAdmin, conference.RoleHead), "delegation"},
	})
}

func TestDelegation_Validate(t *testing.T) {
	testValidate(t, validDelegation, []editCase[conference.Delegation]{
		{"Valid", func(d *conference.Delegation) {}, ""},
		{"ValidNoAgencies", func(d *conference.Delegation) { d.Agencies = nil }, ""},

		{"CodeEmpty", func(d *conference.Delegation) { d.Code = "" }, "code"},
		{"CodeLowerCase", func(d *conference.Delegation) { d.Code = "gb" }, "code"},
		{"CodeMixedCase", func(d *conference.Delegation) { d.Code = "Gb" }, "code"},
		{"CodeOneLetter", func(d *conference.Delegation) { d.Code = "G" }, "code"},
		{"CodeThreeLetters", func(d *conference.Delegation) { d.Code = "GBR" }, "code"},
		{"CodeDigit", func(d *conference.Delegation) { d.Code = "G1" }, "code"},
		{"CodeSpace", func(d *conference.Delegation) { d.Code = "GB " }, "code"},
		{"CodeNewline", func(d *conference.Delegation) { d.Code = "GB\n" }, "code"},
		{"CodeNonASCII", func(d *conference.Delegation) { d.Code = "ÅB" }, "code"},

		{"NameEmpty", func(d *conference.Delegation) { d.Name = "" }, "name"},
		{"NameBlank", func(d *conference.Delegation) { d.Name = "  " }, "name"},
		{"AgencyBlank", func(d *conference.Delegation) { d.Agencies = []string{"Crown Prosecution Service", " "} }, "agencies"},
	})
}

func TestTopic_Validate(t *testing.T) {
	testValidate(t, validTopic, []editCase[conference.Topic]{
		{"Valid", func(tp *conference.Topic) {}, ""},
		{"ValidHyphenated", func(tp *conference.Topic) { tp.Slug = "freedom-of-expression-social-media-contempt" }, ""},
		{"ValidDigits", func(tp *conference.Topic) { tp.Slug = "g7-2014" }, ""},
		{"ValidSlug80", func(tp *conference.Topic) { tp.Slug = strings.Repeat("a", 80) }, ""},
		{"ValidTitle200", func(tp *conference.Topic) { tp.Title = strings.Repeat("t", 200) }, ""},
		{"ValidDescription5000", func(tp *conference.Topic) { tp.Description = strings.Repeat("d", 5000) }, ""},

		{"SlugEmpty", func(tp *conference.Topic) { tp.Slug = "" }, "slug"},
		{"SlugUpperCase", func(tp *conference.Topic) { tp.Slug = "Cyberbullying" }, "slug"},
		{"SlugSpace", func(tp *conference.Topic) { tp.Slug = "cyber bullying" }, "slug"},
		{"SlugUnderscore", func(tp *conference.Topic) { tp.Slug = "cyber_bullying" }, "slug"},
		{"SlugLeadingHyphen", func(tp *conference.Topic) { tp.Slug = "-cyberbullying" }, "slug"},
		{"SlugTrailingHyphen", func(tp *conference.Topic) { tp.Slug = "cyberbullying-" }, "slug"},
		{"SlugDoubleHyphen", func(tp *conference.Topic) { tp.Slug = "cyber--bullying" }, "slug"},
		{"SlugSlash", func(tp *conference.Topic) { tp.Slug = "cyber/bullying" }, "slug"},
		{"SlugNonASCII", func(tp *conference.Topic) { tp.Slug = "vie-privée" }, "slug"},
		{"SlugTrailingNewline", func(tp *conference.Topic) { tp.Slug = "cyberbullying\n" }, "slug"},
		{"Slug81", func(tp *conference.Topic) { tp.Slug = strings.Repeat("a", 81) }, "slug"},

		{"TitleEmpty", func(tp *conference.Topic) { tp.Title = "" }, "title"},
		{"TitleBlank", func(tp *conference.Topic) { tp.Title = "\t" }, "title"},
		{"TitleTooLong", func(tp *conference.Topic) { tp.Title = strings.Repeat("t", 201) }, "title"},
		{"DescriptionTooLong", func(tp *conference.Topic) { tp.Description = strings.Repeat("d", 5001) }, "description"},
	})
}

func TestMeeting_Validate(t *testing.T) {
	testValidate(t, validMeeting, []editCase[conference.Meeting]{
		{"Valid", func(m *conference.Meeting) {}, ""},
		{"ValidOneDay", func(m *conference.Meeting) { m.EndDate = m.StartDate }, ""},
		{"ValidClosedEarly", func(m *conference.Meeting) { m.Override = conference.OverrideClosed }, ""},
		{"ValidReopened", func(m *conference.Meeting) { m.Override = conference.OverrideOpen }, ""},
		{"ValidUTC", func(m *conference.Meeting) { m.TimeZone = "UTC" }, ""},
		{"ValidCanberra", func(m *conference.Meeting) { m.TimeZone = "Australia/Sydney" }, ""},
		{"ValidThirtyOneDays", func(m *conference.Meeting) { m.StartDate, m.EndDate = "2014-07-01", "2014-07-31" }, ""},
		{"ValidAcrossLeapDay", func(m *conference.Meeting) { m.StartDate, m.EndDate = "2016-02-28", "2016-03-01" }, ""},

		{"TitleEmpty", func(m *conference.Meeting) { m.Title = " " }, "title"},
		{"TitleTooLong", func(m *conference.Meeting) { m.Title = strings.Repeat("t", 201) }, "title"},
		{"HostEmpty", func(m *conference.Meeting) { m.Host = "" }, "host"},
		{"CityEmpty", func(m *conference.Meeting) { m.City = "" }, "city"},

		{"TimeZoneEmpty", func(m *conference.Meeting) { m.TimeZone = "" }, "time_zone"},
		{"TimeZoneLocal", func(m *conference.Meeting) { m.TimeZone = "Local" }, "time_zone"},
		{"TimeZoneUnknown", func(m *conference.Meeting) { m.TimeZone = "Europe/Atlantis" }, "time_zone"},
		{"TimeZoneAbbreviation", func(m *conference.Meeting) { m.TimeZone = "BST" }, "time_zone"},
		{"TimeZoneOffset", func(m *conference.Meeting) { m.TimeZone = "+01:00" }, "time_zone"},

		{"StartDateEmpty", func(m *conference.Meeting) { m.StartDate = "" }, "start_date"},
		{"StartDateNoPadding", func(m *conference.Meeting) { m.StartDate = "2014-7-9" }, "start_date"},
		{"StartDateBritishOrder", func(m *conference.Meeting) { m.StartDate = "09/07/2014" }, "start_date"},
		{"StartDateWithTime", func(m *conference.Meeting) { m.StartDate = "2014-07-09T09:00:00Z" }, "start_date"},
		{"StartDateNoSuchDay", func(m *conference.Meeting) { m.StartDate = "2014-02-30" }, "start_date"},
		{"StartDateMonth13", func(m *conference.Meeting) { m.StartDate = "2014-13-01" }, "start_date"},
		{"EndDateEmpty", func(m *conference.Meeting) { m.EndDate = "" }, "end_date"},
		{"EndDateMalformed", func(m *conference.Meeting) { m.EndDate = "11 July 2014" }, "end_date"},
		{"EndDateNotLeapYear", func(m *conference.Meeting) { m.EndDate = "2014-02-29" }, "end_date"},
		{"EndBeforeStart", func(m *conference.Meeting) { m.StartDate, m.EndDate = "2014-07-11", "2014-07-09" }, "end_date"},
		{"EndDayBeforeStart", func(m *conference.Meeting) { m.StartDate, m.EndDate = "2014-07-09", "2014-07-08" }, "end_date"},
		{"OverThirtyOneDays", func(m *conference.Meeting) { m.StartDate, m.EndDate = "2014-07-01", "2014-08-02" }, "end_date"},
		{"AYear", func(m *conference.Meeting) { m.StartDate, m.EndDate = "2014-07-09", "2015-07-09" }, "end_date"},

		{"OverrideUnknown", func(m *conference.Meeting) { m.Override = "in-session" }, "override"},
		{"OverrideWrongCase", func(m *conference.Meeting) { m.Override = "Closed" }, "override"},

		{"HostNotAmongDelegations", func(m *conference.Meeting) { m.Delegations = []string{"AU", "CA", "NZ", "US"} }, "delegations"},
		{"NoDelegations", func(m *conference.Meeting) { m.Delegations = nil }, "delegations"},
	})
}

func TestMeeting_Span(t *testing.T) {
	// London is on BST (UTC+1) in July: the meeting runs from midnight of 9
	// July to midnight after 11 July, London time.
	m := validMeeting()
	from, until := m.Span()
	if got, want := from, mustTime("2014-07-08T23:00:00Z"); !got.Equal(want) {
		t.Fatalf("from=%v, want %v", got, want)
	}
	if got, want := until, mustTime("2014-07-11T23:00:00Z"); !got.Equal(want) {
		t.Fatalf("until=%v, want %v", got, want)
	}

	// Canberra is on AEST (UTC+10) in July.
	m.TimeZone = "Australia/Sydney"
	from, until = m.Span()
	if got, want := from, mustTime("2014-07-08T14:00:00Z"); !got.Equal(want) {
		t.Fatalf("Sydney from=%v, want %v", got, want)
	}
	if got, want := until, mustTime("2014-07-11T14:00:00Z"); !got.Equal(want) {
		t.Fatalf("Sydney until=%v, want %v", got, want)
	}

	// Across the end of British Summer Time (26 October 2014) the last day
	// is 25 hours long, and the span follows the wall clock.
	m.TimeZone, m.StartDate, m.EndDate = "Europe/London", "2014-10-25", "2014-10-26"
	from, until = m.Span()
	if got, want := until.Sub(from), 49*time.Hour; got != want {
		t.Fatalf("span across the end of BST=%v, want %v", got, want)
	}
}

// A meeting from 1 July to 1 August lasts 32 days (its span runs from
// midnight of the first day to midnight after the last), more than the 31
// that Validate promises.
func TestMeeting_Validate_ThirtyTwoDays(t *testing.T) {
	m := validMeeting()
	m.StartDate, m.EndDate = "2014-07-01", "2014-08-01"
	from, until := m.Span()
	if got, want := until.Sub(from), 32*24*time.Hour; got != want {
		t.Fatalf("span=%v, want %v", got, want)
	}
	assertInvalid(t, m.Validate(), "end_date")
}

func TestSession_Validate(t *testing.T) {
	testValidate(t, validSession, []editCase[conference.Session]{
		{"Valid", func(s *conference.Session) {}, ""},
		{"ValidTwelveHours", func(s *conference.Session) { s.End = s.Start.Add(12 * time.Hour) }, ""},
		{"ValidOneMinute", func(s *conference.Session) { s.End = s.Start.Add(time.Minute) }, ""},
		{"ValidLive", func(s *conference.Session) { s.Status = conference.SessionLive }, ""},
		{"ValidEnded", func(s *conference.Session) { s.Status = conference.SessionEnded }, ""},
		{"ValidNoRapporteursNoTopics", func(s *conference.Session) { s.Rapporteurs, s.Topics = nil, nil }, ""},

		{"TitleEmpty", func(s *conference.Session) { s.Title = "" }, "title"},
		{"TitleBlank", func(s *conference.Session) { s.Title = "   " }, "title"},
		{"TitleTooLong", func(s *conference.Session) { s.Title = strings.Repeat("t", 201) }, "title"},
		{"StartZero", func(s *conference.Session) { s.Start = time.Time{} }, "start"},
		{"EndZero", func(s *conference.Session) { s.End = time.Time{} }, "end"},
		{"EndBeforeStart", func(s *conference.Session) { s.End = s.Start.Add(-time.Minute) }, "end"},
		{"EndEqualsStart", func(s *conference.Session) { s.End = s.Start }, "end"},
		{"EndEqualsStartOtherZone", func(s *conference.Session) {
			s.End = s.Start.In(time.FixedZone("BST", 3600))
		}, "end"},
		{"OverTwelveHours", func(s *conference.Session) { s.End = s.Start.Add(12*time.Hour + time.Second) }, "end"},
		{"RoomTooLong", func(s *conference.Session) { s.Room = strings.Repeat("r", 201) }, "room"},
		{"StatusEmpty", func(s *conference.Session) { s.Status = "" }, "status"},
		{"StatusUnknown", func(s *conference.Session) { s.Status = "cancelled" }, "status"},
		{"DuplicateRapporteur", func(s *conference.Session) { s.Rapporteurs = []string{"r1", "r2", "r1"} }, "rapporteurs"},
		{"DuplicateTopic", func(s *conference.Session) { s.Topics = []string{"t2", "t2"} }, "topics"},
	})
}

func TestNote_Validate(t *testing.T) {
	testValidate(t, validNote, []editCase[conference.Note]{
		{"Valid", func(n *conference.Note) {}, ""},
		{"ValidAllMarkings", func(n *conference.Note) { n.Marking = conference.MarkingAll }, ""},
		{"ValidHeads", func(n *conference.Note) { n.Marking = conference.MarkingHeads }, ""},
		{"Valid10000ASCII", func(n *conference.Note) { n.Text = strings.Repeat("a", 10000) }, ""},
		// 10,000 characters of two bytes each: the limit is in characters.
		{"Valid10000Accented", func(n *conference.Note) { n.Text = strings.Repeat("é", 10000) }, ""},
		{"Valid10000Emoji", func(n *conference.Note) { n.Text = strings.Repeat("🔒", 10000) }, ""},
		{"ValidClientID100", func(n *conference.Note) { n.ClientID = strings.Repeat("c", 100) }, ""},
		{"ValidAmendsEarlier", func(n *conference.Note) { n.Seq, n.Amends = 3, 2 }, ""},
		// Before the Service assigns seq, amends cannot be checked against it.
		{"ValidAmendsWithoutSeq", func(n *conference.Note) { n.Seq, n.Amends = 0, 7 }, ""},

		{"TextEmpty", func(n *conference.Note) { n.Text = "" }, "text"},
		{"TextBlank", func(n *conference.Note) { n.Text = " \n\t " }, "text"},
		{"Text10001ASCII", func(n *conference.Note) { n.Text = strings.Repeat("a", 10001) }, "text"},
		{"Text10001Accented", func(n *conference.Note) { n.Text = strings.Repeat("é", 10001) }, "text"},
		{"MarkingEmpty", func(n *conference.Note) { n.Marking = "" }, "marking"},
		{"MarkingUnknown", func(n *conference.Note) { n.Marking = "secret" }, "marking"},
		{"MarkingWrongCase", func(n *conference.Note) { n.Marking = "Heads" }, "marking"},
		{"ClientIDMissing", func(n *conference.Note) { n.ClientID = "" }, "client_id"},
		{"ClientIDTooLong", func(n *conference.Note) { n.ClientID = strings.Repeat("c", 101) }, "client_id"},
		{"AmendsNegative", func(n *conference.Note) { n.Amends = -1 }, "amends"},
		{"AmendsItself", func(n *conference.Note) { n.Seq, n.Amends = 3, 3 }, "amends"},
		{"AmendsLater", func(n *conference.Note) { n.Seq, n.Amends = 3, 4 }, "amends"},
	})
}

// Limits that the messages state in characters should count characters, as
// the note's limit does: a 150-character name in accented letters is
// 300 bytes.
func TestValidate_LengthsInCharacters(t *testing.T) {
	name := strings.Repeat("é", 150)

	u := validUser()
	u.Name = name
	assertNoError(t, u.Validate())

	tp := validTopic()
	tp.Title = name
	assertNoError(t, tp.Validate())

	m := validMeeting()
	m.Title = name
	assertNoError(t, m.Validate())

	s := validSession()
	s.Title = name
	assertNoError(t, s.Validate())
}

func TestMarking_Order(t *testing.T) {
	for _, tt := range []struct {
		m     conference.Marking
		level int
		valid bool
	}{
		{conference.MarkingAll, 0, true},
		{conference.MarkingDelegations, 1, true},
		{conference.MarkingHeads, 2, true},
		{"", -1, false},
		{"secret", -1, false},
		{"HEADS", -1, false},
	} {
		if got, want := tt.m.Level(), tt.level; got != want {
			t.Errorf("Marking(%q).Level()=%d, want %d", tt.m, got, want)
		}
		if got, want := tt.m.Valid(), tt.valid; got != want {
			t.Errorf("Marking(%q).Valid()=%v, want %v", tt.m, got, want)
		}
	}
	if got, want := fmt.Sprint(conference.Markings), "[all delegations heads]"; got != want {
		t.Fatalf("Markings=%s, want %s (least to most restricted)", got, want)
	}
	for i := 1; i < len(conference.Markings); i++ {
		if conference.Markings[i-1].Level() >= conference.Markings[i].Level() {
			t.Fatalf("%s is not below %s", conference.Markings[i-1], conference.Markings[i])
		}
	}
}

func TestRole_Valid(t *testing.T) {
	for _, r := range conference.Roles {
		if !r.Valid() {
			t.Errorf("Role(%q).Valid()=false", r)
		}
	}
	for _, r := range []conference.Role{"", "Admin", "secretariat", "superuser"} {
		if r.Valid() {
			t.Errorf("Role(%q).Valid()=true", r)
		}
	}
	if got, want := len(conference.Roles), 6; got != want {
		t.Fatalf("len(Roles)=%d, want %d", got, want)
	}
}

func TestUser_Clearance(t *testing.T) {
	const (
		all  = conference.MarkingAll
		dels = conference.MarkingDelegations
		hds  = conference.MarkingHeads
	)
	for _, tt := range []struct {
		name     string
		roles    []conference.Role
		disabled bool
		want     conference.Marking
	}{
		{"Admin", []conference.Role{conference.RoleAdmin}, false, hds},
		{"Head", []conference.Role{conference.RoleHead}, false, hds},
		{"Delegate", []conference.Role{conference.RoleDelegate}, false, dels},
		{"Rapporteur", []conference.Role{conference.RoleRapporteur}, false, dels},
		{"Followup", []conference.Role{conference.RoleFollowup}, false, dels},
		{"Observer", []conference.Role{conference.RoleObserver}, false, all},
		{"NoRoles", nil, false, all},
		{"UnknownRoleOnly", []conference.Role{"superuser"}, false, all},

		// A user with several roles reads at the highest clearance among them.
		{"ObserverAndDelegate", []conference.Role{conference.RoleObserver, conference.RoleDelegate}, false, dels},
		{"DelegateAndHead", []conference.Role{conference.RoleDelegate, conference.RoleHead}, false, hds},
		{"ObserverAndHead", []conference.Role{conference.RoleObserver, conference.RoleHead}, false, hds},
		{"RapporteurAndFollowup", []conference.Role{conference.RoleRapporteur, conference.RoleFollowup}, false, dels},
		{"ObserverAndAdmin", []conference.Role{conference.RoleObserver, conference.RoleAdmin}, false, hds},
		{"HeadListedLast", []conference.Role{conference.RoleObserver, conference.RoleRapporteur, conference.RoleHead}, false, hds},

		// A disabled account reads nothing, whatever its roles.
		{"DisabledAdmin", []conference.Role{conference.RoleAdmin}, true, ""},
		{"DisabledHead", []conference.Role{conference.RoleHead}, true, ""},
		{"DisabledObserver", []conference.Role{conference.RoleObserver}, true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u := &conference.User{ID: "u", Roles: tt.roles, Delegation: "GB", Disabled: tt.disabled}
			if got, want := u.Clearance(), tt.want; got != want {
				t.Fatalf("Clearance()=%q, want %q", got, want)
			}
			for _, m := range conference.Markings {
				want := tt.want != "" && m.Level() <= tt.want.Level()
				if got := u.MayRead(m); got != want {
					t.Fatalf("MayRead(%s)=%v, want %v", m, got, want)
				}
			}
			// Nobody reads what carries no known marking.
			for _, m := range []conference.Marking{"", "secret"} {
				if u.MayRead(m) {
					t.Fatalf("MayRead(%q)=true", m)
				}
			}
		})
	}
}

func TestUser_CanRead_Matrix(t *testing.T) {
	// The table of DESIGN.md, spelled out.
	for _, tt := range []struct {
		role                 conference.Role
		all, delegations, hd bool
	}{
		{conference.RoleAdmin, true, true, true},
		{conference.RoleHead, true, true, true},
		{conference.RoleDelegate, true, true, false},
		{conference.RoleRapporteur, true, true, false},
		{conference.RoleFollowup, true, true, false},
		{conference.RoleObserver, true, false, false},
	} {
		u := &conference.User{Roles: []conference.Role{tt.role}, Delegation: "NZ"}
		if got, want := u.MayRead(conference.MarkingAll), tt.all; got != want {
			t.Errorf("%s MayRead(all)=%v, want %v", tt.role, got, want)
		}
		if got, want := u.MayRead(conference.MarkingDelegations), tt.delegations; got != want {
			t.Errorf("%s MayRead(delegations)=%v, want %v", tt.role, got, want)
		}
		if got, want := u.MayRead(conference.MarkingHeads), tt.hd; got != want {
			t.Errorf("%s MayRead(heads)=%v, want %v", tt.role, got, want)
		}
	}
}

func TestUser_NilReadsNothing(t *testing.T) {
	var u *conference.User
	if got := u.Clearance(); got != "" {
		t.Fatalf("nil Clearance()=%q, want none", got)
	}
	if u.MayRead(conference.MarkingAll) {
		t.Fatal("nil user can read marking all")
	}
	if u.Has(conference.RoleAdmin) || u.IsAdmin() || u.MayEditAgenda() || u.MayManageUsers() {
		t.Fatal("nil user holds a role")
	}
}

func TestUser_Permissions(t *testing.T) {
	for _, r := range conference.Roles {
		u := &conference.User{Roles: []conference.Role{r}, Delegation: "AU"}
		want := r == conference.RoleAdmin
		if got := u.MayEditAgenda(); got != want {
			t.Errorf("%s MayEditAgenda()=%v, want %v", r, got, want)
		}
		if got := u.MayManageUsers(); got != want {
			t.Errorf("%s MayManageUsers()=%v, want %v", r, got, want)
		}
	}
}

func TestUser_Public(t *testing.T) {
	u := validUser()
	u.PasswordHash = "h:secret"
	p := u.Public()
	if got, want := p.ID, u.ID; got != want {
		t.Fatalf("ID=%q, want %q", got, want)
	}
	if got, want := p.Name, u.Name; got != want {
		t.Fatalf("Name=%q, want %q", got, want)
	}
	if got, want := p.Delegation, u.Delegation; got != want {
		t.Fatalf("Delegation=%q, want %q", got, want)
	}
	if got := fmt.Sprintf("%+v", p); strings.Contains(got, "alice@") || strings.Contains(got, "h:secret") {
		t.Fatalf("public view shows the email or the password hash: %s", got)
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"alice@example.org":       "alice@example.org",
		"  Alice@Example.ORG \n":  "alice@example.org",
		"BOB.SMITH@CPS.GOV.UK":    "bob.smith@cps.gov.uk",
		"":                        "",
		"\tcarol@justice.gc.ca  ": "carol@justice.gc.ca",
	} {
		if got := conference.NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q)=%q, want %q", in, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Run("Invalid", func(t *testing.T) {
		err := conference.Invalid("title", "title is longer than %d characters", 200)
		if got, want := err.Error(), "invalid: title is longer than 200 characters"; got != want {
			t.Fatalf("Error()=%q, want %q", got, want)
		}
		assertInvalid(t, err, "title")
	})
	t.Run("Wrapped", func(t *testing.T) {
		err := fmt.Errorf("seed meeting x: %w", conference.Errorf(conference.EDUPLICATE, "Meeting %s already exists.", "x"))
		if got, want := conference.ErrorCode(err), conference.EDUPLICATE; got != want {
			t.Fatalf("ErrorCode=%q, want %q", got, want)
		}
		if got, want := conference.ErrorMessage(err), "Meeting x already exists."; got != want {
			t.Fatalf("ErrorMessage=%q, want %q", got, want)
		}
	})
	t.Run("Foreign", func(t *testing.T) {
		err := errors.New("connection refused to 10.0.0.7:27017")
		if got, want := conference.ErrorCode(err), conference.EINTERNAL; got != want {
			t.Fatalf("ErrorCode=%q, want %q", got, want)
		}
		if got, want := conference.ErrorMessage(err), "Internal error."; got != want {
			t.Fatalf("ErrorMessage=%q, want %q: details must not leak", got, want)
		}
	})
	t.Run("Nil", func(t *testing.T) {
		if got := conference.ErrorCode(nil); got != "" {
			t.Fatalf("ErrorCode(nil)=%q, want empty", got)
		}
	})
}

func TestSecrets(t *testing.T) {
	a, b := conference.NewSecret(), conference.NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	if got, want := len(a), 43; got != want { // 256 bits, unpadded base64
		t.Fatalf("len(secret)=%d, want %d", got, want)
	}
	if got, want := conference.HashSecret(a), conference.HashSecret(a); got != want {
		t.Fatal("HashSecret is not deterministic")
	}
	if conference.HashSecret(a) == a || conference.HashSecret(a) == conference.HashSecret(b) {
		t.Fatal("HashSecret does not hide the secret")
	}
	if got, want := len(conference.HashSecret(a)), 64; got != want {
		t.Fatalf("len(HashSecret)=%d, want %d", got, want)
	}
	if id := conference.NewID(); len(id) != 24 || id == conference.NewID() {
		t.Fatalf("NewID()=%q: want 24 hex digits, different each time", id)
	}
}

// A Validate that collects names every invalid field at once, the first one
// also as Field and Message, and each field once only: an empty owner is
// "required", not also "not a delegation code".
func TestValidate_NamesEveryField(t *testing.T) {
	tp := validTopic()
	tp.Slug, tp.Title = "Not A Slug", " "
	var e *conference.Error
	if !errors.As(tp.Validate(), &e) {
		t.Fatalf("topic with a bad slug and no title: %v, want *Error", tp.Validate())
	}
	if e.Field != "slug" || e.Code != conference.EINVALID {
		t.Errorf("Field %q code %q, want the first invalid field, slug, as invalid", e.Field, e.Code)
	}
	want := []conference.FieldError{
		{Field: "slug", Message: e.Message},
		{Field: "title", Message: "Give the title."},
	}
	if fmt.Sprint(e.Fields) != fmt.Sprint(want) {
		t.Errorf("Fields %v, want %v", e.Fields, want)
	}

	d := validDelegation()
	d.Name = ""
	if err := d.Validate(); !errors.As(err, &e) || len(e.Fields) != 0 || e.Message != "Give the delegation's name." {
		t.Errorf("one invalid field: %#v, want its one problem and no Fields", err)
	}

	a := conference.Action{Title: "Share the guidance", Due: "2026-01-01", Status: conference.ActionOpen, Marking: conference.MarkingAll}
	if err := a.Validate(); !errors.As(err, &e) {
		t.Fatalf("action without owner: %v", err)
	}
	if want := "Choose the delegation that owns the action."; e.Message != want || len(e.Fields) != 0 {
		t.Errorf("empty owner: %q with Fields %v, want only %q", e.Message, e.Fields, want)
	}
}
