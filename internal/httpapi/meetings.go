package httpapi

import (
	"bytes"
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

// meetingAPI serves meetings and the meeting record.
type meetingAPI struct {
	replies
	svc interface {
		Meetings(ctx context.Context, actor *conference.User) ([]*conference.Meeting, error)
		Meeting(ctx context.Context, actor *conference.User, id string) (*conference.Meeting, error)
		CreateMeeting(ctx context.Context, actor *conference.User, in conference.Meeting) (*conference.Meeting, error)
		UpdateMeeting(ctx context.Context, actor *conference.User, id string, in conference.MeetingUpdate) (*conference.Meeting, error)
		MeetingRecord(ctx context.Context, actor *conference.User, id string) (*conference.Record, error)
	}
}

func (h *meetingAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/meetings", summary: "List meetings, most recent first", access: signedIn, reply: []conference.Meeting{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/meetings", summary: "Create a meeting", access: admin, body: conference.Meeting{}, reply: conference.Meeting{}, status: 201, handle: h.create},
		{method: "GET", path: v1 + "/meetings/:id", summary: "Read a meeting", access: signedIn, reply: conference.Meeting{}, status: 200, handle: h.get},
		{method: "PATCH", path: v1 + "/meetings/:id", summary: "Change a meeting", access: admin, body: conference.MeetingUpdate{}, reply: conference.Meeting{}, status: 200, handle: h.update},
		{method: "GET", path: v1 + "/meetings/:id/record.html", summary: "The meeting record as a printable page: sessions, agreed outcomes with sign-offs, actions", access: signedIn, status: 200, handle: h.recordHTML},
		{method: "GET", path: v1 + "/meetings/:id/record.md", summary: "The meeting record as Markdown", access: signedIn, status: 200, handle: h.recordMarkdown},
	}
}

func (h *meetingAPI) list(c *gin.Context) {
	v, err := h.svc.Meetings(c, actor(c))
	h.respond(c, http.StatusOK, v, err)
}

func (h *meetingAPI) get(c *gin.Context) {
	v, err := h.svc.Meeting(c, actor(c), c.Param("id"))
	h.respond(c, http.StatusOK, v, err)
}

func (h *meetingAPI) create(c *gin.Context) {
	var in conference.Meeting
	if !h.bind(c, &in) {
		return
	}
	v, err := h.svc.CreateMeeting(c, actor(c), in)
	h.respond(c, http.StatusCreated, v, err)
}

func (h *meetingAPI) update(c *gin.Context) {
	var in conference.MeetingUpdate
	if !h.bind(c, &in) {
		return
	}
	pre, err := precondition(c, &in.Version)
	if err != nil {
		h.writeError(c, err)
		return
	}
	v, err := h.svc.UpdateMeeting(c, actor(c), c.Param("id"), in)
	h.respond(c, http.StatusOK, v, pre.check(err))
}

// The record holds only what the reader may read: agreed outcomes within
// their clearance, and the actions they may see.

func (h *meetingAPI) recordHTML(c *gin.Context) {
	r, err := h.svc.MeetingRecord(c, actor(c), c.Param("id"))
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := export.WriteRecordHTML(&buf, r); err != nil {
		h.writeError(c, err)
		return
	}
	// The page's one stylesheet is inline; the policy allows exactly it, by
	// hash, and nothing else: no script runs on this page.
	c.Header("Content-Security-Policy", "default-src 'none'; style-src '"+export.RecordStyleHash+"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

func (h *meetingAPI) recordMarkdown(c *gin.Context) {
	r, err := h.svc.MeetingRecord(c, actor(c), c.Param("id"))
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	export.WriteRecordMarkdown(&buf, r)
	c.Header("Content-Disposition", `inline; filename="record.md"`)
	c.Data(http.StatusOK, "text/markdown; charset=utf-8", buf.Bytes())
}
