package textindex

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Term is one word to search for, folded (see Fold).
type Term struct {
	Word   string
	Prefix bool // also matches words that start with it
}

// Matches reports whether the folded word w is one the term finds.
func (t Term) Matches(w []byte) bool {
	if t.Prefix {
		return len(w) >= len(t.Word) && string(w[:len(t.Word)]) == t.Word
	}
	return string(w) == t.Word
}

// MatchesAny reports whether any of terms matches the folded word w.
func MatchesAny(terms []Term, w []byte) bool {
	for _, t := range terms {
		if t.Matches(w) {
			return true
		}
	}
	return false
}

// MaxTerms bounds the terms of one search: a document's count of matched
// terms is kept in a byte.
const MaxTerms = math.MaxUint8

// Query asks for the documents that hold every term.
type Query[T comparable] struct {
	Terms []Term
	// Level is the highest level whose documents count in the ranking
	// statistics (document frequencies, average length).
	Level int
	// Reach is the highest level whose documents the reader may find. A
	// document above it is found only if Beyond says so; nil finds none.
	// Beyond is asked only of documents above Reach that hold the rarest
	// term, so that an exception to the levels costs nothing to the rest.
	Reach  int
	Beyond func(*T) bool
	// Visible, when not nil, narrows further what the reader may find (to
	// one meeting, say): it is asked of every document within reach that
	// holds the rarest term, before the others are looked at.
	Visible func(*T) bool
	// Rank is the classes whose matches are ranked; none ranks every class.
	// The matches of every class are counted.
	Rank  ClassSet
	Limit int // how many hits at most
}

// Result answers a query: the best hits, and how many of the documents the
// reader may find hold every term, per class, before the limit and
// whatever the classes ranked.
type Result[T comparable] struct {
	Hits   []Hit[T]
	Counts [Classes]int
}

// Hit is a document found, with its score.
type Hit[T comparable] struct {
	Doc   T
	Score float32
}

// BM25 constants: b is low because the texts are short and their lengths
// say little.
const (
	bm25K1       = 1.2
	bm25B        = 0.4
	prefixFactor = 0.7 // a word matched by its start counts less than a whole word
)

// scratch holds what one search needs, reused across searches: the arrays
// indexed by document would cost more to allocate and clear per search
// than the search, and the rest would be garbage after every one.
type scratch struct {
	score   []float32
	last    []float32 // the score the current term added to a document
	matched []uint8   // how many terms a document matched so far
	touched []uint32
	exps    []expansion
	top     []scored
}

func (sc *scratch) grow(n int) {
	if len(sc.score) < n {
		sc.score = make([]float32, n+n/4)
		sc.last = make([]float32, n+n/4)
		sc.matched = make([]uint8, n+n/4)
	}
}

// expansions returns n empty expansions, their arrays kept from earlier
// searches.
func (sc *scratch) expansions(n int) []expansion {
	if cap(sc.exps) < n {
		sc.exps = append(sc.exps[:cap(sc.exps)], make([]expansion, n-cap(sc.exps))...)
	}
	sc.exps = sc.exps[:n]
	for i := range sc.exps {
		e := &sc.exps[i]
		e.terms, e.exact, e.cost = e.terms[:0], e.exact[:0], 0
	}
	return sc.exps
}

func (sc *scratch) reset() {
	for _, d := range sc.touched {
		sc.score[d], sc.last[d], sc.matched[d] = 0, 0, 0
	}
	sc.touched = sc.touched[:0]
	// A pooled scratch must not keep terms a compaction dropped.
	for i := range sc.exps {
		clear(sc.exps[i].terms)
	}
	sc.top = sc.top[:0]
}

// expansion is the part of the index one query term matches.
type expansion struct {
	terms []*termInfo
	exact []bool
	cost  int
}

func (e *expansion) add(ti *termInfo, exact bool) {
	if ti == nil {
		return
	}
	e.terms = append(e.terms, ti)
	e.exact = append(e.exact, exact)
	e.cost += len(ti.post)
}

// Search returns the best q.Limit documents that hold every term, best
// first, and the count of matches per class; equal scores come in the
// order of their keys, so that results are stable and a caller orders ties
// by its choice of keys.
func (ix *Index[T]) Search(q Query[T]) Result[T] {
	var res Result[T]
	if len(q.Terms) > MaxTerms {
		panic(fmt.Sprintf("textindex: %d terms, at most %d", len(q.Terms), MaxTerms))
	}
	if len(q.Terms) == 0 || q.Limit <= 0 {
		return res
	}
	level := min(max(q.Level, 0), Levels-1)
	var n, lenSum float64
	for l := 0; l <= level; l++ {
		n += float64(ix.live[l])
		lenSum += ix.lenSum[l]
	}
	if n == 0 {
		return res
	}
	avgLen := max(lenSum/n, 1)

	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	sc.grow(len(ix.docs))
	defer sc.reset()

	exps := sc.expansions(len(q.Terms))
	for i, t := range q.Terms {
		e := &exps[i]
		if !t.Prefix {
			e.add(ix.terms[t.Word], true)
		} else {
			for _, w := range ix.withPrefix(t.Word) {
				e.add(ix.terms[w], w == t.Word)
			}
		}
		if len(e.terms) == 0 {
			return res // every word must match: one that matches nothing ends the search
		}
	}
	// The rarest term first: it bounds the candidates the others look at.
	slices.SortFunc(exps, func(a, b expansion) int { return cmp.Compare(a.cost, b.cost) })

	reach := uint8(min(max(q.Reach, 0), Levels-1))
	beyond, visible := q.Beyond, q.Visible

	// BM25's length normalisation, k1·(1−b+b·len/avg), as c1 + c2·len.
	c1, c2 := float32(bm25K1*(1-bm25B)), float32(bm25K1*bm25B/avgLen)
	docs, meta := ix.docs, ix.meta
	for i, e := range exps {
		mi := uint8(i)
		for j, ti := range e.terms {
			var df float64
			for l := 0; l <= level; l++ {
				df += float64(ti.df[l])
			}
			if df <= 0 {
				continue // only above the level asked for
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
				md := &meta[d]
				if m == 0 { // i == 0: a new candidate
					if md.dead ||
						md.level > reach && (beyond == nil || !beyond(&docs[d].val)) ||
						visible != nil && !visible(&docs[d].val) {
						continue
					}
					sc.touched = append(sc.touched, d)
				}
				s := wt * p.w / (p.w + c1 + c2*md.length)
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

	rank := q.Rank
	if rank == 0 {
		rank = ^ClassSet(0)
	}
	top := topK{items: sc.top, keys: ix.keys, limit: q.Limit}
	all := uint8(len(exps))
	for _, d := range sc.touched {
		if sc.matched[d] != all {
			continue
		}
		c := meta[d].class
		res.Counts[c]++
		if rank.Has(c) {
			top.offer(scored{doc: d, score: sc.score[d]})
		}
	}
	sc.top = top.items // kept for the next search, however it grew
	slices.SortFunc(top.items, top.compare)
	res.Hits = make([]Hit[T], len(top.items))
	for i, s := range top.items {
		res.Hits[i] = Hit[T]{Doc: docs[s.doc].val, Score: s.score}
	}
	return res
}

type scored struct {
	doc   uint32
	score float32
}

// topK keeps the best hits seen so far in a heap whose root is the worst
// of them, so that a better hit replaces it in log(limit) steps. It is not
// generic, so that its comparisons are inlined.
type topK struct {
	items []scored
	keys  []string // by document
	limit int
}

// better orders hits: higher score first, then by key.
func (h *topK) better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return h.keys[a.doc] < h.keys[b.doc]
}

func (h *topK) compare(a, b scored) int {
	if h.better(a, b) {
		return -1
	}
	if h.better(b, a) {
		return 1
	}
	return 0
}

func (h *topK) offer(s scored) {
	if len(h.items) < h.limit {
		h.items = append(h.items, s)
		h.up(len(h.items) - 1)
		return
	}
	if h.better(s, h.items[0]) {
		h.items[0] = s
		h.down(0)
	}
}

// up and down restore the heap order (worse above better) after the item
// at i was added or replaced.
func (h *topK) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.better(h.items[parent], h.items[i]) {
			return
		}
		h.items[parent], h.items[i] = h.items[i], h.items[parent]
		i = parent
	}
}

func (h *topK) down(i int) {
	for {
		worst := i
		if l := 2*i + 1; l < len(h.items) && h.better(h.items[worst], h.items[l]) {
			worst = l
		}
		if r := 2*i + 2; r < len(h.items) && h.better(h.items[worst], h.items[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h.items[i], h.items[worst] = h.items[worst], h.items[i]
		i = worst
	}
}
