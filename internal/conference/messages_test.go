package conference_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/quintet-ag/quintet/internal/conference"
)

// snakeCase finds a field's JSON name (start_date, lead_delegation) in a
// message: a person reads the form's label, not the name a client sends.
var snakeCase = regexp.MustCompile(`[a-z]+_[a-z]+`)

// Every message a form shows next to its field is a sentence for the person
// who filled it in: it starts with a capital letter, ends with a full stop,
// names the field in words and says what to do. Each case breaks one rule
// of a real Validate or Service method; the field and code stay as clients
// key on them.
func TestValidationMessages_AreWrittenForPeople(t *testing.T) {
	l := newLondon(t)
	meeting := func(edit func(*conference.Meeting)) func() error {
		return func() error { m := validMeeting(); edit(&m); return m.Validate() }
	}
	session := func(edit func(*conference.Session)) func() error {
		return func() error { s := validSession(); edit(&s); return s.Validate() }
	}
	action := func(edit func(*conference.Action)) func() error {
		return func() error { a := validAction(); edit(&a); return a.Validate() }
	}
	entry := func(edit func(*conference.RegisterEntry)) func() error {
		return func() error { e := validEntry(); edit(&e); return e.Validate() }
	}
	user := func(edit func(*conference.User)) func() error {
		return func() error { u := validUser(); edit(&u); return u.Validate() }
	}
	outcome := func(edit func(*conference.Outcome)) func() error {
		return func() error {
			o := conference.Outcome{Kind: conference.OutcomeDecision, Text: "Share training materials.",
				Sources: []int64{1, 2}, Marking: conference.MarkingAll, Status: conference.OutcomeDraft}
			edit(&o)
			return o.Validate()
		}
	}
	for _, tc := range []struct {
		name   string
		err    func() error
		field  string
		phrase string // part of the message
	}{
		{"meeting without a title", meeting(func(m *conference.Meeting) { m.Title = " " }), "title", "Give the title."},
		{"meeting title too long", meeting(func(m *conference.Meeting) { m.Title = strings.Repeat("x", 201) }),
			"title", "The title is longer than 200 characters."},
		{"meeting title of two lines", meeting(func(m *conference.Meeting) { m.Title = "London\n2014" }),
			"title", "The title must be one line: it holds a line break (U+000A) at character 7."},
		{"meeting without a host", meeting(func(m *conference.Meeting) { m.Host = "" }), "host", "Choose the host delegation."},
		{"meeting in no time zone", meeting(func(m *conference.Meeting) { m.TimeZone = "" }), "time_zone", "such as Europe/London"},
		{"meeting in an unknown time zone", meeting(func(m *conference.Meeting) { m.TimeZone = "Mars/Olympus" }),
			"time_zone", `There is no time zone "Mars/Olympus"`},
		{"meeting start not a date", meeting(func(m *conference.Meeting) { m.StartDate = "9 July" }),
			"start_date", `The start date "9 July" is not a date: write it as YYYY-MM-DD.`},
		{"meeting ends before it starts", meeting(func(m *conference.Meeting) { m.EndDate = "2014-07-08" }),
			"end_date", "The end date (2014-07-08) cannot be before the start date (2014-07-09)."},
		{"meeting of 32 days", meeting(func(m *conference.Meeting) { m.EndDate = "2014-08-09" }), "end_date", "at most 31 days"},
		{"meeting with an unknown delegation", func() error {
			m := validMeeting()
			m.ID, m.Delegations = "paris-2015", append(m.Delegations, "FR")
			_, err := l.svc.CreateMeeting(ctx, conference.SystemActor, m)
			return err
		}, "delegations", `There is no delegation "FR".`},
		{"session of 13 hours", session(func(s *conference.Session) { s.End = s.Start.Add(13 * time.Hour) }),
			"end", "A session lasts at most 12 hours"},
		{"session ending before it starts", session(func(s *conference.Session) { s.End = s.Start }),
			"end", "The session must end after it starts."},
		{"session with a topic twice", session(func(s *conference.Session) { s.Topics = []string{"t1", "t1"} }),
			"topics", "A topic is listed twice; list each topic once."},
		{"session with an unknown topic", func() error {
			_, err := l.svc.CreateSession(ctx, l.admin, l.meeting.ID, conference.SessionInput{
				Title: "Opening", Start: mustTime("2014-07-09T09:00:00Z"), End: mustTime("2014-07-09T10:00:00Z"),
				Topics: []string{"astrology"},
			})
			return err
		}, "topics", `There is no topic "astrology".`},
		{"note without text", func() error { n := validNote(); n.Text = " \n"; return n.Validate() }, "text", "Give the text."},
		{"note with a control character", func() error { n := validNote(); n.Text = "CPS\x07 guidelines"; return n.Validate() },
			"text", "The text holds a control character (U+0007) at character 4; remove it."},
		{"note of an unknown marking", func() error { n := validNote(); n.Marking = "secret"; return n.Validate() },
			"marking", `There is no marking "secret": choose one of all, delegations, heads.`},
		{"outcome citing a note twice", outcome(func(o *conference.Outcome) { o.Sources = []int64{2, 2} }),
			"sources", "Note 2 is cited twice; cite each note once."},
		{"draft outcome with sign-offs", outcome(func(o *conference.Outcome) { o.SignOffs = []conference.SignOff{{Delegation: "CA"}} }),
			"status", "A draft outcome carries no sign-offs."},
		{"action due on no date", action(func(a *conference.Action) { a.Due = "next spring" }),
			"due", `The due date "next spring" is not a date: write it as YYYY-MM-DD.`},
		{"action without a due date", action(func(a *conference.Action) { a.Due = "" }), "due", "Give the due date as YYYY-MM-DD."},
		{"action of an unknown status", action(func(a *conference.Action) { a.Status = "paused" }), "status", `There is no status "paused"`},
		{"action note without its session", action(func(a *conference.Action) { a.NoteSeq = 3 }),
			"session_id", "choose the session too."},
		{"entry without a lead delegation", entry(func(e *conference.RegisterEntry) { e.LeadDelegation = "" }),
			"lead_delegation", "Choose the lead delegation."},
		{"entry for no audience", entry(func(e *conference.RegisterEntry) { e.Audiences = nil }),
			"audiences", "Choose at least one audience: prosecutors, judiciary, investigators, policy or other."},
		{"entry with a javascript: reference", entry(func(e *conference.RegisterEntry) { e.References[0].URL = "javascript:alert(1)" }),
			"references[0].url", "must be a web address beginning with http:// or https://."},
		{"entry reference of two lines", entry(func(e *conference.RegisterEntry) { e.References[0].Catalogue = "IJS\ncalendar" }),
			"references[0].catalogue", "The catalogue of reference 1 must be one line"},
		{"entry ending before it starts", entry(func(e *conference.RegisterEntry) { e.EndDate = "2015-03-01" }),
			"end_date", "The end date (2015-03-01) cannot be before the start date (2015-03-02)."},
		{"user without an e-mail address", user(func(u *conference.User) { u.Email = "" }), "email", "Give the e-mail address."},
		{"user with a bad e-mail address", user(func(u *conference.User) { u.Email = "alice@" }),
			"email", `The e-mail address "alice@" is not valid`},
		{"delegate without a delegation", user(func(u *conference.User) { u.Delegation = "" }), "delegation", "need a delegation; choose one."},
		{"user of an unknown role", user(func(u *conference.User) { u.Roles = []conference.Role{"chair"} }),
			"roles", `There is no role "chair": choose one of`},
		{"admin disabling their own account", func() error {
			yes := true
			_, err := l.svc.UpdateUser(ctx, l.admin, l.admin.ID, conference.UserUpdate{Disabled: &yes})
			return err
		}, "disabled", "You cannot disable your own account."},
		{"delegation code not a code", func() error { d := validDelegation(); d.Code = "gbr"; return d.Validate() },
			"code", `The delegation code "gbr" must be two capital letters (ISO 3166 alpha-2), such as NZ.`},
		{"delegation without a name", func() error { d := validDelegation(); d.Name = ""; return d.Validate() },
			"name", "Give the delegation's name."},
		{"topic slug not a slug", func() error { tp := validTopic(); tp.Slug = "Not A Slug"; return tp.Validate() },
			"slug", `The slug "Not A Slug" must be lower-case words joined by hyphens`},
		{"topic without a title", func() error { tp := validTopic(); tp.Title = ""; return tp.Validate() }, "title", "Give the title."},
		{"search for nothing", func() error {
			_, err := l.svc.Search(ctx, l.admin, conference.SearchQuery{Q: "  "})
			return err
		}, "q", "Type a few words to search for."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e *conference.Error
			if err := tc.err(); !errors.As(err, &e) {
				t.Fatalf("err=%v, want an *Error", err)
			}
			if e.Code != conference.EINVALID || e.Field != tc.field {
				t.Fatalf("code %q field %q (%s), want %q %q", e.Code, e.Field, e.Message, conference.EINVALID, tc.field)
			}
			if !strings.Contains(e.Message, tc.phrase) {
				t.Errorf("message %q, want it to contain %q", e.Message, tc.phrase)
			}
			messages := []string{e.Message}
			for _, f := range e.Fields {
				messages = append(messages, f.Message)
			}
			for _, msg := range messages {
				if r, _ := utf8.DecodeRuneInString(msg); !unicode.IsUpper(r) {
					t.Errorf("message %q does not start with a capital letter", msg)
				}
				if !strings.HasSuffix(msg, ".") {
					t.Errorf("message %q does not end with a full stop", msg)
				}
				if w := snakeCase.FindString(msg); w != "" {
					t.Errorf("message %q names the field %s as a client sends it", msg, w)
				}
			}
		})
	}
}
