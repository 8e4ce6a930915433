package conference

import (
	"slices"
	"strings"
	"time"
)

// LinkKind is the kind of thing that links to a register entry.
type LinkKind string

const (
	LinkTopic   LinkKind = "topic"
	LinkNote    LinkKind = "note"
	LinkOutcome LinkKind = "outcome"
	LinkAction  LinkKind = "action"
)

// LinkKinds lists every kind in the order backlinks are shown.
var LinkKinds = []LinkKind{LinkTopic, LinkNote, LinkOutcome, LinkAction}

func (k LinkKind) Valid() bool { return slices.Contains(LinkKinds, k) }

// Link says that a topic, note, outcome or action concerns a register entry.
// Links live in their own collection rather than in the things they start
// from: notes are append-only, and an entry's backlinks must be found
// without reading every note.
type Link struct {
	ID        string    `json:"id" bson:"_id"` // LinkID(from kind, from id, entry id): one link per pair
	FromKind  LinkKind  `json:"from_kind" bson:"from_kind"`
	FromID    string    `json:"from_id" bson:"from_id"`
	EntryID   string    `json:"entry_id" bson:"entry_id"`
	CreatedBy string    `json:"created_by" bson:"created_by"` // user id
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// LinkID is the id of the link from (kind, fromID) to entryID. Deriving it
// from the pair makes a second link of the same pair a duplicate key, which
// the store refuses even if two instances race.
func LinkID(kind LinkKind, fromID, entryID string) string {
	return string(kind) + ":" + fromID + ":" + entryID
}

// LinkInput is what a user sends to link something to an entry.
type LinkInput struct {
	FromKind LinkKind `json:"from_kind"`
	FromID   string   `json:"from_id"`
	EntryID  string   `json:"entry_id"`
}

func (in *LinkInput) Validate() error {
	if !in.FromKind.Valid() {
		return Invalid("from_kind", "unknown from_kind %q (one of topic, note, outcome, action)", in.FromKind)
	}
	if strings.TrimSpace(in.FromID) == "" {
		return Invalid("from_id", "from_id is required")
	}
	if err := ValidID("from_id", in.FromID); err != nil {
		return err
	}
	if strings.TrimSpace(in.EntryID) == "" {
		return Invalid("entry_id", "entry_id is required")
	}
	if err := ValidID("entry_id", in.EntryID); err != nil {
		return err
	}
	return nil
}
