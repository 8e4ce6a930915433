package conference

import (
	"context"
	"slices"
	"time"
)

// CarryOverGroup is the pending actions of earlier meetings under one topic
// of a meeting's agenda. Topic is nil for the group of actions none of whose
// topics is on the agenda.
type CarryOverGroup struct {
	Topic   *Topic    `json:"topic"`
	Actions []*Action `json:"actions"`
}

// CarryOver returns the pending actions of every meeting that began before
// meetingID did, under the topics of its agenda in agenda order: an action
// appears under each of its topics that is on the agenda, or else in a last
// group without a topic. It is computed on each read and never copied, so
// an action closed between meetings drops off at once.
func (s *Service) CarryOver(ctx context.Context, actor *User, meetingID string) ([]CarryOverGroup, error) {
	m, err := s.Meeting(ctx, actor, meetingID)
	if err != nil {
		return nil, err
	}
	var pending []*Action
	var topics []*Topic
	s.read(func(st *state) {
		for _, a := range st.actions {
			origin := st.meetings[a.MeetingID]
			if a.Status.Pending() && origin != nil && origin.ID != m.ID && origin.StartDate < m.StartDate {
				if v := st.actionView(a, st.clearanceIn(actor, a.SessionID)); v != nil {
					pending = append(pending, v)
				}
			}
		}
		for _, id := range m.Topics {
			if t := st.topics[id]; t != nil {
				topics = append(topics, t)
			}
		}
	})
	slices.SortFunc(pending, compareActions)
	out := []CarryOverGroup{}
	placed := map[string]bool{}
	for _, t := range topics {
		g := CarryOverGroup{Topic: t, Actions: []*Action{}}
		for _, a := range pending {
			if slices.Contains(a.Topics, t.ID) {
				g.Actions = append(g.Actions, a)
				placed[a.ID] = true
			}
		}
		out = append(out, g)
	}
	rest := CarryOverGroup{Actions: []*Action{}}
	for _, a := range pending {
		if !placed[a.ID] {
			rest.Actions = append(rest.Actions, a)
		}
	}
	if len(rest.Actions) > 0 {
		out = append(out, rest)
	}
	return out, nil
}

// ---- the meeting record ----

// Record is a meeting's record as one reader may read it: its sessions, each
// with its agreed outcomes and their sign-offs, and the actions that came
// from the meeting.
type Record struct {
	Meeting     *Meeting         `json:"meeting"`
	Delegations []*Delegation    `json:"delegations"`
	Sessions    []RecordSession  `json:"sessions"`
	Actions     []*Action        `json:"actions"`
	Topics      map[string]Topic `json:"topics"` // by id, for the names
	Clearance   Marking          `json:"clearance"`
	Generated   time.Time        `json:"generated"`
}

// RecordSession is one session of the record.
type RecordSession struct {
	Session  *Session       `json:"session"`
	Outcomes []*OutcomeView `json:"outcomes"` // agreed only
}

// MeetingRecord assembles the meeting's record for actor: drafts and
// anything above the reader's clearance are left out.
func (s *Service) MeetingRecord(ctx context.Context, actor *User, meetingID string) (*Record, error) {
	m, err := s.Meeting(ctx, actor, meetingID)
	if err != nil {
		return nil, err
	}
	r := &Record{Meeting: m, Sessions: []RecordSession{}, Topics: map[string]Topic{},
		Clearance: actor.Clearance(), Generated: s.Now()}
	if r.Delegations, err = s.Delegations(ctx, actor); err != nil {
		return nil, err
	}
	r.Delegations = slices.DeleteFunc(r.Delegations, func(d *Delegation) bool { return !slices.Contains(m.Delegations, d.Code) })
	sessions, err := s.Agenda(ctx, actor, meetingID)
	if err != nil {
		return nil, err
	}
	outcomes, err := s.MeetingOutcomes(ctx, actor, meetingID)
	if err != nil {
		return nil, err
	}
	for _, se := range sessions {
		rs := RecordSession{Session: se, Outcomes: []*OutcomeView{}}
		for _, o := range outcomes {
			if o.SessionID == se.ID && o.Status == OutcomeAgreed {
				rs.Outcomes = append(rs.Outcomes, o)
			}
		}
		r.Sessions = append(r.Sessions, rs)
	}
	if r.Actions, err = s.Actions(ctx, actor, ActionFilter{MeetingID: meetingID}); err != nil {
		return nil, err
	}
	s.read(func(st *state) {
		for _, t := range st.topics {
			r.Topics[t.ID] = *t
		}
	})
	return r, nil
}
