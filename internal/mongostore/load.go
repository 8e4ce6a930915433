package mongostore

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/conference"
)

// Loading is the start-up path: a decade of meetings is tens of thousands of
// documents, nearly all notes, and the embedded store spends some 60 µs of
// CPU on each document it serves (it parses the document's SQLite row into
// its own types, then into BSON), in this process. Reading collections at
// once, or decoding in a goroutine of its own while the server prepares the
// next batch, measured no faster: the server's work is the critical path.
// What helped is fewer round trips (the batch size) and a garbage collector
// that runs less often while loading (relaxGC).

// loadBatchSize is how many documents one round trip of Load brings. The
// driver's default first batch is 101 documents, which costs 500 round trips
// for 50,000 notes; 5,000 notes of a few hundred bytes make a batch of about
// 2 MB, well under the 16 MiB reply limit.
const loadBatchSize = 5000

// Load reads every collection into a Snapshot.
func (s *Store) Load(ctx context.Context) (*conference.Snapshot, error) {
	defer relaxGC()()
	var snap conference.Snapshot
	for _, c := range conference.Collections {
		if err := loader(s.coll(c), c, &snap)(ctx); err != nil {
			return nil, fmt.Errorf("load %s: %w", c, err)
		}
	}
	return &snap, nil
}

// loader returns the function that reads collection c into its list in snap.
func loader(coll *mongo.Collection, c conference.Collection, snap *conference.Snapshot) func(context.Context) error {
	switch c {
	case conference.Delegations:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Delegations) }
	case conference.Topics:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Topics) }
	case conference.Meetings:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Meetings) }
	case conference.Sessions:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Sessions) }
	case conference.Users:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Users) }
	case conference.Logins:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Logins) }
	case conference.Tokens:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Tokens) }
	case conference.Notes:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Notes) }
	case conference.Outcomes:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Outcomes) }
	case conference.Actions:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Actions) }
	case conference.Register:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Register) }
	case conference.Links:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Links) }
	case conference.Imports:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Imports) }
	case conference.Records:
		return func(ctx context.Context) error { return loadAll(ctx, coll, &snap.Records) }
	}
	// A collection added to the domain must be added here too; silently
	// leaving it out would lose its documents at the next start.
	return func(context.Context) error { return errors.New("the store does not know this collection") }
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

// loadGCPercent is the garbage collector's target while Load runs. The
// embedded store runs in this process and allocates about 50 KB per document
// it serves; with the default target of 100, collecting that garbage took a
// quarter of the start-up CPU (measured: 4.7 s for 50,000 documents, 3.4 s at
// 400). The live heap during Load is the snapshot, tens of MB, so the larger
// target costs a few hundred MB for a few seconds.
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
