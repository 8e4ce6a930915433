package conference

import (
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/doctest"
)

// The permission matrix: who may do what to which thing. Each row is checked
// against the May… functions and the read rules, and the same rows are
// printed into docs/security.md, so the document is the code's own table.

// accessRoles are the matrix's columns, in order. The session in question is
// s1, chaired by "chair" with rapporteur "rap"; the thing's owner delegation
// (an action's owner, an entry's lead, the head's and feed's delegation) is FR.
var accessRoles = []struct{ key, label string }{
	{"admin", "admin"},
	{"rap", "rapporteur of the session"},
	{"rap2", "rapporteur of another session"},
	{"chair", "chair of the session"},
	{"del", "delegate"},
	{"head", "head (FR)"},
	{"fu", "follow-up (FR)"},
	{"fu2", "follow-up (DE)"},
	{"obs", "observer"},
	{"off", "disabled admin"},
}

type accessFixture struct {
	st    *state
	users map[string]*User
	s1    *Session
}

func newAccessFixture() *accessFixture {
	f := &accessFixture{st: newState(), users: map[string]*User{}}
	add := func(key, delegation string, disabled bool, roles ...Role) {
		f.users[key] = &User{ID: key, Name: key, Roles: roles, Delegation: delegation, Disabled: disabled}
	}
	add("admin", "", false, RoleAdmin)
	add("rap", "", false, RoleRapporteur)
	add("rap2", "", false, RoleRapporteur)
	add("chair", "DE", false, RoleDelegate)
	add("del", "FR", false, RoleDelegate)
	add("head", "FR", false, RoleHead)
	add("fu", "FR", false, RoleFollowup)
	add("fu2", "DE", false, RoleFollowup)
	add("obs", "", false, RoleObserver)
	add("off", "", true, RoleAdmin)
	f.s1 = &Session{ID: "s1", Chair: "chair", Rapporteurs: []string{"rap"}}
	f.st.sessions["s1"] = f.s1
	f.st.sessions["s2"] = &Session{ID: "s2", Rapporteurs: []string{"rap2"}}
	f.st.outcomes["o1"] = &Outcome{ID: "o1", SessionID: "s1", Marking: MarkingAll, Status: OutcomeAgreed}
	return f
}

func (f *accessFixture) readNote(m Marking) func(*User) bool {
	return func(u *User) bool { return f.st.mayReadNote(u, &Note{SessionID: "s1", Marking: m}) }
}

func (f *accessFixture) readOutcome(m Marking) func(*User) bool {
	return func(u *User) bool {
		return f.st.mayReadOutcome(u, &Outcome{SessionID: "s1", Marking: m, Status: OutcomeAgreed})
	}
}

func (f *accessFixture) readDraft(m Marking) func(*User) bool {
	return func(u *User) bool {
		return f.st.mayReadOutcome(u, &Outcome{SessionID: "s1", Marking: m, Status: OutcomeDraft})
	}
}

func (f *accessFixture) readAction(m Marking) func(*User) bool {
	return func(u *User) bool {
		return f.st.mayReadAction(u, &Action{SessionID: "s1", OutcomeID: "o1", Owner: "FR", Marking: m})
	}
}

// readVersion: a published version is read at the reader's own clearance;
// the session's insiders (rap, chair) read no more of it than others.
func (f *accessFixture) readVersion(m Marking) func(*User) bool {
	return func(u *User) bool { return u.MayReadRecordVersion(&RecordVersion{MeetingID: "m", Marking: m}) }
}

type accessRow struct {
	verb, thing string
	// want has one cell per accessRoles column: "x" allowed, "." denied.
	want string
	may  func(*User) bool
}

func accessRows(f *accessFixture) []accessRow {
	action := &Action{SessionID: "s1", Owner: "FR"}
	entry := &RegisterEntry{LeadDelegation: "FR"}
	//                                                    adm rap rp2 chr del hd  fu  fu2 obs off
	return []accessRow{
		{"read", "note marked all", "x x x x x x x x x .", f.readNote(MarkingAll)},
		{"read", "note marked delegations", "x x x x x x x x . .", f.readNote(MarkingDelegations)},
		{"read", "note marked heads", "x x . x . x . . . .", f.readNote(MarkingHeads)},
		{"read", "outcome marked all", "x x x x x x x x x .", f.readOutcome(MarkingAll)},
		{"read", "outcome marked delegations", "x x x x x x x x . .", f.readOutcome(MarkingDelegations)},
		{"read", "outcome marked heads", "x x . x . x . . . .", f.readOutcome(MarkingHeads)},
		{"read", "draft outcome marked all", "x x x x x x x x . .", f.readDraft(MarkingAll)},
		{"read", "action marked all", "x x x x x x x x x .", f.readAction(MarkingAll)},
		{"read", "action marked delegations", "x x x x x x x x . .", f.readAction(MarkingDelegations)},
		{"read", "action marked heads", "x x . x . x . . . .", f.readAction(MarkingHeads)},
		{"post", "note in the session", "x x . x . . . . . .", func(u *User) bool { return u.MayPostNote(f.s1) }},
		{"post", "note after the session ended", "x . . . . . . . . .", (*User).MayPostLateNote},
		{"start/end", "the session", "x x . x . . . . . .", func(u *User) bool { return u.MayRunSession(f.s1) }},
		{"draft/edit", "outcome of the session", "x x . x . . . . . .", func(u *User) bool { return u.MayDraftOutcome(f.s1) }},
		{"agree/reopen", "outcome", "x . . . . . . . . .", (*User).MayAgreeOutcome},
		{"sign off", "outcome for FR", ". . . . . x . . . .", func(u *User) bool { return u.MaySignOff("FR") }},
		{"create", "action of FR from the session", "x x . x . . x . . .", func(u *User) bool { return u.MayCreateAction(f.s1, "FR") }},
		{"create", "action of FR from a topic", "x . . . . . x . . .", func(u *User) bool { return u.MayCreateAction(nil, "FR") }},
		{"edit/report progress", "action of FR", "x . . . . . x . . .", func(u *User) bool { return u.MayEditAction(action) }},
		{"hand over", "action of FR to another delegation", "x . . . . . x . . .", func(u *User) bool { return u.MayReassignAction(action) }},
		{"import", "register CSV", "x . . . . . x x . .", (*User).MayImportRegister},
		{"create/edit", "register entry led by FR", "x . . . . . x . . .", func(u *User) bool { return u.MayEditEntry(entry) }},
		{"mark", "register entry as example", "x . . . . . . . . .", (*User).MayMarkExample},
		{"reassign", "register entry to another lead", "x . . . . . . . . .", (*User).MayReassignEntry},
		{"link", "note or outcome of the session", "x x . x . . . . . .", func(u *User) bool { return u.MayLink(LinkNote, f.s1, "") }},
		{"link", "action of FR", "x . . . . . x . . .", func(u *User) bool { return u.MayLink(LinkAction, f.s1, "FR") }},
		{"link", "topic", "x . . . . . . . . .", func(u *User) bool { return u.MayLink(LinkTopic, nil, "") }},
		{"mark", "outcome or action of the session heads", "x x . x . x . . . .", func(u *User) bool { return u.MayMark(f.s1, MarkingHeads) }},
		{"mark", "outcome or action of the session delegations", "x x x x x x x x . .", func(u *User) bool { return u.MayMark(f.s1, MarkingDelegations) }},
		{"manage", "users", "x . . . . . . . . .", (*User).MayManageUsers},
		{"edit", "agenda", "x . . . . . . . . .", (*User).MayEditAgenda},
		{"take", "a backup", "x . . . . . . . . .", (*User).MayBackUp},
		{"manage", "calendar feed of FR", "x . . . . x x . . .", func(u *User) bool { return u.MayManageFeed("FR") }},
		{"publish", "a version of the meeting record", "x . . . . . . . . .", (*User).MayPublishRecord},
		{"read", "record version published at all", "x x x x x x x x x .", f.readVersion(MarkingAll)},
		{"read", "record version published at delegations", "x x x x x x x x . .", f.readVersion(MarkingDelegations)},
		{"read", "record version published at heads", "x . . . . x . . . .", f.readVersion(MarkingHeads)},
	}
}

func TestAccessMatrix(t *testing.T) {
	f := newAccessFixture()
	for _, row := range accessRows(f) {
		cells := strings.Fields(row.want)
		if len(cells) != len(accessRoles) {
			t.Fatalf("%s %s: %d cells, want %d", row.verb, row.thing, len(cells), len(accessRoles))
		}
		for i, r := range accessRoles {
			want := cells[i] == "x"
			if got := row.may(f.users[r.key]); got != want {
				t.Errorf("%s may %s %s: %v, want %v", r.label, row.verb, row.thing, got, want)
			}
		}
	}
}

// accessTable renders the matrix as Markdown.
func accessTable(rows []accessRow) string {
	var b strings.Builder
	b.WriteString("| may … | ")
	for _, r := range accessRoles {
		b.WriteString(r.label + " | ")
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(accessRoles)))
	b.WriteString("\n")
	for _, row := range rows {
		b.WriteString("| " + row.verb + " " + row.thing + " | ")
		for _, c := range strings.Fields(row.want) {
			if c == "x" {
				b.WriteString("yes | ")
			} else {
				b.WriteString("— | ")
			}
		}
		b.WriteString("\n")
	}
	return strings.ReplaceAll(b.String(), " \n", "\n")
}

// docs/security.md carries the matrix between two markers; it must match the
// rows TestAccessMatrix checks. QUINTET_UPDATE_DOCS=1 rewrites it.
func TestSecurityDocPrintsAccessMatrix(t *testing.T) {
	doctest.CheckBlock(t, "../../docs/security.md", "access-table", accessTable(accessRows(newAccessFixture())),
		"the access matrix", "go test ./internal/conference -run TestSecurityDoc")
}
