package conference_test

import (
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

// markedAction creates an action of London 2014 on the cyberbullying topic,
// from the world's session, with marking m.
func (w *world) markedAction(tb testing.TB, owner string, m conference.Marking) *conference.Action {
	tb.Helper()
	a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{
		Title: "Action marked " + string(m), Owner: owner, Due: "2014-12-31", SessionID: w.session.ID, Marking: m,
	})
	assertNoError(tb, err)
	return a
}

// A lineage shows each reader what their clearance covers, counts included.
func TestTopicLineage_Clearance(t *testing.T) {
	w := newWorld(t)
	w.markedAction(t, "AU", conference.MarkingAll)
	w.markedAction(t, "AU", conference.MarkingDelegations)
	w.markedAction(t, "AU", conference.MarkingHeads)
	for _, m := range []conference.Marking{conference.MarkingAll, conference.MarkingHeads} {
		o, err := w.svc.CreateOutcome(w.ctx, w.admin, w.session.ID, conference.OutcomeInput{Kind: "decision", Text: "Outcome " + string(m), Marking: m})
		assertNoError(t, err)
		// Agreed, so that its marking alone decides who reads it (a draft
		// is read as marked at least delegations).
		_, err = w.svc.UpdateOutcome(w.ctx, w.admin, o.ID, conference.OutcomeUpdate{Status: ptr(conference.OutcomeAgreed), Version: ptr(o.Version)})
		assertNoError(t, err)
	}
	tests := []struct {
		name                     string
		reader                   *conference.User
		notes, outcomes, actions int
	}{
		{"observer", w.observer, 1, 1, 1},
		{"delegate", w.delegateAU, 2, 1, 2},
		{"head", w.headCA, 3, 2, 3},
		{"the session's rapporteur reads its whole record", w.rapporteur, 3, 2, 3},
		{"another session's rapporteur", w.otherRapporteur, 2, 1, 2},
		{"secretariat", w.admin, 3, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := w.svc.TopicLineage(w.ctx, tt.reader, w.cyber.Slug)
			assertNoError(t, err)
			if len(l.Meetings) != 2 || l.Meetings[0].Meeting.ID != w.london.ID || l.Meetings[1].Meeting.ID != w.washington.ID {
				t.Fatalf("meetings=%+v, want London then Washington (both list the topic)", l.Meetings)
			}
			london := l.Meetings[0]
			if len(london.Sessions) != 1 || london.Sessions[0].Session.ID != w.session.ID {
				t.Fatalf("sessions=%+v, want the cyberbullying session alone", london.Sessions)
			}
			s := london.Sessions[0]
			if s.Notes != tt.notes || len(s.Outcomes) != tt.outcomes || len(london.Actions) != tt.actions {
				t.Fatalf("notes=%d outcomes=%d actions=%d, want %d %d %d", s.Notes, len(s.Outcomes), len(london.Actions), tt.notes, tt.outcomes, tt.actions)
			}
			if l.Counts.Actions != tt.actions || l.Counts.Outcomes != tt.outcomes || l.Counts.Pending != tt.actions {
				t.Fatalf("counts=%+v", l.Counts)
			}
			for _, a := range london.Actions {
				if !tt.reader.MayRead(a.Marking) && !w.session.Insider(tt.reader) {
					t.Fatalf("%s reads an action marked %s", tt.name, a.Marking)
				}
			}
		})
	}
	_, err := w.svc.TopicLineage(w.ctx, w.observer, "no-such-topic")
	assertCode(t, err, conference.ENOTFOUND)
	_, err = w.svc.TopicLineage(w.ctx, nil, w.cyber.ID)
	assertCode(t, err, conference.EUNAUTHORIZED)
}

// A brief counts only what its reader may read: a delegations reader's
// brief never counts an action marked heads, in a topic nor in the totals.
func TestBrief_Clearance(t *testing.T) {
	w := newWorld(t)
	all := w.markedAction(t, "AU", conference.MarkingAll)
	w.markedAction(t, "AU", conference.MarkingDelegations)
	heads := w.markedAction(t, "CA", conference.MarkingHeads)
	w.clock.Set(mustTime("2014-09-01T10:00:00Z"))
	// A heads report on the visible action is not counted for a delegate
	// either, once the action is lowered to all.
	for _, a := range []*conference.Action{heads} {
		_, err := w.svc.ReportProgress(w.ctx, w.admin, a.ID, conference.ReportInput{Text: "Half way", Progress: ptr(50), Status: ptr(conference.ActionInProgress), Version: ptr(a.Version)})
		assertNoError(t, err)
	}
	_, err := w.svc.ReportProgress(w.ctx, w.admin, all.ID, conference.ReportInput{Text: "Started", Progress: ptr(20), Status: ptr(conference.ActionInProgress), Version: ptr(all.Version)})
	assertNoError(t, err)
	w.clock.Set(mustTime("2015-06-01T10:00:00Z"))

	tests := []struct {
		name                      string
		reader                    *conference.User
		delegation                string
		actions, reports, overdue int
	}{
		{"observer, all five", w.observer, "", 1, 1, 1},
		{"delegate, all five", w.delegateAU, "", 2, 1, 2},
		{"delegate, Canada's brief", w.delegateAU, "CA", 0, 0, 0},
		{"head, all five", w.headCA, "", 3, 2, 3},
		{"head, Canada's brief", w.headCA, "CA", 1, 1, 1},
		{"head, Australia's brief", w.headCA, "AU", 2, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := w.svc.Brief(w.ctx, tt.reader, w.washington.ID, conference.BriefFilter{Delegation: tt.delegation})
			assertNoError(t, err)
			if b.Previous == nil || b.Previous.ID != w.london.ID || b.Since != "2014-07-12" || b.Date != "2015-06-01" {
				t.Fatalf("previous=%v since=%s date=%s", b.Previous, b.Since, b.Date)
			}
			var topic *conference.BriefTopic
			for i := range b.Topics {
				if b.Topics[i].Topic.ID == w.cyber.ID {
					topic = &b.Topics[i]
				}
			}
			if topic == nil {
				t.Fatalf("no cyberbullying in %+v", b.Topics)
			}
			for _, c := range []conference.BriefCounts{topic.Counts, b.Totals} {
				if c.Actions != tt.actions || c.ReportsSince != tt.reports || c.Overdue != tt.overdue {
					t.Fatalf("counts=%+v, want %d actions, %d reports, %d overdue", c, tt.actions, tt.reports, tt.overdue)
				}
			}
			for _, a := range topic.Actions {
				if a.Marking == conference.MarkingHeads && tt.reader.Clearance() != conference.MarkingHeads {
					t.Fatalf("%s's brief shows a heads action", tt.name)
				}
			}
			if !topic.Gap || len(b.Gaps) != 2 {
				t.Fatalf("gap=%v gaps=%v, want both topics (no entry at all)", topic.Gap, b.Gaps)
			}
		})
	}
	_, err = w.svc.Brief(w.ctx, w.observer, w.washington.ID, conference.BriefFilter{Delegation: "FR", Date: "2015-13-01"})
	assertNamesFields(t, err, "delegation", "date")
	_, err = w.svc.Brief(w.ctx, w.observer, "nowhere", conference.BriefFilter{})
	assertCode(t, err, conference.ENOTFOUND)
}

// The brief's gaps, and the register since the previous meeting.
func TestBrief_Register(t *testing.T) {
	w := newWorld(t)
	w.clock.Set(mustTime("2015-01-10T10:00:00Z"))
	mk := func(lead string, aud conference.Audience, status conference.EntryStatus, start, end string, topic *conference.Topic) {
		t.Helper()
		_, err := w.svc.CreateRegisterEntry(w.ctx, w.admin, conference.RegisterEntryInput{Title: "E " + lead, LeadDelegation: lead,
			Audiences: []conference.Audience{aud}, Format: conference.FormatTraining, Status: status, StartDate: start, EndDate: end, Topics: []string{topic.ID}})
		assertNoError(t, err)
	}
	mk("NZ", conference.AudienceJudiciary, conference.EntryCompleted, "2015-01-05", "2015-01-06", w.prosecutors)
	mk("GB", conference.AudiencePolicy, conference.EntryOngoing, "2015-01-05", "", w.cyber)
	b, err := w.svc.Brief(w.ctx, w.delegateAU, w.washington.ID, conference.BriefFilter{Date: "2015-06-01"})
	assertNoError(t, err)
	if b.Totals.Added != 2 || b.Totals.Completed != 1 {
		t.Fatalf("totals=%+v, want 2 added, 1 completed", b.Totals)
	}
	if len(b.Gaps) != 1 || b.Gaps[0] != w.cyber.ID {
		t.Fatalf("gaps=%v, want cyberbullying alone (policy reaches neither prosecutors nor judges)", b.Gaps)
	}
	// Britain's brief: its policy entry only; Educating prosecutors is a gap for it.
	b, err = w.svc.Brief(w.ctx, w.delegateAU, w.washington.ID, conference.BriefFilter{Delegation: "GB", Date: "2015-06-01"})
	assertNoError(t, err)
	if b.Totals.Added != 1 || b.Totals.Completed != 0 || len(b.Gaps) != 2 {
		t.Fatalf("GB: totals=%+v gaps=%v", b.Totals, b.Gaps)
	}
	// As of a day before the entries were registered, nothing was added.
	b, err = w.svc.Brief(w.ctx, w.delegateAU, w.washington.ID, conference.BriefFilter{Date: "2015-01-09"})
	assertNoError(t, err)
	if b.Totals.Added != 0 || b.Totals.Completed != 0 || len(b.Gaps) != 2 {
		t.Fatalf("2015-01-09: totals=%+v gaps=%v", b.Totals, b.Gaps)
	}
}

// The coverage headline counts the cells where nothing reaches prosecutors
// or the judiciary, not those that miss one of the two; and the matrix
// says what changed since the previous meeting.
func TestCoverage_FocusAndChange(t *testing.T) {
	w := newWorld(t)
	mk := func(lead string, aud []conference.Audience, start string, topic *conference.Topic) {
		t.Helper()
		_, err := w.svc.CreateRegisterEntry(w.ctx, w.admin, conference.RegisterEntryInput{Title: "E " + lead, LeadDelegation: lead,
			Audiences: aud, Format: conference.FormatTraining, Status: conference.EntryOngoing, StartDate: start, Topics: []string{topic.ID}})
		assertNoError(t, err)
	}
	p := []conference.Audience{conference.AudienceProsecutors}
	mk("CA", p, "2014-03-01", w.prosecutors) // before London ended
	mk("NZ", p, "2015-02-01", w.prosecutors) // since
	mk("GB", []conference.Audience{conference.AudiencePolicy}, "2015-02-01", w.cyber)
	cov, err := w.svc.Coverage(w.ctx, w.observer, conference.CoverageFilter{Meeting: w.washington.ID})
	assertNoError(t, err)
	cell := func(topic, d string) conference.CoverageCell {
		for _, c := range cov.Cells {
			if c.Topic == topic && c.Delegation == d {
				return c
			}
		}
		t.Fatalf("no cell %s × %s", topic, d)
		return conference.CoverageCell{}
	}
	ca := cell(w.prosecutors.ID, "CA")
	if ca.Unreached || len(ca.MissingFocus) != 1 || ca.New || ca.FocusNew {
		t.Fatalf("CA: %+v — one prosecutors' entry reaches the cell; it was there before", ca)
	}
	gb := cell(w.cyber.ID, "GB")
	if !gb.Unreached || !gb.New || gb.FocusNew {
		t.Fatalf("GB: %+v — a policy entry reaches neither audience; the cell is newly reached", gb)
	}
	nz := cell(w.prosecutors.ID, "NZ")
	if nz.Unreached || !nz.New || !nz.FocusNew {
		t.Fatalf("NZ: %+v", nz)
	}
	if want := len(cov.Cells) - 2; cov.FocusGaps != want {
		t.Fatalf("focus_gaps=%d, want %d (all but the two prosecutors' cells)", cov.FocusGaps, want)
	}
	ch := cov.Change
	if ch == nil || ch.Since.ID != w.london.ID || ch.Meeting.ID != w.washington.ID || ch.Reached != 2 || ch.FocusNew != 1 || ch.StillGaps != len(cov.Cells)-3 {
		t.Fatalf("change=%+v", ch)
	}
	// A range: 2014 alone counts the first entry; 2015 the other two and the
	// first (still ongoing in 2015, the year it is now); 2016 none yet.
	w.clock.Set(mustTime("2015-06-01T10:00:00Z"))
	for _, tt := range []struct {
		f       conference.CoverageFilter
		entries int
	}{
		{conference.CoverageFilter{Year: 2014}, 1},
		{conference.CoverageFilter{From: 2015, To: 2015}, 3},
		{conference.CoverageFilter{To: 2014}, 1},
		{conference.CoverageFilter{From: 2016}, 0},
	} {
		cov, err := w.svc.Coverage(w.ctx, w.observer, tt.f)
		assertNoError(t, err)
		if cov.Entries != tt.entries {
			t.Fatalf("%+v: %d entries, want %d", tt.f, cov.Entries, tt.entries)
		}
	}
	_, err = w.svc.Coverage(w.ctx, w.observer, conference.CoverageFilter{Year: 2015, From: 2016, To: 2014})
	assertNamesFields(t, err, "from")
	_, err = w.svc.Coverage(w.ctx, w.observer, conference.CoverageFilter{Year: 1800})
	assertNamesFields(t, err, "year")
}

// assertNamesFields fails unless err is invalid and names every one of fields.
func assertNamesFields(tb testing.TB, err error, fields ...string) {
	tb.Helper()
	e := assertCode(tb, err, conference.EINVALID)
	named := map[string]bool{e.Field: true}
	for _, f := range e.Fields {
		named[f.Field] = true
	}
	for _, f := range fields {
		if !named[f] {
			tb.Fatalf("error names %+v, not %q (%v)", e.Fields, f, err)
		}
	}
}
