package conference

import (
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
	actions, err := s.Actions(ctx, actor, ActionFilter{Owners: []string{d.Code}})
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
		now := s.Now()
		s.read(func(st *state) {
			for _, m := range st.meetings {
				if m.EndDate < today && (p.LastMeeting == nil || m.EndDate > p.LastMeeting.EndDate) {
					p.LastMeeting = st.meetingView(m, now)
				}
			}
		})
		if p.LastMeeting == nil {
			return nil, Invalid("since", "No meeting has ended yet: give the since parameter as YYYY-MM-DD.")
		}
		end, _ := time.Parse(DateLayout, p.LastMeeting.EndDate)
		p.Since = end.AddDate(0, 0, 1).Format(DateLayout)
	}
	if err := ValidateDate("since", p.Since); err != nil {
		return nil, err
	}
	from, _ := time.Parse(DateLayout, p.Since)
	f := ActionFilter{ChangedSince: from}
	if owner != "" {
		f.Owners = []string{owner}
	}
	actions, err := s.Actions(ctx, actor, f)
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
