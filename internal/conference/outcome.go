package conference

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

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

// SignOffWithdrawal is a sign-off its delegation's head took back, with why:
// the outcome keeps it so that the record says who withdrew, when and why.
type SignOffWithdrawal struct {
	SignOff       `bson:",inline"`
	WithdrawnBy   string    `json:"withdrawn_by" bson:"withdrawn_by"` // user id
	WithdrawnName string    `json:"withdrawn_by_name" bson:"withdrawn_by_name"`
	WithdrawnAt   time.Time `json:"withdrawn_at" bson:"withdrawn_at"`
	Reason        string    `json:"reason" bson:"reason"`
}

// SignOffWithdrawalInput is what a head sends to withdraw their delegation's
// sign-off: why.
type SignOffWithdrawalInput struct {
	Reason string `json:"reason"`
}

// MaxWithdrawalReason bounds the reason given for withdrawing a sign-off.
const MaxWithdrawalReason = 1000

// OutcomeRevision is an earlier state of an outcome, kept when it is edited,
// with who made the edit that replaced it and when.
type OutcomeRevision struct {
	Version int64         `json:"version" bson:"version"`
	Kind    OutcomeKind   `json:"kind" bson:"kind"`
	Text    string        `json:"text" bson:"text"`
	Sources []int64       `json:"sources" bson:"sources"`
	Marking Marking       `json:"marking" bson:"marking"`
	Status  OutcomeStatus `json:"status" bson:"status"`
	// SignOffs are those the state carried: reopening an agreed outcome asks
	// every delegation again, and its earlier sign-offs stay here.
	SignOffs     []SignOff `json:"sign_offs" bson:"sign_offs"`
	ReplacedBy   string    `json:"replaced_by" bson:"replaced_by"` // user id
	ReplacedName string    `json:"replaced_by_name" bson:"replaced_by_name"`
	ReplacedAt   time.Time `json:"replaced_at" bson:"replaced_at"`
}

// Outcome is a conclusion of a session, tied to the notes it came from.
type Outcome struct {
	ID            string              `json:"id" bson:"_id"`
	MeetingID     string              `json:"meeting_id" bson:"meeting_id"`
	SessionID     string              `json:"session_id" bson:"session_id"`
	Kind          OutcomeKind         `json:"kind" bson:"kind"`
	Text          string              `json:"text" bson:"text"`
	Sources       []int64             `json:"sources" bson:"sources"` // seqs of the session's notes, ascending
	Marking       Marking             `json:"marking" bson:"marking"`
	Status        OutcomeStatus       `json:"status" bson:"status"`
	SignOffs      []SignOff           `json:"sign_offs" bson:"sign_offs"`     // by delegation code
	Withdrawals   []SignOffWithdrawal `json:"withdrawals" bson:"withdrawals"` // oldest first
	History       []OutcomeRevision   `json:"history" bson:"history"`         // oldest first
	CreatedBy     string              `json:"created_by" bson:"created_by"`
	CreatedAt     time.Time           `json:"created_at" bson:"created_at"`
	UpdatedBy     string              `json:"updated_by" bson:"updated_by"`
	UpdatedByName string              `json:"updated_by_name" bson:"updated_by_name"`
	UpdatedAt     time.Time           `json:"updated_at" bson:"updated_at"`
	Version       int64               `json:"version" bson:"version"`
	Example       bool                `json:"example,omitempty" bson:"example,omitempty"` // demo data, shown as such
}

// OutcomeView is an outcome as one reader sees it: its history holds only
// the revisions whose marking at the time the reader may read, and its
// agreement is counted against the meeting's delegations. It is built in
// one place (state.outcomeView) for REST, live pushes, search and exports
// alike, and never stored.
type OutcomeView struct {
	Outcome
	// Agreement reads "agreed — AU, CA, GB, NZ signed; US pending" once
	// agreed: Signed and Pending are the meeting's delegation codes that
	// have and have not signed it off.
	SignedOff   int      `json:"signed_off"`
	Delegations int      `json:"delegations"`
	Signed      []string `json:"signed"`
	Pending     []string `json:"pending"`
	Agreement   string   `json:"agreement"`
}

// agreementText is the sign-off line of an agreed outcome.
func agreementText(signed, pending []string) string {
	switch {
	case len(pending) == 0 && len(signed) == 0:
		return "agreed"
	case len(signed) == 0:
		return "agreed — none signed yet; " + strings.Join(pending, ", ") + " pending"
	case len(pending) == 0:
		return "agreed — " + strings.Join(signed, ", ") + " signed"
	}
	return "agreed — " + strings.Join(signed, ", ") + " signed; " + strings.Join(pending, ", ") + " pending"
}

// Validate checks the outcome on its own; the Service checks its sources
// against the session's record.
func (o *Outcome) Validate() error {
	var v fieldChecks
	v.check(
		oneOf("kind", "kind", o.Kind, OutcomeKinds),
		requireLines("text", o.Text, MaxOutcomeLength),
		oneOf("marking", "marking", o.Marking, Markings),
		oneOf("status", "status", o.Status, OutcomeStatuses),
	)
	if len(o.Sources) > MaxOutcomeSources {
		v.check(Invalid("sources", "An outcome cites at most %d notes; remove some.", MaxOutcomeSources))
	}
	for i, seq := range o.Sources {
		if seq < 1 {
			v.check(Invalid("sources", "Source %d is not a note number: a note's number is 1 or more.", seq))
		}
		if i > 0 && o.Sources[i-1] == seq {
			v.check(Invalid("sources", "Note %d is cited twice; cite each note once.", seq))
		}
	}
	if o.Status == OutcomeDraft && len(o.SignOffs) > 0 {
		v.check(Invalid("status", "A draft outcome carries no sign-offs."))
	}
	return v.err()
}

// outcomeView builds what a reader whose clearance in the outcome's session
// is c sees of o; nil when c does not cover o's marking.
func (st *state) outcomeView(o *Outcome, c Marking) *OutcomeView {
	if o == nil || !covers(c, o.ReadMarking()) {
		return nil
	}
	v := &OutcomeView{Outcome: *o}
	// A revision keeps the marking it had: lowering an outcome's marking
	// must not show its earlier, more restricted text to new readers.
	if i := slices.IndexFunc(o.History, func(r OutcomeRevision) bool { return !covers(c, r.Marking) }); i >= 0 {
		v.History = slices.DeleteFunc(slices.Clone(o.History), func(r OutcomeRevision) bool { return !covers(c, r.Marking) })
	}
	v.Agreement = "draft"
	v.Signed, v.Pending = []string{}, []string{}
	v.Withdrawals = nonNil(o.Withdrawals)
	if m := st.meetings[o.MeetingID]; m != nil {
		v.Delegations = len(m.Delegations)
		codes := slices.Sorted(slices.Values(m.Delegations))
		for _, code := range codes {
			if slices.ContainsFunc(o.SignOffs, func(so SignOff) bool { return so.Delegation == code }) {
				v.Signed = append(v.Signed, code)
			} else if o.Status == OutcomeAgreed {
				v.Pending = append(v.Pending, code)
			}
		}
		v.SignedOff = len(v.Signed)
	}
	if o.Status == OutcomeAgreed {
		v.Agreement = agreementText(v.Signed, v.Pending)
	}
	return v
}

// outcomeTitle names an outcome, which has no title of its own: its kind and
// its session.
func (st *state) outcomeTitle(o *Outcome) string {
	title := string(o.Kind)
	if title != "" {
		title = string(title[0]-'a'+'A') + title[1:]
	}
	if se := st.sessions[o.SessionID]; se != nil {
		title += " — " + se.Title
	}
	return title
}

// OutcomeInput is what a rapporteur sends to draft an outcome.
type OutcomeInput struct {
	Kind    OutcomeKind `json:"kind"`
	Text    string      `json:"text"`
	Sources []int64     `json:"sources"` // seqs of the session's notes
	Marking Marking     `json:"marking"` // defaults to delegations, or the most restricted of the sources if higher
	Example bool        `json:"example"` // the secretariat only: demonstration data
}

// OutcomeUpdate changes some fields of an outcome; nil fields stay. Version
// is the version the editor saw and is required: a stale one is refused.
type OutcomeUpdate struct {
	Kind    *OutcomeKind   `json:"kind"`
	Text    *string        `json:"text"`
	Sources *[]int64       `json:"sources"`
	Marking *Marking       `json:"marking"`
	Status  *OutcomeStatus `json:"status"`
	Version *int64         `json:"version"`
}

// Outcomes returns the outcomes of a session that actor may read, in the
// order they were drafted.
func (s *Service) Outcomes(ctx context.Context, actor *User, sessionID string) ([]*OutcomeView, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var se *Session
	var out []*OutcomeView
	s.read(func(st *state) {
		if se = st.sessions[sessionID]; se == nil {
			return
		}
		out = st.readableOutcomes(actor, func(o *Outcome) bool { return o.SessionID == sessionID })
	})
	if se == nil {
		return nil, Errorf(ENOTFOUND, "No session %q.", sessionID)
	}
	return out, nil
}

// MeetingOutcomes returns the outcomes of every session of a meeting that
// actor may read, in the order they were drafted.
func (s *Service) MeetingOutcomes(ctx context.Context, actor *User, meetingID string) ([]*OutcomeView, error) {
	if _, err := s.Meeting(ctx, actor, meetingID); err != nil {
		return nil, err
	}
	var out []*OutcomeView
	s.read(func(st *state) {
		out = st.readableOutcomes(actor, func(o *Outcome) bool { return o.MeetingID == meetingID })
	})
	return out, nil
}

func (st *state) readableOutcomes(actor *User, keep func(*Outcome) bool) []*OutcomeView {
	out := []*OutcomeView{}
	for _, o := range st.outcomes {
		if keep(o) {
			if v := st.outcomeView(o, st.clearanceIn(actor, o.SessionID)); v != nil {
				out = append(out, v)
			}
		}
	}
	slices.SortFunc(out, func(a, b *OutcomeView) int { return compareOutcomes(&a.Outcome, &b.Outcome) })
	return out
}

func compareOutcomes(a, b *Outcome) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
}

// Outcome returns one outcome, when actor may read it. An outcome above the
// reader's clearance is "not found": its existence is not theirs to know.
func (s *Service) Outcome(ctx context.Context, actor *User, id string) (*OutcomeView, error) {
	return findSeen(s, actor, func(st *state) *Outcome { return st.outcomes[id] },
		func(o *Outcome) string { return o.SessionID }, (*state).outcomeView, "No outcome %q.", id)
}

// OutcomeView returns what a reader whose clearance in the outcome's session
// is c sees of o, or nil: the live hub encodes each outcome once per level.
func (s *Service) OutcomeView(o *Outcome, c Marking) *OutcomeView {
	return viewAt(s, o, c, (*state).outcomeView)
}

// storedOutcome returns the stored outcome, for a write, when actor may read
// it. Writes start from what is stored, never from a reader's view of it.
func (s *Service) storedOutcome(actor *User, id string) (*Outcome, error) {
	var o *Outcome
	s.read(func(st *state) {
		if o = st.outcomes[id]; !st.mayReadOutcome(actor, o) {
			o = nil
		}
	})
	if o == nil {
		return nil, Errorf(ENOTFOUND, "No outcome %q.", id)
	}
	return o, nil
}

// CreateOutcome drafts an outcome of a session. The session's rapporteurs,
// its chair and the secretariat may draft.
func (s *Service) CreateOutcome(ctx context.Context, actor *User, sessionID string, in OutcomeInput) (*OutcomeView, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.createOutcome(ctx, actor, sessionID, in)
}

// PromoteNoteToOutcome drafts an outcome from one note in one step: the
// note is its source, and its text and marking are the defaults.
func (s *Service) PromoteNoteToOutcome(ctx context.Context, actor *User, sessionID string, seq int64, in OutcomeInput) (*OutcomeView, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	n, err := s.readableNote(actor, sessionID, seq)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Text) == "" {
		in.Text = n.Text
	}
	if !slices.Contains(in.Sources, seq) {
		in.Sources = append(in.Sources, seq)
	}
	return s.createOutcome(ctx, actor, sessionID, in)
}

// createOutcome expects writeMu held.
func (s *Service) createOutcome(ctx context.Context, actor *User, sessionID string, in OutcomeInput) (*OutcomeView, error) {
	se, err := s.Session(ctx, actor, sessionID)
	if err != nil {
		return nil, err
	}
	if !actor.MayDraftOutcome(se) {
		return nil, Errorf(EFORBIDDEN, "Only the session's rapporteurs, its chair and the secretariat may draft its outcomes.")
	}
	now := s.Now()
	o := Outcome{
		ID:            s.NewID(),
		MeetingID:     se.MeetingID,
		SessionID:     se.ID,
		Kind:          in.Kind,
		Text:          strings.TrimSpace(in.Text),
		Sources:       normaliseSources(in.Sources),
		Marking:       in.Marking,
		Status:        OutcomeDraft,
		SignOffs:      []SignOff{},
		Withdrawals:   []SignOffWithdrawal{},
		History:       []OutcomeRevision{},
		CreatedBy:     actor.ID,
		CreatedAt:     now,
		UpdatedBy:     actor.ID,
		UpdatedByName: actor.Name,
		UpdatedAt:     now,
		Version:       1,
		Example:       in.Example,
	}
	if o.Example && !actor.MayMarkExample() {
		return nil, &Error{Code: EFORBIDDEN, Field: "example", Message: "Only the secretariat may mark an outcome as an example."}
	}
	floor, err := s.sourcesFloor(actor, se.ID, o.Sources)
	if err != nil {
		return nil, err
	}
	if o.Marking == "" {
		// Members' business unless the rapporteur says otherwise: what the
		// meeting agrees for the public is marked all on purpose.
		o.Marking = mostRestricted(floor, MarkingDelegations)
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := checkMarkingFloor(o.Marking, floor, "a source note"); err != nil {
		return nil, err
	}
	if err := checkMarkingCeiling(actor.ClearanceIn(se), o.Marking); err != nil {
		return nil, err
	}
	if err := s.insert(ctx, Outcomes, o.ID, &o); err != nil {
		return nil, err
	}
	return s.Outcome(ctx, actor, o.ID)
}

func normaliseSources(xs []int64) []int64 {
	out := slices.Clone(nonNil(xs))
	slices.Sort(out)
	// Duplicates are left for Validate to name.
	return out
}

// sourcesFloor checks that every source is a note of the session that actor
// may read, and returns the most restricted marking among them: the lowest
// marking an outcome or action drawn from them may carry. A note the reader
// may not read is answered as absent, so that its existence does not leak.
func (s *Service) sourcesFloor(actor *User, sessionID string, seqs []int64) (Marking, error) {
	var notes []*Note
	var c Marking
	s.read(func(st *state) { notes, c = st.notes[sessionID], st.clearanceIn(actor, sessionID) })
	floor := Marking("")
	for _, seq := range seqs {
		if seq < 1 || seq > int64(len(notes)) || !covers(c, notes[seq-1].Marking) {
			return "", Invalid("sources", "Note %d is not in this session's record.", seq)
		}
		if m := notes[seq-1].Marking; floor == "" || m.Level() > floor.Level() {
			floor = m
		}
	}
	return floor, nil
}

// UpdateOutcome edits an outcome and keeps the state it replaces in its
// history. The session's rapporteurs and chair edit drafts; only the
// secretariat marks an outcome agreed, and reopens it (back to draft, which
// clears the sign-offs given to the earlier text). An agreed outcome's text
// is not edited in place: it is reopened first, so that no sign-off ever
// stands under a text it was not given to.
func (s *Service) UpdateOutcome(ctx context.Context, actor *User, id string, upd OutcomeUpdate) (*OutcomeView, error) {
	return writeSeen(s, actor, upd.Version, "Send the version you edited (version).",
		func(int64) (*Outcome, error) { return s.storedOutcome(actor, id) },
		func(old *Outcome, seen int64) (*OutcomeView, error) {
			se, err := s.Session(ctx, actor, old.SessionID)
			if err != nil {
				return nil, err
			}
			if !actor.MayDraftOutcome(se) {
				return nil, Errorf(EFORBIDDEN, "Only the session's rapporteurs, its chair and the secretariat may edit its outcomes.")
			}
			if seen != old.Version {
				return nil, s.staleOutcome(actor, old)
			}
			o := *old
			contentChanged := false
			if upd.Kind != nil && *upd.Kind != o.Kind {
				o.Kind, contentChanged = *upd.Kind, true
			}
			if upd.Text != nil && strings.TrimSpace(*upd.Text) != o.Text {
				o.Text, contentChanged = strings.TrimSpace(*upd.Text), true
			}
			if upd.Sources != nil {
				if src := normaliseSources(*upd.Sources); !slices.Equal(src, o.Sources) {
					o.Sources, contentChanged = src, true
				}
			}
			if upd.Marking != nil && *upd.Marking != o.Marking {
				o.Marking, contentChanged = *upd.Marking, true
			}
			if upd.Status != nil && *upd.Status != o.Status {
				if err := oneOf("status", "status", *upd.Status, OutcomeStatuses); err != nil {
					return nil, err
				}
				if !actor.MayAgreeOutcome() {
					return nil, Errorf(EFORBIDDEN, "Only the secretariat marks an outcome agreed or reopens it.")
				}
				o.Status = *upd.Status
				if o.Status == OutcomeDraft {
					o.SignOffs = []SignOff{}
				}
			} else if contentChanged && o.Status == OutcomeAgreed {
				return nil, &Error{Code: ECONFLICT, Field: "status",
					Message: "The outcome is agreed; the secretariat reopens it (status draft) before its text changes."}
			}
			if o.Status == old.Status && !contentChanged {
				return s.Outcome(ctx, actor, id) // nothing to change: no new version, no history entry
			}
			if err := o.Validate(); err != nil {
				return nil, err
			}
			floor, err := s.sourcesFloor(actor, o.SessionID, o.Sources)
			if err != nil {
				return nil, err
			}
			if err := checkMarkingFloor(o.Marking, floor, "a source note"); err != nil {
				return nil, err
			}
			if err := checkMarkingCeiling(actor.ClearanceIn(se), o.Marking); err != nil {
				return nil, err
			}
			// The history is a copy: the stored value that old points to is shared
			// with readers and is never changed.
			o.History = append(slices.Clone(old.History), OutcomeRevision{
				Version: old.Version, Kind: old.Kind, Text: old.Text, Sources: old.Sources,
				Marking: old.Marking, Status: old.Status, SignOffs: nonNil(old.SignOffs),
				ReplacedBy: actor.ID, ReplacedName: actor.Name, ReplacedAt: s.Now(),
			})
			if len(o.History) > MaxOutcomeRevisions {
				o.History = o.History[len(o.History)-MaxOutcomeRevisions:]
			}
			o.Version++
			o.UpdatedBy, o.UpdatedByName, o.UpdatedAt = actor.ID, actor.Name, s.Now()
			// Derived actions first: the live hub tells the readers who lose an
			// action by comparing it with its previous version, whose effective
			// marking must still be the lower one. Should the outcome's own write
			// then fail, the actions are left more restricted than needed, never less.
			if o.Marking.Level() > old.Marking.Level() {
				if err := s.raiseDerivedActions(ctx, actor, &o); err != nil {
					return nil, err
				}
			}
			if err := s.replace(ctx, Outcomes, o.ID, &o); err != nil {
				return nil, err
			}
			return s.Outcome(ctx, actor, o.ID)
		})
}

// raiseDerivedActions raises the stored marking of the actions drawn from o
// to o's. Reads already treat an action as never less restricted than its
// outcome (state.actionMarking); storing it too keeps the persisted shape
// truthful for other tools, re-indexes the actions for search, and tells
// the live hub, which withdraws them from the readers who lost them. It
// expects writeMu held.
func (s *Service) raiseDerivedActions(ctx context.Context, actor *User, o *Outcome) error {
	var derived []*Action
	s.read(func(st *state) {
		for _, a := range st.actions {
			if a.OutcomeID == o.ID && a.Marking.Level() < o.Marking.Level() {
				derived = append(derived, a)
			}
		}
	})
	slices.SortFunc(derived, compareActions)
	for _, old := range derived {
		a := *old
		a.Marking = o.Marking
		a.Version++
		a.UpdatedBy, a.UpdatedName, a.UpdatedAt = actor.ID, actor.Name, s.Now()
		if err := s.replace(ctx, Actions, a.ID, &a); err != nil {
			return fmt.Errorf("raise the marking of action %s: %w", a.ID, err)
		}
	}
	return nil
}

func (s *Service) staleOutcome(actor *User, stored *Outcome) error {
	current, _ := s.Outcome(context.Background(), actor, stored.ID)
	return &Error{Code: ESTALE, Field: "version", Current: current,
		Message: "The outcome was changed by " + nameOr(stored.UpdatedByName, "someone else") + " at " +
			stored.UpdatedAt.UTC().Format("15:04 MST") + "; review their change, then save again."}
}

func nameOr(name, fallback string) string {
	if strings.TrimSpace(name) == "" {
		return fallback
	}
	return name
}

// SignOff records the sign-off of the actor's delegation under an agreed
// outcome. Only a head of delegation signs, and only for their own
// delegation, which must take part in the meeting. Signing twice is harmless.
func (s *Service) SignOff(ctx context.Context, actor *User, id string) (*OutcomeView, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if !actor.MaySignOff(actor.Delegation) {
		return nil, Errorf(EFORBIDDEN, "Only a head of delegation signs an outcome off, for their own delegation.")
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.storedOutcome(actor, id)
	if err != nil {
		return nil, err
	}
	m, err := s.Meeting(ctx, actor, old.MeetingID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(m.Delegations, actor.Delegation) {
		return nil, Errorf(EFORBIDDEN, "Delegation %s does not take part in this meeting.", actor.Delegation)
	}
	if old.Status != OutcomeAgreed {
		return nil, &Error{Code: ECONFLICT, Field: "status", Message: "Only an agreed outcome is signed off; this one is a draft."}
	}
	if slices.ContainsFunc(old.SignOffs, func(so SignOff) bool { return so.Delegation == actor.Delegation }) {
		return s.Outcome(ctx, actor, id)
	}
	o := *old
	o.SignOffs = append(slices.Clone(old.SignOffs), SignOff{Delegation: actor.Delegation, By: actor.ID, ByName: actor.Name, At: s.Now()})
	slices.SortFunc(o.SignOffs, func(a, b SignOff) int { return cmp.Compare(a.Delegation, b.Delegation) })
	o.Version++
	if err := s.replace(ctx, Outcomes, o.ID, &o); err != nil {
		return nil, err
	}
	return s.Outcome(ctx, actor, o.ID)
}

// WithdrawSignOff takes back delegation code's sign-off; its head may, and
// says why. The sign-off and the reason stay in the outcome's withdrawals.
func (s *Service) WithdrawSignOff(ctx context.Context, actor *User, id, code, reason string) (*OutcomeView, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if !actor.MaySignOff(code) {
		return nil, Errorf(EFORBIDDEN, "Only the head of delegation %s withdraws its sign-off.", code)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, Invalid("reason", "Say why your delegation withdraws its sign-off.")
	}
	if len(reason) > MaxWithdrawalReason {
		return nil, Invalid("reason", "Keep the reason under %d characters.", MaxWithdrawalReason)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.storedOutcome(actor, id)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(old.SignOffs, func(so SignOff) bool { return so.Delegation == code })
	if i < 0 {
		return s.Outcome(ctx, actor, id)
	}
	o := *old
	o.SignOffs = slices.Delete(slices.Clone(old.SignOffs), i, i+1)
	o.Withdrawals = append(slices.Clone(nonNil(old.Withdrawals)), SignOffWithdrawal{SignOff: old.SignOffs[i],
		WithdrawnBy: actor.ID, WithdrawnName: actor.Name, WithdrawnAt: s.Now(), Reason: reason})
	o.UpdatedBy, o.UpdatedByName, o.UpdatedAt = actor.ID, actor.Name, s.Now()
	o.Version++
	if err := s.replace(ctx, Outcomes, o.ID, &o); err != nil {
		return nil, err
	}
	return s.Outcome(ctx, actor, o.ID)
}
