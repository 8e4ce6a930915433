package conference_test

import (
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

func TestMeeting_StatusAt(t *testing.T) {
	m := validMeeting() // London, 9 to 11 July 2014, Europe/London (UTC+1)
	opening := &conference.Session{Start: mustTime("2014-07-09T09:30:00+01:00"), End: mustTime("2014-07-09T10:30:00+01:00"), Status: conference.SessionScheduled}
	closing := &conference.Session{Start: mustTime("2014-07-11T15:00:00+01:00"), End: mustTime("2014-07-11T16:00:00+01:00"), Status: conference.SessionScheduled}
	live := func(se *conference.Session) *conference.Session {
		c := *se
		c.Status = conference.SessionLive
		return &c
	}
	agenda := []*conference.Session{opening, closing}
	for _, tc := range []struct {
		name     string
		override conference.MeetingOverride
		agenda   []*conference.Session
		now      string
		want     conference.MeetingStatus
	}{
		{"MonthBefore", "", agenda, "2014-06-09T09:00:00Z", conference.MeetingPlanned},
		{"FirstDayBeforeFirstSession", "", agenda, "2014-07-09T09:29:59+01:00", conference.MeetingPlanned},
		{"FirstSessionStarts", "", agenda, "2014-07-09T09:30:00+01:00", conference.MeetingInSession},
		{"BetweenDays", "", agenda, "2014-07-10T03:00:00+01:00", conference.MeetingInSession},
		{"LastSessionEnded", "", agenda, "2014-07-11T18:00:00+01:00", conference.MeetingInSession},
		// The last day ends at midnight in London, 23:00 UTC.
		{"LastMomentOfLastDay", "", agenda, "2014-07-11T22:59:59Z", conference.MeetingInSession},
		{"LastDayEnded", "", agenda, "2014-07-11T23:00:00Z", conference.MeetingClosed},
		{"NoSessionsFirstDay", "", nil, "2014-07-08T23:00:00Z", conference.MeetingInSession},
		{"NoSessionsDayBefore", "", nil, "2014-07-08T22:59:59Z", conference.MeetingPlanned},
		{"ClosedEarly", conference.OverrideClosed, agenda, "2014-07-10T12:00:00+01:00", conference.MeetingClosed},
		{"ClosedBeforeItBegan", conference.OverrideClosed, agenda, "2014-06-09T09:00:00Z", conference.MeetingClosed},
		{"ReopenedAfterItsDates", conference.OverrideOpen, agenda, "2014-08-01T09:00:00Z", conference.MeetingInSession},
		{"ReopenedBeforeItsDates", conference.OverrideOpen, agenda, "2014-06-09T09:00:00Z", conference.MeetingPlanned},
		// A session live early, late or after an early close: the room is
		// sitting, and "Live now" and the status must agree.
		{"LiveBeforeItsTime", "", []*conference.Session{live(opening), closing}, "2014-07-09T09:00:00+01:00", conference.MeetingInSession},
		{"LiveAfterTheLastDay", "", []*conference.Session{opening, live(closing)}, "2014-07-12T01:00:00+01:00", conference.MeetingInSession},
		{"LiveWhileClosed", conference.OverrideClosed, []*conference.Session{opening, live(closing)}, "2014-07-11T15:30:00+01:00", conference.MeetingInSession},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := m
			m.Override = tc.override
			if got := m.StatusAt(tc.agenda, mustTime(tc.now)); got != tc.want {
				t.Fatalf("StatusAt(%s)=%q, want %q", tc.now, got, tc.want)
			}
		})
	}
}

// TestService_MeetingStatus: every read derives the status at the Service's
// clock; nothing derived is stored.
func TestService_MeetingStatus(t *testing.T) {
	l := newLondon(t)
	l.clock.Set(mustTime("2014-07-01T09:00:00Z"))
	se, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
		Title: "Opening", Start: mustTime("2014-07-09T09:30:00+01:00"), End: mustTime("2014-07-09T10:30:00+01:00"),
		Rapporteurs: []string{l.rapporteur.ID},
	})
	assertNoError(t, err)
	status := func() conference.MeetingStatus {
		t.Helper()
		m, err := l.svc.Meeting(ctx, l.observer, l.meeting.ID)
		assertNoError(t, err)
		ms, err := l.svc.Meetings(ctx, l.observer)
		assertNoError(t, err)
		for _, o := range ms {
			if o.ID == m.ID && o.Status != m.Status {
				t.Fatalf("the list says %q, the meeting %q", o.Status, m.Status)
			}
		}
		return m.Status
	}
	if got, want := status(), conference.MeetingPlanned; got != want {
		t.Fatalf("a week before: %q, want %q", got, want)
	}
	l.clock.Set(mustTime("2014-07-09T08:35:00Z"))
	if got, want := status(), conference.MeetingInSession; got != want {
		t.Fatalf("five minutes into the opening: %q, want %q", got, want)
	}
	l.clock.Set(mustTime("2014-07-12T09:00:00Z"))
	if got, want := status(), conference.MeetingClosed; got != want {
		t.Fatalf("the day after: %q, want %q", got, want)
	}
	// Started late, after the last day: live wins.
	_, err = l.svc.StartSession(ctx, l.rapporteur, se.ID)
	assertNoError(t, err)
	if got, want := status(), conference.MeetingInSession; got != want {
		t.Fatalf("with a session live: %q, want %q", got, want)
	}
	if got := l.store.meetingDoc(t, l.meeting.ID).Status; got != "" {
		t.Fatalf("stored status %q: the status is derived, never stored", got)
	}
}

func TestService_CloseReopenMeeting(t *testing.T) {
	l := newLondon(t)
	l.clock.Set(mustTime("2014-07-10T12:00:00+01:00"))
	id := l.meeting.ID

	t.Run("Refused", func(t *testing.T) {
		b := l.before(t)
		_, err := l.svc.CloseMeeting(ctx, l.admin, id, conference.StatusInput{Reason: " "})
		assertInvalid(t, err, "reason")
		_, err = l.svc.ReopenMeeting(ctx, l.admin, id, conference.StatusInput{Reason: "Late session"})
		assertCode(t, err, conference.ECONFLICT) // in session, not closed
		for _, u := range []*conference.User{l.head, l.delegate, l.rapporteur, l.followup, l.observer} {
			_, err = l.svc.CloseMeeting(ctx, u, id, conference.StatusInput{Reason: "Done"})
			assertCode(t, err, conference.EFORBIDDEN)
		}
		_, err = l.svc.CloseMeeting(ctx, l.admin, id, conference.StatusInput{Reason: "Done", Version: ptr(int64(99))})
		assertCode(t, err, conference.ESTALE)
		_, err = l.svc.CloseMeeting(ctx, l.admin, "paris-2015", conference.StatusInput{Reason: "Done"})
		assertCode(t, err, conference.ENOTFOUND)
		l.assertUnchanged(t, b)
	})

	t.Run("CloseEarlyThenReopen", func(t *testing.T) {
		m, err := l.svc.CloseMeeting(ctx, l.admin, id, conference.StatusInput{Reason: "The last day was cancelled", Version: ptr(l.meeting.Version)})
		assertNoError(t, err)
		if m.Status != conference.MeetingClosed || len(m.History) != 1 {
			t.Fatalf("after close: status %q, history %+v", m.Status, m.History)
		}
		h := m.History[0]
		if h.By != l.admin.ID || h.ByName != l.admin.Name || !h.At.Equal(l.clock.Now()) || h.To != conference.OverrideClosed || h.Reason != "The last day was cancelled" {
			t.Fatalf("history %+v: want who, when, what and why", h)
		}
		_, err = l.svc.CloseMeeting(ctx, l.admin, id, conference.StatusInput{Reason: "Again"})
		assertCode(t, err, conference.ECONFLICT)

		l.clock.Set(mustTime("2014-07-20T12:00:00+01:00"))
		m, err = l.svc.ReopenMeeting(ctx, l.admin, id, conference.StatusInput{Reason: "A late session on the register"})
		assertNoError(t, err)
		if m.Status != conference.MeetingInSession || len(m.History) != 2 || m.History[1].To != conference.OverrideOpen {
			t.Fatalf("after reopen, after its dates: status %q, history %+v", m.Status, m.History)
		}
		m, err = l.svc.CloseMeeting(ctx, l.admin, id, conference.StatusInput{Reason: "Done now"})
		assertNoError(t, err)
		if m.Status != conference.MeetingClosed || len(m.History) != 3 {
			t.Fatalf("closed again: status %q, history %d", m.Status, len(m.History))
		}
		if got := l.store.meetingDoc(t, id); len(got.History) != 3 || got.Override != conference.OverrideClosed {
			t.Fatalf("stored: override %q, history %d", got.Override, len(got.History))
		}
	})

	t.Run("NotWhileLive", func(t *testing.T) {
		l := newLondon(t)
		l.clock.Set(mustTime("2014-07-10T09:00:00+01:00"))
		se, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
			Title: "Day 2", Start: mustTime("2014-07-10T09:00:00+01:00"), End: mustTime("2014-07-10T10:00:00+01:00"),
		})
		assertNoError(t, err)
		_, err = l.svc.StartSession(ctx, l.admin, se.ID)
		assertNoError(t, err)
		b := l.before(t)
		_, err = l.svc.CloseMeeting(ctx, l.admin, l.meeting.ID, conference.StatusInput{Reason: "Done"})
		assertCode(t, err, conference.ECONFLICT)
		l.assertUnchanged(t, b)
	})
}

func TestService_DeleteMeeting(t *testing.T) {
	l := newLondon(t)
	empty := validMeeting()
	empty.ID, empty.Title, empty.StartDate, empty.EndDate = "ottawa-2015", "Ottawa 2015", "2015-06-01", "2015-06-02"
	m, err := l.svc.CreateMeeting(ctx, l.admin, empty)
	assertNoError(t, err)

	withSession := validMeeting()
	withSession.ID, withSession.StartDate, withSession.EndDate = "wellington-2016", "2016-06-01", "2016-06-02"
	_, err = l.svc.CreateMeeting(ctx, l.admin, withSession)
	assertNoError(t, err)
	_, err = l.svc.CreateSession(ctx, l.admin, withSession.ID, conference.SessionInput{
		Title: "Opening", Start: mustTime("2016-06-01T09:00:00+01:00"), End: mustTime("2016-06-01T10:00:00+01:00"),
	})
	assertNoError(t, err)

	withAction := validMeeting()
	withAction.ID, withAction.StartDate, withAction.EndDate = "canberra-2017", "2017-06-01", "2017-06-02"
	_, err = l.svc.CreateMeeting(ctx, l.admin, withAction)
	assertNoError(t, err)
	_, err = l.svc.CreateAction(ctx, l.admin, conference.ActionInput{Title: "Report back", Owner: "AU", Due: "2017-12-01", MeetingID: withAction.ID, Marking: conference.MarkingAll})
	assertNoError(t, err)

	b := l.before(t)
	for _, u := range []*conference.User{l.head, l.delegate, l.rapporteur, l.followup, l.observer} {
		assertCode(t, l.svc.DeleteMeeting(ctx, u, m.ID, nil), conference.EFORBIDDEN)
	}
	assertCode(t, l.svc.DeleteMeeting(ctx, l.admin, withSession.ID, nil), conference.ECONFLICT)
	assertCode(t, l.svc.DeleteMeeting(ctx, l.admin, withAction.ID, nil), conference.ECONFLICT)
	assertCode(t, l.svc.DeleteMeeting(ctx, l.admin, m.ID, ptr(m.Version+1)), conference.ESTALE)
	assertCode(t, l.svc.DeleteMeeting(ctx, l.admin, "paris-2015", nil), conference.ENOTFOUND)
	l.assertUnchanged(t, b)

	assertNoError(t, l.svc.DeleteMeeting(ctx, l.admin, m.ID, ptr(m.Version)))
	_, err = l.svc.Meeting(ctx, l.admin, m.ID)
	assertCode(t, err, conference.ENOTFOUND)
}

func TestService_RetireTopic(t *testing.T) {
	l := newLondon(t)
	before, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
		Title: "Cyberbullying panel", Start: mustTime("2014-07-09T11:00:00+01:00"), End: mustTime("2014-07-09T12:00:00+01:00"),
		Topics: []string{l.cyberbullying.ID},
	})
	assertNoError(t, err)

	tp, err := l.svc.UpdateTopic(ctx, l.admin, l.cyberbullying.ID, conference.TopicUpdate{Retired: ptr(true), Title: ptr("Cyberbullying (to 2014)"), Version: ptr(l.cyberbullying.Version)})
	assertNoError(t, err)
	if !tp.Retired || tp.ID != l.cyberbullying.ID || tp.Slug != l.cyberbullying.Slug {
		t.Fatalf("retired and renamed: %+v, want the same id and slug", tp)
	}
	// Still read by id and by slug, still on the session that names it.
	for _, key := range []string{tp.ID, tp.Slug} {
		got, err := l.svc.Topic(ctx, l.observer, key)
		assertNoError(t, err)
		if got.Title != "Cyberbullying (to 2014)" {
			t.Fatalf("Topic(%s).Title=%q", key, got.Title)
		}
	}
	se, err := l.svc.Session(ctx, l.observer, before.ID)
	assertNoError(t, err)
	if len(se.Topics) != 1 || se.Topics[0] != tp.ID {
		t.Fatalf("the session's topics %v: a retired topic stays where it was", se.Topics)
	}
	// An edit that keeps it is fine; a new session may not take it.
	_, err = l.svc.UpdateSession(ctx, l.admin, before.ID, conference.SessionUpdate{Room: ptr("Room 2")})
	assertNoError(t, err)
	b := l.before(t)
	_, err = l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
		Title: "Again", Start: mustTime("2014-07-10T11:00:00+01:00"), End: mustTime("2014-07-10T12:00:00+01:00"),
		Topics: []string{tp.ID},
	})
	assertInvalid(t, err, "topics")
	l.assertUnchanged(t, b)

	tp, err = l.svc.UpdateTopic(ctx, l.admin, tp.ID, conference.TopicUpdate{Retired: ptr(false)})
	assertNoError(t, err)
	if tp.Retired {
		t.Fatal("restored topic still retired")
	}
	_, err = l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
		Title: "Again", Start: mustTime("2014-07-10T11:00:00+01:00"), End: mustTime("2014-07-10T12:00:00+01:00"),
		Topics: []string{tp.ID},
	})
	assertNoError(t, err)
}

func TestService_SessionTimeRules(t *testing.T) {
	l := newLondon(t)
	in := func(start, end string) conference.SessionInput {
		return conference.SessionInput{Title: "Dinner", Start: mustTime(start), End: mustTime(end)}
	}
	for _, tc := range []struct {
		name      string
		in        conference.SessionInput
		overnight bool
		outside   bool
		field     string // "" when accepted
	}{
		{"EndBeforeStart", in("2014-07-09T20:00:00+01:00", "2014-07-09T19:00:00+01:00"), false, false, "end"},
		{"EndBeforeStartOvernightStillRefused", in("2014-07-09T20:00:00+01:00", "2014-07-09T19:00:00+01:00"), true, false, "end"},
		{"PastMidnightUnsaid", in("2014-07-09T22:00:00+01:00", "2014-07-10T01:00:00+01:00"), false, false, "end"},
		{"PastMidnightOvernight", in("2014-07-09T22:00:00+01:00", "2014-07-10T01:00:00+01:00"), true, false, ""},
		{"ToMidnightExactly", in("2014-07-09T22:00:00+01:00", "2014-07-10T00:00:00+01:00"), false, false, ""},
		// Midnight in UTC is not midnight in London.
		{"PastUTCMidnightOnly", in("2014-07-09T23:30:00+01:00", "2014-07-10T00:00:00+01:00"), false, false, ""},
		{"DayBeforeUnsaid", in("2014-07-08T18:00:00+01:00", "2014-07-08T20:00:00+01:00"), false, false, "start"},
		{"DayBeforeMeant", in("2014-07-08T18:00:00+01:00", "2014-07-08T20:00:00+01:00"), false, true, ""},
		{"LastNightPastTheEnd", in("2014-07-11T22:00:00+01:00", "2014-07-12T01:00:00+01:00"), true, false, "start"},
		{"LastNightPastTheEndMeant", in("2014-07-11T22:00:00+01:00", "2014-07-12T01:00:00+01:00"), true, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Overnight, tc.in.OutsideDates = tc.overnight, tc.outside
			b := l.before(t)
			se, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, tc.in)
			if tc.field != "" {
				assertInvalid(t, err, tc.field)
				l.assertUnchanged(t, b)
				return
			}
			assertNoError(t, err)
			assertNoError(t, l.svc.DeleteSession(ctx, l.admin, se.ID, nil))
		})
	}

	t.Run("EditKeepsAnAcceptedOvernight", func(t *testing.T) {
		o := in("2014-07-09T22:00:00+01:00", "2014-07-10T01:00:00+01:00")
		o.Overnight = true
		se, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, o)
		assertNoError(t, err)
		_, err = l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{Title: ptr("Late dinner")})
		assertNoError(t, err)
		// Moving it is a new decision, asked again.
		_, err = l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{End: ptr(mustTime("2014-07-10T01:30:00+01:00"))})
		assertInvalid(t, err, "end")
		_, err = l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{End: ptr(mustTime("2014-07-10T01:30:00+01:00")), Overnight: true})
		assertNoError(t, err)
	})

	t.Run("EveryFieldAtOnce", func(t *testing.T) {
		bad := in("2014-07-08T22:00:00+01:00", "2014-07-09T01:00:00+01:00")
		bad.Topics = []string{"no-such-topic"}
		bad.Chair = "nobody"
		_, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, bad)
		e := assertCode(t, err, conference.EINVALID)
		got := map[string]bool{}
		for _, f := range e.Fields {
			got[f.Field] = true
		}
		for _, f := range []string{"end", "start", "topics", "chair"} {
			if !got[f] {
				t.Errorf("fields %+v: want %s among them", e.Fields, f)
			}
		}
	})
}

// meetingDoc is the meeting as the store holds it.
func (s *fakeStore) meetingDoc(tb testing.TB, id string) conference.Meeting {
	tb.Helper()
	var m conference.Meeting
	ok, err := s.Get(ctx, conference.Meetings, id, &m)
	if err != nil || !ok {
		tb.Fatalf("store has no meeting %s: %v", id, err)
	}
	return m
}
