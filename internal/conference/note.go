package conference

import (
	"strings"
	"time"
	"unicode/utf8"
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
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// Validate checks what the writer supplies; the Service assigns the rest.
func (n *Note) Validate() error {
	if strings.TrimSpace(n.Text) == "" {
		return Invalid("text", "text is required")
	}
	if utf8.RuneCountInString(n.Text) > MaxNoteLength {
		return Invalid("text", "text is longer than %d characters", MaxNoteLength)
	}
	if err := ValidLongText("text", n.Text); err != nil {
		return err
	}
	if !n.Marking.Valid() {
		return Invalid("marking", "unknown marking %q (one of all, delegations, heads)", n.Marking)
	}
	if n.ClientID == "" {
		return Invalid("client_id", "client_id is required")
	}
	if err := ValidID("client_id", n.ClientID); err != nil {
		return err
	}
	if n.Amends < 0 || (n.Seq > 0 && n.Amends >= n.Seq) {
		return Invalid("amends", "a note can amend only an earlier note")
	}
	return nil
}
