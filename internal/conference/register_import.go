package conference

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ---- register.csv: bulk import (the export is internal/export) ----

// The CSV form of the register: one entry per row, lists separated by
// semicolons, references one per line as "url | catalogue | identifier",
// topics by slug. Export writes every column; import reads the columns it
// is given, in any order, by their header.

// csvColumns is the export's columns, in order.
var csvColumns = []string{
	"id", "title", "summary", "lead_delegation", "lead_agency", "partner_delegations",
	"audiences", "format", "status", "start_date", "end_date", "topics", "references",
	"example", "archived", "version", "updated_at",
}

// csvRequired are the columns an import must have.
var csvRequired = []string{"title", "lead_delegation", "audiences", "format", "status", "start_date"}

// csvIgnored are export columns that an import accepts and ignores: the
// register sets them.
var csvIgnored = []string{"version", "updated_at"}

// MaxImportRows bounds one import.
const MaxImportRows = 5000

// utf8BOM starts the export, so that spreadsheet programs read it as UTF-8
// (a Māori place name must not come out as mojibake); the import skips it.
const utf8BOM = "\uFEFF"

// FormulaCell reports whether a spreadsheet program would evaluate cell:
// its first character, after any leading white space, is = + - or @ (or
// their fullwidth forms, which spreadsheets in East Asian locales read as the
// ASCII ones), or it starts with a tab or carriage return (OWASP's advice on
// CSV injection). The exports defuse such a cell with a leading apostrophe;
// the import takes the apostrophe off again, so both follow this one rule.
func FormulaCell(cell string) bool {
	if cell == "" {
		return false
	}
	if cell[0] == '\t' || cell[0] == '\r' {
		return true
	}
	// Some programs trim leading spaces before they parse a formula.
	rest := strings.TrimLeftFunc(cell, unicode.IsSpace)
	r, _ := utf8.DecodeRuneInString(rest)
	return strings.ContainsRune(formulaStarts, r)
}

// formulaStarts are the characters that make a cell a formula: = + - @ and
// their fullwidth forms U+FF1D U+FF0B U+FF0D U+FF20.
const formulaStarts = "=+-@\uFF1D\uFF0B\uFF0D\uFF20"

// csvUnsafe takes off the apostrophe that an export put before a formula.
func csvUnsafe(cell string) string {
	if rest, ok := strings.CutPrefix(cell, "'"); ok && FormulaCell(rest) {
		return rest
	}
	return cell
}

// ImportProblem is one thing wrong with an import: the row (as a
// spreadsheet numbers it, the header being row 1), the line of the file it
// starts on (they differ when a cell holds line breaks), the column and
// what is wrong.
type ImportProblem struct {
	Row     int    `json:"row"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ImportReport says what an import did, or would do.
type ImportReport struct {
	Rows     int             `json:"rows"`     // data rows read
	Created  []string        `json:"created"`  // ids of the entries added
	DryRun   bool            `json:"dry_run"`  // checked only, nothing written
	Problems []ImportProblem `json:"problems"` // every problem found; none when the import went through
}

// Import is the commit record of one CSV import. Its entries are written
// first, each with the import's id, and exist only once this record is
// stored: a single insert, atomic on MongoDB and on the embedded store
// alike, which neither needs transactions for. An import that dies before
// it leaves entries nobody sees, and the next start discards them.
type Import struct {
	ID        string    `json:"id" bson:"_id"`
	By        string    `json:"by" bson:"by"` // user id
	Rows      int       `json:"rows" bson:"rows"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
}

// ImportTimeout bounds how long an import may take from its first write to
// its commit; one that would commit later is abandoned instead. Entries of
// an uncommitted import older than twice this are discarded at start: by
// then no instance sharing the store can still be committing them.
const ImportTimeout = 5 * time.Minute

// ImportRegisterCSV adds one entry per row of r. It is all or nothing: every
// row is checked first, and a single problem refuses the whole file, with a
// report that names every problem of every row. With dryRun it only checks.
//
// The rows are checked and written without the writers' lock, so that other
// writers do not wait for a bulk write; the lock is held only to check the
// rows again against the state as it then is and to commit.
func (s *Service) ImportRegisterCSV(ctx context.Context, actor *User, r io.Reader, dryRun bool) (*ImportReport, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	if !actor.MayImportRegister() {
		return nil, Errorf(EFORBIDDEN, "Only the secretariat and follow-up teams may import register entries.")
	}
	rep := &ImportReport{DryRun: dryRun, Created: []string{}, Problems: []ImportProblem{}}
	header, rows, problem := readCSV(r)
	if problem != nil {
		rep.Problems = append(rep.Problems, *problem)
		return rep, importRefused(rep)
	}
	rep.Rows = len(rows)
	cols, problems := csvHeader(header)
	rep.Problems = append(rep.Problems, problems...)
	if len(problems) > 0 {
		return rep, importRefused(rep)
	}
	if len(rows) == 0 {
		rep.Problems = append(rep.Problems, ImportProblem{Row: 2, Message: "The file has a header but no entries."})
		return rep, importRefused(rep)
	}
	if len(rows) > MaxImportRows {
		rep.Problems = append(rep.Problems, ImportProblem{Row: rows[MaxImportRows].row,
			Message: fmt.Sprintf("At most %d entries per import; split the file.", MaxImportRows)})
		return rep, importRefused(rep)
	}

	entries := make([]*RegisterEntry, 0, len(rows))
	s.read(func(st *state) {
		for _, rec := range rows {
			if len(rec.cells) != len(header) {
				rep.Problems = append(rep.Problems, ImportProblem{Row: rec.row, Line: rec.line,
					Message: fmt.Sprintf("The row has %d cells; the header has %d.", len(rec.cells), len(header))})
				continue
			}
			e, ps := s.entryFromRow(st, actor, cols, rec.cells)
			// In the order of the file's columns, as the reader will look.
			slices.SortStableFunc(ps, func(a, b *Error) int { return columnOf(cols, a.Field) - columnOf(cols, b.Field) })
			for _, p := range ps {
				rep.Problems = append(rep.Problems, ImportProblem{Row: rec.row, Line: rec.line, Field: p.Field, Message: p.Message})
			}
			entries = append(entries, e)
		}
	})
	if len(rep.Problems) > 0 {
		return rep, importRefused(rep)
	}
	if dryRun {
		return rep, nil
	}
	return s.commitImport(ctx, actor, rep, rows, entries)
}

// commitImport stages the entries, then commits them under the writers'
// lock. The caller going away (a closed connection, a server shutting down)
// does not stop it half-way: the writes run detached, within ImportTimeout.
func (s *Service) commitImport(ctx context.Context, actor *User, rep *ImportReport, rows []csvRow, entries []*RegisterEntry) (*ImportReport, error) {
	// Counted as a write in flight, so that shutdown (Drain) waits for it.
	s.writes.Add(1)
	defer s.writes.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ImportTimeout)
	defer cancel()
	im := Import{ID: s.NewID(), By: actor.ID, Rows: len(entries), CreatedAt: s.Now()}
	docs := make([]any, len(entries))
	ids := make([]string, len(entries))
	for i, e := range entries {
		e.ImportID = im.ID
		docs[i], ids[i] = e, e.ID
	}
	// Staged entries are invisible until the commit; on failure they are
	// taken away again, and should that fail too, the next start does it.
	// With a deadline of its own: the import's may be what ran out.
	undo := func() error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		return s.deleteMany(ctx, Register, ids)
	}
	discard := func(err error) error {
		if derr := undo(); derr != nil {
			return fmt.Errorf("import register: %w (its staged entries are discarded at the next start: %v)", err, derr)
		}
		return fmt.Errorf("import register: %w", err)
	}
	if err := s.insertMany(ctx, Register, docs); err != nil {
		return rep, discard(err)
	}

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	// The state may have changed while the rows were written: a topic or
	// delegation may be gone, the actor's account disabled.
	var disabled bool
	s.read(func(st *state) {
		if u := st.users[actor.ID]; u != nil && u.Disabled {
			disabled = true
			return
		}
		for i, e := range entries {
			ps := st.entryRefProblems(e)
			if err := mayCreateEntry(actor, e); err != nil {
				var de *Error
				if errors.As(err, &de) {
					ps = append(ps, &Error{Code: de.Code, Field: cmp.Or(de.Field, "lead_delegation"), Message: de.Message})
				}
			}
			for _, p := range uniqueFields(ps) {
				rep.Problems = append(rep.Problems, ImportProblem{Row: rows[i].row, Line: rows[i].line, Field: p.Field, Message: p.Message})
			}
		}
	})
	if disabled {
		_ = undo() // invisible either way; what this leaves, the next start discards
		return rep, Errorf(EUNAUTHORIZED, "Sign in first.")
	}
	if len(rep.Problems) > 0 {
		_ = undo()
		return rep, importRefused(rep)
	}
	if s.Now().Sub(im.CreatedAt) > ImportTimeout {
		return rep, discard(Errorf(EINTERNAL, "the import took longer than %v to write; try again", ImportTimeout))
	}
	// The commit point.
	if err := s.store.Insert(ctx, Imports, &im); err != nil {
		// The insert may have landed all the same; take it back first.
		if derr := s.store.Delete(ctx, Imports, im.ID); derr != nil {
			return rep, fmt.Errorf("import register: commit: %w; whether it went through is unknown (import %s): %v", err, im.ID, derr)
		}
		return rep, discard(fmt.Errorf("commit: %w", err))
	}
	s.applyImported(entries)
	for _, e := range entries {
		rep.Created = append(rep.Created, e.ID)
	}
	return rep, nil
}

// applyImported is Apply for the entries of a committed import, all at
// once: one lock, one merge into the list (see putEntries). Listeners hear
// of each entry as they would of any other.
func (s *Service) applyImported(entries []*RegisterEntry) {
	s.mu.Lock()
	s.st.putEntries(entries)
	s.mu.Unlock()
	s.changed(Register)
	if s.OnChange != nil {
		for _, e := range entries {
			s.OnChange(Change{Collection: Register, ID: e.ID, Doc: e})
		}
	}
}

// insertMany writes docs to the store, in one batch when it can, without
// applying them: the caller decides when they become visible.
func (s *Service) insertMany(ctx context.Context, c Collection, docs []any) error {
	return batchOrEach(s.store, docs, func(bs BatchStore) error { return bs.InsertMany(ctx, c, docs) },
		func(d any) error { return s.store.Insert(ctx, c, d) })
}

// deleteMany removes documents from the store without applying it.
func (s *Service) deleteMany(ctx context.Context, c Collection, ids []string) error {
	return batchOrEach(s.store, ids, func(bs BatchStore) error { return bs.DeleteMany(ctx, c, ids) },
		func(id string) error { return s.store.Delete(ctx, c, id) })
}

// batchOrEach does one step for all of xs: batch, when the store takes
// batches, else one for each in order, stopping at the first error.
func batchOrEach[T any](store Store, xs []T, batch func(bs BatchStore) error, one func(x T) error) error {
	if bs, ok := store.(BatchStore); ok {
		return batch(bs)
	}
	for _, x := range xs {
		if err := one(x); err != nil {
			return err
		}
	}
	return nil
}

// DiscardUnfinishedImports removes from the store the entries of imports
// that were never committed and are older than twice ImportTimeout (younger
// ones may belong to an import another instance is still committing). Load
// keeps them out of the working set either way. It reports how many it
// removed.
func (s *Service) DiscardUnfinishedImports(ctx context.Context) (int, error) {
	cutoff := s.Now().Add(-2 * ImportTimeout)
	var ids []string
	var keep []*RegisterEntry
	s.read(func(st *state) {
		for _, e := range st.unfinished {
			if e.CreatedAt.Before(cutoff) {
				ids = append(ids, e.ID)
			} else {
				keep = append(keep, e)
			}
		}
	})
	if len(ids) == 0 {
		return 0, nil
	}
	if err := s.deleteMany(ctx, Register, ids); err != nil {
		return 0, fmt.Errorf("discard unfinished imports: %w", err)
	}
	s.mu.Lock()
	s.st.unfinished = keep
	s.mu.Unlock()
	return len(ids), nil
}

func importRefused(rep *ImportReport) error {
	rows := map[int]bool{}
	for _, p := range rep.Problems {
		rows[p.Row] = true
	}
	field := ""
	if len(rep.Problems) > 0 {
		field = rep.Problems[0].Field
	}
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(
		"The file was not imported: %d problem(s) in %d row(s); nothing was added. The first, on row %d: %s",
		len(rep.Problems), len(rows), rep.Problems[0].Row, rep.Problems[0].Message)}
}

type csvRow struct {
	row   int // the record's number, header = 1
	line  int // the line it starts on
	cells []string
}

// readCSV reads a whole CSV file: its header and its non-empty rows. A
// syntax error ends the reading; it is reported with its row.
func readCSV(r io.Reader) ([]string, []csvRow, *ImportProblem) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, &ImportProblem{Row: 0, Message: "The file could not be read."}
	}
	raw = bytes.TrimPrefix(raw, []byte(utf8BOM))
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1 // rows of the wrong length are reported with the others, not fatal
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, &ImportProblem{Row: 1, Message: "The file is empty; it needs a header row."}
	}
	if err != nil {
		return nil, nil, csvSyntax(err)
	}
	var rows []csvRow
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvSyntax(err)
		}
		if len(rows) > MaxImportRows {
			break // enough to say there are too many
		}
		line, _ := cr.FieldPos(0)
		if slices.IndexFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) < 0 {
			continue // a blank line, as spreadsheets leave at the end
		}
		rows = append(rows, csvRow{row: n, line: line, cells: rec})
	}
	return header, rows, nil
}

func csvSyntax(err error) *ImportProblem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ImportProblem{Row: pe.StartLine, Message: fmt.Sprintf("The file is not valid CSV at line %d, column %d: %v.", pe.Line, pe.Column, pe.Err)}
	}
	return &ImportProblem{Message: "The file is not valid CSV: " + err.Error() + "."}
}

// csvHeader maps column names to their index, and reports unknown,
// repeated and missing columns.
func csvHeader(header []string) (map[string]int, []ImportProblem) {
	cols := map[string]int{}
	var problems []ImportProblem
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case name == "":
			problems = append(problems, ImportProblem{Row: 1, Message: fmt.Sprintf("Column %d has no name; give every column a name.", i+1)})
		case !slices.Contains(csvColumns, name):
			problems = append(problems, ImportProblem{Row: 1, Field: name,
				Message: fmt.Sprintf("There is no column %q; the columns are %s.", name, strings.Join(csvColumns, ", "))})
		case cols[name] != 0:
			problems = append(problems, ImportProblem{Row: 1, Field: name, Message: fmt.Sprintf("The column %q appears twice; keep one.", name)})
		default:
			cols[name] = i + 1 // +1: zero means absent
		}
	}
	for _, name := range csvRequired {
		if cols[name] == 0 {
			problems = append(problems, ImportProblem{Row: 1, Field: name, Message: fmt.Sprintf("The required column %q is missing.", name)})
		}
	}
	return cols, problems
}

// columnOf is the position of the column a field comes from
// ("references[0].url" comes from "references").
func columnOf(cols map[string]int, field string) int {
	name, _, _ := strings.Cut(field, "[")
	return cols[name]
}

// entryFromRow makes an entry of one row and reports every field at fault.
func (s *Service) entryFromRow(st *state, actor *User, cols map[string]int, cells []string) (*RegisterEntry, []*Error) {
	get := func(name string) string {
		if i := cols[name]; i > 0 {
			return strings.TrimSpace(csvUnsafe(cells[i-1]))
		}
		return ""
	}
	var problems []*Error
	in := RegisterEntryInput{
		Title:              get("title"),
		Summary:            get("summary"),
		LeadDelegation:     get("lead_delegation"),
		LeadAgency:         get("lead_agency"),
		PartnerDelegations: splitList(get("partner_delegations")),
		Format:             Format(strings.ToLower(get("format"))),
		Status:             EntryStatus(strings.ToLower(get("status"))),
		StartDate:          get("start_date"),
		EndDate:            get("end_date"),
		Topics:             splitList(get("topics")),
	}
	for _, a := range splitList(get("audiences")) {
		in.Audiences = append(in.Audiences, Audience(strings.ToLower(a)))
	}
	refs, err := parseReferences(get("references"))
	if err != nil {
		problems = append(problems, err)
	}
	in.References = refs
	if id := get("id"); id != "" {
		problems = append(problems, Invalid("id", "An import adds new entries: leave the id column empty (edit entry %s in the register).", id))
	}
	if v := strings.ToLower(get("archived")); v != "" && v != "false" {
		problems = append(problems, Invalid("archived", "An import adds active entries: leave the archived column empty or false."))
	}
	switch v := strings.ToLower(get("example")); v {
	case "", "false":
	case "true":
		in.Example = true
	default:
		problems = append(problems, Invalid("example", "The example column must be true or false, not %q.", v))
	}
	e := s.newEntry(actor, in, "imported")
	problems = append(problems, e.Problems()...)
	problems = append(problems, st.entryRefProblems(e)...)
	if err := mayCreateEntry(actor, e); err != nil {
		var de *Error
		if errors.As(err, &de) {
			if de.Field == "" {
				de = &Error{Code: de.Code, Field: "lead_delegation", Message: de.Message}
			}
			problems = append(problems, de)
		}
	}
	return e, uniqueFields(problems)
}

// uniqueFields keeps the first problem of each field: the others usually
// follow from it.
func uniqueFields(ps []*Error) []*Error {
	seen := map[string]bool{}
	out := ps[:0]
	for _, p := range ps {
		if seen[p.Field] {
			continue
		}
		seen[p.Field] = true
		out = append(out, p)
	}
	return out
}

// splitList splits a cell holding a list: "CA; NZ", "CA, NZ" or one per line.
func splitList(cell string) []string {
	out := []string{}
	for _, part := range strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == ',' || r == '\n' || r == '\r' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parseReferences reads references one per line: "url", "url | catalogue"
// or "url | catalogue | identifier".
func parseReferences(cell string) ([]Reference, *Error) {
	out := []Reference{}
	for line := range strings.SplitSeq(strings.ReplaceAll(cell, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) > 3 {
			return out, Invalid("references", "A reference is \"url | catalogue | identifier\", one per line; %q has too many parts.", line)
		}
		r := Reference{URL: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			r.Catalogue = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			r.Identifier = strings.TrimSpace(parts[2])
		}
		out = append(out, r)
	}
	return out, nil
}
