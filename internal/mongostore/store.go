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
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/quintet-ag/quintet/internal/conference"
)

var _ conference.Store = (*Store)(nil)

// DefaultPingTimeout bounds how long Open waits for the server to answer.
const DefaultPingTimeout = 10 * time.Second

// loadBatchSize is how many documents one round trip of Load brings. The
// driver's default first batch is 101 documents, which costs 500 round trips
// for 50,000 notes; 5,000 notes of a few hundred bytes make a batch of about
// 2 MB, well under the 16 MiB reply limit.
const loadBatchSize = 5000

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

// Load reads every collection into a Snapshot.
func (s *Store) Load(ctx context.Context) (*conference.Snapshot, error) {
	defer relaxGC()()
	var snap conference.Snapshot
	for _, c := range conference.Collections {
		var err error
		switch c {
		case conference.Delegations:
			err = loadAll(ctx, s.coll(c), &snap.Delegations)
		case conference.Topics:
			err = loadAll(ctx, s.coll(c), &snap.Topics)
		case conference.Meetings:
			err = loadAll(ctx, s.coll(c), &snap.Meetings)
		case conference.Sessions:
			err = loadAll(ctx, s.coll(c), &snap.Sessions)
		case conference.Users:
			err = loadAll(ctx, s.coll(c), &snap.Users)
		case conference.Logins:
			err = loadAll(ctx, s.coll(c), &snap.Logins)
		case conference.Tokens:
			err = loadAll(ctx, s.coll(c), &snap.Tokens)
		case conference.Notes:
			err = loadAll(ctx, s.coll(c), &snap.Notes)
		case conference.Outcomes:
			err = loadAll(ctx, s.coll(c), &snap.Outcomes)
		case conference.Actions:
			err = loadAll(ctx, s.coll(c), &snap.Actions)
		case conference.Register:
			err = loadAll(ctx, s.coll(c), &snap.Register)
		case conference.Links:
			err = loadAll(ctx, s.coll(c), &snap.Links)
		default:
			// A collection added to the domain must be added here too;
			// silently leaving it out would lose its documents at restart.
			err = errors.New("the store does not know this collection")
		}
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", c, err)
		}
	}
	return &snap, nil
}

// loadGCPercent is the garbage collector's target while Load runs. The
// embedded store allocates about 50 KB per document it serves, in this
// process, and with the default target of 100 collecting that garbage takes
// a third of the start-up time (measured: 4.7 s of CPU for 50,000 documents,
// 3.4 s at 400). The live heap during Load is the snapshot, tens of MB, so
// the larger target costs a few hundred MB for a few seconds.
const loadGCPercent = 400

var (
	gcMu      sync.Mutex
	gcLoads   int // Loads running
	gcPercent int // the target to restore when the last one ends
)

// relaxGC raises the garbage collector's target for the duration of a Load
// and returns the function that restores it. Concurrent Loads (tests) share
// one raise, so the last to end restores the original target. A target the
// operator set higher, or GOGC=off, is left alone.
func relaxGC() (restore func()) {
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcLoads == 0 {
		gcPercent = debug.SetGCPercent(loadGCPercent)
		if gcPercent < 0 || gcPercent > loadGCPercent {
			debug.SetGCPercent(gcPercent)
		}
	}
	gcLoads++
	return func() {
		gcMu.Lock()
		defer gcMu.Unlock()
		gcLoads--
		if gcLoads == 0 {
			debug.SetGCPercent(gcPercent)
		}
	}
}

// loadAll reads every document of coll into dst, in the store's natural
// order; the Service orders what it needs in memory.
func loadAll[T any](ctx context.Context, coll *mongo.Collection, dst *[]T) error {
	cur, err := coll.Find(ctx, bson.D{}, options.Find().SetBatchSize(loadBatchSize))
	if err != nil {
		return err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	out := []T{}
	for cur.Next(ctx) {
		var v T
		if err := cur.Decode(&v); err != nil {
			return fmt.Errorf("decode document %v: %w", cur.Current.Lookup("_id"), err)
		}
		out = append(out, v)
	}
	if err := cur.Err(); err != nil {
		return err
	}
	*dst = out
	return nil
}

// Insert adds doc to collection c. A taken unique key (the _id, a user's
// email, a topic's slug, a note's client_id or number) is ECONFLICT.
func (s *Store) Insert(ctx context.Context, c conference.Collection, doc any) error {
	coll, err := s.known(c)
	if err != nil {
		return err
	}
	if _, err := coll.InsertOne(ctx, doc); err != nil {
		return s.writeError(ctx, c, "insert into", doc, err)
	}
	return nil
}

// Replace writes doc as the whole document with _id id, inserting it when
// absent. doc's own _id must be id.
func (s *Store) Replace(ctx context.Context, c conference.Collection, id string, doc any) error {
	coll, err := s.known(c)
	if err != nil {
		return err
	}
	_, err = coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc, options.Replace().SetUpsert(true))
	if err != nil {
		return s.writeError(ctx, c, "replace "+id+" in", doc, err)
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
