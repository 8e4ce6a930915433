package conference

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The brief's arithmetic: progress since the previous meeting, what is
// overdue on the brief's day, and what the register gained in between. The
// window runs from 2014-07-12 (the day after London 2014 ended) to the end
// of the brief's day.
func TestBriefActionArithmetic(t *testing.T) {
	report := func(when string, s ActionStatus, p int) ProgressReport {
		return ProgressReport{At: at(when), Status: s, Progress: p, Text: "r"}
	}
	old := at("2014-07-10T12:00:00Z") // drawn up at London
	tests := []struct {
		name                 string
		a                    Action
		date                 string
		then, now            int
		status               ActionStatus
		since                int
		overdue, isNew, seen bool
	}{
		{name: "no report since: nothing moved",
			a:    Action{Status: ActionOpen, Due: "2015-12-31", CreatedAt: old, UpdatedAt: old},
			date: "2015-06-01", then: 0, now: 0, status: ActionOpen, seen: true},
		{name: "reports before and after the previous meeting: x % then, y % now",
			a: Action{Status: ActionInProgress, Progress: 60, Due: "2015-12-31", CreatedAt: old, UpdatedAt: at("2015-03-01T09:00:00Z"),
				Reports: []ProgressReport{report("2014-07-11T09:00:00Z", ActionInProgress, 10), report("2014-10-01T09:00:00Z", ActionInProgress, 30), report("2015-03-01T09:00:00Z", ActionInProgress, 60)}},
			date: "2015-06-01", then: 10, now: 60, status: ActionInProgress, since: 2, seen: true},
		{name: "a report after the brief's day is not counted, nor its progress",
			a: Action{Status: ActionDone, Progress: 100, Due: "2015-05-01", CreatedAt: old, UpdatedAt: at("2015-06-02T09:00:00Z"),
				Reports: []ProgressReport{report("2015-02-01T09:00:00Z", ActionInProgress, 50), report("2015-06-02T09:00:00Z", ActionDone, 100)}},
			date: "2015-06-01", then: 0, now: 50, status: ActionInProgress, since: 1, overdue: true, seen: true},
		{name: "a report on the brief's day counts (the day is whole)",
			a: Action{Status: ActionDone, Progress: 100, Due: "2015-05-01", CreatedAt: old, UpdatedAt: at("2015-06-01T23:00:00Z"),
				Reports: []ProgressReport{report("2015-06-01T23:00:00Z", ActionDone, 100)}},
			date: "2015-06-01", then: 0, now: 100, status: ActionDone, since: 1, seen: true},
		{name: "overdue: pending and due before the brief's day",
			a:    Action{Status: ActionBlocked, Due: "2015-05-31", CreatedAt: old, UpdatedAt: old},
			date: "2015-06-01", status: ActionBlocked, overdue: true, seen: true},
		{name: "due on the brief's day is not overdue",
			a:    Action{Status: ActionOpen, Due: "2015-06-01", CreatedAt: old, UpdatedAt: old},
			date: "2015-06-01", status: ActionOpen, seen: true},
		{name: "dropped is never overdue",
			a:    Action{Status: ActionDropped, Due: "2014-12-31", CreatedAt: old, UpdatedAt: old},
			date: "2015-06-01", status: ActionDropped, seen: true},
		{name: "an edit without a report after the brief's day: the trail decides",
			a:    Action{Status: ActionDone, Progress: 100, Due: "2014-12-31", CreatedAt: old, UpdatedAt: at("2015-07-01T09:00:00Z")},
			date: "2015-06-01", status: ActionOpen, overdue: true, seen: true},
		{name: "created since the previous meeting: new, from 0 %",
			a: Action{Status: ActionInProgress, Progress: 40, Due: "2016-01-01", CreatedAt: at("2015-01-05T09:00:00Z"), UpdatedAt: at("2015-02-01T09:00:00Z"),
				Reports: []ProgressReport{report("2015-02-01T09:00:00Z", ActionInProgress, 40)}},
			date: "2015-06-01", then: 0, now: 40, status: ActionInProgress, since: 1, isNew: true, seen: true},
		{name: "created after the brief's day: not in the brief",
			a:    Action{Status: ActionOpen, Due: "2016-01-01", CreatedAt: at("2015-06-02T00:00:00Z"), UpdatedAt: at("2015-06-02T00:00:00Z")},
			date: "2015-06-01", seen: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newBriefWindow("2014-07-12", tt.date)
			ba, ok := briefAction(&tt.a, w)
			if ok != tt.seen {
				t.Fatalf("in the brief=%v, want %v", ok, tt.seen)
			}
			if !ok {
				return
			}
			if ba.ProgressThen != tt.then || ba.ProgressNow != tt.now {
				t.Errorf("progress %d %% → %d %%, want %d %% → %d %%", ba.ProgressThen, ba.ProgressNow, tt.then, tt.now)
			}
			if ba.StatusNow != tt.status {
				t.Errorf("status=%s, want %s", ba.StatusNow, tt.status)
			}
			if got := len(ba.Since); got != tt.since {
				t.Errorf("reports since=%d, want %d", got, tt.since)
			}
			if ba.Overdue != tt.overdue {
				t.Errorf("overdue=%v, want %v", ba.Overdue, tt.overdue)
			}
			if ba.New != tt.isNew {
				t.Errorf("new=%v, want %v", ba.New, tt.isNew)
			}
			c := ba.counts()
			if got, want := c.Moved == 1, tt.then != tt.now; got != want {
				t.Errorf("moved=%v, want %v", got, want)
			}
		})
	}
}

func TestBriefEntryArithmetic(t *testing.T) {
	tests := []struct {
		name             string
		e                RegisterEntry
		added, completed bool
	}{
		{"registered before the previous meeting ended", RegisterEntry{CreatedAt: at("2014-07-11T10:00:00Z"), Status: EntryOngoing}, false, false},
		{"registered the day after", RegisterEntry{CreatedAt: at("2014-07-12T00:00:00Z"), Status: EntryPlanned}, true, false},
		{"registered on the brief's day", RegisterEntry{CreatedAt: at("2015-06-01T22:00:00Z"), Status: EntryPlanned}, true, false},
		{"registered after the brief's day", RegisterEntry{CreatedAt: at("2015-06-02T00:00:00Z"), Status: EntryPlanned}, false, false},
		{"completed in between, registered before", RegisterEntry{CreatedAt: at("2014-01-01T00:00:00Z"), Status: EntryCompleted, EndDate: "2015-03-03"}, false, true},
		{"completed before the previous meeting ended", RegisterEntry{CreatedAt: at("2014-01-01T00:00:00Z"), Status: EntryCompleted, EndDate: "2014-07-11"}, false, false},
		{"to complete after the brief's day", RegisterEntry{CreatedAt: at("2014-01-01T00:00:00Z"), Status: EntryCompleted, EndDate: "2015-06-02"}, false, false},
		{"completed in between, registered after the brief's day", RegisterEntry{CreatedAt: at("2015-06-02T00:00:00Z"), Status: EntryCompleted, EndDate: "2015-03-03"}, false, false},
		{"ongoing with an end date in between is not completed", RegisterEntry{CreatedAt: at("2014-01-01T00:00:00Z"), Status: EntryOngoing, EndDate: "2015-03-03"}, false, false},
	}
	w := newBriefWindow("2014-07-12", "2015-06-01")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			added, completed := entryInWindow(&tt.e, w)
			if added != tt.added || completed != tt.completed {
				t.Fatalf("added=%v completed=%v, want %v %v", added, completed, tt.added, tt.completed)
			}
		})
	}
}
