package httpapi

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// actionsCSV answers the action list, with the same filters and the same
// reader's clearance as /actions, as CSV that opens cleanly in a spreadsheet.
func (f *followupAPI) actionsCSV(c *gin.Context) {
	q, ok := f.actionQuery(c)
	if !ok {
		return
	}
	u := actor(c)
	actions, err := f.svc.Actions(c, u, q.filter)
	if err != nil {
		f.writeError(c, err)
		return
	}
	topics, err := f.svc.Topics(c, u)
	if err != nil {
		f.writeError(c, err)
		return
	}
	titles := make(map[string]string, len(topics))
	for _, t := range topics {
		titles[t.ID] = t.Title
	}
	c.Header("Content-Disposition", `attachment; filename="actions.csv"`)
	c.Status(http.StatusOK)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	if err := WriteActionsCSV(c.Writer, actions, titles); err != nil {
		f.log.Warn("write actions.csv", "err", err)
	}
}

// ActionsCSVHeader is the first row of actions.csv.
var ActionsCSVHeader = []string{
	"id", "title", "owner", "agency", "contact", "due", "status", "progress", "reason",
	"topics", "marking", "meeting", "session", "outcome", "note", "description",
	"updated_at", "updated_by", "reports", "last_report",
}

// WriteActionsCSV writes actions as CSV: a UTF-8 byte order mark, so that
// spreadsheets read the text as UTF-8 rather than the local code page, then
// a header and one row per action. encoding/csv quotes commas, quotes and
// line breaks; cells that a spreadsheet would run as a formula are defused.
func WriteActionsCSV(w io.Writer, actions []*conference.Action, topicTitles map[string]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, and what spreadsheets expect
	if err := cw.Write(ActionsCSVHeader); err != nil {
		return err
	}
	row := make([]string, len(ActionsCSVHeader))
	for _, a := range actions {
		topics := make([]string, 0, len(a.Topics))
		for _, id := range a.Topics {
			topics = append(topics, cmpOr(topicTitles[id], id))
		}
		note, last := "", ""
		if a.NoteSeq > 0 {
			note = strconv.FormatInt(a.NoteSeq, 10)
		}
		if n := len(a.Reports); n > 0 {
			r := a.Reports[n-1]
			last = r.At.UTC().Format(conference.DateLayout) + " " + r.AuthorName + ": " + r.Text
		}
		copy(row, []string{
			a.ID, a.Title, a.Owner, a.Agency, a.Contact, a.Due, string(a.Status), strconv.Itoa(a.Progress), a.Reason,
			strings.Join(topics, "; "), string(a.Marking), a.MeetingID, a.SessionID, a.OutcomeID, note, a.Description,
			a.UpdatedAt.UTC().Format(time.RFC3339), a.UpdatedName, strconv.Itoa(len(a.Reports)), last,
		})
		for i := range row {
			row[i] = conference.DefuseCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
