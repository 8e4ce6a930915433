package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
)

// applyLink stores (in memory) and publishes a link from an action of the
// fixture's meeting to entry, or its removal.
func (f *fixture) applyLink(actionID, entryID string, removed bool) {
	id := conference.LinkID(conference.LinkAction, actionID, entryID)
	ch := conference.Change{Collection: conference.Links, ID: id}
	if !removed {
		ch.Doc = &conference.Link{ID: id, FromKind: conference.LinkAction, FromID: actionID, EntryID: entryID, CreatedBy: "admin"}
	}
	f.svc.Apply(ch)
}

// applyEntry stores (in memory) and publishes one version of a register entry.
func (f *fixture) applyEntry(id string, version int64) {
	f.svc.Apply(conference.Change{Collection: conference.Register, ID: id, Doc: &conference.RegisterEntry{
		ID: id, Title: "Entry " + id, LeadDelegation: "GB", PartnerDelegations: []string{},
		Audiences: []conference.Audience{}, Format: conference.FormatTraining, Status: conference.EntryPlanned,
		StartDate: "2015-01-01", Topics: []string{}, References: []conference.Reference{}, Version: version}})
}

// decodeMeetingChange reads any change of a meeting channel as a seen: what,
// which, and at which version.
func decodeMeetingChange(t *testing.T, m msg) seen {
	t.Helper()
	var doc struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	switch m.Type {
	case typeAction, typeWithdrawn:
		return decodeChange(t, m)
	case typeLinkRemoved:
		return seen{Kind: m.Type, ID: m.ID}
	case typeLink:
		if m.Link == nil || json.Unmarshal(*m.Link, &doc) != nil {
			t.Fatalf("not a link: %+v", m)
		}
	case typeRegisterEntry:
		if m.Entry == nil || json.Unmarshal(*m.Entry, &doc) != nil {
			t.Fatalf("not an entry: %+v", m)
		}
	default:
		t.Fatalf("not a meeting change: %+v", m)
	}
	return seen{Kind: m.Type, ID: doc.ID, Version: doc.Version}
}

func isMeetingChange(m msg) bool {
	switch m.Type {
	case typeAction, typeWithdrawn, typeLink, typeLinkRemoved, typeRegisterEntry:
		return true
	}
	return false
}

// Link and register entry changes resume from the meeting cursor like
// outcomes and actions, with no gap and no duplicate under random
// disconnects, and each reader is told exactly what its clearance covers: a
// link from a heads action only to heads, and an entry only where it may
// know of a link to it.
func TestMeetingCursorCarriesLinksAndEntriesExactly(t *testing.T) {
	f := newFixture(t, Options{QueueBytes: 32 << 10})
	f.applyAction("open", 1, conference.MarkingAll, "")
	f.applyAction("secret", 1, conference.MarkingHeads, "")
	users := []string{"obs", "del", "head"}
	cursors := f.meetingCursors(t, users...)

	// A round, and what each clearance is told of it: everyone hears of the
	// open action's link and of the entry while that link stands; only heads
	// of the secret one's, and of the entry once only the secret link is left.
	const rounds = 60
	openLink := conference.LinkID(conference.LinkAction, "open", "e1")
	secretLink := conference.LinkID(conference.LinkAction, "secret", "e1")
	want := map[string][]seen{}
	for r := range rounds {
		v := int64(4 * r)
		all := []seen{{Kind: typeLink, ID: openLink}, {Kind: typeRegisterEntry, ID: "e1", Version: v + 1},
			{Kind: typeRegisterEntry, ID: "e1", Version: v + 2}, {Kind: typeLinkRemoved, ID: openLink}}
		heads := []seen{all[0], all[1], {Kind: typeLink, ID: secretLink}, all[2], all[3],
			{Kind: typeRegisterEntry, ID: "e1", Version: v + 3}, {Kind: typeLinkRemoved, ID: secretLink}}
		want["obs"] = append(want["obs"], all...)
		want["del"] = append(want["del"], all...)
		want["head"] = append(want["head"], heads...)
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for r := range rounds {
			v := int64(4 * r)
			f.applyLink("open", "e1", false)
			f.applyEntry("e1", v+1)
			f.applyLink("secret", "e1", false)
			f.applyEntry("e1", v+2)
			f.applyLink("open", "e1", true)
			f.applyEntry("e1", v+3)
			f.applyLink("secret", "e1", true)
			f.applyEntry("e1", v+4) // linked from nothing: told nowhere
			time.Sleep(300 * time.Microsecond)
		}
	}()
	t.Run("readers", func(t *testing.T) {
		for _, u := range users {
			t.Run(u, func(t *testing.T) {
				t.Parallel()
				got := resumeUntil(t, f, u, cursors[u], len(want[u]), finished)
				if !slices.Equal(got, want[u]) {
					t.Errorf("%s got %d changes, want %d; first difference at %d", u, len(got), len(want[u]), firstDiffSeen(got, want[u]))
				}
			})
		}
	})
	<-finished
}

// resumeUntil follows the meeting channel as u from cursor, dropping the
// link after a random number of messages and resuming from the last cursor
// received, until n changes arrived and the writer finished; then resumes
// once more, which must send nothing.
func resumeUntil(t *testing.T, f *fixture, u, cursor string, n int, finished <-chan struct{}) []seen {
	t.Helper()
	var got []seen
	for len(got) < n {
		c := f.dial(t, u)
		c.subscribeMeeting(cursor)
		stopAfter := rand.IntN(40) + 1
		for read := 0; read < stopAfter && len(got) < n; read++ {
			m, err := c.Read(10 * time.Second)
			if err != nil {
				var ce *websocket.CloseError
				if !errors.As(err, &ce) || ce.Code != CloseTooSlow {
					t.Fatalf("%s: %v", u, err)
				}
				break
			}
			switch {
			case m.Type == typeSubscribed && m.Reset:
				t.Fatalf("%s: cursor %s was reset", u, cursor)
			case isMeetingChange(m):
				got = append(got, decodeMeetingChange(t, m))
				cursor = m.Cursor
			case m.Type == typeCaughtUp:
				cursor = m.Cursor
			}
		}
		c.WS.Close() // a dropped link: no close frame
	}
	<-finished
	c := f.dial(t, u)
	c.subscribeMeeting(cursor)
	done, before := c.Until(typeCaughtUp)
	for _, m := range before {
		if isMeetingChange(m) {
			got = append(got, decodeMeetingChange(t, m))
		}
	}
	if *done.Changes != 0 {
		t.Errorf("%s: final catch-up sent %d changes", u, *done.Changes)
	}
	return got
}

// A link from an action of a session reaches that session's rapporteur
// whatever its marking, as the action itself does; a topic's link is told
// on no meeting channel.
func TestLinkChangesFollowTheirSource(t *testing.T) {
	f := newFixture(t, Options{})
	f.applyAction("mine", 1, conference.MarkingHeads, liveID)
	cursors := f.meetingCursors(t, "rap", "del")
	f.applyLink("mine", "e9", false)
	f.svc.Apply(conference.Change{Collection: conference.Links, ID: "topic:t1:e9", Doc: &conference.Link{
		ID: "topic:t1:e9", FromKind: conference.LinkTopic, FromID: "t1", EntryID: "e9"}})
	for u, n := range map[string]int{"rap": 1, "del": 0} {
		c := f.dial(t, u)
		c.subscribeMeeting(cursors[u])
		done, before := c.Until(typeCaughtUp)
		var kinds []string
		for _, m := range before {
			if isMeetingChange(m) {
				kinds = append(kinds, fmt.Sprintf("%s %s", m.Type, decodeMeetingChange(t, m).ID))
			}
		}
		if *done.Changes != n || len(kinds) != n {
			t.Errorf("%s: %d changes %v, want %d", u, *done.Changes, kinds, n)
		}
	}
}
