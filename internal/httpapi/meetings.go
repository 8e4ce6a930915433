package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

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
		DeleteMeeting(ctx context.Context, actor *conference.User, id string, version *int64) error
		CloseMeeting(ctx context.Context, actor *conference.User, id string, in conference.StatusInput) (*conference.Meeting, error)
		ReopenMeeting(ctx context.Context, actor *conference.User, id string, in conference.StatusInput) (*conference.Meeting, error)
		MeetingRecord(ctx context.Context, actor *conference.User, id string) (*conference.Record, error)
		MeetingAgendaSheet(ctx context.Context, actor *conference.User, id string) (*conference.AgendaSheet, error)
		Brief(ctx context.Context, actor *conference.User, id string, f conference.BriefFilter) (*conference.Brief, error)
	}
}

func (h *meetingAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/meetings", summary: "List meetings, most recent first", access: signedIn, reply: listPage[*conference.Meeting]{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/meetings", summary: "Create a meeting", access: admin, body: conference.Meeting{}, reply: conference.Meeting{}, status: 201, handle: bodyCall(h, 201, h.svc.CreateMeeting), self: v1 + "/meetings/:id"},
		{method: "GET", path: v1 + "/meetings/:id", summary: "Read a meeting", access: signedIn, reply: conference.Meeting{}, status: 200, handle: paramCall(h, 200, "id", h.svc.Meeting)},
		{method: "PATCH", path: v1 + "/meetings/:id", summary: "Change a meeting", access: admin, body: conference.MeetingUpdate{}, reply: conference.Meeting{}, status: 200, handle: versionedCall(h, 200, "id", func(in *conference.MeetingUpdate) **int64 { return &in.Version }, h.svc.UpdateMeeting)},
		{method: "DELETE", path: v1 + "/meetings/:id", summary: "Delete a meeting while it is empty: no session, no action", access: admin, status: 204, handle: h.delete},
		{method: "POST", path: v1 + "/meetings/:id/close", summary: "Close a meeting before its dates would, with the reason; recorded in its history", access: admin, body: conference.StatusInput{}, reply: conference.Meeting{}, status: 200, handle: paramBodyCall(h, 200, "id", h.svc.CloseMeeting)},
		{method: "POST", path: v1 + "/meetings/:id/reopen", summary: "Reopen a closed meeting, with the reason; recorded in its history", access: admin, body: conference.StatusInput{}, reply: conference.Meeting{}, status: 200, handle: paramBodyCall(h, 200, "id", h.svc.ReopenMeeting)},
		{method: "GET", path: v1 + "/meetings/:id/record.html", summary: "The meeting record as a printable page: sessions, agreed outcomes with sign-offs, actions", access: signedIn, status: 200, handle: h.recordHTML},
		{method: "GET", path: v1 + "/meetings/:id/record.md", summary: "The meeting record as Markdown", access: signedIn, status: 200, handle: h.recordMarkdown},
		{method: "GET", path: v1 + "/meetings/:id/brief", summary: "The brief for the meeting, of one delegation or all five: per topic, the earlier outcomes, actions and their progress since the previous meeting, overdue, register since, gaps", access: signedIn, reply: conference.Brief{}, status: 200, handle: h.brief},
		{method: "GET", path: v1 + "/meetings/:id/brief.html", summary: "The brief as a printable page", access: signedIn, status: 200, handle: h.briefHTML},
		{method: "GET", path: v1 + "/meetings/:id/brief.md", summary: "The brief as Markdown", access: signedIn, status: 200, handle: h.briefMarkdown},
		{method: "GET", path: v1 + "/meetings/:id/agenda.html", summary: "The agenda as a printable page, day by day, in the meeting's time zone", access: signedIn, status: 200, handle: h.agendaHTML},
		{method: "GET", path: v1 + "/meetings/:id/agenda.pdf", summary: "The agenda as PDF", access: signedIn, status: 200, handle: h.agendaPDF},
		{method: "GET", path: v1 + "/meetings/:id/agenda.ics", summary: "The agenda as iCalendar: one event per session, with its room and topics", access: signedIn, status: 200, handle: h.agendaICS},
		{method: "GET", path: v1 + "/meetings/:id/brief.pdf", summary: "The brief as PDF, the meeting and the reader's clearance on every page", access: signedIn, status: 200, handle: h.briefPDF},
	}
}

func (h *meetingAPI) delete(c *gin.Context) {
	var in versionBody
	if !bindOptional(h, c, &in) {
		return
	}
	pre, err := precondition(c, &in.Version)
	if err != nil {
		h.writeError(c, err)
		return
	}
	err = h.svc.DeleteMeeting(c, actor(c), c.Param("id"), in.Version)
	h.respond(c, http.StatusNoContent, nil, pre.check(err))
}

// The record holds only what the reader may read: agreed outcomes within
// their clearance, and the actions they may see.

func (h *meetingAPI) recordHTML(c *gin.Context) {
	// The page's one stylesheet is inline; the policy allows exactly it, by
	// hash, and nothing else: no script runs on this page.
	h.record(c, "text/html; charset=utf-8", export.WriteRecordHTML, map[string]string{
		"Content-Security-Policy": recordPageCSP,
	})
}

func (h *meetingAPI) recordMarkdown(c *gin.Context) {
	write := func(w io.Writer, r *conference.Record) error { export.WriteRecordMarkdown(w, r); return nil }
	h.record(c, "text/markdown; charset=utf-8", write, map[string]string{"Content-Disposition": `inline; filename="record.md"`})
}

// record answers the meeting record as write makes it, as contentType, with
// headers.
func (h *meetingAPI) record(c *gin.Context, contentType string, write func(io.Writer, *conference.Record) error, headers map[string]string) {
	r, err := h.svc.MeetingRecord(c, actor(c), c.Param("id"))
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, r); err != nil {
		h.writeError(c, err)
		return
	}
	for name, v := range headers {
		c.Header(name, v)
	}
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

func meetingID(m *conference.Meeting) string { return m.ID }

// meetingSorts are the keys the meeting list sorts by.
var meetingSorts = map[string]func(a, b *conference.Meeting) int{
	"start": func(a, b *conference.Meeting) int { return strings.Compare(a.StartDate, b.StartDate) },
}

func (h *meetingAPI) list(c *gin.Context) {
	v, err := h.svc.Meetings(c, actor(c))
	r, rerr := readList(c)
	if err == nil && rerr == nil && r.sort != lists["GET "+c.FullPath()].sorts[0] {
		v = sorted(v, r.sort, meetingSorts, meetingID)
	}
	listOf(c, h, v, err, meetingID)
}

func (h *meetingAPI) briefOf(c *gin.Context) (*conference.Brief, error) {
	return h.svc.Brief(c, actor(c), c.Param("id"), conference.BriefFilter{Delegation: c.Query("delegation"), Date: c.Query("date")})
}

func (h *meetingAPI) brief(c *gin.Context) {
	b, err := h.briefOf(c)
	h.respond(c, http.StatusOK, b, err)
}

func (h *meetingAPI) briefHTML(c *gin.Context) {
	b, err := h.briefOf(c)
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := export.WriteHTML(&buf, export.BriefDoc(b)); err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Content-Security-Policy", recordPageCSP)
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

func (h *meetingAPI) briefMarkdown(c *gin.Context) {
	b, err := h.briefOf(c)
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	export.WriteMarkdown(&buf, export.BriefDoc(b))
	c.Header("Content-Disposition", `inline; filename="brief.md"`)
	c.Data(http.StatusOK, "text/markdown; charset=utf-8", buf.Bytes())
}

func (h *meetingAPI) briefPDF(c *gin.Context) {
	b, err := h.briefOf(c)
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := export.WriteBriefPDF(&buf, b); err != nil {
		h.writeError(c, err)
		return
	}
	// The meeting id follows the one id pattern: safe in a quoted file name.
	c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="%s-brief-%s.pdf"`, b.Meeting.ID, b.Date))
	writeConditional(c, "application/pdf", buf.Bytes())
}

// recordPageCSP is the policy of every printable page (the record, its
// versions, the brief, the agenda): their one stylesheet and nothing else.
var recordPageCSP = "default-src 'none'; style-src '" + export.RecordStyleHash + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// agenda renders the meeting's agenda sheet with write and serves it, with
// an ETag of its bytes.
func (h *meetingAPI) agenda(c *gin.Context, contentType string, write func(io.Writer, *conference.AgendaSheet) error, headers map[string]string) {
	a, err := h.svc.MeetingAgendaSheet(c, actor(c), c.Param("id"))
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, a); err != nil {
		h.writeError(c, err)
		return
	}
	for name, value := range headers {
		c.Header(name, value)
	}
	writeConditional(c, contentType, buf.Bytes())
}

func (h *meetingAPI) agendaHTML(c *gin.Context) {
	h.agenda(c, "text/html; charset=utf-8", func(w io.Writer, a *conference.AgendaSheet) error {
		return export.WriteHTML(w, export.AgendaDoc(a))
	}, map[string]string{"Content-Security-Policy": recordPageCSP})
}

func (h *meetingAPI) agendaPDF(c *gin.Context) {
	h.agenda(c, "application/pdf", export.WriteAgendaPDF,
		map[string]string{"Content-Disposition": fmt.Sprintf(`inline; filename="%s-agenda.pdf"`, c.Param("id"))})
}

func (h *meetingAPI) agendaICS(c *gin.Context) {
	h.agenda(c, "text/calendar; charset=utf-8", func(w io.Writer, a *conference.AgendaSheet) error {
		_, err := io.WriteString(w, export.AgendaICS(a))
		return err
	}, map[string]string{"Content-Disposition": fmt.Sprintf(`attachment; filename="%s-agenda.ics"`, c.Param("id"))})
}
