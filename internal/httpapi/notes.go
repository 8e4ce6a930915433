package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// noteAPI serves a session's record.
type noteAPI struct {
	replies
	svc interface {
		Notes(ctx context.Context, actor *conference.User, sessionID string, after int64) ([]*conference.Note, int64, error)
		PostNote(ctx context.Context, actor *conference.User, sessionID string, in conference.NoteInput) (*conference.Note, bool, error)
	}
}

func (h *noteAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/sessions/:id/notes", summary: "The session's record after seq ?after=N, as the reader may read it, a page at a time", access: signedIn, reply: NotePage{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/sessions/:id/notes", summary: "Post a note (201), or retry one with the same client_id (200)", access: signedIn, body: conference.NoteInput{}, reply: conference.Note{}, status: 201, handle: h.post, self: v1 + "/sessions/:session_id/notes"},
	}
}

// NotePage is a stretch of a session's record: the notes after a seq that the
// reader may read, and the seq the stretch covers up to, read or not, which
// is where the reader's place moves to: the record's last seq on the last
// page, the page's last note's before.
type NotePage struct {
	Items      []*conference.Note `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
	LastSeq    int64              `json:"last_seq"`
}

func (h *noteAPI) list(c *gin.Context) {
	var after int64
	if s := c.Query("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			h.writeError(c, conference.Invalid("after", "The after parameter must be a whole number, 0 or more."))
			return
		}
		after = n
	}
	notes, last, err := h.svc.Notes(c, actor(c), c.Param("id"), after)
	r, ok := readListAfter(c, h, err)
	if !ok {
		return
	}
	items, next := linkedPage(c, r, notes, func(n *conference.Note) string { return n.ID })
	if next != "" {
		last = items[len(items)-1].Seq
	}
	h.respond(c, http.StatusOK, NotePage{Items: items, NextCursor: next, LastSeq: last}, nil)
}

// post answers 201 for a new note and 200 for a retry of one already stored.
func (h *noteAPI) post(c *gin.Context) {
	var in conference.NoteInput
	if !h.bind(c, &in) {
		return
	}
	n, created, err := h.svc.PostNote(c, actor(c), c.Param("id"), in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	h.respond(c, status, n, err)
}
