package conference

import "context"

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
)

// Collections lists every collection, in the order they are loaded.
var Collections = []Collection{Delegations, Topics, Meetings, Sessions, Users, Logins, Tokens, Notes, Outcomes, Actions, Imports, Register, Links}

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
}

// Store is the system of record. The Service calls it before it changes its
// in-memory state, and acknowledges a write only after the Store did.
//
// Insert fails with ECONFLICT when a unique key is taken. Replace writes the
// whole document with that id, inserting it when absent.
type Store interface {
	Load(ctx context.Context) (*Snapshot, error)
	Insert(ctx context.Context, c Collection, doc any) error
	Replace(ctx context.Context, c Collection, id string, doc any) error
	Delete(ctx context.Context, c Collection, id string) error
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
