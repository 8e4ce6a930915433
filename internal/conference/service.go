package conference

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
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
	// gens counts them per collection (by index in Collections), so that a
	// cache of a view that does not read notes survives a posted note.
	gen  atomic.Uint64
	gens [len(collectionNames)]atomic.Uint64

	setupSecret string // hash of the one-time first-admin secret; guarded by writeMu

	// writes counts store writes in flight, so that shutdown can wait for
	// them before it closes the store (see Drain).
	writes sync.WaitGroup
	// WriteTimeout bounds one store write, which no caller can cancel.
	WriteTimeout time.Duration

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

		WriteTimeout: DefaultWriteTimeout,
	}
}

// Load replaces the working set with everything in the Store.
func (s *Service) Load(ctx context.Context) error {
	snap, err := s.store.Load(ctx)
	if err != nil {
		return fmt.Errorf("load working set: %w", err)
	}
	defaultVersions(snap)
	st := newState()
	st.load(snap)
	s.mu.Lock()
	s.st = st
	s.mu.Unlock()
	s.changed(Collections...)
	return nil
}

// changed counts a change of each of cs.
func (s *Service) changed(cs ...Collection) {
	for _, c := range cs {
		s.gens[c.index()].Add(1)
	}
	s.gen.Add(1)
}

// Generation changes whenever any of cs changes; with no argument, whenever
// the working set does. A cache keyed by it must name every collection its
// answer reads, read rules included (an action's marking depends on its
// outcome, a reader's on the session's rapporteurs). Each count only grows,
// so their sum changes whenever one of them does.
func (s *Service) Generation(cs ...Collection) uint64 {
	if len(cs) == 0 {
		return s.gen.Load()
	}
	var sum uint64
	for _, c := range cs {
		sum += s.gens[c.index()].Load()
	}
	return sum
}

// Change is one document put or deleted. It is the unit in which the working
// set changes, whether the change was made here or (later) arrives from a
// change stream of another instance.
type Change struct {
	Collection Collection
	ID         string
	Doc        any // a pointer to the new value; nil when deleted
	// Old is the value the change replaced (nil when new), filled in by
	// Apply: a live subscriber who could read the old value but not the new
	// one must be told it is gone.
	Old any
}

// Apply applies a change that is already stored. It is the only function that
// changes the working set.
func (s *Service) Apply(ch Change) {
	s.mu.Lock()
	ch.Old = s.st.current(ch.Collection, ch.ID)
	s.st.apply(ch)
	s.mu.Unlock()
	s.changed(ch.Collection)
	if s.OnChange != nil {
		s.OnChange(ch)
	}
}

// DefaultWriteTimeout bounds one store write.
const DefaultWriteTimeout = 30 * time.Second

// write runs one store operation on a context of its own: it keeps the
// caller's values but not its cancellation, and has a deadline. A write that
// a hung-up client cancelled midway could be stored without the Service
// knowing, and memory and store would disagree.
func (s *Service) write(ctx context.Context, op func(ctx context.Context) error) error {
	s.writes.Add(1)
	defer s.writes.Done()
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.WriteTimeout)
	defer cancel()
	return op(wctx)
}

// Drain waits until the store writes in flight have ended, or ctx does.
// Shutdown calls it after the HTTP server stopped and before the store closes.
func (s *Service) Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.writes.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("store writes still in flight: %w", ctx.Err())
	}
}

// outcomeUnknown reports whether a failed write may have been stored all the
// same: a domain error (a taken unique key) says it was not; a timeout, a
// closed connection or any other failure does not say.
func outcomeUnknown(err error) bool {
	var e *Error
	return err != nil && !errors.As(err, &e)
}

func (s *Service) insert(ctx context.Context, c Collection, id string, doc any) error {
	if err := s.write(ctx, func(ctx context.Context) error { return s.store.Insert(ctx, c, doc) }); err != nil {
		if outcomeUnknown(err) && s.reconcile(ctx, c, id) == reconciledStored {
			return nil // it was stored after all, and memory now holds it
		}
		return fmt.Errorf("insert into %s: %w", c, err)
	}
	s.Apply(Change{Collection: c, ID: id, Doc: doc})
	return nil
}

func (s *Service) replace(ctx context.Context, c Collection, id string, doc any) error {
	if err := s.write(ctx, func(ctx context.Context) error { return s.store.Replace(ctx, c, id, doc) }); err != nil {
		if outcomeUnknown(err) && s.reconcile(ctx, c, id) == reconciledStored && s.holds(c, id, doc) {
			return nil
		}
		return fmt.Errorf("replace in %s: %w", c, err)
	}
	s.Apply(Change{Collection: c, ID: id, Doc: doc})
	return nil
}

func (s *Service) delete(ctx context.Context, c Collection, id string) error {
	if err := s.write(ctx, func(ctx context.Context) error { return s.store.Delete(ctx, c, id) }); err != nil {
		if outcomeUnknown(err) && s.reconcile(ctx, c, id) == reconciledAbsent {
			return nil
		}
		return fmt.Errorf("delete from %s: %w", c, err)
	}
	s.Apply(Change{Collection: c, ID: id})
	return nil
}

// What reconcile found in the store.
type reconciled int

const (
	reconcileFailed  reconciled = iota // the store did not answer: memory is unchanged
	reconciledStored                   // the document is there; memory holds what the store holds
	reconciledAbsent                   // the document is not there; memory agrees
)

// reconcile reads document id of c back from the store after a write whose
// outcome is unknown, and makes memory hold what the store holds, so that
// nothing is answered about the document from a state the store does not
// share. It tries a few times within one write timeout: the failure that
// made the outcome unknown may be passing.
func (s *Service) reconcile(ctx context.Context, c Collection, id string) reconciled {
	deadline := time.Now().Add(s.WriteTimeout)
	for wait := 50 * time.Millisecond; ; wait *= 2 {
		doc := newDocument(c)
		var found bool
		err := s.write(ctx, func(ctx context.Context) error {
			var err error
			found, err = s.store.Get(ctx, c, id, doc)
			return err
		})
		switch {
		case err == nil && found:
			defaultVersion(doc)
			if !s.holdsEqual(c, id, doc) {
				s.Apply(Change{Collection: c, ID: id, Doc: doc})
			}
			return reconciledStored
		case err == nil:
			if s.holds(c, id, nil) {
				return reconciledAbsent
			}
			s.Apply(Change{Collection: c, ID: id})
			return reconciledAbsent
		case time.Now().Add(wait).After(deadline):
			return reconcileFailed
		}
		time.Sleep(wait)
	}
}

// holdsEqual reports whether memory holds a document equal to doc, so that
// reading back what memory already has changes nothing, not even the
// generation that caches are keyed by.
func (s *Service) holdsEqual(c Collection, id string, doc any) bool {
	var cur any
	s.read(func(st *state) { cur = st.current(c, id) })
	if cur == nil {
		return false
	}
	if v, ok := versionOf(doc); ok {
		w, _ := versionOf(cur)
		return v == w // one version, one content: versions guard every write
	}
	return reflect.DeepEqual(cur, doc)
}

// holds reports whether memory holds doc as document id of c: a nil doc asks
// whether memory holds none. Documents are compared by their version where
// they have one, else by identity.
func (s *Service) holds(c Collection, id string, doc any) bool {
	var cur any
	s.read(func(st *state) { cur = st.current(c, id) })
	if doc == nil || cur == nil {
		return doc == nil && cur == nil
	}
	if v, ok := versionOf(doc); ok {
		w, _ := versionOf(cur)
		return v == w
	}
	return cur == doc
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

// requireMay lets a signed-in actor on when may, one of the actor's May
// rules (access.go), allows it; refused is the answer otherwise.
func requireMay(actor *User, may func() bool, refused string) error {
	if err := requireActor(actor); err != nil {
		return err
	}
	if !may() {
		return Errorf(EFORBIDDEN, "%s", refused)
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

// sortedValues returns the map's values ordered by key, ties broken by id, so
// that lists come out the same on every call.
func sortedValues[T any](m map[string]*T, key func(*T) string) []*T {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(key(m[a]), key(m[b])), cmp.Compare(a, b)) })
	out := make([]*T, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// setTrimmed sets *dst to v without surrounding white space, unless v is nil:
// how an update applies a text field it was given.
func setTrimmed(dst *string, v *string) {
	if v != nil {
		*dst = strings.TrimSpace(*v)
	}
}

// setList sets *dst to a copy of v, unless v is nil: how an update applies a
// list it was given.
func setList[T any](dst *[]T, v *[]T) {
	if v != nil {
		*dst = nonNil(*v)
	}
}

// nonNil returns a copy of xs, never nil: stored values must not share
// memory with what a caller may change afterwards.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return slices.Clone(xs)
}

// utcMillis is how instants are kept: UTC, to the millisecond BSON stores.
func utcMillis(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// find reads one document of the working set, or answers ENOTFOUND with the
// message given.
func find[T any](s *Service, get func(st *state) *T, format string, args ...any) (*T, error) {
	var v *T
	s.read(func(st *state) { v = get(st) })
	if v == nil {
		return nil, Errorf(ENOTFOUND, format, args...)
	}
	return v, nil
}
