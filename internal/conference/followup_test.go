package conference_test

import (
	"testing"

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
