package mongostore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// InsertMany writes more documents than one round trip carries, in order;
// a taken _id is EDUPLICATE, with the documents before it written; DeleteMany
// removes by id and ignores absent ones; Load reads the import records.
func TestInsertManyDeleteMany(t *testing.T) {
	st, _ := storetest.Open(t)
	ctx := context.Background()
	var docs []any
	var ids []string
	for i := range 450 {
		id := fmt.Sprintf("r%03d", i)
		docs = append(docs, &conference.RegisterEntry{ID: id, Title: id, ImportID: "imp1"})
		ids = append(ids, id)
	}
	if err := st.InsertMany(ctx, conference.Register, docs); err != nil {
		t.Fatalf("InsertMany: %v", err)
	}
	im := conference.Import{ID: "imp1", By: "u1", Rows: 450, CreatedAt: at(9, 0, 0, 0)}
	if err := st.Insert(ctx, conference.Imports, &im); err != nil {
		t.Fatal(err)
	}
	snap := load(t, st)
	if len(snap.Register) != 450 || snap.Register[449].ImportID != "imp1" || len(snap.Imports) != 1 || snap.Imports[0] != im {
		t.Fatalf("loaded %d entries (last %+v), imports %+v", len(snap.Register), snap.Register[len(snap.Register)-1], snap.Imports)
	}

	again := []any{&conference.RegisterEntry{ID: "new1"}, &conference.RegisterEntry{ID: "r007"}, &conference.RegisterEntry{ID: "new2"}}
	err := st.InsertMany(ctx, conference.Register, again)
	if conference.ErrorCode(err) != conference.EDUPLICATE {
		t.Fatalf("InsertMany of a taken id: %v, want %s", err, conference.EDUPLICATE)
	}
	if got := len(load(t, st).Register); got != 451 {
		t.Fatalf("%d entries after the conflict, want 451: the one before it, not the one after", got)
	}

	if err := st.DeleteMany(ctx, conference.Register, append(ids, "new1", "absent")); err != nil {
		t.Fatalf("DeleteMany: %v", err)
	}
	if got := load(t, st).Register; len(got) != 0 {
		t.Fatalf("%d entries left after DeleteMany", len(got))
	}
}
