package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

// recordAPI serves the published versions of meeting records; the draft
// record is meetingAPI's.
type recordAPI struct {
	replies
	svc interface {
		PublishRecord(ctx context.Context, actor *conference.User, meetingID string, in conference.RecordPublish) (*conference.RecordVersion, error)
		RecordVersions(ctx context.Context, actor *conference.User, meetingID string) ([]*conference.RecordVersion, error)
		RecordVersion(ctx context.Context, actor *conference.User, meetingID string, number int64) (*conference.RecordVersion, error)
	}
}

const versionsPath = v1 + "/meetings/:id/record/versions"

func (h *recordAPI) routes() []route {
	return []route{
		{method: "GET", path: versionsPath, summary: "The published versions of the meeting record that the reader's clearance covers, newest first, without their content", access: signedIn, reply: listPage[*conference.RecordVersion]{}, status: 200, handle: h.list},
		{method: "POST", path: versionsPath, summary: "Publish the meeting record as its next version: frozen as a reader of the marking given reads it (secretariat)", access: admin, body: conference.RecordPublish{}, reply: conference.RecordVersion{}, status: 201, handle: paramBodyCall(h, 201, "id", h.svc.PublishRecord), self: versionsPath + "/:number"},
		{method: "GET", path: versionsPath + "/:number", summary: "A published version of the meeting record, with its content", access: signedIn, reply: conference.RecordVersion{}, status: 200, handle: h.get},
		{method: "GET", path: versionsPath + "/:number/record.html", summary: "A published version of the meeting record as a printable page", access: signedIn, status: 200, handle: h.html},
		{method: "GET", path: versionsPath + "/:number/record.md", summary: "A published version of the meeting record as Markdown", access: signedIn, status: 200, handle: h.markdown},
		{method: "GET", path: versionsPath + "/:number/record.pdf", summary: "A published version of the meeting record as PDF, its marking on every page", access: signedIn, status: 200, handle: h.pdf},
	}
}

func (h *recordAPI) list(c *gin.Context) {
	v, err := h.svc.RecordVersions(c, actor(c), c.Param("id"))
	listOf(c, h, v, err, func(v *conference.RecordVersion) string { return v.ID })
}

// version reads the version the path names, or answers the error.
func (h *recordAPI) version(c *gin.Context) (*conference.RecordVersion, bool) {
	n, err := conference.ParseRecordNumber(c.Param("number"))
	if err == nil {
		var v *conference.RecordVersion
		if v, err = h.svc.RecordVersion(c, actor(c), c.Param("id"), n); err == nil {
			return v, true
		}
	}
	h.writeError(c, err)
	return nil, false
}

func (h *recordAPI) get(c *gin.Context) {
	if v, ok := h.version(c); ok {
		h.respond(c, http.StatusOK, v, nil)
	}
}

// A version never changes, so its files are answered with an ETag of their
// bytes and 304 to a client that has them.

func (h *recordAPI) html(c *gin.Context) {
	h.file(c, "text/html; charset=utf-8", "html", export.WriteVersionHTML, map[string]string{
		"Content-Security-Policy": recordPageCSP,
	})
}

func (h *recordAPI) markdown(c *gin.Context) {
	write := func(w io.Writer, v *conference.RecordVersion) error { export.WriteVersionMarkdown(w, v); return nil }
	h.file(c, "text/markdown; charset=utf-8", "md", write, nil)
}

func (h *recordAPI) pdf(c *gin.Context) {
	h.file(c, "application/pdf", "pdf", export.WriteVersionPDF, nil)
}

func (h *recordAPI) file(c *gin.Context, contentType, ext string, write func(io.Writer, *conference.RecordVersion) error, headers map[string]string) {
	v, ok := h.version(c)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, v); err != nil {
		h.writeError(c, err)
		return
	}
	for name, value := range headers {
		c.Header(name, value)
	}
	// The meeting id follows the one id pattern: safe in a quoted file name.
	c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="%s-record-v%d.%s"`, v.MeetingID, v.Number, ext))
	writeConditional(c, contentType, buf.Bytes())
}
