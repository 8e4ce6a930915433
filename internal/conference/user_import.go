package conference

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ---- Accounts from a CSV file ----

// An import of accounts reads a CSV file with the header
// name,email,roles,delegation (in any order): one account per row, roles
// separated by semicolons or spaces. Each row is checked by the rules that
// open one account (newUser, Validate, userRefProblems), and against the
// other rows of the file. It is all or nothing: one bad row refuses the
// file, and the refusal names every bad row. The accounts have no password;
// each gets a one-time set-password link, as a reset would give it.

// Bounds of one import of accounts: more is not a group's membership but a
// mistake, and a 400 naming a thousand rows is already more than anyone reads.
const (
	MaxUserImportRows  = 1000
	MaxUserImportBytes = 1 << 20
)

// userImportColumns are the columns of the file, all required.
var userImportColumns = []string{"name", "email", "roles", "delegation"}

// ImportedAccount is an account an import opened, with its link: the only
// time the link is shown.
type ImportedAccount struct {
	User *User
	Link *ResetLink
}

// ImportUsers opens one account per row of the CSV file r, or none.
func (s *Service) ImportUsers(ctx context.Context, actor *User, r io.Reader) ([]ImportedAccount, error) {
	if err := s.requireUserManager(actor); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxUserImportBytes+1))
	if err != nil {
		return nil, err // the caller's reader failed or was too large; the adapter says which
	}
	if len(raw) > MaxUserImportBytes {
		return nil, Invalid("file", "The file is larger than 1 MiB; split it.")
	}
	header, rows, problem := readCSV(bytes.NewReader(raw))
	if problem != nil {
		return nil, fileRefused(problem.Row, problem.Message)
	}
	cols, err := userImportHeader(header)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fileRefused(2, "The file has a header but no accounts.")
	}
	if len(rows) > MaxUserImportRows {
		return nil, fileRefused(rows[MaxUserImportRows].row,
			fmt.Sprintf("At most %d accounts per import; split the file.", MaxUserImportRows))
	}

	// Under the writers' lock from the first check to the last write, so
	// that no account opened meanwhile takes an address the check found free.
	// Without passwords to hash, this is quick.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	users := make([]*User, 0, len(rows))
	var problems []FieldError
	s.read(func(st *state) {
		firstRow := map[string]int{} // e-mail → the row that has it first
		for _, rec := range rows {
			where := rowName(rec)
			if len(rec.cells) != len(header) {
				problems = append(problems, FieldError{Field: fmt.Sprintf("rows[%d]", rec.row),
					Message: fmt.Sprintf("%s: The row has %d cells; the header has %d.", where, len(rec.cells), len(header))})
				continue
			}
			get := func(name string) string { return strings.TrimSpace(csvUnsafe(rec.cells[cols[name]])) }
			u := s.newUser(UserInput{Name: get("name"), Email: get("email"), Roles: splitRoles(get("roles")), Delegation: get("delegation")})
			var v fieldChecks
			if err := u.Validate(); err != nil {
				v.add(err)
			}
			v.check(st.userRefProblems(u)...)
			if first, dup := firstRow[u.Email]; dup && u.Email != "" {
				v.check(Invalid("email", "The e-mail address %s is also on row %d of the file; each account needs its own.", u.Email, first))
			} else if u.Email != "" {
				firstRow[u.Email] = rec.row
			}
			found := uniqueFields(v.found)
			// In the file's order of columns, as the reader will look.
			slices.SortStableFunc(found, func(a, b *Error) int { return cols[a.Field] - cols[b.Field] })
			for _, p := range found {
				problems = append(problems, FieldError{Field: fmt.Sprintf("rows[%d].%s", rec.row, p.Field),
					Message: fmt.Sprintf("%s: %s", where, p.Message)})
			}
			users = append(users, u)
		}
	})
	if len(problems) > 0 {
		bad := map[string]bool{}
		for _, p := range problems {
			row, _, _ := strings.Cut(p.Field, "]")
			bad[row] = true
		}
		return nil, &Error{Code: EINVALID, Field: problems[0].Field, Fields: problems, Message: fmt.Sprintf(
			"The file was not imported: %d problem(s) in %d row(s); no account was opened. Correct every row named and send the whole file again.",
			len(problems), len(bad))}
	}

	out := make([]ImportedAccount, len(users))
	docs := make([]any, len(users))
	ids := make([]string, len(users))
	for i, u := range users {
		out[i] = ImportedAccount{User: u, Link: s.giveResetLink(u)}
		docs[i], ids[i] = u, u.ID
	}
	if err := s.writeAccounts(ctx, docs, ids); err != nil {
		return nil, err
	}
	for _, u := range users {
		s.Apply(Change{Collection: Users, ID: u.ID, Doc: u})
	}
	return out, nil
}

// writeAccounts stores the accounts of an import, or none of them: a batch
// insert is not atomic (BatchStore), so when it fails the accounts it may
// have written are deleted again. The unique index on e-mail addresses
// refuses an address that another instance took meanwhile, which is such a
// failure. The writes run detached from the caller, as every write does.
func (s *Service) writeAccounts(ctx context.Context, docs []any, ids []string) error {
	return s.write(ctx, func(wctx context.Context) error {
		err := s.insertMany(wctx, Users, docs)
		if err == nil {
			return nil
		}
		// With a context of its own: the insert's may be what ran out.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.WriteTimeout)
		defer cancel()
		if derr := s.deleteMany(uctx, Users, ids); derr != nil {
			// Accounts left behind have no password and a link nobody
			// holds: nobody can sign in with them, but their addresses are
			// taken until the secretariat deletes or uses them.
			return fmt.Errorf("import accounts: %w; undoing it failed too, so some of the accounts may exist without a password: %v", err, derr)
		}
		return fmt.Errorf("import accounts (nothing was kept): %w", err)
	})
}

// userImportHeader maps the columns to their index, and refuses a header
// that lacks one, repeats one or has one more.
func userImportHeader(header []string) (map[string]int, error) {
	cols := map[string]int{}
	var v fieldChecks
	want := strings.Join(userImportColumns, ",")
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		switch _, seen := cols[name]; {
		case name == "":
			v.check(Invalid(fmt.Sprintf("header[%d]", i+1), "Line 1: Column %d has no name; the header is %s.", i+1, want))
		case !slices.Contains(userImportColumns, name):
			v.check(Invalid(fmt.Sprintf("header[%d]", i+1), "Line 1: There is no column %q; the header is %s.", name, want))
		case seen:
			v.check(Invalid(fmt.Sprintf("header[%d]", i+1), "Line 1: The column %q appears twice; keep one.", name))
		default:
			cols[name] = i
		}
	}
	for _, name := range userImportColumns {
		if _, ok := cols[name]; !ok {
			v.check(Invalid("header."+name, "Line 1: The column %q is missing; the header is %s.", name, want))
		}
	}
	return cols, v.err()
}

// fileRefused is a problem with the file as a whole, at row (the header
// being row 1; 0 when no row is to blame).
func fileRefused(row int, msg string) error {
	if row > 0 {
		msg = fmt.Sprintf("Line %d: %s", row, msg)
	}
	return Invalid("file", "%s", msg)
}

// rowName names a row as a person finds it: by the line of the file, and
// by the spreadsheet's row as well when a cell with line breaks makes the
// two differ.
func rowName(r csvRow) string {
	if r.line == r.row || r.line == 0 {
		return fmt.Sprintf("Line %d", r.row)
	}
	return fmt.Sprintf("Row %d (line %d)", r.row, r.line)
}

// splitRoles splits the roles cell: "delegate; head", "delegate head" or
// "delegate,head". Case does not matter; the role names are lower case.
func splitRoles(cell string) []Role {
	out := []Role{}
	for _, part := range strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' }) {
		out = append(out, Role(strings.ToLower(part)))
	}
	return out
}
