package conference

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// Login is a signed-in browser: a server-side session. Only the hash of its
// token is kept, so a copy of the database signs nobody in.
type Login struct {
	ID        string    `json:"-" bson:"_id"` // hex SHA-256 of the token
	UserID    string    `json:"user_id" bson:"user_id"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	LastSeen  time.Time `json:"last_seen" bson:"last_seen"`
	ExpiresAt time.Time `json:"expires_at" bson:"expires_at"` // absolute expiry
}

// Token is a personal API token for scripts. Only its hash is kept.
type Token struct {
	ID        string    `json:"-" bson:"_id"` // hex SHA-256 of the secret
	UserID    string    `json:"user_id" bson:"user_id"`
	Name      string    `json:"name" bson:"name"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// How long a login lasts: it ends after IdleTimeout without a request, and
// after MaxLoginAge whatever happens.
const (
	IdleTimeout = 8 * time.Hour
	MaxLoginAge = 7 * 24 * time.Hour
	// lastSeenGranularity bounds how often a busy login is written back.
	lastSeenGranularity = time.Minute
)

// Password limits.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// PasswordHasher hashes and checks passwords. The argon2id implementation
// lives outside the domain so that the domain imports only the standard library.
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(hash, password string) bool
}

func validatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return Invalid("password", "The password must be at least %d characters long.", MinPasswordLength)
	}
	if utf8.RuneCountInString(pw) > MaxPasswordLength {
		return Invalid("password", "The password must be at most %d characters long.", MaxPasswordLength)
	}
	return nil
}

// NewSecret returns 256 random bits, URL-safe. It is the token a client holds.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is the one way a secret becomes a stored id.
func HashSecret(secret string) string {
	k := keyOf(secret)
	return string(k[:])
}

// secretKey is HashSecret's answer in a fixed array: every signed-in request
// looks its credential up, and m[string(k[:])] does so without allocating.
type secretKey [2 * sha256.Size]byte

func keyOf(secret string) (k secretKey) {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	hex.Encode(k[:], sum[:])
	return k
}

// revokeLogins ends every login of a user, and their API tokens too when the
// account is disabled. It expects loginMu held.
func (s *Service) revokeLogins(ctx context.Context, userID string, tokensToo bool) error {
	var logins, tokens []string
	s.read(func(st *state) {
		for id, l := range st.logins {
			if l.UserID == userID {
				logins = append(logins, id)
			}
		}
		for id, t := range st.tokens {
			if t.UserID == userID {
				tokens = append(tokens, id)
			}
		}
	})
	for _, id := range logins {
		if err := s.delete(ctx, Logins, id); err != nil {
			return err
		}
	}
	if tokensToo {
		for _, id := range tokens {
			if err := s.delete(ctx, Tokens, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// Authenticate checks an email and password. Whatever is wrong, the answer is
// the same, so that it does not tell which accounts exist.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	var u *User
	s.read(func(st *state) { u = st.usersByEmail[NormalizeEmail(email)] })
	if u == nil {
		// Spend the same time as a real check, so that timing does not tell either.
		s.hasher.Verify(s.dummyHash(), password)
		return nil, Errorf(EUNAUTHORIZED, "Wrong email or password.")
	}
	if u.PasswordHash == "" {
		// An imported account whose link is not used yet: no password
		// matches, and answering as fast as a parse failure would tell
		// that the account exists.
		s.hasher.Verify(s.dummyHash(), password)
		return nil, Errorf(EUNAUTHORIZED, "Wrong email or password.")
	}
	if !s.hasher.Verify(u.PasswordHash, password) || u.Disabled {
		return nil, Errorf(EUNAUTHORIZED, "Wrong email or password.")
	}
	return u, nil
}

// dummyHash is a hash of a random password, computed once, used to keep the
// failure path as slow as the success path.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = s.hasher.Hash(NewSecret()) })
	return s.dummy
}

// SignIn authenticates and opens a login; it returns the secret token the
// browser keeps in its cookie.
func (s *Service) SignIn(ctx context.Context, email, password string) (string, *User, error) {
	u, err := s.Authenticate(ctx, email, password)
	if err != nil {
		return "", nil, err
	}
	// Under the logins' lock, and only if the account is still as it was
	// checked: a password change or a disabling that landed meanwhile wins.
	// Such a change holds the same lock from revoking the account's logins
	// until the account is stored (UpdateUser), so a login is either opened
	// before (and revoked) or checked after (and refused). Not the writers'
	// lock: a sign-in must not wait for a bulk import.
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	var current *User
	s.read(func(st *state) { current = st.users[u.ID] })
	if current == nil || current.Disabled || current.PasswordHash != u.PasswordHash {
		return "", nil, Errorf(EUNAUTHORIZED, "Wrong email or password.")
	}
	secret := NewSecret()
	now := s.Now()
	l := Login{ID: HashSecret(secret), UserID: u.ID, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(MaxLoginAge)}
	if err := s.insert(ctx, Logins, l.ID, &l); err != nil {
		return "", nil, err
	}
	return secret, current, nil
}

// LoginUser returns the user of a login token, and keeps the login alive.
// An expired login is removed.
func (s *Service) LoginUser(ctx context.Context, secret string) (*User, error) {
	key := keyOf(secret)
	var u *User
	// Locked by hand rather than through read: this runs on every request.
	s.mu.RLock()
	l := s.st.logins[string(key[:])]
	if l != nil {
		u = s.st.users[l.UserID]
	}
	s.mu.RUnlock()
	if l == nil || u == nil || u.Disabled {
		return nil, errLoginExpired()
	}
	now := s.Now()
	expired := now.After(l.ExpiresAt) || now.Sub(l.LastSeen) > IdleTimeout
	// Write last-seen back at most once a minute: the idle limit is hours, and
	// a write per request would put the store on the hot path.
	if !expired && now.Sub(l.LastSeen) <= lastSeenGranularity {
		return u, nil
	}
	// Writes to logins go under the logins' lock and re-check the login, so
	// that a refresh can never bring back a login that was just revoked.
	id := string(key[:])
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	s.read(func(st *state) { l = st.logins[id] })
	if l == nil {
		return nil, errLoginExpired()
	}
	if expired {
		if err := s.delete(ctx, Logins, id); err != nil {
			return nil, err
		}
		return nil, errLoginExpired()
	}
	fresh := *l
	fresh.LastSeen = now
	if err := s.replace(ctx, Logins, id, &fresh); err != nil {
		return nil, err
	}
	return u, nil
}

// LoginExists reports whether a login token still signs somebody in; live
// connections poll it to notice revocation.
func (s *Service) LoginExists(secret string) bool {
	var ok bool
	s.read(func(st *state) { ok = st.logins[HashSecret(secret)] != nil })
	return ok
}

// SignOut ends a login at once.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	id := HashSecret(secret)
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	var exists bool
	s.read(func(st *state) { exists = st.logins[id] != nil })
	if !exists {
		return nil
	}
	return s.delete(ctx, Logins, id)
}

// CreateToken issues a personal API token; the secret is returned once and
// only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, actor *User, userID, name string) (string, error) {
	if err := requireActor(actor); err != nil {
		return "", err
	}
	if actor.ID != userID && !actor.MayManageUsers() {
		return "", Errorf(EFORBIDDEN, "You may create tokens only for yourself.")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "token"
	}
	if len(name) > 100 {
		return "", Invalid("name", "The token's name is longer than 100 characters.")
	}
	if err := ValidShortText("name", name); err != nil {
		return "", err
	}
	// The logins' lock, as SignIn: disabling the account revokes tokens
	// under it.
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	var u *User
	s.read(func(st *state) { u = st.users[userID] })
	if u == nil {
		return "", Errorf(ENOTFOUND, "No user %q.", userID)
	}
	if u.Disabled {
		return "", Errorf(ECONFLICT, "The account %s is disabled.", u.Email)
	}
	// "qt_" makes a leaked token recognisable to secret scanners.
	secret := "qt_" + NewSecret()
	t := Token{ID: HashSecret(secret), UserID: userID, Name: name, CreatedAt: s.Now()}
	if err := s.insert(ctx, Tokens, t.ID, &t); err != nil {
		return "", err
	}
	return secret, nil
}

func errLoginExpired() error {
	return Errorf(EUNAUTHORIZED, "Your sign-in has expired; sign in again.")
}

// TokenUser returns the user of a personal API token.
func (s *Service) TokenUser(ctx context.Context, secret string) (*User, error) {
	key := keyOf(secret)
	var u *User
	// Locked by hand rather than through read: this runs on every request.
	s.mu.RLock()
	if t := s.st.tokens[string(key[:])]; t != nil {
		u = s.st.users[t.UserID]
	}
	s.mu.RUnlock()
	if u == nil || u.Disabled {
		return nil, Errorf(EUNAUTHORIZED, "Unknown or revoked API token.")
	}
	return u, nil
}

// TokenExists reports whether an API token still works.
func (s *Service) TokenExists(secret string) bool {
	var ok bool
	s.read(func(st *state) {
		t := st.tokens[HashSecret(secret)]
		ok = t != nil && st.users[t.UserID] != nil && !st.users[t.UserID].Disabled
	})
	return ok
}

// ---- First start ----

// NeedsSetup reports whether nobody can sign in yet.
func (s *Service) NeedsSetup() bool {
	var n int
	s.read(func(st *state) { n = len(st.users) })
	return n == 0
}

// BeginSetup returns a one-time secret that lets whoever holds it create the
// first admin. There are no default passwords; the secret lives only in
// memory and is printed once on the console.
func (s *Service) BeginSetup() string {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	secret := NewSecret()
	s.setupSecret = HashSecret(secret)
	return secret
}

// CompleteSetup creates the first admin with the one-time secret.
func (s *Service) CompleteSetup(ctx context.Context, secret string, in UserInput) (*User, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.setupSecret == "" || subtle.ConstantTimeCompare([]byte(s.setupSecret), []byte(HashSecret(secret))) != 1 {
		return nil, Errorf(EFORBIDDEN, "This set-up link is not valid (it works once, and only before the first account exists).")
	}
	var n int
	s.read(func(st *state) { n = len(st.users) })
	if n > 0 {
		return nil, Errorf(EFORBIDDEN, "Quintet is already set up.")
	}
	in.Roles = []Role{RoleAdmin}
	u, err := s.createUser(ctx, in)
	if err != nil {
		return nil, err
	}
	s.setupSecret = ""
	return u, nil
}

// ExpireLogins removes every login past its idle or absolute expiry, so that
// an expired login also ends the live connections it opened (they hear of the
// deletion), not only its next request. It reports how many it removed.
func (s *Service) ExpireLogins(ctx context.Context) (int, error) {
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	now := s.Now()
	var expired []string
	s.read(func(st *state) {
		for id, l := range st.logins {
			if now.After(l.ExpiresAt) || now.Sub(l.LastSeen) > IdleTimeout {
				expired = append(expired, id)
			}
		}
	})
	for i, id := range expired {
		if err := s.delete(ctx, Logins, id); err != nil {
			return i, err
		}
	}
	return len(expired), nil
}
