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
// These events have no catch-up of their own: a client that subscribes (or
// reconnects) reads the current outcomes and actions over REST, then applies
// the events that follow. Each carries the whole document with its version,
// so a client keeps whichever copy has the higher version.

// Message types of outcome and action changes.
const (
	typeOutcome   = "outcome"
	typeAction    = "action"
	typeWithdrawn = "withdrawn"
)

// kindFollowup marks events without a catch-up: cursor.fresh passes them.
const kindFollowup kind = 100

type outcomeMsg struct {
	Type    string                  `json:"type"`
	Channel string                  `json:"channel"`
	Outcome *conference.OutcomeView `json:"outcome"`
}

type actionMsg struct {
	Type    string             `json:"type"`
	Channel string             `json:"channel"`
	Action  *conference.Action `json:"action"`
}

// withdrawnMsg tells a reader that an outcome or action it may have shown is
// no longer theirs to read (its marking, or its outcome's, was raised).
type withdrawnMsg struct {
	Type    string `json:"type"`
	Channel string `json:"channel"`
	Kind    string `json:"kind"` // outcome or action
	ID      string `json:"id"`
}

// followupChanged publishes an outcome or action change. Neither is ever
// deleted, so a change without a document has nothing to say.
func (h *Hub) followupChanged(ch conference.Change) {
	switch doc := ch.Doc.(type) {
	case *conference.Outcome:
		if doc == nil || doc.MeetingID == "" {
			return
		}
		old, _ := ch.Old.(*conference.Outcome)
		channel := meetingChannel(doc.MeetingID)
		ev := &event{kind: kindFollowup, id: doc.ID, version: doc.Version, insiders: h.src.SessionInsiders(doc.SessionID)}
		for l, c := range conference.Markings {
			if v := h.src.OutcomeView(doc, c); v != nil {
				ev.data[l] = encode(outcomeMsg{Type: typeOutcome, Channel: channel, Outcome: v})
			} else if old != nil && h.src.OutcomeView(old, c) != nil {
				ev.data[l] = encode(withdrawnMsg{Type: typeWithdrawn, Channel: channel, Kind: typeOutcome, ID: doc.ID})
			}
		}
		h.publish(channel, ev)
	case *conference.Action:
		if doc == nil || doc.MeetingID == "" {
			return
		}
		old, _ := ch.Old.(*conference.Action)
		channel := meetingChannel(doc.MeetingID)
		ev := &event{kind: kindFollowup, id: doc.ID, version: doc.Version, insiders: h.src.SessionInsiders(doc.SessionID)}
		for l, c := range conference.Markings {
			if v := h.src.ActionView(doc, c); v != nil {
				ev.data[l] = encode(actionMsg{Type: typeAction, Channel: channel, Action: v})
			} else if old != nil && h.src.ActionView(old, c) != nil {
				ev.data[l] = encode(withdrawnMsg{Type: typeWithdrawn, Channel: channel, Kind: typeAction, ID: doc.ID})
			}
		}
		h.publish(channel, ev)
	}
}
