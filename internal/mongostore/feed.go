package mongostore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/conference"
)

var _ conference.ChangeFeed = (*Store)(nil)

// The change feed. On MongoDB it is a change stream on the database. On
// FerretDB (1.24, SQLite backend), which has no change streams, it is a
// tailable-await cursor on the capped collection local.oplog.rs, which
// FerretDB writes once that collection exists. What FerretDB does there was
// measured (oplog_probe_test.go) and shapes this file:
//
//   - a tailable cursor whose first batch is not full is closed at once, so
//     the tail asks for one entry per batch and starts from an entry that
//     exists: a marker this instance writes when it starts;
//   - each getMore re-reads the whole oplog every 10 ms while it waits, and
//     FerretDB's embeddable package never trims a capped collection, so the
//     feed trims entries older than oplogRetention itself;
//   - a tail whose last entry was trimmed breaks, so each instance writes a
//     heartbeat marker more often than that, which moves every tail on;
//   - an entry is written after its data, not with it: a crash between the
//     two loses it. The Service re-reads the store whenever the feed starts
//     or breaks, and fills a gap in a session's note numbers from the store;
//   - entries of writes that run at once (two instances) can become visible
//     out of the order of their place in the collection, and a tail already
//     past that place never returns them (TestTwoInstancesFollowEachOther
//     lost a topic's edit that way, the entry plainly in the oplog). So a
//     sweep reads the last feedSweepWindow of the oplog every feedSweep and
//     hands on the entries the tail skipped, each entry once.
const (
	oplogDB         = "local"
	oplogColl       = "oplog.rs"
	oplogSize       = 64 << 20 // bytes; FerretDB does not enforce it, see above
	oplogRetention  = 2 * time.Minute
	feedHeartbeat   = 20 * time.Second
	markers         = "feed_markers"
	feedAwait       = time.Second
	feedOpTimeout   = 10 * time.Second
	feedSweep       = time.Second
	feedSweepWindow = 30 * time.Second
)

// Follow implements conference.ChangeFeed.
func (s *Store) Follow(ctx context.Context, ready func(), fn func(conference.Change)) error {
	ferret, err := s.isFerretDB(ctx)
	if err != nil {
		return err
	}
	if ferret {
		return s.followOplog(ctx, ready, fn)
	}
	return s.followStream(ctx, ready, fn)
}

// isFerretDB tells FerretDB from MongoDB by buildInfo's ferretdbVersion.
func (s *Store) isFerretDB(ctx context.Context) (bool, error) {
	var info bson.M
	if err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false, fmt.Errorf("ask the store what it is: %w", err)
	}
	_, ok := info["ferretdbVersion"]
	return ok, nil
}

// followStream follows a MongoDB change stream of the database, with the
// whole document of every insert, replace and update.
func (s *Store) followStream(ctx context.Context, ready func(), fn func(conference.Change)) error {
	cs, err := s.db.Watch(ctx, mongo.Pipeline{}, options.ChangeStream().SetFullDocument(options.UpdateLookup))
	if err != nil {
		return fmt.Errorf("open the change stream: %w", err)
	}
	defer cs.Close(context.WithoutCancel(ctx))
	ready()
	for cs.Next(ctx) {
		var ev struct {
			Op  string                `bson:"operationType"`
			NS  struct{ Coll string } `bson:"ns"`
			Key struct {
				ID bson.RawValue `bson:"_id"`
			} `bson:"documentKey"`
			Doc bson.Raw `bson:"fullDocument"`
		}
		if err := cs.Decode(&ev); err != nil {
			return fmt.Errorf("decode a change: %w", err)
		}
		switch ev.Op {
		case "insert", "replace", "update", "delete":
			if ch, ok := change(ev.NS.Coll, ev.Key.ID, ev.Op == "delete", ev.Doc); ok {
				fn(ch)
			}
		case "invalidate", "drop", "dropDatabase":
			return fmt.Errorf("the change stream ended: %s", ev.Op)
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("the change stream broke: %w", cs.Err())
}

// change decodes one change of collection coll; ok is false for a collection
// that is not the domain's (markers, revisions, idempotent answers) or an
// update whose document is gone already (its delete follows).
func change(coll string, id bson.RawValue, deleted bool, doc bson.Raw) (conference.Change, bool) {
	c := conference.Collection(coll)
	known := false
	for _, k := range conference.Collections {
		known = known || k == c
	}
	sid, isString := id.StringValueOK()
	if !known || !isString {
		return conference.Change{}, false
	}
	if deleted {
		return conference.Change{Collection: c, ID: sid}, true
	}
	if doc == nil {
		return conference.Change{}, false
	}
	v := conference.NewDocument(c)
	if err := bson.Unmarshal(doc, v); err != nil {
		return conference.Change{}, false
	}
	return conference.Change{Collection: c, ID: sid, Doc: v}, true
}

// EnsureOplog creates FerretDB's capped local.oplog.rs when it is missing,
// so that FerretDB starts recording changes. On MongoDB it does nothing: a
// replica set has its own oplog and change streams.
func (s *Store) EnsureOplog(ctx context.Context) error {
	ferret, err := s.isFerretDB(ctx)
	if err != nil || !ferret {
		return err
	}
	local := s.client.Database(oplogDB)
	names, err := local.ListCollectionNames(ctx, bson.D{{Key: "name", Value: oplogColl}})
	if err != nil {
		return fmt.Errorf("look for the oplog: %w", err)
	}
	if len(names) > 0 {
		return nil
	}
	err = local.CreateCollection(ctx, oplogColl, options.CreateCollection().SetCapped(true).SetSizeInBytes(oplogSize))
	var ce mongo.CommandError
	if errors.As(err, &ce) && ce.Code == 48 { // NamespaceExists: the other instance was first
		return nil
	}
	if err != nil {
		return fmt.Errorf("create the oplog: %w", err)
	}
	return nil
}

// followOplog tails FerretDB's oplog from a marker of its own.
func (s *Store) followOplog(ctx context.Context, ready func(), fn func(conference.Change)) error {
	if err := s.EnsureOplog(ctx); err != nil {
		return err
	}
	oplog := s.client.Database(oplogDB).Collection(oplogColl)
	marker := conference.NewID()
	if _, err := s.db.Collection(markers).InsertOne(ctx, bson.D{{Key: "_id", Value: marker}, {Key: "at", Value: time.Now()}}); err != nil {
		return fmt.Errorf("write the feed's marker: %w", err)
	}
	var first struct {
		TS bson.Timestamp `bson:"ts"`
	}
	err := oplog.FindOne(ctx, bson.D{{Key: "ns", Value: s.db.Name() + "." + markers}, {Key: "o._id", Value: marker}}).Decode(&first)
	if err != nil {
		return fmt.Errorf("find the feed's marker in the oplog: %w", err)
	}
	tail, err := oplog.Find(ctx, bson.D{{Key: "ts", Value: bson.D{{Key: "$gte", Value: first.TS}}}},
		options.Find().SetCursorType(options.TailableAwait).SetBatchSize(1).SetMaxAwaitTime(feedAwait))
	if err != nil {
		return fmt.Errorf("tail the oplog: %w", err)
	}
	defer tail.Close(context.WithoutCancel(ctx))

	var wg sync.WaitGroup
	hctx, stop := context.WithCancel(ctx)
	defer func() { stop(); wg.Wait() }()
	wg.Add(1)
	go func() { defer wg.Done(); s.keepOplog(hctx, marker) }()

	d := &oplogDelivery{prefix: s.db.Name() + ".", fn: fn, seen: map[bson.ObjectID]time.Time{}}
	positioned := false
	for tail.Next(ctx) {
		var e oplogEntry
		if err := tail.Decode(&e); err != nil {
			return fmt.Errorf("decode an oplog entry: %w", err)
		}
		if !positioned {
			positioned = true
			ready()
			d.deliver(e) // the marker: seen, so that the sweep skips it too
			wg.Add(1)
			go func() { defer wg.Done(); s.sweepOplog(hctx, first.TS, d) }()
			continue
		}
		d.deliver(e)
	}
	if ctx.Err() != nil {
		return nil
	}
	if tail.Err() == nil {
		return errors.New("the oplog tail was closed")
	}
	return fmt.Errorf("the oplog tail broke: %w", tail.Err())
}

// oplogEntry is what the feed reads of an entry of FerretDB's oplog.
type oplogEntry struct {
	ID   bson.ObjectID `bson:"_id"`
	Op   string        `bson:"op"`
	NS   string        `bson:"ns"`
	O    bson.Raw      `bson:"o"`
	Wall time.Time     `bson:"wall"`
}

// oplogDelivery hands each oplog entry to fn once, whether the tail or the
// sweep reads it first, one at a time.
type oplogDelivery struct {
	prefix string
	fn     func(conference.Change)
	mu     sync.Mutex
	seen   map[bson.ObjectID]time.Time // entries handed on (or skipped), by when they were written
}

func (d *oplogDelivery) deliver(e oplogEntry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.seen[e.ID]; ok {
		return
	}
	d.seen[e.ID] = e.Wall
	if !strings.HasPrefix(e.NS, d.prefix) {
		return
	}
	doc := e.O
	if e.Op == "u" {
		doc, _ = e.O.Lookup("$set").DocumentOK()
	}
	if doc == nil || (e.Op != "i" && e.Op != "u" && e.Op != "d") {
		return
	}
	if ch, ok := change(e.NS[len(d.prefix):], doc.Lookup("_id"), e.Op == "d", doc); ok {
		d.fn(ch)
	}
}

// forget drops what it remembers of entries written before t: the sweep no
// longer reads them.
func (d *oplogDelivery) forget(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, w := range d.seen {
		if w.Before(t) {
			delete(d.seen, id)
		}
	}
}

// sweepOplog reads, every feedSweep until ctx ends, the oplog entries of
// the last feedSweepWindow from the feed's marker on, and hands on those
// the tail has not: the entries it skipped (see the top of this file). One
// that arrives this way comes after entries written later; the Service
// applies a versioned document only when its version is newer, so an edit
// is never undone by it.
func (s *Store) sweepOplog(ctx context.Context, from bson.Timestamp, d *oplogDelivery) {
	oplog := s.client.Database(oplogDB).Collection(oplogColl)
	t := time.NewTicker(feedSweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		since := time.Now().Add(-feedSweepWindow)
		octx, cancel := context.WithTimeout(ctx, feedOpTimeout)
		cur, err := oplog.Find(octx, bson.D{{Key: "ts", Value: bson.D{{Key: "$gte", Value: from}}},
			{Key: "wall", Value: bson.D{{Key: "$gte", Value: since}}}}, options.Find().SetSort(bson.D{{Key: "ts", Value: 1}}))
		if err == nil {
			for cur.Next(octx) {
				var e oplogEntry
				if cur.Decode(&e) == nil {
					d.deliver(e)
				}
			}
			_ = cur.Close(context.WithoutCancel(ctx))
		}
		cancel()
		// Entries older than the window are not read again; a little slack
		// for the clock between two reads.
		d.forget(since.Add(-feedSweepWindow))
	}
}

// keepOplog writes this instance's heartbeat marker and trims the oplog, until
// ctx ends. Every instance does both; trimming twice is harmless.
func (s *Store) keepOplog(ctx context.Context, marker string) {
	oplog := s.client.Database(oplogDB).Collection(oplogColl)
	t := time.NewTicker(feedHeartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), feedOpTimeout)
			_, _ = s.db.Collection(markers).DeleteOne(dctx, bson.D{{Key: "_id", Value: marker}})
			cancel()
			return
		case <-t.C:
		}
		octx, cancel := context.WithTimeout(ctx, feedOpTimeout)
		_, _ = s.db.Collection(markers).ReplaceOne(octx, bson.D{{Key: "_id", Value: marker}},
			bson.D{{Key: "_id", Value: marker}, {Key: "at", Value: time.Now()}})
		_, _ = oplog.DeleteMany(octx, bson.D{{Key: "wall", Value: bson.D{{Key: "$lt", Value: time.Now().Add(-oplogRetention)}}}})
		cancel()
	}
}
