package httpapi

import (
	"context"

	"github.com/quintet-ag/quintet/internal/conference"
)

// reminderAPI serves "what needs you" (the reader's digest) and the
// reader's own reminder setting.
type reminderAPI struct {
	replies
	svc interface {
		Digest(ctx context.Context, actor *conference.User) (*conference.Digest, error)
		SetReminders(ctx context.Context, actor *conference.User, upd conference.ReminderUpdate) (*conference.User, error)
	}
}

func (h *reminderAPI) routes() []route {
	// The setting is the account's: its version is the account's, the
	// answer the account (the one GET /me reads).
	set := func(ctx context.Context, u *conference.User, _ string, upd conference.ReminderUpdate) (*conference.User, error) {
		return h.svc.SetReminders(ctx, u, upd)
	}
	return []route{
		{method: "GET", path: v1 + "/me/digest", summary: "What needs you: the actions of your delegation (all delegations for the secretariat) that are overdue, due soon, blocked, without a report for long, or handed over to it in the last two weeks", access: signedIn, reply: conference.Digest{}, status: 200, handle: actorCall(h, 200, h.svc.Digest)},
		{method: "PATCH", path: v1 + "/me/reminders", summary: "Turn your e-mail reminders on or off", access: signedIn, body: conference.ReminderUpdate{}, reply: conference.User{}, status: 200, handle: versionedCall(h, 200, "", func(in *conference.ReminderUpdate) **int64 { return &in.Version }, set)},
	}
}
