// Package export writes what Quintet hands to other programs: the action list
// and the register as CSV for spreadsheets, a delegation's due dates as
// iCalendar, and the meeting record as a printable page and as Markdown. It
// renders views the conference Service has already cut to the reader; it
// decides nothing about who may read what.
package export

import (
	"cmp"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// DefuseCell keeps a spreadsheet program from evaluating a cell: a cell the
// program would take for a formula (conference.FormulaCell) gets a leading
// apostrophe, which the program shows as text. Every CSV export goes through
// it; the register's import takes the apostrophe off again.
func DefuseCell(cell string) string {
	if conference.FormulaCell(cell) {
		return "'" + cell
	}
	return cell
}

// writeCSV writes a UTF-8 byte order mark, so that spreadsheets read the
// text as UTF-8 rather than the local code page (a Māori place name must not
// come out as mojibake), then the header and each row that next fills in,
// every cell defused. encoding/csv quotes commas, quotes and line breaks.
func writeCSV(w io.Writer, header []string, n int, next func(i int, row []string) []string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, and what spreadsheets expect
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, 0, len(header))
	for i := range n {
		row = next(i, row[:0])
		for j := range row {
			row[j] = DefuseCell(row[j])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ActionsCSVHeader is the first row of actions.csv.
var ActionsCSVHeader = []string{
	"id", "title", "owner", "agency", "contact", "due", "status", "progress", "reason",
	"topics", "marking", "meeting", "session", "outcome", "note", "description",
	"updated_at", "updated_by", "reports", "last_report",
}

// WriteActionsCSV writes actions as CSV, one row per action, topics by
// their titles.
func WriteActionsCSV(w io.Writer, actions []*conference.Action, topicTitles map[string]string) error {
	return writeCSV(w, ActionsCSVHeader, len(actions), func(i int, row []string) []string {
		a := actions[i]
		topics := make([]string, 0, len(a.Topics))
		for _, id := range a.Topics {
			topics = append(topics, cmp.Or(topicTitles[id], id))
		}
		note, last := "", ""
		if a.NoteSeq > 0 {
			note = strconv.FormatInt(a.NoteSeq, 10)
		}
		if n := len(a.Reports); n > 0 {
			r := a.Reports[n-1]
			last = r.At.UTC().Format(conference.DateLayout) + " " + r.AuthorName + ": " + r.Text
		}
		return append(row,
			a.ID, a.Title, a.Owner, a.Agency, a.Contact, a.Due, string(a.Status), strconv.Itoa(a.Progress), a.Reason,
			strings.Join(topics, "; "), string(a.Marking), a.MeetingID, a.SessionID, a.OutcomeID, note, a.Description,
			a.UpdatedAt.UTC().Format(time.RFC3339), a.UpdatedName, strconv.Itoa(len(a.Reports)), last,
		)
	})
}

// registerColumns are register.csv's columns, which the import reads back.
var registerColumns = conference.RegisterCSVColumns()

// WriteRegisterCSV writes register entries as CSV, one row per entry: lists
// separated by semicolons, references one per line, topics by their slugs.
func WriteRegisterCSV(w io.Writer, entries []*conference.RegisterEntry, topicSlugs map[string]string) error {
	return writeCSV(w, registerColumns, len(entries), func(i int, row []string) []string {
		e := entries[i]
		topics := make([]string, len(e.Topics))
		for j, id := range e.Topics {
			topics[j] = cmp.Or(topicSlugs[id], id)
		}
		return append(row,
			e.ID, e.Title, e.Summary, e.LeadDelegation, e.LeadAgency, strings.Join(e.PartnerDelegations, "; "),
			join(e.Audiences), string(e.Format), string(e.Status), e.StartDate, e.EndDate, strings.Join(topics, "; "),
			conference.ReferencesText(e.References), strconv.FormatBool(e.Example), strconv.FormatBool(e.Archived),
			strconv.FormatInt(e.Version, 10), e.UpdatedAt.UTC().Format(time.RFC3339),
		)
	})
}

func join[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}
