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
	Year     int    // entries running in this year; with From and To, the years all three allow
	From, To int    // entries running at some time in these years (inclusive); 0: open
	Meeting  string // rows: only the topics on this meeting's agenda; also the meeting the change is measured to
}

// years returns the period f reads, 0 for an open end.
func (f CoverageFilter) years() (from, to int) {
	from, to = f.From, f.To
	if f.Year != 0 {
		from, to = max(from, f.Year), f.Year
		if f.To != 0 {
			to = min(f.To, f.Year)
		}
	}
	return from, to
}

func (f CoverageFilter) validate() error {
	var v fieldChecks
	for _, y := range []struct {
		name, words string
		n           int
	}{{"year", "year", f.Year}, {"from", "first year", f.From}, {"to", "last year", f.To}} {
		if y.n != 0 && (y.n < 1900 || y.n > 2200) {
			v.check(Invalid(y.name, "The %s %d is out of range: choose one from 1900 to 2200.", y.words, y.n))
		}
	}
	if from, to := f.years(); from != 0 && to != 0 && from > to {
		v.check(Invalid("from", "The years asked for (from %d to %d, year %d) leave none; widen them.", f.From, f.To, f.Year))
	}
	return v.err()
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
	Cells          []CoverageCell  `json:"cells"` // row by row: Topics × Delegations
	Gaps           int             `json:"gaps"`  // cells with no entry at all
	// FocusGaps counts the cells that no entry for any focus audience
	// reaches: nothing for prosecutors, nothing for the judiciary (gaps
	// included). A cell with an entry for prosecutors alone is not one.
	FocusGaps int `json:"focus_gaps"`
	Entries   int `json:"entries"`  // entries counted
	NoTopic   int `json:"no_topic"` // entries counted that concern no topic, so appear in no row
	From      int `json:"from,omitempty"`
	To        int `json:"to,omitempty"`
	// Change is how the matrix moved since the meeting before the period's
	// meeting; absent when there is no earlier meeting to measure from.
	Change *CoverageChange `json:"change,omitempty"`
}

// CoverageChange compares the matrix with what it was when the previous
// meeting ended: the entries counted then are those that had started by its
// last day.
type CoverageChange struct {
	Since     CoverageMeeting `json:"since"`      // the previous meeting
	Meeting   CoverageMeeting `json:"meeting"`    // the meeting the period leads to
	Reached   int             `json:"reached"`    // cells with an entry now that had none then
	FocusNew  int             `json:"focus_new"`  // cells a focus audience now reaches that none reached then
	StillGaps int             `json:"still_gaps"` // cells empty then and still empty
}

// CoverageMeeting names a meeting in a CoverageChange.
type CoverageMeeting struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	EndDate string `json:"end_date"`
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
	// Unreached: no entry reaches any focus audience (every one is missing).
	// This, not MissingFocus, is what the matrix shades and FocusGaps counts.
	Unreached bool `json:"unreached"`
	// New: the cell has an entry now and had none when the previous meeting
	// ended; FocusNew: the same for the focus audiences.
	New      bool `json:"new,omitempty"`
	FocusNew bool `json:"focus_new,omitempty"`
}

// Coverage counts register entries. Entries carry no marking and the matrix
// reads nothing else (notes, outcomes and their links play no part), so
// every reader sees the same counts.
func (s *Service) Coverage(ctx context.Context, actor *User, f CoverageFilter) (*Coverage, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	nowYear := s.Now().Year()
	var cov *Coverage
	var err error
	s.read(func(st *state) {
		var c *compiledFilter
		c, err = st.compileFilter(RegisterFilter{Statuses: f.Statuses, Formats: f.Formats})
		if err != nil {
			return
		}
		if f.Meeting != "" && st.meetings[f.Meeting] == nil {
			err = Invalid("meeting", "There is no meeting %q.", f.Meeting)
			return
		}
		cov = st.coverage(c, f, nowYear)
	})
	if err != nil {
		return nil, err
	}
	return cov, nil
}

func (st *state) coverage(c *compiledFilter, f CoverageFilter, nowYear int) *Coverage {
	meeting := f.Meeting
	from, to := f.years()
	cov := &Coverage{Audiences: Audiences, FocusAudiences: FocusAudiences, Cells: []CoverageCell{}, From: from, To: to}
	cur, prev := st.coverageMeetings(meeting, to)
	// baseline[i] is cell i as it was when prev ended: its entries, and
	// whether a focus audience was reached.
	type then struct{ entries, focus int }
	var baseline []then
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
	if prev != nil {
		baseline = make([]then, len(cov.Cells))
	}
	for _, e := range st.registerList {
		if !c.match(e, nowYear) {
			continue
		}
		if from != 0 || to != 0 {
			first, last := entryYears(e, nowYear)
			if (to != 0 && first > to) || (from != 0 && last < from) {
				continue
			}
		}
		// An entry had begun by the previous meeting's end when it started
		// on or before its last day: it counted then.
		counted := prev != nil && e.StartDate <= prev.EndDate
		focus := slices.ContainsFunc(e.Audiences, func(a Audience) bool { return slices.Contains(FocusAudiences, a) })
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
				i := r*len(delegations) + k
				cell := &cov.Cells[i]
				cell.Entries++
				if counted {
					baseline[i].entries++
					if focus {
						baseline[i].focus++
					}
				}
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
		if len(cell.MissingFocus) == len(FocusAudiences) {
			cell.Unreached = true
			cov.FocusGaps++
		}
		if baseline != nil {
			b := baseline[i]
			cell.New = cell.Entries > 0 && b.entries == 0
			cell.FocusNew = !cell.Unreached && b.focus == 0
		}
	}
	if prev != nil {
		ch := &CoverageChange{Since: coverageMeeting(prev), Meeting: coverageMeeting(cur)}
		for i, cell := range cov.Cells {
			switch {
			case cell.New:
				ch.Reached++
			case cell.Gap && baseline[i].entries == 0:
				ch.StillGaps++
			}
			if cell.FocusNew {
				ch.FocusNew++
			}
		}
		cov.Change = ch
	}
	return cov
}

func coverageMeeting(m *Meeting) CoverageMeeting {
	return CoverageMeeting{ID: m.ID, Title: m.Title, EndDate: m.EndDate}
}

// coverageMeetings returns the meeting a matrix leads to — the one named,
// else the latest to start in or before year to (any year when 0) — and the
// meeting before it, from which the change is measured; nil when there is
// none.
func (st *state) coverageMeetings(named string, to int) (cur, prev *Meeting) {
	ms := sortedValues(st.meetings, func(m *Meeting) string { return m.StartDate })
	i := -1
	for j, m := range ms {
		if named != "" && m.ID == named || named == "" && (to == 0 || yearOf(m.StartDate) <= to) {
			i = j
		}
	}
	if i < 1 {
		return nil, nil
	}
	return ms[i], ms[i-1]
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
