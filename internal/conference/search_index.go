package conference

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// The search index is an inverted index kept in memory next to the working
// set and changed by the same apply that changes the state, so that search
// sees exactly what the other reads see. A library (bleve) was weighed: it
// would bring its own storage, goroutines and a large dependency tree into
// the domain package, which imports only the standard library; the data is
// small (tens of thousands of documents) and the queries simple (words and
// prefixes, ANDed), which a few hundred lines serve in well under a
// millisecond.
//
// Every mutation happens under the Service's write lock (in apply); queries
// run under its read lock.

// SearchKind is the kind of thing a search finds.
type SearchKind string

const (
	SearchNote     SearchKind = "note"
	SearchOutcome  SearchKind = "outcome"
	SearchAction   SearchKind = "action"
	SearchRegister SearchKind = "register"
	SearchTopic    SearchKind = "topic"
	SearchSession  SearchKind = "session"
)

// SearchKinds lists every kind, in the order results are grouped.
var SearchKinds = []SearchKind{SearchRegister, SearchTopic, SearchSession, SearchNote, SearchOutcome, SearchAction}

func (k SearchKind) Valid() bool { return slices.Contains(SearchKinds, k) }

// maxTermBytes bounds an indexed word: longer ones (URLs, hashes) are cut,
// and still match by prefix.
const maxTermBytes = 40

// Field weights: a word of a title says more about a document than a word of
// its body.
const (
	weightTitle = 3
	weightBody  = 1
)

type posting struct {
	doc uint32
	w   float32 // weighted count of the term in the document
}

type termInfo struct {
	term string
	post []posting // in doc order: docs are numbered as they are added
	// df counts the live documents holding the term, per marking level, so
	// that a reader's ranking is computed over what that reader may read: a
	// word frequent in notes above their clearance must not move their
	// results.
	df [3]int32
}

type searchDoc struct {
	kind    SearchKind
	rank    uint8 // the kind's place in SearchKinds, for ordering ties
	level   uint8 // Marking.Level of what is indexed; 0 for unmarked kinds
	dead    bool
	length  float32 // weighted word count
	id      string
	meeting string
	src     any // the indexed value; re-indexing the same pointer is a no-op
	// terms are the terms the document holds, to take it out again. Notes,
	// which are never changed, keep none: the garbage collector then has a
	// million fewer pointers to follow, and a note taken out (which does not
	// happen) is read again instead.
	terms []*termInfo
	text  indexText // for notes only: what was indexed, to take it out
}

type searchIndex struct {
	weights map[*termInfo]float32 // put's scratch, reused
	docs    []searchDoc
	byKey   map[string]uint32 // kind + "\x00" + id → doc
	terms   map[string]*termInfo
	// vocab is every term, sorted, for prefix lookups. During a bulk load
	// new terms are appended and sorted once at the end.
	vocab    []string
	unsorted bool
	live     [3]int32   // live documents per marking level
	lenSum   [3]float64 // total weighted length of live documents per marking level
	dead     int
}

func newSearchIndex() *searchIndex {
	return &searchIndex{byKey: map[string]uint32{}, terms: map[string]*termInfo{}, weights: map[*termInfo]float32{}}
}

// indexText is what a document contributes to the index.
type indexText struct {
	kind    SearchKind
	id      string
	meeting string
	level   int
	title   string
	body    []string
}

func docKey(kind SearchKind, id string) string { return string(kind) + "\x00" + id }

// put indexes t, replacing what was indexed under the same kind and id.
func (ix *searchIndex) put(t indexText, src any) {
	key := docKey(t.kind, t.id)
	if d, ok := ix.byKey[key]; ok {
		if ix.docs[d].src == src {
			return
		}
		ix.remove(t.kind, t.id)
	}
	weights := ix.weights
	clear(weights)
	var length float32
	add := func(weight float32) func([]byte) {
		return func(w []byte) {
			weights[ix.term(w)] += weight
			length += weight
		}
	}
	scanWords(t.title, add(weightTitle))
	for _, b := range t.body {
		scanWords(b, add(weightBody))
	}
	doc := uint32(len(ix.docs))
	level := max(t.level, 0)
	keep := t.kind != SearchNote
	var terms []*termInfo
	if keep {
		terms = make([]*termInfo, 0, len(weights))
	}
	for ti, n := range weights {
		ti.post = append(ti.post, posting{doc: doc, w: n})
		ti.df[level]++
		if keep {
			terms = append(terms, ti)
		}
	}
	d := searchDoc{
		kind: t.kind, rank: uint8(slices.Index(SearchKinds, t.kind)), id: t.id, meeting: t.meeting,
		level: uint8(level), length: length, src: src, terms: terms,
	}
	if !keep {
		d.text = t
	}
	ix.docs = append(ix.docs, d)
	ix.byKey[key] = doc
	ix.live[level]++
	ix.lenSum[level] += float64(length)
}

// term returns the entry of the folded word w, made when new. Looking a
// []byte up as a string does not allocate; only a new term's string does.
func (ix *searchIndex) term(w []byte) *termInfo {
	if ti := ix.terms[string(w)]; ti != nil {
		return ti
	}
	ti := &termInfo{term: string(w)}
	ix.terms[ti.term] = ti
	ix.addToVocab(ti.term)
	return ti
}

// remove takes a document out. Its postings stay until the next compaction
// and are skipped meanwhile; counts change at once.
func (ix *searchIndex) remove(kind SearchKind, id string) {
	key := docKey(kind, id)
	d, ok := ix.byKey[key]
	if !ok {
		return
	}
	doc := &ix.docs[d]
	terms := doc.terms
	if doc.kind == SearchNote {
		seen := map[*termInfo]bool{}
		collect := func(w []byte) {
			if ti := ix.terms[string(w)]; ti != nil && !seen[ti] {
				seen[ti] = true
				terms = append(terms, ti)
			}
		}
		scanWords(doc.text.title, collect)
		for _, b := range doc.text.body {
			scanWords(b, collect)
		}
	}
	for _, ti := range terms {
		ti.df[doc.level]--
	}
	doc.dead, doc.terms, doc.src, doc.text = true, nil, nil, indexText{}
	ix.live[doc.level]--
	ix.lenSum[doc.level] -= float64(doc.length)
	delete(ix.byKey, key)
	ix.dead++
	if ix.dead > 1024 && ix.dead*4 > len(ix.docs) {
		ix.compact()
	}
}

// compact drops dead documents and renumbers the rest: edits of register
// entries, topics and sessions leave dead documents behind.
func (ix *searchIndex) compact() {
	renum := make([]uint32, len(ix.docs))
	docs := make([]searchDoc, 0, len(ix.docs)-ix.dead)
	for i := range ix.docs {
		if ix.docs[i].dead {
			continue
		}
		renum[i] = uint32(len(docs))
		docs = append(docs, ix.docs[i])
	}
	for w, ti := range ix.terms {
		post := ti.post[:0]
		for _, p := range ti.post {
			if !ix.docs[p.doc].dead {
				post = append(post, posting{doc: renum[p.doc], w: p.w})
			}
		}
		if len(post) == 0 {
			delete(ix.terms, w)
			continue
		}
		ti.post = slices.Clip(post)
	}
	ix.vocab = ix.vocab[:0]
	for w := range ix.terms {
		ix.vocab = append(ix.vocab, w)
	}
	slices.Sort(ix.vocab)
	ix.unsorted = false
	ix.docs = docs
	for i := range docs {
		ix.byKey[docKey(docs[i].kind, docs[i].id)] = uint32(i)
	}
	ix.dead = 0
}

func (ix *searchIndex) addToVocab(w string) {
	if ix.unsorted {
		ix.vocab = append(ix.vocab, w)
		return
	}
	i, _ := slices.BinarySearch(ix.vocab, w)
	ix.vocab = slices.Insert(ix.vocab, i, w)
}

// beginBulk and endBulk bracket a load of many documents: sorting the
// vocabulary once beats keeping it sorted word by word.
func (ix *searchIndex) beginBulk() { ix.unsorted = true }

func (ix *searchIndex) endBulk() {
	slices.Sort(ix.vocab)
	ix.unsorted = false
}

// withPrefix returns the terms that start with p, p itself included.
func (ix *searchIndex) withPrefix(p string) []string {
	i, _ := slices.BinarySearch(ix.vocab, p)
	j := i
	for j < len(ix.vocab) && strings.HasPrefix(ix.vocab[j], p) {
		j++
	}
	return ix.vocab[i:j]
}

// scanWords calls f with each word of s, folded, and where it is. The
// folded word is only valid during the call: the buffer is reused.
func scanWordsAt(s string, f func(start, end int, folded []byte)) {
	var buf [2 * maxTermBytes]byte
	w := buf[:0]
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			if len(w) < maxTermBytes+utf8.UTFMax { // longer words are cut below
				w = foldRune(w, r)
			}
			continue
		}
		if start >= 0 {
			f(start, i, truncateWord(w))
			w, start = w[:0], -1
		}
	}
	if start >= 0 {
		f(start, len(s), truncateWord(w))
	}
}

// scanWords calls f with each folded word of s.
func scanWords(s string, f func(folded []byte)) {
	scanWordsAt(s, func(_, _ int, w []byte) { f(w) })
}

// truncateWord cuts a folded word to maxTermBytes on a rune boundary.
func truncateWord(w []byte) []byte {
	if len(w) <= maxTermBytes {
		return w
	}
	w = w[:maxTermBytes]
	for len(w) > 0 && !utf8.Valid(w) {
		w = w[:len(w)-1]
	}
	return w
}
