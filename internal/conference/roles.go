package conference

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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

// Marking says who may read a note or an outcome. Markings are ordered:
// all < delegations < heads.
type Marking string

const (
	MarkingAll         Marking = "all"
	MarkingDelegations Marking = "delegations"
	MarkingHeads       Marking = "heads"
)

// Markings lists every marking from the least to the most restricted.
var Markings = []Marking{MarkingAll, MarkingDelegations, MarkingHeads}

// Level is the marking's rank: 0 for all, 1 for delegations, 2 for heads,
// -1 for anything else. A switch, not a search of Markings: every read path
// asks it for every item it filters.
func (m Marking) Level() int {
	switch m {
	case MarkingAll:
		return 0
	case MarkingDelegations:
		return 1
	case MarkingHeads:
		return 2
	}
	return -1
}

func (m Marking) Valid() bool { return m.Level() >= 0 }

// User is a person who signs in.
type User struct {
	ID           string    `json:"id" bson:"_id"`
	Email        string    `json:"email" bson:"email"`
	Name         string    `json:"name" bson:"name"`
	Roles        []Role    `json:"roles" bson:"roles"`
	Delegation   string    `json:"delegation,omitempty" bson:"delegation,omitempty"`
	Disabled     bool      `json:"disabled" bson:"disabled"`
	PasswordHash string    `json:"-" bson:"password_hash"`
	CreatedAt    time.Time `json:"created_at" bson:"created_at"`
	UpdatedAt    time.Time `json:"updated_at" bson:"updated_at"`
}

// NormalizeEmail is the one form in which e-mail addresses are compared and stored.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (u *User) Validate() error {
	if u.Email == "" {
		return Invalid("email", "email is required")
	}
	if err := ValidShortText("email", u.Email); err != nil {
		return err
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return Invalid("email", "email %q is not a valid address", u.Email)
	}
	if strings.TrimSpace(u.Name) == "" {
		return Invalid("name", "name is required")
	}
	if utf8.RuneCountInString(u.Name) > 200 {
		return Invalid("name", "name is longer than 200 characters")
	}
	if err := ValidShortText("name", u.Name); err != nil {
		return err
	}
	if len(u.Roles) == 0 {
		return Invalid("roles", "at least one role is required")
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			return Invalid("roles", "unknown role %q (one of admin, rapporteur, delegate, head, followup, observer)", r)
		}
	}
	needsDelegation := u.Has(RoleDelegate) || u.Has(RoleHead) || u.Has(RoleFollowup)
	if needsDelegation && u.Delegation == "" {
		return Invalid("delegation", "roles delegate, head and followup need a delegation")
	}
	if u.Delegation != "" {
		if err := ValidID("delegation", u.Delegation); err != nil {
			return err
		}
	}
	return nil
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
