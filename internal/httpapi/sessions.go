package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// sessionAPI serves the agenda and its sessions.
type sessionAPI struct {
	replies
	answers *answerCache
	svc     interface {
		generations
		Meeting(ctx context.Context, actor *conference.User, id string) (*conference.Meeting, error)
		Agenda(ctx context.Context, actor *conference.User, meetingID string) ([]*conference.Session, error)
		CreateSession(ctx context.Context, actor *conference.User, meetingID string, in conference.SessionInput) (*conference.Session, error)
		Session(ctx context.Context, actor *conference.User, id string) (*conference.Session, error)
		UpdateSession(ctx context.Context, actor *conference.User, id string, upd conference.SessionUpdate) (*conference.Session, error)
		DeleteSession(ctx context.Context, actor *conference.User, id string, version *int64) error
		StartSession(ctx context.Context, actor *conference.User, id string) (*conference.Session, error)
		EndSession(ctx context.Context, actor *conference.User, id string) (*conference.Session, error)
	}
}

func (h *sessionAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/meetings/:id/sessions", summary: "The meeting's agenda: its sessions by start", access: signedIn, reply: []conference.Session{}, status: 200, handle: h.agenda},
		{method: "POST", path: v1 + "/meetings/:id/sessions", summary: "Add a session to the agenda", access: admin, body: conference.SessionInput{}, reply: conference.Session{}, status: 201, handle: h.create},

		{method: "GET", path: v1 + "/sessions/:id", summary: "Read a session", access: signedIn, reply: conference.Session{}, status: 200, handle: h.get},
		{method: "PATCH", path: v1 + "/sessions/:id", summary: "Edit or move a session, assign rapporteurs", access: admin, body: conference.SessionUpdate{}, reply: conference.Session{}, status: 200, handle: h.update},
		{method: "DELETE", path: v1 + "/sessions/:id", summary: "Remove a scheduled session", access: admin, status: 204, handle: h.delete},
		{method: "POST", path: v1 + "/sessions/:id/start", summary: "Make the session live (its rapporteurs, chair, secretariat)", access: signedIn, reply: conference.Session{}, status: 200, handle: h.start},
		{method: "POST", path: v1 + "/sessions/:id/end", summary: "End the live session (its rapporteurs, chair, secretariat)", access: signedIn, reply: conference.Session{}, status: 200, handle: h.end},
	}
}

// agendaReads are what the agenda is made of: the same for every reader of
// the meeting.
var agendaReads = []conference.Collection{conference.Meetings, conference.Sessions}

// agenda is read by everyone at once at the start of a day: it is served
// from the answer cache.
func (h *sessionAPI) agenda(c *gin.Context) {
	id := c.Param("id")
	if _, err := h.svc.Meeting(c, actor(c), id); err != nil {
		h.writeError(c, err)
		return
	}
	h.answers.serve(c, h.svc, answerKey{view: "agenda", query: id}, agendaReads, h, func() (answer, error) {
		return jsonAnswer(h.svc.Agenda(c, actor(c), id))
	})
}

func (h *sessionAPI) create(c *gin.Context) {
	var in conference.SessionInput
	if !h.bind(c, &in) {
		return
	}
	v, err := h.svc.CreateSession(c, actor(c), c.Param("id"), in)
	h.respond(c, http.StatusCreated, v, err)
}

func (h *sessionAPI) get(c *gin.Context) {
	v, err := h.svc.Session(c, actor(c), c.Param("id"))
	h.respond(c, http.StatusOK, v, err)
}

func (h *sessionAPI) update(c *gin.Context) {
	var in conference.SessionUpdate
	if !h.bind(c, &in) {
		return
	}
	pre, err := precondition(c, &in.Version)
	if err != nil {
		h.writeError(c, err)
		return
	}
	v, err := h.svc.UpdateSession(c, actor(c), c.Param("id"), in)
	h.respond(c, http.StatusOK, v, pre.check(err))
}

func (h *sessionAPI) delete(c *gin.Context) {
	var in versionBody
	if !bindOptional(h, c, &in) {
		return
	}
	pre, err := precondition(c, &in.Version)
	if err != nil {
		h.writeError(c, err)
		return
	}
	err = h.svc.DeleteSession(c, actor(c), c.Param("id"), in.Version)
	h.respond(c, http.StatusNoContent, nil, pre.check(err))
}

func (h *sessionAPI) start(c *gin.Context) {
	v, err := h.svc.StartSession(c, actor(c), c.Param("id"))
	h.respond(c, http.StatusOK, v, err)
}

func (h *sessionAPI) end(c *gin.Context) {
	v, err := h.svc.EndSession(c, actor(c), c.Param("id"))
	h.respond(c, http.StatusOK, v, err)
}
