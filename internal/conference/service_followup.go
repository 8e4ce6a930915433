package conference

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// The follow-up views: the board by delegation, "my delegation", progress
// since the last meeting, and the carry-over of open actions onto a later
// meeting's agenda. All are computed from the working set on each read (the
// HTTP layer caches the encoded answers per generation); none is stored.

// DueCounts counts actions by DueClass.
type DueCounts struct {
	Overdue int `json:"overdue"`
	DueSoon int `json:"due_soon"` // due within DueSoonDays
	OnTrack int `json:"on_track"`
	Done    int `json:"done"`
	Dropped int `json:"dropped"`
	Total   int `json:"total"`
}

func (c *DueCounts) add(class DueClass) {
	c.Total++
	switch class {
	case DueOverdue:
		c.Overdue++
	case DueSoon:
		c.DueSoon++
	case DueOnTrack:
		c.OnTrack++
	case DueDone:
		c.Done++
	case DueDropped:
		c.Dropped++
	}
}

// BoardColumn is one delegation's column of the board: its counts, and the
// actions that need attention first (overdue or due soon, by due date, at
// most BoardAttention), so that the board shows what to chase without a
// second request.
type BoardColumn struct {
	Delegation string    `json:"delegation"`
	Name       string    `json:"name"`
	Counts     DueCounts `json:"counts"`
	Attention  []*Action `json:"attention"`
}

// BoardAttention bounds the actions listed under each column of the board.
const BoardAttention = 10

// Board is the delegations side by side, as of Today.
type Board struct {
	Today   string        `json:"today"`
	Columns []BoardColumn `json:"columns"`
	Totals  DueCounts     `json:"totals"`
}

// ActionBoard counts the actions matching f that actor may read, per
// delegation: every delegation gets a column, by code, even with nothing in it.
func (s *Service) ActionBoard(ctx context.Context, actor *User, f ActionFilter) (*Board, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	// Counting needs no order; only the actions that need attention are
	// sorted, so that the board costs one pass, not a sort of everything.
	actions, err := s.filterActions(actor, f)
	if err != nil {
		return nil, err
	}
	today, soon := s.Today()
	b := &Board{Today: today, Columns: []BoardColumn{}}
	index := map[string]int{}
	s.read(func(st *state) {
		for _, d := range sortedValues(st.delegations, func(d *Delegation) string { return d.Code }) {
			index[d.Code] = len(b.Columns)
			b.Columns = append(b.Columns, BoardColumn{Delegation: d.Code, Name: d.Name, Attention: []*Action{}})
		}
	})
	for _, a := range actions {
		class := a.Class(today, soon)
		b.Totals.add(class)
		if i, ok := index[a.Owner]; ok {
			col := &b.Columns[i]
			col.Counts.add(class)
			if class == DueOverdue || class == DueSoon {
				col.Attention = keepFirst(col.Attention, a, BoardAttention)
			}
		}
	}
	return b, nil
}

// keepFirst inserts a into list, kept in compareActions order and cut to at
// most n: the n most urgent of thousands without sorting them all.
func keepFirst(list []*Action, a *Action, n int) []*Action {
	if len(list) == n && compareActions(a, list[n-1]) >= 0 {
		return list
	}
	i, _ := slices.BinarySearchFunc(list, a, compareActions)
	list = slices.Insert(list, i, a)
	if len(list) > n {
		list = list[:n]
	}
	return list
}

// DelegationActions is one delegation's follow-up: its counts and actions.
type DelegationActions struct {
	Delegation string    `json:"delegation"`
	Name       string    `json:"name"`
	Today      string    `json:"today"`
	Counts     DueCounts `json:"counts"`
	Actions    []*Action `json:"actions"`
}

// MyActions returns the actions of the actor's own delegation.
func (s *Service) MyActions(ctx context.Context, actor *User) (*DelegationActions, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if actor.Delegation == "" {
		return nil, Errorf(ENOTFOUND, "You belong to no delegation; the secretariat sees every delegation on the board.")
	}
	d, err := s.Delegation(ctx, actor, actor.Delegation)
	if err != nil {
		return nil, err
	}
	actions, err := s.Actions(ctx, actor, ActionFilter{Owner: d.Code})
	if err != nil {
		return nil, err
	}
	today, soon := s.Today()
	out := &DelegationActions{Delegation: d.Code, Name: d.Name, Today: today, Actions: actions}
	for _, a := range actions {
		out.Counts.add(a.Class(today, soon))
	}
	return out, nil
}

// Progress is every action changed since a date, with the reports filed
// since then: what a delegation tells the next meeting.
type Progress struct {
	Since string `json:"since"` // YYYY-MM-DD
	// LastMeeting is the meeting Since was taken from, when it was not given.
	LastMeeting *Meeting         `json:"last_meeting,omitempty"`
	Actions     []ActionProgress `json:"actions"`
}

// ActionProgress is an action and the reports it gained since the date.
type ActionProgress struct {
	Action  *Action          `json:"action"`
	Reports []ProgressReport `json:"reports"`
}

// ProgressSince returns the actions actor may read that changed on or after
// since (YYYY-MM-DD), with their reports since then, optionally of one
// owner. With since empty, it is the day after the last meeting that has
// ended.
func (s *Service) ProgressSince(ctx context.Context, actor *User, since, owner string) (*Progress, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	p := &Progress{Since: since, Actions: []ActionProgress{}}
	if since == "" {
		today, _ := s.Today()
		s.read(func(st *state) {
			for _, m := range st.meetings {
				if m.EndDate < today && (p.LastMeeting == nil || m.EndDate > p.LastMeeting.EndDate) {
					p.LastMeeting = m
				}
			}
		})
		if p.LastMeeting == nil {
			return nil, Invalid("since", "no meeting has ended yet: give since (YYYY-MM-DD)")
		}
		end, _ := time.Parse(DateLayout, p.LastMeeting.EndDate)
		p.Since = end.AddDate(0, 0, 1).Format(DateLayout)
	}
	if err := ValidateDate("since", p.Since); err != nil {
		return nil, err
	}
	from, _ := time.Parse(DateLayout, p.Since)
	actions, err := s.Actions(ctx, actor, ActionFilter{Owner: owner, ChangedSince: from})
	if err != nil {
		return nil, err
	}
	for _, a := range actions {
		ap := ActionProgress{Action: a, Reports: []ProgressReport{}}
		for _, r := range a.Reports {
			if !r.At.Before(from) {
				ap.Reports = append(ap.Reports, r)
			}
		}
		p.Actions = append(p.Actions, ap)
	}
	return p, nil
}

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

// ---- the calendar feed ----

// CalendarFeedMarking is the most restricted marking a calendar feed shows.
// A feed URL is read by calendar software, often synchronised through a
// third party's servers, and by whoever it is shared with; it shows what any
// member of the delegation may read and never what only heads may.
const CalendarFeedMarking = MarkingDelegations

// IssueCalendarFeed gives delegation code a new calendar feed secret and
// returns it, once; only its hash is kept. Any earlier secret stops working.
func (s *Service) IssueCalendarFeed(ctx context.Context, actor *User, code string) (string, error) {
	if err := requireActor(actor); err != nil {
		return "", err
	}
	secret := NewSecret()
	if err := s.setFeedKey(ctx, actor, code, HashSecret(secret)); err != nil {
		return "", err
	}
	return secret, nil
}

// RevokeCalendarFeed ends delegation code's calendar feed.
func (s *Service) RevokeCalendarFeed(ctx context.Context, actor *User, code string) error {
	if err := requireActor(actor); err != nil {
		return err
	}
	return s.setFeedKey(ctx, actor, code, "")
}

func (s *Service) setFeedKey(ctx context.Context, actor *User, code, key string) error {
	if !actor.MayManageFeed(code) {
		return Errorf(EFORBIDDEN, "Only the secretariat and delegation %s's heads and follow-up team manage its calendar feed.", code)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.Delegation(ctx, actor, code)
	if err != nil {
		return err
	}
	if old.FeedKey == key {
		return nil
	}
	d := *old
	d.FeedKey, d.FeedIssuedBy = key, ""
	if key != "" {
		d.FeedIssuedBy = actor.ID
	}
	return s.replace(ctx, Delegations, d.Code, &d)
}

// feedIssuerMay reports whether the issuer of d's feed may still manage it.
// Disabling the account, or taking the role or delegation that allowed it,
// clears the feed (revokeFeeds); this check holds all the same, should that
// write have failed half-way. A feed issued before issuers were recorded
// has none and keeps working until it is issued again or revoked.
func (st *state) feedIssuerMay(d *Delegation) bool {
	if d.FeedIssuedBy == "" {
		return true
	}
	u := st.users[d.FeedIssuedBy]
	return u != nil && u.MayManageFeed(d.Code)
}

// revokeFeeds clears the calendar feeds that u issued and may no longer
// manage, u being the account as it is about to be stored. It expects
// writeMu held.
func (s *Service) revokeFeeds(ctx context.Context, u *User) error {
	var revoke []*Delegation
	s.read(func(st *state) {
		for _, d := range st.delegations {
			if d.FeedKey != "" && d.FeedIssuedBy == u.ID && !u.MayManageFeed(d.Code) {
				revoke = append(revoke, d)
			}
		}
	})
	for _, old := range revoke {
		d := *old
		d.FeedKey, d.FeedIssuedBy = "", ""
		if err := s.replace(ctx, Delegations, d.Code, &d); err != nil {
			return err
		}
	}
	return nil
}

// CalendarFeed returns the delegation whose feed secret this is and its
// actions that the feed may show, by due date. An unknown or revoked secret
// is ENOTFOUND, the same answer for both.
func (s *Service) CalendarFeed(ctx context.Context, secret string) (*Delegation, []*Action, error) {
	if secret == "" {
		return nil, nil, Errorf(ENOTFOUND, "No such calendar feed.")
	}
	key := HashSecret(secret)
	var d *Delegation
	var out []*Action
	s.read(func(st *state) {
		for _, x := range st.delegations {
			if x.FeedKey != "" && x.FeedKey == key && st.feedIssuerMay(x) {
				d = x
			}
		}
		if d == nil {
			return
		}
		for _, a := range st.actions {
			if a.Owner == d.Code && a.Marking.Level() <= CalendarFeedMarking.Level() {
				out = append(out, a)
			}
		}
	})
	if d == nil {
		return nil, nil, Errorf(ENOTFOUND, "No such calendar feed.")
	}
	slices.SortFunc(out, func(a, b *Action) int { return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID)) })
	return d, out, nil
}
