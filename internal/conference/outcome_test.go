package conference_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

func TestOutcome_Validate(t *testing.T) {
	valid := func() conference.Outcome {
		return conference.Outcome{Kind: conference.OutcomeDecision, Text: "Share training materials.",
			Sources: []int64{1, 2}, Marking: conference.MarkingAll, Status: conference.OutcomeDraft}
	}
	testValidate(t, valid, []editCase[conference.Outcome]{
		{"valid", func(o *conference.Outcome) {}, ""},
		{"unknown kind", func(o *conference.Outcome) { o.Kind = "resolution" }, "kind"},
		{"no text", func(o *conference.Outcome) { o.Text = "\n" }, "text"},
		{"unknown marking", func(o *conference.Outcome) { o.Marking = "" }, "marking"},
		{"unknown status", func(o *conference.Outcome) { o.Status = "final" }, "status"},
		{"source zero", func(o *conference.Outcome) { o.Sources = []int64{0} }, "sources"},
		{"source twice", func(o *conference.Outcome) { o.Sources = []int64{2, 2} }, "sources"},
		{"draft with sign-offs", func(o *conference.Outcome) { o.SignOffs = []conference.SignOff{{Delegation: "CA"}} }, "status"},
	})
}

func TestService_CreateOutcome_Permissions(t *testing.T) {
	w := newWorld(t)
	for _, tt := range []actorCase{
		{"the session's rapporteur", w.rapporteur, ""},
		{"the secretariat", w.admin, ""},
		{"another session's rapporteur", w.otherRapporteur, conference.EFORBIDDEN},
		{"a delegate", w.delegateAU, conference.EFORBIDDEN},
		{"a head", w.headCA, conference.EFORBIDDEN},
		{"a follow-up team", w.followupCA, conference.EFORBIDDEN},
		{"an observer", w.observer, conference.EFORBIDDEN},
		{"nobody", nil, conference.EUNAUTHORIZED},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := conference.OutcomeInput{Kind: conference.OutcomeFinding, Text: "Prevalence is rising.", Sources: []int64{1}}
			if tt.code == "" {
				o, err := w.svc.CreateOutcome(w.ctx, tt.actor, w.session.ID, in)
				assertNoError(t, err)
				if o.Status != conference.OutcomeDraft || o.Version != 1 || o.MeetingID != w.london.ID {
					t.Fatalf("outcome=%+v, want a draft at version 1 of London", o)
				}
				return
			}
			w.unchanged(t, func() {
				_, err := w.svc.CreateOutcome(w.ctx, tt.actor, w.session.ID, in)
				assertCodeField(t, err, tt.code, "")
			})
		})
	}
}

func TestService_CreateOutcome_SourcesAndMarking(t *testing.T) {
	w := newWorld(t)
	for _, tt := range []struct {
		name        string
		actor       *conference.User
		sources     []int64
		marking     conference.Marking
		field       string // "" when accepted
		wantMarking conference.Marking
	}{
		{"no sources, default marking", w.rapporteur, nil, "", "", conference.MarkingDelegations},
		{"marking follows the most restricted source", w.rapporteur, []int64{1, 2}, "", "", conference.MarkingDelegations},
		{"a higher marking is kept", w.rapporteur, []int64{1}, conference.MarkingDelegations, "", conference.MarkingDelegations},
		{"the session's rapporteur may mark heads: they read it back", w.rapporteur, []int64{1}, conference.MarkingHeads, "", conference.MarkingHeads},
		{"a lower marking than a source is refused", w.rapporteur, []int64{2}, conference.MarkingAll, "marking", ""},
		{"the secretariat cites a heads note", w.admin, []int64{3}, "", "", conference.MarkingHeads},
		{"the session's rapporteur cites its heads note", w.rapporteur, []int64{3}, "", "", conference.MarkingHeads},
		{"unknown note", w.rapporteur, []int64{9}, "", "sources", ""},
		{"note zero", w.rapporteur, []int64{0}, "", "sources", ""},
		{"note twice", w.rapporteur, []int64{1, 1}, "", "sources", ""},
		{"unknown marking", w.rapporteur, nil, "secret", "marking", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := conference.OutcomeInput{Kind: conference.OutcomeDecision, Text: "Agreed to share materials.", Sources: tt.sources, Marking: tt.marking}
			if tt.field != "" {
				w.unchanged(t, func() {
					_, err := w.svc.CreateOutcome(w.ctx, tt.actor, w.session.ID, in)
					assertCodeField(t, err, conference.EINVALID, tt.field)
				})
				return
			}
			o, err := w.svc.CreateOutcome(w.ctx, tt.actor, w.session.ID, in)
			assertNoError(t, err)
			if o.Marking != tt.wantMarking {
				t.Fatalf("marking=%s, want %s", o.Marking, tt.wantMarking)
			}
		})
	}
	_, err := w.svc.CreateOutcome(w.ctx, w.rapporteur, w.session.ID, conference.OutcomeInput{Kind: "motion", Text: "x"})
	assertCodeField(t, err, conference.EINVALID, "kind")
	_, err = w.svc.CreateOutcome(w.ctx, w.rapporteur, "nope", conference.OutcomeInput{Kind: conference.OutcomeFinding, Text: "x"})
	assertCodeField(t, err, conference.ENOTFOUND, "")
}

func TestService_PromoteNoteToOutcome(t *testing.T) {
	w := newWorld(t)
	o, err := w.svc.PromoteNoteToOutcome(w.ctx, w.rapporteur, w.session.ID, 2, conference.OutcomeInput{Kind: conference.OutcomeRecommendation})
	assertNoError(t, err)
	if o.Text != "Note marked delegations" || len(o.Sources) != 1 || o.Sources[0] != 2 || o.Marking != conference.MarkingDelegations {
		t.Fatalf("outcome=%+v, want the note's text, source 2 and its marking", o)
	}
	// The session's rapporteur reads, and so promotes, its notes marked heads.
	o, err = w.svc.PromoteNoteToOutcome(w.ctx, w.rapporteur, w.session.ID, 3, conference.OutcomeInput{Kind: conference.OutcomeFinding})
	assertNoError(t, err)
	if o.Marking != conference.MarkingHeads {
		t.Fatalf("marking=%s, want heads, the note's", o.Marking)
	}
	_, err = w.svc.PromoteNoteToOutcome(w.ctx, w.rapporteur, w.session.ID, 42, conference.OutcomeInput{Kind: conference.OutcomeFinding})
	assertCodeField(t, err, conference.ENOTFOUND, "")
}

func TestService_Outcomes_Markings(t *testing.T) {
	w := newWorld(t)
	for _, m := range []conference.Marking{conference.MarkingAll, conference.MarkingDelegations, conference.MarkingHeads} {
		o, err := w.svc.CreateOutcome(w.ctx, w.admin, w.session.ID, conference.OutcomeInput{Kind: conference.OutcomeFinding, Text: "Marked " + string(m), Marking: m})
		assertNoError(t, err)
		_, err = w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(o.Version)})
		assertNoError(t, err)
	}
	for _, tt := range []struct {
		actor *conference.User
		want  int
	}{
		{w.observer, 1}, {w.delegateAU, 2}, {w.followupCA, 2}, {w.rapporteur, 3}, {w.headCA, 3}, {w.admin, 3},
	} {
		list, err := w.svc.Outcomes(w.ctx, tt.actor, w.session.ID)
		assertNoError(t, err)
		if len(list) != tt.want {
			t.Errorf("%s reads %d outcomes, want %d", tt.actor.Name, len(list), tt.want)
		}
		for _, o := range list {
			if !tt.actor.MayRead(o.Marking) && tt.actor != w.rapporteur {
				t.Errorf("%s reads an outcome marked %s", tt.actor.Name, o.Marking)
			}
		}
		all, err := w.svc.MeetingOutcomes(w.ctx, tt.actor, w.london.ID)
		assertNoError(t, err)
		if len(all) != tt.want {
			t.Errorf("%s reads %d outcomes of the meeting, want %d", tt.actor.Name, len(all), tt.want)
		}
	}
	heads, err := w.svc.MeetingOutcomes(w.ctx, w.admin, w.london.ID)
	assertNoError(t, err)
	_, err = w.svc.Outcome(w.ctx, w.observer, heads[2].ID)
	assertCodeField(t, err, conference.ENOTFOUND, "")
}

func TestService_UpdateOutcome(t *testing.T) {
	w := newWorld(t)
	o, err := w.svc.CreateOutcome(w.ctx, w.rapporteur, w.session.ID, conference.OutcomeInput{Kind: conference.OutcomeFinding, Text: "First draft.", Sources: []int64{1}})
	assertNoError(t, err)

	t.Run("version is required", func(t *testing.T) {
		w.unchanged(t, func() {
			_, err := w.svc.UpdateOutcome(w.ctx, w.rapporteur, o.ID, conference.OutcomeUpdate{Text: ptr("x")})
			assertCodeField(t, err, conference.EINVALID, "version")
		})
	})
	o2, err := w.svc.UpdateOutcome(w.ctx, w.rapporteur, o.ID, conference.OutcomeUpdate{Text: ptr("Second draft."), Version: ptr(o.Version)})
	assertNoError(t, err)
	if o2.Version != 2 || o2.Text != "Second draft." || len(o2.History) != 1 || o2.History[0].Text != "First draft." || o2.History[0].ReplacedBy != w.rapporteur.ID {
		t.Fatalf("after edit: %+v, want version 2 with the first draft in its history", o2)
	}
	t.Run("a stale version gets the current outcome", func(t *testing.T) {
		w.unchanged(t, func() {
			_, err := w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Text: ptr("Third."), Version: ptr(int64(1))})
			e := assertCodeField(t, err, conference.ESTALE, "version")
			if cur, ok := e.Current.(*conference.OutcomeView); !ok || cur.Version != 2 {
				t.Fatalf("Current=%#v, want the outcome at version 2", e.Current)
			}
		})
	})
	t.Run("only the secretariat agrees", func(t *testing.T) {
		w.unchanged(t, func() {
			_, err := w.svc.UpdateOutcome(w.ctx, w.rapporteur, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(int64(2))})
			assertCodeField(t, err, conference.EFORBIDDEN, "")
		})
	})
	agreed, err := w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(int64(2))})
	assertNoError(t, err)
	if agreed.Agreement != "agreed — none signed yet; AU, CA, GB, NZ, US pending" {
		t.Fatalf("agreement=%q", agreed.Agreement)
	}
	t.Run("an agreed text is not edited in place", func(t *testing.T) {
		w.unchanged(t, func() {
			_, err := w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Text: ptr("Changed."), Version: ptr(agreed.Version)})
			assertCodeField(t, err, conference.ECONFLICT, "status")
		})
	})

	// Sign-offs: each head for their own delegation, five of five.
	heads := []*conference.User{w.headCA, w.headUS}
	for _, code := range []string{"AU", "GB", "NZ"} {
		u, err := w.svc.CreateUser(w.ctx, conference.SystemActor, conference.UserInput{Email: "head." + code + "@example.org",
			Name: "Head " + code, Roles: []conference.Role{conference.RoleHead}, Delegation: code, Password: "correct horse battery"})
		assertNoError(t, err)
		heads = append(heads, u)
	}
	var last *conference.OutcomeView
	for _, h := range heads {
		last, err = w.svc.SignOff(w.ctx, h, o.ID)
		assertNoError(t, err)
	}
	if last.Agreement != "agreed — AU, CA, GB, NZ, US signed" || len(last.SignOffs) != 5 {
		t.Fatalf("agreement=%q with %d sign-offs, want 5 of 5", last.Agreement, len(last.SignOffs))
	}
	again, err := w.svc.SignOff(w.ctx, w.headCA, o.ID)
	assertNoError(t, err)
	if again.Version != last.Version {
		t.Fatalf("signing twice made version %d, want %d unchanged", again.Version, last.Version)
	}
	for _, tt := range []struct {
		name         string
		actor        *conference.User
		code, reason string
		wantCode     string
		field        string
	}{
		{"a reason is required", w.headCA, "CA", "", conference.EINVALID, "reason"},
		{"a blank reason is no reason", w.headCA, "CA", "  \n ", conference.EINVALID, "reason"},
		{"a reason has a length", w.headCA, "CA", strings.Repeat("x", conference.MaxWithdrawalReason+1), conference.EINVALID, "reason"},
		{"only for one's own delegation", w.headCA, "US", "Not ours.", conference.EFORBIDDEN, ""},
		{"the secretariat is not a head", w.admin, "CA", "Not ours.", conference.EFORBIDDEN, ""},
	} {
		t.Run("withdraw: "+tt.name, func(t *testing.T) {
			w.unchanged(t, func() {
				_, err := w.svc.WithdrawSignOff(w.ctx, tt.actor, o.ID, tt.code, tt.reason)
				assertCodeField(t, err, tt.wantCode, tt.field)
			})
		})
	}
	withdrawn, err := w.svc.WithdrawSignOff(w.ctx, w.headCA, o.ID, "CA", "  Our minister has not cleared the text.  ")
	assertNoError(t, err)
	if withdrawn.Agreement != "agreed — AU, GB, NZ, US signed; CA pending" || !slices.Equal(withdrawn.Pending, []string{"CA"}) {
		t.Fatalf("after withdrawal: %q pending %v", withdrawn.Agreement, withdrawn.Pending)
	}
	if len(withdrawn.Withdrawals) != 1 {
		t.Fatalf("withdrawals=%+v, want one", withdrawn.Withdrawals)
	}
	if wd := withdrawn.Withdrawals[0]; wd.Delegation != "CA" || wd.Reason != "Our minister has not cleared the text." ||
		wd.WithdrawnBy != w.headCA.ID || wd.WithdrawnName != w.headCA.Name || wd.WithdrawnAt.IsZero() || wd.By != w.headCA.ID {
		t.Fatalf("withdrawal=%+v, want CA's sign-off with who, when and why", wd)
	}

	// Reopening clears the sign-offs given to the agreed text, and the
	// history shows it was agreed.
	reopened, err := w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeDraft), Version: ptr(withdrawn.Version)})
	assertNoError(t, err)
	if len(reopened.SignOffs) != 0 || reopened.Status != conference.OutcomeDraft ||
		reopened.History[len(reopened.History)-1].Status != conference.OutcomeAgreed {
		t.Fatalf("reopened=%+v", reopened)
	}
	// The sign-offs given to the agreed state stay in its history, and so
	// does the withdrawal; the draft is signed by nobody.
	if kept := reopened.History[len(reopened.History)-1].SignOffs; len(kept) != 4 || slices.ContainsFunc(kept, func(so conference.SignOff) bool { return so.Delegation == "CA" }) {
		t.Fatalf("history keeps sign-offs %+v, want the four that stood", kept)
	}
	if len(reopened.Withdrawals) != 1 || reopened.Agreement != "draft" || len(reopened.Signed) != 0 || len(reopened.Pending) != 0 {
		t.Fatalf("reopened: withdrawals=%d agreement=%q signed=%v pending=%v", len(reopened.Withdrawals), reopened.Agreement, reopened.Signed, reopened.Pending)
	}
	t.Run("a draft is not signed off", func(t *testing.T) {
		w.unchanged(t, func() {
			_, err := w.svc.SignOff(w.ctx, w.headUS, o.ID)
			assertCodeField(t, err, conference.ECONFLICT, "status")
		})
	})
	// Agreed again, every delegation is asked again.
	again2, err := w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(reopened.Version)})
	assertNoError(t, err)
	if again2.Agreement != "agreed — none signed yet; AU, CA, GB, NZ, US pending" || len(again2.SignOffs) != 0 {
		t.Fatalf("agreed again: %q with sign-offs %+v, want every delegation asked again", again2.Agreement, again2.SignOffs)
	}
	resigned, err := w.svc.SignOff(w.ctx, w.headUS, o.ID)
	assertNoError(t, err)
	if resigned.Agreement != "agreed — US signed; AU, CA, GB, NZ pending" {
		t.Fatalf("signed again: %q", resigned.Agreement)
	}
}

func TestService_SignOff_Rules(t *testing.T) {
	w := newWorld(t)
	o, err := w.svc.CreateOutcome(w.ctx, w.admin, w.session.ID, conference.OutcomeInput{Kind: conference.OutcomeDecision, Text: "Decided."})
	assertNoError(t, err)
	headFR, err := w.svc.CreateUser(w.ctx, conference.SystemActor, conference.UserInput{Email: "head.fr@example.org",
		Name: "Head FR", Roles: []conference.Role{conference.RoleHead}, Delegation: "FR", Password: "correct horse battery"})
	assertNoError(t, err)

	t.Run("a draft is not signed off", func(t *testing.T) {
		w.unchanged(t, func() {
			_, err := w.svc.SignOff(w.ctx, w.headCA, o.ID)
			assertCodeField(t, err, conference.ECONFLICT, "status")
		})
	})
	_, err = w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(o.Version)})
	assertNoError(t, err)
	for _, tt := range []actorCase{
		{"a delegate is not a head", w.delegateAU, conference.EFORBIDDEN},
		{"a follow-up team is not a head", w.followupCA, conference.EFORBIDDEN},
		{"the secretariat is not a head", w.admin, conference.EFORBIDDEN},
		{"an observer", w.observer, conference.EFORBIDDEN},
		{"a head of a delegation outside the meeting", headFR, conference.EFORBIDDEN},
		{"a head of delegation", w.headCA, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.code == "" {
				got, err := w.svc.SignOff(w.ctx, tt.actor, o.ID)
				assertNoError(t, err)
				if got.SignOffs[0].Delegation != tt.actor.Delegation || got.SignOffs[0].By != tt.actor.ID {
					t.Fatalf("sign-offs=%+v", got.SignOffs)
				}
				return
			}
			w.unchanged(t, func() {
				_, err := w.svc.SignOff(w.ctx, tt.actor, o.ID)
				assertCodeField(t, err, tt.code, "")
			})
		})
	}
}

// A draft is the rapporteur's proposal, not the meeting's word: observers
// read no draft by any path, whatever its marking, nor the actions drawn
// from it, until the meeting agrees it.
func TestService_DraftOutcome_HiddenFromObservers(t *testing.T) {
	w := newWorld(t)
	o, err := w.svc.CreateOutcome(w.ctx, w.admin, w.session.ID, conference.OutcomeInput{
		Kind: conference.OutcomeRecommendation, Text: "Zanzibarish proposal for observers later.", Marking: conference.MarkingAll})
	assertNoError(t, err)
	cur := &o.Outcome // as the live hub gets it
	a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{Title: "Zanzibarish follow-up", Owner: "CA",
		Due: "2015-06-30", MeetingID: w.london.ID, SessionID: w.session.ID, OutcomeID: o.ID, Marking: conference.MarkingAll})
	assertNoError(t, err)

	// reads counts what actor reads of the outcome and its action by each path.
	reads := func(actor *conference.User) (got []string) {
		t.Helper()
		if _, err := w.svc.Outcome(w.ctx, actor, o.ID); err == nil {
			got = append(got, "outcome")
		}
		list, err := w.svc.Outcomes(w.ctx, actor, w.session.ID)
		assertNoError(t, err)
		if slices.ContainsFunc(list, func(v *conference.OutcomeView) bool { return v.ID == o.ID }) {
			got = append(got, "session list")
		}
		all, err := w.svc.MeetingOutcomes(w.ctx, actor, w.london.ID)
		assertNoError(t, err)
		if slices.ContainsFunc(all, func(v *conference.OutcomeView) bool { return v.ID == o.ID }) {
			got = append(got, "meeting list")
		}
		if w.svc.OutcomeView(cur, actor.Clearance()) != nil {
			got = append(got, "live view")
		}
		if _, err := w.svc.Action(w.ctx, actor, a.ID); err == nil {
			got = append(got, "action")
		}
		res, err := w.svc.Search(w.ctx, actor, conference.SearchQuery{Q: "zanzibarish"})
		assertNoError(t, err)
		if n := res.Counts[conference.SearchOutcome]; n > 0 {
			got = append(got, "search outcome")
		}
		if n := res.Counts[conference.SearchAction]; n > 0 {
			got = append(got, "search action")
		}
		if len(res.Hits) != res.Counts[conference.SearchOutcome]+res.Counts[conference.SearchAction] {
			t.Errorf("%s: %d hits, counts %v: a count names what the hits do not show", actor.Name, len(res.Hits), res.Counts)
		}
		return got
	}
	every := []string{"outcome", "session list", "meeting list", "live view", "action", "search outcome", "search action"}
	if got := reads(w.observer); len(got) != 0 {
		t.Errorf("an observer reads the draft by %v", got)
	}
	if got := reads(w.delegateAU); !slices.Equal(got, every) {
		t.Errorf("a delegate reads the draft by %v, want %v", got, every)
	}

	agreed, err := w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(o.Version)})
	assertNoError(t, err)
	cur = &agreed.Outcome
	if got := reads(w.observer); !slices.Equal(got, every) {
		t.Errorf("once agreed, an observer reads the outcome marked all by %v, want %v", got, every)
	}
}

func TestService_CreateOutcome_DefaultMarking(t *testing.T) {
	w := newWorld(t)
	o, err := w.svc.CreateOutcome(w.ctx, w.rapporteur, w.session.ID, conference.OutcomeInput{Kind: conference.OutcomeFinding, Text: "Found."})
	assertNoError(t, err)
	if o.Marking != conference.MarkingDelegations {
		t.Fatalf("marking=%s, want delegations by default", o.Marking)
	}
}
