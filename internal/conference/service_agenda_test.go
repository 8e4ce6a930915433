package conference_test

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

func seedData() conference.SeedData {
	return conference.SeedData{
		Delegations: []conference.Delegation{
			{Code: "AU", Name: "Australia"},
			{Code: "CA", Name: "Canada"},
			{Code: "GB", Name: "United Kingdom", Agencies: []string{"National Crime Agency"}},
			{Code: "NZ", Name: "New Zealand"},
			{Code: "US", Name: "United States"},
		},
		Topics: []conference.Topic{
			{ID: "cyberbullying", Slug: "cyberbullying", Title: "Cyberbullying"},
			{ID: "international-cooperation", Slug: "international-cooperation", Title: "International co-operation"},
		},
		Meetings: []conference.Meeting{func() conference.Meeting {
			m := validMeeting()
			m.Topics = []string{"cyberbullying", "international-cooperation"}
			return m
		}()},
		Sessions: []conference.Session{
			{
				ID: "london-2014-d1-opening", MeetingID: "london-2014", Title: "Opening plenary",
				Start: mustTime("2014-07-09T09:30:00+01:00"), End: mustTime("2014-07-09T10:30:00+01:00"),
			},
			{
				ID: "london-2014-d1-cyberbullying", MeetingID: "london-2014", Title: "Cyberbullying",
				Start: mustTime("2014-07-09T16:00:00+01:00"), End: mustTime("2014-07-09T17:30:00+01:00"),
				Topics: []string{"cyberbullying"}, Status: conference.SessionLive,
			},
			{
				ID: "london-2014-d2-cooperation", MeetingID: "london-2014", Title: "International co-operation",
				Start: mustTime("2014-07-10T09:30:00+01:00"), End: mustTime("2014-07-10T11:00:00+01:00"),
				Topics: []string{"international-cooperation"}, Status: conference.SessionEnded,
			},
		},
	}
}

func TestService_Seed(t *testing.T) {
	f := newFixture(t)
	if !f.svc.Empty() {
		t.Fatal("a new Service is not empty")
	}
	n, err := f.svc.Seed(ctx, seedData())
	assertNoError(t, err)
	if got, want := n, 5+2+1+3; got != want {
		t.Fatalf("first Seed added %d, want %d", got, want)
	}
	if f.svc.Empty() {
		t.Fatal("Empty after Seed")
	}
	b := f.before(t)

	n, err = f.svc.Seed(ctx, seedData())
	assertNoError(t, err)
	if got, want := n, 0; got != want {
		t.Fatalf("second Seed added %d, want %d", got, want)
	}
	f.assertUnchanged(t, b)

	// Sessions are stored in UTC, with defaults filled in.
	se, err := f.svc.Session(ctx, conference.SystemActor, "london-2014-d1-opening")
	assertNoError(t, err)
	if got, want := se.Start, mustTime("2014-07-09T08:30:00Z"); !got.Equal(want) || se.Start.Location() != time.UTC {
		t.Fatalf("Start=%v, want %v in UTC", got, want)
	}
	if got, want := se.Status, conference.SessionScheduled; got != want {
		t.Fatalf("Status=%q, want %q", got, want)
	}
	if got, want := se.Version, int64(1); got != want {
		t.Fatalf("Version=%d, want %d", got, want)
	}
	if se.Rapporteurs == nil || se.Topics == nil {
		t.Fatal("seeded session has nil lists")
	}
	agenda, err := f.svc.Agenda(ctx, conference.SystemActor, "london-2014")
	assertNoError(t, err)
	if got, want := len(agenda), 3; got != want {
		t.Fatalf("len(agenda)=%d, want %d", got, want)
	}

	// Adding a session to the data set later adds that one only.
	data := seedData()
	data.Sessions = append(data.Sessions, conference.Session{
		ID: "london-2014-d3-closing", MeetingID: "london-2014", Title: "Closing",
		Start: mustTime("2014-07-11T15:00:00+01:00"), End: mustTime("2014-07-11T16:00:00+01:00"),
	})
	n, err = f.svc.Seed(ctx, data)
	assertNoError(t, err)
	if got, want := n, 1; got != want {
		t.Fatalf("third Seed added %d, want %d", got, want)
	}
}

func TestService_Seed_Invalid(t *testing.T) {
	for _, tt := range []struct {
		name  string
		edit  func(d *conference.SeedData)
		code  string
		field string
	}{
		{"DelegationCode", func(d *conference.SeedData) { d.Delegations[0].Code = "aus" }, conference.EINVALID, "code"},
		{"TopicSlug", func(d *conference.SeedData) { d.Topics[0].Slug = "Cyber Bullying" }, conference.EINVALID, "slug"},
		{"MeetingTimeZone", func(d *conference.SeedData) { d.Meetings[0].TimeZone = "Local" }, conference.EINVALID, "time_zone"},
		{"MeetingUnknownTopic", func(d *conference.SeedData) { d.Meetings[0].Topics = []string{"nope"} }, conference.EINVALID, "topics"},
		{"SessionEndBeforeStart", func(d *conference.SeedData) {
			d.Sessions[0].End = d.Sessions[0].Start.Add(-time.Hour)
		}, conference.EINVALID, "end"},
		{"SessionOutsideMeeting", func(d *conference.SeedData) {
			d.Sessions[0].Start = mustTime("2014-07-08T09:00:00Z")
			d.Sessions[0].End = mustTime("2014-07-08T10:00:00Z")
		}, conference.EINVALID, "start"},
		{"SessionUnknownRapporteur", func(d *conference.SeedData) {
			d.Sessions[0].Rapporteurs = []string{"nobody"}
		}, conference.EINVALID, "rapporteurs"},
		{"SessionUnknownMeeting", func(d *conference.SeedData) { d.Sessions[0].MeetingID = "paris-2015" }, conference.ENOTFOUND, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			data := seedData()
			tt.edit(&data)
			_, err := f.svc.Seed(ctx, data)
			if e := assertCode(t, err, tt.code); tt.field != "" && e.Field != tt.field {
				t.Fatalf("Field=%q, want %q", e.Field, tt.field)
			}
		})
	}
}

func TestService_Delegations(t *testing.T) {
	l := newLondon(t)
	ds, err := l.svc.Delegations(ctx, l.observer)
	assertNoError(t, err)
	if got, want := fmt.Sprint(pluck(ds, func(d *conference.Delegation) string { return d.Code })), "[AU CA GB NZ US]"; got != want {
		t.Fatalf("codes=%s, want %s", got, want)
	}

	// Codes are taken in any case and spacing, stored in capitals.
	d, err := l.svc.CreateDelegation(ctx, l.admin, conference.Delegation{Code: " ie ", Name: "Ireland"})
	assertNoError(t, err)
	if got, want := d.Code, "IE"; got != want {
		t.Fatalf("Code=%q, want %q", got, want)
	}
	if d.Agencies == nil {
		t.Fatal("Agencies=nil, want an empty list")
	}
	_, err = l.svc.CreateDelegation(ctx, l.admin, conference.Delegation{Code: "GB", Name: "Great Britain"})
	if e := assertCode(t, err, conference.EDUPLICATE); e.Field != "code" {
		t.Fatalf("Field=%q, want code", e.Field)
	}
	_, err = l.svc.CreateDelegation(ctx, l.admin, conference.Delegation{Code: "GBR", Name: "Great Britain"})
	assertInvalid(t, err, "code")

	d, err = l.svc.UpdateDelegation(ctx, l.admin, "GB", conference.DelegationUpdate{Agencies: &[]string{"Home Office"}})
	assertNoError(t, err)
	if got, want := fmt.Sprint(d.Agencies), "[Home Office]"; got != want || d.Name != "United Kingdom" {
		t.Fatalf("after update: %+v", d)
	}
	_, err = l.svc.UpdateDelegation(ctx, l.admin, "GB", conference.DelegationUpdate{Name: ptr(" ")})
	assertInvalid(t, err, "name")
	_, err = l.svc.UpdateDelegation(ctx, l.admin, "FR", conference.DelegationUpdate{Name: ptr("France")})
	assertCode(t, err, conference.ENOTFOUND)
	_, err = l.svc.Delegation(ctx, l.delegate, "FR")
	assertCode(t, err, conference.ENOTFOUND)
}

func TestService_Topics(t *testing.T) {
	l := newLondon(t)

	t.Run("BySlugOrID", func(t *testing.T) {
		for _, key := range []string{l.cyberbullying.ID, "cyberbullying"} {
			tp, err := l.svc.Topic(ctx, l.observer, key)
			assertNoError(t, err)
			if got, want := tp.ID, l.cyberbullying.ID; got != want {
				t.Fatalf("Topic(%q).ID=%q, want %q", key, got, want)
			}
		}
		_, err := l.svc.Topic(ctx, l.observer, "no-such-topic")
		assertCode(t, err, conference.ENOTFOUND)
	})

	t.Run("ByTitle", func(t *testing.T) {
		ts, err := l.svc.Topics(ctx, l.delegate)
		assertNoError(t, err)
		if got, want := fmt.Sprint(pluck(ts, func(tp *conference.Topic) string { return tp.Slug })), "[cyberbullying privacy-information-sharing]"; got != want {
			t.Fatalf("slugs=%s, want %s", got, want)
		}
	})

	t.Run("DuplicateSlugOnCreate", func(t *testing.T) {
		b := l.before(t)
		_, err := l.svc.CreateTopic(ctx, l.admin, conference.Topic{Slug: "cyberbullying", Title: "Another"})
		if e := assertCode(t, err, conference.EDUPLICATE); e.Field != "slug" {
			t.Fatalf("Field=%q, want slug", e.Field)
		}
		// Surrounding spaces do not make a different slug.
		_, err = l.svc.CreateTopic(ctx, l.admin, conference.Topic{Slug: " cyberbullying ", Title: "Another"})
		assertCode(t, err, conference.EDUPLICATE)
		l.assertUnchanged(t, b)
	})

	t.Run("DuplicateSlugOnUpdate", func(t *testing.T) {
		b := l.before(t)
		_, err := l.svc.UpdateTopic(ctx, l.admin, l.privacy.ID, conference.TopicUpdate{Slug: ptr("cyberbullying")})
		if e := assertCode(t, err, conference.EDUPLICATE); e.Field != "slug" {
			t.Fatalf("Field=%q, want slug", e.Field)
		}
		l.assertUnchanged(t, b)
	})

	t.Run("DuplicateID", func(t *testing.T) {
		_, err := l.svc.CreateTopic(ctx, l.admin, conference.Topic{ID: l.privacy.ID, Slug: "privacy-2", Title: "Privacy again"})
		assertCode(t, err, conference.EDUPLICATE)
		tp, err := l.svc.Topic(ctx, l.admin, l.privacy.ID)
		assertNoError(t, err)
		if got, want := tp.Slug, "privacy-information-sharing"; got != want {
			t.Fatalf("Slug=%q, want %q: the existing topic was overwritten", got, want)
		}
	})

	t.Run("Update", func(t *testing.T) {
		// Keeping one's own slug is no conflict.
		tp, err := l.svc.UpdateTopic(ctx, l.admin, "cyberbullying", conference.TopicUpdate{
			Slug: ptr("cyberbullying"), Description: ptr("Prevalence and responses"),
		})
		assertNoError(t, err)
		if got, want := tp.Description, "Prevalence and responses"; got != want {
			t.Fatalf("Description=%q, want %q", got, want)
		}
		tp, err = l.svc.UpdateTopic(ctx, l.admin, l.cyberbullying.ID, conference.TopicUpdate{Slug: ptr("online-bullying")})
		assertNoError(t, err)
		if got, want := tp.Slug, "online-bullying"; got != want {
			t.Fatalf("Slug=%q, want %q", got, want)
		}
		if _, err := l.svc.Topic(ctx, l.admin, "cyberbullying"); conference.ErrorCode(err) != conference.ENOTFOUND {
			t.Fatalf("old slug still finds the topic: %v", err)
		}
		// The freed slug can be taken again.
		l.mustCreateTopic(t, "cyberbullying", "Cyberbullying, again")

		_, err = l.svc.UpdateTopic(ctx, l.admin, l.cyberbullying.ID, conference.TopicUpdate{Title: ptr("")})
		assertInvalid(t, err, "title")
		_, err = l.svc.UpdateTopic(ctx, l.admin, "nope", conference.TopicUpdate{Title: ptr("x")})
		assertCode(t, err, conference.ENOTFOUND)
	})
}

// Lists promise a stable order; topics with the same title come back in map
// order.
func TestService_Topics_StableOrder(t *testing.T) {
	f := newFixture(t)
	for i := range 6 {
		f.mustCreateTopic(t, fmt.Sprintf("topic-%d", i), "Same title")
	}
	first, err := f.svc.Topics(ctx, conference.SystemActor)
	assertNoError(t, err)
	for range 20 {
		again, err := f.svc.Topics(ctx, conference.SystemActor)
		assertNoError(t, err)
		if !slices.Equal(first, again) {
			t.Fatalf("two calls of Topics disagree on the order")
		}
	}
}

func TestService_Meetings(t *testing.T) {
	l := newLondon(t)

	t.Run("Defaults", func(t *testing.T) {
		if got, want := l.meeting.Status, conference.MeetingPlanned; got != want {
			t.Fatalf("Status=%q, want %q", got, want)
		}
		if got, want := l.meeting.ID, "london-2014"; got != want {
			t.Fatalf("ID=%q, want %q", got, want)
		}
		m := validMeeting()
		m.ID, m.Status, m.Delegations, m.Topics = "", "", []string{"GB"}, nil
		created, err := l.svc.CreateMeeting(ctx, l.admin, m)
		assertNoError(t, err)
		if created.ID == "" || created.Topics == nil {
			t.Fatalf("created=%+v: want an id and an empty topic list", created)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			edit  func(m *conference.Meeting)
			code  string
			field string
		}{
			{"UnknownDelegation", func(m *conference.Meeting) { m.Delegations = []string{"GB", "FR"} }, conference.EINVALID, "delegations"},
			{"LowerCaseDelegation", func(m *conference.Meeting) { m.Delegations = []string{"GB", "au"} }, conference.EINVALID, "delegations"},
			{"UnknownHost", func(m *conference.Meeting) { m.Host, m.Delegations = "FR", []string{"FR"} }, conference.EINVALID, "delegations"},
			{"HostNotTakingPart", func(m *conference.Meeting) { m.Delegations = []string{"AU"} }, conference.EINVALID, "delegations"},
			{"DuplicateDelegation", func(m *conference.Meeting) { m.Delegations = []string{"GB", "AU", "GB"} }, conference.EINVALID, "delegations"},
			{"UnknownTopic", func(m *conference.Meeting) { m.Topics = []string{"nope"} }, conference.EINVALID, "topics"},
			{"DuplicateTopic", func(m *conference.Meeting) {
				m.Topics = []string{l.privacy.ID, l.privacy.ID}
			}, conference.EINVALID, "topics"},
			{"TimeZoneLocal", func(m *conference.Meeting) { m.TimeZone = "Local" }, conference.EINVALID, "time_zone"},
			{"ExistingID", func(m *conference.Meeting) { m.ID = "london-2014" }, conference.EDUPLICATE, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				b := l.before(t)
				m := validMeeting()
				m.ID = "wellington-2015"
				tt.edit(&m)
				_, err := l.svc.CreateMeeting(ctx, l.admin, m)
				if e := assertCode(t, err, tt.code); tt.field != "" && e.Field != tt.field {
					t.Fatalf("Field=%q, want %q", e.Field, tt.field)
				}
				l.assertUnchanged(t, b)
			})
		}
	})

	t.Run("MostRecentFirst", func(t *testing.T) {
		for _, y := range []string{"2015", "2013"} {
			m := validMeeting()
			m.ID, m.StartDate, m.EndDate = "meeting-"+y, y+"-06-01", y+"-06-02"
			_, err := l.svc.CreateMeeting(ctx, l.admin, m)
			assertNoError(t, err)
		}
		ms, err := l.svc.Meetings(ctx, l.observer)
		assertNoError(t, err)
		dates := pluck(ms, func(m *conference.Meeting) string { return m.StartDate })
		if !slices.IsSortedFunc(dates, func(a, b string) int { return cmp.Compare(b, a) }) || dates[0] != "2015-06-01" {
			t.Fatalf("start dates %v: want the most recent first", dates)
		}
	})

	t.Run("Update", func(t *testing.T) {
		m, err := l.svc.UpdateMeeting(ctx, l.admin, "london-2014", conference.MeetingUpdate{
			Venue: ptr("Lancaster House"),
		})
		assertNoError(t, err)
		if m.Venue != "Lancaster House" || m.City != "London" {
			t.Fatalf("after update: %+v", m)
		}
		b := l.before(t)
		_, err = l.svc.UpdateMeeting(ctx, l.admin, "london-2014", conference.MeetingUpdate{Delegations: &[]string{"AU", "CA"}})
		assertInvalid(t, err, "delegations")
		_, err = l.svc.UpdateMeeting(ctx, l.admin, "london-2014", conference.MeetingUpdate{Host: ptr("XX"), Delegations: &[]string{"XX"}})
		assertInvalid(t, err, "delegations")
		_, err = l.svc.UpdateMeeting(ctx, l.admin, "london-2014", conference.MeetingUpdate{EndDate: ptr("2014-07-08")})
		assertInvalid(t, err, "end_date")
		_, err = l.svc.UpdateMeeting(ctx, l.admin, "paris-2015", conference.MeetingUpdate{City: ptr("Paris")})
		assertCode(t, err, conference.ENOTFOUND)
		l.assertUnchanged(t, b)
	})

	t.Run("NotFound", func(t *testing.T) {
		_, err := l.svc.Meeting(ctx, l.observer, "paris-2015")
		assertCode(t, err, conference.ENOTFOUND)
		_, err = l.svc.Agenda(ctx, l.observer, "paris-2015")
		assertCode(t, err, conference.ENOTFOUND)
	})
}

func TestService_CreateSession_MeetingDates(t *testing.T) {
	// The meeting is in Europe/London, 9–11 July 2014. London is on BST
	// (UTC+1) in July, so the meeting spans 2014-07-08T23:00Z to
	// 2014-07-11T23:00Z.
	for _, tt := range []struct {
		name       string
		start, end string
		inside     bool
	}{
		{"FirstMinuteLondon", "2014-07-08T23:00:00Z", "2014-07-09T00:00:00Z", true},
		{"HalfPastMidnightLondon", "2014-07-08T23:30:00Z", "2014-07-09T00:30:00Z", true},
		{"EveningBeforeLondon", "2014-07-08T22:30:00Z", "2014-07-08T23:30:00Z", false},
		{"MorningBeforeUTC", "2014-07-08T09:00:00Z", "2014-07-08T10:00:00Z", false},
		{"LastHourLondon", "2014-07-11T22:00:00Z", "2014-07-11T23:00:00Z", true},
		{"HalfPastElevenLondon", "2014-07-11T22:30:00Z", "2014-07-11T22:59:00Z", true},
		{"RunsPastMidnightLondon", "2014-07-11T22:30:00Z", "2014-07-11T23:30:00Z", false},
		{"DayAfterLondon", "2014-07-11T23:00:00Z", "2014-07-12T00:00:00Z", false},
		{"GivenInBST", "2014-07-09T09:30:00+01:00", "2014-07-09T10:30:00+01:00", true},
		{"GivenInCanberra", "2014-07-09T18:30:00+10:00", "2014-07-09T19:30:00+10:00", true}, // 09:30 London
		{"CanberraMorningBefore", "2014-07-09T08:00:00+10:00", "2014-07-09T09:00:00+10:00", false},
		{"WholeMeeting", "2014-07-09T00:00:00+01:00", "2014-07-09T12:00:00+01:00", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newLondon(t)
			b := l.before(t)
			se, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
				Title: "Session", Start: mustTime(tt.start), End: mustTime(tt.end),
			})
			if tt.inside {
				assertNoError(t, err)
				if got, want := se.Start, mustTime(tt.start); !got.Equal(want) || got.Location() != time.UTC {
					t.Fatalf("Start=%v, want %v in UTC", got, want)
				}
				return
			}
			e := assertCode(t, err, conference.EINVALID)
			if e.Field != "start" && e.Field != "end" {
				t.Fatalf("Field=%q, want start or end", e.Field)
			}
			l.assertUnchanged(t, b)
		})
	}
}

func TestService_CreateSession(t *testing.T) {
	l := newLondon(t)
	in := func() conference.SessionInput {
		return conference.SessionInput{
			Title:       "  Cyberbullying: prevalence and responses ",
			Start:       mustTime("2014-07-09T16:00:00+01:00"),
			End:         mustTime("2014-07-09T17:30:00+01:00"),
			Room:        " Main meeting room ",
			Chair:       l.head.ID,
			Rapporteurs: []string{l.rapporteur.ID},
			Topics:      []string{l.cyberbullying.ID},
		}
	}

	t.Run("OK", func(t *testing.T) {
		gen := l.svc.Generation()
		se, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, in())
		assertNoError(t, err)
		if got, want := se.Title, "Cyberbullying: prevalence and responses"; got != want {
			t.Fatalf("Title=%q, want %q", got, want)
		}
		if got, want := se.Room, "Main meeting room"; got != want {
			t.Fatalf("Room=%q, want %q", got, want)
		}
		if se.Status != conference.SessionScheduled || se.Version != 1 || se.MeetingID != l.meeting.ID || se.ID == "" {
			t.Fatalf("created=%+v", se)
		}
		if got := l.svc.Generation(); got <= gen {
			t.Fatalf("Generation=%d after a write, was %d", got, gen)
		}
		if got, want := l.changes.Last().Collection, conference.Sessions; got != want {
			t.Fatalf("last change in %q, want %q", got, want)
		}
		if !l.store.Has(conference.Sessions, se.ID) {
			t.Fatal("the session was not stored")
		}
		got, err := l.svc.Session(ctx, l.observer, se.ID)
		assertNoError(t, err)
		if !reflect.DeepEqual(*got, *se) {
			t.Fatalf("Session()=%+v, want %+v", got, se)
		}
	})

	for _, tt := range []struct {
		name  string
		edit  func(in *conference.SessionInput)
		code  string
		field string
	}{
		{"TitleEmpty", func(in *conference.SessionInput) { in.Title = "  " }, conference.EINVALID, "title"},
		{"EndBeforeStart", func(in *conference.SessionInput) { in.End = in.Start.Add(-time.Minute) }, conference.EINVALID, "end"},
		{"EndEqualsStart", func(in *conference.SessionInput) { in.End = in.Start }, conference.EINVALID, "end"},
		{"ThirteenHours", func(in *conference.SessionInput) {
			in.Start = mustTime("2014-07-09T08:00:00+01:00")
			in.End = in.Start.Add(13 * time.Hour)
		}, conference.EINVALID, "end"},
		{"UnknownTopic", func(in *conference.SessionInput) {
			in.Topics = []string{l.cyberbullying.ID, "nope"}
		}, conference.EINVALID, "topics"},
		{"TopicBySlug", func(in *conference.SessionInput) { in.Topics = []string{"cyberbullying"} }, conference.EINVALID, "topics"},
		{"DuplicateTopic", func(in *conference.SessionInput) {
			in.Topics = []string{l.privacy.ID, l.privacy.ID}
		}, conference.EINVALID, "topics"},
		{"UnknownRapporteur", func(in *conference.SessionInput) { in.Rapporteurs = []string{"nobody"} }, conference.EINVALID, "rapporteurs"},
		{"RapporteurWithoutRole", func(in *conference.SessionInput) {
			in.Rapporteurs = []string{l.rapporteur.ID, l.delegate.ID}
		}, conference.EINVALID, "rapporteurs"},
		{"AdminIsNoRapporteur", func(in *conference.SessionInput) { in.Rapporteurs = []string{l.admin.ID} }, conference.EINVALID, "rapporteurs"},
		{"DuplicateRapporteur", func(in *conference.SessionInput) {
			in.Rapporteurs = []string{l.rapporteur.ID, l.rapporteur.ID}
		}, conference.EINVALID, "rapporteurs"},
		{"UnknownChair", func(in *conference.SessionInput) { in.Chair = "nobody" }, conference.EINVALID, "chair"},
		{"OutsideMeeting", func(in *conference.SessionInput) {
			in.Start, in.End = in.Start.AddDate(0, 0, 3), in.End.AddDate(0, 0, 3)
		}, conference.EINVALID, "start"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := l.before(t)
			input := in()
			tt.edit(&input)
			_, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, input)
			if e := assertCode(t, err, tt.code); e.Field != tt.field {
				t.Fatalf("Field=%q, want %q (%v)", e.Field, tt.field, err)
			}
			l.assertUnchanged(t, b)
		})
	}

	t.Run("UnknownMeeting", func(t *testing.T) {
		b := l.before(t)
		_, err := l.svc.CreateSession(ctx, l.admin, "paris-2015", in())
		assertCode(t, err, conference.ENOTFOUND)
		l.assertUnchanged(t, b)
	})

	t.Run("RapporteurWithOtherRolesToo", func(t *testing.T) {
		both := l.mustCreateUser(t, "both@ag.gov.au", "AU", conference.RoleDelegate, conference.RoleRapporteur)
		input := in()
		input.Rapporteurs = []string{both.ID, l.rapporteur.ID}
		_, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, input)
		assertNoError(t, err)
	})
}

func TestService_Agenda_Order(t *testing.T) {
	l := newLondon(t)
	// Created out of order: the agenda is by start, then title.
	b := l.mustCreateSession(t, "B: privacy", "2014-07-09T10:00:00+01:00", "2014-07-09T11:00:00+01:00")
	c := l.mustCreateSession(t, "C: opening", "2014-07-09T09:00:00+01:00", "2014-07-09T10:00:00+01:00")
	a := l.mustCreateSession(t, "A: cyberbullying", "2014-07-09T10:00:00+01:00", "2014-07-09T10:30:00+01:00")
	d := l.mustCreateSession(t, "D: day two", "2014-07-10T09:00:00+01:00", "2014-07-10T10:00:00+01:00")

	assertAgenda := func(t *testing.T, want ...*conference.Session) {
		t.Helper()
		agenda, err := l.svc.Agenda(ctx, l.observer, l.meeting.ID)
		assertNoError(t, err)
		var got, wantIDs []string
		for _, se := range agenda {
			got = append(got, se.Title)
		}
		for _, se := range want {
			wantIDs = append(wantIDs, se.Title)
		}
		if !slices.Equal(got, wantIDs) {
			t.Fatalf("agenda=%q, want %q", got, wantIDs)
		}
	}
	assertAgenda(t, c, a, b, d)

	// Moving a session moves it on the agenda.
	_, err := l.svc.UpdateSession(ctx, l.admin, c.ID, conference.SessionUpdate{
		Start: ptr(mustTime("2014-07-10T11:00:00+01:00")), End: ptr(mustTime("2014-07-10T12:00:00+01:00")),
	})
	assertNoError(t, err)
	assertAgenda(t, a, b, d, c)

	// Renaming a session reorders those that start together.
	_, err = l.svc.UpdateSession(ctx, l.admin, a.ID, conference.SessionUpdate{Title: ptr("E: cyberbullying")})
	assertNoError(t, err)
	agenda, err := l.svc.Agenda(ctx, l.observer, l.meeting.ID)
	assertNoError(t, err)
	if got, want := agenda[0].ID, b.ID; got != want {
		t.Fatalf("first=%q, want %q", agenda[0].Title, b.Title)
	}
	if got, want := len(agenda), 4; got != want {
		t.Fatalf("len(agenda)=%d, want %d", got, want)
	}

	// Another meeting's agenda is its own.
	m := validMeeting()
	m.ID, m.StartDate, m.EndDate = "wellington-2015", "2015-05-01", "2015-05-02"
	_, err = l.svc.CreateMeeting(ctx, l.admin, m)
	assertNoError(t, err)
	other, err := l.svc.Agenda(ctx, l.observer, "wellington-2015")
	assertNoError(t, err)
	if other == nil || len(other) != 0 {
		t.Fatalf("agenda of a new meeting=%v, want empty and not nil", other)
	}
}

func TestService_UpdateSession(t *testing.T) {
	l := newLondon(t)
	se := l.mustCreateSession(t, "Cyberbullying", "2014-07-09T16:00:00+01:00", "2014-07-09T17:30:00+01:00")

	up, err := l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{
		Version: ptr(int64(1)), Rapporteurs: &[]string{l.rapporteur.ID}, Topics: &[]string{l.cyberbullying.ID},
		Chair: ptr(l.head.ID), Room: ptr("Room 2"),
	})
	assertNoError(t, err)
	if got, want := up.Version, int64(2); got != want {
		t.Fatalf("Version=%d, want %d", got, want)
	}
	if up.Room != "Room 2" || up.Chair != l.head.ID || up.Title != "Cyberbullying" || !up.Start.Equal(se.Start) {
		t.Fatalf("after update: %+v", up)
	}
	// The value returned earlier is not changed behind its holder's back.
	if got, want := se.Version, int64(1); got != want {
		t.Fatalf("old value's Version=%d, want %d", got, want)
	}

	t.Run("StaleVersion", func(t *testing.T) {
		b := l.before(t)
		_, err := l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{Version: ptr(int64(1)), Room: ptr("Room 3")})
		e := assertCode(t, err, conference.ESTALE)
		if got, want := e.Field, "version"; got != want {
			t.Fatalf("Field=%q, want %q", got, want)
		}
		cur, ok := e.Current.(*conference.Session)
		if !ok {
			t.Fatalf("Current=%T, want *conference.Session", e.Current)
		}
		if cur.Version != 2 || cur.Room != "Room 2" {
			t.Fatalf("Current=%+v, want version 2 in Room 2", cur)
		}
		_, err = l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{Version: ptr(int64(3))})
		assertCode(t, err, conference.ESTALE)
		l.assertUnchanged(t, b)
	})

	t.Run("WithoutVersion", func(t *testing.T) {
		up, err := l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{Title: ptr(" Cyberbullying (2) ")})
		assertNoError(t, err)
		if up.Version != 3 || up.Title != "Cyberbullying (2)" {
			t.Fatalf("after update: %+v", up)
		}
	})

	for _, tt := range []struct {
		name  string
		upd   conference.SessionUpdate
		field string
	}{
		{"EndBeforeStart", conference.SessionUpdate{End: ptr(mustTime("2014-07-09T15:00:00+01:00"))}, "end"},
		{"EndEqualsStart", conference.SessionUpdate{End: ptr(mustTime("2014-07-09T16:00:00+01:00"))}, "end"},
		{"OverTwelveHours", conference.SessionUpdate{
			Start: ptr(mustTime("2014-07-09T06:00:00+01:00")), End: ptr(mustTime("2014-07-09T18:30:00+01:00")),
		}, "end"},
		{"OutsideMeeting", conference.SessionUpdate{
			Start: ptr(mustTime("2014-07-12T09:00:00+01:00")), End: ptr(mustTime("2014-07-12T10:00:00+01:00")),
		}, "start"},
		{"UnknownTopic", conference.SessionUpdate{Topics: &[]string{"nope"}}, "topics"},
		{"DuplicateRapporteur", conference.SessionUpdate{Rapporteurs: &[]string{l.rapporteur.ID, l.rapporteur.ID}}, "rapporteurs"},
		{"RapporteurWithoutRole", conference.SessionUpdate{Rapporteurs: &[]string{l.followup.ID}}, "rapporteurs"},
		{"UnknownChair", conference.SessionUpdate{Chair: ptr("nobody")}, "chair"},
		{"TitleEmpty", conference.SessionUpdate{Title: ptr("")}, "title"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := l.before(t)
			_, err := l.svc.UpdateSession(ctx, l.admin, se.ID, tt.upd)
			assertInvalid(t, err, tt.field)
			l.assertUnchanged(t, b)
		})
	}

	t.Run("NotFound", func(t *testing.T) {
		_, err := l.svc.UpdateSession(ctx, l.admin, "nope", conference.SessionUpdate{Room: ptr("x")})
		assertCode(t, err, conference.ENOTFOUND)
	})
}

func TestService_DeleteSession(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Seed(ctx, seedData())
	assertNoError(t, err)

	for _, tt := range []struct {
		id   string
		code string
	}{
		{"london-2014-d1-cyberbullying", conference.ECONFLICT}, // live
		{"london-2014-d2-cooperation", conference.ECONFLICT},   // ended
		{"no-such-session", conference.ENOTFOUND},
	} {
		b := f.before(t)
		err := f.svc.DeleteSession(ctx, conference.SystemActor, tt.id, nil)
		assertCode(t, err, tt.code)
		f.assertUnchanged(t, b)
	}

	gen := f.svc.Generation()
	assertNoError(t, f.svc.DeleteSession(ctx, conference.SystemActor, "london-2014-d1-opening", nil))
	if got := f.svc.Generation(); got <= gen {
		t.Fatalf("Generation=%d after a delete, was %d", got, gen)
	}
	if ch := f.changes.Last(); ch.Collection != conference.Sessions || ch.ID != "london-2014-d1-opening" || ch.Doc != nil {
		t.Fatalf("last change=%+v, want the deletion", ch)
	}
	_, err = f.svc.Session(ctx, conference.SystemActor, "london-2014-d1-opening")
	assertCode(t, err, conference.ENOTFOUND)
	if f.store.Has(conference.Sessions, "london-2014-d1-opening") {
		t.Fatal("the session is still stored")
	}
	agenda, err := f.svc.Agenda(ctx, conference.SystemActor, "london-2014")
	assertNoError(t, err)
	if got, want := len(agenda), 2; got != want {
		t.Fatalf("len(agenda)=%d, want %d", got, want)
	}
	for _, se := range agenda {
		if se.ID == "london-2014-d1-opening" {
			t.Fatal("the deleted session is still on the agenda")
		}
	}
}

// allWrites lists every write of the Service that only the secretariat may
// make, each with an input that an admin could make succeed.
func allWrites(l *london, sessionID string) []struct {
	name string
	call func(actor *conference.User) error
} {
	return []struct {
		name string
		call func(actor *conference.User) error
	}{
		{"CreateDelegation", func(a *conference.User) error {
			_, err := l.svc.CreateDelegation(ctx, a, conference.Delegation{Code: "IE", Name: "Ireland"})
			return err
		}},
		{"UpdateDelegation", func(a *conference.User) error {
			_, err := l.svc.UpdateDelegation(ctx, a, "GB", conference.DelegationUpdate{Name: ptr("UK")})
			return err
		}},
		{"CreateTopic", func(a *conference.User) error {
			_, err := l.svc.CreateTopic(ctx, a, conference.Topic{Slug: "ransomware", Title: "Ransomware"})
			return err
		}},
		{"UpdateTopic", func(a *conference.User) error {
			_, err := l.svc.UpdateTopic(ctx, a, l.privacy.ID, conference.TopicUpdate{Title: ptr("Privacy")})
			return err
		}},
		{"CreateMeeting", func(a *conference.User) error {
			m := validMeeting()
			m.ID = "wellington-2015"
			_, err := l.svc.CreateMeeting(ctx, a, m)
			return err
		}},
		{"UpdateMeeting", func(a *conference.User) error {
			_, err := l.svc.UpdateMeeting(ctx, a, l.meeting.ID, conference.MeetingUpdate{Venue: ptr("Lancaster House")})
			return err
		}},
		{"CreateSession", func(a *conference.User) error {
			_, err := l.svc.CreateSession(ctx, a, l.meeting.ID, conference.SessionInput{
				Title: "Extra", Start: mustTime("2014-07-10T09:00:00Z"), End: mustTime("2014-07-10T10:00:00Z"),
			})
			return err
		}},
		{"UpdateSession", func(a *conference.User) error {
			_, err := l.svc.UpdateSession(ctx, a, sessionID, conference.SessionUpdate{Room: ptr("Room 9")})
			return err
		}},
		{"DeleteSession", func(a *conference.User) error {
			return l.svc.DeleteSession(ctx, a, sessionID, nil)
		}},
		{"CreateUser", func(a *conference.User) error {
			_, err := l.svc.CreateUser(ctx, a, conference.UserInput{
				Email: "new@example.org", Name: "New", Roles: []conference.Role{conference.RoleObserver}, Password: password,
			})
			return err
		}},
		{"UpdateUser", func(a *conference.User) error {
			_, err := l.svc.UpdateUser(ctx, a, l.delegate.ID, conference.UserUpdate{Roles: &[]conference.Role{conference.RoleAdmin}})
			return err
		}},
		{"UpdateUserSelf", func(a *conference.User) error {
			// Nobody promotes themself.
			id := "nobody"
			if a != nil {
				id = a.ID
			}
			_, err := l.svc.UpdateUser(ctx, a, id, conference.UserUpdate{Roles: &[]conference.Role{conference.RoleAdmin}})
			return err
		}},
		{"CreateTokenForAnother", func(a *conference.User) error {
			_, err := l.svc.CreateToken(ctx, a, l.admin.ID, "script")
			return err
		}},
	}
}

func TestService_Permissions(t *testing.T) {
	l := newLondon(t)
	se := l.mustCreateSession(t, "Cyberbullying", "2014-07-09T16:00:00+01:00", "2014-07-09T17:30:00+01:00")
	disabledAdmin := *l.admin
	disabledAdmin.Disabled = true

	for _, tt := range []actorCase{
		{"Rapporteur", l.rapporteur, conference.EFORBIDDEN},
		{"Delegate", l.delegate, conference.EFORBIDDEN},
		{"Head", l.head, conference.EFORBIDDEN},
		{"Followup", l.followup, conference.EFORBIDDEN},
		{"Observer", l.observer, conference.EFORBIDDEN},
		{"HeadRapporteurFollowup", &conference.User{ID: "multi", Roles: []conference.Role{
			conference.RoleHead, conference.RoleRapporteur, conference.RoleFollowup, conference.RoleDelegate, conference.RoleObserver,
		}, Delegation: "GB"}, conference.EFORBIDDEN},
		{"Nil", nil, conference.EUNAUTHORIZED},
		{"DisabledAdmin", &disabledAdmin, conference.EUNAUTHORIZED},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, w := range allWrites(l, se.ID) {
				t.Run(w.name, func(t *testing.T) {
					b := l.before(t)
					assertCode(t, w.call(tt.actor), tt.code)
					l.assertUnchanged(t, b)
				})
			}
			// Account lists are the secretariat's too.
			_, err := l.svc.Users(ctx, tt.actor)
			assertCode(t, err, tt.code)
			_, err = l.svc.User(ctx, tt.actor, l.delegate.ID)
			assertCode(t, err, tt.code)
			_, err = l.svc.UserByEmail(ctx, tt.actor, "delegate@ag.gov.au")
			assertCode(t, err, tt.code)
		})
	}

	t.Run("ReadsNeedSignIn", func(t *testing.T) {
		for name, call := range map[string]func() error{
			"Delegations": func() error { _, err := l.svc.Delegations(ctx, nil); return err },
			"Delegation":  func() error { _, err := l.svc.Delegation(ctx, nil, "GB"); return err },
			"Topics":      func() error { _, err := l.svc.Topics(ctx, nil); return err },
			"Topic":       func() error { _, err := l.svc.Topic(ctx, nil, "cyberbullying"); return err },
			"Meetings":    func() error { _, err := l.svc.Meetings(ctx, nil); return err },
			"Meeting":     func() error { _, err := l.svc.Meeting(ctx, nil, l.meeting.ID); return err },
			"Agenda":      func() error { _, err := l.svc.Agenda(ctx, nil, l.meeting.ID); return err },
			"Session":     func() error { _, err := l.svc.Session(ctx, nil, se.ID); return err },
			"Directory":   func() error { _, err := l.svc.Directory(ctx, nil); return err },
			"CreateToken": func() error { _, err := l.svc.CreateToken(ctx, nil, l.admin.ID, "x"); return err },
		} {
			if got, want := conference.ErrorCode(call()), conference.EUNAUTHORIZED; got != want {
				t.Errorf("%s by nobody: code=%q, want %q", name, got, want)
			}
		}
	})

	t.Run("EveryRoleReads", func(t *testing.T) {
		for _, u := range []*conference.User{l.rapporteur, l.delegate, l.head, l.followup, l.observer} {
			if _, err := l.svc.Agenda(ctx, u, l.meeting.ID); err != nil {
				t.Errorf("Agenda by %v: %v", u.Roles, err)
			}
			if _, err := l.svc.Directory(ctx, u); err != nil {
				t.Errorf("Directory by %v: %v", u.Roles, err)
			}
		}
	})

	t.Run("AdminMay", func(t *testing.T) {
		// The same calls succeed for the secretariat, so the refusals above
		// are about the role and not the input. Delete last: the session
		// goes.
		for _, w := range allWrites(l, se.ID) {
			if w.name == "UpdateUserSelf" {
				continue // an admin who is already admin changes nothing
			}
			if err := w.call(l.admin); err != nil {
				t.Errorf("%s by admin: %v", w.name, err)
			}
		}
	})
}

// The writes that an agenda editor makes, with the store failing: nothing of
// a failed write is visible, in memory or in the store, and nobody is told.
func TestService_StoreFailure_NothingHalfWritten(t *testing.T) {
	var sessionID string
	newL := func(t *testing.T) *london {
		l := newLondon(t)
		sessionID = l.mustCreateSession(t, "Cyberbullying", "2014-07-09T16:00:00+01:00", "2014-07-09T17:30:00+01:00").ID
		return l
	}
	probe := newLondon(t)
	names := allWrites(probe, "")
	for i := range names {
		name := names[i].name
		if name == "UpdateUserSelf" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			l := newL(t)
			w := allWrites(l, sessionID)[i]
			b := l.before(t)
			l.store.FailWrite(1)
			err := w.call(l.admin)
			if !errors.Is(err, errStore) {
				t.Fatalf("err=%v, want the store's error", err)
			}
			if got, want := conference.ErrorCode(err), conference.EINTERNAL; got != want {
				t.Fatalf("code=%q, want %q", got, want)
			}
			if got, want := conference.ErrorMessage(err), "Internal error."; got != want {
				t.Fatalf("message=%q, want %q", got, want)
			}
			l.assertUnchanged(t, b)

			// And the same call succeeds once the store is back.
			assertNoError(t, w.call(l.admin))
		})
	}

	t.Run("Seed", func(t *testing.T) {
		f := newFixture(t)
		b := f.before(t)
		f.store.FailWrite(1)
		n, err := f.svc.Seed(ctx, seedData())
		if !errors.Is(err, errStore) || n != 0 {
			t.Fatalf("Seed=%d, %v; want 0 and the store's error", n, err)
		}
		f.assertUnchanged(t, b)
		if !f.svc.Empty() {
			t.Fatal("not empty after a failed seed")
		}
		n, err = f.svc.Seed(ctx, seedData())
		assertNoError(t, err)
		if got, want := n, 11; got != want {
			t.Fatalf("Seed after recovery added %d, want %d", got, want)
		}
	})

	t.Run("SeedHalfway", func(t *testing.T) {
		// What was stored before the failure is kept in memory too, and a
		// second run completes the rest.
		f := newFixture(t)
		f.store.FailWrite(4)
		n, err := f.svc.Seed(ctx, seedData())
		if !errors.Is(err, errStore) || n != 3 {
			t.Fatalf("Seed=%d, %v; want 3 and the store's error", n, err)
		}
		if got, want := f.changes.Len(), 3; got != want {
			t.Fatalf("%d changes announced, want %d", got, want)
		}
		ds, _ := f.svc.Delegations(ctx, conference.SystemActor)
		if got, want := len(ds), 3; got != want {
			t.Fatalf("%d delegations in memory, want %d", got, want)
		}
		n, err = f.svc.Seed(ctx, seedData())
		assertNoError(t, err)
		if got, want := n, 8; got != want {
			t.Fatalf("second Seed added %d, want %d", got, want)
		}
	})
}

func TestService_Generation(t *testing.T) {
	f := newFixture(t)
	last := f.svc.Generation()
	step := func(name string, err error) {
		t.Helper()
		assertNoError(t, err)
		if got := f.svc.Generation(); got <= last {
			t.Fatalf("after %s: Generation=%d, was %d", name, got, last)
		}
		last = f.svc.Generation()
	}
	_, err := f.svc.CreateDelegation(ctx, conference.SystemActor, conference.Delegation{Code: "GB", Name: "United Kingdom"})
	step("CreateDelegation", err)
	_, err = f.svc.UpdateDelegation(ctx, conference.SystemActor, "GB", conference.DelegationUpdate{Name: ptr("UK")})
	step("UpdateDelegation", err)
	tp, err := f.svc.CreateTopic(ctx, conference.SystemActor, conference.Topic{Slug: "cyberbullying", Title: "Cyberbullying"})
	step("CreateTopic", err)
	_, err = f.svc.UpdateTopic(ctx, conference.SystemActor, tp.ID, conference.TopicUpdate{Title: ptr("Bullying")})
	step("UpdateTopic", err)
	m := validMeeting()
	m.Delegations = []string{"GB"}
	_, err = f.svc.CreateMeeting(ctx, conference.SystemActor, m)
	step("CreateMeeting", err)
	_, err = f.svc.UpdateMeeting(ctx, conference.SystemActor, m.ID, conference.MeetingUpdate{Venue: ptr("Lancaster House")})
	step("UpdateMeeting", err)
	se, err := f.svc.CreateSession(ctx, conference.SystemActor, m.ID, conference.SessionInput{
		Title: "Opening", Start: mustTime("2014-07-09T09:00:00Z"), End: mustTime("2014-07-09T10:00:00Z"),
	})
	step("CreateSession", err)
	_, err = f.svc.UpdateSession(ctx, conference.SystemActor, se.ID, conference.SessionUpdate{Room: ptr("Room 1")})
	step("UpdateSession", err)
	step("DeleteSession", f.svc.DeleteSession(ctx, conference.SystemActor, se.ID, nil))
	u, err := f.svc.CreateUser(ctx, conference.SystemActor, conference.UserInput{
		Email: "a@example.org", Name: "A", Roles: []conference.Role{conference.RoleObserver}, Password: password,
	})
	step("CreateUser", err)
	_, err = f.svc.UpdateUser(ctx, conference.SystemActor, u.ID, conference.UserUpdate{Name: ptr("Ann")})
	step("UpdateUser", err)
	secret, _, err := f.svc.SignIn(ctx, "a@example.org", password)
	step("SignIn", err)
	step("SignOut", f.svc.SignOut(ctx, secret))
	_, err = f.svc.CreateToken(ctx, u, u.ID, "script")
	step("CreateToken", err)
	step("Load", f.svc.Load(ctx))

	// Refused and failed writes, and reads, change nothing.
	_, err = f.svc.CreateTopic(ctx, conference.SystemActor, conference.Topic{Slug: "Bad Slug", Title: "x"})
	assertCode(t, err, conference.EINVALID)
	_, _ = f.svc.Topics(ctx, u)
	f.store.FailWrite(1)
	_, err = f.svc.CreateTopic(ctx, conference.SystemActor, conference.Topic{Slug: "ok", Title: "x"})
	if err == nil {
		t.Fatal("write went through a failing store")
	}
	if got, want := f.svc.Generation(), last; got != want {
		t.Fatalf("Generation=%d after refused writes and reads, want %d", got, want)
	}
}

func TestService_OnChange(t *testing.T) {
	l := newLondon(t)
	n := l.changes.Len()
	se := l.mustCreateSession(t, "Opening", "2014-07-09T09:00:00+01:00", "2014-07-09T10:00:00+01:00")
	if got, want := l.changes.Len(), n+1; got != want {
		t.Fatalf("%d changes, want %d", got, want)
	}
	ch := l.changes.Last()
	if ch.Collection != conference.Sessions || ch.ID != se.ID {
		t.Fatalf("change=%+v, want session %s", ch, se.ID)
	}
	doc, ok := ch.Doc.(*conference.Session)
	if !ok || doc.Title != "Opening" {
		t.Fatalf("change doc=%#v, want the session", ch.Doc)
	}
	// OnChange sees the change already applied.
	l.svc.OnChange = func(ch conference.Change) {
		got, err := l.svc.Session(ctx, conference.SystemActor, ch.ID)
		if err != nil || got.Room != "Room 7" {
			t.Errorf("in OnChange: Session=%+v, %v; want the change applied", got, err)
		}
	}
	_, err := l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{Room: ptr("Room 7")})
	assertNoError(t, err)
}

// Apply is how changes stored elsewhere (a change stream) reach the working
// set.
func TestService_Apply(t *testing.T) {
	l := newLondon(t)
	gen := l.svc.Generation()
	l.svc.Apply(conference.Change{Collection: conference.Topics, ID: "ransomware", Doc: &conference.Topic{
		ID: "ransomware", Slug: "ransomware", Title: "Ransomware",
	}})
	tp, err := l.svc.Topic(ctx, l.observer, "ransomware")
	assertNoError(t, err)
	if got, want := tp.Title, "Ransomware"; got != want {
		t.Fatalf("Title=%q, want %q", got, want)
	}
	if l.svc.Generation() <= gen {
		t.Fatal("Generation did not move")
	}
	l.svc.Apply(conference.Change{Collection: conference.Topics, ID: "ransomware"})
	_, err = l.svc.Topic(ctx, l.observer, "ransomware")
	assertCode(t, err, conference.ENOTFOUND)

	// A session moved to another meeting leaves the first agenda.
	se := l.mustCreateSession(t, "Opening", "2014-07-09T09:00:00+01:00", "2014-07-09T10:00:00+01:00")
	m := validMeeting()
	m.ID = "london-2014-bis"
	_, err = l.svc.CreateMeeting(ctx, l.admin, m)
	assertNoError(t, err)
	moved := *se
	moved.MeetingID = m.ID
	l.svc.Apply(conference.Change{Collection: conference.Sessions, ID: se.ID, Doc: &moved})
	a1, _ := l.svc.Agenda(ctx, l.admin, l.meeting.ID)
	a2, _ := l.svc.Agenda(ctx, l.admin, m.ID)
	if len(a1) != 0 || len(a2) != 1 || a2[0].ID != se.ID {
		t.Fatalf("agendas after the move: %d and %d sessions, want 0 and 1", len(a1), len(a2))
	}
}

func TestService_Load_ReproducesState(t *testing.T) {
	l := newLondon(t)
	_, err := l.svc.Seed(ctx, func() conference.SeedData {
		d := seedData()
		d.Meetings[0].ID = "london-2014-seeded"
		for i := range d.Topics {
			d.Topics[i].Slug += "-seeded" // the fixture has its own cyberbullying topic
		}
		for i := range d.Sessions {
			d.Sessions[i].MeetingID = "london-2014-seeded"
		}
		return d
	}())
	assertNoError(t, err)
	s1 := l.mustCreateSession(t, "Opening", "2014-07-09T09:00:00+01:00", "2014-07-09T10:00:00+01:00")
	s2 := l.mustCreateSession(t, "Cyberbullying", "2014-07-09T16:00:00+01:00", "2014-07-09T17:30:00+01:00")
	l.mustCreateSession(t, "Privacy", "2014-07-10T09:00:00+01:00", "2014-07-10T10:00:00+01:00")
	_, err = l.svc.UpdateSession(ctx, l.admin, s2.ID, conference.SessionUpdate{
		Rapporteurs: &[]string{l.rapporteur.ID}, Topics: &[]string{l.cyberbullying.ID, l.privacy.ID},
	})
	assertNoError(t, err)
	assertNoError(t, l.svc.DeleteSession(ctx, l.admin, s1.ID, nil))
	_, err = l.svc.UpdateTopic(ctx, l.admin, l.privacy.ID, conference.TopicUpdate{Slug: ptr("privacy")})
	assertNoError(t, err)
	_, err = l.svc.UpdateUser(ctx, l.admin, l.observer.ID, conference.UserUpdate{Disabled: ptr(true)})
	assertNoError(t, err)
	loginSecret := l.mustSignIn(t, "head@justice.gc.ca")
	tokenSecret, err := l.svc.CreateToken(ctx, l.delegate, l.delegate.ID, "script")
	assertNoError(t, err)

	want := l.view(t)
	again := newFixtureOver(t, l.store)
	if got := again.view(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("after Load:\n got %+v\nwant %+v", got, want)
	}
	u, err := again.svc.LoginUser(ctx, loginSecret)
	assertNoError(t, err)
	if got, want := u.ID, l.head.ID; got != want {
		t.Fatalf("login user=%q, want %q", got, want)
	}
	u, err = again.svc.TokenUser(ctx, tokenSecret)
	assertNoError(t, err)
	if got, want := u.ID, l.delegate.ID; got != want {
		t.Fatalf("token user=%q, want %q", got, want)
	}
	if _, _, err := again.svc.SignIn(ctx, "observer@example.org", password); conference.ErrorCode(err) != conference.EUNAUTHORIZED {
		t.Fatalf("disabled observer signs in after Load: %v", err)
	}
	if again.svc.NeedsSetup() || again.svc.Empty() {
		t.Fatal("reloaded Service looks new")
	}

	// Loading the same Service again changes nothing but the generation.
	gen := l.svc.Generation()
	assertNoError(t, l.svc.Load(ctx))
	if got := l.view(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a second Load:\n got %+v\nwant %+v", got, want)
	}
	if l.svc.Generation() <= gen {
		t.Fatal("Load did not move the generation")
	}
	// Writes after Load build on the loaded state.
	_, err = again.svc.UpdateSession(ctx, again.svcActor(t, l.admin.ID), s2.ID, conference.SessionUpdate{Version: ptr(int64(2)), Room: ptr("R")})
	assertNoError(t, err)
}

// svcActor returns the user with id as the Service knows it.
func (f *fixture) svcActor(tb testing.TB, id string) *conference.User {
	tb.Helper()
	u, err := f.svc.User(ctx, conference.SystemActor, id)
	assertNoError(tb, err)
	return u
}

func TestService_Concurrent(t *testing.T) {
	l := newLondon(t)
	const writers, readers, perWriter = 8, 8, 25
	start := mustTime("2014-07-09T08:00:00Z")
	gen := l.svc.Generation()

	writeWhileReading(t, writers, perWriter, func(w, i int) error {
		// Starts interleave across writers so that inserts land in the
		// middle of the agenda.
		st := start.Add(time.Duration(i*writers+w) * 10 * time.Minute)
		_, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
			// Overnight: some of them span midnight, which is not what this tests.
			Title: fmt.Sprintf("w%d-%02d", w, i), Start: st, End: st.Add(30 * time.Minute), Overnight: true,
		})
		return err
	}, readers, func(int) func(bool) error {
		seen := 0
		return func(bool) error {
			agenda, err := l.svc.Agenda(ctx, l.observer, l.meeting.ID)
			if err != nil {
				return err
			}
			if len(agenda) < seen {
				return fmt.Errorf("agenda shrank from %d to %d", seen, len(agenda))
			}
			seen = len(agenda)
			for i := 1; i < len(agenda); i++ {
				if agenda[i-1].Start.After(agenda[i].Start) {
					return fmt.Errorf("agenda out of order at %d", i)
				}
			}
			if len(agenda) > 0 {
				if _, err := l.svc.Session(ctx, l.observer, agenda[len(agenda)-1].ID); err != nil {
					return err
				}
			}
			return nil
		}
	})

	agenda, err := l.svc.Agenda(ctx, l.observer, l.meeting.ID)
	assertNoError(t, err)
	if got, want := len(agenda), writers*perWriter; got != want {
		t.Fatalf("len(agenda)=%d, want %d", got, want)
	}
	if got, want := l.store.Count(conference.Sessions), writers*perWriter; got != want {
		t.Fatalf("stored sessions=%d, want %d", got, want)
	}
	if got, want := l.svc.Generation(), gen+writers*perWriter; got != want {
		t.Fatalf("Generation=%d, want %d", got, want)
	}
	for i := 1; i < len(agenda); i++ {
		if !agenda[i-1].Start.Before(agenda[i].Start) {
			t.Fatalf("agenda out of order at %d: %v then %v", i, agenda[i-1].Start, agenda[i].Start)
		}
	}
}

// Writers racing on one version: exactly one wins, the others get a conflict.
func TestService_Concurrent_Version(t *testing.T) {
	l := newLondon(t)
	se := l.mustCreateSession(t, "Opening", "2014-07-09T09:00:00+01:00", "2014-07-09T10:00:00+01:00")
	// A slow store widens the window between the version check and the
	// write, where an unserialised writer would let a second one in.
	l.store.beforeWrite = func(string, conference.Collection, string) { time.Sleep(time.Millisecond) }
	const n = 16
	var wg sync.WaitGroup
	codes := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			_, err := l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{
				Version: ptr(int64(1)), Room: ptr(fmt.Sprintf("Room %d", i)),
			})
			codes <- conference.ErrorCode(err)
		})
	}
	wg.Wait()
	close(codes)
	count := map[string]int{}
	for c := range codes {
		count[c]++
	}
	if count[""] != 1 || count[conference.ESTALE] != n-1 {
		t.Fatalf("outcomes=%v, want one success and %d conflicts", count, n-1)
	}
	got, err := l.svc.Session(ctx, l.admin, se.ID)
	assertNoError(t, err)
	if got.Version != 2 {
		t.Fatalf("Version=%d, want 2", got.Version)
	}
}
