package conference

import (
	"context"
	"slices"
	"strings"
)

// RegisterFilter selects entries. Within one field any value matches; all
// fields must match. Empty fields select everything.
type RegisterFilter struct {
	Delegations []string      // lead or partner
	Audiences   []Audience    //
	Formats     []Format      //
	Statuses    []EntryStatus //
	Topics      []string      // ids or slugs; an entry's own topics and topics linked to it
	Year        int           // active at some time in that year; 0: any
	Archived    string        // "" or "false": active entries; "true": archived ones; "any": both
	Limit       int           // 0: MaxRegisterPage
	Offset      int
}

// MaxRegisterPage bounds one page of the register list.
const MaxRegisterPage = 1000

// RegisterPage is one page of the register.
type RegisterPage struct {
	Entries []*RegisterEntry
	Total   int // entries matching the filter, on every page
}

// compiled is a filter checked and turned into sets, so that matching an
// entry costs a few lookups.
type compiledFilter struct {
	delegations map[string]bool
	audiences   []Audience
	formats     []Format
	statuses    []EntryStatus
	topics      map[string]bool
	linkedTopic map[string]bool // entries linked from one of the topics
	year        int
	archived    string

	// The same, as bits of entryFacet; zero masks match anything.
	audienceMask, formatMask, statusMask uint8
	delegationMask                       uint64
	slowDelegations                      bool // a delegation without a bit: match entries field by field
}

func (st *state) compileFilter(f RegisterFilter) (*compiledFilter, error) {
	c := &compiledFilter{year: f.Year, archived: f.Archived}
	for _, a := range f.Audiences {
		if err := oneOf("audience", "audience", a, Audiences); err != nil {
			return nil, err
		}
	}
	c.audiences = f.Audiences
	for _, x := range f.Formats {
		if err := oneOf("format", "format", x, Formats); err != nil {
			return nil, err
		}
	}
	c.formats = f.Formats
	for _, x := range f.Statuses {
		if err := oneOf("status", "status", x, EntryStatuses); err != nil {
			return nil, err
		}
	}
	c.statuses = f.Statuses
	if len(f.Delegations) > 0 {
		c.delegations = map[string]bool{}
		for _, d := range f.Delegations {
			d = strings.ToUpper(strings.TrimSpace(d))
			if st.delegations[d] == nil {
				return nil, Invalid("delegation", "There is no delegation %q.", d)
			}
			c.delegations[d] = true
		}
	}
	if len(f.Topics) > 0 {
		c.topics, c.linkedTopic = map[string]bool{}, map[string]bool{}
		for _, key := range f.Topics {
			t := st.topicByIDOrSlug(key)
			if t == nil {
				return nil, Invalid("topic", "There is no topic %q.", key)
			}
			c.topics[t.ID] = true
			for _, l := range st.linksByFrom[linkFromKey(LinkTopic, t.ID)] {
				c.linkedTopic[l.EntryID] = true
			}
		}
	}
	for _, a := range c.audiences {
		c.audienceMask |= 1 << slices.Index(Audiences, a)
	}
	for _, x := range c.formats {
		c.formatMask |= 1 << slices.Index(Formats, x)
	}
	for _, x := range c.statuses {
		c.statusMask |= 1 << slices.Index(EntryStatuses, x)
	}
	for d := range c.delegations {
		if bit, ok := st.delegationBit[d]; ok {
			c.delegationMask |= 1 << bit
		} else {
			// No entry has involved this delegation so far, or it has no
			// bit: field by field is right either way.
			c.slowDelegations = true
		}
	}
	if f.Year != 0 && (f.Year < 1900 || f.Year > 2200) {
		return nil, Invalid("year", "The year %d is out of range: choose one from 1900 to 2200.", f.Year)
	}
	switch f.Archived {
	case "", "false", "true", "any":
	default:
		return nil, Invalid("archived", "The archived parameter must be true, false or any, not %q.", f.Archived)
	}
	if f.Limit < 0 || f.Limit > MaxRegisterPage {
		return nil, Invalid("limit", "The limit parameter must be between 1 and %d.", MaxRegisterPage)
	}
	if f.Offset < 0 {
		return nil, Invalid("offset", "The offset parameter must be 0 or more.")
	}
	return c, nil
}

// archivedMatch reports whether an entry archived or not passes the filter's
// archived parameter: "" and "false" pass only active entries, "true" only
// archived ones, anything else (such as "any") both.
func (c *compiledFilter) archivedMatch(archived bool) bool {
	switch c.archived {
	case "", "false":
		return !archived
	case "true":
		return archived
	}
	return true
}

// matchFacet is match on an entry's facet: the same answer, faster. The
// topic filter and delegations without a bit are checked on the entry.
func (c *compiledFilter) matchFacet(f *entryFacet, e *RegisterEntry, nowYear int) bool {
	if !c.archivedMatch(f.archived) {
		return false
	}
	if c.statusMask != 0 && f.status&c.statusMask == 0 ||
		c.formatMask != 0 && f.format&c.formatMask == 0 ||
		c.audienceMask != 0 && f.audiences&c.audienceMask == 0 {
		return false
	}
	if c.delegations != nil {
		if c.slowDelegations || f.overflow {
			if !c.delegations[e.LeadDelegation] && !slices.ContainsFunc(e.PartnerDelegations, func(d string) bool { return c.delegations[d] }) {
				return false
			}
		} else if f.delegations&c.delegationMask == 0 {
			return false
		}
	}
	if c.topics != nil && !c.linkedTopic[e.ID] && !slices.ContainsFunc(e.Topics, func(t string) bool { return c.topics[t] }) {
		return false
	}
	if c.year != 0 {
		last := int(f.last)
		if f.openEnded && nowYear > last {
			last = nowYear
		}
		if c.year < int(f.first) || c.year > last {
			return false
		}
	}
	return true
}

func (c *compiledFilter) match(e *RegisterEntry, nowYear int) bool {
	if !c.archivedMatch(e.Archived) {
		return false
	}
	if len(c.statuses) > 0 && !slices.Contains(c.statuses, e.Status) {
		return false
	}
	if len(c.formats) > 0 && !slices.Contains(c.formats, e.Format) {
		return false
	}
	if len(c.audiences) > 0 && !slices.ContainsFunc(e.Audiences, func(a Audience) bool { return slices.Contains(c.audiences, a) }) {
		return false
	}
	if c.delegations != nil && !c.delegations[e.LeadDelegation] &&
		!slices.ContainsFunc(e.PartnerDelegations, func(d string) bool { return c.delegations[d] }) {
		return false
	}
	if c.topics != nil && !c.linkedTopic[e.ID] && !slices.ContainsFunc(e.Topics, func(t string) bool { return c.topics[t] }) {
		return false
	}
	if c.year != 0 {
		first, last := entryYears(e, nowYear)
		if c.year < first || c.year > last {
			return false
		}
	}
	return true
}

// entryYears is RegisterEntry.Years without parsing dates, which are valid
// once stored: the register list runs it on every entry.
func entryYears(e *RegisterEntry, nowYear int) (int, int) {
	first := yearOf(e.StartDate)
	last := first
	if e.EndDate != "" {
		last = yearOf(e.EndDate)
	} else if e.Status == EntryOngoing && nowYear > last {
		last = nowYear
	}
	return first, last
}

func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y := 0
	for _, c := range date[:4] {
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	return y
}

// Register returns the entries that match f, in list order (most recent
// start first). Every signed-in user may read the register: entries carry
// no marking.
func (s *Service) Register(ctx context.Context, actor *User, f RegisterFilter) (*RegisterPage, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = MaxRegisterPage
	}
	nowYear := s.Now().Year()
	var page RegisterPage
	var err error
	s.read(func(st *state) {
		var c *compiledFilter
		if c, err = st.compileFilter(f); err != nil {
			return
		}
		page.Entries = []*RegisterEntry{}
		facets := st.registerFacets
		for i, e := range st.registerList {
			if !c.matchFacet(&facets[i], e, nowYear) {
				continue
			}
			if page.Total >= f.Offset && len(page.Entries) < limit {
				page.Entries = append(page.Entries, e)
			}
			page.Total++
		}
	})
	if err != nil {
		return nil, err
	}
	return &page, nil
}
