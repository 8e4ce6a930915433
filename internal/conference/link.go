package conference

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// LinkKind is the kind of thing that links to a register entry.
type LinkKind string

const (
	LinkTopic   LinkKind = "topic"
	LinkNote    LinkKind = "note"
	LinkOutcome LinkKind = "outcome"
	LinkAction  LinkKind = "action"
)

// LinkKinds lists every kind in the order backlinks are shown.
var LinkKinds = []LinkKind{LinkTopic, LinkNote, LinkOutcome, LinkAction}

func (k LinkKind) Valid() bool { return slices.Contains(LinkKinds, k) }

// Link says that a topic, note, outcome or action concerns a register entry.
// Links live in their own collection rather than in the things they start
// from: notes are append-only, and an entry's backlinks must be found
// without reading every note.
type Link struct {
	ID        string    `json:"id" bson:"_id"` // LinkID(from kind, from id, entry id): one link per pair
	FromKind  LinkKind  `json:"from_kind" bson:"from_kind"`
	FromID    string    `json:"from_id" bson:"from_id"`
	EntryID   string    `json:"entry_id" bson:"entry_id"`
	CreatedBy string    `json:"created_by" bson:"created_by"` // user id
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// LinkID is the id of the link from (kind, fromID) to entryID. Deriving it
// from the pair makes a second link of the same pair a duplicate key, which
// the store refuses even if two instances race.
func LinkID(kind LinkKind, fromID, entryID string) string {
	return string(kind) + ":" + fromID + ":" + entryID
}

// LinkInput is what a user sends to link something to an entry.
type LinkInput struct {
	FromKind LinkKind `json:"from_kind"`
	FromID   string   `json:"from_id"`
	EntryID  string   `json:"entry_id"`
}

func (in *LinkInput) Validate() error {
	if !in.FromKind.Valid() {
		return Invalid("from_kind", "There is no kind %q to link from: choose one of topic, note, outcome, action.", in.FromKind)
	}
	if strings.TrimSpace(in.FromID) == "" {
		return Invalid("from_id", "Choose the item to link from.")
	}
	if err := ValidID("from_id", in.FromID); err != nil {
		return err
	}
	if strings.TrimSpace(in.EntryID) == "" {
		return Invalid("entry_id", "Choose the register entry to link to.")
	}
	if err := ValidID("entry_id", in.EntryID); err != nil {
		return err
	}
	return nil
}

// What the register, its links and search need to know of outcomes and
// actions, kept apart so that the rest reads only these few fields.

// outcomeOrActionLinkSource finds the outcome or action a link starts from. Both
// carry a marking, as notes do.
func (st *state) outcomeOrActionLinkSource(kind LinkKind, id string) linkSource {
	switch kind {
	case LinkOutcome:
		if o := st.outcomes[id]; o != nil {
			return linkSource{exists: true, marking: o.ReadMarking(), session: st.sessions[o.SessionID], meeting: o.MeetingID}
		}
	case LinkAction:
		if a := st.actions[id]; a != nil {
			return linkSource{exists: true, marking: st.actionMarking(a), owner: a.Owner, session: st.sessions[a.SessionID], meeting: a.MeetingID}
		}
	}
	return linkSource{}
}

// outcomeOrActionBacklink describes an outcome or action that links to an entry,
// unless actor may not read it.
func (st *state) outcomeOrActionBacklink(actor *User, b Backlink) (Backlink, bool) {
	switch b.Kind {
	case LinkOutcome:
		o := st.outcomes[b.ID]
		if !st.mayReadOutcome(actor, o) {
			return b, false
		}
		b.MeetingID, b.SessionID, b.Marking = o.MeetingID, o.SessionID, o.ReadMarking()
		b.Title, b.Excerpt = st.outcomeTitle(o), excerpt(o.Text)
		return b, true
	case LinkAction:
		a := st.actions[b.ID]
		if !st.mayReadAction(actor, a) {
			return b, false
		}
		b.MeetingID, b.SessionID, b.Marking = a.MeetingID, a.SessionID, st.actionMarking(a)
		b.Title, b.Excerpt = a.Title, excerpt(a.Description)
		return b, true
	}
	return b, false
}

// ---- Links from topics, notes, outcomes and actions to register entries ----

// linkSource is what a link starts from, as far as the rules need it.
type linkSource struct {
	exists  bool
	marking Marking  // "all" for unmarked kinds
	session *Session // the session of a note, an outcome or an action
	owner   string   // the owner delegation of an action
	meeting string   // the meeting of a note, an outcome or an action
}

// linkSource finds what (kind, id) names.
func (st *state) linkSource(kind LinkKind, id string) linkSource {
	switch kind {
	case LinkTopic:
		return linkSource{exists: st.topics[id] != nil, marking: MarkingAll}
	case LinkNote:
		n := st.noteByID[id]
		if n == nil {
			return linkSource{}
		}
		return linkSource{exists: true, marking: n.Marking, session: st.sessions[n.SessionID], meeting: n.MeetingID}
	default:
		return st.outcomeOrActionLinkSource(kind, id)
	}
}

// LinkAudience says who is told of a change of link l, live: the meeting
// and session of the note, outcome or action it starts from, and that
// thing's effective marking (a reader it covers may know the link exists).
// ok is false for a topic's link — topics belong to no meeting — and for a
// source no longer held.
func (s *Service) LinkAudience(l *Link) (meetingID, sessionID string, marking Marking, ok bool) {
	s.read(func(st *state) {
		src := st.linkSource(l.FromKind, l.FromID)
		if !src.exists || src.meeting == "" {
			return
		}
		meetingID, marking, ok = src.meeting, src.marking, true
		if src.session != nil {
			sessionID = src.session.ID
		}
	})
	return meetingID, sessionID, marking, ok
}

// EntryAudience says which meetings are told of a change of register entry
// id, live: those whose notes, outcomes or actions link to it, each with the
// least restricted marking among those links' sources — a reader who may
// know of none of the links there is not told of the entry there either.
func (s *Service) EntryAudience(id string) map[string]Marking {
	out := map[string]Marking{}
	s.read(func(st *state) {
		for _, l := range st.linksByEntry[id] {
			src := st.linkSource(l.FromKind, l.FromID)
			if !src.exists || src.meeting == "" {
				continue
			}
			if m, seen := out[src.meeting]; !seen || covers(m, src.marking) {
				out[src.meeting] = src.marking
			}
		}
	})
	return out
}

// readable reports whether u may know the source exists: a note, outcome or
// action above u's clearance in its session is, to u, not there.
func (src linkSource) readable(u *User) bool {
	if !src.exists {
		return false
	}
	c := u.Clearance()
	if src.session != nil {
		c = u.ClearanceIn(src.session)
	}
	return covers(c, src.marking)
}

func linkRuleMessage(kind LinkKind) string {
	switch kind {
	case LinkNote, LinkOutcome:
		return "Only the session's rapporteurs, its chair and the secretariat may link its " + string(kind) + "s to the register."
	case LinkAction:
		return "Only the owner delegation's follow-up team and the secretariat may link an action to the register."
	default:
		return "Only the secretariat may link topics to the register."
	}
}

// CreateLink links a topic, note, outcome or action to a register entry. A
// link that exists already is answered as it is (created is false).
func (s *Service) CreateLink(ctx context.Context, actor *User, in LinkInput) (l *Link, created bool, err error) {
	if err := requireActor(actor); err != nil {
		return nil, false, err
	}
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var entry *RegisterEntry
	var src linkSource
	var existing *Link
	s.read(func(st *state) {
		entry = st.register[in.EntryID]
		src = st.linkSource(in.FromKind, in.FromID)
		existing = st.links[LinkID(in.FromKind, in.FromID, in.EntryID)]
	})
	if !src.readable(actor) {
		return nil, false, Invalid("from_id", "There is no %s %q to link from.", in.FromKind, in.FromID)
	}
	if !actor.MayLink(in.FromKind, src.session, src.owner) {
		return nil, false, Errorf(EFORBIDDEN, "%s", linkRuleMessage(in.FromKind))
	}
	if entry == nil {
		return nil, false, Invalid("entry_id", "There is no register entry %q.", in.EntryID)
	}
	if existing != nil {
		return existing, false, nil
	}
	if entry.Archived {
		return nil, false, &Error{Code: ECONFLICT, Field: "entry_id", Message: "The entry " + entry.Title + " is archived; restore it before linking to it."}
	}
	link := Link{
		ID:        LinkID(in.FromKind, in.FromID, in.EntryID),
		FromKind:  in.FromKind,
		FromID:    in.FromID,
		EntryID:   in.EntryID,
		CreatedBy: actor.ID,
		CreatedAt: s.Now(),
	}
	if err := s.insert(ctx, Links, link.ID, &link); err != nil {
		return nil, false, err
	}
	return &link, true, nil
}

// DeleteLink removes a link, under the rules that made it.
func (s *Service) DeleteLink(ctx context.Context, actor *User, id string) error {
	if err := requireActor(actor); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var l *Link
	var src linkSource
	s.read(func(st *state) {
		if l = st.links[id]; l != nil {
			src = st.linkSource(l.FromKind, l.FromID)
		}
	})
	// A link from something the reader may not read is, to them, not there.
	if l == nil || (src.exists && !src.readable(actor)) {
		return Errorf(ENOTFOUND, "No link %q.", id)
	}
	if !actor.MayLink(l.FromKind, src.session, src.owner) {
		return Errorf(EFORBIDDEN, "%s", linkRuleMessage(l.FromKind))
	}
	return s.delete(ctx, Links, id)
}

// LinkedEntry is a register entry as seen from what links to it. Link is
// nil for an entry that lists a topic among its own topics rather than
// being linked from it (Listed is then true).
type LinkedEntry struct {
	Link   *Link          `json:"link,omitempty"`
	Listed bool           `json:"listed,omitempty"`
	Entry  *RegisterEntry `json:"entry"`
}

// LinksFrom returns the entries a topic, note, outcome or action concerns,
// archived ones included (marked as such): for a topic, those linked from it
// and those that list it among their topics.
func (s *Service) LinksFrom(ctx context.Context, actor *User, kind LinkKind, id string) ([]LinkedEntry, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, Invalid("from_kind", "There is no kind %q to link from: choose one of topic, note, outcome, action.", kind)
	}
	var out []LinkedEntry
	var src linkSource
	s.read(func(st *state) {
		if kind == LinkTopic {
			if t := st.topicByIDOrSlug(id); t != nil {
				id = t.ID
			}
		}
		src = st.linkSource(kind, id)
		if !src.readable(actor) {
			return
		}
		seen := map[string]bool{}
		for _, l := range st.linksByFrom[linkFromKey(kind, id)] {
			if e := st.register[l.EntryID]; e != nil {
				out = append(out, LinkedEntry{Link: l, Entry: e})
				seen[e.ID] = true
			}
		}
		if kind == LinkTopic {
			for _, e := range st.registerList {
				if !seen[e.ID] && slices.Contains(e.Topics, id) {
					out = append(out, LinkedEntry{Listed: true, Entry: e})
				}
			}
		}
	})
	if !src.readable(actor) {
		return nil, Errorf(ENOTFOUND, "No %s %q.", kind, id)
	}
	if out == nil {
		out = []LinkedEntry{}
	}
	slices.SortStableFunc(out, func(a, b LinkedEntry) int { return compareEntries(a.Entry, b.Entry) })
	return out, nil
}

// Backlink is one thing that links to an entry, described for its reader.
type Backlink struct {
	Kind      LinkKind  `json:"kind"`
	ID        string    `json:"id"`
	LinkID    string    `json:"link_id,omitempty"` // none when the entry lists the topic itself
	Title     string    `json:"title"`
	Excerpt   string    `json:"excerpt,omitempty"`
	MeetingID string    `json:"meeting_id,omitempty"`
	SessionID string    `json:"session_id,omitempty"`
	Seq       int64     `json:"seq,omitempty"`
	Marking   Marking   `json:"marking,omitempty"`
	LinkedBy  string    `json:"linked_by,omitempty"` // user id
	LinkedAt  time.Time `json:"linked_at,omitzero"`
}

// Backlinks are an entry's backlinks grouped by kind, with their counts.
type Backlinks struct {
	EntryID  string           `json:"entry_id"`
	Topics   []Backlink       `json:"topic"`
	Notes    []Backlink       `json:"note"`
	Outcomes []Backlink       `json:"outcome"`
	Actions  []Backlink       `json:"action"`
	Counts   map[LinkKind]int `json:"counts"`
}

const excerptRunes = 200

// Backlinks returns what links to an entry. A note or outcome the reader may
// not read is left out, and not counted: its link must not tell that it
// exists.
func (s *Service) Backlinks(ctx context.Context, actor *User, entryID string) (*Backlinks, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	out := &Backlinks{EntryID: entryID, Topics: []Backlink{}, Notes: []Backlink{}, Outcomes: []Backlink{}, Actions: []Backlink{}}
	var found bool
	s.read(func(st *state) {
		e := st.register[entryID]
		if e == nil {
			return
		}
		found = true
		linkedTopics := map[string]bool{}
		for _, l := range st.linksByEntry[entryID] {
			b, ok := st.backlink(actor, l.FromKind, l.FromID)
			if !ok {
				continue
			}
			b.LinkID, b.LinkedBy, b.LinkedAt = l.ID, l.CreatedBy, l.CreatedAt
			switch l.FromKind {
			case LinkTopic:
				linkedTopics[l.FromID] = true
				out.Topics = append(out.Topics, b)
			case LinkNote:
				out.Notes = append(out.Notes, b)
			case LinkOutcome:
				out.Outcomes = append(out.Outcomes, b)
			case LinkAction:
				out.Actions = append(out.Actions, b)
			}
		}
		for _, t := range e.Topics {
			if linkedTopics[t] {
				continue
			}
			if b, ok := st.backlink(actor, LinkTopic, t); ok {
				out.Topics = append(out.Topics, b)
			}
		}
	})
	if !found {
		return nil, Errorf(ENOTFOUND, "No register entry %q.", entryID)
	}
	out.Counts = map[LinkKind]int{
		LinkTopic: len(out.Topics), LinkNote: len(out.Notes), LinkOutcome: len(out.Outcomes), LinkAction: len(out.Actions),
	}
	return out, nil
}

// backlink describes (kind, id) for actor, or reports that actor may not
// read it or that it is gone.
func (st *state) backlink(actor *User, kind LinkKind, id string) (Backlink, bool) {
	b := Backlink{Kind: kind, ID: id}
	switch kind {
	case LinkTopic:
		t := st.topics[id]
		if t == nil {
			return b, false
		}
		b.Title, b.Excerpt = t.Title, excerpt(t.Description)
		return b, true
	case LinkNote:
		n := st.noteByID[id]
		if !st.mayReadNote(actor, n) {
			return b, false
		}
		b.MeetingID, b.SessionID, b.Seq, b.Marking = n.MeetingID, n.SessionID, n.Seq, n.Marking
		b.Excerpt = excerpt(n.Text)
		if se := st.sessions[n.SessionID]; se != nil {
			b.Title = se.Title
		}
		return b, true
	default:
		return st.outcomeOrActionBacklink(actor, b)
	}
}

// excerpt is the start of s, at most excerptRunes characters.
func excerpt(s string) string {
	if utf8.RuneCountInString(s) <= excerptRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == excerptRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func linkFromKey(kind LinkKind, id string) string { return string(kind) + ":" + id }
