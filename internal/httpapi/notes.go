package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// NotePage is a stretch of a session's record: the notes after a seq that the
// reader may read, and the record's last seq, read or not, which is where the
// reader's cursor moves to.
type NotePage struct {
	Notes   []*conference.Note `json:"notes"`
	LastSeq int64              `json:"last_seq"`
}

func (a *api) listNotes(c *gin.Context) {
	var after int64
	if s := c.Query("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			a.writeError(c, conference.Invalid("after", "after must be a whole number, 0 or more"))
			return
		}
		after = n
	}
	notes, last, err := a.svc.Notes(c, actor(c), c.Param("id"), after)
	a.respond(c, http.StatusOK, NotePage{Notes: notes, LastSeq: last}, err)
}

// postNote answers 201 for a new note and 200 for a retry of one already stored.
func (a *api) postNote(c *gin.Context) {
	var in conference.NoteInput
	if !a.bind(c, &in) {
		return
	}
	n, created, err := a.svc.PostNote(c, actor(c), c.Param("id"), in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	a.respond(c, status, n, err)
}

func (a *api) startSession(c *gin.Context) {
	v, err := a.svc.StartSession(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) endSession(c *gin.Context) {
	v, err := a.svc.EndSession(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}
