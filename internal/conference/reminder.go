package conference

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reminders are digests (digest.go) sent by e-mail. Who gets one:
//
//   - every follow-up member, with their delegation's digest: weekly, and on
//     each day one of its actions becomes due (due today) or overdue (was
//     due yesterday);
//   - the secretariat, with every delegation's digest: weekly.
//
// A digest with nothing in it is not sent; a user who turned reminders off
// (User.RemindersOff) gets none; the app shows the digest either way.
//
// Each message is sent once. Before sending, the Service claims its key in
// the store (the user and the period: "week:2026-W49", "day:2026-12-02");
// the key is unique, so of two passes (two instances, or a pass after a
// restart) only one sends it. A send that fails gives the claim back for the
// next pass. A process that dies after the claim and before the SMTP server
// answered leaves the claim: that digest is not sent again. We chose at most
// once over at least once: a reminder is not the record (the app shows the
// same digest), and five governments' officials should not get the same
// message twice. The message's id is made from the key, so that even a copy
// sent twice (a server that accepted it but whose answer was lost) can be
// recognised as one.

// Digests is where the sent digests are recorded. It is not loaded at start:
// only the reminder pass reads it, by key.
const Digests Collection = "digests"

// DigestRecord is one digest sent, or being sent, to one user for one period.
type DigestRecord struct {
	ID        string    `bson:"_id"` // period and user: "week:2026-W49:<user id>"
	User      string    `bson:"user"`
	Period    string    `bson:"period"`
	Sent      bool      `bson:"sent"` // false while claimed and not yet accepted by SMTP
	Actions   int       `bson:"actions"`
	ClaimedAt time.Time `bson:"claimed_at"`
	SentAt    time.Time `bson:"sent_at"`
}

// DigestStore records the digests sent, in the system of record, so that a
// digest is sent once across restarts and instances.
type DigestStore interface {
	// ClaimDigest inserts r; claimed is false when its id is taken.
	ClaimDigest(ctx context.Context, r *DigestRecord) (claimed bool, err error)
	// SaveDigest replaces the record with r's id.
	SaveDigest(ctx context.Context, r *DigestRecord) error
	// DropDigest removes the record with this id; an absent one is no error.
	DropDigest(ctx context.Context, id string) error
}

// Mail is one plain-text message to send.
type Mail struct {
	// Key identifies the message for good: the sender derives its
	// Message-ID from it.
	Key     string
	To      []string
	Subject string
	Text    string
}

// Mailer sends mail; internal/mail sends it through SMTP.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// ReminderPass is what one pass of SendReminders did.
type ReminderPass struct {
	Sent    int // messages accepted by the mail server
	Skipped int // messages already sent by an earlier pass, or claimed by another
}

// SendReminders sends the reminders due now that no earlier pass sent.
// baseURL is where the app is reached, for the links. It goes on after a
// failed message and returns the failures joined.
func (s *Service) SendReminders(ctx context.Context, mailer Mailer, store DigestStore, baseURL string) (ReminderPass, error) {
	var pass ReminderPass
	var errs []error
	now := s.Now().UTC()
	year, week := now.ISOWeek()
	weekly := fmt.Sprintf("week:%04d-W%02d", year, week)
	daily := "day:" + now.Format(DateLayout)
	var users []*User
	s.read(func(st *state) { users = st.sortedUsers() })
	for _, u := range users {
		if u.Disabled || u.RemindersOff || !(u.IsAdmin() || u.Has(RoleFollowup)) {
			continue
		}
		d, err := s.Digest(ctx, u)
		if err != nil {
			errs = append(errs, fmt.Errorf("digest of %s: %w", u.ID, err))
			continue
		}
		if len(d.Actions) == 0 {
			continue
		}
		periods := []string{weekly}
		// The day's reminder is the follow-up team's: the secretariat reads
		// the week's.
		if d.Counts.Turned > 0 && !u.IsAdmin() {
			periods = append(periods, daily)
		}
		sent, skipped, err := s.sendDigest(ctx, mailer, store, u, d, periods, baseURL)
		pass.Sent += sent
		pass.Skipped += skipped
		if err != nil {
			errs = append(errs, err)
		}
	}
	return pass, errors.Join(errs...)
}

// sendDigest claims the periods of u's digest d that no pass claimed yet
// and, if it got any, sends d once for all of them: on a Monday that is also
// the day an action falls due, one message is enough.
func (s *Service) sendDigest(ctx context.Context, mailer Mailer, store DigestStore, u *User, d *Digest, periods []string, baseURL string) (sent, skipped int, err error) {
	var claimed []*DigestRecord
	for _, p := range periods {
		r := &DigestRecord{ID: p + ":" + u.ID, User: u.ID, Period: p, Actions: len(d.Actions), ClaimedAt: s.Now()}
		var ok bool
		err := s.write(ctx, func(ctx context.Context) (err error) { ok, err = store.ClaimDigest(ctx, r); return err })
		if err != nil {
			return 0, 0, s.giveBack(ctx, store, claimed, fmt.Errorf("claim digest %s: %w", r.ID, err))
		}
		if ok {
			claimed = append(claimed, r)
		}
	}
	if len(claimed) == 0 {
		return 0, 1, nil
	}
	m := digestMail(u, d, baseURL)
	m.Key = claimed[0].ID
	if err := mailer.Send(ctx, m); err != nil {
		return 0, 0, s.giveBack(ctx, store, claimed, fmt.Errorf("send digest %s: %w", m.Key, err))
	}
	var errs []error
	for _, r := range claimed {
		r.Sent, r.SentAt = true, s.Now()
		errs = append(errs, s.write(ctx, func(ctx context.Context) error { return store.SaveDigest(ctx, r) }))
	}
	return 1, 0, errors.Join(errs...)
}

// giveBack drops the claims of a digest that was not sent, so that the next
// pass tries again.
func (s *Service) giveBack(ctx context.Context, store DigestStore, claimed []*DigestRecord, cause error) error {
	errs := []error{cause}
	for _, r := range claimed {
		errs = append(errs, s.write(ctx, func(ctx context.Context) error { return store.DropDigest(ctx, r.ID) }))
	}
	return errors.Join(errs...)
}

// attentionWords are the reasons as the message says them.
var attentionWords = map[Attention]string{
	AttentionOverdue:    "overdue",
	AttentionDueSoon:    "due soon",
	AttentionBlocked:    "blocked",
	AttentionQuiet:      fmt.Sprintf("no progress report for %d days", QuietDays),
	AttentionHandedOver: "handed over",
}

// digestMail is the e-mail of digest d for u: a plain-text list with a link
// to each action and to the digest in the app.
func digestMail(u *User, d *Digest, baseURL string) Mail {
	var b strings.Builder
	scope := strings.Join(d.Delegations, ", ")
	fmt.Fprintf(&b, "Hello %s,\n\n", u.Name)
	fmt.Fprintf(&b, "%d %s of %s %s your attention on %s", len(d.Actions), plural(len(d.Actions), "action", "actions"),
		scope, plural(len(d.Actions), "needs", "need"), d.Today)
	if d.Counts.Turned > 0 {
		fmt.Fprintf(&b, " (%d became due or overdue today)", d.Counts.Turned)
	}
	b.WriteString(".\n")
	for _, it := range d.Actions {
		a := it.Action
		words := make([]string, 0, len(it.Attention)+1)
		switch it.Turned {
		case TurnDue:
			words = append(words, "due today")
		case TurnOverdue:
			words = append(words, "overdue from today")
		}
		for _, r := range it.Attention {
			switch {
			case r == AttentionDueSoon && it.Turned == TurnDue, r == AttentionOverdue && it.Turned == TurnOverdue:
			case r == AttentionHandedOver && it.Handover != nil:
				words = append(words, fmt.Sprintf("handed over from %s by %s on %s",
					it.Handover.From, it.Handover.ByName, it.Handover.At.UTC().Format(DateLayout)))
			default:
				words = append(words, attentionWords[r])
			}
		}
		fmt.Fprintf(&b, "\n- [%s] %s\n  due %s, %s, %d%% done: %s\n  %s/#/actions/%s\n",
			a.Owner, a.Title, a.Due, a.Status, a.Progress, strings.Join(words, ", "), baseURL, a.ID)
	}
	fmt.Fprintf(&b, "\nWhat needs you, in the app: %s/#/attention\n", baseURL)
	b.WriteString("To stop these e-mails, turn reminders off on that page.\n")
	subject := fmt.Sprintf("Quintet: %d %s of %s %s you (%s)", len(d.Actions), plural(len(d.Actions), "action", "actions"),
		scope, plural(len(d.Actions), "needs", "need"), d.Today)
	return Mail{To: []string{u.Email}, Subject: subject, Text: b.String()}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
