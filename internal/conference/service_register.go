package conference

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ---- The register of capacity-building activity ----

// RegisterEntryInput is what it takes to add an entry.
type RegisterEntryInput struct {
	Title              string      `json:"title"`
	Summary            string      `json:"summary"`
	LeadDelegation     string      `json:"lead_delegation"` // defaults to the writer's delegation
	LeadAgency         string      `json:"lead_agency"`
	PartnerDelegations []string    `json:"partner_delegations"`
	Audiences          []Audience  `json:"audiences"`
	Format             Format      `json:"format"`
	Status             EntryStatus `json:"status"`
	StartDate          string      `json:"start_date"`
	EndDate            string      `json:"end_date"`
	Topics             []string    `json:"topics"` // topic ids or slugs
	References         []Reference `json:"references"`
	Example            bool        `json:"example"` // the secretariat only: demonstration data
}

// RegisterEntryUpdate changes some fields of an entry; nil fields stay.
// Version must be the entry's current version: an edit made on an older one
// is refused, so that nobody overwrites a colleague's change unknowingly.
type RegisterEntryUpdate struct {
	Title              *string      `json:"title"`
	Summary            *string      `json:"summary"`
	LeadDelegation     *string      `json:"lead_delegation"`
	LeadAgency         *string      `json:"lead_agency"`
	PartnerDelegations *[]string    `json:"partner_delegations"`
	Audiences          *[]Audience  `json:"audiences"`
	Format             *Format      `json:"format"`
	Status             *EntryStatus `json:"status"`
	StartDate          *string      `json:"start_date"`
	EndDate            *string      `json:"end_date"`
	Topics             *[]string    `json:"topics"`
	References         *[]Reference `json:"references"`
	Archived           *bool        `json:"archived"`
	Version            *int64       `json:"version"`
}

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
		if !a.Valid() {
			return nil, Invalid("audience", "unknown audience %q (one of prosecutors, judiciary, investigators, policy, other)", a)
		}
	}
	c.audiences = f.Audiences
	for _, x := range f.Formats {
		if !x.Valid() {
			return nil, Invalid("format", "unknown format %q (one of training, exchange, guidance, conference, tool, other)", x)
		}
	}
	c.formats = f.Formats
	for _, x := range f.Statuses {
		if !x.Valid() {
			return nil, Invalid("status", "unknown status %q (one of planned, ongoing, completed)", x)
		}
	}
	c.statuses = f.Statuses
	if len(f.Delegations) > 0 {
		c.delegations = map[string]bool{}
		for _, d := range f.Delegations {
			d = strings.ToUpper(strings.TrimSpace(d))
			if st.delegations[d] == nil {
				return nil, Invalid("delegation", "unknown delegation %q", d)
			}
			c.delegations[d] = true
		}
	}
	if len(f.Topics) > 0 {
		c.topics, c.linkedTopic = map[string]bool{}, map[string]bool{}
		for _, key := range f.Topics {
			t := st.topicByIDOrSlug(key)
			if t == nil {
				return nil, Invalid("topic", "unknown topic %q", key)
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
		return nil, Invalid("year", "year %d is out of range", f.Year)
	}
	switch f.Archived {
	case "", "false", "true", "any":
	default:
		return nil, Invalid("archived", "archived must be true, false or any, not %q", f.Archived)
	}
	if f.Limit < 0 || f.Limit > MaxRegisterPage {
		return nil, Invalid("limit", "limit must be between 1 and %d", MaxRegisterPage)
	}
	if f.Offset < 0 {
		return nil, Invalid("offset", "offset must be 0 or more")
	}
	return c, nil
}

// matchFacet is match on an entry's facet: the same answer, faster. The
// topic filter and delegations without a bit are checked on the entry.
func (c *compiledFilter) matchFacet(f *entryFacet, e *RegisterEntry, nowYear int) bool {
	switch c.archived {
	case "", "false":
		if f.archived {
			return false
		}
	case "true":
		if !f.archived {
			return false
		}
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
	switch c.archived {
	case "", "false":
		if e.Archived {
			return false
		}
	case "true":
		if !e.Archived {
			return false
		}
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

// RegisterEntry returns one entry, archived or not.
func (s *Service) RegisterEntry(ctx context.Context, actor *User, id string) (*RegisterEntry, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var e *RegisterEntry
	s.read(func(st *state) { e = st.register[id] })
	if e == nil {
		return nil, Errorf(ENOTFOUND, "No register entry %q.", id)
	}
	return e, nil
}

// RegisterHistory returns an entry's changes, the most recent first.
func (s *Service) RegisterHistory(ctx context.Context, actor *User, id string) ([]Revision, error) {
	e, err := s.RegisterEntry(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(e.History)
	slices.Reverse(out)
	if out == nil {
		out = []Revision{}
	}
	return out, nil
}

// CreateRegisterEntry adds an entry. The secretariat may add one for any
// delegation; a follow-up team, for its own.
func (s *Service) CreateRegisterEntry(ctx context.Context, actor *User, in RegisterEntryInput) (*RegisterEntry, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if in.LeadDelegation == "" && !actor.IsAdmin() {
		in.LeadDelegation = actor.Delegation
	}
	e := s.newEntry(actor, in, "created")
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := mayCreateEntry(actor, e); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var err error
	s.read(func(st *state) { err = st.checkEntryRefs(e) })
	if err != nil {
		return nil, err
	}
	if err := s.insert(ctx, Register, e.ID, e); err != nil {
		return nil, err
	}
	return e, nil
}

// newEntry makes an entry of in, as version 1 written by actor now. Topic
// slugs are kept as given until checkEntryRefs turns them into ids.
func (s *Service) newEntry(actor *User, in RegisterEntryInput, action string) *RegisterEntry {
	now := s.Now()
	e := &RegisterEntry{
		ID:                 s.NewID(),
		Title:              strings.TrimSpace(in.Title),
		Summary:            strings.TrimSpace(in.Summary),
		LeadDelegation:     strings.ToUpper(strings.TrimSpace(in.LeadDelegation)),
		LeadAgency:         strings.TrimSpace(in.LeadAgency),
		PartnerDelegations: upperAll(in.PartnerDelegations),
		Audiences:          nonNil(in.Audiences),
		Format:             in.Format,
		Status:             in.Status,
		StartDate:          strings.TrimSpace(in.StartDate),
		EndDate:            strings.TrimSpace(in.EndDate),
		Topics:             trimAll(in.Topics),
		References:         trimReferences(in.References),
		Example:            in.Example,
		Version:            1,
		CreatedBy:          actor.ID,
		CreatedAt:          now,
		UpdatedBy:          actor.ID,
		UpdatedAt:          now,
	}
	e.History = []Revision{{Version: 1, Action: action, By: actor.ID, ByName: actor.Name, At: now, Changes: []FieldChange{}}}
	return e
}

func mayCreateEntry(actor *User, e *RegisterEntry) error {
	if !actor.MayEditEntry(e) {
		if actor.Has(RoleFollowup) {
			return &Error{Code: EFORBIDDEN, Field: "lead_delegation",
				Message: "A follow-up team adds entries led by its own delegation (" + actor.Delegation + ") only."}
		}
		return Errorf(EFORBIDDEN, "Only the secretariat and follow-up teams may add register entries.")
	}
	if e.Example && !actor.MayMarkExample() {
		return &Error{Code: EFORBIDDEN, Field: "example", Message: "Only the secretariat may mark an entry as an example."}
	}
	return nil
}

// checkEntryRefs checks the delegations and topics an entry names, and
// turns topic slugs into ids. It reports the first problem.
func (st *state) checkEntryRefs(e *RegisterEntry) error {
	if ps := st.entryRefProblems(e); len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// entryRefProblems is checkEntryRefs reporting every field at fault.
func (st *state) entryRefProblems(e *RegisterEntry) []*Error {
	var out []*Error
	if st.delegations[e.LeadDelegation] == nil {
		out = append(out, Invalid("lead_delegation", "unknown delegation %q", e.LeadDelegation))
	}
	for _, p := range e.PartnerDelegations {
		if st.delegations[p] == nil {
			out = append(out, Invalid("partner_delegations", "unknown delegation %q", p))
			break
		}
	}
	// A fresh slice: e may share its topics with the stored entry, which
	// readers are reading.
	ids := make([]string, len(e.Topics))
	for i, key := range e.Topics {
		t := st.topicByIDOrSlug(key)
		if t == nil {
			return append(out, Invalid("topics", "unknown topic %q", key))
		}
		ids[i] = t.ID
	}
	e.Topics = ids
	if hasDuplicate(e.Topics) {
		out = append(out, Invalid("topics", "a topic is listed twice"))
	}
	return out
}

// UpdateRegisterEntry changes an entry, or archives or restores it, and
// records what changed in its history.
func (s *Service) UpdateRegisterEntry(ctx context.Context, actor *User, id string, upd RegisterEntryUpdate) (*RegisterEntry, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if upd.Version == nil {
		return nil, Invalid("version", "version is required: send the version you edited, so that a concurrent change is not overwritten")
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.RegisterEntry(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !actor.MayEditEntry(old) {
		return nil, Errorf(EFORBIDDEN, "Only the secretariat and the follow-up team of %s may change this entry.", old.LeadDelegation)
	}
	if *upd.Version != old.Version {
		return nil, &Error{Code: ECONFLICT, Field: "version", Current: old,
			Message: fmt.Sprintf("The entry was changed by someone else (version %d, you edited %d); review the current version and save again.", old.Version, *upd.Version)}
	}
	e := *old
	if upd.Title != nil {
		e.Title = strings.TrimSpace(*upd.Title)
	}
	if upd.Summary != nil {
		e.Summary = strings.TrimSpace(*upd.Summary)
	}
	if upd.LeadDelegation != nil {
		e.LeadDelegation = strings.ToUpper(strings.TrimSpace(*upd.LeadDelegation))
	}
	if upd.LeadAgency != nil {
		e.LeadAgency = strings.TrimSpace(*upd.LeadAgency)
	}
	if upd.PartnerDelegations != nil {
		e.PartnerDelegations = upperAll(*upd.PartnerDelegations)
	}
	if upd.Audiences != nil {
		e.Audiences = nonNil(*upd.Audiences)
	}
	setIf(&e.Format, upd.Format)
	setIf(&e.Status, upd.Status)
	if upd.StartDate != nil {
		e.StartDate = strings.TrimSpace(*upd.StartDate)
	}
	if upd.EndDate != nil {
		e.EndDate = strings.TrimSpace(*upd.EndDate)
	}
	if upd.Topics != nil {
		e.Topics = trimAll(*upd.Topics)
	}
	if upd.References != nil {
		e.References = trimReferences(*upd.References)
	}
	setIf(&e.Archived, upd.Archived)
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if e.LeadDelegation != old.LeadDelegation && !actor.MayReassignEntry() {
		return nil, &Error{Code: EFORBIDDEN, Field: "lead_delegation", Message: "Only the secretariat may hand an entry to another delegation."}
	}
	s.read(func(st *state) { err = st.checkEntryRefs(&e) })
	if err != nil {
		return nil, err
	}
	changes := diffEntries(old, &e)
	if len(changes) == 0 {
		return old, nil // nothing to record
	}
	action := "updated"
	switch {
	case e.Archived && !old.Archived:
		action = "archived"
	case !e.Archived && old.Archived:
		action = "restored"
	}
	now := s.Now()
	e.Version++
	e.UpdatedBy, e.UpdatedAt = actor.ID, now
	e.History = append(slices.Clip(old.History), Revision{
		Version: e.Version, Action: action, By: actor.ID, ByName: actor.Name, At: now, Changes: changes,
	})
	if err := s.replace(ctx, Register, e.ID, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// diffEntries lists the fields that differ between a and b, as text.
func diffEntries(a, b *RegisterEntry) []FieldChange {
	var out []FieldChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: field, From: from, To: to})
		}
	}
	add("title", a.Title, b.Title)
	add("summary", a.Summary, b.Summary)
	add("lead_delegation", a.LeadDelegation, b.LeadDelegation)
	add("lead_agency", a.LeadAgency, b.LeadAgency)
	add("partner_delegations", strings.Join(a.PartnerDelegations, ", "), strings.Join(b.PartnerDelegations, ", "))
	add("audiences", joinAny(a.Audiences), joinAny(b.Audiences))
	add("format", string(a.Format), string(b.Format))
	add("status", string(a.Status), string(b.Status))
	add("start_date", a.StartDate, b.StartDate)
	add("end_date", a.EndDate, b.EndDate)
	add("topics", strings.Join(a.Topics, ", "), strings.Join(b.Topics, ", "))
	add("references", referencesText(a.References), referencesText(b.References))
	add("archived", fmt.Sprint(a.Archived), fmt.Sprint(b.Archived))
	return out
}

func joinAny[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

// referencesText writes references one per line as "url | catalogue |
// identifier", the form the CSV export uses too.
func referencesText(refs []Reference) string {
	lines := make([]string, len(refs))
	for i, r := range refs {
		lines[i] = r.URL
		if r.Catalogue != "" || r.Identifier != "" {
			lines[i] += " | " + r.Catalogue
		}
		if r.Identifier != "" {
			lines[i] += " | " + r.Identifier
		}
	}
	return strings.Join(lines, "\n")
}

func upperAll(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, strings.ToUpper(strings.TrimSpace(x)))
	}
	return out
}

func trimAll(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, strings.TrimSpace(x))
	}
	return out
}

func trimReferences(refs []Reference) []Reference {
	out := make([]Reference, 0, len(refs))
	for _, r := range refs {
		out = append(out, Reference{
			URL: strings.TrimSpace(r.URL), Catalogue: strings.TrimSpace(r.Catalogue), Identifier: strings.TrimSpace(r.Identifier),
		})
	}
	return out
}
