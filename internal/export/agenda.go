package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The agenda of a meeting as a printable Doc and as an iCalendar file. Times
// are the meeting's wall clock, in its time zone, as on the agenda page.

// AgendaDoc lays out the agenda day by day: a table of each day's sessions.
func AgendaDoc(a *conference.AgendaSheet) *Doc {
	m := a.Meeting
	loc := m.Location()
	d := &Doc{Title: "Agenda — " + m.Title + example(m.Example)}
	place := m.City
	if m.Venue != "" {
		place += ", " + m.Venue
	}
	d.Blocks = append(d.Blocks,
		DocParagraph{Text: fmt.Sprintf("%s · %s to %s · times are %s time (%s)", place, m.StartDate, m.EndDate, m.City, m.TimeZone), Muted: true})
	if len(a.Sessions) == 0 {
		d.Blocks = append(d.Blocks, DocParagraph{Text: "No session is on the agenda yet."})
		return d
	}
	day := ""
	var table *DocTable
	flush := func() {
		if table != nil {
			d.Blocks = append(d.Blocks, *table)
		}
	}
	for _, se := range a.Sessions {
		start, end := se.Start.In(loc), se.End.In(loc)
		if on := start.Format(conference.DateLayout); on != day {
			flush()
			day = on
			d.Blocks = append(d.Blocks, DocHeading{Level: 2, Text: dayTitle(m, start)})
			table = &DocTable{Header: []string{"Time", "Session", "Room", "Chair and rapporteurs", "Topics"}}
		}
		table.Rows = append(table.Rows, []string{sessionTimes(start, end), se.Title, se.Room, peopleOf(a, se), topicsOf(a, se)})
	}
	flush()
	return d
}

// dayTitle names a day of the meeting: "Day 2 — Thursday 10 July 2014",
// or the date alone for a day outside the meeting's dates.
func dayTitle(m *conference.Meeting, t time.Time) string {
	date := t.Format("Monday 2 January 2006")
	first, err := time.ParseInLocation(conference.DateLayout, m.StartDate, t.Location())
	if err != nil || t.Format(conference.DateLayout) < m.StartDate || t.Format(conference.DateLayout) > m.EndDate {
		return date
	}
	n := int(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, t.Location()).Sub(first).Hours()/24) + 1
	return fmt.Sprintf("Day %d — %s", n, date)
}

func sessionTimes(start, end time.Time) string {
	s := start.Format("15:04") + "–" + end.Format("15:04")
	if end.Add(-time.Nanosecond).Format(conference.DateLayout) != start.Format(conference.DateLayout) {
		s += " (next day)"
	}
	return s
}

func peopleOf(a *conference.AgendaSheet, se *conference.Session) string {
	var parts []string
	if n := a.People[se.Chair]; n != "" {
		parts = append(parts, "Chair: "+n)
	}
	var raps []string
	for _, id := range se.Rapporteurs {
		if n := a.People[id]; n != "" {
			raps = append(raps, n)
		}
	}
	if len(raps) > 0 {
		parts = append(parts, "Rapporteurs: "+strings.Join(raps, ", "))
	}
	return strings.Join(parts, "; ")
}

func topicsOf(a *conference.AgendaSheet, se *conference.Session) string {
	var ts []string
	for _, id := range se.Topics {
		if t := a.Topics[id]; t != "" {
			ts = append(ts, t)
		}
	}
	return strings.Join(ts, ", ")
}

// WriteAgendaPDF renders the agenda as PDF, the meeting on every page.
func WriteAgendaPDF(w io.Writer, a *conference.AgendaSheet) error {
	m := a.Meeting
	header := fmt.Sprintf("%s · %s · %s to %s", m.Title, m.City, m.StartDate, m.EndDate)
	// Dated by the meeting, not the moment: the same agenda is the same file.
	first, _ := time.Parse(conference.DateLayout, m.StartDate)
	return PDF(w, AgendaDoc(a).Document(header, "Agenda", first))
}

// AgendaICS renders the agenda as iCalendar: one event per session, at its
// instant (UTC, which every calendar shows in its reader's zone), with the
// meeting's own wall-clock times in the description, the room as its
// location and the topics as categories. A session's version is the
// event's sequence, so that a calendar importing it again takes the change.
func AgendaICS(a *conference.AgendaSheet) string {
	m := a.Meeting
	loc := m.Location()
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Quintet of Attorneys General//Quintet//EN")
	cal.SetXWRCalName("Quintet agenda — " + m.Title)
	cal.SetXWRCalDesc("The sessions of " + m.Title + ", " + m.City)
	cal.SetXWRTimezone(m.TimeZone)
	for _, se := range a.Sessions {
		e := cal.AddEvent(se.ID + "@quintet")
		// DTSTAMP is when the event was last written; the session's start
		// stands in, so that the same agenda is the same file (SEQUENCE
		// says which version is newer).
		e.SetDtStampTime(se.Start)
		e.SetSequence(int(se.Version))
		e.SetStartAt(se.Start)
		e.SetEndAt(se.End)
		e.SetSummary(se.Title)
		where := se.Room
		if m.Venue != "" {
			where = strings.TrimPrefix(where+", "+m.Venue, ", ")
		}
		if where != "" {
			e.SetLocation(where)
		}
		desc := []string{sessionTimes(se.Start.In(loc), se.End.In(loc)) + " " + m.City + " time (" + m.TimeZone + ")"}
		if t := topicsOf(a, se); t != "" {
			desc = append(desc, "Topics: "+t)
			e.SetProperty(ics.ComponentPropertyCategories, t)
		}
		if p := peopleOf(a, se); p != "" {
			desc = append(desc, p)
		}
		e.SetDescription(strings.Join(desc, "\n"))
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	return cal.Serialize(ics.WithNewLineWindows)
}
