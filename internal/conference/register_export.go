package conference

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// WriteRegisterCSV writes entries as CSV. Cells that a spreadsheet would
// take for a formula are defused (see DefuseCell).
func (s *Service) WriteRegisterCSV(ctx context.Context, actor *User, w io.Writer, entries []*RegisterEntry) error {
	if err := requireActor(actor); err != nil {
		return err
	}
	slugs := map[string]string{}
	s.read(func(st *state) {
		for id, t := range st.topics {
			slugs[id] = t.Slug
		}
	})
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, and what spreadsheet programs expect
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	row := make([]string, len(csvColumns))
	for _, e := range entries {
		topics := make([]string, len(e.Topics))
		for i, id := range e.Topics {
			topics[i] = cmpOr(slugs[id], id)
		}
		row = append(row[:0],
			e.ID, e.Title, e.Summary, e.LeadDelegation, e.LeadAgency, strings.Join(e.PartnerDelegations, "; "),
			joinAny(e.Audiences), string(e.Format), string(e.Status), e.StartDate, e.EndDate, strings.Join(topics, "; "),
			referencesText(e.References), strconv.FormatBool(e.Example), strconv.FormatBool(e.Archived),
			strconv.FormatInt(e.Version, 10), e.UpdatedAt.UTC().Format(time.RFC3339),
		)
		for i := range row {
			row[i] = DefuseCell(row[i])
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

// DefuseCell keeps a spreadsheet program from evaluating a cell: one whose
// first character, after any leading white space, is = + - or @ (or their
// fullwidth forms, which spreadsheets in East Asian locales read as the
// ASCII ones), or that starts with a tab or carriage return, gets a leading
// apostrophe, which the program shows as text (OWASP's advice on CSV
// injection). Every CSV export goes through it; the register's import
// takes the apostrophe off again.
func DefuseCell(cell string) string {
	if cell == "" {
		return cell
	}
	if cell[0] == '\t' || cell[0] == '\r' {
		return "'" + cell
	}
	// Some programs trim leading spaces before they parse a formula.
	rest := strings.TrimLeftFunc(cell, unicode.IsSpace)
	if r, _ := utf8.DecodeRuneInString(rest); strings.ContainsRune(formulaStarts, r) {
		return "'" + cell
	}
	return cell
}

// formulaStarts are the characters that make a cell a formula: = + - @ and
// their fullwidth forms U+FF1D U+FF0B U+FF0D U+FF20.
const formulaStarts = "=+-@\uFF1D\uFF0B\uFF0D\uFF20"

// csvUnsafe undoes DefuseCell.
func csvUnsafe(cell string) string {
	if rest, ok := strings.CutPrefix(cell, "'"); ok && DefuseCell(rest) == cell {
		return rest
	}
	return cell
}
