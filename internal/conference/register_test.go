package conference_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

func validEntry() conference.RegisterEntry {
	return conference.RegisterEntry{
		ID:                 "e1",
		Title:              "Judicial training on electronic evidence",
		Summary:            "Two-day course for judges of the District Court on admitting electronic evidence.",
		LeadDelegation:     "NZ",
		LeadAgency:         "Institute of Judicial Studies",
		PartnerDelegations: []string{"AU"},
		Audiences:          []conference.Audience{conference.AudienceJudiciary},
		Format:             conference.FormatTraining,
		Status:             conference.EntryPlanned,
		StartDate:          "2015-03-02",
		EndDate:            "2015-03-03",
		Topics:             []string{"t1"},
		References:         []conference.Reference{{URL: "https://example.org/course", Catalogue: "IJS calendar", Identifier: "IJS-2015-07"}},
		Version:            1,
	}
}

func TestRegisterEntry_Validate(t *testing.T) {
	long := strings.Repeat("x", 201)
	testValidate(t, validEntry, []editCase[conference.RegisterEntry]{
		{"valid", func(e *conference.RegisterEntry) {}, ""},
		{"no end date", func(e *conference.RegisterEntry) { e.EndDate = "" }, ""},
		{"one-day activity", func(e *conference.RegisterEntry) { e.EndDate = e.StartDate }, ""},
		{"no references", func(e *conference.RegisterEntry) { e.References = nil }, ""},
		{"reference without catalogue", func(e *conference.RegisterEntry) {
			e.References = []conference.Reference{{URL: "http://example.org"}}
		}, ""},
		{"every audience", func(e *conference.RegisterEntry) { e.Audiences = conference.Audiences }, ""},
		{"no title", func(e *conference.RegisterEntry) { e.Title = "  " }, "title"},
		{"long title", func(e *conference.RegisterEntry) { e.Title = long }, "title"},
		{"long summary", func(e *conference.RegisterEntry) { e.Summary = strings.Repeat("é", 5001) }, "summary"},
		{"no lead", func(e *conference.RegisterEntry) { e.LeadDelegation = "" }, "lead_delegation"},
		{"lead not a code", func(e *conference.RegisterEntry) { e.LeadDelegation = "New Zealand" }, "lead_delegation"},
		{"long agency", func(e *conference.RegisterEntry) { e.LeadAgency = long }, "lead_agency"},
		{"partner not a code", func(e *conference.RegisterEntry) { e.PartnerDelegations = []string{"au"} }, "partner_delegations"},
		{"lead as partner", func(e *conference.RegisterEntry) { e.PartnerDelegations = []string{"NZ"} }, "partner_delegations"},
		{"partner twice", func(e *conference.RegisterEntry) { e.PartnerDelegations = []string{"AU", "AU"} }, "partner_delegations"},
		{"no audience", func(e *conference.RegisterEntry) { e.Audiences = nil }, "audiences"},
		{"unknown audience", func(e *conference.RegisterEntry) { e.Audiences = []conference.Audience{"judges"} }, "audiences"},
		{"audience twice", func(e *conference.RegisterEntry) {
			e.Audiences = []conference.Audience{conference.AudienceJudiciary, conference.AudienceJudiciary}
		}, "audiences"},
		{"unknown format", func(e *conference.RegisterEntry) { e.Format = "webinar" }, "format"},
		{"no format", func(e *conference.RegisterEntry) { e.Format = "" }, "format"},
		{"unknown status", func(e *conference.RegisterEntry) { e.Status = "done" }, "status"},
		{"no start", func(e *conference.RegisterEntry) { e.StartDate = "" }, "start_date"},
		{"start not a date", func(e *conference.RegisterEntry) { e.StartDate = "2015-02-30" }, "start_date"},
		{"end not a date", func(e *conference.RegisterEntry) { e.EndDate = "03/03/2015" }, "end_date"},
		{"end before start", func(e *conference.RegisterEntry) { e.EndDate = "2015-03-01" }, "end_date"},
		{"topic twice", func(e *conference.RegisterEntry) { e.Topics = []string{"t1", "t1"} }, "topics"},
		{"reference without url", func(e *conference.RegisterEntry) { e.References[0].URL = "" }, "references[0].url"},
		{"javascript reference", func(e *conference.RegisterEntry) {
			e.References[0].URL = "javascript:alert(1)"
		}, "references[0].url"},
		{"relative reference", func(e *conference.RegisterEntry) { e.References[0].URL = "/course" }, "references[0].url"},
		{"identifier without catalogue", func(e *conference.RegisterEntry) {
			e.References = append(e.References, conference.Reference{URL: "https://example.org", Identifier: "X1"})
		}, "references[1].catalogue"},
		{"too many references", func(e *conference.RegisterEntry) {
			for range 21 {
				e.References = append(e.References, conference.Reference{URL: "https://example.org"})
			}
		}, "references"},
	})
}

func TestRegisterEntry_Problems_NamesEveryField(t *testing.T) {
	e := validEntry()
	e.Title, e.Format, e.EndDate = "", "webinar", "2014-01-01"
	var fields []string
	for _, p := range e.Problems() {
		fields = append(fields, p.Field)
	}
	if got, want := strings.Join(fields, ","), "title,format,end_date"; got != want {
		t.Fatalf("fields=%s, want %s", got, want)
	}
}

// entryInput is a valid input for the london fixture's New Zealand follow-up
// team: validEntry's activity, open-ended and without references, listing a
// topic of the fixture by its slug.
func entryInput(l *london) conference.RegisterEntryInput {
	in := inputOf(validEntry())
	in.Summary = "A course for District Court judges on admitting electronic evidence."
	in.EndDate = ""
	in.References = nil
	in.Topics = []string{l.cyberbullying.Slug}
	return in
}

// inputOf is the input that would write e's editable fields.
func inputOf(e conference.RegisterEntry) conference.RegisterEntryInput {
	return conference.RegisterEntryInput{
		Title: e.Title, Summary: e.Summary,
		LeadDelegation: e.LeadDelegation, LeadAgency: e.LeadAgency, PartnerDelegations: e.PartnerDelegations,
		Audiences: e.Audiences, Format: e.Format, Status: e.Status,
		StartDate: e.StartDate, EndDate: e.EndDate,
		Topics: e.Topics, References: e.References, Example: e.Example,
	}
}

func TestService_CreateRegisterEntry(t *testing.T) {
	l := newLondon(t)
	e, err := l.svc.CreateRegisterEntry(ctx, l.followup, entryInput(l))
	assertNoError(t, err)
	if got, want := e.Version, int64(1); got != want {
		t.Fatalf("version=%d, want %d", got, want)
	}
	if got, want := strings.Join(e.Topics, ","), l.cyberbullying.ID; got != want {
		t.Fatalf("topics=%s, want the id %s (the slug was given)", got, want)
	}
	if got, want := e.CreatedBy, l.followup.ID; got != want {
		t.Fatalf("created_by=%s, want %s", got, want)
	}
	if !l.store.Has(conference.Register, e.ID) {
		t.Fatalf("the entry was not stored")
	}
	got, err := l.svc.RegisterEntry(ctx, l.observer, e.ID)
	assertNoError(t, err)
	if got.Title != e.Title {
		t.Fatalf("read back %q", got.Title)
	}
	h, err := l.svc.RegisterHistory(ctx, l.observer, e.ID)
	assertNoError(t, err)
	if len(h) != 1 || h[0].Action != "created" || h[0].By != l.followup.ID {
		t.Fatalf("history=%+v, want one created revision by the follow-up member", h)
	}
}

func TestService_CreateRegisterEntry_Refused(t *testing.T) {
	l := newLondon(t)
	for _, tt := range []struct {
		name  string
		actor func() *conference.User
		edit  func(in *conference.RegisterEntryInput)
		code  string
		field string
	}{
		{"observer", func() *conference.User { return l.observer }, nil, conference.EFORBIDDEN, ""},
		{"delegate", func() *conference.User { return l.delegate }, nil, conference.EFORBIDDEN, ""},
		{"head", func() *conference.User { return l.head }, nil, conference.EFORBIDDEN, ""},
		{"rapporteur", func() *conference.User { return l.rapporteur }, nil, conference.EFORBIDDEN, ""},
		{"follow-up for another delegation", func() *conference.User { return l.followup },
			func(in *conference.RegisterEntryInput) { in.LeadDelegation = "GB" }, conference.EFORBIDDEN, "lead_delegation"},
		{"follow-up marking an example", func() *conference.User { return l.followup },
			func(in *conference.RegisterEntryInput) { in.Example = true }, conference.EFORBIDDEN, "example"},
		{"unknown lead", func() *conference.User { return l.admin },
			func(in *conference.RegisterEntryInput) { in.LeadDelegation = "FR" }, conference.EINVALID, "lead_delegation"},
		{"unknown partner", func() *conference.User { return l.followup },
			func(in *conference.RegisterEntryInput) { in.PartnerDelegations = []string{"FR"} }, conference.EINVALID, "partner_delegations"},
		{"unknown topic", func() *conference.User { return l.followup },
			func(in *conference.RegisterEntryInput) { in.Topics = []string{"astrology"} }, conference.EINVALID, "topics"},
		{"same topic by id and slug", func() *conference.User { return l.followup },
			func(in *conference.RegisterEntryInput) {
				in.Topics = []string{l.cyberbullying.ID, l.cyberbullying.Slug}
			}, conference.EINVALID, "topics"},
		{"unknown audience", func() *conference.User { return l.followup },
			func(in *conference.RegisterEntryInput) { in.Audiences = []conference.Audience{"judges"} }, conference.EINVALID, "audiences"},
		{"end before start", func() *conference.User { return l.followup },
			func(in *conference.RegisterEntryInput) { in.EndDate = "2014-01-01" }, conference.EINVALID, "end_date"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := l.store.Dump()
			in := entryInput(l)
			if tt.edit != nil {
				tt.edit(&in)
			}
			_, err := l.svc.CreateRegisterEntry(ctx, tt.actor(), in)
			e := assertCode(t, err, tt.code)
			if got, want := e.Field, tt.field; got != want {
				t.Fatalf("field=%q, want %q (%v)", got, want, err)
			}
			if got := l.store.Dump(); !reflect.DeepEqual(got, before) {
				t.Fatalf("a refused create changed the store")
			}
		})
	}
}

func TestService_UpdateRegisterEntry(t *testing.T) {
	l := newLondon(t)
	e, err := l.svc.CreateRegisterEntry(ctx, l.followup, entryInput(l))
	assertNoError(t, err)

	status := conference.EntryOngoing
	v := e.Version
	upd, err := l.svc.UpdateRegisterEntry(ctx, l.followup, e.ID, conference.RegisterEntryUpdate{Status: &status, Version: &v})
	assertNoError(t, err)
	if got, want := upd.Version, int64(2); got != want {
		t.Fatalf("version=%d, want %d", got, want)
	}

	// A colleague still on version 1 is refused, and told the current state.
	title := "Something else"
	_, err = l.svc.UpdateRegisterEntry(ctx, l.admin, e.ID, conference.RegisterEntryUpdate{Title: &title, Version: &v})
	ce := assertCode(t, err, conference.ESTALE)
	if cur, ok := ce.Current.(*conference.RegisterEntry); !ok || cur.Version != 2 {
		t.Fatalf("conflict current=%#v, want the entry at version 2", ce.Current)
	}

	// Without a version: refused, naming the field.
	_, err = l.svc.UpdateRegisterEntry(ctx, l.admin, e.ID, conference.RegisterEntryUpdate{Title: &title})
	assertInvalid(t, err, "version")

	// Others may not edit; the follow-up team may not hand it over.
	v2 := upd.Version
	for _, u := range []*conference.User{l.observer, l.delegate, l.head, l.rapporteur} {
		_, err = l.svc.UpdateRegisterEntry(ctx, u, e.ID, conference.RegisterEntryUpdate{Title: &title, Version: &v2})
		assertCode(t, err, conference.EFORBIDDEN)
	}
	gb := "GB"
	_, err = l.svc.UpdateRegisterEntry(ctx, l.followup, e.ID, conference.RegisterEntryUpdate{LeadDelegation: &gb, Version: &v2})
	assertCode(t, err, conference.EFORBIDDEN)

	// Archive: the entry stays, out of the default list.
	yes := true
	arch, err := l.svc.UpdateRegisterEntry(ctx, l.admin, e.ID, conference.RegisterEntryUpdate{Archived: &yes, Version: &v2})
	assertNoError(t, err)
	if !arch.Archived {
		t.Fatalf("not archived")
	}
	page, err := l.svc.Register(ctx, l.observer, conference.RegisterFilter{})
	assertNoError(t, err)
	if page.Total != 0 {
		t.Fatalf("the default list shows %d entries, want the archived one left out", page.Total)
	}
	page, err = l.svc.Register(ctx, l.observer, conference.RegisterFilter{Archived: "true"})
	assertNoError(t, err)
	if page.Total != 1 {
		t.Fatalf("archived=true lists %d, want 1", page.Total)
	}

	h, err := l.svc.RegisterHistory(ctx, l.observer, e.ID)
	assertNoError(t, err)
	var actions []string
	for _, r := range h {
		actions = append(actions, fmt.Sprintf("%d:%s", r.Version, r.Action))
	}
	if got, want := strings.Join(actions, " "), "3:archived 2:updated 1:created"; got != want {
		t.Fatalf("history=%s, want %s", got, want)
	}
	if got := h[1].Changes; len(got) != 1 || got[0].Field != "status" || got[0].From != "planned" || got[0].To != "ongoing" {
		t.Fatalf("changes of version 2=%+v, want status planned→ongoing", got)
	}

	// Nothing to change: no new version.
	v3 := arch.Version
	same, err := l.svc.UpdateRegisterEntry(ctx, l.admin, e.ID, conference.RegisterEntryUpdate{Archived: &yes, Version: &v3})
	assertNoError(t, err)
	if same.Version != v3 {
		t.Fatalf("an empty change made version %d", same.Version)
	}

	// The history survives a reload from the store.
	f2 := newFixtureOver(t, l.store)
	h2, err := f2.svc.RegisterHistory(ctx, conference.SystemActor, e.ID)
	assertNoError(t, err)
	if len(h2) != 3 {
		t.Fatalf("after reload, history has %d revisions, want 3", len(h2))
	}
}

// Two writers on the same version: exactly one wins, the other gets 409.
func TestService_UpdateRegisterEntry_Concurrent(t *testing.T) {
	l := newLondon(t)
	e, err := l.svc.CreateRegisterEntry(ctx, l.followup, entryInput(l))
	assertNoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			title := fmt.Sprintf("Title %d", i)
			v := e.Version
			_, errs[i] = l.svc.UpdateRegisterEntry(ctx, l.admin, e.ID, conference.RegisterEntryUpdate{Title: &title, Version: &v})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			assertCode(t, err, conference.ESTALE)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers won, want 1", won)
	}
}

func TestService_Register_Filters(t *testing.T) {
	l := newLondon(t)
	mk := func(title, lead string, partners []string, aud conference.Audience, f conference.Format, st conference.EntryStatus, start, end string, topics ...string) *conference.RegisterEntry {
		t.Helper()
		e, err := l.svc.CreateRegisterEntry(ctx, l.admin, conference.RegisterEntryInput{
			Title: title, LeadDelegation: lead, PartnerDelegations: partners, Audiences: []conference.Audience{aud},
			Format: f, Status: st, StartDate: start, EndDate: end, Topics: topics,
		})
		assertNoError(t, err)
		return e
	}
	a := mk("A", "NZ", nil, conference.AudienceJudiciary, conference.FormatTraining, conference.EntryCompleted, "2013-05-01", "2013-05-02", l.cyberbullying.ID)
	b := mk("B", "GB", []string{"NZ"}, conference.AudienceProsecutors, conference.FormatGuidance, conference.EntryOngoing, "2014-01-01", "")
	c := mk("C", "US", nil, conference.AudiencePolicy, conference.FormatConference, conference.EntryPlanned, "2016-09-01", "", l.privacy.Slug)
	// A topic linked to an entry counts as one of its topics.
	_, _, err := l.svc.CreateLink(ctx, l.admin, conference.LinkInput{FromKind: conference.LinkTopic, FromID: l.privacy.ID, EntryID: b.ID})
	assertNoError(t, err)

	ids := func(f conference.RegisterFilter) string {
		t.Helper()
		p, err := l.svc.Register(ctx, l.observer, f)
		assertNoError(t, err)
		var out []string
		for _, e := range p.Entries {
			out = append(out, e.Title)
		}
		if p.Total < len(p.Entries) {
			t.Fatalf("total %d < %d entries", p.Total, len(p.Entries))
		}
		return strings.Join(out, "")
	}
	_ = a
	_ = c
	for _, tt := range []struct {
		name string
		f    conference.RegisterFilter
		want string
	}{
		{"all, most recent first", conference.RegisterFilter{}, "CBA"},
		{"lead or partner", conference.RegisterFilter{Delegations: []string{"NZ"}}, "BA"},
		{"lower-case code", conference.RegisterFilter{Delegations: []string{"us"}}, "C"},
		{"audience", conference.RegisterFilter{Audiences: []conference.Audience{conference.AudienceJudiciary, conference.AudienceProsecutors}}, "BA"},
		{"format", conference.RegisterFilter{Formats: []conference.Format{conference.FormatConference}}, "C"},
		{"status", conference.RegisterFilter{Statuses: []conference.EntryStatus{conference.EntryOngoing}}, "B"},
		{"topic by slug, listed or linked", conference.RegisterFilter{Topics: []string{l.privacy.Slug}}, "CB"},
		{"year of a completed entry", conference.RegisterFilter{Year: 2013}, "A"},
		{"an ongoing entry lasts until now", conference.RegisterFilter{Year: 2014}, "B"},
		{"three filters", conference.RegisterFilter{Delegations: []string{"NZ"}, Statuses: []conference.EntryStatus{conference.EntryOngoing}, Audiences: []conference.Audience{conference.AudienceProsecutors}}, "B"},
		{"page", conference.RegisterFilter{Limit: 1, Offset: 1}, "B"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(tt.f); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		f     conference.RegisterFilter
		field string
	}{
		{conference.RegisterFilter{Delegations: []string{"FR"}}, "delegation"},
		{conference.RegisterFilter{Audiences: []conference.Audience{"judges"}}, "audience"},
		{conference.RegisterFilter{Formats: []conference.Format{"webinar"}}, "format"},
		{conference.RegisterFilter{Statuses: []conference.EntryStatus{"done"}}, "status"},
		{conference.RegisterFilter{Topics: []string{"astrology"}}, "topic"},
		{conference.RegisterFilter{Year: 99}, "year"},
		{conference.RegisterFilter{Archived: "maybe"}, "archived"},
		{conference.RegisterFilter{Limit: 5000}, "limit"},
	} {
		_, err := l.svc.Register(ctx, l.observer, tt.f)
		assertInvalid(t, err, tt.field)
	}
}
