package conference

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ---- published versions of the meeting record ----
//
// The draft record (MeetingRecord) is computed on every read, so it moves
// with every edit. Publishing freezes it: the secretariat chooses a marking,
// the record as a reader of exactly that clearance would read it is copied
// into a RecordVersion, numbered 1, 2, … per meeting, and stored. Nothing
// that changes later (a note, an outcome, an action, a topic's title, a
// delegation's name) reaches a stored version, because it holds the text,
// not references to the things.

// RecordVersion is one published version of a meeting's record.
type RecordVersion struct {
	// ID is the meeting's id and the number ("london-2014.v2"): the store's
	// unique _id is what keeps two instances from both publishing version 2.
	ID              string    `json:"id" bson:"_id"`
	MeetingID       string    `json:"meeting_id" bson:"meeting_id"`
	Number          int64     `json:"number" bson:"number"`
	Marking         Marking   `json:"marking" bson:"marking"`
	PublishedBy     string    `json:"published_by" bson:"published_by"`           // user id
	PublishedByName string    `json:"published_by_name" bson:"published_by_name"` // as it was then
	PublishedAt     time.Time `json:"published_at" bson:"published_at"`
	// Content is the frozen record. Lists of versions leave it out (nil).
	Content *RecordContent `json:"content,omitempty" bson:"content"`
}

func (v *RecordVersion) key() string { return v.ID }

// RecordContent is a meeting record as text: what a reader of one
// clearance read at one instant. It names things by their titles and names
// as they were, so that it renders the same for ever. The draft record is
// rendered through it too (Record.Content), so that a version reads exactly
// as the draft did when it was published.
type RecordContent struct {
	Title       string           `json:"title" bson:"title"`
	City        string           `json:"city" bson:"city"`
	Venue       string           `json:"venue" bson:"venue"`
	TimeZone    string           `json:"time_zone" bson:"time_zone"`
	StartDate   string           `json:"start_date" bson:"start_date"`
	EndDate     string           `json:"end_date" bson:"end_date"`
	Delegations []string         `json:"delegations" bson:"delegations"` // names
	Clearance   Marking          `json:"clearance" bson:"clearance"`     // what it was read at
	Generated   time.Time        `json:"generated" bson:"generated"`
	Sessions    []ContentSession `json:"sessions" bson:"sessions"`
	Actions     []ContentAction  `json:"actions" bson:"actions"`
}

// ContentSession is one session of a record's content.
type ContentSession struct {
	Title    string           `json:"title" bson:"title"`
	Start    time.Time        `json:"start" bson:"start"`
	End      time.Time        `json:"end" bson:"end"`
	Room     string           `json:"room" bson:"room"`
	Topics   []string         `json:"topics" bson:"topics"` // titles
	Outcomes []ContentOutcome `json:"outcomes" bson:"outcomes"`
}

// ContentOutcome is one agreed outcome of a record's content.
type ContentOutcome struct {
	Kind      OutcomeKind `json:"kind" bson:"kind"`
	Marking   Marking     `json:"marking" bson:"marking"`
	Text      string      `json:"text" bson:"text"`
	Agreement string      `json:"agreement" bson:"agreement"`
	SignOffs  []SignOff   `json:"sign_offs" bson:"sign_offs"`
	// Withdrawals are the sign-offs taken back, with who, when and why;
	// versions published before they were kept have none.
	Withdrawals []SignOffWithdrawal `json:"withdrawals,omitempty" bson:"withdrawals,omitempty"`
	Sources     []int64             `json:"sources" bson:"sources"`
}

// ContentAction is one action of a record's content.
type ContentAction struct {
	Title    string       `json:"title" bson:"title"`
	Reason   string       `json:"reason" bson:"reason"`
	Owner    string       `json:"owner" bson:"owner"`
	Agency   string       `json:"agency" bson:"agency"`
	Due      string       `json:"due" bson:"due"`
	Status   ActionStatus `json:"status" bson:"status"`
	Progress int          `json:"progress" bson:"progress"`
}

// Location is the content's time zone; UTC when it is not valid.
func (c *RecordContent) Location() *time.Location {
	return (&Meeting{TimeZone: c.TimeZone}).Location()
}

// Content copies the record into text, every list fresh, nothing shared
// with the working set.
func (r *Record) Content() *RecordContent {
	m := r.Meeting
	c := &RecordContent{Title: m.Title, City: m.City, Venue: m.Venue, TimeZone: m.TimeZone,
		StartDate: m.StartDate, EndDate: m.EndDate, Clearance: r.Clearance, Generated: r.Generated,
		Delegations: []string{}, Sessions: []ContentSession{}, Actions: []ContentAction{}}
	for _, d := range r.Delegations {
		c.Delegations = append(c.Delegations, d.Name)
	}
	for _, rs := range r.Sessions {
		se := rs.Session
		cs := ContentSession{Title: se.Title, Start: se.Start, End: se.End, Room: se.Room,
			Topics: []string{}, Outcomes: []ContentOutcome{}}
		for _, id := range se.Topics {
			title := id
			if t, ok := r.Topics[id]; ok {
				title = t.Title
			}
			cs.Topics = append(cs.Topics, title)
		}
		for _, o := range rs.Outcomes {
			cs.Outcomes = append(cs.Outcomes, ContentOutcome{Kind: o.Kind, Marking: o.Marking, Text: o.Text,
				Agreement: o.Agreement, SignOffs: nonNil(o.SignOffs), Withdrawals: o.Withdrawals, Sources: nonNil(o.Sources)})
		}
		c.Sessions = append(c.Sessions, cs)
	}
	for _, a := range r.Actions {
		c.Actions = append(c.Actions, ContentAction{Title: a.Title, Reason: a.Reason, Owner: a.Owner,
			Agency: a.Agency, Due: a.Due, Status: a.Status, Progress: a.Progress})
	}
	return c
}

// RecordPublish is what the secretariat sends to publish a version.
type RecordPublish struct {
	Marking Marking `json:"marking"`
}

// readerAt is a reader of clearance m who is no session's insider: the
// reader a version at marking m is read as. One view per thing: the version
// is the draft record built for that reader, by the same code.
func readerAt(m Marking) *User {
	role := map[Marking]Role{MarkingAll: RoleObserver, MarkingDelegations: RoleDelegate, MarkingHeads: RoleHead}[m]
	return &User{ID: "", Name: "Reader at " + string(m), Roles: []Role{role}}
}

// PublishRecord freezes the meeting's record as read at in.Marking and
// stores it as the meeting's next version.
func (s *Service) PublishRecord(ctx context.Context, actor *User, meetingID string, in RecordPublish) (*RecordVersion, error) {
	if err := requireMay(actor, actor.MayPublishRecord, "Only the secretariat publishes the meeting record."); err != nil {
		return nil, err
	}
	var v fieldChecks
	v.check(oneOf("marking", "marking", in.Marking, Markings))
	if err := v.err(); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	r, err := s.MeetingRecord(ctx, readerAt(in.Marking), meetingID)
	if err != nil {
		return nil, err
	}
	var last int64
	s.read(func(st *state) {
		for _, x := range st.records {
			if x.MeetingID == meetingID {
				last = max(last, x.Number)
			}
		}
	})
	n := last + 1
	ver := &RecordVersion{ID: recordVersionID(meetingID, n), MeetingID: meetingID, Number: n, Marking: in.Marking,
		PublishedBy: actor.ID, PublishedByName: actor.Name, PublishedAt: r.Generated, Content: r.Content()}
	if err := s.insert(ctx, Records, ver.ID, ver); err != nil {
		if ErrorCode(err) == EDUPLICATE {
			// Another instance published this number first; its version
			// arrives by the change feed.
			return nil, Errorf(ECONFLICT, "Version %d of the record was published a moment ago; reload and publish again.", n)
		}
		return nil, err
	}
	return ver, nil
}

func recordVersionID(meetingID string, n int64) string { return fmt.Sprintf("%s.v%d", meetingID, n) }

// RecordVersions lists the versions of the meeting's record that actor's
// clearance covers, newest first, without their content.
func (s *Service) RecordVersions(ctx context.Context, actor *User, meetingID string) ([]*RecordVersion, error) {
	if _, err := s.Meeting(ctx, actor, meetingID); err != nil {
		return nil, err
	}
	out := []*RecordVersion{}
	s.read(func(st *state) {
		for _, x := range st.records {
			if x.MeetingID == meetingID && actor.MayReadRecordVersion(x) {
				summary := *x
				summary.Content = nil
				out = append(out, &summary)
			}
		}
	})
	slices.SortFunc(out, func(a, b *RecordVersion) int { return cmp.Compare(b.Number, a.Number) })
	return out, nil
}

// RecordVersion reads version number of the meeting's record, content
// included. One above actor's clearance is "not found", as a missing one:
// its existence is not the reader's to know.
func (s *Service) RecordVersion(ctx context.Context, actor *User, meetingID string, number int64) (*RecordVersion, error) {
	if _, err := s.Meeting(ctx, actor, meetingID); err != nil {
		return nil, err
	}
	return find(s, nil, func(st *state) *RecordVersion {
		if x := st.records[recordVersionID(meetingID, number)]; x != nil && actor.MayReadRecordVersion(x) {
			return x
		}
		return nil
	}, "No version %d of the record of meeting %q.", number, meetingID)
}

// ParseRecordNumber reads a version number from a path: 1 or more.
func ParseRecordNumber(s string) (int64, error) {
	var n int64
	if s == "" || len(s) > 9 || strings.TrimLeft(s, "0123456789") != "" || s[0] == '0' {
		return 0, Errorf(ENOTFOUND, "No version %q of the record: versions are numbered 1, 2, 3 …", s)
	}
	fmt.Sscan(s, &n)
	return n, nil
}
