package mongostore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/conference"
)

// SchemaVersion is the version of the persisted shape: the collections and
// the documents' fields as the domain's bson tags say. A backup records it;
// a restore refuses another. Raise it when a stored field changes meaning.
const SchemaVersion = 1

// Encode returns doc as this store writes it: the driver's encoding with the
// client's options (a nil list is stored as []), so that a document backed
// up from memory is the document the store holds.
func Encode(doc any) (bson.Raw, error) {
	var buf bytes.Buffer
	enc := bson.NewEncoder(bson.NewDocumentWriter(&buf))
	enc.NilSliceAsEmpty()
	enc.NilMapAsEmpty()
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Dump reads every document of the domain's collections, collection by
// collection in load order, and passes each to add. With snapshot set, every
// read is at one cluster time (a MongoDB snapshot session, MongoDB 5.0 or
// later on a replica set), so that a dump taken while servers write is
// consistent; without it the caller must know that nothing writes (the
// embedded store, whose lock this process holds).
func (s *Store) Dump(ctx context.Context, snapshot bool, begin func(c conference.Collection) error, add func(c conference.Collection, doc bson.Raw) error) error {
	if snapshot {
		sess, err := s.client.StartSession(options.Session().SetSnapshot(true))
		if err != nil {
			return fmt.Errorf("start a snapshot session: %w", err)
		}
		defer sess.EndSession(context.WithoutCancel(ctx))
		ctx = mongo.NewSessionContext(ctx, sess)
	}
	for _, c := range conference.Collections {
		if err := begin(c); err != nil {
			return err
		}
		cur, err := s.coll(c).Find(ctx, bson.D{}, options.Find().SetBatchSize(loadBatchSize).SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			return fmt.Errorf("read %s: %w", c, err)
		}
		for cur.Next(ctx) {
			if err := add(c, cur.Current); err != nil {
				cur.Close(context.WithoutCancel(ctx))
				return err
			}
		}
		err = cur.Err()
		cur.Close(context.WithoutCancel(ctx))
		if err != nil {
			return fmt.Errorf("read %s: %w", c, err)
		}
	}
	return nil
}

// restoreMarker is a collection outside the domain's: while it holds a
// document, a restore began and did not finish, and the store must not be
// served (see RestoreUnfinished).
const restoreMarker = "quintet_restore"

// RestoreUnfinished reports whether a restore into this store began and
// never finished; the server refuses to start on such a store.
func (s *Store) RestoreUnfinished(ctx context.Context) (bool, error) {
	err := s.db.Collection(restoreMarker).FindOne(ctx, bson.D{}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look for an unfinished restore: %w", err)
	}
	return true, nil
}

// Empty reports whether no collection of the domain holds a document.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	for _, c := range conference.Collections {
		err := s.coll(c).FindOne(ctx, bson.D{}).Err()
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("look into %s: %w", c, err)
		}
		return false, nil
	}
	return true, nil
}

// RestoreCollection is one collection's documents to restore.
type RestoreCollection struct {
	Name conference.Collection
	Docs []bson.Raw
}

// ErrNotEmpty is Restore's answer for a store that holds documents when it
// was not told to replace them.
var ErrNotEmpty = errors.New("the store is not empty")

// Restore writes the collections into the store, all or nothing as far as
// a server can tell: it first stores a marker, then (with replace) removes
// every document of the domain's collections and the kept idempotent
// answers, writes every document, and removes the marker last. A server
// refuses to start while the marker is there (RestoreUnfinished), so it
// never serves half a restore. When a write fails, what was written is taken
// away again; into a store that was empty, the marker goes with it and the
// store is as before. With replace, the old documents are gone by then: the
// marker stays, and only a restore that finishes lets the server start.
//
// An unknown collection, or one not in the domain's list, is refused before
// anything is written.
func (s *Store) Restore(ctx context.Context, cols []RestoreCollection, replace bool) (err error) {
	for _, c := range cols {
		if _, err := s.known(c.Name); err != nil {
			return err
		}
	}
	empty, err := s.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty && !replace {
		return ErrNotEmpty
	}
	marker := s.db.Collection(restoreMarker)
	// ours: this restore set the marker, and may take it away on failure.
	_, merr := marker.InsertOne(ctx, bson.D{{Key: "_id", Value: "restore"}, {Key: "started_at", Value: time.Now().UTC()}})
	ours := merr == nil
	switch {
	case merr != nil && !isDuplicateKey(merr):
		return fmt.Errorf("mark the restore: %w", merr)
	case merr != nil && !replace:
		return errors.New("a restore into this store began and did not finish (or is running); restore again with --force")
	}
	clear := func(ctx context.Context) error {
		for _, c := range append(conference.Collections[:len(conference.Collections):len(conference.Collections)], conference.Idempotency) {
			if _, err := s.coll(c).DeleteMany(ctx, bson.D{}); err != nil {
				return fmt.Errorf("empty %s: %w", c, err)
			}
		}
		return nil
	}
	// Always: an empty domain may still leave idempotent answers behind.
	if err := clear(ctx); err != nil {
		return err
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	for _, c := range cols {
		docs := make([]any, len(c.Docs))
		for i, d := range c.Docs {
			docs[i] = d
		}
		if err := s.InsertMany(ctx, c.Name, docs); err != nil {
			werr := fmt.Errorf("restore %s: %w", c.Name, err)
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if cerr := clear(uctx); cerr != nil {
				return errors.Join(werr, cerr)
			}
			if empty && ours {
				_, _ = marker.DeleteMany(uctx, bson.D{})
			}
			return werr
		}
	}
	if _, err := marker.DeleteMany(ctx, bson.D{}); err != nil {
		return fmt.Errorf("finish the restore: %w", err)
	}
	return nil
}
