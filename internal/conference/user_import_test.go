package conference_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

const importHeader = "name,email,roles,delegation\n"

// TestService_ImportUsers_Refused: every bad file is refused whole, with
// each bad row named by field and line, and leaves store and working set
// as they were.
func TestService_ImportUsers_Refused(t *testing.T) {
	l := newLondon(t)
	many := strings.Builder{}
	many.WriteString(importHeader)
	for i := range conference.MaxUserImportRows + 1 {
		fmt.Fprintf(&many, "Person %d,person%d@example.org,observer,\n", i, i)
	}
	for _, tc := range []struct {
		name, csv string
		fields    []string // every field named, in order
		message   string   // part of the first field's message
	}{
		{"empty file", "", []string{"file"}, "Line 1: The file is empty; it needs a header row."},
		{"header only", importHeader, []string{"file"}, "Line 2: The file has a header but no accounts."},
		{"unknown column", "name,email,roles,delegation,phone\nAnn,ann@example.org,observer,,1\n", []string{"header[5]"}, `Line 1: There is no column "phone"; the header is name,email,roles,delegation.`},
		{"missing column", "name,email,delegation\nAnn,ann@example.org,\n", []string{"header.roles"}, `Line 1: The column "roles" is missing; the header is name,email,roles,delegation.`},
		{"bad e-mail", importHeader + "Ann,ann@example.org,observer,\nBob,not-an-address,observer,\n",
			[]string{"rows[3].email"}, `Line 3: The e-mail address "not-an-address" is not valid`},
		{"unknown role", importHeader + "Ann,ann@example.org,observer chair,\n", []string{"rows[2].roles"}, `Line 2: There is no role "chair": choose one of admin, rapporteur, delegate, head, followup, observer.`},
		{"no role", importHeader + "Ann,ann@example.org,,\n", []string{"rows[2].roles"}, "Line 2: Choose at least one role."},
		{"unknown delegation", importHeader + "Ann,ann@example.org,delegate,XX\n", []string{"rows[2].delegation"}, `Line 2: There is no delegation "XX".`},
		{"delegate without delegation", importHeader + "Ann,ann@example.org,delegate,\n", []string{"rows[2].delegation"}, "Line 2: The roles delegate, head and followup need a delegation; choose one."},
		{"duplicate in file", importHeader + "Ann,ann@example.org,observer,\nAnn again,ANN@example.org,observer,\n",
			[]string{"rows[3].email"}, "Line 3: The e-mail address ann@example.org is also on row 2 of the file"},
		{"existing e-mail", importHeader + "Ann,Observer@Example.org,observer,\n", []string{"rows[2].email"}, "already exists"},
		{"short row", importHeader + "Ann,ann@example.org,observer\n", []string{"rows[2]"}, "Line 2: The row has 3 cells; the header has 4."},
		{"too many rows", many.String(), []string{"file"}, fmt.Sprintf("Line %d: At most %d accounts per import; split the file.", conference.MaxUserImportRows+2, conference.MaxUserImportRows)},
		{"too large", importHeader + "Ann,ann@example.org,observer," + strings.Repeat(" ", conference.MaxUserImportBytes) + "\n", []string{"file"}, "larger than 1 MiB"},
		{"malformed", importHeader + "\"Ann,ann@example.org,observer,\n", []string{"file"}, "Line 2: The file is not valid CSV at line 2"},
		{"every bad row named", importHeader +
			"Ann,ann@example.org,observer,\n" +
			",bob@,delegate,XX\n" +
			"Cat,cat@example.org,rapporteur,\n" +
			"Dan,dan@example.org,judge,GB\n",
			[]string{"rows[3].name", "rows[3].email", "rows[3].delegation", "rows[5].roles"}, "Line 3: Give the name."},
		{"quoted cell with a line break", importHeader + "\"Ann\nSmith\",ann@example.org,observer,\nBob,bob@,observer,\n",
			[]string{"rows[2].name", "rows[3].email"}, "Line 2: The name must be one line: it holds a line break (U+000A) at character 4."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := l.before(t)
			got, err := l.svc.ImportUsers(ctx, l.admin, strings.NewReader(tc.csv))
			e := assertCode(t, err, conference.EINVALID)
			if got != nil {
				t.Fatalf("accounts %v, want none", got)
			}
			fields := []string{e.Field}
			msg := e.Message
			if len(e.Fields) > 0 {
				fields = fields[:0]
				for _, f := range e.Fields {
					fields = append(fields, f.Field)
				}
				msg = e.Fields[0].Message
			}
			if !slices.Equal(fields, tc.fields) {
				t.Fatalf("fields %v, want %v (%+v)", fields, tc.fields, e.Fields)
			}
			if !strings.Contains(msg, tc.message) {
				t.Fatalf("message %q, want it to contain %q", msg, tc.message)
			}
			l.assertUnchanged(t, b)
		})
	}
}

func TestService_ImportUsers(t *testing.T) {
	l := newLondon(t)
	csv := "\uFEFFEmail,Name,Roles,Delegation\r\n" +
		"  Ann.Lee@CPS.gov.uk ,  Ann Lee ,Delegate; HEAD, gb\r\n" +
		"bob@example.org,Bob Brown,observer,\r\n" +
		"cat@example.org,Cat Cole,rapporteur delegate,NZ\r\n" +
		",,,\r\n" // a spreadsheet's trailing blank row
	got, err := l.svc.ImportUsers(ctx, l.admin, strings.NewReader(csv))
	assertNoError(t, err)
	if len(got) != 3 {
		t.Fatalf("%d accounts, want 3", len(got))
	}
	ann := got[0].User
	if ann.Email != "ann.lee@cps.gov.uk" || ann.Name != "Ann Lee" || ann.Delegation != "GB" ||
		!slices.Equal(ann.Roles, []conference.Role{conference.RoleDelegate, conference.RoleHead}) || ann.Version != 1 {
		t.Fatalf("first account %+v", ann)
	}
	if got := got[2].User.Roles; !slices.Equal(got, []conference.Role{conference.RoleDelegate, conference.RoleRapporteur}) {
		t.Fatalf("roles %v", got)
	}
	tokens := map[string]bool{}
	for _, a := range got {
		stored, err := l.svc.UserByEmail(ctx, l.admin, a.User.Email)
		assertNoError(t, err)
		if stored.PasswordHash != "" {
			t.Fatalf("%s has a password hash %q; an imported account has none", a.User.Email, stored.PasswordHash)
		}
		if a.Link == nil || !strings.HasPrefix(a.Link.Token, "qr_") || a.Link.UserID != a.User.ID || tokens[a.Link.Token] {
			t.Fatalf("link %+v", a.Link)
		}
		if !a.Link.ExpiresAt.Equal(l.clock.Now().Add(conference.ResetLinkLifetime)) {
			t.Fatalf("expires %v", a.Link.ExpiresAt)
		}
		tokens[a.Link.Token] = true
		if !l.store.Has(conference.Users, a.User.ID) {
			t.Fatalf("%s not stored", a.User.Email)
		}
		// No password opens the account until its link is used.
		if _, err := l.svc.Authenticate(ctx, a.User.Email, ""); err == nil {
			t.Fatalf("%s signs in with an empty password", a.User.Email)
		}
	}

	// The link sets the first password, once; then the account signs in.
	email, err := l.svc.SetPasswordWithLink(ctx, got[1].Link.Token, "bob's first password")
	assertNoError(t, err)
	if email != "bob@example.org" {
		t.Fatalf("email %q", email)
	}
	if _, err := l.svc.Authenticate(ctx, "bob@example.org", "bob's first password"); err != nil {
		t.Fatalf("sign in after the link: %v", err)
	}
	_, err = l.svc.SetPasswordWithLink(ctx, got[1].Link.Token, "bob's second password")
	assertCode(t, err, conference.EFORBIDDEN)

	// The same file again: every row is now an existing address.
	_, err = l.svc.ImportUsers(ctx, l.admin, strings.NewReader(csv))
	e := assertCode(t, err, conference.EINVALID)
	if len(e.Fields) != 3 {
		t.Fatalf("fields %+v, want one per row", e.Fields)
	}
}

func TestService_ImportUsers_Access(t *testing.T) {
	l := newLondon(t)
	for _, tc := range []actorCase{
		{"anonymous", nil, conference.EUNAUTHORIZED},
		{"rapporteur", l.rapporteur, conference.EFORBIDDEN},
		{"delegate", l.delegate, conference.EFORBIDDEN},
		{"head", l.head, conference.EFORBIDDEN},
		{"followup", l.followup, conference.EFORBIDDEN},
		{"observer", l.observer, conference.EFORBIDDEN},
		{"admin", l.admin, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			csv := importHeader + tc.name + "," + tc.name + "-new@example.org,observer,\n"
			_, err := l.svc.ImportUsers(ctx, tc.actor, strings.NewReader(csv))
			if tc.code == "" {
				assertNoError(t, err)
				return
			}
			assertCode(t, err, tc.code)
		})
	}
}

// TestService_ImportUsers_StoreFails: a write that fails midway takes back
// the accounts written before it.
func TestService_ImportUsers_StoreFails(t *testing.T) {
	l := newLondon(t)
	csv := importHeader + "Ann,ann@example.org,observer,\nBob,bob@example.org,observer,\nCat,cat@example.org,observer,\n"
	b := l.before(t)
	l.store.FailWrite(3) // the third insert
	_, err := l.svc.ImportUsers(ctx, l.admin, strings.NewReader(csv))
	if err == nil {
		t.Fatal("import went through a failing store")
	}
	l.assertUnchanged(t, b)

	// And when the undo fails too, the error says so.
	l.store.Fail(false)
	l.store.FailWrite(2)
	l.store.beforeWrite = func(op string, c conference.Collection, id string) {
		if op == "delete" {
			l.store.Fail(true)
		}
	}
	_, err = l.svc.ImportUsers(ctx, l.admin, strings.NewReader(csv))
	l.store.beforeWrite = nil
	l.store.Fail(false)
	if err == nil || !strings.Contains(err.Error(), "undoing it failed too") {
		t.Fatalf("err %v, want it to say the undo failed", err)
	}
	users, err := l.svc.Users(ctx, l.admin)
	assertNoError(t, err)
	if n := len(users); n != 6 {
		t.Fatalf("%d accounts in the working set, want the 6 from before", n)
	}
}
