package conference_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

const csvHeader = "title,summary,lead_delegation,lead_agency,partner_delegations,audiences,format,status,start_date,end_date,topics,references\n"

func TestService_ImportRegisterCSV(t *testing.T) {
	good := `Judicial training,Electronic evidence for judges,NZ,IJS,AU; CA,judiciary,training,planned,2015-03-02,2015-03-03,cyberbullying,"https://example.org/a | IJS calendar | 7"` + "\n"
	for _, tt := range []struct {
		name  string
		actor func(l *london) *conference.User
		file  string
		want  []conference.ImportProblem // nil: imported
		rows  int
	}{
		{"one good row", nil, csvHeader + good, nil, 1},
		{"with a BOM, CRLF and a blank line", nil, "\uFEFF" + strings.ReplaceAll(csvHeader+good+"\n"+good, "\n", "\r\n"), nil, 2},
		{"columns in any order, only the required ones", nil,
			"status,format,audiences,lead_delegation,title,start_date\nongoing,exchange,prosecutors,NZ,Exchange,2014-09-01\n", nil, 1},
		{"a defused formula is read back", nil, csvHeader + `'=1+1,,NZ,,,judiciary,training,planned,2015-01-01,,,` + "\n", nil, 1},
		{"every problem of every row is named", nil, csvHeader + good +
			`,,FR,,XX,judges,webinar,done,2015-13-01,2014-01-01,astrology,javascript:alert(1)` + "\n" +
			`Fine title,,NZ,,,judiciary,training,planned,2015-01-01,2014-12-31,,` + "\n",
			[]conference.ImportProblem{
				{Row: 3, Line: 3, Field: "title", Message: "Give the title."},
				{Row: 3, Line: 3, Field: "lead_delegation", Message: `There is no delegation "FR" to lead the entry.`},
				{Row: 3, Line: 3, Field: "partner_delegations", Message: `There is no delegation "XX" to be a partner.`},
				{Row: 3, Line: 3, Field: "audiences", Message: `There is no audience "judges": choose one of prosecutors, judiciary, investigators, policy, other.`},
				{Row: 3, Line: 3, Field: "format", Message: `There is no format "webinar": choose one of training, exchange, guidance, conference, tool, other.`},
				{Row: 3, Line: 3, Field: "status", Message: `There is no status "done": choose one of planned, ongoing, completed.`},
				{Row: 3, Line: 3, Field: "start_date", Message: `The start date "2015-13-01" is not a date: write it as YYYY-MM-DD.`},
				{Row: 3, Line: 3, Field: "topics", Message: `There is no topic "astrology".`},
				{Row: 3, Line: 3, Field: "references[0].url", Message: `The reference "javascript:alert(1)" must be a web address beginning with http:// or https://.`},
				{Row: 4, Line: 4, Field: "end_date", Message: "The end date (2014-12-31) cannot be before the start date (2015-01-01)."},
			}, 3},
		{"a row of the wrong length", nil, csvHeader + good + "a,b,c\n",
			[]conference.ImportProblem{{Row: 3, Line: 3, Message: "The row has 3 cells; the header has 12."}}, 2},
		{"unknown and missing columns", nil, "title,colour\nx,red\n", []conference.ImportProblem{
			{Row: 1, Field: "colour", Message: "There is no column \"colour\"; the columns are id, title, summary, lead_delegation, lead_agency, partner_delegations, audiences, format, status, start_date, end_date, topics, references, example, archived, version, updated_at."},
			{Row: 1, Field: "lead_delegation", Message: `The required column "lead_delegation" is missing.`},
			{Row: 1, Field: "audiences", Message: `The required column "audiences" is missing.`},
			{Row: 1, Field: "format", Message: `The required column "format" is missing.`},
			{Row: 1, Field: "status", Message: `The required column "status" is missing.`},
			{Row: 1, Field: "start_date", Message: `The required column "start_date" is missing.`},
		}, 1},
		{"a column twice", nil, "title,title,lead_delegation,audiences,format,status,start_date\n", []conference.ImportProblem{
			{Row: 1, Field: "title", Message: `The column "title" appears twice; keep one.`}}, 0},
		{"empty file", nil, "", []conference.ImportProblem{{Row: 1, Message: "The file is empty; it needs a header row."}}, 0},
		{"header only", nil, csvHeader, []conference.ImportProblem{{Row: 2, Message: "The file has a header but no entries."}}, 0},
		{"malformed quotes", nil, csvHeader + `"unclosed,NZ` + "\n", []conference.ImportProblem{
			{Row: 2, Message: `The file is not valid CSV at line 2, column 14: extraneous or missing " in quoted-field.`}}, 0},
		{"an id is refused: import only adds", nil,
			"id,title,lead_delegation,audiences,format,status,start_date\nabc,T,NZ,judiciary,training,planned,2015-01-01\n",
			[]conference.ImportProblem{{Row: 2, Line: 2, Field: "id", Message: "An import adds new entries: leave the id column empty (edit entry abc in the register)."}}, 1},
		{"a follow-up team imports its own delegation's entries only", func(l *london) *conference.User { return l.followup },
			csvHeader + good + `Other,,GB,,,judiciary,training,planned,2015-01-01,,,` + "\n",
			[]conference.ImportProblem{{Row: 3, Line: 3, Field: "lead_delegation", Message: "A follow-up team adds entries led by its own delegation (NZ) only."}}, 2},
		{"examples are the secretariat's", func(l *london) *conference.User { return l.followup },
			"title,lead_delegation,audiences,format,status,start_date,example\nT,NZ,judiciary,training,planned,2015-01-01,true\n",
			[]conference.ImportProblem{{Row: 2, Line: 2, Field: "example", Message: "Only the secretariat may mark an entry as an example."}}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newLondon(t)
			actor := l.admin
			if tt.actor != nil {
				actor = tt.actor(l)
			}
			before := l.store.Dump()
			rep, err := l.svc.ImportRegisterCSV(ctx, actor, strings.NewReader(tt.file), false)
			if tt.want == nil {
				assertNoError(t, err)
				if len(rep.Created) != tt.rows || l.store.Count(conference.Register) != tt.rows {
					t.Fatalf("created %d (stored %d), want %d", len(rep.Created), l.store.Count(conference.Register), tt.rows)
				}
				return
			}
			assertCode(t, err, conference.EINVALID)
			if !reflect.DeepEqual(rep.Problems, tt.want) {
				t.Fatalf("problems:\n%s\nwant:\n%s", dumpProblems(rep.Problems), dumpProblems(tt.want))
			}
			if rep.Rows != tt.rows {
				t.Fatalf("rows=%d, want %d", rep.Rows, tt.rows)
			}
			if !reflect.DeepEqual(l.store.Dump(), before) {
				t.Fatalf("a refused import changed the store")
			}
		})
	}
}

func dumpProblems(ps []conference.ImportProblem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  row %d line %d %s: %s\n", p.Row, p.Line, p.Field, p.Message)
	}
	return b.String()
}

func TestService_ImportRegisterCSV_DryRunAndRights(t *testing.T) {
	l := newLondon(t)
	file := csvHeader + "T,,NZ,,,judiciary,training,planned,2015-01-01,,,\n"
	rep, err := l.svc.ImportRegisterCSV(ctx, l.admin, strings.NewReader(file), true)
	assertNoError(t, err)
	if !rep.DryRun || len(rep.Created) != 0 || l.store.Count(conference.Register) != 0 {
		t.Fatalf("a dry run wrote: %+v", rep)
	}
	for _, u := range []*conference.User{l.observer, l.delegate, l.head, l.rapporteur} {
		_, err := l.svc.ImportRegisterCSV(ctx, u, strings.NewReader(file), false)
		assertCode(t, err, conference.EFORBIDDEN)
	}
}

// A store failure half-way through an import takes back what went in.
func TestService_ImportRegisterCSV_StoreFailure(t *testing.T) {
	l := newLondon(t)
	row := "T,,NZ,,,judiciary,training,planned,2015-01-01,,,\n"
	l.store.FailWrite(3)
	_, err := l.svc.ImportRegisterCSV(ctx, l.admin, strings.NewReader(csvHeader+row+row+row+row), false)
	if err == nil {
		t.Fatalf("the import succeeded despite the store failing")
	}
	if n := l.store.Count(conference.Register); n != 0 {
		t.Fatalf("%d entries left in the store", n)
	}
	page, err := l.svc.Register(ctx, l.admin, conference.RegisterFilter{Archived: "any"})
	assertNoError(t, err)
	if page.Total != 0 {
		t.Fatalf("%d entries left in memory", page.Total)
	}
}

// A formula in a cell, in ASCII, fullwidth or behind spaces, is defused in
// the register's export, and the export imports back (less its id) into the
// same entry.
func TestService_WriteRegisterCSV(t *testing.T) {
	for _, tt := range []struct {
		name                       string
		title, summary, leadAgency string
		ref                        conference.Reference
	}{
		{"ASCII", "=HYPERLINK(\"http://evil.example\",\"click\")", "-2+3 judges, Māori Land Court\nsecond line", "@agency",
			conference.Reference{URL: "https://example.org/a", Catalogue: "IJS", Identifier: "+7"}},
		{"Fullwidth", "\uFF1DHYPERLINK(\"http://evil.example\",\"click\")", "\uFF0D2+3 judges", "\uFF20agency",
			conference.Reference{URL: "https://example.org/a", Catalogue: "\uFF0BIJS", Identifier: "\uFF0D7"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newLondon(t)
			in := entryInput(l)
			in.Title, in.Summary, in.LeadAgency = tt.title, tt.summary, tt.leadAgency
			in.References = []conference.Reference{tt.ref}
			out, recs := exportEntry(t, l, in)
			if !strings.HasPrefix(out, "\uFEFFid,title,") {
				t.Fatalf("the export does not start with a BOM and the header: %q", out[:20])
			}
			row := recs[1]
			for i, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("column %s starts with %q: a spreadsheet would run it", recs[0][i], cell[:1])
				}
			}
			for i, want := range map[int]string{1: "'" + in.Title, 2: "'" + in.Summary, 4: "'" + in.LeadAgency} {
				if row[i] != want {
					t.Errorf("column %s=%q, want %q", recs[0][i], row[i], want)
				}
			}
			if got, want := row[11], "cyberbullying"; got != want {
				t.Fatalf("topics cell=%q, want the slug %q", got, want)
			}
			assertImportsBack(t, recs, in)
		})
	}
}

// exportEntry stores in as the follow-up member's entry and returns the
// register's CSV export, as written and as records without the BOM.
func exportEntry(t *testing.T, l *london, in conference.RegisterEntryInput) (string, [][]string) {
	t.Helper()
	_, err := l.svc.CreateRegisterEntry(ctx, l.followup, in)
	assertNoError(t, err)
	page, err := l.svc.Register(ctx, l.observer, conference.RegisterFilter{})
	assertNoError(t, err)
	var buf bytes.Buffer
	writeRegisterCSV(t, l, &buf, page.Entries)
	out := buf.String()
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	assertNoError(t, err)
	return out, recs
}

// assertImportsBack imports an export of one entry (less its id column) into
// a fresh London and fails unless the entry read back is in again.
func assertImportsBack(t *testing.T, recs [][]string, in conference.RegisterEntryInput) {
	t.Helper()
	for i := range recs {
		recs[i] = recs[i][1:]
	}
	var back bytes.Buffer
	assertNoError(t, csv.NewWriter(&back).WriteAll(recs))
	l := newLondon(t)
	rep, err := l.svc.ImportRegisterCSV(ctx, l.followup, &back, false)
	assertNoError(t, err)
	e, err := l.svc.RegisterEntry(ctx, l.observer, rep.Created[0])
	assertNoError(t, err)
	if e.Title != in.Title || e.Summary != in.Summary || e.LeadAgency != in.LeadAgency || !reflect.DeepEqual(e.References, in.References) {
		t.Fatalf("round trip: %+v", e)
	}
}

// An import that dies before its commit (here: a write fails and so does
// every undo, as when the process is killed) leaves nothing visible, neither
// now nor after a restart, and a later start discards its rows.
func TestService_ImportRegisterCSV_CrashBeforeCommit(t *testing.T) {
	row := "T,,NZ,,,judiciary,training,planned,2015-01-01,,,\n"
	for _, tt := range []struct {
		name   string
		fails  func(op string, c conference.Collection, n int) bool // n: this write's number into c
		staged int                                                  // rows left in the store
	}{
		{"the third row fails", func(op string, c conference.Collection, n int) bool {
			return op == "delete" || (c == conference.Register && n == 3)
		}, 2},
		{"the commit fails", func(op string, c conference.Collection, n int) bool {
			return op == "delete" || c == conference.Imports
		}, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newLondon(t)
			written := map[conference.Collection]int{}
			l.store.beforeWrite = func(op string, c conference.Collection, id string) {
				written[c]++
				if tt.fails(op, c, written[c]) {
					l.store.FailWrite(1)
				}
			}
			_, err := l.svc.ImportRegisterCSV(ctx, l.admin, strings.NewReader(csvHeader+row+row+row+row), false)
			if err == nil {
				t.Fatalf("the import succeeded despite the store failing")
			}
			l.store.beforeWrite = nil
			if n := l.store.Count(conference.Register); n != tt.staged {
				t.Fatalf("%d entries in the store, want the %d the undo could not take back", n, tt.staged)
			}
			assertRegisterTotal(t, l.svc, l.admin, 0)

			again := newFixtureOver(t, l.store)
			assertRegisterTotal(t, again.svc, l.admin, 0)
			n, err := again.svc.DiscardUnfinishedImports(ctx)
			assertNoError(t, err)
			if n != 0 || l.store.Count(conference.Register) != tt.staged {
				t.Fatalf("discarded %d entries of an import that another instance may still commit", n)
			}
			again.clock.Advance(2*conference.ImportTimeout + time.Minute)
			n, err = again.svc.DiscardUnfinishedImports(ctx)
			assertNoError(t, err)
			if n != tt.staged || l.store.Count(conference.Register) != 0 {
				t.Fatalf("discarded %d, %d left in the store; want %d and 0", n, l.store.Count(conference.Register), tt.staged)
			}
			assertRegisterTotal(t, again.svc, l.admin, 0)
		})
	}
}

// A committed import is whole after a restart, and its rows are not taken
// for an unfinished import's.
func TestService_ImportRegisterCSV_CommittedSurvivesReload(t *testing.T) {
	l := newLondon(t)
	row := "T,,NZ,,,judiciary,training,planned,2015-01-01,,,\n"
	rep, err := l.svc.ImportRegisterCSV(ctx, l.admin, strings.NewReader(csvHeader+row+row+row), false)
	assertNoError(t, err)
	if len(rep.Created) != 3 || l.store.Count(conference.Imports) != 1 {
		t.Fatalf("created %d, %d import records", len(rep.Created), l.store.Count(conference.Imports))
	}
	again := newFixtureOver(t, l.store)
	assertRegisterTotal(t, again.svc, l.admin, 3)
	again.clock.Advance(24 * time.Hour)
	n, err := again.svc.DiscardUnfinishedImports(ctx)
	assertNoError(t, err)
	if n != 0 {
		t.Fatalf("discarded %d entries of a committed import", n)
	}
}

func assertRegisterTotal(t *testing.T, svc *conference.Service, actor *conference.User, want int) {
	t.Helper()
	page, err := svc.Register(ctx, actor, conference.RegisterFilter{Archived: "any"})
	assertNoError(t, err)
	if page.Total != want {
		t.Fatalf("the register holds %d entries, want %d", page.Total, want)
	}
}

// Signing in, refreshing a login and signing out never wait for an import:
// each runs to completion from inside the import's store writes, both while
// rows are written and at the commit, under the writers' lock.
func TestService_ImportRegisterCSV_SignInDoesNotWait(t *testing.T) {
	l := newLondon(t)
	old := l.mustSignIn(t, l.observer.Email)
	l.clock.Advance(2 * time.Hour) // the login is due a last-seen write
	row := "T,,NZ,,,judiciary,training,planned,2015-01-01,,,\n"
	var during []string
	l.store.beforeWrite = func(op string, c conference.Collection, id string) {
		first := c == conference.Register && len(during) == 0
		if op != "insert" || !first && c != conference.Imports {
			return
		}
		done := make(chan error, 1)
		go func() {
			secret, _, err := l.svc.SignIn(ctx, l.delegate.Email, password)
			if err == nil {
				_, err = l.svc.LoginUser(ctx, old)
			}
			if err == nil {
				err = l.svc.SignOut(ctx, secret)
			}
			done <- err
		}()
		select {
		case err := <-done:
			assertNoError(t, err)
			during = append(during, string(c))
		case <-time.After(10 * time.Second): // a guard: the sign-in is stuck behind the import
			t.Errorf("a sign-in during the import's write to %s did not return", c)
		}
	}
	rep, err := l.svc.ImportRegisterCSV(ctx, l.followup, strings.NewReader(csvHeader+row+row+row), false)
	l.store.beforeWrite = nil
	assertNoError(t, err)
	if len(rep.Created) != 3 || !slices.Equal(during, []string{"register", "imports"}) {
		t.Fatalf("created %d; sign-ins ran during writes to %v, want the rows' and the commit's", len(rep.Created), during)
	}
}

// Imported entries join the working set, all at once, exactly as a reload
// would have them: in list order among the entries already there, under
// every filter, and found by search.
func TestService_ImportRegisterCSV_WorkingSetAsReloaded(t *testing.T) {
	l := newLondon(t)
	for _, start := range []string{"2014-01-01", "2015-06-01", "2016-12-31"} {
		in := entryInput(l)
		in.StartDate = start
		_, err := l.svc.CreateRegisterEntry(ctx, l.followup, in)
		assertNoError(t, err)
	}
	file := csvHeader +
		"Zebra course,,NZ,,AU,judiciary,training,planned,2015-06-01,,,\n" +
		"Aardvark exchange,,NZ,,,prosecutors,exchange,ongoing,2013-02-02,,cyberbullying,\n" +
		"Middle guidance,,NZ,,CA,policy,guidance,completed,2015-06-01,2015-07-01,,\n" +
		"Latest tool,,NZ,,,other,tool,planned,2017-01-01,,,\n"
	_, err := l.svc.ImportRegisterCSV(ctx, l.followup, strings.NewReader(file), false)
	assertNoError(t, err)
	again := newFixtureOver(t, l.store)
	for _, f := range []conference.RegisterFilter{
		{Archived: "any"},
		{Delegations: []string{"AU"}},
		{Delegations: []string{"CA"}, Statuses: []conference.EntryStatus{conference.EntryCompleted}},
		{Audiences: []conference.Audience{conference.AudienceProsecutors}},
		{Formats: []conference.Format{conference.FormatTool}},
		{Year: 2015},
		{Topics: []string{"cyberbullying"}},
	} {
		got, err := l.svc.Register(ctx, l.observer, f)
		assertNoError(t, err)
		want, err := again.svc.Register(ctx, l.observer, f)
		assertNoError(t, err)
		if !reflect.DeepEqual(ids(got.Entries), ids(want.Entries)) || got.Total != want.Total {
			t.Errorf("%+v: after the import %v, after a reload %v", f, ids(got.Entries), ids(want.Entries))
		}
	}
	res, err := l.svc.Search(ctx, l.observer, conference.SearchQuery{Q: "aardvark"})
	assertNoError(t, err)
	if res.Total != 1 {
		t.Fatalf("search finds %d imported entries, want 1", res.Total)
	}
}

func ids(es []*conference.RegisterEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// The rows are checked again under the writers' lock before the commit:
// an account disabled while its import wrote the rows commits nothing.
func TestService_ImportRegisterCSV_DisabledWhileWriting(t *testing.T) {
	l := newLondon(t)
	row := "T,,NZ,,,judiciary,training,planned,2015-01-01,,,\n"
	var once bool
	l.store.beforeWrite = func(op string, c conference.Collection, id string) {
		if c == conference.Register && !once {
			once = true
			_, err := l.svc.UpdateUser(ctx, l.admin, l.followup.ID, conference.UserUpdate{Disabled: ptr(true)})
			assertNoError(t, err)
		}
	}
	_, err := l.svc.ImportRegisterCSV(ctx, l.followup, strings.NewReader(csvHeader+row+row), false)
	l.store.beforeWrite = nil
	assertCode(t, err, conference.EUNAUTHORIZED)
	if n := l.store.Count(conference.Register); n != 0 || l.store.Count(conference.Imports) != 0 {
		t.Fatalf("%d staged entries left, %d imports", n, l.store.Count(conference.Imports))
	}
	assertRegisterTotal(t, l.svc, l.admin, 0)
}

// writeRegisterCSV exports entries as the register.csv route does: topics by
// their slugs.
func writeRegisterCSV(t *testing.T, l *london, w io.Writer, entries []*conference.RegisterEntry) {
	t.Helper()
	topics, err := l.svc.Topics(ctx, l.observer)
	assertNoError(t, err)
	slugs := map[string]string{}
	for _, tp := range topics {
		slugs[tp.ID] = tp.Slug
	}
	assertNoError(t, export.WriteRegisterCSV(w, entries, slugs))
}
