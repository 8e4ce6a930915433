package conference_test

// The world of the outcome and action tests, over the package's one fixture
// (fakeStore, fakeHasher, clock).

import (
	"context"
	"fmt"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

// world is London 2014 with its five delegations, two topics, one live
// session with notes of each marking, a second session, a later meeting
// (Washington 2015), and users of every role.
type world struct {
	*fixture
	ctx context.Context

	london, washington *conference.Meeting
	cyber, prosecutors *conference.Topic
	session, other     *conference.Session // other: a session the rapporteur is not assigned to
	// notes 1 (all), 2 (delegations), 3 (heads) of session
	admin, rapporteur, otherRapporteur, delegateAU, headCA, headUS, followupCA, followupNZ, observer *conference.User
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	w := &world{fixture: newFixtureAt(tb, newFakeStore(), mustTime("2014-07-09T08:00:00Z")), ctx: context.Background()}
	sys := conference.SystemActor
	for _, d := range []conference.Delegation{
		{Code: "AU", Name: "Australia"}, {Code: "CA", Name: "Canada"}, {Code: "GB", Name: "United Kingdom"},
		{Code: "NZ", Name: "New Zealand"}, {Code: "US", Name: "United States"}, {Code: "FR", Name: "France (not a party)"},
	} {
		_, err := w.svc.CreateDelegation(w.ctx, sys, d)
		assertNoError(tb, err)
	}
	var err error
	w.cyber, err = w.svc.CreateTopic(w.ctx, sys, conference.Topic{Slug: "cyberbullying", Title: "Cyberbullying"})
	assertNoError(tb, err)
	w.prosecutors, err = w.svc.CreateTopic(w.ctx, sys, conference.Topic{Slug: "educating-prosecutors", Title: "Educating prosecutors"})
	assertNoError(tb, err)
	parties := []string{"AU", "CA", "GB", "NZ", "US"}
	w.london, err = w.svc.CreateMeeting(w.ctx, sys, conference.Meeting{ID: "london-2014", Title: "London 2014", Host: "GB",
		City: "London", TimeZone: "Europe/London", StartDate: "2014-07-09", EndDate: "2014-07-11",
		Delegations: parties, Topics: []string{w.cyber.ID, w.prosecutors.ID}})
	assertNoError(tb, err)
	w.washington, err = w.svc.CreateMeeting(w.ctx, sys, conference.Meeting{ID: "washington-2015", Title: "Washington 2015", Host: "US",
		City: "Washington", TimeZone: "America/New_York", StartDate: "2015-07-01", EndDate: "2015-07-02",
		Delegations: parties, Topics: []string{w.prosecutors.ID, w.cyber.ID}})
	assertNoError(tb, err)

	user := func(email, name, delegation string, roles ...conference.Role) *conference.User {
		u, err := w.svc.CreateUser(w.ctx, sys, conference.UserInput{Email: email, Name: name, Roles: roles,
			Delegation: delegation, Password: "correct horse battery"})
		assertNoError(tb, err)
		return u
	}
	w.admin = user("sec@example.org", "Secretariat", "", conference.RoleAdmin)
	w.rapporteur = user("rap@example.org", "Rapporteur", "GB", conference.RoleRapporteur)
	w.otherRapporteur = user("rap2@example.org", "Other Rapporteur", "GB", conference.RoleRapporteur)
	w.delegateAU = user("del.au@example.org", "Delegate AU", "AU", conference.RoleDelegate)
	w.headCA = user("head.ca@example.org", "Head CA", "CA", conference.RoleHead)
	w.headUS = user("head.us@example.org", "Head US", "US", conference.RoleHead)
	w.followupCA = user("fu.ca@example.org", "Follow-up CA", "CA", conference.RoleFollowup)
	w.followupNZ = user("fu.nz@example.org", "Follow-up NZ", "NZ", conference.RoleFollowup)
	w.observer = user("obs@example.org", "Observer", "", conference.RoleObserver)

	w.session, err = w.svc.CreateSession(w.ctx, sys, w.london.ID, conference.SessionInput{Title: "Cyberbullying",
		Start: mustTime("2014-07-09T09:00:00+01:00"), End: mustTime("2014-07-09T10:30:00+01:00"),
		Rapporteurs: []string{w.rapporteur.ID}, Topics: []string{w.cyber.ID}})
	assertNoError(tb, err)
	w.other, err = w.svc.CreateSession(w.ctx, sys, w.london.ID, conference.SessionInput{Title: "Educating prosecutors",
		Start: mustTime("2014-07-09T11:00:00+01:00"), End: mustTime("2014-07-09T12:30:00+01:00"),
		Rapporteurs: []string{w.otherRapporteur.ID}, Topics: []string{w.prosecutors.ID}})
	assertNoError(tb, err)
	_, err = w.svc.StartSession(w.ctx, w.admin, w.session.ID)
	assertNoError(tb, err)
	for i, m := range []conference.Marking{conference.MarkingAll, conference.MarkingDelegations, conference.MarkingHeads} {
		_, _, err := w.svc.PostNote(w.ctx, w.admin, w.session.ID, conference.NoteInput{
			ClientID: fmt.Sprintf("n%d", i+1), Text: "Note marked " + string(m), Marking: m})
		assertNoError(tb, err)
	}
	return w
}

// newAction creates a plain open action owned by owner, through the secretariat.
func (w *world) newAction(tb testing.TB, owner, due string) *conference.Action {
	tb.Helper()
	a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{
		Title: "Train prosecutors in " + owner, Owner: owner, Due: due, MeetingID: w.london.ID,
	})
	assertNoError(tb, err)
	return a
}

// unchanged runs f and fails unless it wrote nothing and changed nothing.
func (w *world) unchanged(tb testing.TB, f func()) {
	tb.Helper()
	writes, gen := w.store.Writes(), w.svc.Generation()
	f()
	if got := w.store.Writes(); got != writes {
		tb.Fatalf("store writes=%d, want %d (nothing written on refusal)", got, writes)
	}
	if got := w.svc.Generation(); got != gen {
		tb.Fatalf("Generation=%d, want %d (nothing changed on refusal)", got, gen)
	}
}

// assertCodeField fails unless err is a *conference.Error with code and,
// when field is not empty, naming field.
func assertCodeField(tb testing.TB, err error, code, field string) *conference.Error {
	tb.Helper()
	e := assertCode(tb, err, code)
	if field != "" && e.Field != field {
		tb.Fatalf("field=%q, want %q (%v)", e.Field, field, err)
	}
	return e
}
