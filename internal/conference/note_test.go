package conference_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// liveSession adds a session chaired by the head, with the rapporteur
// assigned, and starts it.
func (l *london) liveSession(tb testing.TB) *conference.Session {
	tb.Helper()
	se, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
		Title: "Cyberbullying", Start: mustTime("2014-07-09T16:00:00+01:00"), End: mustTime("2014-07-09T17:30:00+01:00"),
		Chair: l.head.ID, Rapporteurs: []string{l.rapporteur.ID}, Topics: []string{l.cyberbullying.ID},
	})
	if err != nil {
		tb.Fatalf("CreateSession: %v", err)
	}
	if se, err = l.svc.StartSession(ctx, l.rapporteur, se.ID); err != nil {
		tb.Fatalf("StartSession: %v", err)
	}
	return se
}

func (l *london) mustPost(tb testing.TB, author *conference.User, sessionID, clientID string, m conference.Marking) *conference.Note {
	tb.Helper()
	n, created, err := l.svc.PostNote(ctx, author, sessionID, conference.NoteInput{
		ClientID: clientID, Text: "Note " + clientID, Marking: m,
	})
	if err != nil {
		tb.Fatalf("PostNote(%s): %v", clientID, err)
	}
	if !created {
		tb.Fatalf("PostNote(%s): not created", clientID)
	}
	return n
}

func TestService_StartEndSession(t *testing.T) {
	l := newLondon(t)
	se := l.mustCreateSession(t, "Opening", "2014-07-09T09:00:00+01:00", "2014-07-09T10:00:00+01:00")
	_, err := l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{
		Chair: ptr(l.head.ID), Rapporteurs: &[]string{l.rapporteur.ID},
	})
	assertNoError(t, err)
	other := l.mustCreateUser(t, "other.rapporteur@ag.gov.au", "AU", conference.RoleRapporteur)

	// Only the secretariat, the chair and the session's own rapporteurs.
	for _, tt := range []actorCase{
		{"Nobody", nil, conference.EUNAUTHORIZED},
		{"Delegate", l.delegate, conference.EFORBIDDEN},
		{"Followup", l.followup, conference.EFORBIDDEN},
		{"Observer", l.observer, conference.EFORBIDDEN},
		{"OtherRapporteur", other, conference.EFORBIDDEN},
	} {
		b := l.before(t)
		_, err := l.svc.StartSession(ctx, tt.actor, se.ID)
		assertCode(t, err, tt.code)
		_, err = l.svc.EndSession(ctx, tt.actor, se.ID)
		assertCode(t, err, tt.code)
		l.assertUnchanged(t, b)
	}

	// Ending what has not started is refused.
	_, err = l.svc.EndSession(ctx, l.admin, se.ID)
	assertCode(t, err, conference.ECONFLICT)

	live, err := l.svc.StartSession(ctx, l.head, se.ID) // the chair
	assertNoError(t, err)
	if live.Status != conference.SessionLive || live.Version != 3 {
		t.Fatalf("after start: status %q version %d, want live 3", live.Status, live.Version)
	}
	// Starting twice changes nothing.
	gen := l.svc.Generation()
	again, err := l.svc.StartSession(ctx, l.rapporteur, se.ID)
	assertNoError(t, err)
	if again.Version != 3 || l.svc.Generation() != gen {
		t.Fatal("a second start wrote")
	}
	// A live session stays on the agenda.
	assertCode(t, l.svc.DeleteSession(ctx, l.admin, se.ID, nil), conference.ECONFLICT)

	ended, err := l.svc.EndSession(ctx, l.rapporteur, se.ID)
	assertNoError(t, err)
	if ended.Status != conference.SessionEnded {
		t.Fatalf("Status=%q, want ended", ended.Status)
	}
	_, err = l.svc.StartSession(ctx, l.admin, se.ID)
	assertCode(t, err, conference.ECONFLICT)
	assertCode(t, l.svc.DeleteSession(ctx, l.admin, se.ID, nil), conference.ECONFLICT)

	_, err = l.svc.StartSession(ctx, l.admin, "nope")
	assertCode(t, err, conference.ENOTFOUND)

	// A stale editor learns that the session moved on.
	_, err = l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{Version: ptr(int64(2)), Room: ptr("x")})
	assertCode(t, err, conference.ESTALE)
}

func TestService_PostNote(t *testing.T) {
	l := newLondon(t)

	t.Run("NotStarted", func(t *testing.T) {
		se := l.mustCreateSession(t, "Later", "2014-07-10T09:00:00+01:00", "2014-07-10T10:00:00+01:00")
		b := l.before(t)
		_, _, err := l.svc.PostNote(ctx, l.admin, se.ID, conference.NoteInput{ClientID: "c", Text: "early", Marking: conference.MarkingAll})
		assertCode(t, err, conference.ECONFLICT)
		l.assertUnchanged(t, b)
	})

	se := l.liveSession(t)

	t.Run("Seq", func(t *testing.T) {
		for i := 1; i <= 3; i++ {
			l.clock.Advance(time.Minute)
			n := l.mustPost(t, l.rapporteur, se.ID, fmt.Sprintf("seq-%d", i), conference.MarkingDelegations)
			if got, want := n.Seq, int64(i); got != want {
				t.Fatalf("Seq=%d, want %d", got, want)
			}
			if n.Author != l.rapporteur.ID || n.SessionID != se.ID || n.MeetingID != l.meeting.ID || n.ID == "" {
				t.Fatalf("note=%+v", n)
			}
			if got, want := n.CreatedAt, l.clock.Now(); !got.Equal(want) {
				t.Fatalf("CreatedAt=%v, want %v", got, want)
			}
			if n.Late {
				t.Fatal("a note in a live session is late")
			}
		}
	})

	t.Run("Retry", func(t *testing.T) {
		b := l.before(t)
		same := conference.NoteInput{ClientID: "seq-2", Text: "Note seq-2", Marking: conference.MarkingDelegations}
		n, created, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, same)
		assertNoError(t, err)
		if created || n.Seq != 2 || n.Text != "Note seq-2" {
			t.Fatalf("retry: created=%v note=%+v, want the stored note 2", created, n)
		}
		// Spaces around the client id do not make a new one.
		same.ClientID = " seq-2 "
		n, created, err = l.svc.PostNote(ctx, l.rapporteur, se.ID, same)
		assertNoError(t, err)
		if created || n.Seq != 2 {
			t.Fatalf("retry with spaces: created=%v seq=%d", created, n.Seq)
		}
		l.assertUnchanged(t, b)
	})

	t.Run("RetryOfAnotherNote", func(t *testing.T) {
		// A writer who reuses a client id for other words would believe
		// them saved; the stored note is not what they sent.
		for _, in := range []conference.NoteInput{
			{ClientID: "seq-2", Text: "the same post, reworded", Marking: conference.MarkingDelegations},
			{ClientID: "seq-2", Text: "Note seq-2", Marking: conference.MarkingAll},
			{ClientID: "seq-2", Text: "Note seq-2", Marking: conference.MarkingDelegations, Amends: 1},
		} {
			b := l.before(t)
			_, _, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, in)
			if e := assertCode(t, err, conference.EMISMATCH); e.Field != "client_id" {
				t.Fatalf("%+v: Field=%q, want client_id", in, e.Field)
			}
			l.assertUnchanged(t, b)
		}
	})

	t.Run("ClientIDOfAnother", func(t *testing.T) {
		b := l.before(t)
		_, _, err := l.svc.PostNote(ctx, l.admin, se.ID, conference.NoteInput{ClientID: "seq-1", Text: "mine", Marking: conference.MarkingAll})
		if e := assertCode(t, err, conference.EDUPLICATE); e.Field != "client_id" {
			t.Fatalf("Field=%q, want client_id", e.Field)
		}
		l.assertUnchanged(t, b)
		other := l.liveSessionAt(t, "2014-07-10T09:00:00+01:00")
		b = l.before(t)
		_, _, err = l.svc.PostNote(ctx, l.rapporteur, other.ID, conference.NoteInput{ClientID: "seq-1", Text: "elsewhere", Marking: conference.MarkingAll})
		assertCode(t, err, conference.EDUPLICATE)
		l.assertUnchanged(t, b)
	})

	t.Run("Permissions", func(t *testing.T) {
		other := l.mustCreateUser(t, "other.rapporteur2@ag.gov.au", "AU", conference.RoleRapporteur)
		disabled := *l.rapporteur
		disabled.Disabled = true
		for _, tt := range []actorCase{
			{"Nobody", nil, conference.EUNAUTHORIZED},
			{"DisabledRapporteur", &disabled, conference.EUNAUTHORIZED},
			{"Delegate", l.delegate, conference.EFORBIDDEN},
			{"Followup", l.followup, conference.EFORBIDDEN},
			{"Observer", l.observer, conference.EFORBIDDEN},
			{"RapporteurOfAnotherSession", other, conference.EFORBIDDEN},
		} {
			t.Run(tt.name, func(t *testing.T) {
				b := l.before(t)
				_, _, err := l.svc.PostNote(ctx, tt.actor, se.ID, conference.NoteInput{
					ClientID: "perm-" + tt.name, Text: "not allowed", Marking: conference.MarkingAll,
				})
				assertCode(t, err, tt.code)
				l.assertUnchanged(t, b)
			})
		}
		// The chair and the secretariat may write.
		l.mustPost(t, l.head, se.ID, "chair-1", conference.MarkingHeads)
		l.mustPost(t, l.admin, se.ID, "admin-1", conference.MarkingAll)
	})

	t.Run("Invalid", func(t *testing.T) {
		_, last, err := l.svc.Notes(ctx, l.admin, se.ID, 0)
		assertNoError(t, err)
		for _, tt := range []struct {
			name  string
			in    conference.NoteInput
			field string
		}{
			{"TextEmpty", conference.NoteInput{ClientID: "bad-1", Text: " ", Marking: conference.MarkingAll}, "text"},
			{"TextTooLong", conference.NoteInput{ClientID: "bad-2", Text: strings.Repeat("é", 10001), Marking: conference.MarkingAll}, "text"},
			{"MarkingUnknown", conference.NoteInput{ClientID: "bad-3", Text: "x", Marking: "secret"}, "marking"},
			{"ClientIDMissing", conference.NoteInput{ClientID: "  ", Text: "x", Marking: conference.MarkingAll}, "client_id"},
			{"ClientIDTooLong", conference.NoteInput{ClientID: strings.Repeat("c", 101), Text: "x", Marking: conference.MarkingAll}, "client_id"},
			{"AmendsItself", conference.NoteInput{ClientID: "bad-4", Text: "x", Marking: conference.MarkingAll, Amends: last + 1}, "amends"},
			{"AmendsNegative", conference.NoteInput{ClientID: "bad-5", Text: "x", Marking: conference.MarkingAll, Amends: -1}, "amends"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				b := l.before(t)
				_, _, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, tt.in)
				assertInvalid(t, err, tt.field)
				l.assertUnchanged(t, b)
			})
		}
		// A refused note uses up no seq, and 10,000 characters are fine.
		n, _, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, conference.NoteInput{
			ClientID: "long", Text: strings.Repeat("é", 10000), Marking: conference.MarkingAll, Amends: 2,
		})
		assertNoError(t, err)
		if got, want := n.Seq, last+1; got != want {
			t.Fatalf("Seq=%d, want %d", got, want)
		}
		if got, want := n.Amends, int64(2); got != want {
			t.Fatalf("Amends=%d, want %d", got, want)
		}
	})

	t.Run("Ended", func(t *testing.T) {
		_, err := l.svc.EndSession(ctx, l.rapporteur, se.ID)
		assertNoError(t, err)
		b := l.before(t)
		_, _, err = l.svc.PostNote(ctx, l.rapporteur, se.ID, conference.NoteInput{ClientID: "after-end", Text: "late", Marking: conference.MarkingAll})
		assertCode(t, err, conference.ECONFLICT)
		l.assertUnchanged(t, b)
		// A retry of a note stored before the end is still acknowledged.
		n, created, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, conference.NoteInput{ClientID: "seq-3", Text: "Note seq-3", Marking: conference.MarkingDelegations})
		assertNoError(t, err)
		if created || n.Seq != 3 {
			t.Fatalf("retry after the end: created=%v seq=%d", created, n.Seq)
		}
		// The secretariat may add to the record, marked late.
		n = l.mustPost(t, l.admin, se.ID, "late-1", conference.MarkingAll)
		if !n.Late {
			t.Fatal("a note added after the end is not marked late")
		}
	})

	t.Run("UnknownSession", func(t *testing.T) {
		_, _, err := l.svc.PostNote(ctx, l.admin, "nope", conference.NoteInput{ClientID: "x", Text: "x", Marking: conference.MarkingAll})
		assertCode(t, err, conference.ENOTFOUND)
	})
}

func (l *london) liveSessionAt(tb testing.TB, start string) *conference.Session {
	tb.Helper()
	st := mustTime(start)
	se, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
		Title: "Session at " + start, Start: st, End: st.Add(time.Hour), Rapporteurs: []string{l.rapporteur.ID},
	})
	if err != nil {
		tb.Fatalf("CreateSession: %v", err)
	}
	if se, err = l.svc.StartSession(ctx, l.admin, se.ID); err != nil {
		tb.Fatalf("StartSession: %v", err)
	}
	return se
}

// Every read of the record applies the reader's clearance; the cursor moves
// past what the reader may not see.
func TestService_Notes_Clearance(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t)
	l.mustPost(t, l.rapporteur, se.ID, "n1", conference.MarkingAll)
	l.mustPost(t, l.rapporteur, se.ID, "n2", conference.MarkingDelegations)
	l.mustPost(t, l.rapporteur, se.ID, "n3", conference.MarkingHeads)
	l.mustPost(t, l.rapporteur, se.ID, "n4", conference.MarkingAll)
	headObserver := l.mustCreateUser(t, "head.observer@justice.govt.nz", "NZ", conference.RoleObserver, conference.RoleHead)

	for _, tt := range []struct {
		name  string
		actor *conference.User
		seqs  string
	}{
		{"Admin", l.admin, "[1 2 3 4]"},
		{"Head", l.head, "[1 2 3 4]"},
		{"ObserverAndHead", headObserver, "[1 2 3 4]"},
		{"Delegate", l.delegate, "[1 2 4]"},
		{"Rapporteur of the session", l.rapporteur, "[1 2 3 4]"},
		{"Followup", l.followup, "[1 2 4]"},
		{"Observer", l.observer, "[1 4]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ns, last, err := l.svc.Notes(ctx, tt.actor, se.ID, 0)
			assertNoError(t, err)
			if got, want := seqs(ns), tt.seqs; got != want {
				t.Fatalf("seqs=%s, want %s", got, want)
			}
			if got, want := last, int64(4); got != want {
				t.Fatalf("last=%d, want %d", got, want)
			}
			for _, n := range ns {
				if !tt.actor.MayRead(n.Marking) && tt.actor != l.rapporteur {
					t.Fatalf("note %d marked %s reached clearance %s", n.Seq, n.Marking, tt.actor.Clearance())
				}
			}
		})
	}

	t.Run("After", func(t *testing.T) {
		for _, tt := range []struct {
			after int64
			seqs  string
		}{
			{0, "[1 4]"}, {1, "[4]"}, {3, "[4]"}, {4, "[]"}, {99, "[]"},
		} {
			ns, last, err := l.svc.Notes(ctx, l.observer, se.ID, tt.after)
			assertNoError(t, err)
			if got, want := seqs(ns), tt.seqs; got != want {
				t.Fatalf("after %d: seqs=%s, want %s", tt.after, got, want)
			}
			if last != 4 || ns == nil {
				t.Fatalf("after %d: last=%d, notes=%v", tt.after, last, ns)
			}
		}
		_, _, err := l.svc.Notes(ctx, l.observer, se.ID, -1)
		assertInvalid(t, err, "after")
	})

	t.Run("Refused", func(t *testing.T) {
		disabled := *l.head
		disabled.Disabled = true
		_, _, err := l.svc.Notes(ctx, &disabled, se.ID, 0)
		assertCode(t, err, conference.EUNAUTHORIZED)
		_, _, err = l.svc.Notes(ctx, nil, se.ID, 0)
		assertCode(t, err, conference.EUNAUTHORIZED)
		_, _, err = l.svc.Notes(ctx, l.observer, "nope", 0)
		assertCode(t, err, conference.ENOTFOUND)
	})

	t.Run("EmptyRecord", func(t *testing.T) {
		other := l.mustCreateSession(t, "Later", "2014-07-10T09:00:00+01:00", "2014-07-10T10:00:00+01:00")
		ns, last, err := l.svc.Notes(ctx, l.observer, other.ID, 0)
		assertNoError(t, err)
		if ns == nil || len(ns) != 0 || last != 0 {
			t.Fatalf("Notes=%v, %d; want an empty list and 0", ns, last)
		}
	})
}

func seqs(ns []*conference.Note) string {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = n.Seq
	}
	return fmt.Sprint(out)
}

func TestService_PostNote_StoreFailure(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t)
	l.mustPost(t, l.rapporteur, se.ID, "n1", conference.MarkingAll)
	b := l.before(t)
	l.store.FailWrite(1)
	_, _, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, conference.NoteInput{ClientID: "n2", Text: "lost?", Marking: conference.MarkingAll})
	if got, want := conference.ErrorCode(err), conference.EINTERNAL; got != want {
		t.Fatalf("code=%q, want %q", got, want)
	}
	l.assertUnchanged(t, b)
	// The retry is stored, with the seq the failed attempt would have had.
	n := l.mustPost(t, l.rapporteur, se.ID, "n2", conference.MarkingAll)
	if got, want := n.Seq, int64(2); got != want {
		t.Fatalf("Seq=%d, want %d", got, want)
	}

	// A failed status change leaves the session as it was.
	b = l.before(t)
	l.store.FailWrite(1)
	_, err = l.svc.EndSession(ctx, l.rapporteur, se.ID)
	if err == nil {
		t.Fatal("EndSession succeeded over a failing store")
	}
	l.assertUnchanged(t, b)
}

// Rapporteurs post while delegates catch up: every reader sees every note
// once, in seq order, with no gap; retried posts are never stored twice.
func TestService_PostNote_Concurrent(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t)
	second := l.mustCreateUser(t, "second.rapporteur@ag.gov.au", "AU", conference.RoleRapporteur)
	_, err := l.svc.UpdateSession(ctx, l.admin, se.ID, conference.SessionUpdate{Rapporteurs: &[]string{l.rapporteur.ID, second.ID}})
	assertNoError(t, err)

	const writers, perWriter, readers = 8, 25, 8
	writeWhileReading(t, writers, perWriter, func(w, i int) error {
		author := l.rapporteur
		if w%2 == 1 {
			author = second
		}
		// Each post is sent twice, as a client retrying after a dropped
		// connection would.
		id := fmt.Sprintf("w%d-%d", w, i)
		var errs []error
		for range 2 {
			_, _, err := l.svc.PostNote(ctx, author, se.ID, conference.NoteInput{
				ClientID: id, Text: id, Marking: conference.Markings[i%3],
			})
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}, readers, func(r int) func(bool) error {
		reader := []*conference.User{l.admin, l.delegate, l.observer, l.head}[r%4]
		var cursor, lastSeen int64
		seen := map[string]bool{}
		// final: one more catch-up after the last write.
		return func(final bool) error {
			ns, last, err := l.svc.Notes(ctx, reader, se.ID, cursor)
			if err != nil {
				return err
			}
			for _, n := range ns {
				if n.Seq <= lastSeen {
					return fmt.Errorf("reader %d: seq %d after %d", r, n.Seq, lastSeen)
				}
				if seen[n.ClientID] {
					return fmt.Errorf("reader %d: client id %s twice", r, n.ClientID)
				}
				if !reader.MayRead(n.Marking) {
					return fmt.Errorf("reader %d: note marked %s", r, n.Marking)
				}
				seen[n.ClientID] = true
				lastSeen = n.Seq
			}
			if last < cursor {
				return fmt.Errorf("reader %d: cursor went back from %d to %d", r, cursor, last)
			}
			cursor = last
			if final && cursor != writers*perWriter {
				return fmt.Errorf("reader %d: caught up to %d, want %d", r, cursor, writers*perWriter)
			}
			return nil
		}
	})

	ns, last, err := l.svc.Notes(ctx, l.admin, se.ID, 0)
	assertNoError(t, err)
	if got, want := len(ns), writers*perWriter; got != want || last != int64(want) {
		t.Fatalf("len(notes)=%d last=%d, want %d", got, last, want)
	}
	for i, n := range ns {
		if got, want := n.Seq, int64(i+1); got != want {
			t.Fatalf("notes[%d].Seq=%d, want %d", i, got, want)
		}
	}
	if got, want := l.store.Count(conference.Notes), writers*perWriter; got != want {
		t.Fatalf("stored notes=%d, want %d", got, want)
	}
}

func TestService_Notes_Load(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t)
	for i := range 5 {
		l.mustPost(t, l.rapporteur, se.ID, fmt.Sprintf("n%d", i), conference.Markings[i%3])
	}
	want, _, err := l.svc.Notes(ctx, l.delegate, se.ID, 0)
	assertNoError(t, err)

	again := newFixtureOver(t, l.store)
	got, last, err := again.svc.Notes(ctx, again.svcActor(t, l.delegate.ID), se.ID, 0)
	assertNoError(t, err)
	if !reflect.DeepEqual(deref(got), deref(want)) || last != 5 {
		t.Fatalf("after Load: %v (last %d), want %v", seqs(got), last, seqs(want))
	}
	// The record goes on from where it was, and retries are still known.
	rap := again.svcActor(t, l.rapporteur.ID)
	n, created, err := again.svc.PostNote(ctx, rap, se.ID, conference.NoteInput{ClientID: "n2", Text: "Note n2", Marking: conference.Markings[2]})
	assertNoError(t, err)
	if created || n.Seq != 3 {
		t.Fatalf("retry after Load: created=%v seq=%d", created, n.Seq)
	}
	n, created, err = again.svc.PostNote(ctx, rap, se.ID, conference.NoteInput{ClientID: "n5", Text: "next", Marking: conference.MarkingAll})
	assertNoError(t, err)
	if !created || n.Seq != 6 {
		t.Fatalf("next after Load: created=%v seq=%d, want 6", created, n.Seq)
	}
}

// Apply is the path by which a change stream will feed other instances; a
// change delivered twice must not put a note twice in the record.
func TestService_Apply_NoteTwice(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t)
	l.mustPost(t, l.rapporteur, se.ID, "n1", conference.MarkingAll)
	ch := l.changes.Last()
	l.svc.Apply(ch)
	ns, last, err := l.svc.Notes(ctx, l.admin, se.ID, 0)
	assertNoError(t, err)
	if got, want := seqs(ns), "[1]"; got != want || last != 1 {
		t.Fatalf("seqs=%s last=%d, want %s and 1", got, last, want)
	}
}

// A rapporteur writes for the sessions assigned to them while they hold the
// role; CreateSession and UpdateSession refuse a rapporteur without it.
func TestService_PostNote_RapporteurRoleWithdrawn(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t)
	_, err := l.svc.UpdateUser(ctx, l.admin, l.rapporteur.ID, conference.UserUpdate{
		Roles: &[]conference.Role{conference.RoleDelegate},
	})
	assertNoError(t, err)
	demoted, err := l.svc.User(ctx, l.admin, l.rapporteur.ID)
	assertNoError(t, err)
	_, _, err = l.svc.PostNote(ctx, demoted, se.ID, conference.NoteInput{ClientID: "c1", Text: "still here", Marking: conference.MarkingAll})
	assertCode(t, err, conference.EFORBIDDEN)
}

// A note's written_at is bounded: not ahead of the server's clock beyond the
// skew, not before the session started less the early margin. Refused, it
// names written_at (beside any other field at fault) and stores nothing.
func TestService_PostNoteWrittenAt(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t)
	started := se.StartedAt
	if started.IsZero() || !started.Equal(l.clock.Now()) {
		t.Fatalf("StartedAt=%v, want the clock's %v", started, l.clock.Now())
	}
	l.clock.Advance(30 * time.Minute)
	now := l.clock.Now()

	for _, tt := range []struct {
		name    string
		written *time.Time
		want    time.Time // stored written_at when accepted
		refused bool
	}{
		{"Absent", nil, now, false},
		{"Now", ptr(now), now, false},
		{"QueuedEarlier", ptr(now.Add(-20 * time.Minute)), now.Add(-20 * time.Minute), false},
		{"ClockSlightlyAhead", ptr(now.Add(conference.NoteClockSkew)), now.Add(conference.NoteClockSkew), false},
		{"InTheFuture", ptr(now.Add(conference.NoteClockSkew + time.Second)), time.Time{}, true},
		{"JustBeforeStart", ptr(started.Add(-conference.NoteEarlyMargin)), started.Add(-conference.NoteEarlyMargin), false},
		{"LongBeforeStart", ptr(started.Add(-conference.NoteEarlyMargin - time.Second)), time.Time{}, true},
		{"SubMillisecond", ptr(now.Add(-time.Minute + 1234567)), now.Add(-time.Minute + 1234567).Truncate(time.Millisecond), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := l.before(t)
			n, created, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, conference.NoteInput{
				ClientID: "w-" + tt.name, Text: "Note " + tt.name, Marking: conference.MarkingAll, WrittenAt: tt.written,
			})
			if tt.refused {
				assertCode(t, err, conference.EINVALID)
				var e *conference.Error
				if !errors.As(err, &e) || e.Field != "written_at" {
					t.Fatalf("err=%v, want one naming written_at", err)
				}
				l.assertUnchanged(t, b)
				return
			}
			assertNoError(t, err)
			if !created || !n.WrittenAt.Equal(tt.want) || !n.CreatedAt.Equal(now) {
				t.Fatalf("created=%v written_at=%v created_at=%v, want %v and %v", created, n.WrittenAt, n.CreatedAt, tt.want, now)
			}
			if got, want := n.TimesApart(), tt.want.Sub(now).Abs() > conference.NoteTimesApart; got != want {
				t.Fatalf("TimesApart()=%v, want %v", got, want)
			}
		})
	}

	t.Run("NamedWithOtherFields", func(t *testing.T) {
		b := l.before(t)
		_, _, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, conference.NoteInput{
			ClientID: "w-both", Text: "", Marking: conference.MarkingAll, WrittenAt: ptr(now.Add(time.Hour)),
		})
		assertCode(t, err, conference.EINVALID)
		var e *conference.Error
		if !errors.As(err, &e) {
			t.Fatalf("err=%v", err)
		}
		fields := map[string]bool{}
		for _, f := range e.Fields {
			fields[f.Field] = true
		}
		if !fields["text"] || !fields["written_at"] {
			t.Fatalf("fields=%+v, want text and written_at", e.Fields)
		}
		l.assertUnchanged(t, b)
	})

	t.Run("RetryKeepsFirst", func(t *testing.T) {
		first := now.Add(-10 * time.Minute)
		in := conference.NoteInput{ClientID: "w-retry", Text: "retried", Marking: conference.MarkingAll, WrittenAt: &first}
		_, _, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, in)
		assertNoError(t, err)
		in.WrittenAt = ptr(now)
		n, created, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, in)
		assertNoError(t, err)
		if created || !n.WrittenAt.Equal(first) {
			t.Fatalf("retry: created=%v written_at=%v, want the first %v", created, n.WrittenAt, first)
		}
	})
}
