// Package textindex is an inverted index of short texts held in memory,
// ranked by BM25, with prefix matching and matching blind to case and
// diacritics. It owns how text becomes words and how words are scored; what
// a document is, who may find it and how a hit is shown belong to its caller.
//
// A library (bleve) was weighed: it would bring its own storage, goroutines
// and a large dependency tree; the data is small (tens of thousands of
// documents up to a million short notes) and the queries simple (words and
// prefixes, ANDed), which a few hundred lines serve in well under a
// millisecond. The package imports only the standard library.
//
// An Index is not safe for concurrent change: Put, Remove, BeginBulk and
// EndBulk need the caller's exclusive lock, while any number of Searches may
// run at once under a shared one.
package textindex

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Levels is how many levels a document may sit at (0 to Levels-1). A search
// takes its ranking statistics over the levels up to the one it names, so
// that documents a reader may not find do not move that reader's ranking.
const Levels = 4

// Field weights: a word of a title says more about a document than a word of
// its body.
const (
	weightTitle = 3
	weightBody  = 1
)

// Text is what a document is found by. The index keeps it, to take the
// document out again: the caller must not change Body afterwards.
type Text struct {
	Title string
	Body  []string
}

type posting struct {
	doc uint32
	w   float32 // weighted count of the term in the document
}

type termInfo struct {
	term string
	post []posting // in doc order: docs are numbered as they are added
	// df counts the live documents holding the term, per level, so that a
	// ranking is computed over the levels the reader may read: a word
	// frequent only above them must not move their results.
	df [Levels]int32
}

// Class is the caller's grouping of documents (their kind, say) that a
// search filters and counts by itself: a byte per document read in the hot
// loop costs less than a call back into the caller for every match.
type Class uint8

// Classes is how many classes there may be (0 to Classes-1).
const Classes = 8

// ClassSet is a set of classes, class c as bit c.
type ClassSet uint8

// Has reports whether c is in s.
func (s ClassSet) Has(c Class) bool { return s&(1<<c) != 0 }

// With returns s with c added.
func (s ClassSet) With(c Class) ClassSet { return s | 1<<c }

type doc[T comparable] struct {
	val T
	// text is what was indexed, read again to take the document out. A list
	// of the document's terms would be quicker to walk, but a million notes
	// would then hold a million slices of pointers for the garbage
	// collector to follow; the text's strings are the caller's already.
	text Text
}

// docMeta is what a search reads of every candidate, kept apart from the
// documents in a dense array: candidates are visited in no cache-friendly
// order, and eight bytes a document keep far more of them in cache than
// the caller's value and text would.
type docMeta struct {
	length float32 // weighted word count
	level  uint8
	class  Class
	dead   bool
}

// Index holds documents of caller value T under unique keys. Re-putting a
// key with an equal value (the same pointer, say) costs nothing, so a caller
// may index what it is unsure it has indexed.
type Index[T comparable] struct {
	weights map[*termInfo]float32 // Put's and Remove's scratch, reused
	docs    []doc[T]
	meta    []docMeta // by document, as docs
	keys    []string  // by document, as docs: apart, so that ranking compares them without generic code
	byKey   map[string]uint32
	terms   map[string]*termInfo
	// vocab is every term, sorted, for prefix lookups. During a bulk load
	// new terms are appended and sorted once at the end.
	vocab    []string
	unsorted bool
	live     [Levels]int32   // live documents per level
	lenSum   [Levels]float64 // total weighted length of live documents per level
	dead     int
	scratch  sync.Pool // of *scratch, for Search
}

// New returns an empty index.
func New[T comparable]() *Index[T] {
	return &Index[T]{
		byKey:   map[string]uint32{},
		terms:   map[string]*termInfo{},
		weights: map[*termInfo]float32{},
		scratch: sync.Pool{New: func() any { return new(scratch) }},
	}
}

// Put indexes text under key at level and in class, with val handed back to
// the caller's filters and in hits, replacing what was indexed under key
// before.
func (ix *Index[T]) Put(key string, level int, class Class, text Text, val T) {
	if level < 0 || level >= Levels {
		panic(fmt.Sprintf("textindex: level %d out of [0, %d)", level, Levels))
	}
	if class >= Classes {
		panic(fmt.Sprintf("textindex: class %d out of [0, %d)", class, Classes))
	}
	if d, ok := ix.byKey[key]; ok {
		if ix.docs[d].val == val {
			return
		}
		ix.Remove(key)
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
	scanWords(text.Title, add(weightTitle))
	for _, b := range text.Body {
		scanWords(b, add(weightBody))
	}
	n := uint32(len(ix.docs))
	for ti, w := range weights {
		ti.post = append(ti.post, posting{doc: n, w: w})
		ti.df[level]++
	}
	ix.docs = append(ix.docs, doc[T]{val: val, text: text})
	ix.keys = append(ix.keys, key)
	ix.meta = append(ix.meta, docMeta{length: length, level: uint8(level), class: class})
	ix.byKey[key] = n
	ix.live[level]++
	ix.lenSum[level] += float64(length)
}

// term returns the entry of the folded word w, made when new. Looking a
// []byte up as a string does not allocate; only a new term's string does.
func (ix *Index[T]) term(w []byte) *termInfo {
	if ti := ix.terms[string(w)]; ti != nil {
		return ti
	}
	ti := &termInfo{term: string(w)}
	ix.terms[ti.term] = ti
	ix.addToVocab(ti.term)
	return ti
}

// Remove takes the document under key out, if there is one. Its postings
// stay until the next compaction and are skipped meanwhile; counts change
// at once.
func (ix *Index[T]) Remove(key string) {
	d, ok := ix.byKey[key]
	if !ok {
		return
	}
	doc, meta := &ix.docs[d], &ix.meta[d]
	seen := ix.weights
	clear(seen)
	drop := func(w []byte) {
		if ti := ix.terms[string(w)]; ti != nil {
			if _, ok := seen[ti]; !ok {
				seen[ti] = 0
				ti.df[meta.level]--
			}
		}
	}
	scanWords(doc.text.Title, drop)
	for _, b := range doc.text.Body {
		scanWords(b, drop)
	}
	clear(seen)
	var zero T
	doc.val, doc.text = zero, Text{}
	meta.dead = true
	ix.live[meta.level]--
	ix.lenSum[meta.level] -= float64(meta.length)
	delete(ix.byKey, key)
	ix.dead++
	if ix.dead > 1024 && ix.dead*4 > len(ix.docs) {
		ix.compact()
	}
}

// compact drops dead documents and renumbers the rest: edited documents
// leave dead ones behind.
func (ix *Index[T]) compact() {
	renum := make([]uint32, len(ix.docs))
	docs := make([]doc[T], 0, len(ix.docs)-ix.dead)
	meta := make([]docMeta, 0, len(ix.docs)-ix.dead)
	keys := make([]string, 0, len(ix.docs)-ix.dead)
	for i := range ix.docs {
		if ix.meta[i].dead {
			continue
		}
		renum[i] = uint32(len(docs))
		docs = append(docs, ix.docs[i])
		meta = append(meta, ix.meta[i])
		keys = append(keys, ix.keys[i])
	}
	for w, ti := range ix.terms {
		post := ti.post[:0]
		for _, p := range ti.post {
			if !ix.meta[p.doc].dead {
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
	ix.docs, ix.meta, ix.keys = docs, meta, keys
	for i, key := range keys {
		ix.byKey[key] = uint32(i)
	}
	ix.dead = 0
}

func (ix *Index[T]) addToVocab(w string) {
	if ix.unsorted {
		ix.vocab = append(ix.vocab, w)
		return
	}
	i, _ := slices.BinarySearch(ix.vocab, w)
	ix.vocab = slices.Insert(ix.vocab, i, w)
}

// BeginBulk and EndBulk bracket a load of many documents: sorting the
// vocabulary once beats keeping it sorted word by word. No Search may run
// between them.
func (ix *Index[T]) BeginBulk() { ix.unsorted = true }

func (ix *Index[T]) EndBulk() {
	slices.Sort(ix.vocab)
	ix.unsorted = false
}

// withPrefix returns the terms that start with p, p itself included.
func (ix *Index[T]) withPrefix(p string) []string {
	i, _ := slices.BinarySearch(ix.vocab, p)
	j := i
	for j < len(ix.vocab) && strings.HasPrefix(ix.vocab[j], p) {
		j++
	}
	return ix.vocab[i:j]
}
