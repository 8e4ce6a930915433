package conference

import (
	"cmp"
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Role is what a user may do. A user may hold several.
type Role string

const (
	RoleAdmin      Role = "admin"      // the secretariat
	RoleRapporteur Role = "rapporteur" // writes notes for the sessions assigned to them
	RoleDelegate   Role = "delegate"   // member of a delegation
	RoleHead       Role = "head"       // head of delegation: clearance "heads"
	RoleFollowup   Role = "followup"   // follow-up team of their delegation
	RoleObserver   Role = "observer"   // read-only, clearance "all"
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleAdmin, RoleRapporteur, RoleDelegate, RoleHead, RoleFollowup, RoleObserver}

func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// User is a person who signs in.
type User struct {
	ID           string `json:"id" bson:"_id"`
	Email        string `json:"email" bson:"email"`
	Name         string `json:"name" bson:"name"`
	Roles        []Role `json:"roles" bson:"roles"`
	Delegation   string `json:"delegation,omitempty" bson:"delegation,omitempty"`
	Disabled     bool   `json:"disabled" bson:"disabled"`
	RemindersOff bool   `json:"reminders_off" bson:"reminders_off,omitempty"` // no e-mail digest (reminder.go); the app still shows it
	PasswordHash string `json:"-" bson:"password_hash"`
	// ResetKey is the hash of the account's one pending set-password link
	// (account.go); the link itself is shown once and never stored.
	ResetKey       string    `json:"-" bson:"reset_key,omitempty"`
	ResetExpiresAt time.Time `json:"-" bson:"reset_expires_at,omitempty"`
	// AgendaFeedKey is the hash of the account's agenda subscription secret
	// (agenda_feed.go); the secret itself is shown once and never stored.
	AgendaFeedKey string `json:"-" bson:"agenda_feed_key,omitempty"`
	// AgendaFeedSince is when the account's agenda subscription was issued;
	// nil while it has none.
	AgendaFeedSince *time.Time `json:"agenda_feed_since,omitempty" bson:"agenda_feed_since,omitempty"`
	CreatedAt       time.Time  `json:"created_at" bson:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at" bson:"updated_at"`
	Version         int64      `json:"version" bson:"version"` // 1, 2, 3 … one per change
}

// NormalizeEmail is the one form in which e-mail addresses are compared and stored.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (u *User) Validate() error {
	var v fieldChecks
	if u.Email == "" {
		v.check(Invalid("email", "Give the e-mail address."))
	}
	v.check(ValidShortText("email", u.Email))
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		v.check(Invalid("email", "The e-mail address %q is not valid: write it as name@example.org.", u.Email))
	}
	v.check(requireLine("name", u.Name, 200))
	if len(u.Roles) == 0 {
		v.check(Invalid("roles", "Choose at least one role."))
	}
	for _, r := range u.Roles {
		v.check(oneOf("roles", "role", r, Roles))
	}
	needsDelegation := u.Has(RoleDelegate) || u.Has(RoleHead) || u.Has(RoleFollowup)
	if needsDelegation && u.Delegation == "" {
		v.check(Invalid("delegation", "The roles delegate, head and followup need a delegation; choose one."))
	}
	if u.Delegation != "" {
		v.check(ValidID("delegation", u.Delegation))
	}
	return v.err()
}

// Has reports whether the user holds role r.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// IsAdmin reports whether the user belongs to the secretariat.
func (u *User) IsAdmin() bool { return u.Has(RoleAdmin) }

// Clearance is the highest marking the user may read. The secretariat and
// heads read everything; members of a delegation, rapporteurs and follow-up
// teams read "delegations"; observers read only "all".
func (u *User) Clearance() Marking {
	switch {
	case u == nil || u.Disabled:
		return ""
	case u.Has(RoleAdmin) || u.Has(RoleHead):
		return MarkingHeads
	case u.Has(RoleDelegate) || u.Has(RoleRapporteur) || u.Has(RoleFollowup):
		return MarkingDelegations
	default:
		return MarkingAll
	}
}

// Public is what any signed-in user may know of another user: enough to show
// a rapporteur's or chair's name on the agenda.
type PublicUser struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Delegation string `json:"delegation,omitempty"`
	Roles      []Role `json:"roles"`
}

func (u *User) Public() PublicUser {
	return PublicUser{ID: u.ID, Name: u.Name, Delegation: u.Delegation, Roles: u.Roles}
}

// SystemActor is who acts for the command line and the seed: the operator
// with shell access to the server is trusted like the secretariat.
var SystemActor = &User{ID: "system", Name: "System", Roles: []Role{RoleAdmin}}

// UserInput is what it takes to create an account.
type UserInput struct {
	Email      string `json:"email"`
	Name       string `json:"name"`
	Roles      []Role `json:"roles"`
	Delegation string `json:"delegation"`
	Password   string `json:"password"`
}

// Users returns every account, by name. Only the secretariat sees accounts.
func (s *Service) Users(ctx context.Context, actor *User) ([]*User, error) {
	if err := s.requireUserManager(actor); err != nil {
		return nil, err
	}
	var out []*User
	s.read(func(st *state) { out = st.sortedUsers() })
	return out, nil
}

// Directory is what every signed-in user may know of the others: names,
// delegations and roles, so that the agenda can name chairs and rapporteurs.
func (s *Service) Directory(ctx context.Context, actor *User) ([]PublicUser, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var out []PublicUser
	s.read(func(st *state) {
		for _, u := range st.sortedUsers() {
			if !u.Disabled {
				out = append(out, u.Public())
			}
		}
	})
	return nonNil(out), nil
}

func (st *state) sortedUsers() []*User {
	out := make([]*User, 0, len(st.users))
	for _, u := range st.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b *User) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func (s *Service) User(ctx context.Context, actor *User, id string) (*User, error) {
	return find(s, s.requireUserManager(actor), func(st *state) *User { return st.users[id] }, "No user %q.", id)
}

// UserByEmail finds an account by its address, for the command line.
func (s *Service) UserByEmail(ctx context.Context, actor *User, email string) (*User, error) {
	return find(s, s.requireUserManager(actor), func(st *state) *User { return st.usersByEmail[NormalizeEmail(email)] }, "No user with email %q.", email)
}

// CreateUser opens an account.
func (s *Service) CreateUser(ctx context.Context, actor *User, in UserInput) (*User, error) {
	if err := s.requireUserManager(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.createUser(ctx, in)
}

// createUser expects writeMu held.
func (s *Service) createUser(ctx context.Context, in UserInput) (*User, error) {
	u := s.newUser(in)
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := validatePassword(in.Password); err != nil {
		return nil, err
	}
	var err error
	s.read(func(st *state) { err = st.checkUserRefs(u) })
	if err != nil {
		return nil, err
	}
	if u.PasswordHash, err = s.hasher.Hash(in.Password); err != nil {
		return nil, err
	}
	if err := s.insert(ctx, Users, u.ID, u); err != nil {
		return nil, err
	}
	return u, nil
}

// newUser is a new account made of in, in the one form accounts are stored
// in (trimmed, e-mail normalized, roles sorted), not yet checked, without a
// password. Opening one account and importing many both start here.
func (s *Service) newUser(in UserInput) *User {
	now := s.Now()
	return &User{
		ID:         s.NewID(),
		Email:      NormalizeEmail(in.Email),
		Name:       strings.TrimSpace(in.Name),
		Roles:      slices.Compact(slices.Sorted(slices.Values(nonNil(in.Roles)))),
		Delegation: strings.ToUpper(strings.TrimSpace(in.Delegation)),
		CreatedAt:  now,
		UpdatedAt:  now,
		Version:    1,
	}
}

func (st *state) checkUserRefs(u *User) error {
	if ps := st.userRefProblems(u); len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// userRefProblems is what is wrong with what u refers to in the working
// set: its e-mail address taken by another account, its delegation unknown.
func (st *state) userRefProblems(u *User) []*Error {
	var out []*Error
	if other := st.usersByEmail[u.Email]; other != nil && other.ID != u.ID {
		out = append(out, &Error{Code: EDUPLICATE, Field: "email", Message: "An account with email " + u.Email + " already exists."})
	}
	if u.Delegation != "" && st.delegations[u.Delegation] == nil {
		out = append(out, Invalid("delegation", "There is no delegation %q.", u.Delegation))
	}
	return out
}

// UserUpdate changes some fields of an account; nil fields stay. Version,
// when given, must be the account's current version.
type UserUpdate struct {
	Name       *string `json:"name"`
	Roles      *[]Role `json:"roles"`
	Delegation *string `json:"delegation"`
	Disabled   *bool   `json:"disabled"`
	Password   *string `json:"password"`
	Version    *int64  `json:"version"`
}

// UpdateUser changes an account. Disabling an account, or changing its roles,
// delegation or password, signs it out everywhere at once.
func (s *Service) UpdateUser(ctx context.Context, actor *User, id string, upd UserUpdate) (*User, error) {
	if err := s.requireUserManager(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.User(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	u, err := nextVersion("account", upd.Version, old)
	if err != nil {
		return nil, err
	}
	if old.ID == actor.ID && upd.Disabled != nil && *upd.Disabled {
		return nil, Invalid("disabled", "You cannot disable your own account.")
	}
	if old.ID == actor.ID && upd.Roles != nil && !slices.Contains(*upd.Roles, RoleAdmin) {
		return nil, Invalid("roles", "You cannot give up your own admin role.")
	}
	setTrimmed(&u.Name, upd.Name)
	if upd.Roles != nil {
		u.Roles = slices.Compact(slices.Sorted(slices.Values(*upd.Roles)))
	}
	if upd.Delegation != nil {
		u.Delegation = strings.ToUpper(strings.TrimSpace(*upd.Delegation))
	}
	setIf(&u.Disabled, upd.Disabled)
	if u.Disabled {
		// A disabled account's agenda subscription ends for good: enabling
		// the account again does not bring an old URL back to life.
		u.AgendaFeedKey, u.AgendaFeedSince = "", nil
	}
	u.UpdatedAt = s.Now()
	if err := u.Validate(); err != nil {
		return nil, err
	}
	s.read(func(st *state) { err = st.checkUserRefs(u) })
	if err != nil {
		return nil, err
	}
	if upd.Password != nil {
		if err := validatePassword(*upd.Password); err != nil {
			return nil, err
		}
		if u.PasswordHash, err = s.hasher.Hash(*upd.Password); err != nil {
			return nil, err
		}
	}
	revoke := u.Disabled != old.Disabled || !slices.Equal(u.Roles, old.Roles) ||
		u.Delegation != old.Delegation || upd.Password != nil
	// Revoke first: if the store fails halfway, the account keeps its old
	// rights with fewer logins, never its new rights with old logins. The
	// logins' lock spans the revocation and the account's write, so that no
	// sign-in checked against the old account lands in between.
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	if revoke {
		if err := s.revokeLogins(ctx, u.ID, u.Disabled); err != nil {
			return nil, err
		}
		if err := s.revokeFeeds(ctx, u); err != nil {
			return nil, err
		}
	}
	if err := s.replace(ctx, Users, u.ID, u); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) requireUserManager(actor *User) error {
	return requireMay(actor, actor.MayManageUsers, "Only the secretariat may manage accounts.")
}
