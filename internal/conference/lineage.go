package conference

import (
	"context"
	"slices"
	"time"
)

// ---- A topic's lineage: what became of a theme, meeting by meeting ----

// Lineage is a topic followed across the meetings, as one reader may read
// it: per meeting, the sessions on the topic with their outcomes and the
// count of the notes the reader may read, and the actions on the topic that
// came from the meeting, as they stand now; then the register entries that
// concern the topic. Everything above the reader's clearance is left out,
// counts included, so that a number never hints at what cannot be read.
type Lineage struct {
	Topic     *Topic            `json:"topic"`
	Today     string            `json:"today"` // the day the actions' due classes are read on
	Clearance Marking           `json:"clearance"`
	Meetings  []LineageMeeting  `json:"meetings"` // oldest first
	Entries   []*RegisterEntry  `json:"entries"`  // by start date; archived ones left out
	Counts    LineageTotals     `json:"counts"`
	Examples  bool              `json:"examples"` // some of it is demonstration data
	Topics    map[string]string `json:"-"`        // titles, for the renderers
}

// LineageTotals counts what the lineage shows.
type LineageTotals struct {
	Meetings int `json:"meetings"`
	Sessions int `json:"sessions"`
	Outcomes int `json:"outcomes"`
	Agreed   int `json:"agreed"`
	Actions  int `json:"actions"`
	Pending  int `json:"pending"`
	Entries  int `json:"entries"`
}

// LineageMeeting is one meeting of a lineage. A meeting appears when a
// session or an action of it concerns the topic, or its agenda lists it.
type LineageMeeting struct {
	Meeting  *Meeting         `json:"meeting"`
	Year     int              `json:"year"`
	Sessions []LineageSession `json:"sessions"`
	Actions  []LineageAction  `json:"actions"`
}

// LineageSession is one session on the topic.
type LineageSession struct {
	Session  *Session       `json:"session"`
	Notes    int            `json:"notes"` // the notes this reader may read
	Outcomes []*OutcomeView `json:"outcomes"`
}

// LineageAction is an action and where it stands on Lineage.Today.
type LineageAction struct {
	*Action
	Class DueClass `json:"class"`
}

// TopicLineage builds the lineage of the topic named by id or slug for actor.
func (s *Service) TopicLineage(ctx context.Context, actor *User, idOrSlug string) (*Lineage, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	today, soon := s.Today()
	now := s.Now()
	var l *Lineage
	s.read(func(st *state) {
		t := st.topicByIDOrSlug(idOrSlug)
		if t == nil {
			return
		}
		l = st.lineage(actor, t, today, soon, now)
	})
	if l == nil {
		return nil, Errorf(ENOTFOUND, "No topic %q.", idOrSlug)
	}
	return l, nil
}

func (st *state) lineage(actor *User, t *Topic, today, soon string, now time.Time) *Lineage {
	l := &Lineage{Topic: t, Today: today, Clearance: actor.Clearance(), Meetings: []LineageMeeting{},
		Entries: []*RegisterEntry{}, Topics: map[string]string{}}
	for _, x := range st.topics {
		l.Topics[x.ID] = x.Title
	}
	actionsBy := map[string][]LineageAction{}
	for _, a := range st.actions {
		if !slices.Contains(a.Topics, t.ID) {
			continue
		}
		if v := st.actionView(a, st.clearanceIn(actor, a.SessionID)); v != nil {
			actionsBy[a.MeetingID] = append(actionsBy[a.MeetingID], LineageAction{Action: v, Class: v.Class(today, soon)})
		}
	}
	for _, m := range sortedValues(st.meetings, func(m *Meeting) string { return m.StartDate }) {
		lm := LineageMeeting{Meeting: st.meetingView(m, now), Year: yearOf(m.StartDate), Sessions: []LineageSession{}, Actions: actionsBy[m.ID]}
		for _, se := range st.sessionsByMeeting[m.ID] {
			if !slices.Contains(se.Topics, t.ID) {
				continue
			}
			ls := LineageSession{Session: se, Outcomes: []*OutcomeView{}}
			c := actor.ClearanceIn(se)
			for _, n := range st.notes[se.ID] {
				if covers(c, n.Marking) {
					ls.Notes++
				}
			}
			for _, o := range st.outcomesOf(se.ID) {
				if v := st.outcomeView(o, c); v != nil {
					ls.Outcomes = append(ls.Outcomes, v)
					l.Counts.Outcomes++
					if v.Status == OutcomeAgreed {
						l.Counts.Agreed++
					}
				}
			}
			lm.Sessions = append(lm.Sessions, ls)
		}
		if len(lm.Sessions) == 0 && len(lm.Actions) == 0 && !slices.Contains(m.Topics, t.ID) {
			continue
		}
		if lm.Actions == nil {
			lm.Actions = []LineageAction{}
		}
		slices.SortFunc(lm.Actions, func(a, b LineageAction) int { return compareActions(a.Action, b.Action) })
		l.Counts.Sessions += len(lm.Sessions)
		l.Counts.Actions += len(lm.Actions)
		for _, a := range lm.Actions {
			if a.Status.Pending() {
				l.Counts.Pending++
			}
		}
		l.Examples = l.Examples || m.Example
		l.Meetings = append(l.Meetings, lm)
	}
	l.Counts.Meetings = len(l.Meetings)
	l.Entries = st.topicEntries(t.ID)
	for _, e := range l.Entries {
		l.Examples = l.Examples || e.Example
	}
	l.Counts.Entries = len(l.Entries)
	return l
}

// outcomesOf returns the outcomes of a session in their order.
func (st *state) outcomesOf(sessionID string) []*Outcome {
	var out []*Outcome
	for _, o := range st.outcomes {
		if o.SessionID == sessionID {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, compareOutcomes)
	return out
}

// topicEntries returns the register entries, archived ones aside, that
// concern topic id (list it or are linked from it), by start date.
func (st *state) topicEntries(id string) []*RegisterEntry {
	out := []*RegisterEntry{}
	for _, e := range st.registerList {
		if !e.Archived && slices.Contains(st.entryTopics(e), id) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *RegisterEntry) int {
		switch {
		case a.StartDate < b.StartDate:
			return -1
		case a.StartDate > b.StartDate:
			return 1
		}
		return 0
	})
	return out
}
