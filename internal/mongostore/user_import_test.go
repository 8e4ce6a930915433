package mongostore_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// An import of accounts whose batch the real store refuses midway — another
// instance took one of the addresses after this one loaded — leaves no
// account of the file behind: the store's unique index on e-mail addresses
// refuses the row, and the accounts written before it are deleted again.
func TestImportUsersUndoneWhenTheStoreRefusesARow(t *testing.T) {
	st, uri := storetest.Open(t)
	ctx := context.Background()
	svc := conference.NewService(st, plainHasher{})
	if err := svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	// Behind the Service's back, as another instance sharing the store would.
	users := client(t, uri).Database(storetest.Database).Collection(string(conference.Users))
	if _, err := users.InsertOne(ctx, bson.D{{Key: "_id", Value: "elsewhere"}, {Key: "email", Value: "bob@example.org"},
		{Key: "name", Value: "Bob, opened elsewhere"}, {Key: "roles", Value: bson.A{"observer"}}, {Key: "disabled", Value: false},
		{Key: "password_hash", Value: "h:x"}, {Key: "version", Value: 1}}); err != nil {
		t.Fatal(err)
	}

	csv := "name,email,roles,delegation\nAnn,ann@example.org,observer,\nBob,bob@example.org,observer,\nCat,cat@example.org,observer,\n"
	got, err := svc.ImportUsers(ctx, conference.SystemActor, strings.NewReader(csv))
	if err == nil || got != nil {
		t.Fatalf("import = %v, %v; want it refused", got, err)
	}
	if !strings.Contains(err.Error(), "nothing was kept") {
		t.Errorf("err %v, want it to say that nothing was kept", err)
	}
	n, err := users.CountDocuments(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d accounts in the store, want only the one opened elsewhere", n)
	}
	if _, err := svc.UserByEmail(ctx, conference.SystemActor, "ann@example.org"); conference.ErrorCode(err) != conference.ENOTFOUND {
		t.Fatalf("ann in the working set: %v", err)
	}

	// Without the clash, the same Service imports the file.
	csv = strings.Replace(csv, "bob@example.org", "bob.brown@example.org", 1)
	got, err = svc.ImportUsers(ctx, conference.SystemActor, strings.NewReader(csv))
	if err != nil || len(got) != 3 {
		t.Fatalf("import = %d accounts, %v", len(got), err)
	}
	if n, _ := users.CountDocuments(ctx, bson.D{}); n != 4 {
		t.Fatalf("%d accounts in the store, want 4", n)
	}
	if loaded := load(t, st).Users; len(loaded) != 4 {
		t.Fatalf("%d accounts load, want 4", len(loaded))
	}
}
