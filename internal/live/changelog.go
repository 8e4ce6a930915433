package live

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
)

// The meeting change log: a resumable cursor for outcome and action changes
// on meeting:<id> channels.
//
// Each outcome or action change the hub is told of gets the next number of
// its meeting's sequence, and is kept, encoded once per clearance level, in a
// bounded log per meeting. A client holds the cursor of the last change it
// received ("<epoch>.<n>") and sends it when it subscribes again; the
// catch-up replays the changes after it, each at the reader's level, then
// the buffered and live ones, with the same no-gap, no-duplicate rule as
// notes' seq.
//
// Why a per-instance sequence and not one stored with the change: outcomes
// and actions are versioned per document, not per meeting, and a stored
// per-meeting counter would cost a second guarded insert (a unique index on
// meeting and number) on every outcome and action write. The cursor names
// the instance's epoch instead: a cursor of another epoch (the other of two
// instances sharing a store, or this one before a restart), or one older
// than the log keeps, is answered with reset — refetch over REST — never
// with a guess. A client that stays on one instance, which a dropped link
// and reconnect usually does, resumes exactly.
//
// A change the reader may not read (its level's bytes are nil) is skipped,
// on replay as live: the client's cursor then stays on the last change it
// received, and a later resume skips it again, consistently.

// DefaultMeetingLog is how many changes per meeting the log keeps at least.
const DefaultMeetingLog = 1000

// meetingLog is one meeting's recent changes, oldest first.
type meetingLog struct {
	last    int64    // number of the latest change
	entries []*event // cseq ascending, the latest last
}

// newEpoch names this hub's change sequence: cursors of another hub (another
// instance, or this one before a restart) are not comparable with its own.
func newEpoch() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

func (h *Hub) cursorText(n int64) string { return h.epoch + "." + strconv.FormatInt(n, 10) }

// parseCursor reads a cursor of this hub; ok is false for another epoch or
// anything malformed.
func (h *Hub) parseCursor(s string) (n int64, ok bool) {
	epoch, num, found := strings.Cut(s, ".")
	if !found || epoch != h.epoch {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil && n >= 0
}

// appendChange numbers a meeting's change, lets build encode it with its
// cursor, keeps it, and publishes it. The log's lock is held while it
// publishes, so that subscribers get a meeting's changes in cursor order
// (publish never waits for a client).
func (h *Hub) appendChange(meetingID string, build func(cursor string) *event) {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	lg := h.logs[meetingID]
	if lg == nil {
		lg = &meetingLog{}
		h.logs[meetingID] = lg
	}
	lg.last++
	ev := build(h.cursorText(lg.last))
	ev.cseq = lg.last
	lg.entries = append(lg.entries, ev)
	// Trim by a quarter at a time, so that the copy is amortised.
	if keep := h.opts.MeetingLog; len(lg.entries) > keep+keep/4 {
		lg.entries = append([]*event(nil), lg.entries[len(lg.entries)-keep:]...)
	}
	h.publish(meetingChannel(meetingID), ev)
}

// changesAfter returns the meeting's changes after n and the latest number.
// ok is false when changes after n have left the log (n is too old) or n is
// beyond the latest (a cursor this log never gave).
func (h *Hub) changesAfter(meetingID string, n int64) (list []*event, last int64, ok bool) {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	lg := h.logs[meetingID]
	if lg == nil {
		return nil, 0, n == 0
	}
	if n > lg.last {
		return nil, lg.last, false
	}
	if n == lg.last {
		return nil, lg.last, true
	}
	if len(lg.entries) == 0 || lg.entries[0].cseq > n+1 {
		return nil, lg.last, false
	}
	i := int(n + 1 - lg.entries[0].cseq)
	return append([]*event(nil), lg.entries[i:]...), lg.last, true
}

// lastChange is the number of the meeting's latest change.
func (h *Hub) lastChange(meetingID string) int64 {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	if lg := h.logs[meetingID]; lg != nil {
		return lg.last
	}
	return 0
}
