package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

// feedAPI serves the delegations' calendar feeds of action due dates.
type feedAPI struct {
	replies
	svc interface {
		IssueCalendarFeed(ctx context.Context, actor *conference.User, code string) (string, error)
		RevokeCalendarFeed(ctx context.Context, actor *conference.User, code string) error
		CalendarFeed(ctx context.Context, secret string) (*conference.Delegation, []*conference.Action, error)
		Today() (today, soon string)
	}
}

func (h *feedAPI) routes() []route {
	return []route{
		{method: "POST", path: v1 + "/delegations/:code/calendar", summary: "Issue the delegation's calendar feed URL, revoking any earlier one (secretariat, its heads and follow-up team)", access: signedIn, reply: CalendarFeed{}, status: 201, handle: h.issue, self: v1 + "/calendar/:secret.ics"},
		{method: "DELETE", path: v1 + "/delegations/:code/calendar", summary: "Revoke the delegation's calendar feed", access: signedIn, status: 204, handle: h.revoke},
		{method: "GET", path: v1 + "/calendar/:feed", summary: "A delegation's action due dates as iCalendar; the secret URL is the credential", access: public, status: 200, handle: h.calendar},
	}
}

// CalendarFeed is a delegation's calendar feed address. The secret is shown
// once, when issued: only its hash is kept.
type CalendarFeed struct {
	Delegation string `json:"delegation"`
	// Path is the feed's address on this server; a calendar application
	// subscribes to it (prefixed with the server's origin).
	Path   string `json:"path"`
	Secret string `json:"secret"`
}

func (h *feedAPI) issue(c *gin.Context) {
	code := strings.ToUpper(c.Param("code"))
	secret, err := h.svc.IssueCalendarFeed(c, actor(c), code)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, CalendarFeed{Delegation: code, Path: v1 + "/calendar/" + secret + ".ics", Secret: secret})
}

func (h *feedAPI) revoke(c *gin.Context) {
	err := h.svc.RevokeCalendarFeed(c, actor(c), strings.ToUpper(c.Param("code")))
	h.respond(c, http.StatusNoContent, nil, err)
}

// calendar serves a delegation's feed to whoever holds its secret URL: a
// calendar application, without a login.
func (h *feedAPI) calendar(c *gin.Context) {
	secret := strings.TrimSuffix(c.Param("feed"), ".ics")
	d, actions, err := h.svc.CalendarFeed(c, secret)
	if err != nil {
		h.writeError(c, err)
		return
	}
	today, _ := h.svc.Today()
	body := export.CalendarICS(d, actions, today)
	// The URL is a credential: keep it out of shared caches and referrers.
	c.Header("Cache-Control", "private, no-store")
	writeConditional(c, "text/calendar; charset=utf-8", []byte(body))
}
