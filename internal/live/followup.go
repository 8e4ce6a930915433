package live

import "github.com/quintet-ag/quintet/internal/conference"

// Outcomes and actions on the meeting channel (issue 4). Each change of an
// outcome or an action goes to meeting:<its meeting> as one message, encoded
// once and queued to the subscribers whose clearance covers its marking;
// readers below it get nothing, as they get nothing from the REST API.
//
// These events have no catch-up of their own: a client that subscribes (or
// reconnects) reads the current outcomes and actions over REST, then applies
// the events that follow. Each carries the whole document with its version,
// so a client keeps whichever copy has the higher version.

// Message types of outcome and action changes.
const (
	typeOutcome = "outcome"
	typeAction  = "action"
)

// kindFollowup marks events without a catch-up: cursor.fresh passes them.
const kindFollowup kind = 100

type outcomeMsg struct {
	Type    string              `json:"type"`
	Channel string              `json:"channel"`
	Outcome *conference.Outcome `json:"outcome"`
}

type actionMsg struct {
	Type    string             `json:"type"`
	Channel string             `json:"channel"`
	Action  *conference.Action `json:"action"`
}

// followupChanged publishes an outcome or action change. Neither is ever
// deleted, so a change without a document has nothing to say.
func (h *Hub) followupChanged(ch conference.Change) {
	switch doc := ch.Doc.(type) {
	case *conference.Outcome:
		if doc == nil || doc.MeetingID == "" {
			return
		}
		channel := meetingChannel(doc.MeetingID)
		h.publish(channel, &event{kind: kindFollowup, id: doc.ID, version: doc.Version,
			data: forLevels(doc.Marking, encode(outcomeMsg{Type: typeOutcome, Channel: channel, Outcome: doc}))})
	case *conference.Action:
		if doc == nil || doc.MeetingID == "" {
			return
		}
		channel := meetingChannel(doc.MeetingID)
		h.publish(channel, &event{kind: kindFollowup, id: doc.ID, version: doc.Version,
			data: forLevels(doc.Marking, encode(actionMsg{Type: typeAction, Channel: channel, Action: doc}))})
	}
}
