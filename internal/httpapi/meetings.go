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
	briefs *answerCache // the brief in each of its forms (cache.go)
	svc    interface {
		generations
		BriefKey(ctx context.Context, actor *conference.User, id string, f conference.BriefFilter) (string, conference.BriefFilter, error)
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

// briefReads are what a brief is made of: the meetings and their agendas,
// topics, the actions and outcomes of earlier meetings (and so the links and
// register entries they concern), the delegations, and the users, whose role
// is their clearance.
var briefReads = []conference.Collection{conference.Meetings, conference.Sessions, conference.Topics,
	conference.Actions, conference.Outcomes, conference.Register, conference.Links, conference.Delegations,
	conference.Users}

// briefLimits bound the briefs kept. A brief of all five over 10,000 actions
// encodes to about 8 MB of JSON; the web app asks for a few (all five, one
// delegation, per clearance), so a few dozen cover every reader.
var briefLimits = cacheLimits{answers: 64, bytes: 96 << 20, one: 24 << 20}

// serveBrief answers the brief in the form render makes, from the brief
// cache: keyed by what the domain says determines the view (BriefKey), kept
// while the collections a brief reads are unchanged. A request the domain
// refuses is refused before the cache is looked at.
func (h *meetingAPI) serveBrief(c *gin.Context, view string, render func(*conference.Brief) (answer, error)) {
	id := c.Param("id")
	key, f, err := h.svc.BriefKey(c, actor(c), id, conference.BriefFilter{Delegation: c.Query("delegation"), Date: c.Query("date")})
	if err != nil {
		h.writeError(c, err)
		return
	}
	k := answerKey{view: view, reader: key}
	h.briefs.serve(c, h.svc, k, briefReads, h, func() (answer, error) {
		b, err := h.svc.Brief(c, actor(c), id, f)
		if err != nil {
			return answer{}, err
		}
		return render(b)
	})
}

func (h *meetingAPI) brief(c *gin.Context) {
	h.serveBrief(c, "brief", func(b *conference.Brief) (answer, error) { return jsonAnswer(b, nil) })
}

func (h *meetingAPI) briefHTML(c *gin.Context) {
	h.serveBrief(c, "brief.html", func(b *conference.Brief) (answer, error) {
		var buf bytes.Buffer
		if err := export.WriteHTML(&buf, export.BriefDoc(b)); err != nil {
			return answer{}, err
		}
		return answer{body: buf.Bytes(), total: -1, contentType: "text/html; charset=utf-8",
			headers: map[string]string{"Content-Security-Policy": recordPageCSP}}, nil
	})
}

func (h *meetingAPI) briefMarkdown(c *gin.Context) {
	h.serveBrief(c, "brief.md", func(b *conference.Brief) (answer, error) {
		var buf bytes.Buffer
		export.WriteMarkdown(&buf, export.BriefDoc(b))
		return answer{body: buf.Bytes(), total: -1, contentType: "text/markdown; charset=utf-8",
			headers: map[string]string{"Content-Disposition": `inline; filename="brief.md"`}}, nil
	})
}

func (h *meetingAPI) briefPDF(c *gin.Context) {
	h.serveBrief(c, "brief.pdf", func(b *conference.Brief) (answer, error) {
		var buf bytes.Buffer
		if err := export.WriteBriefPDF(&buf, b); err != nil {
			return answer{}, err
		}
		// The meeting id follows the one id pattern: safe in a quoted file name.
		return answer{body: buf.Bytes(), total: -1, contentType: "application/pdf", conditional: true,
			headers: map[string]string{"Content-Disposition": fmt.Sprintf(`inline; filename="%s-brief-%s.pdf"`, b.Meeting.ID, b.Date)}}, nil
	})
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
