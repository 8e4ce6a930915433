package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/embedded"
	"github.com/quintet-ag/quintet/internal/mongostore"
)

// rawInserts times count inserts of a note-sized document, one after the
// other, into a second embedded store in dir (the server's is locked by the
// server): the same FerretDB, SQLite settings, driver and indexes as the
// server's, without HTTP, the Service or the fan-out.
func rawInserts(ctx context.Context, dir string, count int) ([]int32, error) {
	emb, err := embedded.Open(ctx, dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	defer emb.Close()
	st, err := mongostore.Open(ctx, emb.URI(), "quintet")
	if err != nil {
		return nil, err
	}
	defer st.Close(context.WithoutCancel(ctx))
	if err := st.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	out := make([]int32, 0, count)
	for i := range count {
		n := conference.Note{
			ID: conference.NewID(), SessionID: "raw-session", MeetingID: "raw-meeting", Seq: int64(i + 1),
			ClientID: fmt.Sprintf("raw-%d", i), Author: "raw-author", Text: noteText,
			Marking: conference.MarkingAll, CreatedAt: time.Now().UTC(),
		}
		start := time.Now()
		if err := st.Insert(ctx, conference.Notes, &n); err != nil {
			return nil, fmt.Errorf("insert %d: %w", i, err)
		}
		out = append(out, int32(time.Since(start).Microseconds()))
	}
	return out, nil
}
