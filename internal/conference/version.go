package conference

import (
	"context"
	"fmt"
)

// versioned is a document whose every stored change counts one version:
// Meeting, Topic, Delegation, User, Session, Outcome, Action and
// RegisterEntry. version points at its version, so that one piece of code
// reads, defaults and counts every kind's.
type versioned interface {
	version() *int64
}

func (m *Meeting) version() *int64       { return &m.Version }
func (t *Topic) version() *int64         { return &t.Version }
func (d *Delegation) version() *int64    { return &d.Version }
func (u *User) version() *int64          { return &u.Version }
func (se *Session) version() *int64      { return &se.Version }
func (o *Outcome) version() *int64       { return &o.Version }
func (a *Action) version() *int64        { return &a.Version }
func (e *RegisterEntry) version() *int64 { return &e.Version }

// versionOf returns the version of a versioned document.
func versionOf(doc any) (int64, bool) {
	if d, ok := doc.(versioned); ok {
		return *d.version(), true
	}
	return 0, false
}

// checkVersion refuses an edit made on another version than the current one.
// A nil seen means the caller sent none; whether that is allowed is the
// caller's rule, not this one's.
func checkVersion(what string, seen *int64, current int64, cur any) error {
	if seen == nil || *seen == current {
		return nil
	}
	return &Error{Code: ESTALE, Field: "version", Current: cur,
		Message: fmt.Sprintf("The %s was changed by someone else (version %d, you edited %d); review the current version and save again.", what, current, *seen)}
}

// nextVersion is where an edit of old starts: it refuses a stale seen
// version (what names the document in the message) and returns a copy of old
// one version on, for the edit to change and store.
func nextVersion[T any, P interface {
	*T
	versioned
}](what string, seen *int64, old *T) (*T, error) {
	if err := checkVersion(what, seen, *P(old).version(), old); err != nil {
		return nil, err
	}
	v := *old
	*P(&v).version()++
	return &v, nil
}

// editable is a document the agenda's and the accounts' Update methods
// change the same way: field by field, then checked on its own, then against
// the rest of the working set.
type editable[T any] interface {
	*T
	versioned
	Validate() error
	keyed
}

// edit is one editor's change of one document of c. allowed is the editor's
// permission, nil or the refusal. Under writeMu, get reads
// it as the editor may, nextVersion refuses a stale seen version, change sets
// the fields on the copy, Validate and then check (when not
// nil: references to the rest of the working set) judge the result, and what
// passes is stored and returned.
func edit[T any, P editable[T]](ctx context.Context, s *Service, allowed error, c Collection, what string, seen *int64,
	get func() (*T, error), change func(v *T), check func(st *state, v *T) error) (*T, error) {
	if allowed != nil {
		return nil, allowed
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := get()
	if err != nil {
		return nil, err
	}
	v, err := nextVersion[T, P](what, seen, old)
	if err != nil {
		return nil, err
	}
	change(v)
	if err := judge[T, P](s, v, check); err != nil {
		return nil, err
	}
	if err := s.replace(ctx, c, P(v).key(), v); err != nil {
		return nil, err
	}
	return v, nil
}

// defaultVersion makes a versioned document that was stored before it had a
// version (version 0 after decoding) version 1, so that an editor's first
// read and the stored document agree on what they are editing.
func defaultVersion(doc any) {
	if d, ok := doc.(versioned); ok {
		*d.version() = max(*d.version(), 1)
	}
}

// defaultVersions applies defaultVersion to every versioned document of snap.
func defaultVersions(snap *Snapshot) {
	defaultEach(snap.Meetings)
	defaultEach(snap.Topics)
	defaultEach(snap.Delegations)
	defaultEach(snap.Users)
	defaultEach(snap.Sessions)
	defaultEach(snap.Outcomes)
	defaultEach(snap.Actions)
	defaultEach(snap.Register)
}

func defaultEach[T any, P interface {
	*T
	versioned
}](docs []T) {
	for i := range docs {
		defaultVersion(P(&docs[i]))
	}
}

// create stores v, a new document of c, judged as edit judges a change:
// allowed is the creator's permission, nil or the refusal; Validate and check
// (when not nil) run under writeMu.
func create[T any, P editable[T]](ctx context.Context, s *Service, allowed error, c Collection, v *T,
	check func(st *state, v *T) error) (*T, error) {
	if allowed != nil {
		return nil, allowed
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := judge[T, P](s, v, check); err != nil {
		return nil, err
	}
	if err := s.insert(ctx, c, P(v).key(), v); err != nil {
		return nil, err
	}
	return v, nil
}

// judge checks a document about to be stored: on its own (Validate), then,
// when check is not nil, against the working set.
func judge[T any, P editable[T]](s *Service, v *T, check func(st *state, v *T) error) error {
	if err := P(v).Validate(); err != nil {
		return err
	}
	if check == nil {
		return nil
	}
	var err error
	s.read(func(st *state) { err = check(st, v) })
	return err
}
