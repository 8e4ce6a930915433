package conference

import (
	"context"
	"slices"
	"time"
)

// The digest is "what needs you": the pending actions a reader should look
// at, as that reader may read them. A follow-up team's digest holds its own
// delegation's actions; the secretariat's holds all five delegations'. The
// same digest is shown in the app and, when SMTP is configured, sent by
// e-mail (reminder.go). It is computed on each read, never stored.
//
// An action needs attention when it is pending (open, in progress or
// blocked) and at least one of these holds on the day (UTC, as Today):
//
//   - overdue: its due date has passed;
//   - due soon: it is due within DueSoonDays, the board's "due soon";
//   - blocked: someone said it cannot go on;
//   - quiet: no progress report the reader can see for QuietDays (counted
//     from its creation when it has none), so that work nobody reports on
//     is chased before it is late;
//   - handed over: another delegation handed it to its owner within
//     HandoverDays, so that the new owner hears of work it did not ask for.

// Attention is one reason an action is in a digest.
type Attention string

const (
	AttentionOverdue Attention = "overdue"
	AttentionDueSoon Attention = "due_soon"
	AttentionBlocked Attention = "blocked"
	AttentionQuiet   Attention = "quiet"
	// AttentionHandedOver: handed to its owner delegation within HandoverDays.
	AttentionHandedOver Attention = "handed_over"
)

// HandoverDays is how long a handover stays in the new owner's digest: two
// weekly e-mails, so that no handover falls between them.
const HandoverDays = 14

// QuietDays is how long an action may go without a progress report before
// the digest asks for one.
const QuietDays = 60

// Turn is what happened to an action's due date on the digest's day, which
// is what makes that day's reminder go out.
type Turn string

const (
	TurnDue     Turn = "due"     // due today
	TurnOverdue Turn = "overdue" // was due yesterday: overdue from today
)

// DigestItem is one action of a digest and why it is there.
type DigestItem struct {
	Action    *Action     `json:"action"`
	Attention []Attention `json:"attention"`
	// Turned is set when the action became due or overdue today.
	Turned Turn `json:"turned,omitempty"`
	// Handover says who handed the action to its owner, when it is
	// handed_over.
	Handover *Handover `json:"handover,omitempty"`
}

// Handover is one handing of an action from a delegation to another, as its
// history records it.
type Handover struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	ByName string    `json:"by_name"`
	At     time.Time `json:"at"`
}

// DigestCounts counts a digest's actions by reason; an action with two
// reasons counts under both.
type DigestCounts struct {
	Overdue int `json:"overdue"`
	DueSoon int `json:"due_soon"`
	Blocked int `json:"blocked"`
	Quiet   int `json:"quiet"`
	// HandedOver counts the actions handed to their owner lately.
	HandedOver int `json:"handed_over"`
	// Turned counts the actions that became due or overdue today.
	Turned int `json:"turned"`
}

// Digest is what needs one reader's attention on day Today.
type Digest struct {
	Today string `json:"today"`
	// Delegations are the owners whose actions it covers, by code.
	Delegations []string     `json:"delegations"`
	Counts      DigestCounts `json:"counts"`
	// Actions are the actions that need attention, most urgent first (by
	// due date, as the action list).
	Actions []DigestItem `json:"actions"`
}

// Digest returns what needs actor's attention today. The secretariat's
// covers every delegation; anyone else's, their own delegation's. Each
// action is read through the action list, so the reader's clearance (and a
// session insider's wider reading) applies exactly as it does there.
func (s *Service) Digest(ctx context.Context, actor *User) (*Digest, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	owners, err := s.digestOwners(actor)
	if err != nil {
		return nil, err
	}
	actions, err := s.Actions(ctx, actor, ActionFilter{
		Owners: owners,
		Status: []ActionStatus{ActionOpen, ActionInProgress, ActionBlocked},
	})
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	today, soon := s.Today()
	d := &Digest{Today: today, Delegations: owners, Actions: []DigestItem{}}
	quietSince := now.AddDate(0, 0, -QuietDays)
	handedSince := now.AddDate(0, 0, -HandoverDays)
	yesterday := now.AddDate(0, 0, -1).Format(DateLayout)
	for _, a := range actions {
		it := DigestItem{Action: a, Attention: attentionOf(a, today, soon, quietSince)}
		if h := a.LastHandover(); h != nil && h.To == a.Owner && h.At.After(handedSince) {
			it.Attention = append(it.Attention, AttentionHandedOver)
			it.Handover = h
		}
		if len(it.Attention) == 0 {
			continue
		}
		switch a.Due {
		case today:
			it.Turned = TurnDue
		case yesterday:
			it.Turned = TurnOverdue
		}
		d.Counts.add(it)
		d.Actions = append(d.Actions, it)
	}
	return d, nil
}

// digestOwners is whose actions actor's digest covers.
func (s *Service) digestOwners(actor *User) ([]string, error) {
	if actor.IsAdmin() {
		var all []string
		s.read(func(st *state) {
			for _, d := range sortedValues(st.delegations, func(d *Delegation) string { return d.Code }) {
				all = append(all, d.Code)
			}
		})
		return nonNil(all), nil
	}
	if actor.Delegation == "" {
		return nil, Errorf(ENOTFOUND, "You belong to no delegation, so no actions wait for you.")
	}
	return []string{actor.Delegation}, nil
}

// attentionOf says why pending action a needs attention, if it does.
func attentionOf(a *Action, today, soon string, quietSince time.Time) []Attention {
	var out []Attention
	switch class := a.Class(today, soon); class {
	case DueOverdue:
		out = append(out, AttentionOverdue)
	case DueSoon:
		out = append(out, AttentionDueSoon)
	}
	if a.Status == ActionBlocked {
		out = append(out, AttentionBlocked)
	}
	last := a.CreatedAt
	if n := len(a.Reports); n > 0 {
		last = a.Reports[n-1].At
	}
	if last.Before(quietSince) {
		out = append(out, AttentionQuiet)
	}
	return out
}

func (c *DigestCounts) add(it DigestItem) {
	for _, r := range it.Attention {
		switch r {
		case AttentionOverdue:
			c.Overdue++
		case AttentionDueSoon:
			c.DueSoon++
		case AttentionBlocked:
			c.Blocked++
		case AttentionQuiet:
			c.Quiet++
		case AttentionHandedOver:
			c.HandedOver++
		}
	}
	if it.Turned != "" {
		c.Turned++
	}
}

// ReminderUpdate turns a user's e-mail reminders on or off. Version is the
// account's version the user saw.
type ReminderUpdate struct {
	Reminders *bool  `json:"reminders"`
	Version   *int64 `json:"version"`
}

// SetReminders turns actor's own e-mail reminders on or off; the digest
// stays in the app either way. It is an edit of the account like any other:
// versioned, and a stale version is refused.
func (s *Service) SetReminders(ctx context.Context, actor *User, upd ReminderUpdate) (*User, error) {
	if upd.Reminders == nil {
		return nil, Invalid("reminders", "Say whether you want reminders: reminders is true or false.")
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	// The account as stored now, not as the caller's login read it.
	var old *User
	if actor != nil {
		s.read(func(st *state) { old = st.users[actor.ID] })
	}
	if err := requireActor(old); err != nil {
		return nil, err
	}
	if err := checkVersion("account", upd.Version, old.Version, old); err != nil {
		return nil, err
	}
	u := *old
	u.Roles = slices.Clone(old.Roles)
	u.RemindersOff = !*upd.Reminders
	if u.RemindersOff == old.RemindersOff {
		return old, nil
	}
	u.UpdatedAt = s.Now()
	u.Version++
	if err := s.replace(ctx, Users, u.ID, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
