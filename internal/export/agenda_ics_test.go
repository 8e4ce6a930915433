package export

import (
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// A session is written at its wall-clock time in the meeting's zone, and the
// zone's VTIMEZONE holds the offsets in force around the meeting's
// sessions, a change of offset within them included, read in the offset
// before it, as RFC 5545 has it.
func TestAgendaFeedICSZones(t *testing.T) {
	sheet := func(id, zone string, start time.Time) *conference.AgendaSheet {
		return &conference.AgendaSheet{
			Meeting:  &conference.Meeting{ID: id, Title: id, City: "City", TimeZone: zone},
			Sessions: []*conference.Session{{ID: id + "-s1", Title: "Opening", Start: start, End: start.Add(time.Hour), Version: 1}},
			Topics:   map[string]string{}, People: map[string]string{},
		}
	}
	// London's clocks go forward at 01:00 UTC on 30 March 2014; Ottawa's
	// meeting is in summer time.
	london := sheet("london", "Europe/London", time.Date(2014, 3, 30, 9, 0, 0, 0, time.UTC))
	ottawa := sheet("ottawa", "America/Toronto", time.Date(2015, 7, 6, 13, 0, 0, 0, time.UTC))
	utc := sheet("nowhere", "UTC", time.Date(2016, 1, 1, 9, 0, 0, 0, time.UTC))
	got := AgendaFeedICS([]*conference.AgendaSheet{ottawa, london, utc})
	for _, want := range []string{
		"DTSTART;TZID=Europe/London:20140330T100000",
		"DTEND;TZID=Europe/London:20140330T110000",
		"DTSTART;TZID=America/Toronto:20150706T090000",
		"DTSTART:20160101T090000Z", // UTC needs no zone
		"BEGIN:VTIMEZONE\r\nTZID:Europe/London",
		// London's change, read in GMT, and the summer offset it starts.
		"BEGIN:DAYLIGHT\r\nDTSTART:20140330T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST",
		"TZID:America/Toronto",
		"TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the feed lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "BEGIN:VTIMEZONE") != 2 || strings.Count(got, "BEGIN:VEVENT") != 3 {
		t.Errorf("want two zones and three events:\n%s", got)
	}
}
