package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// CalendarFeed is a delegation's calendar feed address. The secret is shown
// once, when issued: only its hash is kept.
type CalendarFeed struct {
	Delegation string `json:"delegation"`
	// Path is the feed's address on this server; a calendar application
	// subscribes to it (prefixed with the server's origin).
	Path   string `json:"path"`
	Secret string `json:"secret"`
}

func (f *followupAPI) issueCalendar(c *gin.Context) {
	code := strings.ToUpper(c.Param("code"))
	secret, err := f.svc.IssueCalendarFeed(c, actor(c), code)
	if err != nil {
		f.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, CalendarFeed{Delegation: code, Path: v1 + "/calendar/" + secret + ".ics", Secret: secret})
}

func (f *followupAPI) revokeCalendar(c *gin.Context) {
	err := f.svc.RevokeCalendarFeed(c, actor(c), strings.ToUpper(c.Param("code")))
	f.respond(c, http.StatusNoContent, nil, err)
}

// calendar serves a delegation's feed to whoever holds its secret URL: a
// calendar application, without a login.
func (f *followupAPI) calendar(c *gin.Context) {
	secret := strings.TrimSuffix(c.Param("feed"), ".ics")
	d, actions, err := f.svc.CalendarFeed(c, secret)
	if err != nil {
		f.writeError(c, err)
		return
	}
	today, _ := f.svc.Today()
	body := CalendarICS(d, actions, today)
	// The URL is a credential: keep it out of shared caches and referrers.
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", []byte(body))
}

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
