package conference

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

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
	if err := oneOf("status", "status", to, ActionStatuses); err != nil {
		return err
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
	// MaxActionRevisions bounds the history kept inside one document; the
	// oldest revisions go first.
	MaxActionRevisions = 200
	// MaxProposedTitle is how long a title proposed from a note's text may be:
	// a title is read in a list, the note's whole text stays the description.
	MaxProposedTitle = 120
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
	// History holds every edit of the action's fields, oldest first, each with
	// who and when; a handover to another delegation is one of them.
	History     []Revision `json:"history,omitempty" bson:"history,omitempty"`
	CreatedBy   string     `json:"created_by" bson:"created_by"`
	CreatedAt   time.Time  `json:"created_at" bson:"created_at"`
	UpdatedBy   string     `json:"updated_by" bson:"updated_by"`
	UpdatedName string     `json:"updated_by_name" bson:"updated_by_name"`
	UpdatedAt   time.Time  `json:"updated_at" bson:"updated_at"`
	Version     int64      `json:"version" bson:"version"`
	Example     bool       `json:"example,omitempty" bson:"example,omitempty"` // demo data, shown as such
}

// Validate checks the action on its own; the Service checks its owner,
// topics and origin against what it knows.
func (a *Action) Validate() error {
	var v fieldChecks
	v.check(
		requireLine("title", a.Title, MaxActionTitle),
		checkLines("description", a.Description, MaxActionDescription),
	)
	if a.Owner == "" {
		v.check(Invalid("owner", "Choose the delegation that owns the action."))
	} else if !delegationCode.MatchString(a.Owner) {
		v.check(Invalid("owner", "The owner must be a delegation code of two capital letters, such as NZ; %q is not one.", a.Owner))
	}
	v.check(
		checkLine("agency", a.Agency, 200),
		checkLine("contact", a.Contact, 200),
	)
	v.check(ValidateDate("due", a.Due))
	v.check(oneOf("status", "status", a.Status, ActionStatuses))
	if a.Progress < 0 || a.Progress > 100 {
		v.check(Invalid("progress", "Progress is a percentage from 0 to 100; %d is outside it.", a.Progress))
	} else if a.Status == ActionDone && a.Progress != 100 {
		v.check(Invalid("progress", "A done action is at 100%%; set the progress to 100 or choose another status."))
	}
	if (a.Status == ActionBlocked || a.Status == ActionDropped) && strings.TrimSpace(a.Reason) == "" {
		v.check(Invalid("reason", "Say why the action is %s.", a.Status))
	}
	v.check(
		checkLines("reason", a.Reason, MaxReasonLength),
		oneOf("marking", "marking", a.Marking, Markings),
	)
	if hasDuplicate(a.Topics) {
		v.check(Invalid("topics", "A topic is listed twice; list each topic once."))
	}
	v.check(validIDs("topics", a.Topics))
	for _, ref := range [][2]string{{"meeting_id", a.MeetingID}, {"session_id", a.SessionID}, {"outcome_id", a.OutcomeID}} {
		if ref[1] != "" {
			v.check(ValidID(ref[0], ref[1]))
		}
	}
	if a.NoteSeq < 0 {
		v.check(Invalid("note_seq", "A note's number is 1 or more."))
	}
	if a.NoteSeq > 0 && a.SessionID == "" {
		v.check(Invalid("session_id", "A note is named by its session and number: choose the session too."))
	}
	if len(a.Reports) > MaxReports {
		v.check(Invalid("reports", "An action keeps at most %d progress reports.", MaxReports))
	}
	return v.err()
}

// CheckDueFloor refuses a due date before the first day of the meeting the
// action comes from: work agreed at a meeting cannot have been due before it
// (an action due on 2013-01-01 from the 2014 meeting is overdue the moment it
// exists). A malformed date is Validate's to report.
func CheckDueFloor(due string, m *Meeting) *Error {
	if m == nil || m.StartDate == "" || len(due) != len(DateLayout) || due >= m.StartDate {
		return nil
	}
	return Invalid("due", "The due date cannot be before the meeting the action comes from (%s, which starts on %s).",
		m.Title, m.StartDate)
}

// LastReported is when the latest progress report was filed; zero without one.
func (a *Action) LastReported() time.Time {
	if len(a.Reports) == 0 {
		return time.Time{}
	}
	return a.Reports[len(a.Reports)-1].At
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

// ActionInput is what it takes to create an action. The origin is one of:
// an outcome (outcome_id), a note (session_id and note_seq), a session
// (session_id), or the meeting alone (meeting_id).
type ActionInput struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Owner       string   `json:"owner"`
	Agency      string   `json:"agency"`
	Contact     string   `json:"contact"`
	Due         string   `json:"due"`
	Topics      []string `json:"topics"` // defaults to the origin session's topics
	Marking     Marking  `json:"marking"`
	MeetingID   string   `json:"meeting_id"`
	SessionID   string   `json:"session_id"`
	NoteSeq     int64    `json:"note_seq"`
	OutcomeID   string   `json:"outcome_id"`
	Example     bool     `json:"example"` // the secretariat only: demonstration data
}

// ActionUpdate changes some fields of an action; nil fields stay. Version is
// the version the editor saw and is required: a stale one gets ESTALE
// with the current action, never a silent overwrite.
type ActionUpdate struct {
	Title       *string       `json:"title"`
	Description *string       `json:"description"`
	Owner       *string       `json:"owner"`
	Agency      *string       `json:"agency"`
	Contact     *string       `json:"contact"`
	Due         *string       `json:"due"`
	Status      *ActionStatus `json:"status"`
	Reason      *string       `json:"reason"`
	Progress    *int          `json:"progress"`
	Topics      *[]string     `json:"topics"`
	Marking     *Marking      `json:"marking"`
	Version     *int64        `json:"version"`
}

// ReportInput is a progress report; it may move the status and progress on
// in the same step. A report that blocks or drops the action without a
// reason gives its text as the reason.
type ReportInput struct {
	Text     string        `json:"text"`
	Status   *ActionStatus `json:"status"`
	Progress *int          `json:"progress"`
	Reason   *string       `json:"reason"`
	Version  *int64        `json:"version"`
}

// ---- reading ----

// ActionFilter narrows the action list. Zero fields do not filter.
type ActionFilter struct {
	MeetingID    string         // origin meeting
	Topic        string         // topic id or slug
	Owners       []string       // delegation codes, any of these
	Status       []ActionStatus // any of these
	Overdue      bool           // pending and due before today
	DueSoon      bool           // pending and due from today to DueSoonDays ahead
	DueBefore    string         // YYYY-MM-DD, exclusive
	ChangedSince time.Time      // updated at or after
}

// Validate checks the filter's values, naming the query parameter at fault.
func (f *ActionFilter) Validate() error {
	for _, st := range f.Status {
		if err := oneOf("status", "status", st, ActionStatuses); err != nil {
			return err
		}
	}
	if f.DueBefore != "" {
		if err := ValidateDate("due_before", f.DueBefore); err != nil {
			return err
		}
	}
	for _, o := range f.Owners {
		if !delegationCode.MatchString(o) {
			return Invalid("owner", "The owner %q is not a delegation code: use two capital letters, such as NZ.", o)
		}
	}
	return nil
}

// Today returns the calendar day of now and the last day counted as "due
// soon". Due dates are calendar days without a time zone: the day is UTC's,
// the same for every delegation, so that two readers never see one action
// classed differently.
func (s *Service) Today() (today, soon string) {
	now := s.Now().UTC()
	return now.Format(DateLayout), now.AddDate(0, 0, DueSoonDays).Format(DateLayout)
}

// Actions returns the actions that match f and that actor may read, by due
// date, then owner, then creation.
func (s *Service) Actions(ctx context.Context, actor *User, f ActionFilter) ([]*Action, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	out, err := s.filterActions(actor, f)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, compareActions)
	return out, nil
}

// filterActions returns the actions that match f and that actor may read,
// in no particular order.
func (s *Service) filterActions(actor *User, f ActionFilter) ([]*Action, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	today, soon := s.Today()
	var out []*Action
	var err error
	s.read(func(st *state) {
		topicID := ""
		if f.Topic != "" {
			t := st.topicByIDOrSlug(f.Topic)
			if t == nil {
				err = Invalid("topic", "There is no topic %q.", f.Topic)
				return
			}
			topicID = t.ID
		}
		out = make([]*Action, 0, 64)
		c := actor.Clearance()
		// Only a session's insiders read more in some sessions than their
		// clearance: everyone else's clearance holds for every action.
		inside := c != MarkingHeads && len(st.byInsider[actor.ID]) > 0
		for _, a := range st.actions {
			if !f.matches(a, topicID, today, soon) {
				continue
			}
			ca := c
			if inside && a.SessionID != "" {
				ca = st.clearanceIn(actor, a.SessionID)
			}
			if v := st.actionView(a, ca); v != nil {
				out = append(out, v)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (f *ActionFilter) matches(a *Action, topicID, today, soon string) bool {
	switch {
	case f.MeetingID != "" && a.MeetingID != f.MeetingID,
		len(f.Owners) > 0 && !slices.Contains(f.Owners, a.Owner),
		topicID != "" && !slices.Contains(a.Topics, topicID),
		len(f.Status) > 0 && !slices.Contains(f.Status, a.Status),
		f.Overdue && !(a.Status.Pending() && a.Due < today),
		f.DueSoon && !(a.Status.Pending() && a.Due >= today && a.Due <= soon),
		f.DueBefore != "" && !(a.Due < f.DueBefore),
		!f.ChangedSince.IsZero() && a.UpdatedAt.Before(f.ChangedSince):
		return false
	}
	return true
}

// compareActions orders by due date, owner, creation and id. It returns at
// the first difference: cmp.Or would compute every comparison, and sorting
// ten thousand actions makes a hundred thousand calls.
func compareActions(a, b *Action) int {
	if a.Due != b.Due {
		return strings.Compare(a.Due, b.Due)
	}
	if a.Owner != b.Owner {
		return strings.Compare(a.Owner, b.Owner)
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// Action returns one action, when actor may read it; one above the reader's
// clearance is "not found".
func (s *Service) Action(ctx context.Context, actor *User, id string) (*Action, error) {
	return findSeen(s, actor, func(st *state) *Action { return st.actions[id] },
		func(a *Action) string { return a.SessionID }, (*state).actionView, "No action %q.", id)
}

// ActionView returns what a reader whose clearance in the action's session is
// c sees of a, or nil: the live hub encodes each action once per level.
func (s *Service) ActionView(a *Action, c Marking) *Action {
	return viewAt(s, a, c, (*state).actionView)
}

// DerivedActions returns the actions drawn from outcome id, as stored. Their
// effective marking follows the outcome's read marking, so the live hub tells
// them again when an outcome is agreed or reopened.
func (s *Service) DerivedActions(outcomeID string) []*Action {
	var out []*Action
	s.read(func(st *state) {
		for _, a := range st.actions {
			if a.OutcomeID == outcomeID {
				out = append(out, a)
			}
		}
	})
	slices.SortFunc(out, compareActions)
	return out
}

// actionView is an action as a reader whose clearance (in its session) is c
// sees it: under its effective marking, with the progress reports whose
// marking when written c covers. It is the stored action itself when the
// two agree, as they almost always do: the action list copies nothing then.
// The result is read-only; writes start from the stored action.
func (st *state) actionView(a *Action, c Marking) *Action {
	m := st.actionMarking(a)
	if !covers(c, m) {
		return nil
	}
	hidden := func(r ProgressReport) bool { return !covers(c, cmp.Or(r.Marking, m)) }
	hiddenRev := func(r Revision) bool { return !covers(c, cmp.Or(r.Marking, m)) }
	// A report or revision is marked at most as the action was when it was
	// written; only an action lowered since (guarded) can hold one above its
	// marking now.
	if m == a.Marking && (c == MarkingHeads || !st.guarded[a.ID] ||
		(!slices.ContainsFunc(a.Reports, hidden) && !slices.ContainsFunc(a.History, hiddenRev))) {
		return a
	}
	v := *a
	v.Marking = m
	v.Reports = slices.DeleteFunc(slices.Clone(a.Reports), hidden)
	if v.History != nil {
		v.History = slices.DeleteFunc(slices.Clone(a.History), hiddenRev)
	}
	return &v
}

// ---- writing ----

// CreateAction records follow-up work. The secretariat creates any action;
// a session's rapporteurs (and chair) create actions from its notes and
// outcomes; a follow-up team creates its own delegation's actions.
func (s *Service) CreateAction(ctx context.Context, actor *User, in ActionInput) (*Action, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.createAction(ctx, actor, in)
}

// PromoteNoteToAction creates an action from one note in one step; the
// note's text is the default title and its marking the least the action
// carries.
func (s *Service) PromoteNoteToAction(ctx context.Context, actor *User, sessionID string, seq int64, in ActionInput) (*Action, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if in.SessionID != "" && in.SessionID != sessionID {
		return nil, Invalid("session_id", "The session does not match the note's session.")
	}
	if in.NoteSeq != 0 && in.NoteSeq != seq {
		return nil, Invalid("note_seq", "The note's number does not match the note.")
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	n, err := s.readableNote(actor, sessionID, seq)
	if err != nil {
		return nil, err
	}
	in.SessionID, in.NoteSeq = sessionID, seq
	if strings.TrimSpace(in.Title) == "" {
		in.Title = ProposedTitle(n.Text)
		if in.Description == "" && in.Title != strings.TrimSpace(n.Text) {
			in.Description = n.Text
		}
	}
	return s.createAction(ctx, actor, in)
}

// ProposedTitle is the title an action promoted from a note starts with: the
// note's first sentence (or first line), at most MaxProposedTitle characters,
// cut at a word boundary with an ellipsis when longer. The web app proposes
// the same (frontend/src/lib/actions.ts) and lets the user edit it.
func ProposedTitle(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	// A sentence ends at ".", "!" or "?" followed by a space; "e.g. x" and
	// "1.5" are cut there too, which a user fixes before saving.
	for i := 0; i+1 < len(line); i++ {
		if (line[i] == '.' || line[i] == '!' || line[i] == '?') && line[i+1] == ' ' {
			line = line[:i+1]
			break
		}
	}
	if utf8.RuneCountInString(line) <= MaxProposedTitle {
		return line
	}
	r := []rune(line)[:MaxProposedTitle] // room for the ellipsis is made below
	cut := string(r[:MaxProposedTitle-1])
	if i := strings.LastIndexAny(cut, " \t"); i > 0 && r[MaxProposedTitle-1] != ' ' {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \t,;:") + "…"
}

// createAction expects writeMu held.
func (s *Service) createAction(ctx context.Context, actor *User, in ActionInput) (*Action, error) {
	now := s.Now()
	a := Action{
		ID:          s.NewID(),
		MeetingID:   strings.TrimSpace(in.MeetingID),
		SessionID:   strings.TrimSpace(in.SessionID),
		OutcomeID:   strings.TrimSpace(in.OutcomeID),
		NoteSeq:     in.NoteSeq,
		Title:       strings.TrimSpace(in.Title),
		Description: strings.TrimSpace(in.Description),
		Owner:       strings.ToUpper(strings.TrimSpace(in.Owner)),
		Agency:      strings.TrimSpace(in.Agency),
		Contact:     strings.TrimSpace(in.Contact),
		Due:         strings.TrimSpace(in.Due),
		Status:      ActionOpen,
		Topics:      in.Topics,
		Marking:     in.Marking,
		Reports:     []ProgressReport{},
		CreatedBy:   actor.ID,
		CreatedAt:   now,
		UpdatedBy:   actor.ID,
		UpdatedName: actor.Name,
		UpdatedAt:   now,
		Version:     1,
		Example:     in.Example,
	}
	if a.Example && !actor.MayMarkExample() {
		return nil, &Error{Code: EFORBIDDEN, Field: "example", Message: "Only the secretariat may mark an action as an example."}
	}
	origin, err := s.resolveOrigin(actor, &a)
	if err != nil {
		return nil, err
	}
	if a.Topics == nil {
		a.Topics = slices.Clone(origin.topics)
	}
	a.Topics = nonNil(a.Topics)
	if a.Marking == "" {
		a.Marking = mostRestricted(origin.floor, MarkingAll)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkDueFloor(&a); err != nil {
		return nil, err
	}
	if err := checkMarkingFloor(a.Marking, origin.floor, "its "+origin.what); err != nil {
		return nil, err
	}
	if err := checkMarkingCeiling(actor.ClearanceIn(origin.session), a.Marking); err != nil {
		return nil, err
	}
	if err := s.checkActionRefs(&a); err != nil {
		return nil, err
	}
	// Who may create depends on the origin, known only now.
	switch {
	case actor.MayCreateAction(origin.session, a.Owner):
	case actor.Has(RoleFollowup):
		return nil, Errorf(EFORBIDDEN, "A follow-up team creates actions for its own delegation (%s) only.", actor.Delegation)
	case actor.Has(RoleRapporteur):
		return nil, Errorf(EFORBIDDEN, "A rapporteur creates actions from the notes and outcomes of their own sessions.")
	default:
		return nil, Errorf(EFORBIDDEN, "Your role may read actions but not create them.")
	}
	if err := s.insert(ctx, Actions, a.ID, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

type actionOrigin struct {
	session *Session
	topics  []string
	floor   Marking // the least marking the action may carry
	what    string  // what it came from, for messages
}

// resolveOrigin fills the action's meeting and session from its outcome or
// session, and checks that what it names exists and that actor may read it.
func (s *Service) resolveOrigin(actor *User, a *Action) (actionOrigin, error) {
	var o actionOrigin
	if a.OutcomeID != "" {
		var oc *Outcome
		s.read(func(st *state) {
			if oc = st.outcomes[a.OutcomeID]; !st.mayReadOutcome(actor, oc) {
				oc = nil
			}
		})
		if oc == nil {
			return o, Invalid("outcome_id", "There is no outcome %q.", a.OutcomeID)
		}
		if a.SessionID != "" && a.SessionID != oc.SessionID {
			return o, Invalid("session_id", "The session does not match the outcome's session.")
		}
		if a.MeetingID != "" && a.MeetingID != oc.MeetingID {
			return o, Invalid("meeting_id", "The meeting does not match the outcome's meeting.")
		}
		a.SessionID, a.MeetingID = oc.SessionID, oc.MeetingID
		o.floor, o.what = oc.Marking, "outcome"
	}
	if a.SessionID != "" {
		var se *Session
		s.read(func(st *state) { se = st.sessions[a.SessionID] })
		if se == nil {
			return o, Invalid("session_id", "There is no session %q.", a.SessionID)
		}
		if a.MeetingID != "" && a.MeetingID != se.MeetingID {
			return o, Invalid("meeting_id", "The meeting does not match the session's meeting.")
		}
		a.MeetingID = se.MeetingID
		o.session, o.topics = se, se.Topics
		if o.what == "" {
			o.what = "session"
		}
	}
	if a.NoteSeq != 0 {
		if a.SessionID == "" {
			return o, Invalid("session_id", "A note is named by its session and number: choose the session too.")
		}
		n, err := s.readableNote(actor, a.SessionID, a.NoteSeq)
		if err != nil {
			return o, Invalid("note_seq", "Note %d is not in this session's record.", a.NoteSeq)
		}
		o.floor = mostRestricted(o.floor, n.Marking)
		if o.what == "session" {
			o.what = "note"
		}
	}
	if a.MeetingID == "" {
		return o, Invalid("meeting_id", "Choose the meeting the action comes from (or give the session or outcome it comes from).")
	}
	var m *Meeting
	s.read(func(st *state) { m = st.meetings[a.MeetingID] })
	if m == nil {
		return o, Invalid("meeting_id", "There is no meeting %q.", a.MeetingID)
	}
	if o.what == "" {
		o.what = "meeting"
	}
	return o, nil
}

func (s *Service) checkActionRefs(a *Action) error {
	var err error
	s.read(func(st *state) {
		if st.delegations[a.Owner] == nil {
			err = Invalid("owner", "There is no delegation %q to own the action.", a.Owner)
			return
		}
		for _, id := range a.Topics {
			if st.topics[id] == nil {
				err = Invalid("topics", "There is no topic %q.", id)
				return
			}
		}
	})
	return err
}

// UpdateAction edits an action. The secretariat edits every action; a
// follow-up team only its own delegation's. A stale version is refused with
// the current action; status changes follow CheckTransition; done sets the
// progress to 100.
func (s *Service) UpdateAction(ctx context.Context, actor *User, id string, upd ActionUpdate) (*Action, error) {
	return writeSeen(s, actor, upd.Version, "Send the version you edited (version).",
		func(seen int64) (*Action, error) { return s.editableAction(actor, id, seen) },
		func(old *Action, _ int64) (*Action, error) {
			a := *old
			setTrimmed(&a.Title, upd.Title)
			setTrimmed(&a.Description, upd.Description)
			if upd.Owner != nil {
				a.Owner = strings.ToUpper(strings.TrimSpace(*upd.Owner))
			}
			setTrimmed(&a.Agency, upd.Agency)
			setTrimmed(&a.Contact, upd.Contact)
			setTrimmed(&a.Due, upd.Due)
			if upd.Topics != nil {
				a.Topics = nonNil(*upd.Topics)
			}
			if upd.Marking != nil {
				a.Marking = *upd.Marking
			}
			if err := applyStatus(&a, old, upd.Status, upd.Progress, upd.Reason); err != nil {
				return nil, err
			}
			if a.Owner != old.Owner && !actor.MayReassignAction(old) {
				return nil, &Error{Code: EFORBIDDEN, Field: "owner", Message: "Only the owner delegation's follow-up team and the secretariat hand an action to another delegation."}
			}
			if sameAction(&a, old) {
				return old, nil // nothing to change: no new version, nothing written
			}
			return s.saveAction(ctx, actor, old, &a)
		})
}

// ReportProgress appends a dated report to the action's trail and, in the
// same step, moves its status and progress on when asked.
func (s *Service) ReportProgress(ctx context.Context, actor *User, id string, in ReportInput) (*Action, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return nil, Invalid("text", "A progress report needs text: write what has been done.")
	}
	if utf8.RuneCountInString(text) > MaxReportLength {
		return nil, Invalid("text", "The report is longer than %d characters.", MaxReportLength)
	}
	if err := ValidLongText("text", text); err != nil {
		return nil, err
	}
	return writeSeen(s, actor, in.Version, "Send the version you reported on (version).",
		func(seen int64) (*Action, error) { return s.editableAction(actor, id, seen) },
		func(old *Action, _ int64) (*Action, error) {
			a := *old
			reason := in.Reason
			if in.Status != nil && (*in.Status == ActionBlocked || *in.Status == ActionDropped) && reason == nil {
				reason = &text
			}
			if err := applyStatus(&a, old, in.Status, in.Progress, reason); err != nil {
				return nil, err
			}
			if len(old.Reports) >= MaxReports {
				return nil, Errorf(ECONFLICT, "The action has %d progress reports, the most one action keeps.", MaxReports)
			}
			// A report keeps the marking the action had when it was written, as an
			// outcome's revision does: lowering the action later does not show it.
			var marking Marking
			s.read(func(st *state) { marking = st.actionMarking(&a) })
			a.Reports = append(slices.Clone(old.Reports), ProgressReport{
				At: s.Now(), Author: actor.ID, AuthorName: actor.Name, Text: text, Status: a.Status, Progress: a.Progress,
				Marking: marking,
			})
			return s.saveAction(ctx, actor, old, &a)
		})
}

// sameAction reports whether an edit left every editable field as it was.
func sameAction(a, b *Action) bool {
	return a.Title == b.Title && a.Description == b.Description && a.Owner == b.Owner &&
		a.Agency == b.Agency && a.Contact == b.Contact && a.Due == b.Due && a.Status == b.Status &&
		a.Reason == b.Reason && a.Progress == b.Progress && a.Marking == b.Marking && slices.Equal(a.Topics, b.Topics)
}

// editableAction returns the action when actor may edit it and version is
// current. It expects writeMu held, so that the version cannot move between
// this check and the write.
func (s *Service) editableAction(actor *User, id string, version int64) (*Action, error) {
	var old, view *Action
	s.read(func(st *state) {
		if old = st.actions[id]; old != nil {
			view = st.actionView(old, st.clearanceIn(actor, old.SessionID))
		}
	})
	if view == nil {
		return nil, Errorf(ENOTFOUND, "No action %q.", id)
	}
	if !actor.MayEditAction(old) {
		if actor.Has(RoleFollowup) {
			return nil, Errorf(EFORBIDDEN, "This action belongs to %s; a follow-up team edits its own delegation's (%s) actions only.", old.Owner, actor.Delegation)
		}
		return nil, Errorf(EFORBIDDEN, "Only the owner delegation's follow-up team and the secretariat edit an action.")
	}
	if version != old.Version {
		return nil, &Error{Code: ESTALE, Field: "version", Current: view,
			Message: "The action was updated by " + nameOr(old.UpdatedName, "someone else") + " at " +
				old.UpdatedAt.UTC().Format("15:04 MST") + "; review their change, then save again."}
	}
	return old, nil
}

// applyStatus moves a's status, progress and reason as asked, by the rules:
// the transition must be allowed, done means 100%, blocked and dropped need
// a reason, and the reason goes when the action is neither.
func applyStatus(a, old *Action, status *ActionStatus, progress *int, reason *string) error {
	if status != nil {
		if err := CheckTransition(old.Status, *status); err != nil {
			return err
		}
		a.Status = *status
	}
	if progress != nil {
		a.Progress = *progress
	}
	if reason != nil {
		a.Reason = strings.TrimSpace(*reason)
	}
	if a.Status == ActionDone && a.Status != old.Status && progress == nil {
		a.Progress = 100
	}
	if a.Status != ActionBlocked && a.Status != ActionDropped {
		a.Reason = ""
	} else if a.Status != old.Status && reason == nil {
		// A new block or drop needs its own reason, not a stale one.
		a.Reason = ""
	}
	return nil
}

// checkDueFloor applies CheckDueFloor with the action's meeting.
func (s *Service) checkDueFloor(a *Action) error {
	var m *Meeting
	s.read(func(st *state) { m = st.meetings[a.MeetingID] })
	if err := CheckDueFloor(a.Due, m); err != nil {
		return err
	}
	return nil
}

// diffActions lists the editable fields that differ between a and b, as
// text, for the action's history. Status, progress and reason are left to
// the progress reports unless they changed without one.
func diffActions(a, b *Action) []FieldChange {
	var out []FieldChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: field, From: from, To: to})
		}
	}
	add("title", a.Title, b.Title)
	add("description", a.Description, b.Description)
	add("owner", a.Owner, b.Owner)
	add("agency", a.Agency, b.Agency)
	add("contact", a.Contact, b.Contact)
	add("due", a.Due, b.Due)
	add("status", string(a.Status), string(b.Status))
	add("progress", fmt.Sprint(a.Progress), fmt.Sprint(b.Progress))
	add("reason", a.Reason, b.Reason)
	add("topics", strings.Join(a.Topics, ", "), strings.Join(b.Topics, ", "))
	add("marking", string(a.Marking), string(b.Marking))
	return out
}

// Kinds of action revision.
const (
	RevisionUpdated    = "updated"
	RevisionHandedOver = "handed over" // the owner delegation changed
	RevisionReported   = "reported"    // a progress report moved status or progress
)

// LastHandover is the latest handover in a's history as this copy holds it
// (a reader's view holds only the revisions the reader may read), or nil.
func (a *Action) LastHandover() *Handover {
	for i := len(a.History) - 1; i >= 0; i-- {
		r := a.History[i]
		if r.Action != RevisionHandedOver {
			continue
		}
		for _, c := range r.Changes {
			if c.Field == "owner" {
				return &Handover{From: c.From, To: c.To, ByName: r.ByName, At: r.At}
			}
		}
	}
	return nil
}

// saveAction validates a, checks its references and writes it as the next
// version, with a revision in its history for what changed. It expects
// writeMu held.
func (s *Service) saveAction(ctx context.Context, actor *User, old, a *Action) (*Action, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if a.Due != old.Due {
		// Only a changed date is held to the floor: an older action with an
		// earlier date stays editable in its other fields.
		if err := s.checkDueFloor(a); err != nil {
			return nil, err
		}
	}
	if err := s.checkActionRefs(a); err != nil {
		return nil, err
	}
	if a.Marking != old.Marking {
		floor, what := s.originFloor(a)
		if err := checkMarkingFloor(a.Marking, floor, "its "+what); err != nil {
			return nil, err
		}
		var c Marking
		s.read(func(st *state) { c = st.clearanceIn(actor, a.SessionID) })
		if err := checkMarkingCeiling(c, a.Marking); err != nil {
			return nil, err
		}
	}
	a.Version = old.Version + 1
	a.UpdatedBy, a.UpdatedName, a.UpdatedAt = actor.ID, actor.Name, s.Now()
	if changes := diffActions(old, a); len(changes) > 0 {
		kind := RevisionUpdated
		switch {
		case a.Owner != old.Owner:
			kind = RevisionHandedOver
		case len(a.Reports) > len(old.Reports):
			kind = RevisionReported
		}
		// A revision is marked as the action is after the change, as a report
		// is: lowering it later does not show what was written under it.
		var marking Marking
		s.read(func(st *state) { marking = mostRestricted(st.actionMarking(old), st.actionMarking(a)) })
		a.History = append(slices.Clip(old.History), Revision{
			Version: a.Version, Action: kind, By: actor.ID, ByName: actor.Name, At: a.UpdatedAt,
			Changes: changes, Marking: marking,
		})
		if len(a.History) > MaxActionRevisions {
			a.History = a.History[len(a.History)-MaxActionRevisions:]
		}
	}
	if err := s.replace(ctx, Actions, a.ID, a); err != nil {
		return nil, err
	}
	return a, nil
}

// originFloor is the marking of what the action came from, read without
// regard to the editor's clearance: the floor holds for everyone.
func (s *Service) originFloor(a *Action) (Marking, string) {
	floor, what := Marking(""), "origin"
	s.read(func(st *state) {
		if oc := st.outcomes[a.OutcomeID]; oc != nil {
			floor, what = oc.Marking, "outcome"
		}
		if notes := st.notes[a.SessionID]; a.NoteSeq > 0 && a.NoteSeq <= int64(len(notes)) {
			if m := notes[a.NoteSeq-1].Marking; m.Level() > floor.Level() {
				floor, what = m, "note"
			}
		}
	})
	return floor, what
}
