package conference

import (
	"context"
	"time"
)

// Idempotency is where the first answers to creating requests sent with an
// Idempotency-Key are kept. It is not loaded at start: it is read only by
// key, and its documents expire.
const Idempotency Collection = "idempotency"

// IdempotencyWindow is how long a stored answer is replayed for its key.
const IdempotencyWindow = 24 * time.Hour

// IdempotentAnswer is the first answer to a creating request that carried an
// Idempotency-Key, kept so that a retry gets the same answer instead of a
// second thing. Until the request is answered it is a claim (Done false),
// held until HeldUntil, so that a second request with the same key neither
// runs alongside the first nor waits forever for a process that died.
type IdempotentAnswer struct {
	ID        string            `bson:"_id"`     // a hash of the user and the key
	Request   string            `bson:"request"` // a hash of method, path, query and body
	Done      bool              `bson:"done"`
	Status    int               `bson:"status,omitempty"`
	Header    map[string]string `bson:"header,omitempty"`
	Body      []byte            `bson:"body,omitempty"`
	CreatedAt time.Time         `bson:"created_at"`
	HeldUntil time.Time         `bson:"held_until"`
	ExpiresAt time.Time         `bson:"expires_at"`
}

// Stale reports whether a is no longer in force at now: it expired, or it is
// a claim whose request was never answered in time.
func (a *IdempotentAnswer) Stale(now time.Time) bool {
	return !now.Before(a.ExpiresAt) || !a.Done && !now.Before(a.HeldUntil)
}

// IdempotencyStore keeps IdempotentAnswers in the system of record, so that
// a replay works across restarts and on every instance. The unique _id makes
// the first of two concurrent requests with one key the only one that runs.
type IdempotencyStore interface {
	// ClaimAnswer stores a, a claim; claimed is false when its id is taken.
	ClaimAnswer(ctx context.Context, a *IdempotentAnswer) (claimed bool, err error)
	// FindAnswer returns the answer with this id, nil when there is none.
	FindAnswer(ctx context.Context, id string) (*IdempotentAnswer, error)
	// SaveAnswer replaces the claim with its answer.
	SaveAnswer(ctx context.Context, a *IdempotentAnswer) error
	// DropAnswer removes the answer with this id; an absent one is no error.
	DropAnswer(ctx context.Context, id string) error
	// DropStaleAnswer removes the answer with this id only if it is stale
	// at now, as one write, so that of two requests that found it stale
	// only one takes its place.
	DropStaleAnswer(ctx context.Context, id string, now time.Time) error
	// ExpireAnswers removes every answer that expired by now.
	ExpireAnswers(ctx context.Context, now time.Time) (int64, error)
}
