package mongostore_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/quintet-ag/quintet/internal/backup"
	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/mongostore"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// dump writes the whole store as a backup file and reads it back.
func dump(t *testing.T, st *mongostore.Store) (*backup.Archive, int) {
	t.Helper()
	var buf bytes.Buffer
	w, err := backup.NewWriter(&buf, backup.Header{SchemaVersion: mongostore.SchemaVersion})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Dump(context.Background(), false,
		func(c conference.Collection) error { return w.Begin(string(c)) },
		func(c conference.Collection, d bson.Raw) error { return w.Add(string(c), d) })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	size := buf.Len()
	a, err := backup.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return a, size
}

func restoreCols(a *backup.Archive) []mongostore.RestoreCollection {
	var cols []mongostore.RestoreCollection
	for _, c := range a.Collections {
		cols = append(cols, mongostore.RestoreCollection{Name: conference.Collection(c.Name), Docs: c.Docs})
	}
	return cols
}

// A world of 10,000 actions dumps, restores into a second store and dumps
// again to the same documents; the time and size are logged (docs/operations.md).
// A restore whose write fails takes back what it wrote: the store is empty
// again, with no unfinished-restore mark, and a good restore then succeeds.
func TestDumpRestoreTenThousandActions(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10,000 documents")
	}
	ctx := context.Background()
	src, _ := storetest.Open(t)
	docs := make([]any, 10000)
	for i := range docs {
		docs[i] = &conference.Action{ID: fmt.Sprintf("act-%05d", i), Title: fmt.Sprintf("Share the template, part %d", i),
			Owner: "GB", Status: "open", MeetingID: "london-2014", Marking: conference.MarkingAll, Version: int64(i%7 + 1),
			CreatedAt: time.Date(2014, 11, 4, 9, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2015, 1, 4, 9, 0, 0, 0, time.UTC)}
	}
	if err := src.InsertMany(ctx, conference.Actions, docs); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	a, size := dump(t, src)
	t.Logf("dump of %d documents: %s, %d bytes gzip'd", a.Manifest.Documents, time.Since(start).Round(time.Millisecond), size)

	dst, _ := storetest.Open(t)
	// A document that cannot be written (a duplicate _id) fails the restore
	// half-way: what was written is taken back.
	bad := restoreCols(a)
	for i := range bad {
		if bad[i].Name == conference.Actions {
			bad[i].Docs = append(bad[i].Docs, bad[i].Docs[0])
		}
	}
	if err := dst.Restore(ctx, bad, false); err == nil {
		t.Fatal("a restore with a duplicate document succeeded")
	}
	if empty, err := dst.Empty(ctx); err != nil || !empty {
		t.Fatalf("after a failed restore the store is empty: %v %v", empty, err)
	}
	if unfinished, _ := dst.RestoreUnfinished(ctx); unfinished {
		t.Fatal("a failed restore into an empty store left the unfinished mark")
	}

	start = time.Now()
	if err := dst.Restore(ctx, restoreCols(a), false); err != nil {
		t.Fatal(err)
	}
	t.Logf("restore of %d documents: %s", a.Manifest.Documents, time.Since(start).Round(time.Millisecond))
	if err := dst.Restore(ctx, restoreCols(a), false); err != mongostore.ErrNotEmpty {
		t.Fatalf("a second restore: %v, want ErrNotEmpty", err)
	}
	again, _ := dump(t, dst)
	for i, c := range a.Collections {
		if got, want := len(again.Collections[i].Docs), len(c.Docs); got != want {
			t.Fatalf("%s: %d documents after the restore, want %d", c.Name, got, want)
		}
		for j := range c.Docs {
			if !bytes.Equal(again.Collections[i].Docs[j], c.Docs[j]) {
				t.Fatalf("%s[%d] differs after the restore", c.Name, j)
			}
		}
	}
	if unfinished, _ := dst.RestoreUnfinished(ctx); unfinished {
		t.Fatal("a finished restore left its mark")
	}
}
