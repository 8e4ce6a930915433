package conference

import (
	"context"
	"slices"
)

// ---- Coverage: topic × delegation, split by audience ----

// CoverageFilter narrows the entries the matrix counts. Archived entries are
// never counted: they no longer cover anything.
type CoverageFilter struct {
	Statuses []EntryStatus
	Formats  []Format
	Year     int
	Meeting  string // rows: only the topics on this meeting's agenda
}

// Coverage is the matrix: one row per topic, one column per delegation, and
// in each cell the number of entries, split by audience. A cell counts an
// entry when the entry concerns the topic (lists it, or is linked from it)
// and the delegation leads it or takes part.
type Coverage struct {
	Topics         []CoverageTopic `json:"topics"`
	Delegations    []string        `json:"delegations"`
	Audiences      []Audience      `json:"audiences"`
	FocusAudiences []Audience      `json:"focus_audiences"`
	Cells          []CoverageCell  `json:"cells"`      // row by row: Topics × Delegations
	Gaps           int             `json:"gaps"`       // cells with no entry at all
	FocusGaps      int             `json:"focus_gaps"` // cells with no entry for one of the focus audiences
	Entries        int             `json:"entries"`    // entries counted
	NoTopic        int             `json:"no_topic"`   // entries counted that concern no topic, so appear in no row
}

// CoverageTopic names a row.
type CoverageTopic struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// CoverageCell is one topic × delegation. Entries counts each entry once;
// ByAudience counts it once per audience it has, so its numbers may add up
// to more than Entries.
type CoverageCell struct {
	Topic        string           `json:"topic"`
	Delegation   string           `json:"delegation"`
	Entries      int              `json:"entries"`
	ByAudience   map[Audience]int `json:"by_audience"`
	Gap          bool             `json:"gap"`                     // no entry at all
	MissingFocus []Audience       `json:"missing_focus,omitempty"` // focus audiences no entry reaches
}

// Coverage counts register entries. Entries carry no marking and the matrix
// reads nothing else (notes, outcomes and their links play no part), so
// every reader sees the same counts.
func (s *Service) Coverage(ctx context.Context, actor *User, f CoverageFilter) (*Coverage, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	nowYear := s.Now().Year()
	var cov *Coverage
	var err error
	s.read(func(st *state) {
		var c *compiledFilter
		c, err = st.compileFilter(RegisterFilter{Statuses: f.Statuses, Formats: f.Formats, Year: f.Year})
		if err != nil {
			return
		}
		if f.Meeting != "" && st.meetings[f.Meeting] == nil {
			err = Invalid("meeting", "unknown meeting %q", f.Meeting)
			return
		}
		cov = st.coverage(c, f.Meeting, nowYear)
	})
	if err != nil {
		return nil, err
	}
	return cov, nil
}

func (st *state) coverage(c *compiledFilter, meeting string, nowYear int) *Coverage {
	cov := &Coverage{Audiences: Audiences, FocusAudiences: FocusAudiences, Cells: []CoverageCell{}}
	var topics []*Topic
	if meeting != "" {
		// Agenda order, then the sessions' own topics.
		m := st.meetings[meeting]
		seen := map[string]bool{}
		add := func(id string) {
			if t := st.topics[id]; t != nil && !seen[id] {
				seen[id] = true
				topics = append(topics, t)
			}
		}
		for _, id := range m.Topics {
			add(id)
		}
		for _, se := range st.sessionsByMeeting[meeting] {
			for _, id := range se.Topics {
				add(id)
			}
		}
	} else {
		topics = sortedValues(st.topics, func(t *Topic) string { return t.Title })
	}
	row := map[string]int{}
	for i, t := range topics {
		row[t.ID] = i
		cov.Topics = append(cov.Topics, CoverageTopic{ID: t.ID, Slug: t.Slug, Title: t.Title})
	}
	delegations := sortedValues(st.delegations, func(d *Delegation) string { return d.Code })
	col := map[string]int{}
	for i, d := range delegations {
		col[d.Code] = i
		cov.Delegations = append(cov.Delegations, d.Code)
	}
	cov.Topics = nonNil(cov.Topics)
	cov.Delegations = nonNil(cov.Delegations)
	for _, t := range topics {
		for _, d := range delegations {
			by := make(map[Audience]int, len(Audiences))
			for _, a := range Audiences {
				by[a] = 0
			}
			cov.Cells = append(cov.Cells, CoverageCell{Topic: t.ID, Delegation: d.Code, ByAudience: by})
		}
	}
	for _, e := range st.registerList {
		if !c.match(e, nowYear) {
			continue
		}
		cov.Entries++
		ts := st.entryTopics(e)
		if len(ts) == 0 {
			cov.NoTopic++
		}
		for _, t := range ts {
			r, ok := row[t]
			if !ok {
				continue
			}
			for _, d := range e.Delegations() {
				k, ok := col[d]
				if !ok {
					continue
				}
				cell := &cov.Cells[r*len(delegations)+k]
				cell.Entries++
				for _, a := range e.Audiences {
					cell.ByAudience[a]++
				}
			}
		}
	}
	for i := range cov.Cells {
		cell := &cov.Cells[i]
		cell.Gap = cell.Entries == 0
		if cell.Gap {
			cov.Gaps++
		}
		for _, a := range FocusAudiences {
			if cell.ByAudience[a] == 0 {
				cell.MissingFocus = append(cell.MissingFocus, a)
			}
		}
		if len(cell.MissingFocus) > 0 {
			cov.FocusGaps++
		}
	}
	return cov
}

// entryTopics returns the topics an entry concerns: those it lists and those
// linked to it, once each.
func (st *state) entryTopics(e *RegisterEntry) []string {
	out := e.Topics
	cloned := false
	for _, l := range st.linksByEntry[e.ID] {
		if l.FromKind != LinkTopic || slices.Contains(out, l.FromID) {
			continue
		}
		if !cloned {
			out, cloned = slices.Clone(out), true
		}
		out = append(out, l.FromID)
	}
	return out
}
