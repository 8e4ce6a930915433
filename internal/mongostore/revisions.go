package mongostore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/quintet-ag/quintet/internal/conference"
)

// revisions holds one document per stored version of every versioned
// document: _id "<collection>/<id>/<version>". It is how two instances on
// one store keep "one success and one 409" for two edits of the same
// version. The Service checks the version in memory, but memory is per
// process, and FerretDB's SQLite backend does not run a conditional update
// (replaceOne({_id, version})) atomically; an insert with a taken _id fails
// atomically on FerretDB and MongoDB alike. The revision, inserted before the
// document is replaced, decides which edit wins.
const revisions = "revisions"

type revision struct {
	ID         string    `bson:"_id"`
	Collection string    `bson:"collection"`
	Entity     string    `bson:"entity"`
	Version    int64     `bson:"version"`
	At         time.Time `bson:"at"`
	Doc        bson.Raw  `bson:"doc"`
}

// claimVersion inserts the revision of doc, a document of c with _id id,
// when doc has a version. It answers ESTALE when another write stored that
// version first, and nil when the revision is this very document (a retry).
func (s *Store) claimVersion(ctx context.Context, c conference.Collection, id string, doc any) error {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", noun(c), id, err)
	}
	v, ok := bson.Raw(raw).Lookup("version").Int64OK()
	if !ok {
		return nil // not versioned: logins, tokens, links
	}
	rev := revision{ID: string(c) + "/" + id + "/" + strconv.FormatInt(v, 10), Collection: string(c), Entity: id,
		Version: v, At: time.Now().UTC(), Doc: raw}
	coll := s.db.Collection(revisions)
	_, err = coll.InsertOne(ctx, rev)
	if err == nil || !isDuplicateKey(err) {
		if err != nil {
			return fmt.Errorf("store revision %s: %w", rev.ID, err)
		}
		return nil
	}
	var won revision
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: rev.ID}}).Decode(&won); err != nil {
		return fmt.Errorf("read revision %s: %w", rev.ID, err)
	}
	if bytes.Equal(won.Doc, raw) {
		return nil
	}
	if err := s.rollForward(ctx, c, &won); err != nil {
		return err
	}
	return &conference.Error{Code: conference.ESTALE, Field: "version", Message: fmt.Sprintf(
		"The %s was changed by someone else (version %d is taken); review the current version and save again.", noun(c), v)}
}

// rollForward stores the document of a revision whose writer never replaced
// the document with it (it died between the two writes), so that the
// version it took is not taken forever with nothing to show for it. When the
// writer is alive, both store the same content. The filter keeps a newer
// version from being overwritten, though on FerretDB not atomically: a
// window of one round trip that only a writer dying mid-write opens.
func (s *Store) rollForward(ctx context.Context, c conference.Collection, won *revision) error {
	_, err := s.coll(c).ReplaceOne(ctx,
		bson.D{{Key: "_id", Value: won.Entity}, {Key: "version", Value: bson.D{{Key: "$lt", Value: won.Version}}}},
		won.Doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("roll %s %s forward to version %d: %w", noun(c), won.Entity, won.Version, err)
	}
	return nil
}
