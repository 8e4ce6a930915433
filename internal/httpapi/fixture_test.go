package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/mongostore"
	"github.com/quintet-ag/quintet/internal/password"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// The tests and benchmarks of this package, inside it and outside
// (httpapi_test sees what a _test.go file here exports), start from one
// fixture: a loaded Service over a fresh embedded store, and a meeting of
// the delegation GB in it.

// OpenTestService is a loaded Service over a fresh embedded store, and the
// store. A test that runs the Service on its own clock passes it here, since
// Load reads it.
func OpenTestService(tb testing.TB, now func() time.Time) (*conference.Service, *mongostore.Store) {
	tb.Helper()
	store, _ := storetest.Open(tb)
	svc := conference.NewService(store, password.New())
	if now != nil {
		svc.Now = now
	}
	if err := svc.Load(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return svc, store
}

// SeedTestMeeting adds the delegation GB and its five-day meeting id in
// London in July 2014; and topic, when it has a slug, which it returns.
func SeedTestMeeting(tb testing.TB, svc *conference.Service, id, title string, topic conference.Topic) *conference.Topic {
	tb.Helper()
	ctx, sys := context.Background(), conference.SystemActor
	if _, err := svc.CreateDelegation(ctx, sys, conference.Delegation{Code: "GB", Name: "United Kingdom"}); err != nil {
		tb.Fatal(err)
	}
	var t *conference.Topic
	if topic.Slug != "" {
		var err error
		if t, err = svc.CreateTopic(ctx, sys, topic); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := svc.CreateMeeting(ctx, sys, conference.Meeting{
		ID: id, Title: title, Host: "GB", City: "London", TimeZone: "Europe/London",
		StartDate: "2014-07-07", EndDate: "2014-07-11", Delegations: []string{"GB"},
	}); err != nil {
		tb.Fatal(err)
	}
	return t
}

// NewTestUser adds the user in and answers them with a bearer token of theirs
// named label.
func NewTestUser(tb testing.TB, svc *conference.Service, in conference.UserInput, label string) (*conference.User, string) {
	tb.Helper()
	ctx := context.Background()
	u, err := svc.CreateUser(ctx, conference.SystemActor, in)
	if err != nil {
		tb.Fatal(err)
	}
	secret, err := svc.CreateToken(ctx, conference.SystemActor, u.ID, label)
	if err != nil {
		tb.Fatal(err)
	}
	return u, secret
}
