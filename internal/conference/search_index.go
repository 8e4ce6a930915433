package conference

import (
	"slices"

	"github.com/quintet-ag/quintet/internal/textindex"
)

// The search index (internal/textindex) is kept in memory next to the
// working set and changed by the same apply that changes the state, so that
// search sees exactly what the other reads see. Every change happens under
// the Service's write lock (in apply); queries run under its read lock.
// What the index does not know stays here: what each kind contributes to it,
// who may find what (search.go), and how a hit is shown.

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

// Fold returns s folded as search compares words: lower case, without
// diacritics.
func Fold(s string) string { return textindex.Fold(s) }

// searchDoc is what the index holds of a document for the domain: enough to
// filter candidates by meeting without a look-up, and to find the document
// again for a hit. Its level (the Marking.Level of what is indexed, 0 for
// unmarked kinds) and its kind's rank are the index's level and class.
type searchDoc struct {
	kind    SearchKind
	id      string
	meeting string
	src     any // the indexed value; re-indexing the same pointer is a no-op
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

type searchIndex struct {
	ix *textindex.Index[searchDoc]
}

func newSearchIndex() *searchIndex { return &searchIndex{ix: textindex.New[searchDoc]()} }

// docKey starts with the kind's rank so that the index, which orders equal
// scores by key, puts ties in SearchKinds order and then by id.
func docKey(rank textindex.Class, id string) string { return string(rune('a'+rank)) + id }

// kindRank is the kind's place in SearchKinds: its class in the index, which
// counts matches by class.
func kindRank(kind SearchKind) textindex.Class {
	return textindex.Class(slices.Index(SearchKinds, kind))
}

// put indexes t, replacing what was indexed under the same kind and id.
func (s *searchIndex) put(t indexText, src any) {
	rank, level := kindRank(t.kind), max(t.level, 0)
	d := searchDoc{kind: t.kind, id: t.id, meeting: t.meeting, src: src}
	s.ix.Put(docKey(rank, t.id), level, rank, textindex.Text{Title: t.title, Body: t.body}, d)
}

func (s *searchIndex) remove(kind SearchKind, id string) { s.ix.Remove(docKey(kindRank(kind), id)) }

// beginBulk and endBulk bracket a load of many documents.
func (s *searchIndex) beginBulk() { s.ix.BeginBulk() }
func (s *searchIndex) endBulk()   { s.ix.EndBulk() }
