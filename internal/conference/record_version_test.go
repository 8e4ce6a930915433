package conference_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

// agreedOutcome drafts an outcome of w.session marked m from note seq and
// has the secretariat agree it.
func (w *world) agreedOutcome(tb testing.TB, seq int64, m conference.Marking, text string) *conference.OutcomeView {
	tb.Helper()
	o, err := w.svc.PromoteNoteToOutcome(w.ctx, w.admin, w.session.ID, seq, conference.OutcomeInput{
		Kind: conference.OutcomeDecision, Text: text, Marking: m})
	assertNoError(tb, err)
	o, err = w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(o.Version)})
	assertNoError(tb, err)
	return o
}

func outcomeTexts(c *conference.RecordContent) []string {
	var out []string
	for _, s := range c.Sessions {
		for _, o := range s.Outcomes {
			out = append(out, o.Text)
		}
	}
	return out
}

func TestPublishRecord_Rules(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name    string
		actor   *conference.User
		meeting string
		marking conference.Marking
		code    string
		field   string
	}{
		{"rapporteur", w.rapporteur, w.london.ID, conference.MarkingAll, conference.EFORBIDDEN, ""},
		{"head", w.headCA, w.london.ID, conference.MarkingAll, conference.EFORBIDDEN, ""},
		{"delegate", w.delegateAU, w.london.ID, conference.MarkingAll, conference.EFORBIDDEN, ""},
		{"follow-up", w.followupCA, w.london.ID, conference.MarkingAll, conference.EFORBIDDEN, ""},
		{"observer", w.observer, w.london.ID, conference.MarkingAll, conference.EFORBIDDEN, ""},
		{"signed out", nil, w.london.ID, conference.MarkingAll, conference.EUNAUTHORIZED, ""},
		{"no marking", w.admin, w.london.ID, "", conference.EINVALID, "marking"},
		{"unknown marking", w.admin, w.london.ID, "secret", conference.EINVALID, "marking"},
		{"no such meeting", w.admin, "paris-2014", conference.MarkingAll, conference.ENOTFOUND, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.unchanged(t, func() {
				_, err := w.svc.PublishRecord(w.ctx, tc.actor, tc.meeting, conference.RecordPublish{Marking: tc.marking})
				assertCodeField(t, err, tc.code, tc.field)
			})
		})
	}
}

// A version is frozen: edits after publishing change the draft and the next
// version, never one already published — in memory, and after a reload from
// the store.
func TestPublishRecord_FrozenAfterEdits(t *testing.T) {
	w := newWorld(t)
	o := w.agreedOutcome(t, 1, conference.MarkingAll, "Share prosecutors’ guidance — café rules")
	v1, err := w.svc.PublishRecord(w.ctx, w.admin, w.london.ID, conference.RecordPublish{Marking: conference.MarkingAll})
	assertNoError(t, err)
	if v1.Number != 1 || v1.ID != "london-2014.v1" || v1.PublishedBy != w.admin.ID || v1.PublishedByName != "Secretariat" ||
		!v1.PublishedAt.Equal(w.clock.Now()) || v1.Marking != conference.MarkingAll {
		t.Fatalf("version 1 = %+v", v1)
	}
	before, _ := json.Marshal(v1.Content)

	// Edit what the record shows: reopen the outcome, rewrite and agree it
	// again; add an action.
	w.clock.Advance(3600e9)
	edit := func(upd conference.OutcomeUpdate) {
		t.Helper()
		cur, err := w.svc.Outcome(w.ctx, w.admin, o.ID)
		assertNoError(t, err)
		upd.Version = ptr(cur.Version)
		_, err = w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, upd)
		assertNoError(t, err)
	}
	edit(conference.OutcomeUpdate{Status: ptr(conference.OutcomeDraft)})
	edit(conference.OutcomeUpdate{Text: ptr("Rewritten after the meeting")})
	edit(conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed)})
	w.newAction(t, "CA", "2015-06-30")

	v2, err := w.svc.PublishRecord(w.ctx, w.admin, w.london.ID, conference.RecordPublish{Marking: conference.MarkingAll})
	assertNoError(t, err)
	if v2.Number != 2 || !slices.Equal(outcomeTexts(v2.Content), []string{"Rewritten after the meeting"}) || len(v2.Content.Actions) != 1 {
		t.Fatalf("version 2 = %d, outcomes %q, %d actions", v2.Number, outcomeTexts(v2.Content), len(v2.Content.Actions))
	}
	for _, svc := range []*conference.Service{w.svc, newFixtureOver(t, w.store).svc} {
		got, err := svc.RecordVersion(w.ctx, w.observer, w.london.ID, 1)
		assertNoError(t, err)
		after, _ := json.Marshal(got.Content)
		if string(after) != string(before) {
			t.Fatalf("version 1 changed:\n got %s\nwant %s", after, before)
		}
		if !slices.Equal(outcomeTexts(got.Content), []string{"Share prosecutors’ guidance — café rules"}) {
			t.Fatalf("version 1 outcomes = %q", outcomeTexts(got.Content))
		}
	}
	if got, want := w.store.Count(conference.Records), 2; got != want {
		t.Fatalf("store holds %d versions, want %d", got, want)
	}
}

// A version at a marking holds what a reader of exactly that clearance reads,
// even when the publisher reads more, and is read only by readers whose own
// clearance covers its marking.
func TestRecordVersions_Clearance(t *testing.T) {
	w := newWorld(t)
	w.agreedOutcome(t, 1, conference.MarkingAll, "Outcome for all")
	w.agreedOutcome(t, 2, conference.MarkingDelegations, "Outcome for delegations")
	w.agreedOutcome(t, 3, conference.MarkingHeads, "Outcome for heads")
	publish := func(m conference.Marking) *conference.RecordVersion {
		v, err := w.svc.PublishRecord(w.ctx, w.admin, w.london.ID, conference.RecordPublish{Marking: m})
		assertNoError(t, err)
		return v
	}
	all, dels, heads := publish(conference.MarkingAll), publish(conference.MarkingDelegations), publish(conference.MarkingHeads)
	for v, want := range map[*conference.RecordVersion][]string{
		all:   {"Outcome for all"},
		dels:  {"Outcome for all", "Outcome for delegations"},
		heads: {"Outcome for all", "Outcome for delegations", "Outcome for heads"},
	} {
		if got := outcomeTexts(v.Content); !slices.Equal(got, want) {
			t.Errorf("version at %s holds %q, want %q", v.Marking, got, want)
		}
		if v.Content.Clearance != v.Marking {
			t.Errorf("version at %s says it was read at %s", v.Marking, v.Content.Clearance)
		}
	}
	// The rapporteur is an insider of the session and reads its heads
	// outcome in the draft; versions follow their own clearance only.
	for _, tc := range []struct {
		name   string
		reader *conference.User
		sees   []int64
	}{
		{"admin", w.admin, []int64{3, 2, 1}},
		{"head", w.headCA, []int64{3, 2, 1}},
		{"rapporteur (insider)", w.rapporteur, []int64{2, 1}},
		{"delegate", w.delegateAU, []int64{2, 1}},
		{"follow-up", w.followupNZ, []int64{2, 1}},
		{"observer", w.observer, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := w.svc.RecordVersions(w.ctx, tc.reader, w.london.ID)
			assertNoError(t, err)
			if got := pluck(list, func(v *conference.RecordVersion) string { return strings.Repeat("v", int(v.Number)) }); !reflect.DeepEqual(len(got), len(tc.sees)) {
				t.Fatalf("lists %d versions, want %v", len(got), tc.sees)
			}
			for i, v := range list {
				if v.Number != tc.sees[i] || v.Content != nil {
					t.Fatalf("list[%d] = number %d (content %v), want %d without content", i, v.Number, v.Content != nil, tc.sees[i])
				}
			}
			for n := int64(1); n <= 3; n++ {
				_, err := w.svc.RecordVersion(w.ctx, tc.reader, w.london.ID, n)
				if slices.Contains(tc.sees, n) {
					assertNoError(t, err)
				} else {
					assertCode(t, err, conference.ENOTFOUND)
				}
			}
		})
	}
	_, err := w.svc.RecordVersions(w.ctx, nil, w.london.ID)
	assertCode(t, err, conference.EUNAUTHORIZED)
	_, err = w.svc.RecordVersion(w.ctx, w.admin, w.london.ID, 4)
	assertCode(t, err, conference.ENOTFOUND)
	_, err = w.svc.RecordVersions(w.ctx, w.admin, "paris-2014")
	assertCode(t, err, conference.ENOTFOUND)
	// Numbers are per meeting.
	v, err := w.svc.PublishRecord(w.ctx, w.admin, w.washington.ID, conference.RecordPublish{Marking: conference.MarkingAll})
	assertNoError(t, err)
	if v.Number != 1 {
		t.Fatalf("Washington's first version is number %d", v.Number)
	}
}

// A number another instance took first (the store's unique _id) is a
// conflict, and leaves nothing half-written.
func TestPublishRecord_NumberTaken(t *testing.T) {
	w := newWorld(t)
	other := newFixtureOver(t, w.store) // a second instance on the same store
	_, err := other.svc.PublishRecord(w.ctx, conference.SystemActor, w.london.ID, conference.RecordPublish{Marking: conference.MarkingAll})
	assertNoError(t, err)
	w.unchanged(t, func() {
		_, err := w.svc.PublishRecord(w.ctx, w.admin, w.london.ID, conference.RecordPublish{Marking: conference.MarkingAll})
		assertCode(t, err, conference.ECONFLICT)
	})
}

func TestParseRecordNumber(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "12": 12, "0": 0, "01": 0, "": 0, "x": 0, "-1": 0, "1.5": 0, "9999999999": 0} {
		n, err := conference.ParseRecordNumber(in)
		if want == 0 {
			assertCode(t, err, conference.ENOTFOUND)
		} else if n != want || err != nil {
			t.Errorf("ParseRecordNumber(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
}
