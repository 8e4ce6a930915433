package conference_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

// Lowering an outcome's marking must not show its earlier, more restricted
// text: each revision is read under the marking it had then, on every path.
func TestOutcomeHistory_RevisionsKeepTheirMarking(t *testing.T) {
	w := newWorld(t)
	o, err := w.svc.CreateOutcome(w.ctx, w.admin, w.session.ID, conference.OutcomeInput{
		Kind: conference.OutcomeFinding, Text: "Secret X", Marking: conference.MarkingHeads})
	assertNoError(t, err)
	o, err = w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{
		Text: ptr("Public text"), Marking: ptr(conference.MarkingAll), Version: ptr(o.Version)})
	assertNoError(t, err)

	leaks := func(v *conference.OutcomeView) bool {
		return slices.ContainsFunc(v.History, func(r conference.OutcomeRevision) bool { return strings.Contains(r.Text, "Secret") })
	}
	// Readers at delegations: observers read no draft at all.
	for _, u := range []*conference.User{w.delegateAU, w.followupCA} {
		one, err := w.svc.Outcome(w.ctx, u, o.ID)
		assertNoError(t, err)
		if leaks(one) || len(one.History) != 0 {
			t.Errorf("%s: GET outcome history=%+v, want no revision marked heads", u.Name, one.History)
		}
		list, err := w.svc.Outcomes(w.ctx, u, w.session.ID)
		assertNoError(t, err)
		all, err := w.svc.MeetingOutcomes(w.ctx, u, w.london.ID)
		assertNoError(t, err)
		for _, v := range append(list, all...) {
			if leaks(v) {
				t.Errorf("%s: a list shows the heads revision", u.Name)
			}
		}
	}
	// The live hub encodes per level through the same view.
	if v := w.svc.OutcomeView(storedOutcome(t, w, o.ID), conference.MarkingDelegations); v == nil || leaks(v) {
		t.Fatalf("live view for clearance delegations=%+v, want the outcome without its heads revision", v)
	}
	// Those whose clearance covered it still read it.
	for _, u := range []*conference.User{w.headCA, w.admin, w.rapporteur} {
		one, err := w.svc.Outcome(w.ctx, u, o.ID)
		assertNoError(t, err)
		if !leaks(one) {
			t.Errorf("%s: history=%+v, want the heads revision", u.Name, one.History)
		}
	}
	// A later edit keeps the whole history: writes start from what is stored.
	// An observer does not learn that the draft exists.
	again, err := w.svc.UpdateOutcome(w.ctx, w.observer, o.ID, conference.OutcomeUpdate{Text: ptr("x"), Version: ptr(o.Version)})
	assertCodeField(t, err, conference.ENOTFOUND, "")
	_ = again
	o2, err := w.svc.UpdateOutcome(w.ctx, w.rapporteur, o.ID, conference.OutcomeUpdate{Text: ptr("Third"), Version: ptr(o.Version)})
	assertNoError(t, err)
	if len(o2.History) != 2 {
		t.Fatalf("history after a third edit has %d revisions, want 2", len(o2.History))
	}
}

func storedOutcome(t *testing.T, w *world, id string) *conference.Outcome {
	t.Helper()
	v, err := w.svc.Outcome(w.ctx, conference.SystemActor, id)
	assertNoError(t, err)
	return &v.Outcome
}

// A progress report written while the action was marked heads stays heads.
func TestActionReports_KeepTheirMarking(t *testing.T) {
	w := newWorld(t)
	a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{
		Title: "Quiet work", Owner: "CA", Due: "2015-06-30", MeetingID: w.london.ID, Marking: conference.MarkingHeads})
	assertNoError(t, err)
	a, err = w.svc.ReportProgress(w.ctx, w.admin, a.ID, conference.ReportInput{Text: "Secret contact made", Version: ptr(a.Version)})
	assertNoError(t, err)
	a, err = w.svc.UpdateAction(w.ctx, w.admin, a.ID, conference.ActionUpdate{Marking: ptr(conference.MarkingAll), Version: ptr(a.Version)})
	assertNoError(t, err)
	a, err = w.svc.ReportProgress(w.ctx, w.admin, a.ID, conference.ReportInput{Text: "Public step", Version: ptr(a.Version)})
	assertNoError(t, err)

	for _, tt := range []struct {
		user *conference.User
		want []string
	}{
		{w.observer, []string{"Public step"}},
		{w.followupCA, []string{"Public step"}},
		{w.headCA, []string{"Secret contact made", "Public step"}},
	} {
		got, err := w.svc.Action(w.ctx, tt.user, a.ID)
		assertNoError(t, err)
		list, err := w.svc.Actions(w.ctx, tt.user, conference.ActionFilter{})
		assertNoError(t, err)
		i := slices.IndexFunc(list, func(x *conference.Action) bool { return x.ID == a.ID })
		if i < 0 {
			t.Fatalf("%s: the action is missing from the list", tt.user.Name)
		}
		for _, view := range []*conference.Action{got, list[i], w.svc.ActionView(a, tt.user.Clearance())} {
			var texts []string
			for _, r := range view.Reports {
				texts = append(texts, r.Text)
			}
			if !slices.Equal(texts, tt.want) {
				t.Errorf("%s: reports=%q, want %q", tt.user.Name, texts, tt.want)
			}
		}
	}
}

// Raising an outcome's marking raises what was drawn from it, at once.
func TestRaisingAnOutcome_HidesItsActions(t *testing.T) {
	w := newWorld(t)
	o, err := w.svc.CreateOutcome(w.ctx, w.admin, w.session.ID, conference.OutcomeInput{
		Kind: conference.OutcomeDecision, Text: "Share zebrafish materials", Marking: conference.MarkingAll})
	assertNoError(t, err)
	a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{Title: "Zebrafish materials", Owner: "CA", Due: "2015-06-30", OutcomeID: o.ID})
	assertNoError(t, err)
	if _, err := w.svc.Action(w.ctx, w.delegateAU, a.ID); err != nil {
		t.Fatalf("before: a delegate cannot read the action: %v", err)
	}
	_, err = w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Marking: ptr(conference.MarkingHeads), Version: ptr(o.Version)})
	assertNoError(t, err)

	for _, u := range []*conference.User{w.observer, w.delegateAU, w.followupCA} {
		_, err := w.svc.Action(w.ctx, u, a.ID)
		assertCodeField(t, err, conference.ENOTFOUND, "")
		list, err := w.svc.Actions(w.ctx, u, conference.ActionFilter{})
		assertNoError(t, err)
		if slices.ContainsFunc(list, func(x *conference.Action) bool { return x.ID == a.ID }) {
			t.Errorf("%s: the action is still listed", u.Name)
		}
		res, err := w.svc.Search(w.ctx, u, conference.SearchQuery{Q: "zebrafish"})
		assertNoError(t, err)
		if res.Total != 0 {
			t.Errorf("%s: search finds %d hits (%+v), want none", u.Name, res.Total, res.Hits)
		}
	}
	got, err := w.svc.Action(w.ctx, w.headCA, a.ID)
	assertNoError(t, err)
	if got.Marking != conference.MarkingHeads {
		t.Fatalf("head reads the action marked %s, want heads", got.Marking)
	}
	// The stored action carries the raised marking too, so that a reload
	// (or another tool reading the store) agrees.
	svc := conference.NewService(w.store, fakeHasher{})
	assertNoError(t, svc.Load(w.ctx))
	if _, err := svc.Action(w.ctx, w.observer, a.ID); conference.ErrorCode(err) != conference.ENOTFOUND {
		t.Fatalf("after a reload the observer reads the action (err=%v)", err)
	}
}

// The rapporteurs and chair of a session read its whole record; others keep
// to their clearance.
func TestSessionInsiders_ReadTheWholeRecord(t *testing.T) {
	w := newWorld(t)
	n, created, err := w.svc.PostNote(w.ctx, w.rapporteur, w.session.ID, conference.NoteInput{ClientID: "c-heads", Text: "Only heads", Marking: conference.MarkingHeads})
	assertNoError(t, err)
	if !created {
		t.Fatal("not created")
	}
	notes, _, err := w.svc.Notes(w.ctx, w.rapporteur, w.session.ID, 0)
	assertNoError(t, err)
	if !slices.ContainsFunc(notes, func(x *conference.Note) bool { return x.ID == n.ID }) {
		t.Fatal("the rapporteur does not read back the heads note they wrote")
	}
	// Amend and promote it, as any note of their own.
	_, _, err = w.svc.PostNote(w.ctx, w.rapporteur, w.session.ID, conference.NoteInput{ClientID: "c-amend", Text: "Correction", Marking: conference.MarkingHeads, Amends: n.Seq})
	assertNoError(t, err)
	o, err := w.svc.PromoteNoteToOutcome(w.ctx, w.rapporteur, w.session.ID, n.Seq, conference.OutcomeInput{Kind: conference.OutcomeFinding})
	assertNoError(t, err)
	a, err := w.svc.PromoteNoteToAction(w.ctx, w.rapporteur, w.session.ID, n.Seq, conference.ActionInput{Owner: "GB", Due: "2015-06-30"})
	assertNoError(t, err)
	if _, err := w.svc.Outcome(w.ctx, w.rapporteur, o.ID); err != nil {
		t.Fatalf("outcome: %v", err)
	}
	if _, err := w.svc.Action(w.ctx, w.rapporteur, a.ID); err != nil {
		t.Fatalf("action: %v", err)
	}
	res, err := w.svc.Search(w.ctx, w.rapporteur, conference.SearchQuery{Q: "heads"})
	assertNoError(t, err)
	if res.Counts[conference.SearchNote] == 0 {
		t.Fatalf("search by the rapporteur finds no heads note: %+v", res.Counts)
	}

	// A rapporteur of another session, and a delegate, keep to their clearance.
	for _, u := range []*conference.User{w.otherRapporteur, w.delegateAU} {
		notes, _, err := w.svc.Notes(w.ctx, u, w.session.ID, 0)
		assertNoError(t, err)
		for _, x := range notes {
			if x.Marking == conference.MarkingHeads {
				t.Errorf("%s reads note %d marked heads", u.Name, x.Seq)
			}
		}
		_, err = w.svc.Outcome(w.ctx, u, o.ID)
		assertCodeField(t, err, conference.ENOTFOUND, "")
		_, err = w.svc.Action(w.ctx, u, a.ID)
		assertCodeField(t, err, conference.ENOTFOUND, "")
		res, err := w.svc.Search(w.ctx, u, conference.SearchQuery{Q: "only heads"})
		assertNoError(t, err)
		if res.Total != 0 {
			t.Errorf("%s: search finds %+v", u.Name, res.Hits)
		}
	}
	// The insiders are what the live hub is told.
	if got := w.svc.SessionInsiders(w.session.ID); !slices.Contains(got, w.rapporteur.ID) || slices.Contains(got, w.otherRapporteur.ID) {
		t.Fatalf("SessionInsiders=%v, want the session's rapporteur only", got)
	}
}

// A write whose answer was lost but which the store holds is read back:
// memory and store agree, and the record goes on with the next seq.
func TestPostNote_LostAnswerIsReadBack(t *testing.T) {
	w := newWorld(t)
	_, last, err := w.svc.Notes(w.ctx, w.admin, w.session.ID, 0)
	assertNoError(t, err)
	w.store.LoseAck(true)
	n, created, err := w.svc.PostNote(w.ctx, w.rapporteur, w.session.ID, conference.NoteInput{ClientID: "lost-1", Text: "Said once", Marking: conference.MarkingAll})
	w.store.LoseAck(false)
	assertNoError(t, err)
	if !created || n.Seq != last+1 {
		t.Fatalf("note=%+v created=%v, want seq %d", n, created, last+1)
	}
	n2, _, err := w.svc.PostNote(w.ctx, w.rapporteur, w.session.ID, conference.NoteInput{ClientID: "lost-2", Text: "Next", Marking: conference.MarkingAll})
	assertNoError(t, err)
	if n2.Seq != last+2 {
		t.Fatalf("next seq=%d, want %d", n2.Seq, last+2)
	}
	assertSameRecord(t, w)
}

// Another writer (another instance on the same store) took the next seq: the
// post catches up with the store and takes the one after, with no 409.
func TestPostNote_SeqTakenElsewhereCatchesUp(t *testing.T) {
	w := newWorld(t)
	other := conference.NewService(w.store, fakeHasher{})
	other.NewID = func() string { return "other-1" }
	assertNoError(t, other.Load(w.ctx))
	theirs, _, err := other.PostNote(w.ctx, w.rapporteur, w.session.ID, conference.NoteInput{ClientID: "theirs", Text: "From the other instance", Marking: conference.MarkingAll})
	assertNoError(t, err)
	mine, created, err := w.svc.PostNote(w.ctx, w.rapporteur, w.session.ID, conference.NoteInput{ClientID: "mine", Text: "From this one", Marking: conference.MarkingAll})
	assertNoError(t, err)
	if !created || mine.Seq != theirs.Seq+1 {
		t.Fatalf("seq=%d, want %d (after the other instance's note)", mine.Seq, theirs.Seq+1)
	}
	// A retry of the other instance's post through this one is the same note.
	again, created, err := w.svc.PostNote(w.ctx, w.rapporteur, w.session.ID, conference.NoteInput{ClientID: "theirs", Text: "From the other instance", Marking: conference.MarkingAll})
	assertNoError(t, err)
	if created || again.ID != theirs.ID {
		t.Fatalf("retry=%+v created=%v, want the stored note", again, created)
	}
	assertSameRecord(t, w)
}

// assertSameRecord fails unless memory's record of the session is what a
// fresh load of the store reads, seq by seq.
func assertSameRecord(t *testing.T, w *world) {
	t.Helper()
	fresh := conference.NewService(w.store, fakeHasher{})
	assertNoError(t, fresh.Load(w.ctx))
	got, _, err := w.svc.Notes(w.ctx, w.admin, w.session.ID, 0)
	assertNoError(t, err)
	want, _, err := fresh.Notes(w.ctx, w.admin, w.session.ID, 0)
	assertNoError(t, err)
	if len(got) != len(want) {
		t.Fatalf("memory holds %d notes, the store %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID || got[i].Seq != int64(i+1) {
			t.Fatalf("note %d: memory %s/%d, store %s/%d", i+1, got[i].ID, got[i].Seq, want[i].ID, want[i].Seq)
		}
	}
}
