package mongostore_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// TestFerretDBOplogBehaviour pins down what FerretDB 1.24 (SQLite backend)
// does with local.oplog.rs, which the change feed relies on. It talks to the
// store with plain driver calls, not through the feed, so that a change of
// FerretDB's behaviour fails here with a clear name. Findings, kept in
// docs/operations.md ("Scale out"):
//
//   - once a capped local.oplog.rs exists, every insert, update (replace or
//     upsert) and delete writes one entry: op i with the whole document, op u
//     with the whole new document under o.$set and its _id in o2, op d with
//     only the _id; a write refused by a unique index writes none;
//   - a tailable find whose first batch is not full is closed at once
//     (cursor id 0), so a tail must ask for batch size 1 and start from an
//     entry that exists;
//   - a tailable-await getMore returns a new entry within tens of ms;
//   - the embeddable package never trims a capped collection (its cleanup
//     interval is zero), so whoever creates the oplog must trim it.
func TestFerretDBOplogBehaviour(t *testing.T) {
	_, uri := storetest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	oplog := client.Database("local").Collection("oplog.rs")

	if err := client.Database("local").CreateCollection(ctx, "oplog.rs",
		options.CreateCollection().SetCapped(true).SetSizeInBytes(1<<20)); err != nil {
		t.Fatal(err)
	}
	probe := client.Database(storetest.Database).Collection("probe")
	if _, err := probe.InsertOne(ctx, bson.D{{Key: "_id", Value: "marker"}}); err != nil {
		t.Fatal(err)
	}
	var marker bson.M
	if err := oplog.FindOne(ctx, bson.D{{Key: "ns", Value: storetest.Database + ".probe"}, {Key: "o._id", Value: "marker"}}).Decode(&marker); err != nil {
		t.Fatalf("no oplog entry for the marker: %v", err)
	}
	from := bson.D{{Key: "ts", Value: bson.D{{Key: "$gte", Value: marker["ts"]}}}}

	// A first batch that is not full closes the tailable cursor.
	short, err := oplog.Find(ctx, from, options.Find().SetCursorType(options.TailableAwait).SetBatchSize(2))
	if err != nil {
		t.Fatal(err)
	}
	if short.ID() != 0 {
		t.Errorf("a tailable cursor with a short first batch stayed open (id %d); FerretDB changed", short.ID())
	}
	short.Close(ctx)

	tail, err := oplog.Find(ctx, from, options.Find().SetCursorType(options.TailableAwait).SetBatchSize(1).SetMaxAwaitTime(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close(context.Background())
	if tail.ID() == 0 {
		t.Fatal("the tailable cursor from the marker was closed")
	}
	if !tail.Next(ctx) || tail.Current.Lookup("o", "_id").StringValue() != "marker" {
		t.Fatalf("first entry is not the marker: %v %v", tail.Current, tail.Err())
	}

	type want struct {
		op, id string
		doc    bool // the entry carries the whole document
	}
	writes := []struct {
		do   func() error
		want *want
	}{
		{func() error {
			_, err := probe.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 1}})
			return err
		}, &want{"i", "a", true}},
		{func() error {
			_, err := probe.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 2}})
			return err
		}, &want{"u", "a", true}},
		{func() error {
			_, err := probe.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "b"}}, bson.D{{Key: "_id", Value: "b"}, {Key: "n", Value: 3}}, options.Replace().SetUpsert(true))
			return err
		}, &want{"i", "b", true}},
		{func() error {
			if _, err := probe.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}}); !mongo.IsDuplicateKeyError(err) {
				t.Errorf("second insert of a: %v", err)
			}
			return nil
		}, nil},
		{func() error { _, err := probe.DeleteOne(ctx, bson.D{{Key: "_id", Value: "b"}}); return err }, &want{"d", "b", false}},
	}
	var slowest time.Duration
	for i, w := range writes {
		start := time.Now()
		if err := w.do(); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		if w.want == nil {
			continue
		}
		if !tail.Next(ctx) {
			t.Fatalf("write %d: no oplog entry: %v", i, tail.Err())
		}
		slowest = max(slowest, time.Since(start))
		e := tail.Current
		op := e.Lookup("op").StringValue()
		doc := e.Lookup("o")
		if op == "u" {
			doc = e.Lookup("o", "$set")
			if e.Lookup("o2", "_id").StringValue() != w.want.id {
				t.Errorf("write %d: o2 is %v", i, e.Lookup("o2"))
			}
		}
		if op != w.want.op || doc.Document().Lookup("_id").StringValue() != w.want.id {
			t.Errorf("write %d: entry %s of %v, want %s of %s", i, op, doc, w.want.op, w.want.id)
		}
		if _, err := doc.Document().LookupErr("n"); (err == nil) != w.want.doc {
			t.Errorf("write %d: entry %v carries the document: %v, want %v", i, e, err == nil, w.want.doc)
		}
	}
	t.Logf("slowest entry arrived %v after its write", slowest)
}
