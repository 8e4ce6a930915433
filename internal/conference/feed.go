package conference

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"
)

// ChangeFeed is the store's own record of the changes it stored, whoever
// wrote them: this instance or another one on the same store. It is how two
// instances stay in step (DESIGN.md, "Concurrency that holds across
// processes").
type ChangeFeed interface {
	// Follow calls ready once it is positioned, then fn for every change
	// stored after that point, in the order the store recorded them, until
	// ctx ends (it returns nil) or the feed breaks (it returns why). Changes
	// stored after a break may be missed: the caller re-reads the store.
	// fn receives documents decoded with NewDocument, and Doc nil for a
	// delete.
	Follow(ctx context.Context, ready func(), fn func(Change)) error
}

// NewDocument returns a pointer to a zero value of the type stored in c, for
// an adapter that decodes a change of c.
func NewDocument(c Collection) any {
	if c == Imports {
		return new(Import)
	}
	return newDocument(c)
}

// follower holds what applying a feed needs beyond the working set: the
// register entries of imports that are stored but not yet committed. An
// import writes its entries first and its Import document last; until that
// arrives, the entries stay invisible here, as they do where they were
// written (see commitImport).
//
// It also holds the sessions whose notes the feed brought lately (recheck):
// FerretDB numbers an oplog entry before the write commits, so two writes
// that commit in the other order can let a tail pass one entry for good
// (internal/mongostore/feed.go). A later note shows the gap; for the last
// note of a burst nothing would, so each such session is compared with the
// store once its notes have been quiet for noteRecheck.
type follower struct {
	mu        sync.Mutex
	pending   map[string][]*RegisterEntry // import id → its entries, in feed order
	committed map[string]bool
	recheck   map[string]time.Time // session id → when to compare it with the store
}

// noteRecheck is how long after the last note the feed brought for a
// session the session's notes are compared with the store.
const noteRecheck = 300 * time.Millisecond

func newFollower() *follower {
	return &follower{pending: map[string][]*RegisterEntry{}, committed: map[string]bool{}, recheck: map[string]time.Time{}}
}

// recheckLater (re)schedules the comparison of a session with the store.
func (f *follower) recheckLater(sessionID string) {
	f.mu.Lock()
	f.recheck[sessionID] = time.Now().Add(noteRecheck)
	f.mu.Unlock()
}

// rechecks compares with the store the sessions that are due, until ctx ends.
func (s *Service) rechecks(ctx context.Context, f *follower) {
	// A plain pause: stopping waits for at most one of them.
	for ctx.Err() == nil {
		time.Sleep(noteRecheck / 2)
		var due []string
		f.mu.Lock()
		for id, at := range f.recheck {
			if time.Now().After(at) {
				due = append(due, id)
				delete(f.recheck, id)
			}
		}
		f.mu.Unlock()
		for _, id := range due {
			lock := s.sessionLock(id)
			lock.Lock()
			_ = s.catchUpNotes(ctx, id) // a failure is retried by the next note or re-read
			lock.Unlock()
		}
	}
}

// Follow applies the changes of feed to the working set, through Apply, until
// ctx ends. Each time the feed is positioned — at start and after every
// break — the store is read again (resync), so that a change stored before
// the feed was positioned, or whose feed entry was lost, is not missed.
// onError, when set, hears of each break; the feed is then restarted after a
// pause that grows up to a few seconds. ready is closed the first time the
// feed is positioned and the store re-read.
//
// A change this instance wrote itself comes back through the feed too; it is
// recognised (same version, same note, same content) and not applied twice.
func (s *Service) Follow(ctx context.Context, feed ChangeFeed, ready chan<- struct{}, onError func(error)) {
	f := newFollower()
	var bg sync.WaitGroup
	defer bg.Wait()
	bg.Add(1)
	go func() { defer bg.Done(); s.rechecks(ctx, f) }()
	var once sync.Once
	for wait := 100 * time.Millisecond; ctx.Err() == nil; wait = min(2*wait, 5*time.Second) {
		err := feed.Follow(ctx, func() {
			// Re-reading from the feed's goroutine: changes that arrive
			// meanwhile wait, and then find memory already holding them.
			if rerr := s.resync(ctx, f); rerr != nil && onError != nil {
				onError(rerr)
			}
			wait = 100 * time.Millisecond
			once.Do(func() {
				if ready != nil {
					close(ready)
				}
			})
		}, func(ch Change) { s.applyFed(ctx, f, ch) })
		if ctx.Err() != nil {
			return
		}
		if onError != nil {
			onError(fmt.Errorf("change feed broke, restarting in %v: %w", wait, err))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// applyFed applies one change from the feed unless memory already holds it.
// It takes the lock that the change's local writers hold from their store
// write to their Apply, so that a write of this instance whose feed entry
// arrives before its own Apply is seen as known, not applied twice.
func (s *Service) applyFed(ctx context.Context, f *follower, ch Change) {
	switch ch.Collection {
	case Notes:
		n, _ := ch.Doc.(*Note)
		if n == nil {
			return // notes are never deleted
		}
		f.recheckLater(n.SessionID)
		lock := s.sessionLock(n.SessionID)
		lock.Lock()
		defer lock.Unlock()
		var count int64
		var known bool
		s.read(func(st *state) { count, known = int64(len(st.notes[n.SessionID])), st.noteByID[n.ID] != nil })
		switch {
		case known || n.Seq <= count:
		case n.Seq == count+1:
			s.Apply(ch)
		default:
			// A gap: the entries of the notes between were lost (FerretDB
			// writes them after the data, not with it). The store has them.
			_ = s.catchUpNotes(ctx, n.SessionID)
		}
		return
	case Logins, Tokens:
		s.loginMu.Lock()
		defer s.loginMu.Unlock()
	default:
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	switch ch.Collection {
	case Imports:
		if ch.Doc == nil {
			return // a refused import deletes its Import document; its entries go too
		}
		f.mu.Lock()
		entries := f.pending[ch.ID]
		delete(f.pending, ch.ID)
		f.committed[ch.ID] = true
		f.mu.Unlock()
		for _, e := range entries {
			s.applyKnown(Change{Collection: Register, ID: e.ID, Doc: e})
		}
		return
	case Register:
		if e, _ := ch.Doc.(*RegisterEntry); e != nil && e.ImportID != "" && s.holds(Register, ch.ID, nil) {
			f.mu.Lock()
			wait := !f.committed[e.ImportID]
			if wait {
				f.pending[e.ImportID] = append(f.pending[e.ImportID], e)
			}
			f.mu.Unlock()
			if wait {
				return
			}
		}
	}
	s.applyKnown(ch)
}

// applyKnown applies ch unless memory holds it or something newer: a
// versioned document only when its version is higher, others when they
// differ, a delete when memory holds the document.
func (s *Service) applyKnown(ch Change) {
	defaultVersion(ch.Doc)
	var cur any
	s.read(func(st *state) { cur = st.current(ch.Collection, ch.ID) })
	switch {
	case ch.Doc == nil:
		if cur == nil {
			return
		}
	case cur == nil:
	default:
		if v, ok := versionOf(ch.Doc); ok {
			if w, _ := versionOf(cur); v <= w {
				return
			}
		} else if reflect.DeepEqual(cur, ch.Doc) {
			return
		}
	}
	s.Apply(ch)
}

// resync reads the whole store and applies, through the same path as the
// feed, every document memory lacks or holds in an older version, and the
// deletion of every document memory holds that the store no longer has. It
// is what an instance does when its feed starts or broke: what happened
// meanwhile may never arrive by the feed.
func (s *Service) resync(ctx context.Context, f *follower) error {
	var snap *Snapshot
	err := s.write(ctx, func(ctx context.Context) error {
		var err error
		snap, err = s.store.Load(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("re-read the store: %w", err)
	}
	f.mu.Lock()
	for _, im := range snap.Imports {
		f.committed[im.ID] = true
	}
	f.mu.Unlock()
	seen := map[Collection]map[string]bool{}
	for _, ch := range snapshotChanges(snap) {
		if seen[ch.Collection] == nil {
			seen[ch.Collection] = map[string]bool{}
		}
		seen[ch.Collection][ch.ID] = true
		s.applyFed(ctx, f, ch)
	}
	for _, c := range Collections {
		if c == Notes || c == Imports {
			continue // notes are never deleted; imports are not held
		}
		var gone []string
		s.read(func(st *state) {
			for _, id := range st.ids(c) {
				if !seen[c][id] {
					gone = append(gone, id)
				}
			}
		})
		for _, id := range gone {
			s.applyFed(ctx, f, Change{Collection: c, ID: id})
		}
	}
	// What was just read is what the store holds: nothing to compare again.
	f.mu.Lock()
	clear(f.recheck)
	f.mu.Unlock()
	return nil
}

// snapshotChanges lists every document of snap as a change, notes in seq
// order per session and import documents after the entries they commit.
func snapshotChanges(snap *Snapshot) []Change {
	var out []Change
	add := func(c Collection, n int, at func(i int) (string, any)) {
		for i := range n {
			id, doc := at(i)
			out = append(out, Change{Collection: c, ID: id, Doc: doc})
		}
	}
	add(Delegations, len(snap.Delegations), func(i int) (string, any) { return snap.Delegations[i].Code, &snap.Delegations[i] })
	add(Topics, len(snap.Topics), func(i int) (string, any) { return snap.Topics[i].ID, &snap.Topics[i] })
	add(Meetings, len(snap.Meetings), func(i int) (string, any) { return snap.Meetings[i].ID, &snap.Meetings[i] })
	add(Sessions, len(snap.Sessions), func(i int) (string, any) { return snap.Sessions[i].ID, &snap.Sessions[i] })
	add(Users, len(snap.Users), func(i int) (string, any) { return snap.Users[i].ID, &snap.Users[i] })
	add(Logins, len(snap.Logins), func(i int) (string, any) { return snap.Logins[i].ID, &snap.Logins[i] })
	add(Tokens, len(snap.Tokens), func(i int) (string, any) { return snap.Tokens[i].ID, &snap.Tokens[i] })
	bySeq := make([]*Note, len(snap.Notes))
	for i := range snap.Notes {
		bySeq[i] = &snap.Notes[i]
	}
	sortNotes(bySeq)
	add(Notes, len(bySeq), func(i int) (string, any) { return bySeq[i].ID, bySeq[i] })
	add(Outcomes, len(snap.Outcomes), func(i int) (string, any) { return snap.Outcomes[i].ID, &snap.Outcomes[i] })
	add(Actions, len(snap.Actions), func(i int) (string, any) { return snap.Actions[i].ID, &snap.Actions[i] })
	add(Register, len(snap.Register), func(i int) (string, any) { return snap.Register[i].ID, &snap.Register[i] })
	add(Imports, len(snap.Imports), func(i int) (string, any) { return snap.Imports[i].ID, &snap.Imports[i] })
	add(Links, len(snap.Links), func(i int) (string, any) { return snap.Links[i].ID, &snap.Links[i] })
	add(Records, len(snap.Records), func(i int) (string, any) { return snap.Records[i].ID, &snap.Records[i] })
	return out
}

// ids lists the ids of the documents of c that memory holds.
func (st *state) ids(c Collection) []string {
	byCollection := map[Collection]any{Meetings: st.meetings, Delegations: st.delegations, Topics: st.topics,
		Sessions: st.sessions, Users: st.users, Logins: st.logins, Tokens: st.tokens, Outcomes: st.outcomes,
		Actions: st.actions, Register: st.register, Links: st.links, Records: st.records}
	m := reflect.ValueOf(byCollection[c])
	if !m.IsValid() {
		return nil
	}
	out := make([]string, 0, m.Len())
	for _, k := range m.MapKeys() {
		out = append(out, k.String())
	}
	return out
}

// sortNotes orders notes by session, then seq: the order Apply takes them in.
func sortNotes(notes []*Note) {
	slices.SortFunc(notes, func(a, b *Note) int {
		return cmp.Or(cmp.Compare(a.SessionID, b.SessionID), cmp.Compare(a.Seq, b.Seq))
	})
}

// CatchUpNotes applies the notes of a session that the store holds and
// memory does not yet: another instance's, whose feed entries have not
// arrived. The live hub asks before it tells a subscriber whose cursor is
// beyond this instance's record to start over.
func (s *Service) CatchUpNotes(ctx context.Context, sessionID string) error {
	if !s.sessionExists(sessionID) {
		return Errorf(ENOTFOUND, "No session %q.", sessionID)
	}
	lock := s.sessionLock(sessionID)
	lock.Lock()
	defer lock.Unlock()
	return s.catchUpNotes(ctx, sessionID)
}
