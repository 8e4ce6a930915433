package conference

import (
	"context"
	"crypto/subtle"
)

// ---- the agenda subscription ----
//
// Every signed-in user may subscribe a calendar application to the agenda:
// a secret URL, read without a login, that lists the sessions of every
// meeting as that user reads the agenda. One subscription per account, for
// all meetings rather than one per meeting: a delegate subscribes once and
// next year's meeting appears in their calendar when the secretariat sets
// it up, and a calendar application keeps one subscription, not one a year.
//
// The feed is read as its user, through the same MeetingAgendaSheet as the
// signed-in agenda, with the account as it is at each read: a change of
// role or delegation is followed at the next read, and a disabled account's
// feed stops (and its secret is cleared, so that enabling the account again
// does not revive it). Only a hash of the secret is stored, on the account.

// agendaFeedPrefix makes a leaked subscription URL recognisable, as "qt_"
// does a token and "qr_" a set-password link.
const agendaFeedPrefix = "qa_"

// IssueAgendaFeed gives actor's account a new agenda subscription secret
// and returns it, once; any earlier one stops working.
func (s *Service) IssueAgendaFeed(ctx context.Context, actor *User) (string, error) {
	secret := agendaFeedPrefix + NewSecret()
	if err := s.setAgendaFeedKey(ctx, actor, HashSecret(secret)); err != nil {
		return "", err
	}
	return secret, nil
}

// RevokeAgendaFeed ends actor's agenda subscription.
func (s *Service) RevokeAgendaFeed(ctx context.Context, actor *User) error {
	return s.setAgendaFeedKey(ctx, actor, "")
}

func (s *Service) setAgendaFeedKey(ctx context.Context, actor *User, key string) error {
	if err := requireActor(actor); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var old *User
	s.read(func(st *state) { old = st.users[actor.ID] })
	if old == nil || old.Disabled {
		// The system actor has no account to hang a subscription on.
		return Errorf(EFORBIDDEN, "Only a signed-in account subscribes to the agenda.")
	}
	if old.AgendaFeedKey == key {
		return nil
	}
	u := *old
	now := s.Now()
	u.AgendaFeedKey, u.AgendaFeedSince = key, nil
	if key != "" {
		u.AgendaFeedSince = &now
	}
	u.Version++
	u.UpdatedAt = now
	return s.replace(ctx, Users, u.ID, &u)
}

// AgendaFeed returns the agenda sheets of every meeting, most recent first,
// as the account whose subscription secret this is reads them. An unknown,
// revoked or disabled account's secret is ENOTFOUND, the same answer for
// all three.
func (s *Service) AgendaFeed(ctx context.Context, secret string) (*User, []*AgendaSheet, error) {
	notFound := Errorf(ENOTFOUND, "No such agenda subscription.")
	if secret == "" {
		return nil, nil, notFound
	}
	key := HashSecret(secret)
	var u *User
	s.read(func(st *state) {
		for _, x := range st.users {
			if x.AgendaFeedKey != "" && subtle.ConstantTimeCompare([]byte(x.AgendaFeedKey), []byte(key)) == 1 {
				u = x
			}
		}
	})
	if u == nil || u.Disabled {
		return nil, nil, notFound
	}
	meetings, err := s.Meetings(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	sheets := make([]*AgendaSheet, 0, len(meetings))
	for _, m := range meetings {
		a, err := s.MeetingAgendaSheet(ctx, u, m.ID)
		if err != nil {
			return nil, nil, err
		}
		sheets = append(sheets, a)
	}
	return u, sheets, nil
}
