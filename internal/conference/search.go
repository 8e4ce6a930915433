package conference

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quintet-ag/quintet/internal/textindex"
)

// Limits of a search query. Queries come from a search box: a few words.
// The caps keep one request from costing much, whatever it holds.
const (
	MaxSearchQuery   = 200 // characters
	MaxSearchTerms   = 12  // words
	DefaultSearchHit = 20
	MaxSearchHits    = 100
	snippetBytes     = 220
)

// SearchQuery is what a reader asks. Q is plain text: quotes, signs,
// wildcards and words such as AND or OR have no special meaning; every word
// must match, each as a whole word or as the start of one.
type SearchQuery struct {
	Q       string
	Kinds   []SearchKind // none: every kind
	Meeting string       // a meeting id; none: all meetings
	Limit   int          // 0: DefaultSearchHit
}

// SearchResults answers a query: the best hits, and how many of each kind
// matched among what the reader may read.
type SearchResults struct {
	Query  string             `json:"query"`
	Terms  []string           `json:"terms"` // the words searched, folded
	Total  int                `json:"total"` // hits of the asked kinds, before the limit
	Counts map[SearchKind]int `json:"counts"`
	Hits   []SearchHit        `json:"hits"`
}

// SearchHit is one thing found, with its matches marked.
type SearchHit struct {
	Kind         SearchKind `json:"kind"`
	ID           string     `json:"id"`
	Title        []Fragment `json:"title"`
	Snippet      []Fragment `json:"snippet"`
	MeetingID    string     `json:"meeting_id,omitempty"`
	MeetingTitle string     `json:"meeting_title,omitempty"`
	SessionID    string     `json:"session_id,omitempty"`
	Seq          int64      `json:"seq,omitempty"`
	Marking      Marking    `json:"marking,omitempty"`
	Archived     bool       `json:"archived,omitempty"`
	Example      bool       `json:"example,omitempty"`
	Score        float64    `json:"score"`
}

// Fragment is a piece of text; Match marks the words the query matched.
// Text is plain text, never markup, so that a client shows it as such.
type Fragment struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// parseSearchQuery checks q and returns its words, folded and without
// repeats. One-letter words match only whole words: as prefixes they would
// match most of the index and rank nothing.
func parseSearchQuery(q string) ([]textindex.Term, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, Invalid("q", "Type a few words to search for.")
	}
	if !utf8.ValidString(q) {
		return nil, Invalid("q", "The search is not valid UTF-8 text.")
	}
	if utf8.RuneCountInString(q) > MaxSearchQuery {
		return nil, Invalid("q", "The search is longer than %d characters; use fewer words.", MaxSearchQuery)
	}
	var terms []textindex.Term
	seen := map[string]bool{}
	n := 0
	var err error
	textindex.Words(q, func(_, _ int, b []byte) {
		w := string(b)
		n++
		if n > MaxSearchTerms {
			err = Invalid("q", "The search has more than %d words; use fewer.", MaxSearchTerms)
			return
		}
		if seen[w] {
			return
		}
		seen[w] = true
		terms = append(terms, textindex.Term{Word: w, Prefix: utf8.RuneCountInString(w) > 1})
	})
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return nil, Invalid("q", "The search holds no word to search for, only signs; operators are not supported.")
	}
	return terms, nil
}

// Search finds notes, outcomes, actions, register entries, topics and
// sessions across all meetings. What the reader may not read is left out
// before anything is ranked or counted, and ranking statistics are those of
// what the reader may read, so that neither the hits, their order nor the
// counts say anything about the rest.
func (s *Service) Search(ctx context.Context, actor *User, q SearchQuery) (*SearchResults, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	terms, err := parseSearchQuery(q.Q)
	if err != nil {
		return nil, err
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return nil, Invalid("kind", "There is no kind %q: choose one of note, outcome, action, register, topic, session.", k)
		}
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultSearchHit
	case q.Limit < 0 || q.Limit > MaxSearchHits:
		return nil, Invalid("limit", "The limit parameter must be between 1 and %d.", MaxSearchHits)
	}
	level := actor.Clearance().Level()
	if level < 0 {
		return nil, Errorf(EUNAUTHORIZED, "Sign in first.")
	}
	res := &SearchResults{Query: strings.TrimSpace(q.Q), Counts: map[SearchKind]int{}, Hits: []SearchHit{}}
	for _, t := range terms {
		res.Terms = append(res.Terms, t.Word)
	}
	s.read(func(st *state) {
		if q.Meeting != "" && st.meetings[q.Meeting] == nil {
			err = Invalid("meeting", "There is no meeting %q.", q.Meeting)
			return
		}
		st.search(actor, level, terms, q, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (st *state) search(actor *User, level int, terms []textindex.Term, q SearchQuery, res *SearchResults) {
	// The sessions whose whole record the reader reads (access.go): their
	// documents pass the level filter whatever their marking.
	inside := st.insiderSessions(actor)
	if len(inside) > 0 {
		// Ranking statistics are kept per level, not per session: an insider's
		// are taken over every level, so that a word found only in their
		// session's heads notes still counts. It moves only their own ranking.
		level = textindex.Levels - 1
	}
	reach := actor.Clearance().Level()
	var beyond func(*searchDoc) bool // an insider's documents above their clearance
	if len(inside) > 0 {
		beyond = func(d *searchDoc) bool { return inside[docSession(d)] }
	}
	// visible keeps what is in the meeting asked for.
	var visible func(*searchDoc) bool
	if q.Meeting != "" {
		inMeeting := st.topicsOfMeeting(q.Meeting) // topics on its agenda
		visible = func(d *searchDoc) bool {
			if d.kind == SearchTopic {
				return inMeeting[d.id]
			}
			return d.meeting == q.Meeting
		}
	}
	var rank textindex.ClassSet // none: every kind
	for _, k := range q.Kinds {
		rank = rank.With(kindRank(k))
	}
	// Every kind is counted, the kinds asked for only are ranked.
	out := st.searchIx.ix.Search(textindex.Query[searchDoc]{
		Terms: terms, Level: level, Reach: reach, Beyond: beyond, Visible: visible, Rank: rank, Limit: q.Limit,
	})
	for i, k := range SearchKinds {
		c := out.Counts[i]
		if c == 0 {
			continue
		}
		res.Counts[k] = c
		if len(q.Kinds) == 0 || slices.Contains(q.Kinds, k) {
			res.Total += c
		}
	}
	found := out.Hits
	for i := range found {
		doc := &found[i].Doc
		if !st.mayFind(actor, doc) {
			continue
		}
		if hit, ok := st.searchHit(doc, terms); ok {
			hit.Score = math.Round(float64(found[i].Score)*1000) / 1000
			res.Hits = append(res.Hits, hit)
		}
	}
}

// topicsOfMeeting returns the topics on a meeting's agenda: the meeting's
// own and its sessions'.
func (st *state) topicsOfMeeting(id string) map[string]bool {
	out := map[string]bool{}
	if m := st.meetings[id]; m != nil {
		for _, t := range m.Topics {
			out[t] = true
		}
	}
	for _, se := range st.sessionsByMeeting[id] {
		for _, t := range se.Topics {
			out[t] = true
		}
	}
	return out
}

// docSession is the session of an indexed note, outcome or action: asked only
// for an insider's documents above their clearance, so the index need not
// keep it for every document.
func docSession(d *searchDoc) string {
	switch v := d.src.(type) {
	case *Note:
		return v.SessionID
	case *Outcome:
		return v.SessionID
	case *Action:
		return v.SessionID
	}
	return ""
}

// mayFind checks a hit against the marking of what it describes. The index
// already filters by level, which is the marking the document was indexed
// at, and every change of marking re-indexes the document; this second look
// at the few hits shown costs nothing and keeps a mistake in the index from
// showing anything.
func (st *state) mayFind(actor *User, d *searchDoc) bool {
	switch d.kind {
	case SearchNote:
		return st.mayReadNote(actor, st.noteByID[d.id])
	case SearchOutcome:
		return st.mayReadOutcome(actor, st.outcomes[d.id])
	case SearchAction:
		return st.mayReadAction(actor, st.actions[d.id])
	default:
		return true
	}
}

// searchHit describes a document for the reader, with the query's words marked.
func (st *state) searchHit(d *searchDoc, terms []textindex.Term) (SearchHit, bool) {
	hit := SearchHit{Kind: d.kind, ID: d.id, MeetingID: d.meeting}
	var title, body string
	switch d.kind {
	case SearchRegister:
		e := st.register[d.id]
		if e == nil {
			return hit, false
		}
		title, body = e.Title, e.Summary
		hit.Archived, hit.Example = e.Archived, e.Example
	case SearchTopic:
		t := st.topics[d.id]
		if t == nil {
			return hit, false
		}
		title, body = t.Title, t.Description
	case SearchSession:
		se := st.sessions[d.id]
		if se == nil {
			return hit, false
		}
		title, body = se.Title, se.Room
	case SearchNote:
		n := st.noteByID[d.id]
		if n == nil {
			return hit, false
		}
		hit.SessionID, hit.Seq, hit.Marking = n.SessionID, n.Seq, n.Marking
		if se := st.sessions[n.SessionID]; se != nil {
			title = se.Title + " #" + strconv.FormatInt(n.Seq, 10)
		}
		body = n.Text
	default:
		t, b, ok := st.followupHitText(d, &hit)
		if !ok {
			return hit, false
		}
		title, body = t, b
	}
	if m := st.meetings[d.meeting]; m != nil {
		hit.MeetingTitle = m.Title
	}
	hit.Title = highlight(title, terms, 0, len(title))
	from, to := snippetWindow(body, terms)
	hit.Snippet = highlight(body, terms, from, to)
	if from > 0 {
		hit.Snippet = append([]Fragment{{Text: "…"}}, hit.Snippet...)
	}
	if to < len(body) {
		hit.Snippet = append(hit.Snippet, Fragment{Text: "…"})
	}
	return hit, true
}

// snippetWindow picks the stretch of body to show.
func snippetWindow(body string, terms []textindex.Term) (int, int) {
	return textindex.Window(body, terms, snippetBytes)
}

// highlight splits s[from:to] into fragments, marking the words that match.
func highlight(s string, terms []textindex.Term, from, to int) []Fragment {
	out := []Fragment{}
	at := from
	textindex.Words(s[from:to], func(start, end int, w []byte) {
		if !textindex.MatchesAny(terms, w) {
			return
		}
		start, end = from+start, from+end
		if start > at {
			out = append(out, Fragment{Text: s[at:start]})
		}
		out = append(out, Fragment{Text: s[start:end], Match: true})
		at = end
	})
	if at < to {
		out = append(out, Fragment{Text: s[at:to]})
	}
	return out
}
