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

// applyAction stores (in memory) and publishes one version of an action of
// the fixture's meeting, as a change from the store would.
func (f *fixture) applyAction(id string, version int64, m conference.Marking, sessionID string) {
	f.svc.Apply(conference.Change{Collection: conference.Actions, ID: id, Doc: &conference.Action{
		ID: id, MeetingID: meetingID, SessionID: sessionID, Title: "Action " + id, Owner: "GB", Due: "2015-03-31",
		Status: conference.ActionOpen, Marking: m, Topics: []string{}, Reports: []conference.ProgressReport{},
		Version: version}})
}

type seen struct {
	Kind    string // action or withdrawn
	ID      string
	Version int64
	Marking string
}

func decodeChange(t *testing.T, m msg) seen {
	t.Helper()
	if m.Type == typeWithdrawn {
		return seen{Kind: typeWithdrawn, ID: m.ID}
	}
	var a struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
		Marking string `json:"marking"`
	}
	if m.Action == nil || json.Unmarshal(*m.Action, &a) != nil {
		t.Fatalf("not an action: %+v", m)
	}
	return seen{Kind: typeAction, ID: a.ID, Version: a.Version, Marking: a.Marking}
}

// subscribeMeeting sends a subscribe for the meeting channel with cursor.
func (c *client) subscribeMeeting(cursor string) {
	c.Send(map[string]any{"type": "subscribe", "channel": meetingChannel(meetingID), "cursor": cursor})
}

// Outcome and action changes on a meeting channel resume from the client's
// cursor with no gap and no duplicate, however often the link drops, and each
// reader gets exactly the changes its clearance covers.
func TestMeetingCursorResumesExactlyUnderRandomDisconnects(t *testing.T) {
	f := newFixture(t, Options{QueueBytes: 32 << 10})
	const actions, versions = 12, 50 // 600 changes
	users := []string{"obs", "del", "head", "rap"}
	// Each reader follows the channel before the first change, so that its
	// cursor covers them all.
	cursors := map[string]string{}
	for _, u := range users {
		c := f.dial(t, u)
		c.subscribeMeeting("")
		done, before := c.Until(typeCaughtUp)
		if before[0].Type != typeSubscribed || before[0].Reset || done.Cursor == "" || done.Changes == nil || *done.Changes != 0 {
			t.Fatalf("%s: first subscribe: %+v then %+v", u, before, done)
		}
		cursors[u] = done.Cursor
		c.WS.Close()
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for v := int64(1); v <= versions; v++ {
			for a := range actions {
				// a2, a5, … (heads) belong to s1, whose rapporteur reads them all.
				session := ""
				if a%3 == 2 {
					session = liveID
				}
				f.applyAction(fmt.Sprintf("a%d", a), v, markings[a%3], session)
				if a%4 == 0 {
					time.Sleep(200 * time.Microsecond) // spread the changes over the readers' reconnects
				}
			}
		}
	}()
	t.Run("readers", func(t *testing.T) {
		for _, u := range users {
			t.Run(u, func(t *testing.T) {
				t.Parallel()
				level := f.users[u].Clearance().Level()
				var want []seen
				for v := int64(1); v <= versions; v++ {
					for a := range actions {
						if a%3 <= level || (u == "rap" && a%3 == 2) {
							want = append(want, seen{Kind: typeAction, ID: fmt.Sprintf("a%d", a), Version: v, Marking: string(markings[a%3])})
						}
					}
				}
				cursor := cursors[u]
				var got []seen
				for len(got) < len(want) {
					c := f.dial(t, u)
					c.subscribeMeeting(cursor)
					stopAfter := rand.IntN(40) + 1
					for read := 0; read < stopAfter && len(got) < len(want); read++ {
						m, err := c.Read(10 * time.Second)
						if err != nil {
							var ce *websocket.CloseError
							if !errors.As(err, &ce) || ce.Code != CloseTooSlow {
								t.Fatalf("%s: %v", u, err)
							}
							break
						}
						switch m.Type {
						case typeSubscribed:
							if m.Reset {
								t.Fatalf("%s: cursor %s was reset", u, cursor)
							}
						case typeAction, typeWithdrawn:
							got = append(got, decodeChange(t, m))
							cursor = m.Cursor
						case typeCaughtUp:
							cursor = m.Cursor
						}
					}
					c.WS.Close() // a dropped link: no close frame
				}
				<-finished
				// One more resume: nothing is left to send.
				c := f.dial(t, u)
				c.subscribeMeeting(cursor)
				done, before := c.Until(typeCaughtUp)
				for _, m := range before {
					if m.Type == typeAction || m.Type == typeWithdrawn {
						got = append(got, decodeChange(t, m))
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s got %d changes, want %d; first difference at %d", u, len(got), len(want), firstDiffSeen(got, want))
				}
				if *done.Changes != 0 {
					t.Errorf("%s: final catch-up sent %d changes", u, *done.Changes)
				}
			})
		}
	})
	<-finished
}

func firstDiffSeen(a, b []seen) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// A resume replays each missed change at the reader's clearance: an observer
// never gets a delegations or heads change, and gets "withdrawn" for an action
// it held whose marking was raised; a session's rapporteur reads that
// session's actions whatever the marking.
func TestMeetingCatchUpAppliesClearance(t *testing.T) {
	f := newFixture(t, Options{})
	cursors := f.meetingCursors(t, "obs", "del", "rap")
	f.applyAction("open", 1, conference.MarkingAll, "")
	f.applyAction("secret", 1, conference.MarkingHeads, "")
	f.applyAction("delegs", 1, conference.MarkingDelegations, "")
	f.applyAction("raised", 1, conference.MarkingAll, "")
	f.applyAction("raised", 2, conference.MarkingHeads, "")
	f.applyAction("mine", 1, conference.MarkingHeads, liveID) // rap is s1's rapporteur

	want := map[string][]seen{
		"obs": {{typeAction, "open", 1, "all"}, {typeAction, "raised", 1, "all"}, {Kind: typeWithdrawn, ID: "raised"}},
		"del": {{typeAction, "open", 1, "all"}, {typeAction, "delegs", 1, "delegations"}, {typeAction, "raised", 1, "all"},
			{Kind: typeWithdrawn, ID: "raised"}},
		"rap": {{typeAction, "open", 1, "all"}, {typeAction, "delegs", 1, "delegations"}, {typeAction, "raised", 1, "all"},
			{Kind: typeWithdrawn, ID: "raised"}, {typeAction, "mine", 1, "heads"}},
	}
	for u, w := range want {
		c := f.dial(t, u)
		c.subscribeMeeting(cursors[u])
		done, before := c.Until(typeCaughtUp)
		var got []seen
		for _, m := range before {
			if m.Type == typeAction || m.Type == typeWithdrawn {
				got = append(got, decodeChange(t, m))
			}
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s resumed with %+v, want %+v", u, got, w)
		}
		if *done.Changes != len(w) {
			t.Errorf("%s: caught_up.changes %d, want %d", u, *done.Changes, len(w))
		}
		// The cursor covers the changes the reader may not read: resuming
		// from it sends nothing again.
		c.WS.Close()
		c = f.dial(t, u)
		c.subscribeMeeting(done.Cursor)
		again, before := c.Until(typeCaughtUp)
		if *again.Changes != 0 || before[0].Reset {
			t.Errorf("%s: second resume sent %d changes (reset %v)", u, *again.Changes, before[0].Reset)
		}
	}
}

// A cursor the log cannot resume from — of another instance or of this one
// before a restart, beyond its latest change, or older than it keeps — is
// answered with reset and no changes: the client refetches over REST.
func TestMeetingCursorResetsWhenItCannotResume(t *testing.T) {
	f := newFixture(t, Options{MeetingLog: 4})
	c := f.dial(t, "head")
	c.subscribeMeeting("")
	first, _ := c.Until(typeCaughtUp)
	c.WS.Close()
	for v := int64(1); v <= 10; v++ {
		f.applyAction("a", v, conference.MarkingAll, "")
	}
	latest := f.hub.cursorText(f.hub.lastChange(meetingID))
	for name, cur := range map[string]string{
		"another epoch": "0123456789ab.3",
		"malformed":     "nonsense",
		"beyond":        f.hub.cursorText(11),
		"too old":       first.Cursor,
	} {
		c := f.dial(t, "head")
		c.subscribeMeeting(cur)
		done, before := c.Until(typeCaughtUp)
		if !before[0].Reset || *done.Changes != 0 || done.Cursor != latest {
			t.Errorf("%s: subscribed %+v, caught_up %+v; want reset, no changes, cursor %s", name, before[0], done, latest)
		}
		c.WS.Close()
	}
	// Within what the log keeps, it resumes.
	c = f.dial(t, "head")
	c.subscribeMeeting(f.hub.cursorText(7))
	done, before := c.Until(typeCaughtUp)
	if before[0].Reset || *done.Changes != 3 {
		t.Errorf("recent cursor: reset %v, %d changes; want 3", before[0].Reset, *done.Changes)
	}
}

// applyOutcome stores and publishes one version of an outcome of the
// fixture's live session.
func (f *fixture) applyOutcome(id string, version int64, status conference.OutcomeStatus) {
	f.svc.Apply(conference.Change{Collection: conference.Outcomes, ID: id, Doc: &conference.Outcome{
		ID: id, MeetingID: meetingID, SessionID: liveID, Kind: conference.OutcomeKinds[0], Text: "Outcome " + id,
		Sources: []int64{}, Marking: conference.MarkingAll, Status: status, SignOffs: []conference.SignOff{}, Version: version}})
}

// An action drawn from a draft outcome reads as the draft does (delegations
// at least). When the draft is agreed, observers gain the action with the
// outcome, live; when it is reopened, they are told it is withdrawn. The
// action itself did not change: it is told again at its own version.
func TestDerivedActionsFollowTheirOutcomeLive(t *testing.T) {
	f := newFixture(t, Options{})
	cursors := f.meetingCursors(t, "obs", "del")
	f.applyOutcome("o1", 1, conference.OutcomeDraft)
	f.svc.Apply(conference.Change{Collection: conference.Actions, ID: "d1", Doc: &conference.Action{
		ID: "d1", MeetingID: meetingID, SessionID: liveID, OutcomeID: "o1", Title: "Derived", Owner: "GB",
		Due: "2015-03-31", Status: conference.ActionOpen, Marking: conference.MarkingAll, Topics: []string{},
		Reports: []conference.ProgressReport{}, Version: 1}})
	f.applyOutcome("o1", 2, conference.OutcomeAgreed)
	f.applyOutcome("o1", 3, conference.OutcomeDraft)

	want := map[string][]seen{
		// Nothing of the draft or its action; both once agreed; both withdrawn on reopening.
		"obs": {{typeAction, "d1", 1, "all"}, {Kind: typeWithdrawn, ID: "d1"}},
		// A delegate reads the action all along, at the marking its outcome gives it.
		"del": {{typeAction, "d1", 1, "delegations"}, {typeAction, "d1", 1, "all"}, {typeAction, "d1", 1, "delegations"}},
	}
	for u, w := range want {
		c := f.dial(t, u)
		c.subscribeMeeting(cursors[u])
		_, before := c.Until(typeCaughtUp)
		var got []seen
		outcomes := 0
		for _, m := range before {
			switch {
			case m.Type == typeOutcome || (m.Type == typeWithdrawn && m.Kind == typeOutcome):
				outcomes++
			case m.Type == typeAction || m.Type == typeWithdrawn:
				got = append(got, decodeChange(t, m))
			}
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: derived action changes %+v, want %+v", u, got, w)
		}
		if wantOutcomes := map[string]int{"obs": 2, "del": 3}[u]; outcomes != wantOutcomes {
			t.Errorf("%s: %d outcome changes, want %d", u, outcomes, wantOutcomes)
		}
	}
}
