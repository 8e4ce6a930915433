package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The brief for the next meeting and a topic's lineage, as Docs. Both views
// hold only what their reader may read (conference.Brief, TopicLineage).

func example(b bool) string {
	if b {
		return " [example]"
	}
	return ""
}

// BriefDoc lays out a brief: per topic, the earlier outcomes, the actions and
// their progress since, the register since, and the gaps.
func BriefDoc(b *conference.Brief) *Doc {
	who := "all five delegations"
	if b.Delegation != nil {
		who = b.Delegation.Name
	}
	d := &Doc{Title: "Brief for " + b.Meeting.Title + " — " + who + example(b.Meeting.Example)}
	state := "Draft, as of " + b.Date
	if b.Published {
		state = "Published by the secretariat with the meeting's papers, as of " + b.Date
	}
	since := "No earlier meeting."
	if b.Previous != nil {
		since = fmt.Sprintf("Since %s (ended %s): from %s.", b.Previous.Title, b.Previous.EndDate, b.Since)
	}
	d.Blocks = append(d.Blocks,
		DocParagraph{Text: state + ". " + since, Muted: true},
		DocParagraph{Text: fmt.Sprintf("As readable at clearance “%s”. Items marked [example] are demonstration data.", b.Clearance), Muted: true},
		DocParagraph{Text: fmt.Sprintf("%d actions, %d overdue, %d done, %d moved; %d reports filed since; %d register entries added, %d completed.",
			b.Totals.Actions, b.Totals.Overdue, b.Totals.Done, b.Totals.Moved, b.Totals.ReportsSince, b.Totals.Added, b.Totals.Completed)},
	)
	if len(b.Gaps) > 0 {
		var names []string
		for _, id := range b.Gaps {
			names = append(names, b.TopicTitles[id])
		}
		d.Blocks = append(d.Blocks, DocHeading{Level: 2, Text: "Gaps: nothing reaches prosecutors or the judiciary"}, DocList{Items: names})
	}
	for _, t := range b.Topics {
		d.Blocks = append(d.Blocks, DocHeading{Level: 2, Text: t.Topic.Title})
		if t.Gap {
			d.Blocks = append(d.Blocks, DocParagraph{Text: "Gap: no register entry on this topic reaches prosecutors or the judiciary."})
		}
		d.Blocks = append(d.Blocks, DocHeading{Level: 3, Text: "Outcomes of the earlier meetings"})
		if len(t.Outcomes) == 0 {
			d.Blocks = append(d.Blocks, DocParagraph{Text: "None.", Muted: true})
		}
		for _, o := range t.Outcomes {
			d.Blocks = append(d.Blocks, DocParagraph{Text: fmt.Sprintf("%s — %s, %s (%s, %s)%s", kindTitle(o.Kind), o.Meeting, o.Session, o.Agreement, o.Marking, example(o.Example)), Muted: true},
				DocParagraph{Text: o.Text})
		}
		d.Blocks = append(d.Blocks, DocHeading{Level: 3, Text: "Actions"})
		if len(t.Actions) == 0 {
			d.Blocks = append(d.Blocks, DocParagraph{Text: "None.", Muted: true})
		} else {
			tb := DocTable{Header: []string{"Action", "Owner", "Due", "Status", "Progress since", "Reports since"}}
			for _, a := range t.Actions {
				status := string(a.StatusNow)
				if a.Overdue {
					status += " (overdue)"
				}
				moved := fmt.Sprintf("%d %% → %d %%", a.ProgressThen, a.ProgressNow)
				if a.New {
					moved = fmt.Sprintf("new, %d %%", a.ProgressNow)
				}
				tb.Rows = append(tb.Rows, []string{a.Title + example(a.Example), a.Owner, a.Due, status, moved, fmt.Sprint(len(a.Since))})
			}
			d.Blocks = append(d.Blocks, tb)
		}
		d.Blocks = append(d.Blocks, DocHeading{Level: 3, Text: "Register since the previous meeting"})
		var items []string
		for _, e := range t.Added {
			items = append(items, "Added: "+entryLine(e))
		}
		for _, e := range t.Completed {
			items = append(items, "Completed: "+entryLine(e))
		}
		if len(items) == 0 {
			d.Blocks = append(d.Blocks, DocParagraph{Text: "Nothing added or completed.", Muted: true})
		} else {
			d.Blocks = append(d.Blocks, DocList{Items: items})
		}
	}
	return d
}

// WriteBriefPDF renders a brief as PDF, with the meeting and the clearance
// it was read at on every page. It is dated the brief's day, not the moment
// it was rendered: the same brief makes the same file.
func WriteBriefPDF(w io.Writer, b *conference.Brief) error {
	m := b.Meeting
	day, err := time.Parse(conference.DateLayout, b.Date)
	if err != nil {
		return fmt.Errorf("brief date %q: %w", b.Date, err)
	}
	header := fmt.Sprintf("%s · %s · %s to %s", m.Title, m.City, m.StartDate, m.EndDate)
	return PDF(w, BriefDoc(b).Document(header, "Read at clearance: "+string(b.Clearance), day))
}

func entryLine(e *conference.RegisterEntry) string {
	aud := make([]string, len(e.Audiences))
	for i, a := range e.Audiences {
		aud[i] = string(a)
	}
	return fmt.Sprintf("%s (%s; %s; %s)%s", e.Title, e.LeadDelegation, strings.Join(aud, ", "), e.Status, example(e.Example))
}

// LineageDoc lays out a topic's lineage, meeting by meeting.
func LineageDoc(l *conference.Lineage) *Doc {
	d := &Doc{Title: "Lineage — " + l.Topic.Title}
	d.Blocks = append(d.Blocks, DocParagraph{Text: fmt.Sprintf("As readable at clearance “%s”, on %s. Items marked [example] are demonstration data.", l.Clearance, l.Today), Muted: true})
	for _, m := range l.Meetings {
		d.Blocks = append(d.Blocks, DocHeading{Level: 2, Text: fmt.Sprintf("%d — %s%s", m.Year, m.Meeting.Title, example(m.Meeting.Example))})
		for _, s := range m.Sessions {
			d.Blocks = append(d.Blocks, DocHeading{Level: 3, Text: s.Session.Title},
				DocParagraph{Text: fmt.Sprintf("%d notes", s.Notes), Muted: true})
			for _, o := range s.Outcomes {
				d.Blocks = append(d.Blocks, DocParagraph{Text: fmt.Sprintf("%s (%s)%s: %s", kindTitle(o.Kind), o.Agreement, example(o.Example), o.Text)})
			}
		}
		if len(m.Actions) > 0 {
			tb := DocTable{Header: []string{"Action", "Owner", "Due", "Status", "Progress"}}
			for _, a := range m.Actions {
				tb.Rows = append(tb.Rows, []string{a.Title + example(a.Example), a.Owner, a.Due, string(a.Status) + " (" + string(a.Class) + ")", fmt.Sprintf("%d %%", a.Progress)})
			}
			d.Blocks = append(d.Blocks, tb)
		}
	}
	if len(l.Entries) > 0 {
		var items []string
		for _, e := range l.Entries {
			items = append(items, e.StartDate+": "+entryLine(e))
		}
		d.Blocks = append(d.Blocks, DocHeading{Level: 2, Text: "Register entries on this topic"}, DocList{Items: items})
	}
	return d
}
