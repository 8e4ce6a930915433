package conference_test

import (
	"encoding/json"
	"os"
	"slices"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/quintet-ag/quintet/internal/conference"
)

func validAction() conference.Action {
	return conference.Action{
		ID: "a1", MeetingID: "london-2014", Title: "Publish guidance for prosecutors", Owner: "CA",
		Due: "2015-06-30", Status: conference.ActionOpen, Progress: 0, Topics: []string{}, Marking: conference.MarkingAll,
	}
}

func TestAction_Validate(t *testing.T) {
	testValidate(t, validAction, []editCase[conference.Action]{
		{"valid", func(a *conference.Action) {}, ""},
		{"no title", func(a *conference.Action) { a.Title = "  " }, "title"},
		{"no owner", func(a *conference.Action) { a.Owner = "" }, "owner"},
		{"owner not a code", func(a *conference.Action) { a.Owner = "Canada" }, "owner"},
		{"due missing", func(a *conference.Action) { a.Due = "" }, "due"},
		{"due not a date", func(a *conference.Action) { a.Due = "next spring" }, "due"},
		{"due impossible date", func(a *conference.Action) { a.Due = "2015-02-30" }, "due"},
		{"due with a time", func(a *conference.Action) { a.Due = "2015-06-30T00:00:00Z" }, "due"},
		{"unknown status", func(a *conference.Action) { a.Status = "finished" }, "status"},
		{"progress below 0", func(a *conference.Action) { a.Progress = -1 }, "progress"},
		{"progress above 100", func(a *conference.Action) { a.Progress = 101 }, "progress"},
		{"progress 100 while open", func(a *conference.Action) { a.Progress = 100 }, ""},
		{"done below 100", func(a *conference.Action) { a.Status, a.Progress = conference.ActionDone, 90 }, "progress"},
		{"done at 100", func(a *conference.Action) { a.Status, a.Progress = conference.ActionDone, 100 }, ""},
		{"blocked without reason", func(a *conference.Action) { a.Status = conference.ActionBlocked }, "reason"},
		{"blocked with blank reason", func(a *conference.Action) { a.Status, a.Reason = conference.ActionBlocked, " " }, "reason"},
		{"blocked with reason", func(a *conference.Action) { a.Status, a.Reason = conference.ActionBlocked, "Awaiting legislation" }, ""},
		{"dropped without reason", func(a *conference.Action) { a.Status = conference.ActionDropped }, "reason"},
		{"dropped with reason", func(a *conference.Action) { a.Status, a.Reason = conference.ActionDropped, "Superseded" }, ""},
		{"unknown marking", func(a *conference.Action) { a.Marking = "secret" }, "marking"},
		{"topic twice", func(a *conference.Action) { a.Topics = []string{"t", "t"} }, "topics"},
		{"note without session", func(a *conference.Action) { a.NoteSeq = 3 }, "session_id"},
		{"title too long", func(a *conference.Action) { a.Title = string(make([]rune, 301)) }, "title"},
	})
}

func TestCheckTransition(t *testing.T) {
	const (
		open     = conference.ActionOpen
		progress = conference.ActionInProgress
		done     = conference.ActionDone
		blocked  = conference.ActionBlocked
		dropped  = conference.ActionDropped
	)
	allowed := map[conference.ActionStatus][]conference.ActionStatus{
		open:     {open, progress, done, blocked, dropped},
		progress: {open, progress, done, blocked, dropped},
		blocked:  {open, progress, done, blocked, dropped},
		done:     {open, progress, done},
		dropped:  {open, dropped},
	}
	for _, from := range conference.ActionStatuses {
		for _, to := range conference.ActionStatuses {
			ok := false
			for _, x := range allowed[from] {
				ok = ok || x == to
			}
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				err := conference.CheckTransition(from, to)
				if ok {
					assertNoError(t, err)
					return
				}
				assertCodeField(t, err, conference.ECONFLICT, "status")
			})
		}
	}
	assertCodeField(t, conference.CheckTransition(open, "closed"), conference.EINVALID, "status")
}

func TestAction_Class(t *testing.T) {
	const today, soon = "2015-01-10", "2015-02-09"
	for _, tt := range []struct {
		status conference.ActionStatus
		due    string
		want   conference.DueClass
	}{
		{conference.ActionOpen, "2015-01-09", conference.DueOverdue},
		{conference.ActionBlocked, "2014-12-31", conference.DueOverdue},
		{conference.ActionOpen, "2015-01-10", conference.DueSoon}, // due today is not overdue yet
		{conference.ActionInProgress, "2015-02-09", conference.DueSoon},
		{conference.ActionOpen, "2015-02-10", conference.DueOnTrack},
		{conference.ActionDone, "2014-01-01", conference.DueDone},
		{conference.ActionDropped, "2014-01-01", conference.DueDropped},
	} {
		a := validAction()
		a.Status, a.Due = tt.status, tt.due
		if got := a.Class(today, soon); got != tt.want {
			t.Errorf("%s due %s: class=%s, want %s", tt.status, tt.due, got, tt.want)
		}
	}
}

func TestService_CreateAction_Permissions(t *testing.T) {
	w := newWorld(t)
	oc, err := w.svc.CreateOutcome(w.ctx, w.rapporteur, w.session.ID, conference.OutcomeInput{Kind: conference.OutcomeDecision, Text: "Share materials."})
	assertNoError(t, err)
	direct := conference.ActionInput{Title: "Direct", Owner: "CA", Due: "2015-06-30", MeetingID: w.london.ID}
	fromNote := conference.ActionInput{Title: "From a note", Owner: "CA", Due: "2015-06-30", SessionID: w.session.ID, NoteSeq: 1}
	fromOutcome := conference.ActionInput{Title: "From an outcome", Owner: "US", Due: "2015-06-30", OutcomeID: oc.ID}
	otherSession := conference.ActionInput{Title: "Another session", Owner: "CA", Due: "2015-06-30", SessionID: w.other.ID}
	for _, tt := range []struct {
		name  string
		actor *conference.User
		in    conference.ActionInput
		code  string
	}{
		{"secretariat, directly", w.admin, direct, ""},
		{"rapporteur, from their session's note", w.rapporteur, fromNote, ""},
		{"rapporteur, from their session's outcome", w.rapporteur, fromOutcome, ""},
		{"rapporteur, directly", w.rapporteur, direct, conference.EFORBIDDEN},
		{"rapporteur, from another session", w.rapporteur, otherSession, conference.EFORBIDDEN},
		{"follow-up, own delegation", w.followupCA, direct, ""},
		{"follow-up, another delegation", w.followupNZ, direct, conference.EFORBIDDEN},
		{"delegate", w.delegateAU, direct, conference.EFORBIDDEN},
		{"head", w.headCA, direct, conference.EFORBIDDEN},
		{"observer", w.observer, direct, conference.EFORBIDDEN},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.code != "" {
				w.unchanged(t, func() {
					_, err := w.svc.CreateAction(w.ctx, tt.actor, tt.in)
					assertCodeField(t, err, tt.code, "")
				})
				return
			}
			a, err := w.svc.CreateAction(w.ctx, tt.actor, tt.in)
			assertNoError(t, err)
			if a.Status != conference.ActionOpen || a.Version != 1 || a.MeetingID != w.london.ID || a.CreatedBy != tt.actor.ID {
				t.Fatalf("action=%+v", a)
			}
		})
	}
}

func TestService_CreateAction_BadInput(t *testing.T) {
	w := newWorld(t)
	base := func() conference.ActionInput {
		return conference.ActionInput{Title: "Train judges", Owner: "CA", Due: "2015-06-30", MeetingID: w.london.ID}
	}
	testEdits(t, base, []editCase[conference.ActionInput]{
		{"no title", func(in *conference.ActionInput) { in.Title = "" }, "title"},
		{"unknown owner", func(in *conference.ActionInput) { in.Owner = "ZZ" }, "owner"},
		{"owner not a code", func(in *conference.ActionInput) { in.Owner = "Canada" }, "owner"},
		{"due not a date", func(in *conference.ActionInput) { in.Due = "31/12/2015" }, "due"},
		{"no due date", func(in *conference.ActionInput) { in.Due = "" }, "due"},
		{"no origin", func(in *conference.ActionInput) { in.MeetingID = "" }, "meeting_id"},
		{"unknown meeting", func(in *conference.ActionInput) { in.MeetingID = "paris-2099" }, "meeting_id"},
		{"unknown session", func(in *conference.ActionInput) { in.SessionID = "nope" }, "session_id"},
		{"session of another meeting", func(in *conference.ActionInput) { in.MeetingID, in.SessionID = w.washington.ID, w.session.ID }, "meeting_id"},
		{"note without session", func(in *conference.ActionInput) { in.NoteSeq = 1 }, "session_id"},
		{"unknown note", func(in *conference.ActionInput) { in.SessionID, in.NoteSeq = w.session.ID, 99 }, "note_seq"},
		{"unknown outcome", func(in *conference.ActionInput) { in.OutcomeID = "nope" }, "outcome_id"},
		{"unknown topic", func(in *conference.ActionInput) { in.Topics = []string{"nope"} }, "topics"},
		{"unknown marking", func(in *conference.ActionInput) { in.Marking = "top" }, "marking"},
	}, func(t *testing.T, in conference.ActionInput, field string) {
		w.unchanged(t, func() {
			_, err := w.svc.CreateAction(w.ctx, w.admin, in)
			assertCodeField(t, err, conference.EINVALID, field)
		})
	})
}

func TestService_PromoteNoteToAction_Marking(t *testing.T) {
	w := newWorld(t)
	// A note marked heads: its action is marked heads too, and only heads
	// and the secretariat see it.
	a, err := w.svc.PromoteNoteToAction(w.ctx, w.admin, w.session.ID, 3, conference.ActionInput{Owner: "CA", Due: "2015-06-30"})
	assertNoError(t, err)
	if a.Marking != conference.MarkingHeads || a.Title != "Note marked heads" || a.NoteSeq != 3 || a.SessionID != w.session.ID ||
		!slices.Equal(a.Topics, []string{w.cyber.ID}) {
		t.Fatalf("action=%+v, want marked heads, titled by the note, linked to note 3, under the session's topic", a)
	}
	for _, u := range []*conference.User{w.followupCA, w.delegateAU, w.observer} {
		list, err := w.svc.Actions(w.ctx, u, conference.ActionFilter{})
		assertNoError(t, err)
		if len(list) != 0 {
			t.Errorf("%s sees %d actions, want none above their clearance", u.Name, len(list))
		}
		_, err = w.svc.Action(w.ctx, u, a.ID)
		assertCodeField(t, err, conference.ENOTFOUND, "")
	}
	_, err = w.svc.Action(w.ctx, w.headCA, a.ID)
	assertNoError(t, err)
	// The session's rapporteur wrote the note: they read what came of it.
	_, err = w.svc.Action(w.ctx, w.rapporteur, a.ID)
	assertNoError(t, err)
	// Its marking cannot be lowered below the note's.
	w.unchanged(t, func() {
		_, err := w.svc.UpdateAction(w.ctx, w.admin, a.ID, conference.ActionUpdate{Marking: ptr(conference.MarkingAll), Version: ptr(a.Version)})
		assertCodeField(t, err, conference.EINVALID, "marking")
	})
	w.unchanged(t, func() {
		_, err := w.svc.PromoteNoteToAction(w.ctx, w.admin, w.session.ID, 3, conference.ActionInput{Owner: "CA", Due: "2015-06-30", Marking: conference.MarkingAll})
		assertCodeField(t, err, conference.EINVALID, "marking")
	})
	// A rapporteur promotes a note of their session owned by Canada.
	b, err := w.svc.PromoteNoteToAction(w.ctx, w.rapporteur, w.session.ID, 1, conference.ActionInput{Owner: "CA", Due: "2015-06-30"})
	assertNoError(t, err)
	if b.Marking != conference.MarkingAll || b.Owner != "CA" {
		t.Fatalf("action=%+v", b)
	}
}

func TestService_UpdateAction_Rules(t *testing.T) {
	w := newWorld(t)
	a := w.newAction(t, "CA", "2015-06-30")
	v := a.Version
	update := func(tb testing.TB, actor *conference.User, upd conference.ActionUpdate) (*conference.Action, error) {
		tb.Helper()
		upd.Version = ptr(v)
		got, err := w.svc.UpdateAction(w.ctx, actor, a.ID, upd)
		if err == nil {
			v = got.Version
		}
		return got, err
	}
	refused := func(name string, actor *conference.User, upd conference.ActionUpdate, code, field string) {
		t.Run(name, func(t *testing.T) {
			w.unchanged(t, func() {
				_, err := update(t, actor, upd)
				assertCodeField(t, err, code, field)
			})
		})
	}
	refused("another delegation's follow-up", w.followupNZ, conference.ActionUpdate{Progress: ptr(10)}, conference.EFORBIDDEN, "")
	refused("a delegate", w.delegateAU, conference.ActionUpdate{Progress: ptr(10)}, conference.EFORBIDDEN, "")
	refused("a head", w.headCA, conference.ActionUpdate{Progress: ptr(10)}, conference.EFORBIDDEN, "")
	refused("a rapporteur", w.rapporteur, conference.ActionUpdate{Progress: ptr(10)}, conference.EFORBIDDEN, "")
	refused("an observer", w.observer, conference.ActionUpdate{Progress: ptr(10)}, conference.EFORBIDDEN, "")
	refused("progress above 100", w.followupCA, conference.ActionUpdate{Progress: ptr(101)}, conference.EINVALID, "progress")
	refused("progress below 0", w.followupCA, conference.ActionUpdate{Progress: ptr(-5)}, conference.EINVALID, "progress")
	refused("due not a date", w.followupCA, conference.ActionUpdate{Due: ptr("soon")}, conference.EINVALID, "due")
	refused("unknown owner", w.admin, conference.ActionUpdate{Owner: ptr("XX")}, conference.EINVALID, "owner")
	refused("follow-up hands another delegation's action over", w.followupNZ, conference.ActionUpdate{Owner: ptr("NZ")}, conference.EFORBIDDEN, "")
	refused("due before the meeting", w.followupCA, conference.ActionUpdate{Due: ptr("2013-01-01")}, conference.EINVALID, "due")
	refused("due the day before the meeting", w.admin, conference.ActionUpdate{Due: ptr("2014-07-08")}, conference.EINVALID, "due")
	refused("blocked without reason", w.followupCA, conference.ActionUpdate{Status: ptr(conference.ActionBlocked)}, conference.EINVALID, "reason")
	refused("dropped without reason", w.followupCA, conference.ActionUpdate{Status: ptr(conference.ActionDropped)}, conference.EINVALID, "reason")
	refused("unknown status", w.followupCA, conference.ActionUpdate{Status: ptr(conference.ActionStatus("closed"))}, conference.EINVALID, "status")
	t.Run("no version", func(t *testing.T) {
		_, err := w.svc.UpdateAction(w.ctx, w.followupCA, a.ID, conference.ActionUpdate{Progress: ptr(5)})
		assertCodeField(t, err, conference.EINVALID, "version")
	})

	t.Run("an update that changes nothing writes nothing", func(t *testing.T) {
		w.unchanged(t, func() {
			got, err := update(t, w.followupCA, conference.ActionUpdate{Title: ptr(a.Title)})
			assertNoError(t, err)
			if got.Version != a.Version {
				t.Fatalf("version=%d, want %d", got.Version, a.Version)
			}
		})
	})
	got, err := update(t, w.followupCA, conference.ActionUpdate{Status: ptr(conference.ActionInProgress), Progress: ptr(40)})
	assertNoError(t, err)
	if got.Status != conference.ActionInProgress || got.Progress != 40 || got.Version != 2 || got.UpdatedBy != w.followupCA.ID {
		t.Fatalf("action=%+v", got)
	}
	got, err = update(t, w.followupCA, conference.ActionUpdate{Status: ptr(conference.ActionDone)})
	assertNoError(t, err)
	if got.Progress != 100 {
		t.Fatalf("done: progress=%d, want 100", got.Progress)
	}
	refused("done, then blocked", w.admin, conference.ActionUpdate{Status: ptr(conference.ActionBlocked), Reason: ptr("x")}, conference.ECONFLICT, "status")
	refused("done below 100%", w.admin, conference.ActionUpdate{Progress: ptr(50)}, conference.EINVALID, "progress")
	got, err = update(t, w.admin, conference.ActionUpdate{Status: ptr(conference.ActionOpen)})
	assertNoError(t, err)
	got, err = update(t, w.admin, conference.ActionUpdate{Status: ptr(conference.ActionDropped), Reason: ptr("Superseded by the register")})
	assertNoError(t, err)
	if got.Reason != "Superseded by the register" {
		t.Fatalf("reason=%q", got.Reason)
	}
	refused("dropped, then in progress", w.admin, conference.ActionUpdate{Status: ptr(conference.ActionInProgress)}, conference.ECONFLICT, "status")
	got, err = update(t, w.admin, conference.ActionUpdate{Status: ptr(conference.ActionOpen)})
	assertNoError(t, err)
	if got.Reason != "" {
		t.Fatalf("reopened: reason=%q, want it gone", got.Reason)
	}

	t.Run("a stale version gets the current action", func(t *testing.T) {
		w.unchanged(t, func() {
			_, err := w.svc.UpdateAction(w.ctx, w.followupCA, a.ID, conference.ActionUpdate{Progress: ptr(5), Version: ptr(int64(1))})
			e := assertCodeField(t, err, conference.ESTALE, "version")
			cur, ok := e.Current.(*conference.Action)
			if !ok || cur.Version != v {
				t.Fatalf("Current=%#v, want the action at version %d", e.Current, v)
			}
		})
	})
}

func TestService_ReportProgress(t *testing.T) {
	w := newWorld(t)
	a := w.newAction(t, "CA", "2015-06-30")
	for _, tt := range []struct {
		name  string
		actor *conference.User
		in    conference.ReportInput
		code  string
		field string
	}{
		{"no text", w.followupCA, conference.ReportInput{Text: " ", Version: ptr(a.Version)}, conference.EINVALID, "text"},
		{"no version", w.followupCA, conference.ReportInput{Text: "x"}, conference.EINVALID, "version"},
		{"stale version", w.followupCA, conference.ReportInput{Text: "x", Version: ptr(a.Version + 1)}, conference.ESTALE, "version"},
		{"another delegation", w.followupNZ, conference.ReportInput{Text: "x", Version: ptr(a.Version)}, conference.EFORBIDDEN, ""},
		{"progress out of range", w.followupCA, conference.ReportInput{Text: "x", Progress: ptr(150), Version: ptr(a.Version)}, conference.EINVALID, "progress"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w.unchanged(t, func() {
				_, err := w.svc.ReportProgress(w.ctx, tt.actor, a.ID, tt.in)
				assertCodeField(t, err, tt.code, tt.field)
			})
		})
	}
	w.clock.Set(mustTime("2014-09-01T10:00:00Z"))
	got, err := w.svc.ReportProgress(w.ctx, w.followupCA, a.ID, conference.ReportInput{
		Text: "Curriculum drafted.", Status: ptr(conference.ActionInProgress), Progress: ptr(30), Version: ptr(a.Version)})
	assertNoError(t, err)
	if len(got.Reports) != 1 || got.Status != conference.ActionInProgress || got.Progress != 30 {
		t.Fatalf("action=%+v", got)
	}
	r := got.Reports[0]
	if r.Author != w.followupCA.ID || r.AuthorName != "Follow-up CA" || !r.At.Equal(mustTime("2014-09-01T10:00:00Z")) ||
		r.Status != conference.ActionInProgress || r.Progress != 30 {
		t.Fatalf("report=%+v", r)
	}
	// A report that blocks the action gives its text as the reason.
	got, err = w.svc.ReportProgress(w.ctx, w.admin, a.ID, conference.ReportInput{
		Text: "Waiting for the new law.", Status: ptr(conference.ActionBlocked), Version: ptr(got.Version)})
	assertNoError(t, err)
	if got.Reason != "Waiting for the new law." || len(got.Reports) != 2 || got.Reports[0].Text != "Curriculum drafted." {
		t.Fatalf("action=%+v", got)
	}
}

// Fifty editors who saw the same version: exactly one update lands, the
// others are told of the conflict with the current action, and nothing is
// lost: the stored action is the winner's.
func TestService_UpdateAction_Concurrent(t *testing.T) {
	w := newWorld(t)
	a := w.newAction(t, "CA", "2015-06-30")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := []int{}, 0
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actor := w.followupCA
			if i%2 == 0 {
				actor = w.admin
			}
			_, err := w.svc.UpdateAction(w.ctx, actor, a.ID, conference.ActionUpdate{Progress: ptr(i + 1), Version: ptr(a.Version)})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins = append(wins, i+1)
				return
			}
			if e := assertCodeField(t, err, conference.ESTALE, "version"); e.Current == nil {
				t.Errorf("conflict without the current action")
			}
			conflicts++
		}()
	}
	wg.Wait()
	if len(wins) != 1 || conflicts != 49 {
		t.Fatalf("wins=%v conflicts=%d, want 1 and 49", wins, conflicts)
	}
	got, err := w.svc.Action(w.ctx, w.admin, a.ID)
	assertNoError(t, err)
	if got.Version != a.Version+1 || got.Progress != wins[0] {
		t.Fatalf("stored version %d progress %d, want %d and the winner's %d", got.Version, got.Progress, a.Version+1, wins[0])
	}
	// Reload from the store: the same.
	svc := conference.NewService(w.store, fakeHasher{})
	assertNoError(t, svc.Load(w.ctx))
	again, err := svc.Action(w.ctx, w.admin, a.ID)
	assertNoError(t, err)
	if again.Version != got.Version || again.Progress != got.Progress {
		t.Fatalf("after reload: %+v, want %+v", again, got)
	}
}

func TestService_UpdateAction_StoreFails(t *testing.T) {
	w := newWorld(t)
	a := w.newAction(t, "CA", "2015-06-30")
	w.store.Fail(true)
	gen := w.svc.Generation()
	_, err := w.svc.UpdateAction(w.ctx, w.admin, a.ID, conference.ActionUpdate{Progress: ptr(50), Version: ptr(a.Version)})
	if err == nil || conference.ErrorCode(err) != conference.EINTERNAL {
		t.Fatalf("err=%v, want an internal error", err)
	}
	w.store.Fail(false)
	got, _ := w.svc.Action(w.ctx, w.admin, a.ID)
	if got.Progress != 0 || got.Version != a.Version || w.svc.Generation() != gen {
		t.Fatalf("after a failed write: %+v, want the action unchanged", got)
	}
}

func TestService_Actions_Filters(t *testing.T) {
	w := newWorld(t)
	w.clock.Set(mustTime("2015-01-10T12:00:00Z"))
	mk := func(owner, due string, topics []string, marking conference.Marking) *conference.Action {
		a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{Title: owner + " " + due, Owner: owner, Due: due,
			MeetingID: w.london.ID, Topics: topics, Marking: marking})
		assertNoError(t, err)
		return a
	}
	overdue := mk("CA", "2014-12-01", []string{w.cyber.ID}, conference.MarkingAll)
	soon := mk("CA", "2015-01-20", []string{w.prosecutors.ID}, conference.MarkingAll)
	later := mk("NZ", "2015-06-30", nil, conference.MarkingDelegations)
	secret := mk("US", "2015-03-01", nil, conference.MarkingHeads)
	w.clock.Set(mustTime("2015-01-11T12:00:00Z"))
	done, err := w.svc.UpdateAction(w.ctx, w.admin, mk("AU", "2014-11-01", nil, conference.MarkingAll).ID,
		conference.ActionUpdate{Status: ptr(conference.ActionDone), Version: ptr(int64(1))})
	assertNoError(t, err)
	w.clock.Set(mustTime("2015-01-12T12:00:00Z"))

	ids := func(as []*conference.Action) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		actor *conference.User
		f     conference.ActionFilter
		want  []*conference.Action
	}{
		{"all, by due date", w.admin, conference.ActionFilter{}, []*conference.Action{done, overdue, soon, secret, later}},
		{"observer reads only all", w.observer, conference.ActionFilter{}, []*conference.Action{done, overdue, soon}},
		{"delegate reads delegations", w.delegateAU, conference.ActionFilter{}, []*conference.Action{done, overdue, soon, later}},
		{"owner", w.admin, conference.ActionFilter{Owners: []string{"CA"}}, []*conference.Action{overdue, soon}},
		{"topic by slug", w.admin, conference.ActionFilter{Topic: "cyberbullying"}, []*conference.Action{overdue}},
		{"topic by id", w.admin, conference.ActionFilter{Topic: w.prosecutors.ID}, []*conference.Action{soon}},
		{"status", w.admin, conference.ActionFilter{Status: []conference.ActionStatus{conference.ActionDone}}, []*conference.Action{done}},
		{"overdue leaves done out", w.admin, conference.ActionFilter{Overdue: true}, []*conference.Action{overdue}},
		{"due before", w.admin, conference.ActionFilter{DueBefore: "2015-03-01"}, []*conference.Action{done, overdue, soon}},
		{"changed since", w.admin, conference.ActionFilter{ChangedSince: mustTime("2015-01-11T00:00:00Z")}, []*conference.Action{done}},
		{"meeting", w.admin, conference.ActionFilter{MeetingID: w.washington.ID}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.svc.Actions(w.ctx, tt.actor, tt.f)
			assertNoError(t, err)
			if !slices.Equal(ids(got), ids(tt.want)) {
				t.Fatalf("got %v, want %v", ids(got), ids(tt.want))
			}
		})
	}
	for _, tt := range []struct {
		f     conference.ActionFilter
		field string
	}{
		{conference.ActionFilter{Status: []conference.ActionStatus{"closed"}}, "status"},
		{conference.ActionFilter{DueBefore: "June"}, "due_before"},
		{conference.ActionFilter{Owners: []string{"canada"}}, "owner"},
		{conference.ActionFilter{Topic: "nope"}, "topic"},
	} {
		_, err := w.svc.Actions(w.ctx, w.admin, tt.f)
		assertCodeField(t, err, conference.EINVALID, tt.field)
	}

	// The board: one column per delegation, counted as of today.
	b, err := w.svc.ActionBoard(w.ctx, w.admin, conference.ActionFilter{})
	assertNoError(t, err)
	col := func(code string) conference.DueCounts {
		for _, c := range b.Columns {
			if c.Delegation == code {
				return c.Counts
			}
		}
		t.Fatalf("no column %s", code)
		return conference.DueCounts{}
	}
	if got := col("CA"); got.Overdue != 1 || got.DueSoon != 1 || got.Total != 2 {
		t.Errorf("CA=%+v", got)
	}
	for _, c := range b.Columns {
		if c.Delegation == "CA" && (len(c.Attention) != 2 || c.Attention[0].ID != overdue.ID || c.Attention[1].ID != soon.ID) {
			t.Errorf("CA's attention list=%v, want the overdue then the due-soon action", ids(c.Attention))
		}
		if c.Delegation == "NZ" && len(c.Attention) != 0 {
			t.Errorf("NZ's attention list=%v, want none (on track)", ids(c.Attention))
		}
	}
	if got := col("AU"); got.Done != 1 || got.Total != 1 {
		t.Errorf("AU=%+v", got)
	}
	if got := col("NZ"); got.OnTrack != 1 {
		t.Errorf("NZ=%+v", got)
	}
	if got := col("US"); got.OnTrack != 1 {
		t.Errorf("US=%+v (the secretariat reads heads)", got)
	}
	if b.Today != "2015-01-12" || b.Totals.Total != 5 || len(b.Columns) != 6 {
		t.Errorf("board=%+v", b)
	}
	ob, err := w.svc.ActionBoard(w.ctx, w.observer, conference.ActionFilter{})
	assertNoError(t, err)
	if ob.Totals.Total != 3 {
		t.Errorf("observer's board counts %d, want 3", ob.Totals.Total)
	}

	// "My delegation".
	mine, err := w.svc.MyActions(w.ctx, w.followupCA)
	assertNoError(t, err)
	if mine.Delegation != "CA" || len(mine.Actions) != 2 || mine.Counts.Overdue != 1 {
		t.Errorf("mine=%+v", mine)
	}
	_, err = w.svc.MyActions(w.ctx, w.observer)
	assertCodeField(t, err, conference.ENOTFOUND, "")
}

func TestService_ProgressAndCarryOver(t *testing.T) {
	w := newWorld(t)
	early := w.newAction(t, "CA", "2015-06-30")
	a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{Title: "Cyber", Owner: "NZ", Due: "2015-05-01", SessionID: w.session.ID})
	assertNoError(t, err)
	closed, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{Title: "Closed", Owner: "AU", Due: "2015-05-01", SessionID: w.other.ID})
	assertNoError(t, err)
	later, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{Title: "Of Washington", Owner: "US", Due: "2016-05-01", MeetingID: w.washington.ID, Topics: []string{w.cyber.ID}})
	assertNoError(t, err)

	w.clock.Set(mustTime("2014-07-11T15:00:00Z")) // during the meeting: not "since"
	_, err = w.svc.ReportProgress(w.ctx, w.admin, a.ID, conference.ReportInput{Text: "Kick-off.", Version: ptr(a.Version)})
	assertNoError(t, err)
	w.clock.Set(mustTime("2014-10-01T09:00:00Z"))
	a2, err := w.svc.Action(w.ctx, w.admin, a.ID)
	assertNoError(t, err)
	_, err = w.svc.ReportProgress(w.ctx, w.followupNZ, a.ID, conference.ReportInput{Text: "Half done.", Progress: ptr(50), Version: ptr(a2.Version)})
	assertNoError(t, err)
	_, err = w.svc.UpdateAction(w.ctx, w.admin, closed.ID, conference.ActionUpdate{Status: ptr(conference.ActionDone), Version: ptr(closed.Version)})
	assertNoError(t, err)

	p, err := w.svc.ProgressSince(w.ctx, w.admin, "", "")
	assertNoError(t, err)
	if p.Since != "2014-07-12" || p.LastMeeting == nil || p.LastMeeting.ID != w.london.ID {
		t.Fatalf("since=%s last=%v, want the day after London", p.Since, p.LastMeeting)
	}
	if len(p.Actions) != 2 {
		t.Fatalf("progress lists %d actions, want 2", len(p.Actions))
	}
	for _, ap := range p.Actions {
		if ap.Action.ID == a.ID && (len(ap.Reports) != 1 || ap.Reports[0].Text != "Half done.") {
			t.Fatalf("reports since=%+v, want only the one after the meeting", ap.Reports)
		}
	}
	pn, err := w.svc.ProgressSince(w.ctx, w.admin, "2014-01-01", "NZ")
	assertNoError(t, err)
	if len(pn.Actions) != 1 || len(pn.Actions[0].Reports) != 2 {
		t.Fatalf("NZ since 2014: %+v", pn)
	}
	_, err = w.svc.ProgressSince(w.ctx, w.admin, "last year", "")
	assertCodeField(t, err, conference.EINVALID, "since")

	groups, err := w.svc.CarryOver(w.ctx, w.delegateAU, w.washington.ID)
	assertNoError(t, err)
	// Washington's agenda: prosecutors, then cyberbullying; then no topic.
	if len(groups) != 3 || groups[0].Topic.ID != w.prosecutors.ID || groups[1].Topic.ID != w.cyber.ID || groups[2].Topic != nil {
		t.Fatalf("groups=%+v", groups)
	}
	if len(groups[0].Actions) != 0 || len(groups[1].Actions) != 1 || groups[1].Actions[0].ID != a.ID ||
		len(groups[2].Actions) != 1 || groups[2].Actions[0].ID != early.ID {
		t.Fatalf("carry-over=%+v", groups)
	}
	for _, g := range groups {
		for _, x := range g.Actions {
			if x.ID == later.ID || x.ID == closed.ID {
				t.Fatalf("carried over %s, which is of the same meeting or done", x.Title)
			}
		}
	}
	// Computed, never copied: closing the action takes it off at once.
	cur, _ := w.svc.Action(w.ctx, w.admin, early.ID)
	_, err = w.svc.UpdateAction(w.ctx, w.admin, early.ID, conference.ActionUpdate{Status: ptr(conference.ActionDone), Version: ptr(cur.Version)})
	assertNoError(t, err)
	groups, err = w.svc.CarryOver(w.ctx, w.delegateAU, w.washington.ID)
	assertNoError(t, err)
	if len(groups) != 2 {
		t.Fatalf("after closing: %d groups, want 2 (no topic-less group)", len(groups))
	}
	london, err := w.svc.CarryOver(w.ctx, w.delegateAU, w.london.ID)
	assertNoError(t, err)
	for _, g := range london {
		if len(g.Actions) != 0 {
			t.Fatalf("London carries over %d actions, want none (no earlier meeting)", len(g.Actions))
		}
	}
}

func TestService_CalendarFeed(t *testing.T) {
	w := newWorld(t)
	w.newAction(t, "CA", "2015-06-30")
	_, err := w.svc.PromoteNoteToAction(w.ctx, w.admin, w.session.ID, 3, conference.ActionInput{Owner: "CA", Due: "2015-05-01"})
	assertNoError(t, err)
	w.newAction(t, "NZ", "2015-06-30")

	for _, u := range []*conference.User{w.followupNZ, w.delegateAU, w.observer, w.rapporteur} {
		_, err := w.svc.IssueCalendarFeed(w.ctx, u, "CA")
		assertCodeField(t, err, conference.EFORBIDDEN, "")
	}
	secret, err := w.svc.IssueCalendarFeed(w.ctx, w.followupCA, "CA")
	assertNoError(t, err)
	d, actions, err := w.svc.CalendarFeed(w.ctx, secret)
	assertNoError(t, err)
	if d.Code != "CA" || len(actions) != 1 || actions[0].Marking == conference.MarkingHeads {
		t.Fatalf("feed of %s with %d actions, want CA's one action below heads", d.Code, len(actions))
	}
	// Survives a reload: only the hash is kept, in the delegation.
	svc := conference.NewService(w.store, fakeHasher{})
	assertNoError(t, svc.Load(w.ctx))
	if _, _, err := svc.CalendarFeed(w.ctx, secret); err != nil {
		t.Fatalf("after reload: %v", err)
	}
	// Rotating revokes the old secret; revoking ends the feed.
	secret2, err := w.svc.IssueCalendarFeed(w.ctx, w.headCA, "CA")
	assertNoError(t, err)
	_, _, err = w.svc.CalendarFeed(w.ctx, secret)
	assertCodeField(t, err, conference.ENOTFOUND, "")
	assertNoError(t, w.svc.RevokeCalendarFeed(w.ctx, w.admin, "CA"))
	_, _, err = w.svc.CalendarFeed(w.ctx, secret2)
	assertCodeField(t, err, conference.ENOTFOUND, "")
	_, _, err = w.svc.CalendarFeed(w.ctx, "")
	assertCodeField(t, err, conference.ENOTFOUND, "")
}

func TestService_MeetingRecord(t *testing.T) {
	w := newWorld(t)
	mk := func(text string, m conference.Marking, agree bool) *conference.OutcomeView {
		o, err := w.svc.CreateOutcome(w.ctx, w.admin, w.session.ID, conference.OutcomeInput{Kind: conference.OutcomeDecision, Text: text, Marking: m})
		assertNoError(t, err)
		if agree {
			o, err = w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(o.Version)})
			assertNoError(t, err)
		}
		return o
	}
	mk("Agreed for all", conference.MarkingAll, true)
	mk("Agreed for heads", conference.MarkingHeads, true)
	mk("Still a draft", conference.MarkingAll, false)
	_, err := w.svc.SignOff(w.ctx, w.headCA, mk("Signed", conference.MarkingAll, true).ID)
	assertNoError(t, err)
	w.newAction(t, "CA", "2015-06-30")

	for _, tt := range []struct {
		actor    *conference.User
		outcomes int
	}{{w.observer, 2}, {w.headCA, 3}} {
		r, err := w.svc.MeetingRecord(w.ctx, tt.actor, w.london.ID)
		assertNoError(t, err)
		if len(r.Sessions) != 2 || len(r.Sessions[0].Outcomes) != tt.outcomes || len(r.Actions) != 1 || len(r.Delegations) != 5 {
			t.Fatalf("%s: record with %d sessions, %d outcomes, %d actions, %d delegations",
				tt.actor.Name, len(r.Sessions), len(r.Sessions[0].Outcomes), len(r.Actions), len(r.Delegations))
		}
		for _, o := range r.Sessions[0].Outcomes {
			if o.Status != conference.OutcomeAgreed || !tt.actor.MayRead(o.Marking) {
				t.Fatalf("%s's record holds %+v", tt.actor.Name, o)
			}
		}
	}
}

func TestService_CreateAction_DueFloor(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name  string
		actor *conference.User
		in    conference.ActionInput
		ok    bool
	}{
		{"years before the meeting", w.admin, conference.ActionInput{MeetingID: w.london.ID, Due: "2013-01-01"}, false},
		{"the day before the meeting", w.admin, conference.ActionInput{MeetingID: w.london.ID, Due: "2014-07-08"}, false},
		{"the meeting's first day", w.admin, conference.ActionInput{MeetingID: w.london.ID, Due: "2014-07-09"}, true},
		{"after the meeting", w.followupCA, conference.ActionInput{MeetingID: w.london.ID, Due: "2015-06-30"}, true},
		{"from a session, before its meeting", w.followupCA, conference.ActionInput{SessionID: w.session.ID, Due: "2014-01-31"}, false},
		{"from a session, after its meeting", w.followupCA, conference.ActionInput{SessionID: w.session.ID, Due: "2014-09-30"}, true},
		{"from the next meeting, before it", w.admin, conference.ActionInput{MeetingID: w.washington.ID, Due: "2015-06-30"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Title, in.Owner = "Publish the guidance", "CA"
			if tc.ok {
				a, err := w.svc.CreateAction(w.ctx, tc.actor, in)
				assertNoError(t, err)
				if a.Due != in.Due {
					t.Fatalf("due=%q, want %q", a.Due, in.Due)
				}
				return
			}
			w.unchanged(t, func() {
				_, err := w.svc.CreateAction(w.ctx, tc.actor, in)
				assertCodeField(t, err, conference.EINVALID, "due")
			})
		})
	}
}

func TestService_UpdateAction_HandoverAndHistory(t *testing.T) {
	w := newWorld(t)
	a, err := w.svc.CreateAction(w.ctx, w.followupCA, conference.ActionInput{Title: "Share the guidance", Owner: "CA",
		Due: "2015-06-30", MeetingID: w.london.ID})
	assertNoError(t, err)
	if len(a.History) != 0 {
		t.Fatalf("history=%+v, want none before any edit", a.History)
	}
	// The owner's follow-up team edits every field.
	a, err = w.svc.UpdateAction(w.ctx, w.followupCA, a.ID, conference.ActionUpdate{Title: ptr("Share the new guidance"),
		Description: ptr("With the judiciary."), Agency: ptr("Public Prosecution Service"), Contact: ptr("J. Smith"),
		Due: ptr("2015-05-31"), Marking: ptr(conference.MarkingDelegations), Version: ptr(a.Version)})
	assertNoError(t, err)
	if len(a.History) != 1 {
		t.Fatalf("history=%+v, want one revision", a.History)
	}
	r := a.History[0]
	fields := []string{}
	for _, c := range r.Changes {
		fields = append(fields, c.Field)
	}
	if r.Action != conference.RevisionUpdated || r.By != w.followupCA.ID || r.ByName != "Follow-up CA" || r.Version != 2 ||
		!r.At.Equal(w.svc.Now()) || r.Marking != conference.MarkingDelegations ||
		!slices.Equal(fields, []string{"title", "description", "agency", "contact", "due", "marking"}) {
		t.Fatalf("revision=%+v (fields %v)", r, fields)
	}
	// It hands the action to New Zealand: a recorded handover, after which
	// it is New Zealand's to edit and no longer Canada's.
	a, err = w.svc.UpdateAction(w.ctx, w.followupCA, a.ID, conference.ActionUpdate{Owner: ptr("nz"), Version: ptr(a.Version)})
	assertNoError(t, err)
	h := a.History[len(a.History)-1]
	if a.Owner != "NZ" || h.Action != conference.RevisionHandedOver || h.ByName != "Follow-up CA" ||
		len(h.Changes) != 1 || h.Changes[0] != (conference.FieldChange{Field: "owner", From: "CA", To: "NZ"}) {
		t.Fatalf("owner=%s, revision=%+v", a.Owner, h)
	}
	w.unchanged(t, func() {
		_, err := w.svc.UpdateAction(w.ctx, w.followupCA, a.ID, conference.ActionUpdate{Owner: ptr("CA"), Version: ptr(a.Version)})
		assertCodeField(t, err, conference.EFORBIDDEN, "")
	})
	a, err = w.svc.UpdateAction(w.ctx, w.followupNZ, a.ID, conference.ActionUpdate{Progress: ptr(20), Version: ptr(a.Version)})
	assertNoError(t, err)
	// The history is part of what the reader reads, cut to their clearance:
	// the observer reads no action marked delegations at all.
	got, err := w.svc.Action(w.ctx, w.followupNZ, a.ID)
	assertNoError(t, err)
	if len(got.History) != 3 {
		t.Fatalf("history=%+v, want three revisions", got.History)
	}
	_, err = w.svc.Action(w.ctx, w.observer, a.ID)
	assertCodeField(t, err, conference.ENOTFOUND, "")
}

// The cases are in testdata/proposed_titles.json, which the web app's test
// of its own proposedTitle (frontend/src/lib/actions.test.ts) reads too: the
// two must propose the same title.
func TestProposedTitle(t *testing.T) {
	raw, err := os.ReadFile("testdata/proposed_titles.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Name, Text, Want string }
	if err := json.Unmarshal(raw, &cases); err != nil || len(cases) < 5 {
		t.Fatalf("read the cases: %v (%d)", err, len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			got := conference.ProposedTitle(tc.Text)
			if got != tc.Want {
				t.Fatalf("ProposedTitle(%q)=%q, want %q", tc.Text, got, tc.Want)
			}
			if n := utf8.RuneCountInString(got); n > conference.MaxProposedTitle {
				t.Fatalf("%d characters, want at most %d", n, conference.MaxProposedTitle)
			}
		})
	}
}
