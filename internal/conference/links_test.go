package conference_test

import (
	"reflect"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

func TestLinkInput_Validate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    conference.LinkInput
		field string
	}{
		{"valid", conference.LinkInput{FromKind: conference.LinkNote, FromID: "n1", EntryID: "e1"}, ""},
		{"unknown kind", conference.LinkInput{FromKind: "meeting", FromID: "m1", EntryID: "e1"}, "from_kind"},
		{"no from", conference.LinkInput{FromKind: conference.LinkNote, EntryID: "e1"}, "from_id"},
		{"colon in from", conference.LinkInput{FromKind: conference.LinkNote, FromID: "a:b", EntryID: "e1"}, "from_id"},
		{"no entry", conference.LinkInput{FromKind: conference.LinkNote, FromID: "n1"}, "entry_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.field == "" {
				assertNoError(t, err)
				return
			}
			assertInvalid(t, err, tt.field)
		})
	}
}

// Who may link what: the secretariat anything; rapporteurs (and the chair)
// their sessions' notes and outcomes; follow-up teams their delegation's
// actions; nobody else.
func TestService_CreateLink_Rules(t *testing.T) {
	l := newLondon(t)
	se := l.liveSession(t) // rapporteur assigned, head chairs
	other, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
		Title: "Other", Start: mustTime("2014-07-10T10:00:00+01:00"), End: mustTime("2014-07-10T11:00:00+01:00"),
	})
	assertNoError(t, err)
	_, err = l.svc.StartSession(ctx, l.admin, other.ID)
	assertNoError(t, err)
	entry, err := l.svc.CreateRegisterEntry(ctx, l.followup, entryInput(l))
	assertNoError(t, err)
	note, _, err := l.svc.PostNote(ctx, l.rapporteur, se.ID, conference.NoteInput{ClientID: "n1", Text: "Judges need training.", Marking: conference.MarkingAll})
	assertNoError(t, err)
	otherNote, _, err := l.svc.PostNote(ctx, l.admin, other.ID, conference.NoteInput{ClientID: "n2", Text: "Elsewhere.", Marking: conference.MarkingAll})
	assertNoError(t, err)
	headsNote, _, err := l.svc.PostNote(ctx, l.admin, se.ID, conference.NoteInput{ClientID: "n3", Text: "For heads.", Marking: conference.MarkingHeads})
	assertNoError(t, err)
	outcome, err := l.svc.CreateOutcome(ctx, l.rapporteur, se.ID, conference.OutcomeInput{Kind: conference.OutcomeRecommendation, Text: "Train judges.", Sources: []int64{note.Seq}})
	assertNoError(t, err)
	nzAction, err := l.svc.CreateAction(ctx, l.followup, conference.ActionInput{Title: "Run the course", Owner: "NZ", Due: "2015-03-01", MeetingID: l.meeting.ID, Marking: conference.MarkingAll})
	assertNoError(t, err)
	gbAction, err := l.svc.CreateAction(ctx, l.admin, conference.ActionInput{Title: "Write guidance", Owner: "GB", Due: "2015-03-01", MeetingID: l.meeting.ID, Marking: conference.MarkingAll})
	assertNoError(t, err)

	type from struct {
		kind conference.LinkKind
		id   string
	}
	topic := from{conference.LinkTopic, l.cyberbullying.ID}
	n1 := from{conference.LinkNote, note.ID}
	n2 := from{conference.LinkNote, otherNote.ID}
	n3 := from{conference.LinkNote, headsNote.ID}
	o1 := from{conference.LinkOutcome, outcome.ID}
	aNZ := from{conference.LinkAction, nzAction.ID}
	aGB := from{conference.LinkAction, gbAction.ID}
	for _, tt := range []struct {
		name  string
		actor *conference.User
		from  from
		code  string // "" when allowed
		field string
	}{
		{"secretariat links a topic", l.admin, topic, "", ""},
		{"secretariat links any note", l.admin, n2, "", ""},
		{"secretariat links a heads note", l.admin, n3, "", ""},
		{"secretariat links any action", l.admin, aGB, "", ""},
		{"rapporteur links their session's note", l.rapporteur, n1, "", ""},
		{"rapporteur links their session's outcome", l.rapporteur, o1, "", ""},
		{"chair links their session's note", l.head, n1, "", ""},
		{"rapporteur may not link another session's note", l.rapporteur, n2, conference.EFORBIDDEN, ""},
		{"rapporteur may not link an action", l.rapporteur, aNZ, conference.EFORBIDDEN, ""},
		{"rapporteur may not link a topic", l.rapporteur, topic, conference.EFORBIDDEN, ""},
		{"the session's rapporteur links its heads note", l.rapporteur, n3, "", ""},
		{"a delegate cannot see a heads note", l.delegate, n3, conference.EINVALID, "from_id"},
		{"follow-up links its delegation's action", l.followup, aNZ, "", ""},
		{"follow-up may not link another delegation's action", l.followup, aGB, conference.EFORBIDDEN, ""},
		{"follow-up may not link a note", l.followup, n1, conference.EFORBIDDEN, ""},
		{"delegate may not link", l.delegate, n1, conference.EFORBIDDEN, ""},
		{"observer may not link", l.observer, aNZ, conference.EFORBIDDEN, ""},
		{"missing note", l.admin, from{conference.LinkNote, "nope"}, conference.EINVALID, "from_id"},
		{"missing action", l.admin, from{conference.LinkAction, "nope"}, conference.EINVALID, "from_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := conference.LinkInput{FromKind: tt.from.kind, FromID: tt.from.id, EntryID: entry.ID}
			before := l.store.Count(conference.Links)
			link, created, err := l.svc.CreateLink(ctx, tt.actor, in)
			if tt.code == "" {
				assertNoError(t, err)
				if !created || link.ID != conference.LinkID(in.FromKind, in.FromID, in.EntryID) {
					t.Fatalf("link=%+v created=%v", link, created)
				}
				// Linking again answers the same link, and stores nothing.
				again, created, err := l.svc.CreateLink(ctx, tt.actor, in)
				assertNoError(t, err)
				if created || again.ID != link.ID || l.store.Count(conference.Links) != before+1 {
					t.Fatalf("a second link of the same pair was stored")
				}
				// Unlinking follows the same rule.
				assertNoError(t, l.svc.DeleteLink(ctx, tt.actor, link.ID))
				if l.store.Count(conference.Links) != before {
					t.Fatalf("unlink left the link stored")
				}
				return
			}
			e := assertCode(t, err, tt.code)
			if e.Field != tt.field {
				t.Fatalf("field=%q, want %q", e.Field, tt.field)
			}
			if l.store.Count(conference.Links) != before {
				t.Fatalf("a refused link was stored")
			}
		})
	}

	// A link to an entry that does not exist is refused; so is one to an
	// archived entry, while existing links to it stay.
	_, _, err = l.svc.CreateLink(ctx, l.admin, conference.LinkInput{FromKind: conference.LinkNote, FromID: note.ID, EntryID: "missing"})
	assertInvalid(t, err, "entry_id")
	link, _, err := l.svc.CreateLink(ctx, l.admin, conference.LinkInput{FromKind: conference.LinkNote, FromID: note.ID, EntryID: entry.ID})
	assertNoError(t, err)
	yes, v := true, entry.Version
	_, err = l.svc.UpdateRegisterEntry(ctx, l.admin, entry.ID, conference.RegisterEntryUpdate{Archived: &yes, Version: &v})
	assertNoError(t, err)
	_, _, err = l.svc.CreateLink(ctx, l.admin, conference.LinkInput{FromKind: conference.LinkAction, FromID: nzAction.ID, EntryID: entry.ID})
	assertCode(t, err, conference.ECONFLICT)
	b, err := l.svc.Backlinks(ctx, l.observer, entry.ID)
	assertNoError(t, err)
	if len(b.Notes) != 1 || b.Notes[0].LinkID != link.ID {
		t.Fatalf("backlinks of the archived entry=%+v, want the note", b.Notes)
	}

	// Deleting a link that is not there, or one from an unreadable note.
	assertCode(t, l.svc.DeleteLink(ctx, l.admin, "note:x:y"), conference.ENOTFOUND)
}

func TestService_Backlinks_GroupedAndTopics(t *testing.T) {
	l := newLondon(t)
	in := entryInput(l) // lists cyberbullying
	entry, err := l.svc.CreateRegisterEntry(ctx, l.followup, in)
	assertNoError(t, err)
	// Privacy is linked; cyberbullying is listed by the entry itself.
	_, _, err = l.svc.CreateLink(ctx, l.admin, conference.LinkInput{FromKind: conference.LinkTopic, FromID: l.privacy.ID, EntryID: entry.ID})
	assertNoError(t, err)
	b, err := l.svc.Backlinks(ctx, l.observer, entry.ID)
	assertNoError(t, err)
	var titles []string
	for _, t := range b.Topics {
		titles = append(titles, t.Title)
	}
	if want := []string{l.privacy.Title, l.cyberbullying.Title}; !reflect.DeepEqual(titles, want) {
		t.Fatalf("topic backlinks=%q, want %q", titles, want)
	}
	if b.Topics[0].LinkID == "" || b.Topics[1].LinkID != "" {
		t.Fatalf("only the linked topic has a link id: %+v", b.Topics)
	}
	if got := b.Counts[conference.LinkTopic]; got != 2 {
		t.Fatalf("topic count=%d, want 2", got)
	}

	// Each topic shows its entries, linked or listed.
	for _, topic := range []*conference.Topic{l.privacy, l.cyberbullying} {
		es, err := l.svc.LinksFrom(ctx, l.observer, conference.LinkTopic, topic.Slug)
		assertNoError(t, err)
		if len(es) != 1 || es[0].Entry.ID != entry.ID {
			t.Fatalf("entries of %s=%+v", topic.Slug, es)
		}
		if got, want := es[0].Listed, topic == l.cyberbullying; got != want {
			t.Fatalf("%s: listed=%v, want %v", topic.Slug, got, want)
		}
	}
	_, err = l.svc.Backlinks(ctx, l.observer, "missing")
	assertCode(t, err, conference.ENOTFOUND)
	_, err = l.svc.LinksFrom(ctx, l.observer, "meeting", "x")
	assertInvalid(t, err, "from_kind")
}

func TestService_Coverage(t *testing.T) {
	l := newLondon(t)
	mk := func(lead string, partners []string, aud []conference.Audience, status conference.EntryStatus, topics ...string) {
		t.Helper()
		_, err := l.svc.CreateRegisterEntry(ctx, l.admin, conference.RegisterEntryInput{
			Title: "E", LeadDelegation: lead, PartnerDelegations: partners, Audiences: aud,
			Format: conference.FormatTraining, Status: status, StartDate: "2015-01-01", Topics: topics,
		})
		assertNoError(t, err)
	}
	both := []conference.Audience{conference.AudienceProsecutors, conference.AudienceJudiciary}
	mk("NZ", []string{"AU"}, both, conference.EntryOngoing, l.cyberbullying.ID)
	mk("NZ", nil, []conference.Audience{conference.AudienceJudiciary}, conference.EntryPlanned, l.cyberbullying.ID)
	mk("GB", nil, []conference.Audience{conference.AudiencePolicy}, conference.EntryCompleted) // no topic

	cov, err := l.svc.Coverage(ctx, l.observer, conference.CoverageFilter{})
	assertNoError(t, err)
	if got, want := len(cov.Cells), len(cov.Topics)*len(cov.Delegations); got != want {
		t.Fatalf("%d cells, want %d", got, want)
	}
	cell := func(topic, d string) conference.CoverageCell {
		for _, c := range cov.Cells {
			if c.Topic == topic && c.Delegation == d {
				return c
			}
		}
		t.Fatalf("no cell %s × %s", topic, d)
		return conference.CoverageCell{}
	}
	nz := cell(l.cyberbullying.ID, "NZ")
	if nz.Entries != 2 || nz.ByAudience[conference.AudienceJudiciary] != 2 || nz.ByAudience[conference.AudienceProsecutors] != 1 || nz.Gap {
		t.Fatalf("cyberbullying × NZ=%+v", nz)
	}
	au := cell(l.cyberbullying.ID, "AU")
	if au.Entries != 1 || len(au.MissingFocus) != 0 {
		t.Fatalf("cyberbullying × AU=%+v (a partner counts)", au)
	}
	us := cell(l.cyberbullying.ID, "US")
	if !us.Gap || !reflect.DeepEqual(us.MissingFocus, conference.FocusAudiences) {
		t.Fatalf("cyberbullying × US=%+v, want a gap", us)
	}
	if got, want := cov.Gaps, len(cov.Cells)-2; got != want {
		t.Fatalf("gaps=%d, want %d", got, want)
	}
	if cov.Entries != 3 || cov.NoTopic != 1 {
		t.Fatalf("entries=%d no_topic=%d, want 3 and 1", cov.Entries, cov.NoTopic)
	}
	// Filters narrow what is counted; the matrix's counts match the register
	// list with the same filters, which is what a count opens.
	cov, err = l.svc.Coverage(ctx, l.observer, conference.CoverageFilter{Statuses: []conference.EntryStatus{conference.EntryOngoing}, Meeting: l.meeting.ID})
	assertNoError(t, err)
	if len(cov.Topics) != 2 || cov.Entries != 1 {
		t.Fatalf("filtered: %d topics, %d entries", len(cov.Topics), cov.Entries)
	}
	page, err := l.svc.Register(ctx, l.observer, conference.RegisterFilter{
		Topics: []string{l.cyberbullying.ID}, Delegations: []string{"NZ"}, Audiences: []conference.Audience{conference.AudienceJudiciary},
	})
	assertNoError(t, err)
	if page.Total != 2 {
		t.Fatalf("the list behind cyberbullying × NZ × judiciary has %d entries, want 2", page.Total)
	}
	_, err = l.svc.Coverage(ctx, l.observer, conference.CoverageFilter{Meeting: "nope"})
	assertInvalid(t, err, "meeting")
	_, err = l.svc.Coverage(ctx, l.observer, conference.CoverageFilter{Statuses: []conference.EntryStatus{"done"}})
	assertInvalid(t, err, "status")
}
