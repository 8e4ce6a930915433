package live

import (
	"context"

	"github.com/quintet-ag/quintet/internal/conference"
)

// storeCatchUp is a Source that can read a session's notes from the store
// that memory does not hold yet: notes another instance on the same store
// wrote and this one's change feed has not brought yet.
type storeCatchUp interface {
	CatchUpNotes(ctx context.Context, sessionID string) error
}

// caughtUp answers a subscription whose cursor is beyond the record this
// instance holds. With two instances, that is usually a delegate who came
// over from the other one, which had seen a note this one has not applied
// yet; starting them over (reset) would send the whole record again. So the
// store is read first, and the notes listed again; only a cursor still
// beyond the record is one of another record (a restored database).
func (h *Hub) caughtUp(ctx context.Context, actor *conference.User, id string, after int64,
	list []*conference.Note, last int64) ([]*conference.Note, int64, error) {
	cu, ok := h.src.(storeCatchUp)
	if !ok || cu.CatchUpNotes(ctx, id) != nil {
		return list, last, nil // the reset that follows is safe, if not smooth
	}
	return h.src.Notes(ctx, actor, id, after)
}
