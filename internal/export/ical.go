package export

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/quintet-ag/quintet/internal/conference"
)

// CalendarICS renders a delegation's actions as an iCalendar feed: one
// all-day event on each action's due date. Dropped actions are CANCELLED
// events, so that a calendar removes them rather than keeping a stale entry.
func CalendarICS(d *conference.Delegation, actions []*conference.Action, today string) string {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Quintet of Attorneys General//Quintet//EN")
	cal.SetXWRCalName("Quintet actions — " + d.Name)
	cal.SetXWRCalDesc("Due dates of the Quintet actions owned by " + d.Name)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, a := range actions {
		due, err := time.Parse(conference.DateLayout, a.Due)
		if err != nil {
			continue // Validate keeps this from happening
		}
		e := cal.AddEvent(a.ID + "@quintet")
		e.SetDtStampTime(a.UpdatedAt)
		e.SetCreatedTime(a.CreatedAt)
		e.SetModifiedAt(a.UpdatedAt)
		e.SetSequence(int(a.Version))
		e.SetAllDayStartAt(due)
		e.SetAllDayEndAt(due.AddDate(0, 0, 1))
		prefix := ""
		if a.Status.Pending() && a.Due < today {
			prefix = "OVERDUE: "
		}
		e.SetSummary(fmt.Sprintf("%s%s [%s, %d%%]", prefix, a.Title, a.Status, a.Progress))
		desc := []string{
			"Owner: " + a.Owner + agencyOf(a),
			"Status: " + string(a.Status) + fmt.Sprintf(", %d%% done", a.Progress),
		}
		if a.Contact != "" {
			desc = append(desc, "Contact: "+a.Contact)
		}
		if a.Reason != "" {
			desc = append(desc, "Reason: "+a.Reason)
		}
		if a.Description != "" {
			desc = append(desc, "", a.Description)
		}
		if n := len(a.Reports); n > 0 {
			r := a.Reports[n-1]
			desc = append(desc, "", "Last report ("+r.At.UTC().Format(conference.DateLayout)+", "+r.AuthorName+"): "+r.Text)
		}
		e.SetDescription(strings.Join(desc, "\n"))
		switch a.Status {
		case conference.ActionDropped:
			e.SetStatus(ics.ObjectStatusCancelled)
		default:
			e.SetStatus(ics.ObjectStatusConfirmed)
		}
		e.SetProperty(ics.ComponentPropertyCategories, "Quintet action")
		e.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT") // a due date does not make anyone busy
	}
	// RFC 5545 lines end in CRLF, whatever the server's platform.
	return cal.Serialize(ics.WithNewLineWindows)
}

func agencyOf(a *conference.Action) string {
	if a.Agency == "" {
		return ""
	}
	return " (" + a.Agency + ")"
}
