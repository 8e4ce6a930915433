package mongostore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/conference"
)

var _ conference.IdempotencyStore = (*Store)(nil)

// idempotencyIndexes let the sweep find the expired answers without reading
// every document on a real MongoDB.
var idempotencyIndexes = []index{
	{coll: conference.Idempotency, name: "idempotency_expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
}

func (s *Store) answers() *mongo.Collection { return s.coll(conference.Idempotency) }

// ClaimAnswer inserts a; the _id, unique by nature, makes one of two
// concurrent claims of the same key fail.
func (s *Store) ClaimAnswer(ctx context.Context, a *conference.IdempotentAnswer) (bool, error) {
	if _, err := s.answers().InsertOne(ctx, a); err != nil {
		if isDuplicateKey(err) {
			return false, nil
		}
		return false, fmt.Errorf("claim idempotency key: %w", err)
	}
	return true, nil
}

// FindAnswer reads the answer with this id.
func (s *Store) FindAnswer(ctx context.Context, id string) (*conference.IdempotentAnswer, error) {
	var a conference.IdempotentAnswer
	err := s.answers().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&a)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find idempotent answer: %w", err)
	}
	return &a, nil
}

// SaveAnswer replaces the claim a.ID with its answer.
func (s *Store) SaveAnswer(ctx context.Context, a *conference.IdempotentAnswer) error {
	if _, err := s.answers().ReplaceOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, a, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("save idempotent answer: %w", err)
	}
	return nil
}

// DropAnswer removes the answer with this id.
func (s *Store) DropAnswer(ctx context.Context, id string) error {
	if _, err := s.answers().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("drop idempotent answer: %w", err)
	}
	return nil
}

// DropStaleAnswer removes the answer with this id if it expired, or if it is
// a claim held past its time; the filter makes the test and the delete one
// write.
func (s *Store) DropStaleAnswer(ctx context.Context, id string, now time.Time) error {
	filter := bson.D{
		{Key: "_id", Value: id},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: now}}}},
			bson.D{{Key: "done", Value: false}, {Key: "held_until", Value: bson.D{{Key: "$lte", Value: now}}}},
		}},
	}
	if _, err := s.answers().DeleteOne(ctx, filter); err != nil {
		return fmt.Errorf("drop stale idempotent answer: %w", err)
	}
	return nil
}

// ExpireAnswers removes the answers that expired by now.
func (s *Store) ExpireAnswers(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.answers().DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: now}}}})
	if err != nil {
		return 0, fmt.Errorf("expire idempotent answers: %w", err)
	}
	return res.DeletedCount, nil
}
