package conference

import (
	"context"
	"slices"
	"strings"
	"time"
)

// ---- The brief for the next meeting ----
//
// A brief tells a delegation (or all five) what became of each topic of a
// meeting being prepared since the meeting before it: the outcomes of the
// earlier meetings, each action's status and its progress since then, what
// is overdue on the brief's date, the register entries added or completed
// since, and the gaps — topics where nothing reaches prosecutors or the
// judiciary. It is computed from the working set on each read, as one
// reader may read it, and never stored.
//
// Publishing: the secretariat publishes the brief with the meeting's papers
// by setting the meeting's brief_published to a day (PATCH /meetings/{id},
// versioned like every meeting change). The published brief is the brief as
// of that day; it is still computed for each reader, so a published brief
// never shows anyone more than their clearance. Withdrawing it is setting
// brief_published to "".

// BriefFilter says which brief: of one delegation (its actions, the entries
// it leads or takes part in) or of all five (Delegation ""), and as of which
// day (Date ""; the published day, else today).
type BriefFilter struct {
	Delegation string
	Date       string // YYYY-MM-DD
}

// Brief is the brief for one meeting.
type Brief struct {
	Meeting     *Meeting          `json:"meeting"`
	Previous    *Meeting          `json:"previous,omitempty"` // the meeting before; nil when there is none
	Delegation  *Delegation       `json:"delegation,omitempty"`
	Since       string            `json:"since"` // the day after Previous ended; progress is measured from it
	Date        string            `json:"date"`  // the brief's day: overdue is read on it
	Published   bool              `json:"published"`
	Clearance   Marking           `json:"clearance"`
	Topics      []BriefTopic      `json:"topics"`
	Totals      BriefCounts       `json:"totals"`
	Gaps        []string          `json:"gaps"`     // ids of the topics nothing for prosecutors or the judiciary reaches
	Examples    bool              `json:"examples"` // some of it is demonstration data
	Generated   time.Time         `json:"generated"`
	TopicTitles map[string]string `json:"-"` // for the renderers
}

// BriefTopic is one topic of the brief.
type BriefTopic struct {
	Topic     *Topic           `json:"topic"`
	Outcomes  []BriefOutcome   `json:"outcomes"`
	Actions   []BriefAction    `json:"actions"`
	Added     []*RegisterEntry `json:"added"`     // registered since
	Completed []*RegisterEntry `json:"completed"` // completed since
	// Gap: no entry on the topic (of the delegation, for its brief) that had
	// started by the brief's day reaches prosecutors or the judiciary.
	Gap    bool        `json:"gap"`
	Counts BriefCounts `json:"counts"`
}

// BriefOutcome is an outcome of an earlier meeting on the topic.
type BriefOutcome struct {
	*OutcomeView
	Meeting string `json:"meeting"` // title of the meeting it came from
	Session string `json:"session"` // title of its session
}

// BriefAction is an action on the topic from an earlier meeting, and what
// moved since the previous meeting.
type BriefAction struct {
	*Action
	ProgressThen int              `json:"progress_then"` // % when the previous meeting ended
	ProgressNow  int              `json:"progress_now"`  // % on the brief's day
	StatusNow    ActionStatus     `json:"status_now"`    // on the brief's day
	Since        []ProgressReport `json:"reports_since"` // reports filed since, up to the brief's day
	Overdue      bool             `json:"overdue"`       // pending and due before the brief's day
	New          bool             `json:"new"`           // created since the previous meeting
}

// BriefCounts sums a topic, or the whole brief (where a thing under two
// topics counts once).
type BriefCounts struct {
	Actions      int `json:"actions"`
	Overdue      int `json:"overdue"`
	Done         int `json:"done"`
	Moved        int `json:"moved"` // actions whose progress moved since
	ReportsSince int `json:"reports_since"`
	Outcomes     int `json:"outcomes"`
	Added        int `json:"added"`
	Completed    int `json:"completed"`
}

func (c *BriefCounts) add(o BriefCounts) {
	c.Actions += o.Actions
	c.Overdue += o.Overdue
	c.Done += o.Done
	c.Moved += o.Moved
	c.ReportsSince += o.ReportsSince
	c.Outcomes += o.Outcomes
	c.Added += o.Added
	c.Completed += o.Completed
}

// Brief builds the brief for meeting id as actor may read it.
func (s *Service) Brief(ctx context.Context, actor *User, meetingID string, f BriefFilter) (*Brief, error) {
	m, f, err := s.briefRequest(ctx, actor, meetingID, f)
	if err != nil {
		return nil, err
	}
	b := &Brief{Meeting: m, Date: f.Date, Clearance: actor.Clearance(), Topics: []BriefTopic{}, Gaps: []string{},
		Generated: s.Now(), Published: m.BriefPublished != "", Examples: m.Example}
	s.read(func(st *state) {
		if f.Delegation != "" {
			b.Delegation = st.delegations[f.Delegation]
		}
		st.brief(actor, b, f.Delegation)
	})
	return b, nil
}

// BriefKey names the brief Brief would build for actor with f: two requests
// with the same key, against a working set that has not changed between
// them, get the same brief, so that one computed for the first may be
// served to the second. It is what determines the view — the meeting, the
// delegation, the brief's day once resolved (a request without a date
// moves at midnight, or when the brief is published), the reader's view key
// (their clearance, and who they are when they read more in a session),
// and the statuses the brief shows, which are derived from the clock. It
// refuses what Brief would refuse, with the same error, and returns f
// resolved, for Brief to build exactly the brief the key names.
func (s *Service) BriefKey(ctx context.Context, actor *User, meetingID string, f BriefFilter) (string, BriefFilter, error) {
	m, f, err := s.briefRequest(ctx, actor, meetingID, f)
	if err != nil {
		return "", f, err
	}
	prev := MeetingStatus("")
	now := s.Now()
	s.read(func(st *state) {
		if p := st.previousMeeting(m); p != nil {
			prev = p.StatusAt(st.sessionsByMeeting[p.ID], now)
		}
	})
	return strings.Join([]string{m.ID, f.Delegation, f.Date, s.ViewKey(actor), string(m.Status), string(prev)}, "|"), f, nil
}

// briefRequest reads the meeting and checks and resolves f: the delegation
// in canonical form, the day filled in.
func (s *Service) briefRequest(ctx context.Context, actor *User, meetingID string, f BriefFilter) (*Meeting, BriefFilter, error) {
	m, err := s.Meeting(ctx, actor, meetingID)
	if err != nil {
		return nil, f, err
	}
	var v fieldChecks
	f.Delegation = strings.ToUpper(strings.TrimSpace(f.Delegation))
	if f.Delegation != "" && !slices.Contains(m.Delegations, f.Delegation) {
		v.check(Invalid("delegation", "The delegation %q does not take part in %s; choose one that does.", f.Delegation, m.Title))
	}
	if f.Date != "" {
		v.check(ValidateDate("date", f.Date))
	}
	if err := v.err(); err != nil {
		return nil, f, err
	}
	if f.Date == "" {
		f.Date = m.BriefPublished
	}
	if f.Date == "" {
		f.Date, _ = s.Today()
	}
	return m, f, nil
}

// previousMeeting is the meeting that began last before m; nil when none did.
func (st *state) previousMeeting(m *Meeting) *Meeting {
	var prev *Meeting
	for _, x := range st.meetings {
		if x.ID != m.ID && x.StartDate < m.StartDate && (prev == nil || x.StartDate > prev.StartDate) {
			prev = x
		}
	}
	return prev
}

// briefWindow is the span a brief measures: from the start of since to the
// end of the brief's day, both UTC days as the due dates are.
type briefWindow struct {
	since, until time.Time // [since, until)
	date         string    // the brief's day, YYYY-MM-DD
	sinceDate    string
}

func newBriefWindow(since, date string) briefWindow {
	w := briefWindow{date: date, sinceDate: since}
	w.since, _ = time.Parse(DateLayout, since)
	d, _ := time.Parse(DateLayout, date)
	w.until = d.AddDate(0, 0, 1)
	return w
}

// stateAt returns the status and progress a had at instant t: what it holds
// now when it has not changed since t, else what the last report before t
// left, else open at 0 % (an edit without a report leaves no trail).
func stateAt(a *Action, t time.Time) (ActionStatus, int) {
	if a.UpdatedAt.Before(t) {
		return a.Status, a.Progress
	}
	status, progress := ActionOpen, 0
	for _, r := range a.Reports {
		if !r.At.Before(t) {
			break
		}
		status, progress = r.Status, r.Progress
	}
	return status, progress
}

// briefAction measures a (as the reader sees it) over w; ok is false when
// a did not exist yet on the brief's day.
func briefAction(a *Action, w briefWindow) (BriefAction, bool) {
	if !a.CreatedAt.Before(w.until) {
		return BriefAction{}, false
	}
	ba := BriefAction{Action: a, Since: []ProgressReport{}, New: !a.CreatedAt.Before(w.since)}
	if !ba.New {
		_, ba.ProgressThen = stateAt(a, w.since)
	}
	ba.StatusNow, ba.ProgressNow = stateAt(a, w.until)
	for _, r := range a.Reports {
		if !r.At.Before(w.since) && r.At.Before(w.until) {
			ba.Since = append(ba.Since, r)
		}
	}
	ba.Overdue = ba.StatusNow.Pending() && a.Due < w.date
	return ba, true
}

func (ba *BriefAction) counts() BriefCounts {
	c := BriefCounts{Actions: 1, ReportsSince: len(ba.Since)}
	if ba.Overdue {
		c.Overdue++
	}
	if ba.StatusNow == ActionDone {
		c.Done++
	}
	if ba.ProgressNow != ba.ProgressThen {
		c.Moved++
	}
	return c
}

// entryInWindow says whether e was registered, and whether it was
// completed, within w.
func entryInWindow(e *RegisterEntry, w briefWindow) (added, completed bool) {
	added = !e.CreatedAt.Before(w.since) && e.CreatedAt.Before(w.until)
	// An entry registered after the brief's day is not known to it, even
	// when it tells of an activity completed before.
	completed = e.Status == EntryCompleted && e.EndDate >= w.sinceDate && e.EndDate <= w.date && e.CreatedAt.Before(w.until)
	return added, completed
}

// reachesFocus says whether e is for prosecutors or the judiciary.
func reachesFocus(e *RegisterEntry) bool {
	return slices.ContainsFunc(e.Audiences, func(a Audience) bool { return slices.Contains(FocusAudiences, a) })
}

func (st *state) brief(actor *User, b *Brief, delegation string) {
	m := b.Meeting
	b.TopicTitles = map[string]string{}
	for _, t := range st.topics {
		b.TopicTitles[t.ID] = t.Title
	}
	earlier := map[string]*Meeting{} // the meetings that began before m
	for _, x := range st.meetings {
		if x.ID != m.ID && x.StartDate < m.StartDate {
			earlier[x.ID] = x
		}
	}
	if p := st.previousMeeting(m); p != nil {
		b.Previous = st.meetingView(p, b.Generated)
	}
	if b.Previous != nil {
		end, _ := time.Parse(DateLayout, b.Previous.EndDate)
		b.Since = end.AddDate(0, 0, 1).Format(DateLayout)
	} else {
		b.Since = m.StartDate // nothing came before: nothing moved "since"
	}
	w := newBriefWindow(b.Since, b.Date)

	// Rows: the agenda's topics in order, then the sessions' own.
	row := map[string]int{}
	addTopic := func(id string) {
		if t := st.topics[id]; t != nil {
			if _, ok := row[id]; !ok {
				row[id] = len(b.Topics)
				b.Topics = append(b.Topics, BriefTopic{Topic: t, Outcomes: []BriefOutcome{}, Actions: []BriefAction{},
					Added: []*RegisterEntry{}, Completed: []*RegisterEntry{}, Gap: true})
			}
		}
	}
	for _, id := range m.Topics {
		addTopic(id)
	}
	for _, se := range st.sessionsByMeeting[m.ID] {
		for _, id := range se.Topics {
			addTopic(id)
		}
	}
	if len(b.Topics) == 0 {
		return
	}

	// One pass over each collection: a brief over ten meetings and ten
	// thousand actions must answer in well under a second.
	c := actor.Clearance()
	inside := c != MarkingHeads && len(st.byInsider[actor.ID]) > 0
	var rows []int
	for _, a := range st.actions {
		if earlier[a.MeetingID] == nil || (delegation != "" && a.Owner != delegation) {
			continue
		}
		rows = rows[:0]
		for _, id := range a.Topics {
			if r, ok := row[id]; ok {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		ca := c
		if inside && a.SessionID != "" {
			ca = st.clearanceIn(actor, a.SessionID)
		}
		v := st.actionView(a, ca)
		if v == nil {
			continue
		}
		ba, ok := briefAction(v, w)
		if !ok {
			continue
		}
		counts := ba.counts()
		for _, r := range rows {
			bt := &b.Topics[r]
			bt.Actions = append(bt.Actions, ba)
			bt.Counts.add(counts)
		}
		b.Totals.add(counts) // once, however many topics it is under
		b.Examples = b.Examples || v.Example
	}
	for _, o := range st.outcomes {
		if earlier[o.MeetingID] == nil {
			continue
		}
		se := st.sessions[o.SessionID]
		if se == nil {
			continue
		}
		var v *OutcomeView
		for _, id := range se.Topics {
			r, ok := row[id]
			if !ok {
				continue
			}
			if v == nil {
				if v = st.outcomeView(o, actor.ClearanceIn(se)); v == nil {
					break
				}
				b.Totals.Outcomes++
			}
			bt := &b.Topics[r]
			bt.Outcomes = append(bt.Outcomes, BriefOutcome{OutcomeView: v, Meeting: earlier[o.MeetingID].Title, Session: se.Title})
			bt.Counts.Outcomes++
			b.Examples = b.Examples || v.Example
		}
	}
	for _, e := range st.registerList {
		if e.Archived || (delegation != "" && !slices.Contains(e.Delegations(), delegation)) {
			continue
		}
		added, completed := entryInWindow(e, w)
		started := e.StartDate <= w.date && e.CreatedAt.Before(w.until)
		if !added && !completed && !started {
			continue
		}
		counted := false
		for _, id := range st.entryTopics(e) {
			r, ok := row[id]
			if !ok {
				continue
			}
			bt := &b.Topics[r]
			if added {
				bt.Added = append(bt.Added, e)
				bt.Counts.Added++
			}
			if completed {
				bt.Completed = append(bt.Completed, e)
				bt.Counts.Completed++
			}
			if started && reachesFocus(e) {
				bt.Gap = false
			}
			if !counted {
				counted = true
				if added {
					b.Totals.Added++
				}
				if completed {
					b.Totals.Completed++
				}
			}
			b.Examples = b.Examples || e.Example
		}
	}
	for i := range b.Topics {
		bt := &b.Topics[i]
		// Each topic's own: sorting all the brief's actions at once and
		// dealing them out in order makes more comparisons (n log n over
		// all of them) and measured slower (docs/benchmarks.md).
		slices.SortFunc(bt.Actions, func(x, y BriefAction) int { return compareActions(x.Action, y.Action) })
		slices.SortFunc(bt.Outcomes, func(x, y BriefOutcome) int { return compareOutcomes(&x.Outcome, &y.Outcome) })
		if bt.Gap {
			b.Gaps = append(b.Gaps, bt.Topic.ID)
		}
	}
}
