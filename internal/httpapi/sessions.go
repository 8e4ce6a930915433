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
		{method: "GET", path: v1 + "/meetings/:id/sessions", summary: "The meeting's agenda: its sessions by start", access: signedIn, reply: listPage[*conference.Session]{}, status: 200, handle: h.agenda},
		{method: "POST", path: v1 + "/meetings/:id/sessions", summary: "Add a session to the agenda", access: admin, body: conference.SessionInput{}, reply: conference.Session{}, status: 201, handle: paramBodyCall(h, 201, "id", h.svc.CreateSession), self: v1 + "/sessions/:id"},

		{method: "GET", path: v1 + "/sessions/:id", summary: "Read a session", access: signedIn, reply: conference.Session{}, status: 200, handle: paramCall(h, 200, "id", h.svc.Session)},
		{method: "PATCH", path: v1 + "/sessions/:id", summary: "Edit or move a session, assign rapporteurs", access: admin, body: conference.SessionUpdate{}, reply: conference.Session{}, status: 200, handle: versionedCall(h, 200, "id", func(in *conference.SessionUpdate) **int64 { return &in.Version }, h.svc.UpdateSession)},
		{method: "DELETE", path: v1 + "/sessions/:id", summary: "Remove a scheduled session", access: admin, status: 204, handle: h.delete},
		{method: "POST", path: v1 + "/sessions/:id/start", summary: "Make the session live (its rapporteurs, chair, secretariat)", access: signedIn, reply: conference.Session{}, status: 200, handle: paramCall(h, 200, "id", h.svc.StartSession)},
		{method: "POST", path: v1 + "/sessions/:id/end", summary: "End the live session (its rapporteurs, chair, secretariat)", access: signedIn, reply: conference.Session{}, status: 200, handle: paramCall(h, 200, "id", h.svc.EndSession)},
	}
}

// agendaReads are what the agenda is made of: the same for every reader of
// the meeting.
var agendaReads = []conference.Collection{conference.Meetings, conference.Sessions}

// agenda is read by everyone at once at the start of a day: it is served
// from the answer cache.
func (h *sessionAPI) agenda(c *gin.Context) {
	id := c.Param("id")
	_, err := h.svc.Meeting(c, actor(c), id)
	r, ok := readListAfter(c, h, err)
	if !ok {
		return
	}
	k := answerKey{view: "agenda", query: id}
	if q := c.Request.URL.RawQuery; q != "" {
		k.query = id + "?" + q
	}
	h.answers.serve(c, h.svc, k, agendaReads, h, func() (answer, error) {
		sessions, err := h.svc.Agenda(c, actor(c), id)
		if err != nil {
			return answer{}, err
		}
		return listAnswer(r, sessions, func(s *conference.Session) string { return s.ID })
	})
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
