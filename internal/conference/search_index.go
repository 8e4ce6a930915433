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
	id      string
	meeting string
	level   uint8 // Marking.Level of what is indexed; 0 for unmarked kinds
	dead    bool
	length  float32     // weighted word count
	src     any         // the indexed value; re-indexing the same pointer is a no-op
	terms   []*termInfo // the terms the document holds, to take it out again
}

type searchIndex struct {
	docs  []searchDoc
	byKey map[string]uint32 // kind + "\x00" + id → doc
	terms map[string]*termInfo
	// vocab is every term, sorted, for prefix lookups. During a bulk load
	// new terms are appended and sorted once at the end.
	vocab    []string
	unsorted bool
	live     [3]int32   // live documents per marking level
	lenSum   [3]float64 // total weighted length of live documents per marking level
	dead     int
}

func newSearchIndex() *searchIndex {
	return &searchIndex{byKey: map[string]uint32{}, terms: map[string]*termInfo{}}
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
	weights := map[string]float32{}
	var length float32
	addWords(t.title, func(w string) { weights[w] += weightTitle; length += weightTitle })
	for _, b := range t.body {
		addWords(b, func(w string) { weights[w] += weightBody; length += weightBody })
	}
	doc := uint32(len(ix.docs))
	level := max(t.level, 0)
	terms := make([]*termInfo, 0, len(weights))
	for w, n := range weights {
		ti := ix.terms[w]
		if ti == nil {
			ti = &termInfo{term: w}
			ix.terms[w] = ti
			ix.addToVocab(w)
		}
		ti.post = append(ti.post, posting{doc: doc, w: n})
		ti.df[level]++
		terms = append(terms, ti)
	}
	ix.docs = append(ix.docs, searchDoc{
		kind: t.kind, id: t.id, meeting: t.meeting, level: uint8(level),
		length: length, src: src, terms: terms,
	})
	ix.byKey[key] = doc
	ix.live[level]++
	ix.lenSum[level] += float64(length)
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
	for _, ti := range doc.terms {
		ti.df[doc.level]--
	}
	doc.dead, doc.terms, doc.src = true, nil, nil
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

// addWords calls f with each folded word of s.
func addWords(s string, f func(string)) {
	var buf []byte
	flush := func() {
		if len(buf) > 0 {
			f(string(truncateWord(buf)))
			buf = buf[:0]
		}
	}
	for _, r := range s {
		if isWordRune(r) {
			buf = foldRune(buf, r)
			continue
		}
		flush()
	}
	flush()
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

// wordSpan is a word of a text: where it is, and its folded form.
type wordSpan struct {
	start, end int // byte offsets in the text
	folded     string
}

// words returns the words of s with their positions, for highlighting.
func words(s string) []wordSpan {
	var out []wordSpan
	var buf []byte
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			buf = foldRune(buf, r)
			continue
		}
		if start >= 0 {
			out = append(out, wordSpan{start, i, string(truncateWord(buf))})
			buf, start = buf[:0], -1
		}
	}
	if start >= 0 {
		out = append(out, wordSpan{start, len(s), string(truncateWord(buf))})
	}
	return out
}
