package conference_test

// The fixture of the outcome and action tests. Its names start with "fu" so
// that they never collide with the helpers of other features' tests in this
// package.

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// fuStore is an in-memory conference.Store for any document type: it keeps a
// gob copy of each document (gob, not JSON, so that fields hidden from JSON
// such as a delegation's feed key survive a reload) (so the Service cannot change what was
// "persisted" except through the Store), and can be told to fail.
type fuStore struct {
	mu     sync.Mutex
	docs   map[conference.Collection]map[string][]byte
	writes int
	fail   bool
	// loseAck makes writes succeed but answer an error, as when the link
	// to the store drops before its answer arrives.
	loseAck bool
}

var errFuStore = errors.New("store: not acknowledged")

func newFuStore() *fuStore {
	return &fuStore{docs: map[conference.Collection]map[string][]byte{}}
}

func (s *fuStore) Load(ctx context.Context) (*conference.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := &conference.Snapshot{}
	fill := func(c conference.Collection, dst any) {
		v := reflect.ValueOf(dst).Elem()
		for _, raw := range s.docs[c] {
			p := reflect.New(v.Type().Elem())
			if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(p.Interface()); err != nil {
				panic(err)
			}
			v.Set(reflect.Append(v, p.Elem()))
		}
	}
	fill(conference.Delegations, &snap.Delegations)
	fill(conference.Topics, &snap.Topics)
	fill(conference.Meetings, &snap.Meetings)
	fill(conference.Sessions, &snap.Sessions)
	fill(conference.Users, &snap.Users)
	fill(conference.Notes, &snap.Notes)
	fill(conference.Outcomes, &snap.Outcomes)
	fill(conference.Actions, &snap.Actions)
	return snap, nil
}

// idOf finds the id of a document: its ID field, or a delegation's Code.
func fuIDOf(doc any) string {
	v := reflect.ValueOf(doc).Elem()
	for _, name := range []string{"ID", "Code"} {
		if f := v.FieldByName(name); f.IsValid() {
			return f.String()
		}
	}
	panic(fmt.Sprintf("fuStore: no id in %T", doc))
}

func (s *fuStore) put(c conference.Collection, id string, doc any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errFuStore
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(doc); err != nil {
		return err
	}
	raw := buf.Bytes()
	if s.docs[c] == nil {
		s.docs[c] = map[string][]byte{}
	}
	s.docs[c][id] = raw
	s.writes++
	if s.loseAck {
		return errFuAckLost
	}
	return nil
}

var errFuAckLost = errors.New("store: connection reset before the answer")

// LoseAck makes every write from now on be stored but answer an error.
func (s *fuStore) LoseAck(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loseAck = on
}

// noteTaken reports whether a stored note has n's seq in its session or n's
// client id: the unique indexes of the real store.
func (s *fuStore) noteTaken(n *conference.Note) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, raw := range s.docs[conference.Notes] {
		var o conference.Note
		if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&o); err != nil {
			panic(err)
		}
		if (o.SessionID == n.SessionID && o.Seq == n.Seq) || o.ClientID == n.ClientID {
			return true
		}
	}
	return false
}

func (s *fuStore) Insert(ctx context.Context, c conference.Collection, doc any) error {
	if n, ok := doc.(*conference.Note); ok && s.noteTaken(n) {
		return conference.Errorf(conference.ECONFLICT, "duplicate key: notes (session_id, seq) or client_id")
	}
	return s.put(c, fuIDOf(doc), doc)
}

func (s *fuStore) Replace(ctx context.Context, c conference.Collection, id string, doc any) error {
	return s.put(c, id, doc)
}

func (s *fuStore) Delete(ctx context.Context, c conference.Collection, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errFuStore
	}
	delete(s.docs[c], id)
	s.writes++
	return nil
}

func (s *fuStore) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

func (s *fuStore) Fail(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = on
}

type fuHasher struct{}

func (fuHasher) Hash(pw string) (string, error) { return "h:" + pw, nil }
func (fuHasher) Verify(hash, pw string) bool    { return hash == "h:"+pw }

// fuClock is the Service's injected time.
type fuClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fuClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fuClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func fuTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fuWorld is London 2014 with its five delegations, two topics, one live
// session with notes of each marking, a second session, a later meeting
// (Washington 2015), and users of every role.
type fuWorld struct {
	svc   *conference.Service
	store *fuStore
	clock *fuClock
	ctx   context.Context

	london, washington *conference.Meeting
	cyber, prosecutors *conference.Topic
	session, other     *conference.Session // other: a session the rapporteur is not assigned to
	// notes 1 (all), 2 (delegations), 3 (heads) of session
	admin, rapporteur, otherRapporteur, delegateAU, headCA, headUS, followupCA, followupNZ, observer *conference.User
}

func newFuWorld(tb testing.TB) *fuWorld {
	tb.Helper()
	w := &fuWorld{store: newFuStore(), clock: &fuClock{t: fuTime("2014-07-09T08:00:00Z")}, ctx: context.Background()}
	w.svc = conference.NewService(w.store, fuHasher{})
	w.svc.Now = w.clock.Now
	var n atomic.Int64
	w.svc.NewID = func() string { return fmt.Sprintf("fu-%05d", n.Add(1)) }
	fuMust(tb, w.svc.Load(w.ctx))
	sys := conference.SystemActor
	for _, d := range []conference.Delegation{
		{Code: "AU", Name: "Australia"}, {Code: "CA", Name: "Canada"}, {Code: "GB", Name: "United Kingdom"},
		{Code: "NZ", Name: "New Zealand"}, {Code: "US", Name: "United States"}, {Code: "FR", Name: "France (not a party)"},
	} {
		_, err := w.svc.CreateDelegation(w.ctx, sys, d)
		fuMust(tb, err)
	}
	var err error
	w.cyber, err = w.svc.CreateTopic(w.ctx, sys, conference.Topic{Slug: "cyberbullying", Title: "Cyberbullying"})
	fuMust(tb, err)
	w.prosecutors, err = w.svc.CreateTopic(w.ctx, sys, conference.Topic{Slug: "educating-prosecutors", Title: "Educating prosecutors"})
	fuMust(tb, err)
	parties := []string{"AU", "CA", "GB", "NZ", "US"}
	w.london, err = w.svc.CreateMeeting(w.ctx, sys, conference.Meeting{ID: "london-2014", Title: "London 2014", Host: "GB",
		City: "London", TimeZone: "Europe/London", StartDate: "2014-07-09", EndDate: "2014-07-11",
		Delegations: parties, Topics: []string{w.cyber.ID, w.prosecutors.ID}})
	fuMust(tb, err)
	w.washington, err = w.svc.CreateMeeting(w.ctx, sys, conference.Meeting{ID: "washington-2015", Title: "Washington 2015", Host: "US",
		City: "Washington", TimeZone: "America/New_York", StartDate: "2015-07-01", EndDate: "2015-07-02",
		Delegations: parties, Topics: []string{w.prosecutors.ID, w.cyber.ID}})
	fuMust(tb, err)

	user := func(email, name, delegation string, roles ...conference.Role) *conference.User {
		u, err := w.svc.CreateUser(w.ctx, sys, conference.UserInput{Email: email, Name: name, Roles: roles,
			Delegation: delegation, Password: "correct horse battery"})
		fuMust(tb, err)
		return u
	}
	w.admin = user("sec@example.org", "Secretariat", "", conference.RoleAdmin)
	w.rapporteur = user("rap@example.org", "Rapporteur", "GB", conference.RoleRapporteur)
	w.otherRapporteur = user("rap2@example.org", "Other Rapporteur", "GB", conference.RoleRapporteur)
	w.delegateAU = user("del.au@example.org", "Delegate AU", "AU", conference.RoleDelegate)
	w.headCA = user("head.ca@example.org", "Head CA", "CA", conference.RoleHead)
	w.headUS = user("head.us@example.org", "Head US", "US", conference.RoleHead)
	w.followupCA = user("fu.ca@example.org", "Follow-up CA", "CA", conference.RoleFollowup)
	w.followupNZ = user("fu.nz@example.org", "Follow-up NZ", "NZ", conference.RoleFollowup)
	w.observer = user("obs@example.org", "Observer", "", conference.RoleObserver)

	w.session, err = w.svc.CreateSession(w.ctx, sys, w.london.ID, conference.SessionInput{Title: "Cyberbullying",
		Start: fuTime("2014-07-09T09:00:00+01:00"), End: fuTime("2014-07-09T10:30:00+01:00"),
		Rapporteurs: []string{w.rapporteur.ID}, Topics: []string{w.cyber.ID}})
	fuMust(tb, err)
	w.other, err = w.svc.CreateSession(w.ctx, sys, w.london.ID, conference.SessionInput{Title: "Educating prosecutors",
		Start: fuTime("2014-07-09T11:00:00+01:00"), End: fuTime("2014-07-09T12:30:00+01:00"),
		Rapporteurs: []string{w.otherRapporteur.ID}, Topics: []string{w.prosecutors.ID}})
	fuMust(tb, err)
	_, err = w.svc.StartSession(w.ctx, w.admin, w.session.ID)
	fuMust(tb, err)
	for i, m := range []conference.Marking{conference.MarkingAll, conference.MarkingDelegations, conference.MarkingHeads} {
		_, _, err := w.svc.PostNote(w.ctx, w.admin, w.session.ID, conference.NoteInput{
			ClientID: fmt.Sprintf("n%d", i+1), Text: "Note marked " + string(m), Marking: m})
		fuMust(tb, err)
	}
	return w
}

func fuMust(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("unexpected error: %v", err)
	}
}

// fuCode fails unless err is a *conference.Error with code (and, when field
// is not empty, naming field).
func fuCode(tb testing.TB, err error, code, field string) *conference.Error {
	tb.Helper()
	var e *conference.Error
	if !errors.As(err, &e) {
		tb.Fatalf("err=%v, want a *conference.Error with code %q", err, code)
	}
	if e.Code != code {
		tb.Fatalf("code=%q, want %q (%v)", e.Code, code, err)
	}
	if field != "" && e.Field != field {
		tb.Fatalf("field=%q, want %q (%v)", e.Field, field, err)
	}
	return e
}

// fuAction creates a plain open action owned by owner, through the secretariat.
func (w *fuWorld) fuAction(tb testing.TB, owner, due string) *conference.Action {
	tb.Helper()
	a, err := w.svc.CreateAction(w.ctx, w.admin, conference.ActionInput{
		Title: "Train prosecutors in " + owner, Owner: owner, Due: due, MeetingID: w.london.ID,
	})
	fuMust(tb, err)
	return a
}

// fuUnchanged runs f and fails unless it wrote nothing and changed nothing.
func (w *fuWorld) fuUnchanged(tb testing.TB, f func()) {
	tb.Helper()
	writes, gen := w.store.Writes(), w.svc.Generation()
	f()
	if got := w.store.Writes(); got != writes {
		tb.Fatalf("store writes=%d, want %d (nothing written on refusal)", got, writes)
	}
	if got := w.svc.Generation(); got != gen {
		tb.Fatalf("Generation=%d, want %d (nothing changed on refusal)", got, gen)
	}
}

func fuPtr[T any](v T) *T { return &v }

func (s *fuStore) Get(ctx context.Context, c conference.Collection, id string, doc any) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.docs[c][id]
	if !ok {
		return false, nil
	}
	return true, gob.NewDecoder(bytes.NewReader(raw)).Decode(doc)
}

func (s *fuStore) NotesAfter(ctx context.Context, sessionID string, after int64) ([]conference.Note, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []conference.Note
	for _, raw := range s.docs[conference.Notes] {
		var n conference.Note
		if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&n); err != nil {
			return nil, err
		}
		if n.SessionID == sessionID && n.Seq > after {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b conference.Note) int { return int(a.Seq - b.Seq) })
	return out, nil
}
