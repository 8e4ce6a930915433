package conference

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ---- Outcomes ----

// OutcomeKind says what sort of conclusion an outcome is.
type OutcomeKind string

const (
	OutcomeDecision       OutcomeKind = "decision"
	OutcomeRecommendation OutcomeKind = "recommendation"
	OutcomeFinding        OutcomeKind = "finding"
)

// OutcomeKinds lists every kind in a stable order.
var OutcomeKinds = []OutcomeKind{OutcomeDecision, OutcomeRecommendation, OutcomeFinding}

func (k OutcomeKind) Valid() bool { return slices.Contains(OutcomeKinds, k) }

// OutcomeStatus is where an outcome stands: drafted by the rapporteur, or
// agreed by the meeting (recorded by the secretariat).
type OutcomeStatus string

const (
	OutcomeDraft  OutcomeStatus = "draft"
	OutcomeAgreed OutcomeStatus = "agreed"
)

var OutcomeStatuses = []OutcomeStatus{OutcomeDraft, OutcomeAgreed}

func (s OutcomeStatus) Valid() bool { return slices.Contains(OutcomeStatuses, s) }

// Limits of outcomes.
const (
	MaxOutcomeLength  = 10000
	MaxOutcomeSources = 200
	// MaxOutcomeRevisions bounds the history kept inside one document, so that
	// a much-edited outcome stays far below MongoDB's 16 MiB document limit.
	MaxOutcomeRevisions = 200
)

// SignOff is one delegation's sign-off of an agreed outcome, recorded by its
// head of delegation.
type SignOff struct {
	Delegation string    `json:"delegation" bson:"delegation"`
	By         string    `json:"by" bson:"by"`           // user id of the head
	ByName     string    `json:"by_name" bson:"by_name"` // as it was when they signed
	At         time.Time `json:"at" bson:"at"`
}

// OutcomeRevision is an earlier state of an outcome, kept when it is edited,
// with who made the edit that replaced it and when.
type OutcomeRevision struct {
	Version      int64         `json:"version" bson:"version"`
	Kind         OutcomeKind   `json:"kind" bson:"kind"`
	Text         string        `json:"text" bson:"text"`
	Sources      []int64       `json:"sources" bson:"sources"`
	Marking      Marking       `json:"marking" bson:"marking"`
	Status       OutcomeStatus `json:"status" bson:"status"`
	ReplacedBy   string        `json:"replaced_by" bson:"replaced_by"` // user id
	ReplacedName string        `json:"replaced_by_name" bson:"replaced_by_name"`
	ReplacedAt   time.Time     `json:"replaced_at" bson:"replaced_at"`
}

// Outcome is a conclusion of a session, tied to the notes it came from.
type Outcome struct {
	ID            string            `json:"id" bson:"_id"`
	MeetingID     string            `json:"meeting_id" bson:"meeting_id"`
	SessionID     string            `json:"session_id" bson:"session_id"`
	Kind          OutcomeKind       `json:"kind" bson:"kind"`
	Text          string            `json:"text" bson:"text"`
	Sources       []int64           `json:"sources" bson:"sources"` // seqs of the session's notes, ascending
	Marking       Marking           `json:"marking" bson:"marking"`
	Status        OutcomeStatus     `json:"status" bson:"status"`
	SignOffs      []SignOff         `json:"sign_offs" bson:"sign_offs"` // by delegation code
	History       []OutcomeRevision `json:"history" bson:"history"`     // oldest first
	CreatedBy     string            `json:"created_by" bson:"created_by"`
	CreatedAt     time.Time         `json:"created_at" bson:"created_at"`
	UpdatedBy     string            `json:"updated_by" bson:"updated_by"`
	UpdatedByName string            `json:"updated_by_name" bson:"updated_by_name"`
	UpdatedAt     time.Time         `json:"updated_at" bson:"updated_at"`
	Version       int64             `json:"version" bson:"version"`
}

// OutcomeView is an outcome as one reader sees it: its history holds only
// the revisions whose marking at the time the reader may read, and its
// agreement is counted against the meeting's delegations. It is built in
// one place (state.outcomeView) for REST, live pushes, search and exports
// alike, and never stored.
type OutcomeView struct {
	Outcome
	// Agreement reads "agreed — 5 of 5 delegations" once agreed.
	SignedOff   int    `json:"signed_off"`
	Delegations int    `json:"delegations"`
	Agreement   string `json:"agreement"`
}

// Validate checks the outcome on its own; the Service checks its sources
// against the session's record.
func (o *Outcome) Validate() error {
	if !o.Kind.Valid() {
		return Invalid("kind", "unknown kind %q (one of decision, recommendation, finding)", o.Kind)
	}
	if strings.TrimSpace(o.Text) == "" {
		return Invalid("text", "text is required")
	}
	if utf8.RuneCountInString(o.Text) > MaxOutcomeLength {
		return Invalid("text", "text is longer than %d characters", MaxOutcomeLength)
	}
	if err := ValidLongText("text", o.Text); err != nil {
		return err
	}
	if !o.Marking.Valid() {
		return Invalid("marking", "unknown marking %q (one of all, delegations, heads)", o.Marking)
	}
	if !o.Status.Valid() {
		return Invalid("status", "unknown status %q (one of draft, agreed)", o.Status)
	}
	if len(o.Sources) > MaxOutcomeSources {
		return Invalid("sources", "an outcome cites at most %d notes", MaxOutcomeSources)
	}
	for i, seq := range o.Sources {
		if seq < 1 {
			return Invalid("sources", "source %d is not a note number (1 or more)", seq)
		}
		if i > 0 && o.Sources[i-1] == seq {
			return Invalid("sources", "note %d is cited twice", seq)
		}
	}
	if o.Status == OutcomeDraft && len(o.SignOffs) > 0 {
		return Invalid("status", "a draft outcome carries no sign-offs")
	}
	return nil
}

// outcomeView builds what a reader whose clearance in the outcome's session
// is c sees of o; nil when c does not cover o's marking.
func (st *state) outcomeView(o *Outcome, c Marking) *OutcomeView {
	if o == nil || !covers(c, o.Marking) {
		return nil
	}
	v := &OutcomeView{Outcome: *o}
	// A revision keeps the marking it had: lowering an outcome's marking
	// must not show its earlier, more restricted text to new readers.
	if i := slices.IndexFunc(o.History, func(r OutcomeRevision) bool { return !covers(c, r.Marking) }); i >= 0 {
		v.History = slices.DeleteFunc(slices.Clone(o.History), func(r OutcomeRevision) bool { return !covers(c, r.Marking) })
	}
	v.Agreement = "draft"
	if m := st.meetings[o.MeetingID]; m != nil {
		v.Delegations = len(m.Delegations)
		for _, so := range o.SignOffs {
			if slices.Contains(m.Delegations, so.Delegation) {
				v.SignedOff++
			}
		}
	}
	if o.Status == OutcomeAgreed {
		v.Agreement = fmt.Sprintf("agreed — %d of %d delegations", v.SignedOff, v.Delegations)
	}
	return v
}

// ---- Actions ----

// ActionStatus is where an action stands.
type ActionStatus string

const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in-progress"
	ActionDone       ActionStatus = "done"
	ActionBlocked    ActionStatus = "blocked"
	ActionDropped    ActionStatus = "dropped"
)

// ActionStatuses lists every status in a stable order.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionBlocked, ActionDropped}

func (s ActionStatus) Valid() bool { return slices.Contains(ActionStatuses, s) }

// Pending reports whether work on the action is still due: it is neither
// done nor dropped. Pending actions are carried over to the next meeting.
func (s ActionStatus) Pending() bool {
	return s == ActionOpen || s == ActionInProgress || s == ActionBlocked
}

// actionTransitions says which status may follow which. A finished action
// is reopened, never blocked or dropped after the fact; a dropped one is
// revived as open before work resumes, so that the trail shows it.
var actionTransitions = map[ActionStatus][]ActionStatus{
	ActionOpen:       {ActionInProgress, ActionDone, ActionBlocked, ActionDropped},
	ActionInProgress: {ActionOpen, ActionDone, ActionBlocked, ActionDropped},
	ActionBlocked:    {ActionOpen, ActionInProgress, ActionDone, ActionDropped},
	ActionDone:       {ActionOpen, ActionInProgress},
	ActionDropped:    {ActionOpen},
}

// CheckTransition refuses a change of status that the rules do not allow
// (ECONFLICT: the request is well-formed, the action's state refuses it).
func CheckTransition(from, to ActionStatus) error {
	if !to.Valid() {
		return Invalid("status", "unknown status %q (one of open, in-progress, done, blocked, dropped)", to)
	}
	if from == to || slices.Contains(actionTransitions[from], to) {
		return nil
	}
	return &Error{Code: ECONFLICT, Field: "status",
		Message: fmt.Sprintf("An action that is %s cannot become %s.", from, to)}
}

// Limits of actions.
const (
	MaxActionTitle       = 300
	MaxActionDescription = 10000
	MaxReportLength      = 5000
	MaxReasonLength      = 2000
	// MaxReports bounds the trail inside one document (see MaxOutcomeRevisions).
	MaxReports = 1000
)

// ProgressReport is one dated entry of an action's trail. The trail is
// append-only; each entry records the status and progress it left.
type ProgressReport struct {
	At         time.Time    `json:"at" bson:"at"`
	Author     string       `json:"author" bson:"author"`           // user id
	AuthorName string       `json:"author_name" bson:"author_name"` // as it was when written
	Text       string       `json:"text" bson:"text"`
	Status     ActionStatus `json:"status" bson:"status"`
	Progress   int          `json:"progress" bson:"progress"`
	// Marking is the action's effective marking when the report was written;
	// the report is shown only to readers it covers.
	Marking Marking `json:"marking,omitempty" bson:"marking,omitempty"`
}

// Action is follow-up work owned by a delegation. Its origin is the meeting
// and, when it was promoted, the session, the outcome or the note (session +
// seq) it came from.
//
// An action carries a marking like the note or outcome it came from: one
// promoted from a note marked heads is marked heads too, so that the action
// list never shows what the note's readers alone may know.
type Action struct {
	ID          string           `json:"id" bson:"_id"`
	MeetingID   string           `json:"meeting_id" bson:"meeting_id"`
	SessionID   string           `json:"session_id,omitempty" bson:"session_id,omitempty"`
	OutcomeID   string           `json:"outcome_id,omitempty" bson:"outcome_id,omitempty"`
	NoteSeq     int64            `json:"note_seq,omitempty" bson:"note_seq,omitempty"`
	Title       string           `json:"title" bson:"title"`
	Description string           `json:"description" bson:"description"`
	Owner       string           `json:"owner" bson:"owner"` // delegation code
	Agency      string           `json:"agency" bson:"agency"`
	Contact     string           `json:"contact" bson:"contact"`
	Due         string           `json:"due" bson:"due"` // YYYY-MM-DD
	Status      ActionStatus     `json:"status" bson:"status"`
	Reason      string           `json:"reason,omitempty" bson:"reason,omitempty"` // why blocked or dropped
	Progress    int              `json:"progress" bson:"progress"`                 // 0–100
	Topics      []string         `json:"topics" bson:"topics"`                     // topic ids
	Marking     Marking          `json:"marking" bson:"marking"`
	Reports     []ProgressReport `json:"reports" bson:"reports"` // oldest first
	CreatedBy   string           `json:"created_by" bson:"created_by"`
	CreatedAt   time.Time        `json:"created_at" bson:"created_at"`
	UpdatedBy   string           `json:"updated_by" bson:"updated_by"`
	UpdatedName string           `json:"updated_by_name" bson:"updated_by_name"`
	UpdatedAt   time.Time        `json:"updated_at" bson:"updated_at"`
	Version     int64            `json:"version" bson:"version"`
}

// Validate checks the action on its own; the Service checks its owner,
// topics and origin against what it knows.
func (a *Action) Validate() error {
	if strings.TrimSpace(a.Title) == "" {
		return Invalid("title", "title is required")
	}
	if utf8.RuneCountInString(a.Title) > MaxActionTitle {
		return Invalid("title", "title is longer than %d characters", MaxActionTitle)
	}
	if err := ValidShortText("title", a.Title); err != nil {
		return err
	}
	if utf8.RuneCountInString(a.Description) > MaxActionDescription {
		return Invalid("description", "description is longer than %d characters", MaxActionDescription)
	}
	if err := ValidLongText("description", a.Description); err != nil {
		return err
	}
	if a.Owner == "" {
		return Invalid("owner", "owner delegation is required")
	}
	if !delegationCode.MatchString(a.Owner) {
		return Invalid("owner", "owner %q is not a delegation code (two capital letters)", a.Owner)
	}
	if utf8.RuneCountInString(a.Agency) > 200 {
		return Invalid("agency", "agency is longer than 200 characters")
	}
	if err := ValidShortText("agency", a.Agency); err != nil {
		return err
	}
	if utf8.RuneCountInString(a.Contact) > 200 {
		return Invalid("contact", "contact is longer than 200 characters")
	}
	if err := ValidShortText("contact", a.Contact); err != nil {
		return err
	}
	if err := ValidateDate("due", a.Due); err != nil {
		return err
	}
	if !a.Status.Valid() {
		return Invalid("status", "unknown status %q (one of open, in-progress, done, blocked, dropped)", a.Status)
	}
	if a.Progress < 0 || a.Progress > 100 {
		return Invalid("progress", "progress must be between 0 and 100, not %d", a.Progress)
	}
	if a.Status == ActionDone && a.Progress != 100 {
		return Invalid("progress", "a done action is at 100%%, not %d%%", a.Progress)
	}
	if (a.Status == ActionBlocked || a.Status == ActionDropped) && strings.TrimSpace(a.Reason) == "" {
		return Invalid("reason", "say why the action is %s: reason is required", a.Status)
	}
	if utf8.RuneCountInString(a.Reason) > MaxReasonLength {
		return Invalid("reason", "reason is longer than %d characters", MaxReasonLength)
	}
	if err := ValidLongText("reason", a.Reason); err != nil {
		return err
	}
	if !a.Marking.Valid() {
		return Invalid("marking", "unknown marking %q (one of all, delegations, heads)", a.Marking)
	}
	if hasDuplicates(a.Topics) {
		return Invalid("topics", "a topic is listed twice")
	}
	if err := validIDs("topics", a.Topics); err != nil {
		return err
	}
	for _, ref := range [][2]string{{"meeting_id", a.MeetingID}, {"session_id", a.SessionID}, {"outcome_id", a.OutcomeID}} {
		if ref[1] != "" {
			if err := ValidID(ref[0], ref[1]); err != nil {
				return err
			}
		}
	}
	if a.NoteSeq < 0 {
		return Invalid("note_seq", "note_seq must be 1 or more")
	}
	if a.NoteSeq > 0 && a.SessionID == "" {
		return Invalid("session_id", "a note is named by its session and seq: session_id is required")
	}
	if len(a.Reports) > MaxReports {
		return Invalid("reports", "an action keeps at most %d progress reports", MaxReports)
	}
	return nil
}

// ValidateDate checks that s is a calendar date, YYYY-MM-DD.
func ValidateDate(field, s string) error {
	if s == "" {
		return Invalid(field, "%s is required (YYYY-MM-DD)", field)
	}
	if _, err := time.Parse(DateLayout, s); err != nil {
		return Invalid(field, "%s %q is not a date (YYYY-MM-DD)", field, s)
	}
	return nil
}

// DueClass sorts a pending action by its due date as seen on day today
// (YYYY-MM-DD): overdue, due within 30 days, or on track. Actions that are
// done or dropped are in classes of their own.
type DueClass string

const (
	DueOverdue DueClass = "overdue"
	DueSoon    DueClass = "due_soon"
	DueOnTrack DueClass = "on_track"
	DueDone    DueClass = "done"
	DueDropped DueClass = "dropped"
)

// DueSoonDays is how far ahead "due soon" looks.
const DueSoonDays = 30

// Class returns the action's class on day today; soon is today + DueSoonDays.
// Dates in YYYY-MM-DD compare as strings.
func (a *Action) Class(today, soon string) DueClass {
	switch {
	case a.Status == ActionDone:
		return DueDone
	case a.Status == ActionDropped:
		return DueDropped
	case a.Due < today:
		return DueOverdue
	case a.Due <= soon:
		return DueSoon
	default:
		return DueOnTrack
	}
}
