package mongostore_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// A versioned replace claims its version: the second writer of a version is
// stale, the same write again is no conflict, and a version claimed by a
// writer that died before it replaced the document is rolled forward, not
// taken forever.
func TestReplaceClaimsItsVersion(t *testing.T) {
	st, uri := storetest.Open(t)
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	v1 := &conference.Topic{ID: "t1", Slug: "cyber", Title: "Cyber", Version: 1}
	if err := st.Insert(ctx, conference.Topics, v1); err != nil {
		t.Fatal(err)
	}
	first := &conference.Topic{ID: "t1", Slug: "cyber", Title: "First", Version: 2}
	if err := st.Replace(ctx, conference.Topics, "t1", first); err != nil {
		t.Fatal(err)
	}
	if err := st.Replace(ctx, conference.Topics, "t1", first); err != nil {
		t.Errorf("the same write again: %v", err)
	}
	second := &conference.Topic{ID: "t1", Slug: "cyber", Title: "Second", Version: 2}
	if err := st.Replace(ctx, conference.Topics, "t1", second); conference.ErrorCode(err) != conference.ESTALE {
		t.Errorf("a second writer of version 2: %v, want stale_version", err)
	}
	var got conference.Topic
	if _, err := st.Get(ctx, conference.Topics, "t1", &got); err != nil || got.Title != "First" {
		t.Errorf("stored %+v (%v), want the first writer's", got, err)
	}

	// A writer claimed version 3 and died before its replace.
	orphan := &conference.Topic{ID: "t1", Slug: "cyber", Title: "Orphan", Version: 3}
	raw, _ := bson.Marshal(orphan)
	if _, err := client.Database(storetest.Database).Collection("revisions").InsertOne(ctx, bson.D{{Key: "_id", Value: "topics/t1/3"}, {Key: "collection", Value: "topics"},
		{Key: "entity", Value: "t1"}, {Key: "version", Value: int64(3)}, {Key: "doc", Value: bson.Raw(raw)}}); err != nil {
		t.Fatal(err)
	}
	late := &conference.Topic{ID: "t1", Slug: "cyber", Title: "Late", Version: 3}
	if err := st.Replace(ctx, conference.Topics, "t1", late); conference.ErrorCode(err) != conference.ESTALE {
		t.Errorf("a writer of a claimed version: %v, want stale_version", err)
	}
	if _, err := st.Get(ctx, conference.Topics, "t1", &got); err != nil || got.Title != "Orphan" || got.Version != 3 {
		t.Errorf("stored %+v (%v), want version 3 rolled forward", got, err)
	}
	next := &conference.Topic{ID: "t1", Slug: "cyber", Title: "Next", Version: 4}
	if err := st.Replace(ctx, conference.Topics, "t1", next); err != nil {
		t.Errorf("the next version after the roll-forward: %v", err)
	}
}
