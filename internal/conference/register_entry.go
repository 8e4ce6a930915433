package conference

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Audience is who a capacity-building activity is meant for. The London
// meeting asked for "a particular emphasis on the education of prosecutors
// and the judiciary", so those two come first.
type Audience string

const (
	AudienceProsecutors   Audience = "prosecutors"
	AudienceJudiciary     Audience = "judiciary"
	AudienceInvestigators Audience = "investigators"
	AudiencePolicy        Audience = "policy"
	AudienceOther         Audience = "other"
)

// Audiences lists every audience in a stable order.
var Audiences = []Audience{AudienceProsecutors, AudienceJudiciary, AudienceInvestigators, AudiencePolicy, AudienceOther}

// FocusAudiences are the audiences the coverage matrix flags when no entry
// reaches them.
var FocusAudiences = []Audience{AudienceProsecutors, AudienceJudiciary}

func (a Audience) Valid() bool { return slices.Contains(Audiences, a) }

// Format is the kind of activity.
type Format string

const (
	FormatTraining   Format = "training"
	FormatExchange   Format = "exchange"
	FormatGuidance   Format = "guidance"
	FormatConference Format = "conference"
	FormatTool       Format = "tool"
	FormatOther      Format = "other"
)

// Formats lists every format in a stable order.
var Formats = []Format{FormatTraining, FormatExchange, FormatGuidance, FormatConference, FormatTool, FormatOther}

func (f Format) Valid() bool { return slices.Contains(Formats, f) }

// EntryStatus is where an activity stands.
type EntryStatus string

const (
	EntryPlanned   EntryStatus = "planned"
	EntryOngoing   EntryStatus = "ongoing"
	EntryCompleted EntryStatus = "completed"
)

// EntryStatuses lists every status in a stable order.
var EntryStatuses = []EntryStatus{EntryPlanned, EntryOngoing, EntryCompleted}

func (s EntryStatus) Valid() bool { return slices.Contains(EntryStatuses, s) }

// Reference points at the activity outside Quintet: a web page, and
// optionally its identifier in an outside catalogue (a training calendar,
// a treaty body's database).
type Reference struct {
	URL        string `json:"url" bson:"url"`
	Catalogue  string `json:"catalogue,omitempty" bson:"catalogue,omitempty"`
	Identifier string `json:"identifier,omitempty" bson:"identifier,omitempty"`
}

// Limits of a register entry's fields.
const (
	MaxEntryTitle      = 200
	MaxEntrySummary    = 5000
	MaxEntryAgency     = 200
	MaxEntryReferences = 20
	MaxReferenceURL    = 2000
)

// RegisterEntry is one capacity-building activity in the register. Entries
// are archived, never deleted, so that links to them never dangle.
type RegisterEntry struct {
	ID                 string      `json:"id" bson:"_id"`
	Title              string      `json:"title" bson:"title"`
	Summary            string      `json:"summary" bson:"summary"`
	LeadDelegation     string      `json:"lead_delegation" bson:"lead_delegation"` // delegation code
	LeadAgency         string      `json:"lead_agency" bson:"lead_agency"`
	PartnerDelegations []string    `json:"partner_delegations" bson:"partner_delegations"`
	Audiences          []Audience  `json:"audiences" bson:"audiences"`
	Format             Format      `json:"format" bson:"format"`
	Status             EntryStatus `json:"status" bson:"status"`
	StartDate          string      `json:"start_date" bson:"start_date"`                 // YYYY-MM-DD
	EndDate            string      `json:"end_date,omitempty" bson:"end_date,omitempty"` // YYYY-MM-DD; none while open-ended
	Topics             []string    `json:"topics" bson:"topics"`                         // topic ids
	References         []Reference `json:"references" bson:"references"`                 // outside the register
	Example            bool        `json:"example" bson:"example"`                       // demo data, shown as such
	Archived           bool        `json:"archived" bson:"archived"`                     // withdrawn, kept for its links
	Version            int64       `json:"version" bson:"version"`                       // 1, 2, 3 … one per change
	CreatedBy          string      `json:"created_by" bson:"created_by"`                 // user id
	CreatedAt          time.Time   `json:"created_at" bson:"created_at"`
	UpdatedBy          string      `json:"updated_by" bson:"updated_by"` // user id
	UpdatedAt          time.Time   `json:"updated_at" bson:"updated_at"`
	History            []Revision  `json:"-" bson:"history"` // served on its own: lists need not carry it
	// ImportID is the CSV import that added the entry, if one did. The
	// entry exists only once that import is committed: see Import.
	ImportID string `json:"-" bson:"import_id,omitempty"`
}

// Revision is one change of a register entry: who made it, when, and what
// changed, field by field, in words a reader of the history understands.
type Revision struct {
	Version int64         `json:"version" bson:"version"`
	Action  string        `json:"action" bson:"action"` // created, updated, archived, restored, imported
	By      string        `json:"by" bson:"by"`         // user id
	ByName  string        `json:"by_name" bson:"by_name"`
	At      time.Time     `json:"at" bson:"at"`
	Changes []FieldChange `json:"changes" bson:"changes"`
	// Marking is the effective marking of an action when the change was made
	// (register entries carry none): the change is shown only to readers it covers.
	Marking Marking `json:"marking,omitempty" bson:"marking,omitempty"`
}

// FieldChange is one field's value before and after a change, as text.
type FieldChange struct {
	Field string `json:"field" bson:"field"`
	From  string `json:"from" bson:"from"`
	To    string `json:"to" bson:"to"`
}

// Validate checks the entry on its own; the Service checks its delegations
// and topics against those it knows. It names every field at fault.
func (e *RegisterEntry) Validate() error {
	var v fieldChecks
	v.check(e.Problems()...)
	return v.err()
}

// Problems reports every field at fault, at most one problem per field: a
// CSV import names them all at once.
func (e *RegisterEntry) Problems() []*Error {
	var out []*Error
	for _, check := range e.fieldChecks() {
		if err := check(); err != nil {
			out = append(out, err)
		}
	}
	return out
}

// fieldChecks are the entry's rules, one function per field, each
// independent of the others' success.
func (e *RegisterEntry) fieldChecks() []func() *Error {
	return []func() *Error{
		func() *Error { return requireLine("title", e.Title, MaxEntryTitle) },
		func() *Error { return checkLines("summary", e.Summary, MaxEntrySummary) },
		func() *Error {
			if e.LeadDelegation == "" {
				return Invalid("lead_delegation", "Choose the lead delegation.")
			}
			if !delegationCode.MatchString(e.LeadDelegation) {
				return Invalid("lead_delegation", "The lead delegation must be a delegation code such as NZ; %q is not one.", e.LeadDelegation)
			}
			return nil
		},
		func() *Error { return checkLine("lead_agency", e.LeadAgency, MaxEntryAgency) },
		func() *Error {
			for _, p := range e.PartnerDelegations {
				if !delegationCode.MatchString(p) {
					return Invalid("partner_delegations", "A partner delegation must be a delegation code such as CA; %q is not one.", p)
				}
				if p == e.LeadDelegation {
					return Invalid("partner_delegations", "The lead delegation %s cannot also be a partner; remove it from the partners.", p)
				}
			}
			if hasDuplicate(e.PartnerDelegations) {
				return Invalid("partner_delegations", "A partner delegation is listed twice; list each partner once.")
			}
			return nil
		},
		func() *Error {
			if len(e.Audiences) == 0 {
				return Invalid("audiences", "Choose at least one audience: prosecutors, judiciary, investigators, policy or other.")
			}
			for _, a := range e.Audiences {
				if err := oneOf("audiences", "audience", a, Audiences); err != nil {
					return err
				}
			}
			if hasDuplicate(e.Audiences) {
				return Invalid("audiences", "An audience is listed twice; list each audience once.")
			}
			return nil
		},
		func() *Error { return oneOf("format", "format", e.Format, Formats) },
		func() *Error { return oneOf("status", "status", e.Status, EntryStatuses) },
		func() *Error {
			if e.StartDate == "" {
				return Invalid("start_date", "Give the start date as YYYY-MM-DD.")
			}
			if _, err := time.Parse(DateLayout, e.StartDate); err != nil {
				return Invalid("start_date", "The start date %q is not a date: write it as YYYY-MM-DD.", e.StartDate)
			}
			return nil
		},
		func() *Error {
			if e.EndDate == "" {
				return nil
			}
			end, err := time.Parse(DateLayout, e.EndDate)
			if err != nil {
				return Invalid("end_date", "The end date %q is not a date: write it as YYYY-MM-DD.", e.EndDate)
			}
			if start, err := time.Parse(DateLayout, e.StartDate); err == nil && end.Before(start) {
				return Invalid("end_date", "The end date (%s) cannot be before the start date (%s).", e.EndDate, e.StartDate)
			}
			return nil
		},
		func() *Error {
			if hasDuplicate(e.Topics) {
				return Invalid("topics", "A topic is listed twice; list each topic once.")
			}
			return validIDs("topics", e.Topics)
		},
		func() *Error {
			if len(e.References) > MaxEntryReferences {
				return Invalid("references", "An entry has at most %d references; remove some.", MaxEntryReferences)
			}
			for i := range e.References {
				if err := e.References[i].validate(i); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func (r *Reference) validate(i int) *Error {
	field := func(name string) string { return "references[" + strconv.Itoa(i) + "]." + name }
	if r.URL == "" {
		return Invalid(field("url"), "Give the reference's web address.")
	}
	if len(r.URL) > MaxReferenceURL {
		return Invalid(field("url"), "The reference's web address is longer than %d characters.", MaxReferenceURL)
	}
	if err := ValidShortText(field("url"), r.URL); err != nil {
		return err
	}
	u, err := url.Parse(r.URL)
	// Only web addresses: a javascript: or data: URL shown as a link would run
	// in the reader's browser.
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Invalid(field("url"), "The reference %q must be a web address beginning with http:// or https://.", r.URL)
	}
	if utf8.RuneCountInString(r.Catalogue) > 100 {
		return Invalid(field("catalogue"), "The reference's catalogue is longer than 100 characters.")
	}
	if err := ValidShortText(field("catalogue"), r.Catalogue); err != nil {
		return err
	}
	if utf8.RuneCountInString(r.Identifier) > 200 {
		return Invalid(field("identifier"), "The reference's identifier is longer than 200 characters.")
	}
	if err := ValidShortText(field("identifier"), r.Identifier); err != nil {
		return err
	}
	if r.Identifier != "" && strings.TrimSpace(r.Catalogue) == "" {
		return Invalid(field("catalogue"), "An identifier needs the name of the catalogue it belongs to; give the catalogue.")
	}
	return nil
}

// Delegations returns the lead and the partners: every delegation the entry
// involves, lead first.
func (e *RegisterEntry) Delegations() []string {
	return append([]string{e.LeadDelegation}, e.PartnerDelegations...)
}

// RegisterEntryInput is what it takes to add an entry.
type RegisterEntryInput struct {
	Title              string      `json:"title"`
	Summary            string      `json:"summary"`
	LeadDelegation     string      `json:"lead_delegation"` // defaults to the writer's delegation
	LeadAgency         string      `json:"lead_agency"`
	PartnerDelegations []string    `json:"partner_delegations"`
	Audiences          []Audience  `json:"audiences"`
	Format             Format      `json:"format"`
	Status             EntryStatus `json:"status"`
	StartDate          string      `json:"start_date"`
	EndDate            string      `json:"end_date"`
	Topics             []string    `json:"topics"` // topic ids or slugs
	References         []Reference `json:"references"`
	Example            bool        `json:"example"` // the secretariat only: demonstration data
}

// RegisterEntryUpdate changes some fields of an entry; nil fields stay.
// Version must be the entry's current version: an edit made on an older one
// is refused, so that nobody overwrites a colleague's change unknowingly.
type RegisterEntryUpdate struct {
	Title              *string      `json:"title"`
	Summary            *string      `json:"summary"`
	LeadDelegation     *string      `json:"lead_delegation"`
	LeadAgency         *string      `json:"lead_agency"`
	PartnerDelegations *[]string    `json:"partner_delegations"`
	Audiences          *[]Audience  `json:"audiences"`
	Format             *Format      `json:"format"`
	Status             *EntryStatus `json:"status"`
	StartDate          *string      `json:"start_date"`
	EndDate            *string      `json:"end_date"`
	Topics             *[]string    `json:"topics"`
	References         *[]Reference `json:"references"`
	Archived           *bool        `json:"archived"`
	Version            *int64       `json:"version"`
}

// RegisterEntry returns one entry, archived or not.
func (s *Service) RegisterEntry(ctx context.Context, actor *User, id string) (*RegisterEntry, error) {
	return find(s, requireActor(actor), func(st *state) *RegisterEntry { return st.register[id] }, "No register entry %q.", id)
}

// RegisterHistory returns an entry's changes, the most recent first.
func (s *Service) RegisterHistory(ctx context.Context, actor *User, id string) ([]Revision, error) {
	e, err := s.RegisterEntry(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(e.History)
	slices.Reverse(out)
	if out == nil {
		out = []Revision{}
	}
	return out, nil
}

// CreateRegisterEntry adds an entry. The secretariat may add one for any
// delegation; a follow-up team, for its own.
func (s *Service) CreateRegisterEntry(ctx context.Context, actor *User, in RegisterEntryInput) (*RegisterEntry, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if in.LeadDelegation == "" && !actor.IsAdmin() {
		in.LeadDelegation = actor.Delegation
	}
	e := s.newEntry(actor, in, "created")
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := mayCreateEntry(actor, e); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var err error
	s.read(func(st *state) { err = st.checkEntryRefs(e) })
	if err != nil {
		return nil, err
	}
	if err := s.insert(ctx, Register, e.ID, e); err != nil {
		return nil, err
	}
	return e, nil
}

// newEntry makes an entry of in, as version 1 written by actor now. Topic
// slugs are kept as given until checkEntryRefs turns them into ids.
func (s *Service) newEntry(actor *User, in RegisterEntryInput, action string) *RegisterEntry {
	now := s.Now()
	e := &RegisterEntry{
		ID:                 s.NewID(),
		Title:              strings.TrimSpace(in.Title),
		Summary:            strings.TrimSpace(in.Summary),
		LeadDelegation:     strings.ToUpper(strings.TrimSpace(in.LeadDelegation)),
		LeadAgency:         strings.TrimSpace(in.LeadAgency),
		PartnerDelegations: upperAll(in.PartnerDelegations),
		Audiences:          nonNil(in.Audiences),
		Format:             in.Format,
		Status:             in.Status,
		StartDate:          strings.TrimSpace(in.StartDate),
		EndDate:            strings.TrimSpace(in.EndDate),
		Topics:             trimAll(in.Topics),
		References:         trimReferences(in.References),
		Example:            in.Example,
		Version:            1,
		CreatedBy:          actor.ID,
		CreatedAt:          now,
		UpdatedBy:          actor.ID,
		UpdatedAt:          now,
	}
	e.History = []Revision{{Version: 1, Action: action, By: actor.ID, ByName: actor.Name, At: now, Changes: []FieldChange{}}}
	return e
}

func mayCreateEntry(actor *User, e *RegisterEntry) error {
	if !actor.MayEditEntry(e) {
		if actor.Has(RoleFollowup) {
			return &Error{Code: EFORBIDDEN, Field: "lead_delegation",
				Message: "A follow-up team adds entries led by its own delegation (" + actor.Delegation + ") only."}
		}
		return Errorf(EFORBIDDEN, "Only the secretariat and follow-up teams may add register entries.")
	}
	if e.Example && !actor.MayMarkExample() {
		return &Error{Code: EFORBIDDEN, Field: "example", Message: "Only the secretariat may mark an entry as an example."}
	}
	return nil
}

// checkEntryRefs checks the delegations and topics an entry names, and
// turns topic slugs into ids. It reports the first problem.
func (st *state) checkEntryRefs(e *RegisterEntry) error {
	if ps := st.entryRefProblems(e); len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// entryRefProblems is checkEntryRefs reporting every field at fault.
func (st *state) entryRefProblems(e *RegisterEntry) []*Error {
	var out []*Error
	if st.delegations[e.LeadDelegation] == nil {
		out = append(out, Invalid("lead_delegation", "There is no delegation %q to lead the entry.", e.LeadDelegation))
	}
	for _, p := range e.PartnerDelegations {
		if st.delegations[p] == nil {
			out = append(out, Invalid("partner_delegations", "There is no delegation %q to be a partner.", p))
			break
		}
	}
	// A fresh slice: e may share its topics with the stored entry, which
	// readers are reading.
	ids := make([]string, len(e.Topics))
	for i, key := range e.Topics {
		t := st.topicByIDOrSlug(key)
		if t == nil {
			return append(out, Invalid("topics", "There is no topic %q.", key))
		}
		ids[i] = t.ID
	}
	e.Topics = ids
	if hasDuplicate(e.Topics) {
		out = append(out, Invalid("topics", "A topic is listed twice; list each topic once."))
	}
	return out
}

// UpdateRegisterEntry changes an entry, or archives or restores it, and
// records what changed in its history.
func (s *Service) UpdateRegisterEntry(ctx context.Context, actor *User, id string, upd RegisterEntryUpdate) (*RegisterEntry, error) {
	return writeSeen(s, actor, upd.Version, "Send the version you edited (version), so that a concurrent change is not overwritten.",
		func(int64) (*RegisterEntry, error) { return s.RegisterEntry(ctx, actor, id) },
		func(old *RegisterEntry, seen int64) (*RegisterEntry, error) {
			if !actor.MayEditEntry(old) {
				return nil, Errorf(EFORBIDDEN, "Only the secretariat and the follow-up team of %s may change this entry.", old.LeadDelegation)
			}
			if seen != old.Version {
				return nil, &Error{Code: ESTALE, Field: "version", Current: old,
					Message: fmt.Sprintf("The entry was changed by someone else (version %d, you edited %d); review the current version and save again.", old.Version, seen)}
			}
			e := *old
			setTrimmed(&e.Title, upd.Title)
			setTrimmed(&e.Summary, upd.Summary)
			if upd.LeadDelegation != nil {
				e.LeadDelegation = strings.ToUpper(strings.TrimSpace(*upd.LeadDelegation))
			}
			setTrimmed(&e.LeadAgency, upd.LeadAgency)
			if upd.PartnerDelegations != nil {
				e.PartnerDelegations = upperAll(*upd.PartnerDelegations)
			}
			if upd.Audiences != nil {
				e.Audiences = nonNil(*upd.Audiences)
			}
			setIf(&e.Format, upd.Format)
			setIf(&e.Status, upd.Status)
			setTrimmed(&e.StartDate, upd.StartDate)
			setTrimmed(&e.EndDate, upd.EndDate)
			if upd.Topics != nil {
				e.Topics = trimAll(*upd.Topics)
			}
			if upd.References != nil {
				e.References = trimReferences(*upd.References)
			}
			setIf(&e.Archived, upd.Archived)
			if err := e.Validate(); err != nil {
				return nil, err
			}
			if e.LeadDelegation != old.LeadDelegation && !actor.MayReassignEntry() {
				return nil, &Error{Code: EFORBIDDEN, Field: "lead_delegation", Message: "Only the secretariat may hand an entry to another delegation."}
			}
			var err error
			s.read(func(st *state) { err = st.checkEntryRefs(&e) })
			if err != nil {
				return nil, err
			}
			changes := diffEntries(old, &e)
			if len(changes) == 0 {
				return old, nil // nothing to record
			}
			action := "updated"
			switch {
			case e.Archived && !old.Archived:
				action = "archived"
			case !e.Archived && old.Archived:
				action = "restored"
			}
			now := s.Now()
			e.Version++
			e.UpdatedBy, e.UpdatedAt = actor.ID, now
			e.History = append(slices.Clip(old.History), Revision{
				Version: e.Version, Action: action, By: actor.ID, ByName: actor.Name, At: now, Changes: changes,
			})
			if err := s.replace(ctx, Register, e.ID, &e); err != nil {
				return nil, err
			}
			return &e, nil
		})
}

// diffEntries lists the fields that differ between a and b, as text.
func diffEntries(a, b *RegisterEntry) []FieldChange {
	var out []FieldChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: field, From: from, To: to})
		}
	}
	add("title", a.Title, b.Title)
	add("summary", a.Summary, b.Summary)
	add("lead_delegation", a.LeadDelegation, b.LeadDelegation)
	add("lead_agency", a.LeadAgency, b.LeadAgency)
	add("partner_delegations", strings.Join(a.PartnerDelegations, ", "), strings.Join(b.PartnerDelegations, ", "))
	add("audiences", joinAny(a.Audiences), joinAny(b.Audiences))
	add("format", string(a.Format), string(b.Format))
	add("status", string(a.Status), string(b.Status))
	add("start_date", a.StartDate, b.StartDate)
	add("end_date", a.EndDate, b.EndDate)
	add("topics", strings.Join(a.Topics, ", "), strings.Join(b.Topics, ", "))
	add("references", referencesText(a.References), referencesText(b.References))
	add("archived", fmt.Sprint(a.Archived), fmt.Sprint(b.Archived))
	return out
}

func joinAny[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

// referencesText writes references one per line as "url | catalogue |
// identifier", the form the CSV export uses too.
func referencesText(refs []Reference) string {
	lines := make([]string, len(refs))
	for i, r := range refs {
		lines[i] = r.URL
		if r.Catalogue != "" || r.Identifier != "" {
			lines[i] += " | " + r.Catalogue
		}
		if r.Identifier != "" {
			lines[i] += " | " + r.Identifier
		}
	}
	return strings.Join(lines, "\n")
}

func upperAll(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, strings.ToUpper(strings.TrimSpace(x)))
	}
	return out
}

func trimAll(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, strings.TrimSpace(x))
	}
	return out
}

func trimReferences(refs []Reference) []Reference {
	out := make([]Reference, 0, len(refs))
	for _, r := range refs {
		out = append(out, Reference{
			URL: strings.TrimSpace(r.URL), Catalogue: strings.TrimSpace(r.Catalogue), Identifier: strings.TrimSpace(r.Identifier),
		})
	}
	return out
}
