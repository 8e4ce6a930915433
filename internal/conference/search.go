package conference

import (
	"cmp"
	"container/heap"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
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

// queryTerm is one word of a query.
type queryTerm struct {
	word   string
	prefix bool // also matches words that start with it
}

func (t queryTerm) matches(w []byte) bool {
	if t.prefix {
		return len(w) >= len(t.word) && string(w[:len(t.word)]) == t.word
	}
	return string(w) == t.word
}

// parseSearchQuery checks q and returns its words, folded and without
// repeats. One-letter words match only whole words: as prefixes they would
// match most of the index and rank nothing.
func parseSearchQuery(q string) ([]queryTerm, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, Invalid("q", "q is required: type a few words to search for")
	}
	if !utf8.ValidString(q) {
		return nil, Invalid("q", "q is not valid UTF-8")
	}
	if utf8.RuneCountInString(q) > MaxSearchQuery {
		return nil, Invalid("q", "q is longer than %d characters", MaxSearchQuery)
	}
	var terms []queryTerm
	seen := map[string]bool{}
	n := 0
	var err error
	scanWords(q, func(b []byte) {
		w := string(b)
		n++
		if n > MaxSearchTerms {
			err = Invalid("q", "q has more than %d words", MaxSearchTerms)
			return
		}
		if seen[w] {
			return
		}
		seen[w] = true
		terms = append(terms, queryTerm{word: w, prefix: utf8.RuneCountInString(w) > 1})
	})
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return nil, Invalid("q", "q holds no word to search for, only signs; operators are not supported")
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
			return nil, Invalid("kind", "unknown kind %q (one of note, outcome, action, register, topic, session)", k)
		}
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultSearchHit
	case q.Limit < 0 || q.Limit > MaxSearchHits:
		return nil, Invalid("limit", "limit must be between 1 and %d", MaxSearchHits)
	}
	level := actor.Clearance().Level()
	if level < 0 {
		return nil, Errorf(EUNAUTHORIZED, "Sign in first.")
	}
	res := &SearchResults{Query: strings.TrimSpace(q.Q), Counts: map[SearchKind]int{}, Hits: []SearchHit{}}
	for _, t := range terms {
		res.Terms = append(res.Terms, t.word)
	}
	s.read(func(st *state) {
		if q.Meeting != "" && st.meetings[q.Meeting] == nil {
			err = Invalid("meeting", "unknown meeting %q", q.Meeting)
			return
		}
		st.search(actor, level, terms, q, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// scratch holds per-query arrays indexed by document, reused across queries:
// allocating and clearing them per query would cost more than the search.
type scratch struct {
	score   []float32
	last    []float32 // the score the current term added to a document
	matched []uint8   // how many terms a document matched so far
	touched []uint32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (sc *scratch) grow(n int) {
	if len(sc.score) < n {
		sc.score = make([]float32, n+n/4)
		sc.last = make([]float32, n+n/4)
		sc.matched = make([]uint8, n+n/4)
	}
}

func (sc *scratch) reset() {
	for _, d := range sc.touched {
		sc.score[d], sc.last[d], sc.matched[d] = 0, 0, 0
	}
	sc.touched = sc.touched[:0]
}

// expansion is the part of the index one query term matches.
type expansion struct {
	terms []*termInfo
	exact []bool
	cost  int
}

// BM25 constants: b is low because notes and summaries are short and their
// lengths say little.
const (
	bm25K1       = 1.2
	bm25B        = 0.4
	prefixFactor = 0.7 // a word matched by its start counts less than a whole word
)

func (st *state) search(actor *User, level int, terms []queryTerm, q SearchQuery, res *SearchResults) {
	ix := st.searchIx
	// The sessions whose whole record the reader reads (access.go): their
	// documents pass the level filter whatever their marking.
	inside := st.insiderSessions(actor)
	if len(inside) > 0 {
		// Ranking statistics are kept per level, not per session: an insider's
		// are taken over every level, so that a word found only in their
		// session's heads notes still counts. It moves only their own ranking.
		level = len(ix.live) - 1
	}
	lvl := uint8(actor.Clearance().Level())
	// Statistics over what the reader may read only.
	var n, lenSum float64
	for l := 0; l <= level; l++ {
		n += float64(ix.live[l])
		lenSum += ix.lenSum[l]
	}
	if n == 0 {
		return
	}
	avgLen := max(lenSum/n, 1)

	exps := make([]expansion, len(terms))
	for i, t := range terms {
		e := &exps[i]
		words := []string{t.word}
		if t.prefix {
			words = ix.withPrefix(t.word)
		}
		for _, w := range words {
			ti := ix.terms[w]
			if ti == nil {
				continue
			}
			e.terms = append(e.terms, ti)
			e.exact = append(e.exact, w == t.word)
			e.cost += len(ti.post)
		}
		if len(e.terms) == 0 {
			return // every word must match: one that matches nothing ends the search
		}
	}
	// The rarest term first: it bounds the candidates the others look at.
	slices.SortFunc(exps, func(a, b expansion) int { return cmp.Compare(a.cost, b.cost) })

	var inMeeting map[string]bool // topics on the filtered meeting's agenda
	if q.Meeting != "" {
		inMeeting = st.topicsOfMeeting(q.Meeting)
	}
	// visible says whether the reader may find d at all: alive, within
	// their clearance, and in the meeting asked for. It runs for the
	// postings of the first term only; later terms look at its survivors.
	visible := func(d *searchDoc) bool {
		if d.dead || (d.level > lvl && (len(inside) == 0 || !inside[docSession(d)])) {
			return false
		}
		if q.Meeting == "" {
			return true
		}
		if d.kind == SearchTopic {
			return inMeeting[d.id]
		}
		return d.meeting == q.Meeting
	}

	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.grow(len(ix.docs))
	defer sc.reset()

	// BM25's length normalisation, k1·(1−b+b·len/avg), as c1 + c2·len.
	c1, c2 := float32(bm25K1*(1-bm25B)), float32(bm25K1*bm25B/avgLen)
	docs := ix.docs
	for i, e := range exps {
		mi := uint8(i)
		for j, ti := range e.terms {
			var df float64
			for l := 0; l <= level; l++ {
				df += float64(ti.df[l])
			}
			if df <= 0 {
				continue // only in what the reader may not read
			}
			weight := math.Log(1+(n-df+0.5)/(df+0.5)) * (bm25K1 + 1)
			if !e.exact[j] {
				weight *= prefixFactor
			}
			wt := float32(weight)
			for _, p := range ti.post {
				d := p.doc
				m := sc.matched[d]
				if m < mi {
					continue // missed an earlier term
				}
				if m == 0 { // i == 0: a new candidate
					if !visible(&docs[d]) {
						continue
					}
					sc.touched = append(sc.touched, d)
				}
				s := wt * p.w / (p.w + c1 + c2*docs[d].length)
				if m == mi { // the first expansion of this term to match d
					sc.score[d] += s
					sc.last[d] = s
					sc.matched[d] = mi + 1
				} else if s > sc.last[d] { // another expansion of it: keep the best
					sc.score[d] += s - sc.last[d]
					sc.last[d] = s
				}
			}
		}
	}

	var wanted [8]bool // by rank
	for i, k := range SearchKinds {
		wanted[i] = len(q.Kinds) == 0 || slices.Contains(q.Kinds, k)
	}
	var counts [8]int // by rank
	top := &hitHeap{docs: ix.docs}
	all := uint8(len(exps))
	for _, d := range sc.touched {
		if sc.matched[d] != all {
			continue
		}
		rank := ix.docs[d].rank
		counts[rank]++
		if !wanted[rank] {
			continue
		}
		res.Total++
		top.offer(scoredDoc{doc: d, score: sc.score[d]}, q.Limit)
	}
	for i, k := range SearchKinds {
		if counts[i] > 0 {
			res.Counts[k] = counts[i]
		}
	}
	ranked := make([]scoredDoc, top.Len())
	for i := len(ranked) - 1; i >= 0; i-- {
		ranked[i] = heap.Pop(top).(scoredDoc)
	}
	for _, r := range ranked {
		doc := &ix.docs[r.doc]
		if !st.mayFind(actor, doc) {
			continue
		}
		if hit, ok := st.searchHit(doc, terms); ok {
			hit.Score = math.Round(float64(r.score)*1000) / 1000
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

type scoredDoc struct {
	doc   uint32
	score float32
}

// hitHeap keeps the best hits seen so far; its root is the worst of them.
type hitHeap struct {
	items []scoredDoc
	docs  []searchDoc
}

// better orders hits: higher score first, then by kind and id, so that equal
// scores come in a stable order.
func (h *hitHeap) better(a, b scoredDoc) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	da, db := &h.docs[a.doc], &h.docs[b.doc]
	if da.rank != db.rank {
		return da.rank < db.rank
	}
	return da.id < db.id
}

func (h *hitHeap) Len() int           { return len(h.items) }
func (h *hitHeap) Less(i, j int) bool { return h.better(h.items[j], h.items[i]) }
func (h *hitHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *hitHeap) Push(x any)         { h.items = append(h.items, x.(scoredDoc)) }
func (h *hitHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

func (h *hitHeap) offer(s scoredDoc, limit int) {
	if len(h.items) < limit {
		heap.Push(h, s)
		return
	}
	if h.better(s, h.items[0]) {
		h.items[0] = s
		heap.Fix(h, 0)
	}
}

// searchHit describes a document for the reader, with the query's words marked.
func (st *state) searchHit(d *searchDoc, terms []queryTerm) (SearchHit, bool) {
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

func matches(w []byte, terms []queryTerm) bool {
	for _, t := range terms {
		if t.matches(w) {
			return true
		}
	}
	return false
}

// snippetWindow picks the stretch of body to show: about snippetBytes from
// a little before the first matching word, cut at word boundaries.
func snippetWindow(body string, terms []queryTerm) (int, int) {
	if len(body) <= snippetBytes {
		return 0, len(body)
	}
	// Word starts within the context before the first match, and that match.
	const before = snippetBytes / 4
	var starts []int
	first := -1
	scanWordsAt(body, func(start, _ int, w []byte) {
		if first >= 0 {
			return
		}
		for len(starts) > 0 && start-starts[0] > before {
			starts = starts[1:]
		}
		starts = append(starts, start)
		if matches(w, terms) {
			first = start
		}
	})
	from := 0
	if first > before && len(starts) > 0 {
		from = starts[0]
	}
	to := from
	scanWordsAt(body[from:], func(_, end int, _ []byte) {
		if end <= snippetBytes {
			to = from + end
		}
	})
	if to == from {
		to = min(len(body), from+snippetBytes)
		for to < len(body) && !utf8.RuneStart(body[to]) {
			to++
		}
	}
	return from, to
}

// highlight splits s[from:to] into fragments, marking the words that match.
func highlight(s string, terms []queryTerm, from, to int) []Fragment {
	out := []Fragment{}
	at := from
	scanWordsAt(s[from:to], func(start, end int, w []byte) {
		if !matches(w, terms) {
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
