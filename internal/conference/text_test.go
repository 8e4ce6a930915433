package conference_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
)

// textField is one field of user text: how to put a value into an otherwise
// valid thing and validate it.
type textField struct {
	field string
	long  bool                     // several lines allowed
	wrap  func(bad string) string  // a valid value of the field with bad inside; nil: "Before" + bad + "after"
	check func(value string) error // Validate of a valid thing whose field holds value
}

func textFields() []textField {
	validOutcome := func() conference.Outcome {
		return conference.Outcome{
			MeetingID: "london-2014", SessionID: "s1", Kind: conference.OutcomeFinding,
			Text: "Cyberbullying is best met by education.", Sources: []int64{1},
			Marking: conference.MarkingAll, Status: conference.OutcomeDraft,
		}
	}
	return []textField{
		{field: "email", wrap: func(b string) string { return "ali" + b + "ce@example.org" },
			check: func(v string) error { u := validUser(); u.Email = v; return u.Validate() }},
		{field: "name", check: func(v string) error { u := validUser(); u.Name = v; return u.Validate() }},

		{field: "name", check: func(v string) error { d := validDelegation(); d.Name = v; return d.Validate() }},
		{field: "agencies", check: func(v string) error {
			d := validDelegation()
			d.Agencies = append(d.Agencies, v)
			return d.Validate()
		}},

		{field: "title", check: func(v string) error { t := validTopic(); t.Title = v; return t.Validate() }},
		{field: "description", long: true, check: func(v string) error { t := validTopic(); t.Description = v; return t.Validate() }},

		{field: "title", check: func(v string) error { m := validMeeting(); m.Title = v; return m.Validate() }},
		{field: "city", check: func(v string) error { m := validMeeting(); m.City = v; return m.Validate() }},
		{field: "venue", check: func(v string) error { m := validMeeting(); m.Venue = v; return m.Validate() }},

		{field: "title", check: func(v string) error { s := validSession(); s.Title = v; return s.Validate() }},
		{field: "room", check: func(v string) error { s := validSession(); s.Room = v; return s.Validate() }},

		{field: "text", long: true, check: func(v string) error { n := validNote(); n.Text = v; return n.Validate() }},

		{field: "text", long: true, check: func(v string) error { o := validOutcome(); o.Text = v; return o.Validate() }},

		{field: "title", check: func(v string) error { a := validAction(); a.Title = v; return a.Validate() }},
		{field: "description", long: true, check: func(v string) error { a := validAction(); a.Description = v; return a.Validate() }},
		{field: "agency", check: func(v string) error { a := validAction(); a.Agency = v; return a.Validate() }},
		{field: "contact", check: func(v string) error { a := validAction(); a.Contact = v; return a.Validate() }},
		{field: "reason", long: true, check: func(v string) error {
			a := validAction()
			a.Status, a.Reason = conference.ActionBlocked, v
			return a.Validate()
		}},

		{field: "title", check: func(v string) error { e := validEntry(); e.Title = v; return e.Validate() }},
		{field: "summary", long: true, check: func(v string) error { e := validEntry(); e.Summary = v; return e.Validate() }},
		{field: "lead_agency", check: func(v string) error { e := validEntry(); e.LeadAgency = v; return e.Validate() }},
		{field: "references[0].url", wrap: func(b string) string { return "https://example.org/course" + b + "x" },
			check: func(v string) error { e := validEntry(); e.References[0].URL = v; return e.Validate() }},
		{field: "references[0].catalogue", check: func(v string) error { e := validEntry(); e.References[0].Catalogue = v; return e.Validate() }},
		{field: "references[0].identifier", check: func(v string) error { e := validEntry(); e.References[0].Identifier = v; return e.Validate() }},
	}
}

// Every text field refuses control characters, bidi controls and bytes that
// are not UTF-8, naming itself; long text keeps newlines and tabs.
func TestText_EveryField(t *testing.T) {
	refused := map[string]string{
		"NUL":             "\x00",
		"RLO":             "\u202e",
		"LRI":             "\u2066",
		"PDI":             "\u2069",
		"invalid UTF-8":   "\xff",
		"lone surrogate":  "\xed\xa0\x80",
		"DEL":             "\x7f",
		"C1 NEL":          "\u0085",
		"escape":          "\x1b[31m",
		"line separator":  "\u2028",
		"byte order mark": "\ufeff",
		"lone CR":         "\r",
	}
	shortOnly := map[string]string{"newline": "\n", "tab": "\t", "CRLF": "\r\n"}
	longAccepted := map[string]string{"newline": "\n", "tab": "\t", "CRLF": "\r\n", "two paragraphs": "\n\n"}
	// Marks without scope, which names in Arabic or Hebrew script need.
	everywhereAccepted := map[string]string{"RLM": "\u200f", "LRM": "\u200e", "ZWJ": "\u200d", "accents": "é"}

	for i, f := range textFields() {
		wrap := f.wrap
		if wrap == nil {
			wrap = func(b string) string { return "Before" + b + "after" }
		}
		prefix := fmt.Sprintf("%02d-%s", i, f.field)
		t.Run(prefix+"/plain", func(t *testing.T) { assertNoError(t, f.check(wrap(""))) })
		for name, bad := range refused {
			t.Run(prefix+"/refuses "+name, func(t *testing.T) { assertInvalid(t, f.check(wrap(bad)), f.field) })
		}
		for name, s := range shortOnly {
			if f.long {
				continue
			}
			t.Run(prefix+"/one line refuses "+name, func(t *testing.T) { assertInvalid(t, f.check(wrap(s)), f.field) })
		}
		for name, s := range longAccepted {
			if !f.long {
				continue
			}
			t.Run(prefix+"/long keeps "+name, func(t *testing.T) { assertNoError(t, f.check(wrap(s))) })
		}
		if f.wrap == nil { // an e-mail address or a URL has its own grammar
			for name, s := range everywhereAccepted {
				t.Run(prefix+"/keeps "+name, func(t *testing.T) { assertNoError(t, f.check(wrap(s))) })
			}
		}
	}
}

// idField is one id a client chooses or names.
type idField struct {
	field string
	check func(id string) error
}

func idFields() []idField {
	return []idField{
		{"id", func(v string) error { m := validMeeting(); m.ID = v; return m.Validate() }},
		{"host", func(v string) error {
			m := validMeeting()
			m.Host, m.Delegations = v, append(m.Delegations, v)
			return m.Validate()
		}},
		{"delegations", func(v string) error {
			m := validMeeting()
			m.Delegations = append(m.Delegations, v)
			return m.Validate()
		}},
		{"topics", func(v string) error { m := validMeeting(); m.Topics = []string{v}; return m.Validate() }},
		{"id", func(v string) error { t := validTopic(); t.ID = v; return t.Validate() }},
		{"meeting_id", func(v string) error { s := validSession(); s.MeetingID = v; return s.Validate() }},
		{"chair", func(v string) error { s := validSession(); s.Chair = v; return s.Validate() }},
		{"rapporteurs", func(v string) error { s := validSession(); s.Rapporteurs = []string{v}; return s.Validate() }},
		{"topics", func(v string) error { s := validSession(); s.Topics = []string{v}; return s.Validate() }},
		{"client_id", func(v string) error { n := validNote(); n.ClientID = v; return n.Validate() }},
		{"topics", func(v string) error { a := validAction(); a.Topics = []string{v}; return a.Validate() }},
		{"meeting_id", func(v string) error { a := validAction(); a.MeetingID = v; return a.Validate() }},
		{"session_id", func(v string) error { a := validAction(); a.SessionID = v; return a.Validate() }},
		{"outcome_id", func(v string) error { a := validAction(); a.OutcomeID = v; return a.Validate() }},
		{"topics", func(v string) error { e := validEntry(); e.Topics = []string{v}; return e.Validate() }},
		{"delegation", func(v string) error { u := validUser(); u.Delegation = v; return u.Validate() }},
		{"from_id", func(v string) error {
			in := conference.LinkInput{FromKind: conference.LinkTopic, FromID: v, EntryID: "e1"}
			return in.Validate()
		}},
		{"entry_id", func(v string) error {
			in := conference.LinkInput{FromKind: conference.LinkTopic, FromID: "t1", EntryID: v}
			return in.Validate()
		}},
	}
}

// Every id a client supplies follows the one pattern, and a refusal names
// the field without repeating what was sent.
func TestID_EveryField(t *testing.T) {
	refused := map[string]string{
		"operator":          "$where",
		"dotted path":       "a.b.$c",
		"markup":            "<script>",
		"one MiB":           strings.Repeat("a", 1<<20),
		"101 characters":    strings.Repeat("a", 101),
		"leading hyphen":    "-x",
		"formula":           "=cmd",
		"colon":             "a:b",
		"space":             "a b",
		"slash":             "a/b",
		"accented":          "caf\u00e9",
		"NUL":               "a\x00",
		"bidi override":     "a\u202eb",
		"invalid UTF-8":     "a\xff",
		"fullwidth letters": "\uff21\uff22",
	}
	accepted := map[string]string{
		"NewID":        conference.NewID(),
		"UUID":         "3f2b8c1e-9a4d-4e2f-8b7a-1c2d3e4f5a6b",
		"seed session": "london-2014-d1-opening",
		"code":         "NZ",
		"underscore":   "a_b",
		"100 chars":    strings.Repeat("a", 100),
	}
	for i, f := range idFields() {
		prefix := fmt.Sprintf("%02d-%s", i, f.field)
		for name, bad := range refused {
			t.Run(prefix+"/refuses "+name, func(t *testing.T) {
				err := f.check(bad)
				assertInvalid(t, err, f.field)
				if msg := conference.ErrorMessage(err); len(msg) > 200 || strings.Contains(msg, "<script>") {
					t.Fatalf("message %.80q… (%d bytes) repeats the id", msg, len(msg))
				}
			})
		}
		for name, good := range accepted {
			t.Run(prefix+"/accepts "+name, func(t *testing.T) { assertNoError(t, f.check(good)) })
		}
	}
}

func TestValidLinkID(t *testing.T) {
	for _, tt := range []struct {
		id string
		ok bool
	}{
		{conference.LinkID(conference.LinkNote, "0123456789abcdef01234567", "e1"), true},
		{conference.LinkID(conference.LinkTopic, "cyberbullying", "e-2"), true},
		{"note:a", false},
		{"note:a:b:c", false},
		{"page:a:b", false},
		{"note:$where:b", false},
		{"note:a:<script>", false},
		{"", false},
	} {
		err := conference.ValidLinkID("id", tt.id)
		if tt.ok {
			if err != nil {
				t.Errorf("ValidLinkID(%q)=%v, want nil", tt.id, err)
			}
			continue
		}
		assertInvalid(t, err, "id")
	}
}

// The message says where the character is and which it is, so that the
// writer can find an invisible one.
func TestText_MessageLocatesCharacter(t *testing.T) {
	err := conference.ValidShortText("title", "Zoë\u202eabc")
	assertInvalid(t, err, "title")
	if got, want := conference.ErrorMessage(err), "The title holds a bidirectional control character (U+202E) at character 4; remove it."; got != want {
		t.Fatalf("message=%q, want %q", got, want)
	}
}

// badServiceText is text that reaches the Service outside a Validate.
var badServiceText = map[string]string{"NUL": "a\x00b", "RLO": "a\u202eb", "invalid UTF-8": "a\xffb", "lone CR": "a\rb"}

// A progress report's text follows the rules of long text.
func TestText_ProgressReports(t *testing.T) {
	w := newWorld(t)
	a := w.newAction(t, "CA", "2015-06-30")
	for name, text := range badServiceText {
		t.Run(name, func(t *testing.T) {
			w.unchanged(t, func() {
				_, err := w.svc.ReportProgress(w.ctx, w.followupCA, a.ID, conference.ReportInput{Text: text, Version: ptr(a.Version)})
				assertCodeField(t, err, conference.EINVALID, "text")
			})
		})
	}
	got, err := w.svc.ReportProgress(w.ctx, w.followupCA, a.ID, conference.ReportInput{
		Text: "Curriculum drafted:\n\t- module 1\r\n\t- module 2", Version: ptr(a.Version)})
	assertNoError(t, err)
	if n := len(got.Reports); n != 1 {
		t.Fatalf("%d reports, want 1", n)
	}
}

// A token's name follows the rules of short text.
func TestText_TokenNames(t *testing.T) {
	l := newLondon(t)
	cases := map[string]string{"newline": "a\nb"}
	for name, s := range badServiceText {
		cases[name] = s
	}
	for name, tokenName := range cases {
		t.Run(name, func(t *testing.T) {
			b := l.before(t)
			_, err := l.svc.CreateToken(ctx, l.rapporteur, l.rapporteur.ID, tokenName)
			assertInvalid(t, err, "name")
			l.assertUnchanged(t, b)
		})
	}
}
