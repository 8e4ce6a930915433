package httpapi

import (
	"context"
	"encoding/json"
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
		IssueAgendaFeed(ctx context.Context, actor *conference.User) (string, error)
		RevokeAgendaFeed(ctx context.Context, actor *conference.User) error
		AgendaFeed(ctx context.Context, secret string) (*conference.User, []*conference.AgendaSheet, error)
		Today() (today, soon string)
	}
}

func (h *feedAPI) routes() []route {
	return []route{
		{method: "POST", path: v1 + "/delegations/:code/calendar", summary: "Issue the delegation's calendar feed URL, revoking any earlier one (secretariat, its heads and follow-up team)", access: signedIn, reply: CalendarFeed{}, status: 201, handle: h.issue, self: v1 + "/calendar/:secret.ics"},
		{method: "DELETE", path: v1 + "/delegations/:code/calendar", summary: "Revoke the delegation's calendar feed", access: signedIn, status: 204, handle: h.revoke},
		{method: "GET", path: v1 + "/calendar/:feed", summary: "A delegation's action due dates as iCalendar; the secret URL is the credential", access: public, status: 200, handle: h.calendar},

		// 200, not 201: the answer holds the secret, which an
		// Idempotency-Key would keep in the store for a replay. A retry
		// issues a new URL, which replaces the first.
		{method: "POST", path: v1 + "/me/agenda-feed", summary: "Issue your agenda subscription URL: every meeting's sessions as iCalendar, as you read them (shown once; replaces any earlier one)", access: signedIn, reply: AgendaFeed{}, status: 200, handle: h.issueAgenda},
		{method: "DELETE", path: v1 + "/me/agenda-feed", summary: "Revoke your agenda subscription", access: signedIn, status: 204, handle: h.revokeAgenda},
		{method: "GET", path: v1 + "/agenda-feed/:feed", summary: "The sessions of every meeting as iCalendar, in each meeting's time zone, as the subscription's account reads them; the secret URL is the credential", access: public, status: 200, handle: h.agendaFeed},
	}
}

// CalendarFeed is a delegation's calendar feed address. The secret is shown
// once, when issued: only its hash is kept, and a replay of the answer to the
// same Idempotency-Key names the delegation without path or secret.
type CalendarFeed struct {
	Delegation string `json:"delegation"`
	// Path is the feed's address on this server; a calendar application
	// subscribes to it (prefixed with the server's origin).
	Path   string `json:"path,omitempty"`
	Secret string `json:"secret,omitempty"`
}

// AgendaFeed is the address of one's agenda subscription, shown once: only a
// hash of the secret is kept, and the answer is never stored for a replay.
type AgendaFeed struct {
	// Path is the feed's address on this server; a calendar application
	// subscribes to it (prefixed with the server's origin, https:// or
	// webcal://).
	Path   string `json:"path"`
	Secret string `json:"secret"`
}

func (h *feedAPI) issueAgenda(c *gin.Context) {
	secret, err := h.svc.IssueAgendaFeed(c, actor(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	// A secret: no cache anywhere keeps the answer.
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, AgendaFeed{Path: v1 + "/agenda-feed/" + secret + ".ics", Secret: secret})
}

func (h *feedAPI) revokeAgenda(c *gin.Context) {
	h.respond(c, http.StatusNoContent, nil, h.svc.RevokeAgendaFeed(c, actor(c)))
}

// agendaFeed serves an account's agenda subscription to whoever holds its
// secret URL, as that account reads the agenda now.
func (h *feedAPI) agendaFeed(c *gin.Context) {
	secret, ok := strings.CutSuffix(c.Param("feed"), ".ics")
	if !ok {
		secret = ""
	}
	_, sheets, err := h.svc.AgendaFeed(c, secret)
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", `inline; filename="quintet-agenda.ics"`)
	writeConditional(c, "text/calendar; charset=utf-8", []byte(export.AgendaFeedICS(sheets)))
}

func (h *feedAPI) issue(c *gin.Context) {
	code := strings.ToUpper(c.Param("code"))
	secret, err := h.svc.IssueCalendarFeed(c, actor(c), code)
	if err != nil {
		h.writeError(c, err)
		return
	}
	// What an Idempotency-Key keeps for a replay holds no secret: the store
	// keeps only the feed's hash.
	if b, err := json.Marshal(CalendarFeed{Delegation: code}); err == nil {
		c.Set(keptAnswerKey, b)
	}
	c.Header("Cache-Control", "no-store")
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
