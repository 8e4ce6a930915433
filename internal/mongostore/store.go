// Package mongostore is Quintet's system of record on MongoDB, through the
// official driver: it implements conference.Store. It owns the persisted
// shape (one collection per conference.Collection, documents as the domain
// types' bson tags say), the indexes, loading the working set at start, and
// the mapping of MongoDB errors to domain errors.
//
// The same code serves a MongoDB replica set and the embedded store (FerretDB
// on SQLite), so it keeps to what both do: single-document writes by _id,
// unique indexes, plain finds.
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/quintet-ag/quintet/internal/conference"
)

var _ conference.BatchStore = (*Store)(nil)

// DefaultPingTimeout bounds how long Open waits for the server to answer.
const DefaultPingTimeout = 10 * time.Second

// Store is a conference.Store on one MongoDB database. It is safe for
// concurrent use.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
}

type config struct {
	pingTimeout time.Duration
}

// Option changes how Open connects.
type Option func(*config)

// PingTimeout sets how long Open waits for the server to answer
// (DefaultPingTimeout by default).
func PingTimeout(d time.Duration) Option {
	return func(c *config) { c.pingTimeout = d }
}

// Open connects to the MongoDB at uri and checks that it answers. Writes wait
// for a majority of the replica set and for the journal: the Service tells a
// user their write is saved only after the Store returned.
//
// Errors name the server's host, never the URI, which may carry a password.
func Open(ctx context.Context, uri, database string, opts ...Option) (*Store, error) {
	cfg := config{pingTimeout: DefaultPingTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	host := hostOf(uri)
	if database == "" {
		return nil, errors.New("mongostore: database name is empty")
	}

	journal := true
	co := options.Client().
		ApplyURI(uri).
		SetAppName("quintet").
		SetWriteConcern(&writeconcern.WriteConcern{W: "majority", Journal: &journal}).
		SetBSONOptions(&options.BSONOptions{
			// The domain's lists are never null: a nil slice is stored as [],
			// so that other tools querying the database see one shape.
			NilSliceAsEmpty: true,
			NilMapAsEmpty:   true,
		})
	client, err := mongo.Connect(co)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to MongoDB at %s: %w", host, redact(err, uri))
	}

	pingCtx, cancel := context.WithTimeout(ctx, cfg.pingTimeout)
	defer cancel()
	if err := client.Ping(pingCtx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("cannot reach MongoDB at %s: %w", host, redact(err, uri))
	}
	return &Store{client: client, db: client.Database(database)}, nil
}

// Ping checks that the primary answers, for the health check.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("ping MongoDB: %w", err)
	}
	return nil
}

// Close disconnects, waiting for operations in flight until ctx ends.
func (s *Store) Close(ctx context.Context) error {
	if err := s.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("disconnect from MongoDB: %w", err)
	}
	return nil
}

// Insert adds doc to collection c. A taken unique key (the _id, a user's
// email, a topic's slug, a note's client_id or number) is EDUPLICATE.
func (s *Store) Insert(ctx context.Context, c conference.Collection, doc any) error {
	coll, err := s.known(c)
	if err != nil {
		return err
	}
	if _, err := coll.InsertOne(ctx, doc); err != nil {
		return s.writeError(ctx, c, "insert into", doc, true, err)
	}
	return nil
}

// Replace writes doc as the whole document with _id id, inserting it when
// absent. doc's own _id must be id. A versioned doc first claims its version
// (revisions.go): ESTALE when another writer, maybe another process, stored
// that version first.
func (s *Store) Replace(ctx context.Context, c conference.Collection, id string, doc any) error {
	coll, err := s.known(c)
	if err != nil {
		return err
	}
	if err := s.claimVersion(ctx, c, id, doc); err != nil {
		return err
	}
	_, err = coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc, options.Replace().SetUpsert(true))
	if err != nil {
		return s.writeError(ctx, c, "replace "+id+" in", doc, false, err)
	}
	return nil
}

// Delete removes the document with _id id. Deleting a document that is not
// there is not an error: the outcome the caller wants holds, and a retried
// delete must not fail.
func (s *Store) Delete(ctx context.Context, c conference.Collection, id string) error {
	coll, err := s.known(c)
	if err != nil {
		return err
	}
	if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("delete %s from %s: %w", id, c, err)
	}
	return nil
}

// manyBatch is how many documents one round trip of InsertMany or
// DeleteMany carries. The embedded store runs a batch as one SQLite
// transaction, during which every other write waits (a sign-in among them);
// a few hundred documents keep that wait to milliseconds.
const manyBatch = 200

// InsertMany adds docs to collection c, in batches of manyBatch, in order.
// It stops at the first error; the documents before it stay written.
func (s *Store) InsertMany(ctx context.Context, c conference.Collection, docs []any) error {
	coll, err := s.known(c)
	if err != nil {
		return err
	}
	for start := 0; start < len(docs); start += manyBatch {
		batch := docs[start:min(start+manyBatch, len(docs))]
		if _, err := coll.InsertMany(ctx, batch, options.InsertMany().SetOrdered(true)); err != nil {
			if isDuplicateKey(err) {
				return conference.Errorf(conference.EDUPLICATE, "insert into %s: a document is already there: %v", c, err)
			}
			return fmt.Errorf("insert %d documents into %s: %w", len(batch), c, err)
		}
	}
	return nil
}

// DeleteMany removes the documents with these ids from collection c, in
// batches: FerretDB reads the whole collection for every query, so one
// delete per id would cost a pass over the collection each.
func (s *Store) DeleteMany(ctx context.Context, c conference.Collection, ids []string) error {
	coll, err := s.known(c)
	if err != nil {
		return err
	}
	for start := 0; start < len(ids); start += manyBatch * 5 {
		batch := ids[start:min(start+manyBatch*5, len(ids))]
		if _, err := coll.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: batch}}}}); err != nil {
			return fmt.Errorf("delete %d documents from %s: %w", len(batch), c, err)
		}
	}
	return nil
}

func (s *Store) coll(c conference.Collection) *mongo.Collection {
	return s.db.Collection(string(c))
}

// known returns the collection c, refusing names outside the domain's list:
// MongoDB would otherwise create a collection for a misspelt name, and Load
// would never read it back.
func (s *Store) known(c conference.Collection) (*mongo.Collection, error) {
	for _, k := range conference.Collections {
		if k == c {
			return s.coll(c), nil
		}
	}
	return nil, fmt.Errorf("mongostore: unknown collection %q", c)
}

// hostOf returns the host list of a MongoDB URI, without user, password,
// database or options, for error messages: "db1:27017,db2:27017", or the
// path of a Unix socket.
func hostOf(uri string) string {
	rest := uri
	if _, after, ok := strings.Cut(rest, "://"); ok {
		rest = after
	}
	// The driver refuses an unescaped "/" in user info, so the first "/" ends
	// the host list; the last "@" before it ends the user info (a password
	// may hold an unescaped "?" or "@", never shown).
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	hosts := strings.Split(rest, ",")
	for i, h := range hosts {
		if u, err := url.QueryUnescape(h); err == nil {
			hosts[i] = u
		}
	}
	return strings.Join(hosts, ",")
}

// redact hides the URI's password should the driver's error quote it.
func redact(err error, uri string) error {
	pw := passwordOf(uri)
	if pw == "" {
		return err
	}
	msg := err.Error()
	forms := []string{pw}
	if u, uerr := url.PathUnescape(pw); uerr == nil && u != pw && u != "" {
		forms = append(forms, u)
	}
	red := msg
	for _, f := range forms {
		red = strings.ReplaceAll(red, f, "xxxxx")
	}
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

// passwordOf returns the password part of a MongoDB URI as written, escaped.
func passwordOf(uri string) string {
	_, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return ""
	}
	at := strings.LastIndexByte(rest, '@')
	if slash := strings.IndexByte(rest, '/'); slash >= 0 && slash < at {
		at = strings.LastIndexByte(rest[:slash], '@')
	}
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(rest[:at], ":")
	return pw
}

// redactedError reads like err, less a password; errors.Is and As still see
// err, so that a timeout is still recognised as one.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Get reads the document with _id id into doc.
func (s *Store) Get(ctx context.Context, c conference.Collection, id string, doc any) (bool, error) {
	coll, err := s.known(c)
	if err != nil {
		return false, err
	}
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s from %s: %w", id, c, err)
	}
	return true, nil
}

// NotesAfter reads a session's notes after seq, by the (session_id, seq)
// index on MongoDB. The embedded store scans the collection for it, which is
// why the Service asks only when another writer got in first.
func (s *Store) NotesAfter(ctx context.Context, sessionID string, after int64) ([]conference.Note, error) {
	filter := bson.D{{Key: "session_id", Value: sessionID}, {Key: "seq", Value: bson.D{{Key: "$gt", Value: after}}}}
	cur, err := s.coll(conference.Notes).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("read notes of session %s: %w", sessionID, err)
	}
	var out []conference.Note
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("read notes of session %s: %w", sessionID, err)
	}
	return out, nil
}
