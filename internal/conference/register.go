package conference

import (
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
}

// FieldChange is one field's value before and after a change, as text.
type FieldChange struct {
	Field string `json:"field" bson:"field"`
	From  string `json:"from" bson:"from"`
	To    string `json:"to" bson:"to"`
}

// Validate checks the entry on its own; the Service checks its delegations
// and topics against those it knows. It reports the first problem.
func (e *RegisterEntry) Validate() error {
	for _, check := range e.fieldChecks() {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
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
		func() *Error {
			if strings.TrimSpace(e.Title) == "" {
				return Invalid("title", "title is required")
			}
			if utf8.RuneCountInString(e.Title) > MaxEntryTitle {
				return Invalid("title", "title is longer than %d characters", MaxEntryTitle)
			}
			return ValidShortText("title", e.Title)
		},
		func() *Error {
			if utf8.RuneCountInString(e.Summary) > MaxEntrySummary {
				return Invalid("summary", "summary is longer than %d characters", MaxEntrySummary)
			}
			return ValidLongText("summary", e.Summary)
		},
		func() *Error {
			if e.LeadDelegation == "" {
				return Invalid("lead_delegation", "lead_delegation is required")
			}
			if !delegationCode.MatchString(e.LeadDelegation) {
				return Invalid("lead_delegation", "lead_delegation %q must be a delegation code such as NZ", e.LeadDelegation)
			}
			return nil
		},
		func() *Error {
			if utf8.RuneCountInString(e.LeadAgency) > MaxEntryAgency {
				return Invalid("lead_agency", "lead_agency is longer than %d characters", MaxEntryAgency)
			}
			return ValidShortText("lead_agency", e.LeadAgency)
		},
		func() *Error {
			for _, p := range e.PartnerDelegations {
				if !delegationCode.MatchString(p) {
					return Invalid("partner_delegations", "partner delegation %q must be a delegation code such as CA", p)
				}
				if p == e.LeadDelegation {
					return Invalid("partner_delegations", "the lead delegation %s cannot also be a partner", p)
				}
			}
			if hasDuplicate(e.PartnerDelegations) {
				return Invalid("partner_delegations", "a partner delegation is listed twice")
			}
			return nil
		},
		func() *Error {
			if len(e.Audiences) == 0 {
				return Invalid("audiences", "at least one audience is required (prosecutors, judiciary, investigators, policy, other)")
			}
			for _, a := range e.Audiences {
				if !a.Valid() {
					return Invalid("audiences", "unknown audience %q (one of prosecutors, judiciary, investigators, policy, other)", a)
				}
			}
			if hasDuplicate(e.Audiences) {
				return Invalid("audiences", "an audience is listed twice")
			}
			return nil
		},
		func() *Error {
			if !e.Format.Valid() {
				return Invalid("format", "unknown format %q (one of training, exchange, guidance, conference, tool, other)", e.Format)
			}
			return nil
		},
		func() *Error {
			if !e.Status.Valid() {
				return Invalid("status", "unknown status %q (one of planned, ongoing, completed)", e.Status)
			}
			return nil
		},
		func() *Error {
			if e.StartDate == "" {
				return Invalid("start_date", "start_date is required (YYYY-MM-DD)")
			}
			if _, err := time.Parse(DateLayout, e.StartDate); err != nil {
				return Invalid("start_date", "start_date %q is not a date (YYYY-MM-DD)", e.StartDate)
			}
			return nil
		},
		func() *Error {
			if e.EndDate == "" {
				return nil
			}
			end, err := time.Parse(DateLayout, e.EndDate)
			if err != nil {
				return Invalid("end_date", "end_date %q is not a date (YYYY-MM-DD)", e.EndDate)
			}
			if start, err := time.Parse(DateLayout, e.StartDate); err == nil && end.Before(start) {
				return Invalid("end_date", "end_date %s is before start_date %s", e.EndDate, e.StartDate)
			}
			return nil
		},
		func() *Error {
			if hasDuplicate(e.Topics) {
				return Invalid("topics", "a topic is listed twice")
			}
			return validIDs("topics", e.Topics)
		},
		func() *Error {
			if len(e.References) > MaxEntryReferences {
				return Invalid("references", "at most %d references", MaxEntryReferences)
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
		return Invalid(field("url"), "a reference needs a url")
	}
	if len(r.URL) > MaxReferenceURL {
		return Invalid(field("url"), "url is longer than %d characters", MaxReferenceURL)
	}
	if err := ValidShortText(field("url"), r.URL); err != nil {
		return err
	}
	u, err := url.Parse(r.URL)
	// Only web addresses: a javascript: or data: URL shown as a link would run
	// in the reader's browser.
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Invalid(field("url"), "url %q must be an http or https address", r.URL)
	}
	if utf8.RuneCountInString(r.Catalogue) > 100 {
		return Invalid(field("catalogue"), "catalogue is longer than 100 characters")
	}
	if err := ValidShortText(field("catalogue"), r.Catalogue); err != nil {
		return err
	}
	if utf8.RuneCountInString(r.Identifier) > 200 {
		return Invalid(field("identifier"), "identifier is longer than 200 characters")
	}
	if err := ValidShortText(field("identifier"), r.Identifier); err != nil {
		return err
	}
	if r.Identifier != "" && strings.TrimSpace(r.Catalogue) == "" {
		return Invalid(field("catalogue"), "an identifier needs the name of the catalogue it belongs to")
	}
	return nil
}

// Delegations returns the lead and the partners: every delegation the entry
// involves, lead first.
func (e *RegisterEntry) Delegations() []string {
	return append([]string{e.LeadDelegation}, e.PartnerDelegations...)
}

// hasDuplicate reports whether a value occurs twice in xs.
func hasDuplicate[T comparable](xs []T) bool {
	seen := make(map[T]bool, len(xs))
	for _, x := range xs {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}
