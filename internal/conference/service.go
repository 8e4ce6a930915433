package conference

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Service is the one way in to Quintet's data. It loads the working set from
// the Store at start, answers every read from memory, and writes through: a
// change goes to the Store first and is applied to memory and announced only
// after the Store acknowledged it.
//
// Values held in memory are never mutated once stored; a write replaces the
// pointer with a fresh copy. Callers receive those pointers and must treat them
// as read-only.
type Service struct {
	store  Store
	hasher PasswordHasher

	// Now and NewID are fields so that tests control time and identifiers.
	Now   func() time.Time
	NewID func() string
	// OnChange, when set, is told of every change after it was stored and
	// applied, in order. The live hub hangs off it.
	OnChange func(Change)

	// writeMu serialises writers, so that a rule checked against the state
	// still holds when the write lands. Readers never take it.
	writeMu sync.Mutex
	// loginMu serialises writes to logins and tokens, so that sign-ins never
	// wait behind a domain write; see service_login.go. Taken after writeMu
	// when both are held.
	loginMu sync.Mutex
	// sessionLocks holds one *sync.Mutex per session: see sessionLock.
	sessionLocks sync.Map
	mu           sync.RWMutex // guards st
	st           *state
	// gen counts applied changes; adapters use it to cache encoded reads.
	gen atomic.Uint64

	setupSecret string // hash of the one-time first-admin secret; guarded by writeMu

	dummyOnce sync.Once
	dummy     string
}

// NewService returns a Service over store; call Load before use.
func NewService(store Store, hasher PasswordHasher) *Service {
	return &Service{
		store:  store,
		hasher: hasher,
		// Milliseconds: what BSON keeps, so that a reload equals what was served.
		Now:   func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) },
		NewID: NewID,
		st:    newState(),
	}
}

// Load replaces the working set with everything in the Store.
func (s *Service) Load(ctx context.Context) error {
	snap, err := s.store.Load(ctx)
	if err != nil {
		return fmt.Errorf("load working set: %w", err)
	}
	st := newState()
	st.load(snap)
	s.mu.Lock()
	s.st = st
	s.mu.Unlock()
	s.gen.Add(1)
	return nil
}

// Generation changes whenever the working set does.
func (s *Service) Generation() uint64 { return s.gen.Load() }

// Change is one document put or deleted. It is the unit in which the working
// set changes, whether the change was made here or (later) arrives from a
// change stream of another instance.
type Change struct {
	Collection Collection
	ID         string
	Doc        any // a pointer to the new value; nil when deleted
}

// Apply applies a change that is already stored. It is the only function that
// changes the working set.
func (s *Service) Apply(ch Change) {
	s.mu.Lock()
	s.st.apply(ch)
	s.mu.Unlock()
	s.gen.Add(1)
	if s.OnChange != nil {
		s.OnChange(ch)
	}
}

func (s *Service) insert(ctx context.Context, c Collection, id string, doc any) error {
	if err := s.store.Insert(ctx, c, doc); err != nil {
		return fmt.Errorf("insert into %s: %w", c, err)
	}
	s.Apply(Change{Collection: c, ID: id, Doc: doc})
	return nil
}

func (s *Service) replace(ctx context.Context, c Collection, id string, doc any) error {
	if err := s.store.Replace(ctx, c, id, doc); err != nil {
		return fmt.Errorf("replace in %s: %w", c, err)
	}
	s.Apply(Change{Collection: c, ID: id, Doc: doc})
	return nil
}

func (s *Service) delete(ctx context.Context, c Collection, id string) error {
	if err := s.store.Delete(ctx, c, id); err != nil {
		return fmt.Errorf("delete from %s: %w", c, err)
	}
	s.Apply(Change{Collection: c, ID: id})
	return nil
}

// read runs f under the read lock.
func (s *Service) read(f func(st *state)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f(s.st)
}

func requireActor(actor *User) error {
	if actor == nil || actor.Disabled {
		return Errorf(EUNAUTHORIZED, "Sign in first.")
	}
	return nil
}

// Empty reports whether the working set holds no meeting, delegation or
// topic: a first start.
func (s *Service) Empty() bool {
	var empty bool
	s.read(func(st *state) { empty = len(st.meetings) == 0 && len(st.delegations) == 0 && len(st.topics) == 0 })
	return empty
}
