package mongostore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.uber.org/goleak"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/mongostore"
	"github.com/quintet-ag/quintet/internal/storetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// at is a time of the London meeting, to the millisecond as BSON keeps it.
func at(hour, min, sec, ms int) time.Time {
	return time.Date(2014, 7, 9, hour, min, sec, ms*int(time.Millisecond), time.UTC)
}

// sample has every kind of document, with every field set somewhere and the
// optional ones left out somewhere else.
func sample() *conference.Snapshot {
	return &conference.Snapshot{
		Delegations: []conference.Delegation{
			{Code: "GB", Name: "United Kingdom", Agencies: []string{"Attorney General's Office", "National Crime Agency"}},
			{Code: "NZ", Name: "New Zealand", Agencies: []string{}},
		},
		Topics: []conference.Topic{
			{ID: "t1", Slug: "cyberbullying", Title: "Cyberbullying: prevalence and responses", Description: "How each jurisdiction responds."},
			{ID: "t2", Slug: "capacity-building", Title: "Capacity building"},
		},
		Meetings: []conference.Meeting{{
			ID: "m2014", Title: "Quintet of Attorneys General, London 2014", Host: "GB", City: "London",
			Venue: "Lancaster House", TimeZone: "Europe/London", StartDate: "2014-07-09", EndDate: "2014-07-11",
			Status: conference.MeetingClosed, Delegations: []string{"GB", "NZ"}, Topics: []string{"t1", "t2"},
		}},
		Sessions: []conference.Session{
			{ID: "s1", MeetingID: "m2014", Title: "Opening", Start: at(9, 0, 0, 0), End: at(10, 30, 0, 0), Room: "Music Room",
				Chair: "u1", Rapporteurs: []string{"u2"}, Topics: []string{"t1"}, Status: conference.SessionEnded, Version: 3},
			{ID: "s2", MeetingID: "m2014", Title: "Capacity building", Start: at(11, 0, 0, 0), End: at(12, 0, 0, 0),
				Rapporteurs: []string{}, Topics: []string{}, Status: conference.SessionScheduled, Version: 1},
		},
		Users: []conference.User{
			{ID: "u1", Email: "secretariat@example.org", Name: "Secretariat", Roles: []conference.Role{conference.RoleAdmin},
				PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", CreatedAt: at(8, 0, 0, 1), UpdatedAt: at(8, 5, 0, 999)},
			{ID: "u2", Email: "rapporteur@example.org", Name: "Rapporteur", Delegation: "NZ", Disabled: true,
				Roles: []conference.Role{conference.RoleRapporteur, conference.RoleDelegate}, CreatedAt: at(8, 1, 0, 0), UpdatedAt: at(8, 1, 0, 0)},
		},
		Logins:   []conference.Login{{ID: "l1", UserID: "u1", CreatedAt: at(9, 0, 0, 5), LastSeen: at(9, 10, 0, 0), ExpiresAt: at(9, 0, 0, 5).Add(conference.MaxLoginAge)}},
		Tokens:   []conference.Token{{ID: "k1", UserID: "u2", Name: "export script", CreatedAt: at(9, 1, 2, 3)}},
		Outcomes: []conference.Outcome{{ID: "o1", MeetingID: "m2014", SessionID: "s1"}},
		Actions:  []conference.Action{{ID: "a1", MeetingID: "m2014"}},
		Register: []conference.RegisterEntry{{ID: "r1"}},
		Links:    []conference.Link{{ID: "k1"}},
		Records: []conference.RecordVersion{{ID: "m2014.v1", MeetingID: "m2014", Number: 1, Marking: conference.MarkingAll,
			PublishedBy: "u1", PublishedByName: "Secretariat", PublishedAt: at(12, 0, 0, 7),
			Content: &conference.RecordContent{Title: "London 2014", Delegations: []string{"Canada"}, Clearance: conference.MarkingAll,
				Generated: at(12, 0, 0, 7), Sessions: []conference.ContentSession{}, Actions: []conference.ContentAction{}}}},
		Notes: []conference.Note{
			{ID: "n1", SessionID: "s1", MeetingID: "m2014", Seq: 1, ClientID: "c-1", Author: "u2", Text: "Ministers opened the meeting.",
				Marking: conference.MarkingAll, CreatedAt: at(9, 2, 0, 250)},
			{ID: "n2", SessionID: "s1", MeetingID: "m2014", Seq: 2, ClientID: "c-2", Author: "u2", Text: "Correction: Ministers and officials.",
				Marking: conference.MarkingHeads, Amends: 1, Late: true, CreatedAt: at(11, 0, 0, 0)},
		},
	}
}

// snapshotLists calls f with each list of a Snapshot and the collection it
// holds: Snapshot fields are named after their collection ("Register" holds
// "register"), so that a collection added to the domain is not forgotten here.
func snapshotLists(snap *conference.Snapshot, f func(c conference.Collection, list reflect.Value)) {
	sv := reflect.ValueOf(snap).Elem()
	for _, fd := range reflect.VisibleFields(sv.Type()) {
		if c := conference.Collection(strings.ToLower(fd.Name)); fd.Type.Kind() == reflect.Slice && slices.Contains(conference.Collections, c) {
			f(c, sv.FieldByIndex(fd.Index))
		}
	}
}

// insertAll stores every document of snap through the Store.
func insertAll(t testing.TB, st *mongostore.Store, snap *conference.Snapshot) {
	t.Helper()
	ctx := context.Background()
	snapshotLists(snap, func(c conference.Collection, list reflect.Value) {
		for i := range list.Len() {
			if err := st.Insert(ctx, c, list.Index(i).Addr().Interface()); err != nil {
				t.Fatalf("Insert into %s: %v", c, err)
			}
		}
	})
}

// sortSnapshot orders every list by its documents' _id, since the store
// promises no order.
func sortSnapshot(snap *conference.Snapshot) {
	snapshotLists(snap, func(_ conference.Collection, list reflect.Value) {
		id := idField(list.Type().Elem())
		sort.SliceStable(list.Interface(), func(i, j int) bool {
			return list.Index(i).FieldByIndex(id).String() < list.Index(j).FieldByIndex(id).String()
		})
	})
}

// idField is the index of the field of document type t stored as _id.
func idField(t reflect.Type) []int {
	for _, fd := range reflect.VisibleFields(t) {
		if name, _, _ := strings.Cut(fd.Tag.Get("bson"), ","); name == "_id" {
			return fd.Index
		}
	}
	panic(fmt.Sprintf("%s has no _id field", t))
}

func load(t testing.TB, st *mongostore.Store) *conference.Snapshot {
	t.Helper()
	snap, err := st.Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	sortSnapshot(snap)
	return snap
}

func TestRoundTrip(t *testing.T) {
	st, _ := storetest.Open(t)
	ctx := context.Background()

	if got := load(t, st); count(got) != 0 {
		t.Fatalf("Load of an empty store=%+v, want nothing", got)
	}

	want := sample()
	insertAll(t, st, want)

	// Replace an existing document, insert one by Replace, delete one.
	want.Sessions[1].Status, want.Sessions[1].Version, want.Sessions[1].Chair = conference.SessionLive, 2, "u1"
	if err := st.Replace(ctx, conference.Sessions, "s2", &want.Sessions[1]); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	extra := conference.Login{ID: "l2", UserID: "u2", CreatedAt: at(10, 0, 0, 0), LastSeen: at(10, 0, 0, 0), ExpiresAt: at(10, 0, 0, 0)}
	if err := st.Replace(ctx, conference.Logins, "l2", &extra); err != nil {
		t.Fatalf("Replace of an absent document: %v", err)
	}
	want.Logins = append(want.Logins, extra)
	if err := st.Delete(ctx, conference.Tokens, "k1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	want.Tokens = []conference.Token{}
	if err := st.Delete(ctx, conference.Tokens, "k1"); err != nil {
		t.Fatalf("Delete of an absent document: %v, want nil", err)
	}

	got := load(t, st)
	sortSnapshot(want)
	// Compared as stored, so that a list field left nil in sample() (stored
	// and loaded as []) does not fail this test.
	loaded := map[conference.Collection]any{}
	snapshotLists(got, func(c conference.Collection, list reflect.Value) { loaded[c] = list.Interface() })
	snapshotLists(want, func(c conference.Collection, list reflect.Value) {
		if g, w := asStored(t, loaded[c]), asStored(t, list.Interface()); !bytes.Equal(g, w) {
			t.Errorf("loaded %s:\n got %v\nwant %v", c, bson.Raw(g), bson.Raw(w))
		}
	})
}

// asStored encodes a list of documents as the store writes them.
func asStored(t testing.TB, docs any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := bson.NewEncoder(bson.NewDocumentWriter(&buf))
	enc.NilSliceAsEmpty()
	if err := enc.Encode(bson.D{{Key: "docs", Value: docs}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNilSlicesAreStoredEmpty(t *testing.T) {
	st, uri := storetest.Open(t)
	ctx := context.Background()
	m := sample().Meetings[0]
	m.Delegations, m.Topics = nil, nil
	if err := st.Insert(ctx, conference.Meetings, &m); err != nil {
		t.Fatal(err)
	}
	// Seen by another tool, the lists are [] rather than null.
	c := client(t, uri)
	var raw bson.Raw
	if err := c.Database(storetest.Database).Collection("meetings").FindOne(ctx, bson.D{}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"delegations", "topics"} {
		if got := raw.Lookup(f).Type; got != bson.TypeArray {
			t.Errorf("stored %s has BSON type %v, want an array", f, got)
		}
	}
	got := load(t, st).Meetings[0]
	if got.Delegations == nil || len(got.Delegations) != 0 || got.Topics == nil || len(got.Topics) != 0 {
		t.Errorf("loaded lists %#v %#v, want empty and non-nil", got.Delegations, got.Topics)
	}
}

// BSON dates have millisecond precision: a finer time comes back truncated.
// The Service should truncate times to the millisecond before it stores them,
// or its memory and a restart would disagree.
func TestTimesKeepMilliseconds(t *testing.T) {
	st, _ := storetest.Open(t)
	fine := time.Date(2014, 7, 10, 14, 3, 7, 123_456_789, time.UTC)
	l := conference.Login{ID: "l", UserID: "u", CreatedAt: fine, LastSeen: fine, ExpiresAt: fine}
	if err := st.Insert(context.Background(), conference.Logins, &l); err != nil {
		t.Fatal(err)
	}
	got := load(t, st).Logins[0].CreatedAt
	if want := fine.Truncate(time.Millisecond); got != want {
		t.Fatalf("loaded %v, want %v", got, want)
	}
	if got.Location() != time.UTC {
		t.Fatalf("loaded time in %v, want UTC", got.Location())
	}
}

func TestDuplicateKeyIsConflict(t *testing.T) {
	st, _ := storetest.Open(t)
	ctx := context.Background()
	insertAll(t, st, sample())
	s := sample()

	takenEmail := s.Users[1]
	takenEmail.Email = s.Users[0].Email
	newUser := takenEmail
	newUser.ID = "u3"
	takenSlug := s.Topics[1]
	takenSlug.ID, takenSlug.Slug = "t3", s.Topics[0].Slug
	takenSeq := s.Notes[1]
	takenSeq.ID, takenSeq.ClientID = "n3", "c-3"
	takenClientID := s.Notes[1]
	takenClientID.ID, takenClientID.Seq = "n3", 3
	takenCode := s.Delegations[0]

	for _, tt := range []struct {
		name  string
		write func() error
		field string
	}{
		{"insert with a taken _id", func() error { return st.Insert(ctx, conference.Topics, &s.Topics[0]) }, "id"},
		{"insert with a taken delegation code", func() error { return st.Insert(ctx, conference.Delegations, &takenCode) }, "code"},
		{"insert with a taken email", func() error { return st.Insert(ctx, conference.Users, &newUser) }, "email"},
		{"replace with a taken email", func() error { return st.Replace(ctx, conference.Users, takenEmail.ID, &takenEmail) }, "email"},
		{"upsert with a taken email", func() error { return st.Replace(ctx, conference.Users, newUser.ID, &newUser) }, "email"},
		{"insert with a taken slug", func() error { return st.Insert(ctx, conference.Topics, &takenSlug) }, "slug"},
		// Notes have two unique keys besides _id, and FerretDB does not say
		// which one clashed: no field is named (MongoDB would name it).
		{"insert with a taken note number", func() error { return st.Insert(ctx, conference.Notes, &takenSeq) }, ""},
		{"insert with a taken client_id", func() error { return st.Insert(ctx, conference.Notes, &takenClientID) }, ""},
		{"insert of a note again", func() error { return st.Insert(ctx, conference.Notes, &s.Notes[0]) }, ""},
		{"insert of a user again", func() error { return st.Insert(ctx, conference.Users, &s.Users[0]) }, "id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.write()
			var e *conference.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want a *conference.Error", err, err)
			}
			if e.Code != conference.EDUPLICATE || e.Field != tt.field {
				t.Fatalf("error code %q field %q (%s), want %q on %q", e.Code, e.Field, e.Message, conference.EDUPLICATE, tt.field)
			}
		})
	}

	// Nothing of the refused writes was stored.
	sortSnapshot(s)
	if got := load(t, st); !bytes.Equal(asStored(t, got), asStored(t, s)) {
		t.Fatalf("after refused writes the store holds\n%+v\nwant\n%+v", got, s)
	}
}

func TestEnsureIndexesIsIdempotent(t *testing.T) {
	st, uri := storetest.Open(t) // ran EnsureIndexes once
	ctx := context.Background()
	insertAll(t, st, sample())
	for range 2 {
		if err := st.EnsureIndexes(ctx); err != nil {
			t.Fatalf("EnsureIndexes again: %v", err)
		}
	}
	db := client(t, uri).Database(storetest.Database)
	want := map[string][]string{
		"users":    {"_id_", "users_email_unique"},
		"logins":   {"_id_", "logins_user_id"},
		"tokens":   {"_id_", "tokens_user_id"},
		"sessions": {"_id_", "sessions_meeting_id_start"},
		"topics":   {"_id_", "topics_slug_unique"},
		"notes":    {"_id_", "notes_client_id_unique", "notes_session_id_seq_unique"},
	}
	for coll, names := range want {
		specs, err := db.Collection(coll).Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range specs {
			got = append(got, s.Name)
			if wantUnique := strings.HasSuffix(s.Name, "_unique"); (s.Unique != nil && *s.Unique) != wantUnique {
				t.Errorf("index %s.%s unique=%v, want %v", coll, s.Name, s.Unique, wantUnique)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, names) {
			t.Errorf("indexes of %s=%v, want %v", coll, got, names)
		}
	}
}

func TestUnknownCollection(t *testing.T) {
	st, _ := storetest.Open(t)
	err := st.Insert(context.Background(), conference.Collection("meeting"), &conference.Meeting{ID: "x"})
	if err == nil || !strings.Contains(err.Error(), `unknown collection "meeting"`) {
		t.Fatalf("Insert into a misspelt collection: %v, want an error naming it", err)
	}
}

func TestPing(t *testing.T) {
	st, _ := storetest.Open(t)
	if err := st.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	addr := storetest.UnusedAddr(t)
	uri := "mongodb://quintet:s3cr%3Ft@" + addr + "/quintet?authSource=admin&connectTimeoutMS=200"
	start := time.Now()
	_, err := mongostore.Open(context.Background(), uri, "quintet", mongostore.PingTimeout(500*time.Millisecond))
	if err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Open took %v, want it bounded by the ping timeout", elapsed)
	}
	if want := "cannot reach MongoDB at " + addr + ": "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
	for _, secret := range []string{"s3cr", "s3cr%3Ft", "s3cr?t"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q shows the password", err)
		}
	}
}

// client is a plain driver client on uri, for looking at what was stored.
func client(t testing.TB, uri string) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	// Registered after storetest's cleanups, so it runs before the server stops.
	t.Cleanup(func() {
		if err := c.Disconnect(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return c
}
