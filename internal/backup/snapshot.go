package backup

import (
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/quintet-ag/quintet/internal/conference"
)

// WriteSnapshot writes a snapshot of the working set (conference.Service.Backup)
// as a backup file, every collection of the domain in load order. encode
// turns a document into the BSON the store would hold (mongostore.Encode).
func WriteSnapshot(w io.Writer, h Header, snap *conference.Snapshot, encode func(doc any) (bson.Raw, error)) error {
	bw, err := NewWriter(w, h)
	if err != nil {
		return err
	}
	for _, c := range conference.Collections {
		if err := bw.Begin(string(c)); err != nil {
			return err
		}
		for _, doc := range snapshotDocs(snap, c) {
			raw, err := encode(doc)
			if err != nil {
				return fmt.Errorf("encode a document of %s: %w", c, err)
			}
			if err := bw.Add(string(c), raw); err != nil {
				return err
			}
		}
	}
	return bw.Close()
}

// snapshotDocs lists the documents of c in snap, as pointers the store would
// encode.
func snapshotDocs(snap *conference.Snapshot, c conference.Collection) []any {
	switch c {
	case conference.Meetings:
		return pointers(snap.Meetings)
	case conference.Delegations:
		return pointers(snap.Delegations)
	case conference.Topics:
		return pointers(snap.Topics)
	case conference.Sessions:
		return pointers(snap.Sessions)
	case conference.Users:
		return pointers(snap.Users)
	case conference.Logins:
		return pointers(snap.Logins)
	case conference.Tokens:
		return pointers(snap.Tokens)
	case conference.Notes:
		return pointers(snap.Notes)
	case conference.Outcomes:
		return pointers(snap.Outcomes)
	case conference.Actions:
		return pointers(snap.Actions)
	case conference.Register:
		return pointers(snap.Register)
	case conference.Links:
		return pointers(snap.Links)
	case conference.Imports:
		return pointers(snap.Imports)
	case conference.Records:
		return pointers(snap.Records)
	}
	// A collection added to the domain must be added here, or its documents
	// would silently be missing from every backup.
	panic("backup: no snapshot list for collection " + string(c))
}

func pointers[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}
