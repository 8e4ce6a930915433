package conference_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// errStore is what the fake store answers when told to fail.
var errStore = errors.New("store: write concern not satisfied")

// fakeStore is an in-memory conference.Store. It keeps copies, so that the
// Service cannot change what was "persisted" except through the Store.
type fakeStore struct {
	mu      sync.Mutex
	docs    map[conference.Collection]map[string]any // pointer to a private copy
	writes  int                                      // successful writes
	failIn  int                                      // the failIn-th write from now fails; 0: none
	failAll bool                                     // every write fails until Fail(false)
	// loseAck makes writes succeed but answer an error, as when the link
	// to the store drops before its answer arrives.
	loseAck bool

	// beforeWrite, when set, runs at the start of every write, outside the
	// store's lock, so that a test can interleave another call there.
	beforeWrite func(op string, c conference.Collection, id string)
}

func newFakeStore() *fakeStore {
	return &fakeStore{docs: map[conference.Collection]map[string]any{}}
}

// FailWrite makes the n-th write from now fail with errStore (1: the next).
func (s *fakeStore) FailWrite(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failIn = n
}

// Fail makes every write from now on fail with errStore, until Fail(false).
func (s *fakeStore) Fail(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = on
}

// LoseAck makes every write from now on be stored but answer errAckLost.
func (s *fakeStore) LoseAck(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loseAck = on
}

// errAckLost is what a write answers, once stored, when told to lose its ack.
var errAckLost = errors.New("store: connection reset before the answer")

func (s *fakeStore) shouldFail() bool {
	if s.failAll {
		return true
	}
	if s.failIn == 0 {
		return false
	}
	s.failIn--
	return s.failIn == 0
}

func (s *fakeStore) hook(op string, c conference.Collection, id string) {
	s.mu.Lock()
	f := s.beforeWrite
	s.mu.Unlock()
	if f != nil {
		f(op, c, id)
	}
}

func (s *fakeStore) Load(ctx context.Context) (*conference.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := &conference.Snapshot{}
	sv := reflect.ValueOf(snap).Elem()
	for _, docs := range s.docs {
		ids := slices.Sorted(maps.Keys(docs))
		for _, id := range ids {
			_, doc := copyDoc(docs[id])
			f, ok := snapshotField[reflect.TypeOf(doc).Elem()]
			if !ok {
				return nil, fmt.Errorf("fakeStore: no Snapshot field for %T", doc)
			}
			list := sv.FieldByIndex(f.Index)
			list.Set(reflect.Append(list, reflect.ValueOf(doc).Elem()))
		}
	}
	return snap, nil
}

func (s *fakeStore) Insert(ctx context.Context, c conference.Collection, doc any) error {
	id, cp, err := s.lockWrite("insert", c, "", doc)
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	if _, ok := s.docs[c][id]; ok {
		return conference.Errorf(conference.EDUPLICATE, "duplicate key: %s %s", c, id)
	}
	if n, ok := cp.(*conference.Note); ok && s.noteTaken(n) {
		return conference.Errorf(conference.EDUPLICATE, "duplicate key: notes (session_id, seq) or client_id")
	}
	return s.put(c, id, cp)
}

// noteTaken reports whether a stored note has n's seq in its session or n's
// client id: the unique indexes of the real store.
func (s *fakeStore) noteTaken(n *conference.Note) bool {
	for _, d := range s.docs[conference.Notes] {
		if o := d.(*conference.Note); (o.SessionID == n.SessionID && o.Seq == n.Seq) || o.ClientID == n.ClientID {
			return true
		}
	}
	return false
}

func (s *fakeStore) Replace(ctx context.Context, c conference.Collection, id string, doc any) error {
	_, cp, err := s.lockWrite("replace", c, id, doc)
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.put(c, id, cp)
}

// lockWrite starts a write of a copy of doc to c: it runs the beforeWrite
// hook, takes the store's lock, which the caller releases whatever the
// answer, and refuses a document of another collection, one whose id is
// not id (when id is given), and a write told to fail.
func (s *fakeStore) lockWrite(op string, c conference.Collection, id string, doc any) (string, any, error) {
	docID, cp := copyDoc(doc)
	if id == "" {
		id = docID
	}
	s.hook(op, c, id)
	s.mu.Lock()
	if err := checkCollection(c, cp); err != nil {
		return id, cp, err
	}
	if docID != id {
		return id, cp, fmt.Errorf("%s %s: id %q but the document's id is %q", op, c, id, docID)
	}
	if s.shouldFail() {
		return id, cp, errStore
	}
	return id, cp, nil
}

func (s *fakeStore) Delete(ctx context.Context, c conference.Collection, id string) error {
	s.hook("delete", c, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shouldFail() {
		return errStore
	}
	delete(s.docs[c], id)
	s.writes++
	return nil
}

func (s *fakeStore) put(c conference.Collection, id string, doc any) error {
	if s.docs[c] == nil {
		s.docs[c] = map[string]any{}
	}
	s.docs[c][id] = doc
	s.writes++
	if s.loseAck {
		return errAckLost
	}
	return nil
}

// Count returns how many documents collection c holds.
func (s *fakeStore) Count(c conference.Collection) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.docs[c])
}

// Has reports whether collection c holds a document with id.
func (s *fakeStore) Has(c conference.Collection, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.docs[c][id]
	return ok
}

// Writes returns how many writes were stored (a lost ack included).
func (s *fakeStore) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// Dump returns a deep copy of every document, for before/after comparisons.
func (s *fakeStore) Dump() map[conference.Collection]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[conference.Collection]map[string]any{}
	for c, docs := range s.docs {
		out[c] = map[string]any{}
		for id, d := range docs {
			_, out[c][id] = copyDoc(d)
		}
	}
	return out
}

// snapshotField maps a document type to the Snapshot field that lists it:
// []Meeting for Meeting, and so on. Snapshot fields are named after their
// collection ("Register" holds collection "register").
var snapshotField = func() map[reflect.Type]reflect.StructField {
	m := map[reflect.Type]reflect.StructField{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[conference.Snapshot]()) {
		if f.Type.Kind() == reflect.Slice {
			m[f.Type.Elem()] = f
		}
	}
	return m
}()

// checkCollection catches a document written to the wrong collection.
func checkCollection(c conference.Collection, doc any) error {
	f, ok := snapshotField[reflect.TypeOf(doc).Elem()]
	if !ok {
		return fmt.Errorf("fakeStore: a %T is no document", doc)
	}
	want := conference.Collection(strings.ToLower(f.Name))
	if slices.Contains(conference.Collections, want) && want != c {
		return fmt.Errorf("a %T written to collection %q, want %q", doc, c, want)
	}
	return nil
}

// copyDoc returns the id of doc (its field tagged bson:"_id") and a deep copy.
func copyDoc(doc any) (string, any) {
	v := reflect.ValueOf(doc)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("fakeStore: a document is a pointer to a struct, not %T", doc))
	}
	cp := reflect.New(v.Elem().Type())
	cp.Elem().Set(deepCopy(v.Elem()))
	for _, f := range reflect.VisibleFields(v.Elem().Type()) {
		if tag := f.Tag.Get("bson"); tag == "_id" || strings.HasPrefix(tag, "_id,") {
			return cp.Elem().FieldByIndex(f.Index).String(), cp.Interface()
		}
	}
	panic(fmt.Sprintf("fakeStore: %T has no _id field", doc))
}

func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			c.Index(i).Set(deepCopy(v.Index(i)))
		}
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			c.SetMapIndex(it.Key(), deepCopy(it.Value()))
		}
		return c
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Elem().Type())
		c.Elem().Set(deepCopy(v.Elem()))
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v) // unexported fields (a time.Time's) are copied as they are
		for i := range v.NumField() {
			if c.Field(i).CanSet() {
				c.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return c
	}
	return v
}

// fakeHasher keeps tests fast; it is not a password hash.
type fakeHasher struct{}

func (fakeHasher) Hash(pw string) (string, error) { return "h:" + pw, nil }
func (fakeHasher) Verify(hash, pw string) bool    { return hash == "h:"+pw }

// clock is the Service's injected time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// changeLog records what OnChange was told.
type changeLog struct {
	mu      sync.Mutex
	changes []conference.Change
}

func (l *changeLog) add(ch conference.Change) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes = append(l.changes, ch)
}

func (l *changeLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.changes)
}

func (l *changeLog) Last() conference.Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.changes) == 0 {
		return conference.Change{}
	}
	return l.changes[len(l.changes)-1]
}

const password = "correct horse battery staple"

// actorCase is one row of a permission table: who tries, and the error code
// the attempt ends in ("" when it is allowed).
type actorCase struct {
	name  string
	actor *conference.User
	code  string
}

// fixture is a Service over a fake store, with a controlled clock and ids.
type fixture struct {
	svc     *conference.Service
	store   *fakeStore
	clock   *clock
	changes *changeLog
}

var ctx = context.Background()

// newFixture returns an empty, loaded Service.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	return newFixtureOver(tb, newFakeStore())
}

// newFixtureOver returns a Service loaded from store.
func newFixtureOver(tb testing.TB, store *fakeStore) *fixture {
	tb.Helper()
	return newFixtureAt(tb, store, mustTime("2014-07-01T08:00:00Z"))
}

// newFixtureAt returns a Service loaded from store, its clock at now.
func newFixtureAt(tb testing.TB, store *fakeStore, now time.Time) *fixture {
	tb.Helper()
	f := &fixture{
		store:   store,
		clock:   &clock{t: now},
		changes: &changeLog{},
	}
	f.svc = conference.NewService(store, fakeHasher{})
	f.svc.Now = f.clock.Now
	var n atomic.Int64
	f.svc.NewID = func() string { return fmt.Sprintf("id-%05d", n.Add(1)) }
	f.svc.OnChange = f.changes.add
	if err := f.svc.Load(ctx); err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return f
}

// london is a fixture with the London 2014 meeting, its five delegations, two
// topics and one user of each role.
type london struct {
	*fixture
	admin, rapporteur, delegate, head, followup, observer *conference.User
	meeting                                               *conference.Meeting
	cyberbullying, privacy                                *conference.Topic
}

func newLondon(tb testing.TB) *london {
	tb.Helper()
	f := newFixture(tb)
	l := &london{fixture: f}
	for _, d := range []conference.Delegation{
		{Code: "AU", Name: "Australia", Agencies: []string{"Attorney-General's Department"}},
		{Code: "CA", Name: "Canada"},
		{Code: "GB", Name: "United Kingdom", Agencies: []string{"Crown Prosecution Service", "National Crime Agency"}},
		{Code: "NZ", Name: "New Zealand"},
		{Code: "US", Name: "United States", Agencies: []string{"Department of Justice"}},
	} {
		if _, err := f.svc.CreateDelegation(ctx, conference.SystemActor, d); err != nil {
			tb.Fatalf("CreateDelegation(%s): %v", d.Code, err)
		}
	}
	l.cyberbullying = l.mustCreateTopic(tb, "cyberbullying", "Cyberbullying: prevalence and responses")
	l.privacy = l.mustCreateTopic(tb, "privacy-information-sharing", "Privacy and information sharing")
	m := validMeeting()
	m.Topics = []string{l.cyberbullying.ID, l.privacy.ID}
	var err error
	if l.meeting, err = f.svc.CreateMeeting(ctx, conference.SystemActor, m); err != nil {
		tb.Fatalf("CreateMeeting: %v", err)
	}
	l.admin = l.mustCreateUser(tb, "secretariat@ago.gov.uk", "GB", conference.RoleAdmin)
	l.rapporteur = l.mustCreateUser(tb, "rapporteur@cps.gov.uk", "GB", conference.RoleRapporteur)
	l.delegate = l.mustCreateUser(tb, "delegate@ag.gov.au", "AU", conference.RoleDelegate)
	l.head = l.mustCreateUser(tb, "head@justice.gc.ca", "CA", conference.RoleHead)
	l.followup = l.mustCreateUser(tb, "followup@crownlaw.govt.nz", "NZ", conference.RoleFollowup)
	l.observer = l.mustCreateUser(tb, "observer@example.org", "", conference.RoleObserver)
	return l
}

func (f *fixture) mustCreateTopic(tb testing.TB, slug, title string) *conference.Topic {
	tb.Helper()
	t, err := f.svc.CreateTopic(ctx, conference.SystemActor, conference.Topic{Slug: slug, Title: title})
	if err != nil {
		tb.Fatalf("CreateTopic(%s): %v", slug, err)
	}
	return t
}

func (f *fixture) mustCreateUser(tb testing.TB, email, delegation string, roles ...conference.Role) *conference.User {
	tb.Helper()
	u, err := f.svc.CreateUser(ctx, conference.SystemActor, conference.UserInput{
		Email: email, Name: "User " + email, Roles: roles, Delegation: delegation, Password: password,
	})
	if err != nil {
		tb.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func (l *london) mustCreateSession(tb testing.TB, title, start, end string) *conference.Session {
	tb.Helper()
	se, err := l.svc.CreateSession(ctx, conference.SystemActor, l.meeting.ID, conference.SessionInput{
		Title: title, Start: mustTime(start), End: mustTime(end), Room: "Main meeting room",
	})
	if err != nil {
		tb.Fatalf("CreateSession(%s): %v", title, err)
	}
	return se
}

func (f *fixture) mustSignIn(tb testing.TB, email string) string {
	tb.Helper()
	secret, _, err := f.svc.SignIn(ctx, email, password)
	if err != nil {
		tb.Fatalf("SignIn(%s): %v", email, err)
	}
	return secret
}

// view is everything the Service answers, dereferenced, for comparisons.
type view struct {
	Delegations []conference.Delegation
	Topics      []conference.Topic
	Meetings    []conference.Meeting
	Agendas     map[string][]conference.Session
	Notes       map[string][]conference.Note // by session, as the secretariat reads them
	Users       []conference.User
}

func (f *fixture) view(tb testing.TB) view {
	tb.Helper()
	var v view
	ds, err := f.svc.Delegations(ctx, conference.SystemActor)
	assertNoError(tb, err)
	v.Delegations = deref(ds)
	ts, err := f.svc.Topics(ctx, conference.SystemActor)
	assertNoError(tb, err)
	v.Topics = deref(ts)
	slices.SortFunc(v.Topics, func(a, b conference.Topic) int { return cmp.Compare(a.ID, b.ID) })
	ms, err := f.svc.Meetings(ctx, conference.SystemActor)
	assertNoError(tb, err)
	v.Meetings = deref(ms)
	slices.SortFunc(v.Meetings, func(a, b conference.Meeting) int { return cmp.Compare(a.ID, b.ID) })
	v.Agendas = map[string][]conference.Session{}
	v.Notes = map[string][]conference.Note{}
	for _, m := range ms {
		ss, err := f.svc.Agenda(ctx, conference.SystemActor, m.ID)
		assertNoError(tb, err)
		v.Agendas[m.ID] = deref(ss)
		for _, se := range ss {
			ns, last, err := f.svc.Notes(ctx, conference.SystemActor, se.ID, 0)
			assertNoError(tb, err)
			if got, want := last, int64(len(ns)); got != want {
				tb.Fatalf("session %s: last seq=%d but the secretariat reads %d notes", se.ID, got, want)
			}
			if len(ns) > 0 {
				v.Notes[se.ID] = deref(ns)
			}
		}
	}
	us, err := f.svc.Users(ctx, conference.SystemActor)
	assertNoError(tb, err)
	v.Users = deref(us)
	return v
}

func deref[T any](xs []*T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = *x
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// assertUnchanged fails unless the Service and its store still answer what
// they answered when before was taken, and nothing was announced.
type before struct {
	view    view
	store   map[conference.Collection]map[string]any
	gen     uint64
	changes int
}

func (f *fixture) before(tb testing.TB) before {
	tb.Helper()
	return before{view: f.view(tb), store: f.store.Dump(), gen: f.svc.Generation(), changes: f.changes.Len()}
}

func (f *fixture) assertUnchanged(tb testing.TB, b before) {
	tb.Helper()
	if got, want := f.svc.Generation(), b.gen; got != want {
		tb.Fatalf("Generation=%d, want %d (unchanged)", got, want)
	}
	if got, want := f.changes.Len(), b.changes; got != want {
		tb.Fatalf("OnChange called %d times, want %d", got, want)
	}
	if got, want := f.view(tb), b.view; !reflect.DeepEqual(got, want) {
		tb.Fatalf("working set changed:\n got %+v\nwant %+v", got, want)
	}
	if got, want := f.store.Dump(), b.store; !reflect.DeepEqual(got, want) {
		tb.Fatalf("store changed:\n got %+v\nwant %+v", got, want)
	}
}

func (s *fakeStore) Get(ctx context.Context, c conference.Collection, id string, doc any) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.docs[c][id]
	if !ok {
		return false, nil
	}
	_, cp := copyDoc(stored)
	reflect.ValueOf(doc).Elem().Set(reflect.ValueOf(cp).Elem())
	return true, nil
}

func (s *fakeStore) NotesAfter(ctx context.Context, sessionID string, after int64) ([]conference.Note, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []conference.Note
	for _, d := range s.docs[conference.Notes] {
		if n := d.(*conference.Note); n.SessionID == sessionID && n.Seq > after {
			_, cp := copyDoc(n)
			out = append(out, *cp.(*conference.Note))
		}
	}
	slices.SortFunc(out, func(a, b conference.Note) int { return int(a.Seq - b.Seq) })
	return out, nil
}

// writeWhileReading calls write(w, i) for every i below perWriter in each of
// writers goroutines while readers goroutines read. Each reader calls the
// read that newReader(r) returns, over and over, until the writes are over,
// then once more with final set, so that it can check it caught up. A reader
// stops at its first error; every error, a writer's or a reader's, fails t.
func writeWhileReading(t *testing.T, writers, perWriter int, write func(w, i int) error,
	readers int, newReader func(r int) func(final bool) error) {
	t.Helper()
	errs := make(chan error, writers*perWriter+readers)
	var wg, rg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				if err := write(w, i); err != nil {
					errs <- err
				}
			}
		})
	}
	for r := range readers {
		read := newReader(r)
		rg.Go(func() {
			for {
				final := false
				select {
				case <-done:
					final = true
				default:
				}
				if err := read(final); err != nil {
					errs <- err
					return
				}
				if final {
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// pluck returns f of each of xs, in order: what a test compares of a list.
func pluck[T any](xs []T, f func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

// interleaveOnce starts f in a goroutine of its own at the start of the next
// write op to c, and lets that write go on without waiting for f: another
// tab's request arriving while this one is in flight. The func it returns
// removes the hook, waits for f if it started, and reports whether it did.
func (s *fakeStore) interleaveOnce(op string, c conference.Collection, f func()) (wait func() bool) {
	var once sync.Once
	started, done := make(chan struct{}), make(chan struct{})
	s.mu.Lock()
	s.beforeWrite = func(o string, col conference.Collection, _ string) {
		if o != op || col != c {
			return
		}
		once.Do(func() {
			close(started)
			go func() {
				defer close(done)
				f()
			}()
		})
	}
	s.mu.Unlock()
	return func() bool {
		s.mu.Lock()
		s.beforeWrite = nil
		s.mu.Unlock()
		select {
		case <-started:
			<-done
			return true
		default:
			return false
		}
	}
}
