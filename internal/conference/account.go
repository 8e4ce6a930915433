package conference

import (
	"context"
	"crypto/subtle"
	"time"
)

// ---- A user's own password, and one-time set-password links ----

// ResetLinkLifetime is how long a set-password link works after it is issued.
const ResetLinkLifetime = 24 * time.Hour

// ResetLink is a one-time set-password link as the secretariat receives it:
// the secret is in it once, and only its hash is kept on the account.
type ResetLink struct {
	UserID    string    `json:"user_id"`
	Email     string    `json:"email"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// errResetLink is the one answer to a link that does not work, whatever the
// reason (never issued, used, replaced by a newer one, expired), so that the
// answer tells a guesser nothing.
func errResetLink() error {
	return Errorf(EFORBIDDEN, "This set-password link does not work: a link works once, for 24 hours, and a newer link replaces it. Ask the secretariat for a new one.")
}

// ChangeOwnPassword sets the actor's password after checking their current
// one. Every other login and API token of the account ends; keep, the
// secret of the credential the request came with, stays.
func (s *Service) ChangeOwnPassword(ctx context.Context, actor *User, keep, current, password string) error {
	if err := requireActor(actor); err != nil {
		return err
	}
	var v fieldChecks
	if current == "" {
		v.check(Invalid("current_password", "Give your current password."))
	}
	if err := validatePassword(password); err != nil {
		v.check(err.(*Error))
	}
	if err := v.err(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var old *User
	s.read(func(st *state) { old = st.users[actor.ID] })
	if old == nil || old.Disabled {
		return errLoginExpired()
	}
	// A wrong current password is a field at fault, not a failed sign-in:
	// the caller stays signed in.
	if !s.hasher.Verify(old.PasswordHash, current) {
		return Invalid("current_password", "The current password is wrong; type it again.")
	}
	return s.setPassword(ctx, old, password, HashSecret(keep))
}

// setPassword stores a new password for old and ends every login and API
// token of the account except the one whose id is keep ("" keeps none). Any
// pending set-password link ends too. It expects writeMu held.
func (s *Service) setPassword(ctx context.Context, old *User, password, keep string) error {
	u := *old
	var err error
	if u.PasswordHash, err = s.hasher.Hash(password); err != nil {
		return err
	}
	u.ResetKey, u.ResetExpiresAt = "", time.Time{}
	u.Version++
	u.UpdatedAt = s.Now()
	// As UpdateUser: revoke first, under the logins' lock, so that no login
	// opened with the old password survives the change.
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	var ends []struct {
		c  Collection
		id string
	}
	s.read(func(st *state) {
		for id, l := range st.logins {
			if l.UserID == u.ID && id != keep {
				ends = append(ends, struct {
					c  Collection
					id string
				}{Logins, id})
			}
		}
		for id, t := range st.tokens {
			if t.UserID == u.ID && id != keep {
				ends = append(ends, struct {
					c  Collection
					id string
				}{Tokens, id})
			}
		}
	})
	for _, e := range ends {
		if err := s.delete(ctx, e.c, e.id); err != nil {
			return err
		}
	}
	return s.replace(ctx, Users, u.ID, &u)
}

// IssueResetLink gives an account a new one-time set-password link, valid
// for ResetLinkLifetime, replacing any earlier one. The account's password
// and logins stay as they are until the link is used.
func (s *Service) IssueResetLink(ctx context.Context, actor *User, id string) (*ResetLink, error) {
	if err := s.requireUserManager(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.User(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if old.Disabled {
		return nil, Errorf(ECONFLICT, "The account %s is disabled; enable it first.", old.Email)
	}
	link, u := s.newResetLink(old)
	if err := s.replace(ctx, Users, u.ID, u); err != nil {
		return nil, err
	}
	return link, nil
}

// newResetLink returns a copy of old holding the hash of a new link, and the
// link.
func (s *Service) newResetLink(old *User) (*ResetLink, *User) {
	u := *old
	link := s.giveResetLink(&u)
	u.Version++
	u.UpdatedAt = s.Now()
	return link, &u
}

// giveResetLink puts the hash of a new link on u, which is not yet stored,
// and returns the link.
func (s *Service) giveResetLink(u *User) *ResetLink {
	// "qr_" makes a leaked link recognisable, as "qt_" does a token.
	secret := "qr_" + NewSecret()
	u.ResetKey, u.ResetExpiresAt = HashSecret(secret), s.Now().Add(ResetLinkLifetime)
	return &ResetLink{UserID: u.ID, Email: u.Email, Token: secret, ExpiresAt: u.ResetExpiresAt}
}

// SetPasswordWithLink sets the password of the account whose link token is,
// once: the link ends, and so does every login and API token of the account.
// It answers the account's e-mail address, to sign in with.
func (s *Service) SetPasswordWithLink(ctx context.Context, token, password string) (string, error) {
	if err := validatePassword(password); err != nil {
		return "", err
	}
	if token == "" {
		return "", errResetLink()
	}
	key := HashSecret(token)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var u *User
	s.read(func(st *state) {
		for _, x := range st.users {
			if x.ResetKey != "" && subtle.ConstantTimeCompare([]byte(x.ResetKey), []byte(key)) == 1 {
				u = x
			}
		}
	})
	if u == nil || u.Disabled || !s.Now().Before(u.ResetExpiresAt) {
		return "", errResetLink()
	}
	if err := s.setPassword(ctx, u, password, ""); err != nil {
		return "", err
	}
	return u.Email, nil
}
