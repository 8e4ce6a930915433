package conference

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
)

// Delegation is a party to the Quintet. It lives across meetings.
type Delegation struct {
	Code     string   `json:"code" bson:"_id"` // AU CA GB NZ US
	Name     string   `json:"name" bson:"name"`
	Agencies []string `json:"agencies" bson:"agencies"`
	// FeedKey is the hash of the secret in the URL of the delegation's
	// calendar feed of action due dates, so that a secret in a leaked URL is
	// useless; empty when none is issued.
	FeedKey string `json:"-" bson:"feed_key,omitempty"`
	// FeedIssuedBy is the user who issued the feed. The feed works only as
	// long as that account may still manage it: a feed must not outlive
	// the rights of whoever handed its URL out.
	FeedIssuedBy string `json:"-" bson:"feed_issued_by,omitempty"`
	// Version counts every stored change, the calendar feed's included: the
	// store's copy and memory's are told apart by it alone.
	Version int64 `json:"version" bson:"version"`
}

var delegationCode = regexp.MustCompile(`^[A-Z]{2}$`)

func (d *Delegation) Validate() error {
	var v fieldChecks
	if !delegationCode.MatchString(d.Code) {
		v.check(Invalid("code", "The delegation code %q must be two capital letters (ISO 3166 alpha-2), such as NZ.", d.Code))
	}
	if strings.TrimSpace(d.Name) == "" {
		v.check(Invalid("name", "Give the delegation's name."))
	}
	v.check(ValidShortText("name", d.Name))
	for _, a := range d.Agencies {
		if strings.TrimSpace(a) == "" {
			v.check(Invalid("agencies", "An agency's name cannot be empty; give it or remove the agency."))
		}
		v.check(ValidShortText("agencies", a))
	}
	return v.err()
}

// Delegations returns every delegation by code.
func (s *Service) Delegations(ctx context.Context, actor *User) ([]*Delegation, error) {
	return listAll(s, requireActor(actor), func(st *state) map[string]*Delegation { return st.delegations },
		func(d *Delegation) string { return d.Code })
}

// Delegation returns one delegation.
func (s *Service) Delegation(ctx context.Context, actor *User, code string) (*Delegation, error) {
	return find(s, requireActor(actor), func(st *state) *Delegation { return st.delegations[code] }, "No delegation %q.", code)
}

// CreateDelegation adds a party.
func (s *Service) CreateDelegation(ctx context.Context, actor *User, d Delegation) (*Delegation, error) {
	d.Code = strings.ToUpper(strings.TrimSpace(d.Code))
	d.Agencies = nonNil(d.Agencies)
	d.Version = 1
	return create(ctx, s, s.requireAgendaEditor(actor), Delegations, &d, (*state).checkNewDelegation)
}

// checkNewDelegation refuses a code that another delegation holds.
func (st *state) checkNewDelegation(d *Delegation) error {
	if st.delegations[d.Code] != nil {
		return &Error{Code: EDUPLICATE, Field: "code", Message: "Delegation " + d.Code + " already exists."}
	}
	return nil
}

// DelegationUpdate changes some fields of a delegation; nil fields stay.
// Version, when given, must be the delegation's current version.
type DelegationUpdate struct {
	Name     *string   `json:"name"`
	Agencies *[]string `json:"agencies"`
	Version  *int64    `json:"version"`
}

// apply sets the fields upd gives on d.
func (upd DelegationUpdate) apply(d *Delegation) {
	setIf(&d.Name, upd.Name)
	setList(&d.Agencies, upd.Agencies)
}

func (s *Service) UpdateDelegation(ctx context.Context, actor *User, code string, upd DelegationUpdate) (*Delegation, error) {
	get := func() (*Delegation, error) { return s.Delegation(ctx, actor, code) }
	return edit(ctx, s, s.requireAgendaEditor(actor), Delegations, "delegation", upd.Version, get, upd.apply, nil)
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
	d.Version++
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
		d.Version++
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
