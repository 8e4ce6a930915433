package live

import "github.com/quintet-ag/quintet/internal/conference"

// Links and register entries on the meeting channel, numbered in the same
// change log as outcomes and actions (changelog.go), so that a client resumes
// them with the same cursor and the same no-gap, no-duplicate rule.
//
// A link from a note, an outcome or an action goes to that thing's meeting,
// to the readers its marking covers (and the session's rapporteurs and chair):
// a reader who may not know the action exists is not told it was linked.
// A topic's link goes nowhere: topics belong to no meeting, and their pages
// read the register over REST.
//
// A register entry carries no marking, but where it is told says what links
// to it: an entry's change goes to each meeting whose notes, outcomes or
// actions link to it, to the readers who may know of at least one of those
// links. An entry linked from nothing is told nowhere.

// Message types of link and register entry changes.
const (
	typeLink          = "link"
	typeLinkRemoved   = "link_removed"
	typeRegisterEntry = "register_entry"
)

type linkMsg struct {
	Type    string           `json:"type"`
	Channel string           `json:"channel"`
	Cursor  string           `json:"cursor"`
	Link    *conference.Link `json:"link"`
}

// linkRemovedMsg names the link that ended, with both its ends, so that a
// view showing either end drops it.
type linkRemovedMsg struct {
	Type     string              `json:"type"`
	Channel  string              `json:"channel"`
	Cursor   string              `json:"cursor"`
	ID       string              `json:"id"`
	FromKind conference.LinkKind `json:"from_kind"`
	FromID   string              `json:"from_id"`
	EntryID  string              `json:"entry_id"`
}

type entryMsg struct {
	Type    string                    `json:"type"`
	Channel string                    `json:"channel"`
	Cursor  string                    `json:"cursor"`
	Entry   *conference.RegisterEntry `json:"entry"`
}

// linkChanged publishes a link made or removed. Links are never edited: a
// change with a document is a new link, one without is its removal.
func (h *Hub) linkChanged(ch conference.Change) {
	l, _ := ch.Doc.(*conference.Link)
	removed := l == nil
	if removed {
		if l, _ = ch.Old.(*conference.Link); l == nil {
			return
		}
	}
	meetingID, sessionID, marking, ok := h.src.LinkAudience(l)
	if !ok {
		return
	}
	channel := meetingChannel(meetingID)
	insiders := h.src.SessionInsiders(sessionID)
	h.appendChange(meetingID, func(cursor string) *event {
		var b []byte
		if removed {
			b = encode(linkRemovedMsg{Type: typeLinkRemoved, Channel: channel, Cursor: cursor,
				ID: l.ID, FromKind: l.FromKind, FromID: l.FromID, EntryID: l.EntryID})
		} else {
			b = encode(linkMsg{Type: typeLink, Channel: channel, Cursor: cursor, Link: l})
		}
		return &event{kind: kindMeetingChange, id: l.ID, insiders: insiders, data: forLevels(marking, b)}
	})
}

// entryChanged publishes a register entry's new version to the meetings
// that link to it. Entries are archived, never deleted.
func (h *Hub) entryChanged(ch conference.Change) {
	e, _ := ch.Doc.(*conference.RegisterEntry)
	if e == nil {
		return
	}
	for meetingID, marking := range h.src.EntryAudience(e.ID) {
		channel := meetingChannel(meetingID)
		h.appendChange(meetingID, func(cursor string) *event {
			return &event{kind: kindMeetingChange, id: e.ID, version: e.Version,
				data: forLevels(marking, encode(entryMsg{Type: typeRegisterEntry, Channel: channel, Cursor: cursor, Entry: e}))}
		})
	}
}
