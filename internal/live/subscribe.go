package live

import (
	"errors"
	"sync"

	"github.com/quintet-ag/quintet/internal/conference"
)

// sub is one connection's subscription to one channel.
//
// A subscription is registered with the hub before its catch-up is read, so
// that no event can fall between the two: while it catches up, Changed puts
// the channel's events in buf; once the catch-up is sent, the reader sends
// what buf holds that the catch-up did not, and only then marks the
// subscription live, after which Changed queues events directly.
//
// The Service applies a change to its memory before it calls Changed, so an
// event can reach a live subscription after the catch-up already read it:
// the cursor, kept after going live, skips those too.
type sub struct {
	conn    *conn
	channel string

	mu       sync.Mutex
	live     bool
	removed  bool     // unsubscribed: deliver nothing more
	buf      []*event // events that arrived during catch-up
	bufBytes int
	overflow bool   // buf outgrew its bound and was dropped: read the catch-up again
	cur      cursor // once live: what the client has been sent
}

// deliver is called by Changed for each event of the channel. It never waits.
func (s *sub) deliver(ev *event) {
	b := ev.data[ev.levelFor(s.conn)]
	if b == nil {
		return // above the subscriber's clearance
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.removed:
	case s.live:
		if s.cur.fresh(ev) {
			s.cur.advance(ev)
			s.conn.enqueue(b)
			s.conn.hub.stats.delivered.Add(1)
		}
	case s.overflow:
		// Dropped: the next catch-up round reads these from the Service.
	case s.bufBytes+len(b) > s.conn.hub.opts.QueueBytes/2:
		s.overflow, s.buf, s.bufBytes = true, nil, 0
	default:
		s.buf = append(s.buf, ev)
		s.bufBytes += len(b)
	}
}

// cursor is what a subscription's catch-up has sent so far, so that the
// events buffered meanwhile are sent only when they are new.
type cursor struct {
	seq      int64            // notes up to this seq were sent or are not for this reader
	versions map[string]int64 // sessions sent, by id, at this version
	cseq     int64            // meeting channels: changes up to this number were sent or are not for this reader
}

// fresh reports whether the client has not yet received ev.
func (c *cursor) fresh(ev *event) bool {
	switch ev.kind {
	case kindNote:
		return ev.seq > c.seq
	case kindSession:
		v, ok := c.versions[ev.id]
		return !ok || ev.version > v
	case kindSessionDeleted:
		_, ok := c.versions[ev.id]
		return ok
	case kindMeetingChange:
		return ev.cseq > c.cseq
	}
	return true // kinds without a catch-up
}

func (c *cursor) advance(ev *event) {
	switch ev.kind {
	case kindNote:
		c.seq = max(c.seq, ev.seq)
	case kindSession:
		c.versions[ev.id] = ev.version
	case kindSessionDeleted:
		delete(c.versions, ev.id)
	case kindMeetingChange:
		c.cseq = max(c.cseq, ev.cseq)
	}
}

// maxCatchUpRounds bounds how often a catch-up starts over because events
// arrived faster than the client read them. Past it, the client is too slow.
const maxCatchUpRounds = 5

var errClosing = errors.New("connection closing")

func (c *conn) subscribe(m inbound) {
	fail := func(err error) {
		c.replyError(m.Ref, err, func(e *errorMsg) { e.Channel = m.Channel })
	}
	prefix, id, ok := parseChannel(m.Channel)
	if !ok {
		fail(conference.Invalid("channel", "channel must be session:<id> or meeting:<id>"))
		return
	}
	if c.subs[m.Channel] != nil {
		fail(&conference.Error{Code: conference.ECONFLICT, Field: "channel", Message: "Already subscribed to " + m.Channel + "; unsubscribe first to start over."})
		return
	}
	if len(c.subs) >= c.hub.opts.MaxSubscriptions {
		fail(conference.Invalid("channel", "a connection may follow at most %d channels", c.hub.opts.MaxSubscriptions))
		return
	}
	var after int64
	if m.After != nil {
		after = *m.After
	}
	if after < 0 {
		fail(conference.Invalid("after", "after must be 0 or more"))
		return
	}
	// Refuse a channel the user may not see before registering anything.
	switch prefix {
	case sessionPrefix:
		se, err := c.hub.src.Session(c.ctx, c.actor, id)
		if err != nil {
			fail(err)
			return
		}
		c.hub.rememberSessions(se)
	case meetingPrefix:
		if _, err := c.hub.src.Meeting(c.ctx, c.actor, id); err != nil {
			fail(err)
			return
		}
	}
	s := &sub{conn: c, channel: m.Channel}
	c.subs[m.Channel] = s
	c.hub.addSub(s)
	if err := c.catchUp(s, prefix, id, after, m.Cursor, m.Ref); err != nil {
		delete(c.subs, m.Channel)
		s.mu.Lock()
		s.removed = true
		s.mu.Unlock()
		c.hub.removeSub(s)
		if !errors.Is(err, errClosing) {
			fail(err)
		}
	}
}

// catchUp sends what the client missed on a freshly registered subscription,
// then what arrived meanwhile, then caught_up, and makes the subscription live.
func (c *conn) catchUp(s *sub, prefix, id string, after int64, resume, ref string) error {
	cur := cursor{seq: after, versions: map[string]int64{}}
	newNotes, sessions, changes := 0, 0, 0
	for round := 0; ; round++ {
		if round >= maxCatchUpRounds {
			c.closeWith(CloseTooSlow, "too slow: reconnect and catch up")
			return errClosing
		}
		var err error
		var n, m, k int
		switch prefix {
		case sessionPrefix:
			n, m, err = c.sessionCatchUp(&cur, id, round == 0, ref)
		case meetingPrefix:
			m, k, err = c.meetingCatchUp(&cur, id, round == 0, resume, ref)
		}
		if err != nil {
			return err
		}
		newNotes += n
		sessions += m
		changes += k
		for {
			s.mu.Lock()
			if s.overflow {
				s.overflow = false
				s.mu.Unlock()
				break // read the catch-up again from where the cursor is
			}
			evs := s.buf
			s.buf, s.bufBytes = nil, 0
			if len(evs) == 0 {
				// Under the lock, so that caught_up precedes every live event.
				s.live, s.cur = true, cur
				done := caughtUpMsg{Type: typeCaughtUp, Ref: ref, Channel: s.channel,
					LastSeq: cur.seq, NewNotes: newNotes, Sessions: sessions}
				if prefix == meetingPrefix {
					done.Cursor, done.Changes = c.hub.cursorText(cur.cseq), &changes
				}
				c.enqueue(encode(done))
				s.mu.Unlock()
				return nil
			}
			s.mu.Unlock()
			for _, ev := range evs {
				if !cur.fresh(ev) {
					continue
				}
				// At the level this reader reads the event: a session's
				// rapporteurs and chair read its outcomes and actions whole.
				if !c.sendBytes(ev.data[ev.levelFor(c)]) {
					return errClosing
				}
				cur.advance(ev)
				switch ev.kind {
				case kindNote:
					newNotes++
				case kindSession:
					sessions++
				case kindMeetingChange:
					changes++
				}
			}
		}
	}
}

// sessionCatchUp sends the session as it stands (when the client does not
// have this version) and the notes after the cursor that the reader may read.
func (c *conn) sessionCatchUp(cur *cursor, id string, first bool, ref string) (notes, sessions int, err error) {
	channel := sessionChannel(id)
	se, err := c.hub.src.Session(c.ctx, c.actor, id)
	if err != nil {
		return 0, 0, err
	}
	list, last, err := c.hub.src.Notes(c.ctx, c.actor, id, cur.seq)
	if err != nil {
		return 0, 0, err
	}
	if first && cur.seq > last {
		list, last, err = c.hub.caughtUp(c.ctx, c.actor, id, cur.seq, list, last)
		if err != nil {
			return 0, 0, err
		}
	}
	if first {
		reset := cur.seq > last
		if reset {
			// The client's cursor is beyond the record: it holds notes of
			// another record (a restored database). Start it over.
			cur.seq = 0
			if list, last, err = c.hub.src.Notes(c.ctx, c.actor, id, 0); err != nil {
				return 0, 0, err
			}
		}
		if !c.send(subscribedMsg{Type: typeSubscribed, Ref: ref, Channel: channel, After: cur.seq, Reset: reset}) {
			return 0, 0, errClosing
		}
	}
	if v, ok := cur.versions[se.ID]; !ok || se.Version > v {
		if !c.send(sessionMsg{Type: typeSession, Channel: channel, Session: se}) {
			return 0, 0, errClosing
		}
		cur.versions[se.ID] = se.Version
		sessions++
	}
	for _, n := range list {
		if !c.send(noteMsg{Type: typeNote, Channel: channel, Note: n}) {
			return 0, 0, errClosing
		}
	}
	cur.seq = max(cur.seq, last)
	return len(list), sessions, nil
}

// meetingCatchUp sends the meeting's agenda: every session the client does
// not have at its current version, and the removal of those gone; then the
// outcome and action changes after the client's cursor (resume, on the first
// round) that the reader may read. A cursor the log cannot resume from is
// answered with reset: the client refetches outcomes and actions over REST.
func (c *conn) meetingCatchUp(cur *cursor, id string, first bool, resume, ref string) (sessions, changes int, err error) {
	channel := meetingChannel(id)
	agenda, err := c.hub.src.Agenda(c.ctx, c.actor, id)
	if err != nil {
		return 0, 0, err
	}
	c.hub.rememberSessions(agenda...)
	if first {
		reset := false
		if resume == "" {
			// A new follower reads outcomes and actions over REST after
			// subscribing: only changes from now on are its.
			cur.cseq = c.hub.lastChange(id)
		} else if n, ok := c.hub.parseCursor(resume); !ok {
			reset, cur.cseq = true, c.hub.lastChange(id)
		} else if _, last, ok := c.hub.changesAfter(id, n); !ok {
			reset, cur.cseq = true, last
		} else {
			cur.cseq = n
		}
		if !c.send(subscribedMsg{Type: typeSubscribed, Ref: ref, Channel: channel, Reset: reset}) {
			return 0, 0, errClosing
		}
	}
	present := make(map[string]bool, len(agenda))
	for _, se := range agenda {
		present[se.ID] = true
		if v, ok := cur.versions[se.ID]; ok && se.Version <= v {
			continue
		}
		if !c.send(sessionMsg{Type: typeSession, Channel: channel, Session: se}) {
			return 0, 0, errClosing
		}
		cur.versions[se.ID] = se.Version
		sessions++
	}
	for sid := range cur.versions {
		if !present[sid] {
			if !c.send(sessionDeletedMsg{Type: typeSessionDeleted, Channel: channel, SessionID: sid}) {
				return 0, 0, errClosing
			}
			delete(cur.versions, sid)
		}
	}
	list, last, ok := c.hub.changesAfter(id, cur.cseq)
	if !ok {
		// A later round whose changes left the log meanwhile: the client
		// read too slowly; on reconnect its cursor gets reset.
		c.closeWith(CloseTooSlow, "too slow: reconnect and catch up")
		return 0, 0, errClosing
	}
	for _, ev := range list {
		if b := ev.data[ev.levelFor(c)]; b != nil {
			if !c.sendBytes(b) {
				return 0, 0, errClosing
			}
			changes++
		}
	}
	cur.cseq = max(cur.cseq, last)
	return sessions, changes, nil
}

func (c *conn) unsubscribe(m inbound) {
	s := c.subs[m.Channel]
	if s == nil {
		c.replyError(m.Ref, &conference.Error{Code: conference.ENOTFOUND, Field: "channel",
			Message: "Not subscribed to " + quote(m.Channel) + "."}, func(e *errorMsg) { e.Channel = m.Channel })
		return
	}
	delete(c.subs, m.Channel)
	s.mu.Lock()
	s.removed = true // nothing more is queued for it, so nothing follows the answer
	s.mu.Unlock()
	c.hub.removeSub(s)
	c.send(unsubscribedMsg{Type: typeUnsubscribed, Ref: m.Ref, Channel: m.Channel})
}

// rememberSessions records each session's meeting, so that the deletion of a
// session (a Change without a document) reaches its meeting's channel.
func (h *Hub) rememberSessions(list ...*conference.Session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, se := range list {
		h.sessionMeeting[se.ID] = se.MeetingID
	}
}
