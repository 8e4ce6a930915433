package conference

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// MaxNoteLength bounds a note's text, in characters.
const MaxNoteLength = 10000

// Note is one entry of a session's live record. Notes are append-only: a
// correction is a new note that amends an earlier one, and the record keeps both.
type Note struct {
	ID        string    `json:"id" bson:"_id"`
	SessionID string    `json:"session_id" bson:"session_id"`
	MeetingID string    `json:"meeting_id" bson:"meeting_id"`
	Seq       int64     `json:"seq" bson:"seq"`             // 1, 2, 3 … per session, gapless
	ClientID  string    `json:"client_id" bson:"client_id"` // chosen by the writer's client; a retry reuses it
	Author    string    `json:"author" bson:"author"`       // user id
	Text      string    `json:"text" bson:"text"`
	Marking   Marking   `json:"marking" bson:"marking"`
	Amends    int64     `json:"amends,omitempty" bson:"amends,omitempty"` // seq of the note this one corrects
	Late      bool      `json:"late,omitempty" bson:"late,omitempty"`     // added after the session ended
	CreatedAt time.Time `json:"created_at" bson:"created_at"`             // when the server stored it
	// WrittenAt is when the writer wrote it, by the writer's clock, bounded by
	// NoteWrittenWindow: a note queued offline is stored when the link is back,
	// and the record must still say when it was said. A note stored before
	// written_at existed is read as written when stored (see state.apply).
	WrittenAt time.Time `json:"written_at" bson:"written_at"`
}

// How far a note's written_at may stray from what the server knows. Ahead:
// the writer's clock may run a little fast, never more. Behind: a rapporteur
// may draft a note as the room settles, just before the session is started.
const (
	NoteClockSkew   = 2 * time.Minute
	NoteEarlyMargin = 15 * time.Minute
)

// NoteTimesApart is how far written_at and created_at must differ for the
// record to show both: within it, a note was sent as it was written.
const NoteTimesApart = time.Minute

// TimesApart reports whether the record shows when the note was written
// beside when it was stored.
func (n *Note) TimesApart() bool {
	d := n.CreatedAt.Sub(n.WrittenAt)
	return d > NoteTimesApart || d < -NoteTimesApart
}

// checkWrittenAt bounds a writer's written_at: not after now (beyond the
// clock skew), not before the session started (less the early margin). A
// session started before started_at was kept is bounded by its scheduled start.
func checkWrittenAt(w, now time.Time, se *Session) *Error {
	started := se.StartedAt
	if started.IsZero() {
		started = se.Start
	}
	switch {
	case w.After(now.Add(NoteClockSkew)):
		return Invalid("written_at", "The time the note was written is in the future (the server's time is %s); check this device's clock.", now.Format(time.RFC3339))
	case w.Before(started.Add(-NoteEarlyMargin)):
		return Invalid("written_at", "The time the note was written is before the session started (%s).", started.Format(time.RFC3339))
	}
	return nil
}

// Validate checks what the writer supplies; the Service assigns the rest.
func (n *Note) Validate() error {
	var v fieldChecks
	v.check(
		requireLines("text", n.Text, MaxNoteLength),
		oneOf("marking", "marking", n.Marking, Markings),
	)
	if n.ClientID == "" {
		v.check(Invalid("client_id", "Give the note's client id, which makes sending it again safe."))
	}
	v.check(ValidID("client_id", n.ClientID))
	if n.Amends < 0 || (n.Seq > 0 && n.Amends >= n.Seq) {
		v.check(Invalid("amends", "A note can amend only an earlier note."))
	}
	return v.err()
}

// NoteInput is what a writer sends to post a note.
type NoteInput struct {
	ClientID string  `json:"client_id"`
	Text     string  `json:"text"`
	Marking  Marking `json:"marking"`
	Amends   int64   `json:"amends,omitempty"`
	// WrittenAt is when the note was written, by the writer's clock; absent,
	// it was written as it is sent.
	WrittenAt *time.Time `json:"written_at,omitempty"`
}

// sessionLock returns the lock that serialises the record of one session:
// seq assignment and status changes. Posts to different sessions never wait
// for each other, nor for agenda edits.
func (s *Service) sessionLock(id string) *sync.Mutex {
	m, _ := s.sessionLocks.LoadOrStore(id, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// PostNote appends a note to a session's record and gives it the next seq.
// A retry with the same client id is answered with the note already stored
// (created is false) and never stored twice.
//
// The seq comes from memory, under the session's lock. When the store already
// holds that seq or client id — another instance wrote first, or an earlier
// write's outcome was never learned — memory catches up with the store and
// the post is tried again, so that a clash is never the writer's problem.
func (s *Service) PostNote(ctx context.Context, actor *User, sessionID string, in NoteInput) (n *Note, created bool, err error) {
	if err := requireActor(actor); err != nil {
		return nil, false, err
	}
	in.ClientID = strings.TrimSpace(in.ClientID)
	if !s.sessionExists(sessionID) {
		return nil, false, Errorf(ENOTFOUND, "No session %q.", sessionID)
	}
	lock := s.sessionLock(sessionID)
	lock.Lock()
	defer lock.Unlock()
	for attempt := 1; ; attempt++ {
		var clash bool
		n, created, clash, err = s.postNote(ctx, actor, sessionID, in)
		if !clash || attempt == maxPostAttempts {
			return n, created, err
		}
		if cerr := s.catchUpNotes(ctx, sessionID); cerr != nil {
			return nil, false, cerr
		}
		// Another instance posting back to back numbers from a memory that
		// is current, while this one reads the store first: without a pause
		// that grows, the other wins every round.
		time.Sleep(time.Duration(rand.Int64N(int64(attempt) * int64(5*time.Millisecond))))
	}
}

// maxPostAttempts bounds how often a post catches up with the store and
// tries again; each round needs another writer to win the same seq.
const maxPostAttempts = 20

// postNote checks and stores one post; clash says the store already held its
// seq or client id. It expects the session's lock held.
func (s *Service) postNote(ctx context.Context, actor *User, sessionID string, in NoteInput) (n *Note, created, clash bool, err error) {
	var se *Session
	var prior *Note
	var count int64
	s.read(func(st *state) {
		se = st.sessions[sessionID]
		prior = st.noteByClientID[in.ClientID]
		count = int64(len(st.notes[sessionID]))
	})
	if se == nil {
		return nil, false, false, Errorf(ENOTFOUND, "No session %q.", sessionID)
	}
	if !actor.MayPostNote(se) {
		return nil, false, false, Errorf(EFORBIDDEN, "Only the session's rapporteurs, its chair and the secretariat may write notes.")
	}
	if prior != nil && in.ClientID != "" {
		if prior.SessionID != sessionID || prior.Author != actor.ID {
			return nil, false, false, &Error{Code: EDUPLICATE, Field: "client_id", Message: "This client_id belongs to another note."}
		}
		// A retry sends what it sent before; anything else under the same
		// client_id is a second note whose writer would believe it saved.
		// written_at is not compared: the first post's stands, and a client
		// that rounds its clock differently on a retry is still retrying.
		if prior.Text != in.Text || prior.Marking != in.Marking || prior.Amends != in.Amends {
			return nil, false, false, &Error{Code: EMISMATCH, Field: "client_id",
				Message: "A note with this client_id was saved with other text, marking or amends; a new note needs a new client_id."}
		}
		return prior, false, false, nil
	}
	// No default marking: a forgotten one must not publish a note to observers.
	if in.Marking == "" {
		return nil, false, false, Invalid("marking", "Choose who may read the note: all, delegations or heads.")
	}
	note := Note{
		ID:        s.NewID(),
		SessionID: sessionID,
		MeetingID: se.MeetingID,
		Seq:       count + 1,
		ClientID:  in.ClientID,
		Author:    actor.ID,
		Text:      in.Text,
		Marking:   in.Marking,
		Amends:    in.Amends,
		CreatedAt: s.Now(),
	}
	note.WrittenAt = note.CreatedAt
	var wrong fieldChecks
	if err := note.Validate(); err != nil {
		wrong.add(err)
	}
	if in.WrittenAt != nil {
		// Milliseconds, as the store keeps them, so that what is answered now
		// is what is read back later.
		note.WrittenAt = in.WrittenAt.UTC().Truncate(time.Millisecond)
		wrong.check(checkWrittenAt(note.WrittenAt, note.CreatedAt, se))
	}
	if err := wrong.err(); err != nil {
		return nil, false, false, err
	}
	switch se.Status {
	case SessionLive:
	case SessionEnded:
		if !actor.MayPostLateNote() {
			return nil, false, false, Errorf(ECONFLICT, "The session has ended; only the secretariat may add notes now.")
		}
		note.Late = true
	default:
		return nil, false, false, Errorf(ECONFLICT, "The session has not started; start it before writing notes.")
	}
	if err := s.insert(ctx, Notes, note.ID, &note); err != nil {
		return nil, false, ErrorCode(err) == EDUPLICATE, err
	}
	return &note, true, false, nil
}

// catchUpNotes applies the notes of a session that the store holds and
// memory does not. It expects the session's lock held.
func (s *Service) catchUpNotes(ctx context.Context, sessionID string) error {
	var count int64
	s.read(func(st *state) { count = int64(len(st.notes[sessionID])) })
	var missed []Note
	err := s.write(ctx, func(ctx context.Context) error {
		var err error
		missed, err = s.store.NotesAfter(ctx, sessionID, count)
		return err
	})
	if err != nil {
		return fmt.Errorf("catch up with the notes of session %s: %w", sessionID, err)
	}
	for i := range missed {
		s.Apply(Change{Collection: Notes, ID: missed[i].ID, Doc: &missed[i]})
	}
	return nil
}

// Notes returns the session's notes after seq `after` that the actor may
// read, in seq order, and the highest seq of the record, read or not: the
// reader's cursor moves past notes it may not see.
func (s *Service) Notes(ctx context.Context, actor *User, sessionID string, after int64) ([]*Note, int64, error) {
	if err := requireActor(actor); err != nil {
		return nil, 0, err
	}
	if after < 0 {
		return nil, 0, Invalid("after", "The after parameter must be 0 or more.")
	}
	se, all, err := s.sessionNotes(sessionID)
	if err != nil {
		return nil, 0, err
	}
	c := actor.ClearanceIn(se)
	out := []*Note{}
	// all[i] has seq i+1: the record is gapless.
	for _, n := range all[min(after, int64(len(all))):] {
		if covers(c, n.Marking) {
			out = append(out, n)
		}
	}
	return out, int64(len(all)), nil
}

// sessionNotes returns a session and its record, every note of it: all[i]
// has seq i+1.
func (s *Service) sessionNotes(sessionID string) (se *Session, all []*Note, err error) {
	s.read(func(st *state) {
		se = st.sessions[sessionID]
		all = st.notes[sessionID]
	})
	if se == nil {
		return nil, nil, Errorf(ENOTFOUND, "No session %q.", sessionID)
	}
	return se, all, nil
}

// readableNote returns note seq of the session when actor may read it.
func (s *Service) readableNote(actor *User, sessionID string, seq int64) (*Note, error) {
	se, notes, err := s.sessionNotes(sessionID)
	if err != nil {
		return nil, err
	}
	if seq < 1 || seq > int64(len(notes)) || !covers(actor.ClearanceIn(se), notes[seq-1].Marking) {
		return nil, Errorf(ENOTFOUND, "No note %d in this session's record.", seq)
	}
	return notes[seq-1], nil
}
