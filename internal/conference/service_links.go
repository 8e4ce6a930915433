package conference

import (
	"context"
	"slices"
	"time"
	"unicode/utf8"
)

// ---- Links from topics, notes, outcomes and actions to register entries ----

// linkSource is what a link starts from, as far as the rules need it.
type linkSource struct {
	exists  bool
	marking Marking  // "all" for unmarked kinds
	session *Session // the session of a note, an outcome or an action
	owner   string   // the owner delegation of an action
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
		return linkSource{exists: true, marking: n.Marking, session: st.sessions[n.SessionID]}
	default:
		return st.followupLinkSource(kind, id)
	}
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
		return nil, false, Invalid("from_id", "no %s %q", in.FromKind, in.FromID)
	}
	if !actor.MayLink(in.FromKind, src.session, src.owner) {
		return nil, false, Errorf(EFORBIDDEN, "%s", linkRuleMessage(in.FromKind))
	}
	if entry == nil {
		return nil, false, Invalid("entry_id", "no register entry %q", in.EntryID)
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
		return nil, Invalid("from_kind", "unknown from_kind %q (one of topic, note, outcome, action)", kind)
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
		return st.followupBacklink(actor, b)
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
