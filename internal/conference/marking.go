package conference

// Marking says who may read a note or an outcome. Markings are ordered:
// all < delegations < heads.
type Marking string

const (
	MarkingAll         Marking = "all"
	MarkingDelegations Marking = "delegations"
	MarkingHeads       Marking = "heads"
)

// Markings lists every marking from the least to the most restricted.
var Markings = []Marking{MarkingAll, MarkingDelegations, MarkingHeads}

// Level is the marking's rank: 0 for all, 1 for delegations, 2 for heads,
// -1 for anything else. A switch, not a search of Markings: every read path
// asks it for every item it filters.
func (m Marking) Level() int {
	switch m {
	case MarkingAll:
		return 0
	case MarkingDelegations:
		return 1
	case MarkingHeads:
		return 2
	}
	return -1
}

func (m Marking) Valid() bool { return m.Level() >= 0 }

// mostRestricted returns the higher of two markings; an empty one counts
// for nothing.
func mostRestricted(a, b Marking) Marking {
	if a.Level() >= b.Level() {
		return a
	}
	return b
}
