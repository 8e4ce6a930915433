package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/conference"
)

var _ conference.DigestStore = (*Store)(nil)

// ClaimDigest inserts r; its _id (period and user) makes a second claim of
// the same digest fail, on MongoDB and on the embedded store alike.
func (s *Store) ClaimDigest(ctx context.Context, r *conference.DigestRecord) (bool, error) {
	if _, err := s.coll(conference.Digests).InsertOne(ctx, r); err != nil {
		if isDuplicateKey(err) {
			return false, nil
		}
		return false, fmt.Errorf("claim digest: %w", err)
	}
	return true, nil
}

// SaveDigest replaces the record r.ID with r.
func (s *Store) SaveDigest(ctx context.Context, r *conference.DigestRecord) error {
	_, err := s.coll(conference.Digests).ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.ID}}, r, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("save digest: %w", err)
	}
	return nil
}

// DropDigest removes the record with this id.
func (s *Store) DropDigest(ctx context.Context, id string) error {
	if _, err := s.coll(conference.Digests).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("drop digest: %w", err)
	}
	return nil
}
