package export

import (
	"fmt"
	"io"
	"slices"
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
// wall-clock times in the meeting's zone (TZID, with the zone's VTIMEZONE,
// so that a calendar shows it right in its reader's own zone), with those
// times and the zone's name in the description too, the room as its
// location and the topics as categories. A session's version is the
// event's sequence, so that a calendar importing it again takes the change.
func AgendaICS(a *conference.AgendaSheet) string {
	m := a.Meeting
	cal := newAgendaCalendar("Quintet agenda — "+m.Title, "The sessions of "+m.Title+", "+m.City, m.TimeZone, []*conference.AgendaSheet{a})
	return cal.Serialize(ics.WithNewLineWindows)
}

// AgendaFeedICS renders the agendas of several meetings as one calendar, for
// a subscription: each session as AgendaICS has it, in its own meeting's
// zone. It names no one: whoever holds the URL reads the file.
func AgendaFeedICS(sheets []*conference.AgendaSheet) string {
	zone := ""
	if len(sheets) > 0 {
		zone = sheets[0].Meeting.TimeZone // the most recent meeting's
	}
	cal := newAgendaCalendar("Quintet agenda", "The sessions of the Quintet's meetings", zone, sheets)
	return cal.Serialize(ics.WithNewLineWindows)
}

func newAgendaCalendar(title, desc, zone string, sheets []*conference.AgendaSheet) *ics.Calendar {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Quintet of Attorneys General//Quintet//EN")
	cal.SetXWRCalName(title)
	cal.SetXWRCalDesc(desc)
	if zone != "" {
		cal.SetXWRTimezone(zone)
	}
	addTimezones(cal, sheets)
	for _, a := range sheets {
		addAgendaEvents(cal, a)
	}
	return cal
}

// zoned reports whether m's sessions are written with its TZID: they are
// when its zone is a known one other than UTC; else they are written in UTC.
func zoned(m *conference.Meeting) (*time.Location, bool) {
	loc := m.Location()
	return loc, loc != time.UTC && m.TimeZone != "" && m.TimeZone != "UTC"
}

// icsLocal is iCalendar's form of a local date and time, without a zone.
const icsLocal = "20060102T150405"

func addAgendaEvents(cal *ics.Calendar, a *conference.AgendaSheet) {
	m := a.Meeting
	loc, tz := zoned(m)
	for _, se := range a.Sessions {
		e := cal.AddEvent(se.ID + "@quintet")
		// DTSTAMP is when the event was last written; the session's start
		// stands in, so that the same agenda is the same file (SEQUENCE
		// says which version is newer).
		e.SetDtStampTime(se.Start)
		e.SetSequence(int(se.Version))
		if tz {
			e.SetProperty(ics.ComponentPropertyDtStart, se.Start.In(loc).Format(icsLocal), ics.WithTZID(m.TimeZone))
			e.SetProperty(ics.ComponentPropertyDtEnd, se.End.In(loc).Format(icsLocal), ics.WithTZID(m.TimeZone))
		} else {
			e.SetStartAt(se.Start)
			e.SetEndAt(se.End)
		}
		e.SetSummary(se.Title)
		where := se.Room
		if m.Venue != "" {
			where = strings.TrimPrefix(where+", "+m.Venue, ", ")
		}
		if where != "" {
			e.SetLocation(where)
		}
		desc := []string{m.Title + ", " + sessionTimes(se.Start.In(loc), se.End.In(loc)) + " " + m.City + " time (" + m.TimeZone + ")"}
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
}

// addTimezones adds a VTIMEZONE for each zone the sessions are written in.
// Each holds an observance for every offset in force around each meeting's
// sessions (from a day before the first to a day after the last), found
// from the Go time zone database, so that a calendar that does not know
// the IANA name still places every event right; offsets outside those
// spans are not needed by any event and are left out.
func addTimezones(cal *ics.Calendar, sheets []*conference.AgendaSheet) {
	type observance struct {
		at       time.Time // the instant it starts
		from, to int       // offsets east of UTC, seconds
		name     string
		dst      bool
	}
	zones := map[string]map[int64]observance{}
	var order []string
	for _, a := range sheets {
		loc, tz := zoned(a.Meeting)
		if !tz || len(a.Sessions) == 0 {
			continue
		}
		first, last := a.Sessions[0].Start, a.Sessions[0].End
		for _, se := range a.Sessions {
			first, last = minTime(first, se.Start), maxTime(last, se.End)
		}
		name := a.Meeting.TimeZone
		if zones[name] == nil {
			zones[name] = map[int64]observance{}
			order = append(order, name)
		}
		t := first.Add(-24 * time.Hour).Truncate(time.Hour)
		abbr, off := t.In(loc).Zone()
		// Each span opens with the offset in force at its start, whatever
		// the spans of other meetings in the zone say.
		obs := zones[name]
		obs[t.Unix()] = observance{at: t, from: off, to: off, name: abbr, dst: t.In(loc).IsDST()}
		for end := last.Add(24 * time.Hour); t.Before(end); {
			next := t.Add(time.Hour)
			_, o := next.In(loc).Zone()
			if o != off {
				// The change lies within the hour: find its minute.
				lo, hi := t, next
				for hi.Sub(lo) > time.Minute {
					mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Minute)
					if mid.Equal(lo) {
						break
					}
					if _, x := mid.In(loc).Zone(); x == off {
						lo = mid
					} else {
						hi = mid
					}
				}
				n, _ := hi.In(loc).Zone()
				obs[hi.Unix()] = observance{at: hi, from: off, to: o, name: n, dst: hi.In(loc).IsDST()}
				off = o
			}
			t = next
		}
	}
	for _, name := range order {
		tz := cal.AddTimezone(name)
		obs := zones[name]
		keys := make([]int64, 0, len(obs))
		for k := range obs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			o := obs[k]
			var c *ics.ComponentBase
			if o.dst {
				d := &ics.Daylight{}
				tz.Components = append(tz.Components, d)
				c = &d.ComponentBase
			} else {
				c = &tz.AddStandard().ComponentBase
			}
			// DTSTART is the local time at which it starts, read in the
			// offset in force before it.
			c.AddProperty(ics.ComponentPropertyDtStart, o.at.In(time.FixedZone("", o.from)).Format(icsLocal))
			c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(o.from))
			c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(o.to))
			c.AddProperty(ics.ComponentProperty(ics.PropertyTzname), o.name)
		}
	}
}

// utcOffset is iCalendar's form of an offset: +hhmm or -hhmm.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
