package conference

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
)

// Collection names a kind of persisted document; the names are the vocabulary's.
type Collection string

const (
	Meetings    Collection = "meetings"
	Delegations Collection = "delegations"
	Topics      Collection = "topics"
	Sessions    Collection = "sessions"
	Users       Collection = "users"
	Logins      Collection = "logins"
	Tokens      Collection = "tokens"
	Notes       Collection = "notes"
	Outcomes    Collection = "outcomes"
	Actions     Collection = "actions"
	Register    Collection = "register"
	Links       Collection = "links"
	Imports     Collection = "imports"
	Records     Collection = "records" // published versions of meeting records
)

// collectionNames lists every collection, in the order they are loaded.
var collectionNames = [...]Collection{Delegations, Topics, Meetings, Sessions, Users, Logins, Tokens, Notes, Outcomes, Actions, Imports, Register, Links, Records}

// Collections lists every collection, in the order they are loaded.
var Collections = collectionNames[:]

// index is c's place in Collections; it panics on a name that is not one,
// which only a programming error can pass.
func (c Collection) index() int {
	i := slices.Index(Collections, c)
	if i < 0 {
		panic("conference: unknown collection " + string(c))
	}
	return i
}

// keyed is a document that knows its id in its collection.
type keyed interface {
	key() string
}

func (m *Meeting) key() string    { return m.ID }
func (t *Topic) key() string      { return t.ID }
func (d *Delegation) key() string { return d.Code }
func (se *Session) key() string   { return se.ID }
func (u *User) key() string       { return u.ID }
func (l *Login) key() string      { return l.ID }
func (t *Token) key() string      { return t.ID }
func (o *Outcome) key() string    { return o.ID }
func (a *Action) key() string     { return a.ID }

// eachChange hands apply one Change a document of docs, each stored in c:
// how a snapshot is loaded.
func eachChange[T any, P interface {
	*T
	keyed
}](c Collection, docs []T, apply func(Change)) {
	for i := range docs {
		apply(Change{Collection: c, ID: P(&docs[i]).key(), Doc: &docs[i]})
	}
}

// Snapshot is every persisted document, as loaded at start.
type Snapshot struct {
	Meetings    []Meeting
	Delegations []Delegation
	Topics      []Topic
	Sessions    []Session
	Users       []User
	Logins      []Login
	Tokens      []Token
	Notes       []Note
	Outcomes    []Outcome
	Actions     []Action
	Register    []RegisterEntry
	Links       []Link
	Imports     []Import
	Records     []RecordVersion
}

// Store is the system of record. The Service calls it before it changes its
// in-memory state, and acknowledges a write only after the Store did.
//
// Insert fails with EDUPLICATE when a unique key is taken. Replace writes the
// whole document with that id, inserting it when absent.
type Store interface {
	Load(ctx context.Context) (*Snapshot, error)
	Insert(ctx context.Context, c Collection, doc any) error
	Replace(ctx context.Context, c Collection, id string, doc any) error
	Delete(ctx context.Context, c Collection, id string) error
	// Get reads document id of c into doc, a pointer as newDocument makes;
	// found is false when there is none. The Service reads back with it
	// after a write whose outcome is unknown.
	Get(ctx context.Context, c Collection, id string, doc any) (found bool, err error)
	// NotesAfter returns the stored notes of a session with a seq above
	// after, in seq order: the notes another writer stored that memory
	// does not know yet.
	NotesAfter(ctx context.Context, sessionID string, after int64) ([]Note, error)
}

// newDocument returns a pointer to a zero value of the type stored in c, for
// reading one document back.
func newDocument(c Collection) any {
	switch c {
	case Meetings:
		return new(Meeting)
	case Delegations:
		return new(Delegation)
	case Topics:
		return new(Topic)
	case Sessions:
		return new(Session)
	case Users:
		return new(User)
	case Logins:
		return new(Login)
	case Tokens:
		return new(Token)
	case Notes:
		return new(Note)
	case Outcomes:
		return new(Outcome)
	case Actions:
		return new(Action)
	case Register:
		return new(RegisterEntry)
	case Links:
		return new(Link)
	case Records:
		return new(RecordVersion)
	}
	panic("conference: unknown collection " + string(c))
}

// BatchStore is a Store that writes many documents in few round trips. The
// Service uses it for bulk writes when the Store has it, and writes one
// document at a time otherwise.
type BatchStore interface {
	Store
	// InsertMany adds docs to c in order. It is not atomic: on error, any
	// of docs may have been written. The register's import makes it
	// all-or-nothing on top (see Import).
	InsertMany(ctx context.Context, c Collection, docs []any) error
	// DeleteMany removes the documents of c with these ids; absent ones are
	// no error.
	DeleteMany(ctx context.Context, c Collection, ids []string) error
}

// NewID returns a random 96-bit identifier in hex, the default for new documents.
func NewID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
