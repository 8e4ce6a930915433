package live

import "github.com/quintet-ag/quintet/internal/conference"

// Outcomes and actions on the meeting channel. Each change of an outcome or
// an action goes to meeting:<its meeting> as the view each clearance level
// reads over REST (an outcome's history cut to the revisions that level may
// read, an action under its effective marking with the reports that level
// may read), encoded once per level; the session's rapporteurs and chair get
// the highest level's. A level that could read the previous version but not
// this one gets "withdrawn", so that its client drops its copy; a level that
// could read neither gets nothing, not even the id.
//
// Each change is numbered in its meeting's change log and carries its cursor:
// a client that resumes with the cursor of the last change it received gets
// exactly the changes it missed (changelog.go). A client without a usable
// cursor reads the current outcomes and actions over REST, then applies the
// events that follow. Each carries the whole document with its version, so a
// client keeps whichever copy has the higher version.

// Message types of outcome and action changes.
const (
	typeOutcome   = "outcome"
	typeAction    = "action"
	typeWithdrawn = "withdrawn"
)

// kindMeetingChange marks the changes a meeting's change log numbers —
// outcomes, actions, links and register entries: cursor.fresh compares their
// number in that log.
const kindMeetingChange kind = 100

type outcomeMsg struct {
	Type    string                  `json:"type"`
	Channel string                  `json:"channel"`
	Cursor  string                  `json:"cursor"`
	Outcome *conference.OutcomeView `json:"outcome"`
}

type actionMsg struct {
	Type    string             `json:"type"`
	Channel string             `json:"channel"`
	Cursor  string             `json:"cursor"`
	Action  *conference.Action `json:"action"`
}

// withdrawnMsg tells a reader that an outcome or action it may have shown is
// no longer theirs to read (its marking, or its outcome's, was raised).
type withdrawnMsg struct {
	Type    string `json:"type"`
	Channel string `json:"channel"`
	Cursor  string `json:"cursor"`
	Kind    string `json:"kind"` // outcome or action
	ID      string `json:"id"`
}

// outcomeOrActionChanged publishes an outcome or action change. Neither is ever
// deleted, so a change without a document has nothing to say.
func (h *Hub) outcomeOrActionChanged(ch conference.Change) {
	switch doc := ch.Doc.(type) {
	case *conference.Outcome:
		if doc != nil && doc.MeetingID != "" {
			old, _ := ch.Old.(*conference.Outcome)
			publishOutcomeOrAction(h, doc, doc.MeetingID, doc.SessionID, typeOutcome, doc.ID, doc.Version,
				h.src.OutcomeView, outcomeMessage, readBefore(old, h.src.OutcomeView))
			h.derivedActionsChanged(doc, old)
		}
	case *conference.Action:
		if doc != nil && doc.MeetingID != "" {
			old, _ := ch.Old.(*conference.Action)
			publishOutcomeOrAction(h, doc, doc.MeetingID, doc.SessionID, typeAction, doc.ID, doc.Version,
				h.src.ActionView, actionMessage, readBefore(old, h.src.ActionView))
		}
	}
}

// readBefore says whether a level could read old, the document before the
// change; nil when there was none.
func readBefore[D, V any](old *D, view func(*D, conference.Marking) *V) func(conference.Marking) bool {
	return func(c conference.Marking) bool { return old != nil && view(old, c) != nil }
}

// derivedActionsChanged tells again the actions drawn from an outcome whose
// read marking changed: an agreed draft opens them to the levels that may now
// read the outcome (observers, for one marked all), and a reopened one
// withdraws them from the levels that lose it. The actions themselves did
// not change, so each keeps its version; a client that holds a copy keeps it.
func (h *Hub) derivedActionsChanged(o, old *conference.Outcome) {
	if old == nil || old.ReadMarking() == o.ReadMarking() {
		return
	}
	for _, a := range h.src.DerivedActions(o.ID) {
		if a.MeetingID == "" {
			continue
		}
		// Before the change the action read no lower than the outcome did.
		was := max(a.Marking.Level(), old.ReadMarking().Level())
		publishOutcomeOrAction(h, a, a.MeetingID, a.SessionID, typeAction, a.ID, a.Version,
			h.src.ActionView, actionMessage, func(c conference.Marking) bool { return c.Level() >= was })
	}
}

func outcomeMessage(channel, cursor string, v *conference.OutcomeView) any {
	return outcomeMsg{Type: typeOutcome, Channel: channel, Cursor: cursor, Outcome: v}
}

func actionMessage(channel, cursor string, v *conference.Action) any {
	return actionMsg{Type: typeAction, Channel: channel, Cursor: cursor, Action: v}
}

// publishOutcomeOrAction queues one outcome or action change to its meeting's
// channel: for each clearance level, the view that level reads (message
// makes its message), or "withdrawn" where that level could read the
// document before (readBefore) but not doc, or nothing.
func publishOutcomeOrAction[D, V any](h *Hub, doc *D, meetingID, sessionID, kind, id string, version int64,
	view func(*D, conference.Marking) *V, message func(channel, cursor string, v *V) any, readBefore func(conference.Marking) bool) {
	channel := meetingChannel(meetingID)
	insiders := h.src.SessionInsiders(sessionID)
	h.appendChange(meetingID, func(cursor string) *event {
		ev := &event{kind: kindMeetingChange, id: id, version: version, insiders: insiders}
		for l, c := range conference.Markings {
			if v := view(doc, c); v != nil {
				ev.data[l] = encode(message(channel, cursor, v))
			} else if readBefore(c) {
				ev.data[l] = encode(withdrawnMsg{Type: typeWithdrawn, Channel: channel, Cursor: cursor, Kind: kind, ID: id})
			}
		}
		return ev
	})
}
