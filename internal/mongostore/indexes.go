package mongostore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/conference"
)

// index is one secondary index. Names are explicit so that EnsureIndexes is
// idempotent whatever the server's naming rules, and so that a conflict on a
// unique index can be told to the user in the domain's words.
type index struct {
	coll   conference.Collection
	name   string
	keys   bson.D
	unique bool
	// For unique indexes: the field a conflict is about, and the message.
	field, conflict string
}

// indexes are every index of the store: the core ones below, and those of
// follow-up, the register and the idempotent answers, declared in their own files.
var indexes = slices.Concat(coreIndexes, followupIndexes, registerIndexes, idempotencyIndexes)

// coreIndexes serve two purposes: the unique ones are the last guard of rules the
// Service checks in memory (one account per address, gapless per-session
// note numbers, one note per client id), and the others let a real MongoDB
// deployment be queried by other tools without scanning.
var coreIndexes = []index{
	{coll: conference.Users, name: "users_email_unique", keys: bson.D{{Key: "email", Value: 1}}, unique: true,
		field: "email", conflict: "Another account already uses this email address."},
	{coll: conference.Logins, name: "logins_user_id", keys: bson.D{{Key: "user_id", Value: 1}}},
	{coll: conference.Tokens, name: "tokens_user_id", keys: bson.D{{Key: "user_id", Value: 1}}},
	{coll: conference.Sessions, name: "sessions_meeting_id_start", keys: bson.D{{Key: "meeting_id", Value: 1}, {Key: "start", Value: 1}}},
	{coll: conference.Topics, name: "topics_slug_unique", keys: bson.D{{Key: "slug", Value: 1}}, unique: true,
		field: "slug", conflict: "Another topic already has this slug."},
	{coll: conference.Notes, name: "notes_session_id_seq_unique", keys: bson.D{{Key: "session_id", Value: 1}, {Key: "seq", Value: 1}}, unique: true,
		field: "seq", conflict: "The session already has a note with this number."},
	{coll: conference.Notes, name: "notes_client_id_unique", keys: bson.D{{Key: "client_id", Value: 1}}, unique: true,
		field: "client_id", conflict: "A note with this client_id was saved already."},
	// A version's number is in its _id, whose uniqueness keeps two
	// instances from publishing the same number; this one is for queries.
	{coll: conference.Records, name: "records_meeting_id_number", keys: bson.D{{Key: "meeting_id", Value: 1}, {Key: "number", Value: 1}}},
}

// EnsureIndexes creates the indexes that are missing. Running it again is
// harmless; an index of the same name with another definition is an error,
// to be resolved by hand rather than silently dropped.
//
// Indexes are created one per command: FerretDB 1.24 panics (and drops the
// connection) when one createIndexes command names two indexes that both
// exist already.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for _, ix := range indexes {
		o := options.Index().SetName(ix.name)
		if ix.unique {
			o.SetUnique(true)
		}
		if _, err := s.coll(ix.coll).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.keys, Options: o}); err != nil {
			return fmt.Errorf("create index %s on %s: %w", ix.name, ix.coll, err)
		}
	}
	return nil
}

// writeError maps the error of a write of doc into c: a duplicate key becomes
// EDUPLICATE naming the field, anything else is wrapped with what was done.
func (s *Store) writeError(ctx context.Context, c conference.Collection, op string, doc any, inserting bool, err error) error {
	if !isDuplicateKey(err) {
		return fmt.Errorf("%s %s: %w", op, c, err)
	}
	return s.conflict(ctx, c, doc, inserting, err)
}

// isDuplicateKey recognises a unique index violation. FerretDB reports one
// on insert as MongoDB does (code 11000), but on replace it passes SQLite's
// own error through.
func isDuplicateKey(err error) bool {
	return mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// conflict tells which unique key of doc is taken, as far as it can be told
// cheaply. MongoDB names the index in its message ("index: users_email_unique
// dup key: …"), and so does FerretDB on replace (SQLite's "index
// 'users_5e7cc513_users_email_unique'"), but not on insert. Then, with one
// candidate key besides _id, a lookup by _id tells which; with more, the
// answer names them all. Lookups are kept few because FerretDB 1.24 answers
// every query, even by _id, by reading the whole collection (about 9 µs per
// document by _id, 60 µs by any other field: half a second or three seconds
// among 50,000 notes), and the Service waits for this answer.
func (s *Store) conflict(ctx context.Context, c conference.Collection, doc any, inserting bool, dupErr error) error {
	msg := dupErr.Error()
	var candidates []index
	for _, ix := range indexes {
		if ix.coll != c || !ix.unique {
			continue
		}
		if strings.Contains(msg, "index: "+ix.name+" ") || strings.Contains(msg, "_"+ix.name+"'") {
			return ix.conflictError()
		}
		candidates = append(candidates, ix)
	}
	var id *bson.RawValue
	if raw, err := bson.Marshal(doc); err == nil {
		v := bson.Raw(raw).Lookup("_id")
		id = &v
	}
	// A replace cannot clash on _id: it writes the document that has it.
	idClash := inserting
	if strings.Contains(msg, "index: _id_ ") || len(candidates) == 0 {
		return idConflict(c, id)
	}
	if len(candidates) == 1 {
		if idClash && id != nil && s.coll(c).FindOne(ctx, bson.D{{Key: "_id", Value: *id}}).Err() == nil {
			return idConflict(c, id)
		}
		return candidates[0].conflictError()
	}
	var fields []string
	if idClash {
		fields = append(fields, "id")
	}
	for _, ix := range candidates {
		fields = append(fields, ix.field)
	}
	return &conference.Error{Code: conference.EDUPLICATE, Message: fmt.Sprintf(
		"This %s clashes with a saved one: one of %s is taken.", noun(c), strings.Join(fields, ", "))}
}

func (ix index) conflictError() error {
	return &conference.Error{Code: conference.EDUPLICATE, Field: ix.field, Message: ix.conflict}
}

func idConflict(c conference.Collection, id *bson.RawValue) error {
	field, name := "id", "id"
	if c == conference.Delegations {
		field, name = "code", "code"
	}
	e := &conference.Error{Code: conference.EDUPLICATE, Field: field,
		Message: fmt.Sprintf("There is already a %s with this %s.", noun(c), name)}
	if id != nil {
		if str, ok := id.StringValueOK(); ok {
			e.Message = fmt.Sprintf("There is already a %s with the %s %s.", noun(c), name, str)
		}
	}
	return e
}

// noun is the singular of a collection's name, for messages.
func noun(c conference.Collection) string {
	if c == conference.Register {
		return "register entry"
	}
	return strings.TrimSuffix(string(c), "s")
}
