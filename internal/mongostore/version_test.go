package mongostore_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/storetest"
)

type plainHasher struct{}

func (plainHasher) Hash(pw string) (string, error) { return "h:" + pw, nil }
func (plainHasher) Verify(hash, pw string) bool    { return hash == "h:"+pw }

// Documents stored before meetings, topics, delegations and accounts had a
// version carry no version field at all; they must load as version 1, so
// that an editor who read them can write with If-Match: "1".
func TestDocumentsWithoutVersionLoadAsVersionOne(t *testing.T) {
	st, uri := storetest.Open(t)
	ctx := context.Background()
	db := client(t, uri).Database(storetest.Database)
	insert := func(c conference.Collection, doc bson.D) {
		t.Helper()
		if _, err := db.Collection(string(c)).InsertOne(ctx, doc); err != nil {
			t.Fatalf("insert into %s: %v", c, err)
		}
	}
	insert(conference.Delegations, bson.D{{Key: "_id", Value: "GB"}, {Key: "name", Value: "United Kingdom"}, {Key: "agencies", Value: bson.A{}}})
	insert(conference.Topics, bson.D{{Key: "_id", Value: "t1"}, {Key: "slug", Value: "cyberbullying"}, {Key: "title", Value: "Cyberbullying"}, {Key: "description", Value: ""}})
	insert(conference.Meetings, bson.D{{Key: "_id", Value: "london-2014"}, {Key: "title", Value: "London 2014"}, {Key: "host", Value: "GB"},
		{Key: "city", Value: "London"}, {Key: "venue", Value: ""}, {Key: "time_zone", Value: "Europe/London"},
		{Key: "start_date", Value: "2014-07-09"}, {Key: "end_date", Value: "2014-07-11"}, {Key: "status", Value: "closed"},
		{Key: "delegations", Value: bson.A{"GB"}}, {Key: "topics", Value: bson.A{"t1"}}})
	insert(conference.Users, bson.D{{Key: "_id", Value: "u1"}, {Key: "email", Value: "a@example.org"}, {Key: "name", Value: "A"},
		{Key: "roles", Value: bson.A{"observer"}}, {Key: "disabled", Value: false}, {Key: "password_hash", Value: "h:x"}})

	svc := conference.NewService(st, plainHasher{})
	if err := svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	actor := conference.SystemActor
	var (
		m   *conference.Meeting
		tp  *conference.Topic
		d   *conference.Delegation
		u   *conference.User
		err error
	)
	for _, read := range []func() error{
		func() (err error) { m, err = svc.Meeting(ctx, actor, "london-2014"); return err },
		func() (err error) { tp, err = svc.Topic(ctx, actor, "t1"); return err },
		func() (err error) { d, err = svc.Delegation(ctx, actor, "GB"); return err },
		func() (err error) { u, err = svc.User(ctx, actor, "u1"); return err },
	} {
		if err := read(); err != nil {
			t.Fatal(err)
		}
	}
	for what, v := range map[string]int64{"meeting": m.Version, "topic": tp.Version, "delegation": d.Version, "user": u.Version} {
		if v != 1 {
			t.Errorf("%s without a stored version loaded as version %d, want 1", what, v)
		}
	}

	// An edit made on that version 1 is current, and stores version 2.
	one, venue := int64(1), "Lancaster House"
	m, err = svc.UpdateMeeting(ctx, actor, "london-2014", conference.MeetingUpdate{Venue: &venue, Version: &one})
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 2 {
		t.Errorf("edited meeting has version %d, want 2", m.Version)
	}
	if got := load(t, st).Meetings[0].Version; got != 2 {
		t.Errorf("stored meeting has version %d, want 2", got)
	}
	if _, err := svc.UpdateMeeting(ctx, actor, "london-2014", conference.MeetingUpdate{Venue: &venue, Version: &one}); conference.ErrorCode(err) != conference.ESTALE {
		t.Errorf("edit on version 1 of version 2: %v, want %s", err, conference.ESTALE)
	}
}
