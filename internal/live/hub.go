// Package live owns Quintet's live connections: the WebSocket endpoint's
// connections, their subscriptions to channels (session:<id>, meeting:<id>),
// catch-up after a dropped link, and the fan-out of each stored change to the
// subscribers allowed to read it.
//
// The Service tells the Hub of every stored change through Changed, in order.
// Changed encodes each event once per clearance level and queues the same
// bytes to every subscriber whose clearance allows it; it never waits for a
// client. Each connection has a byte-bounded queue drained by its own writer
// goroutine; a client that cannot keep up is disconnected (close code 4008)
// and catches up when it reconnects. One account may hold only so many
// connections (Options.MaxConnsPerUser); a handshake over it is refused.
//
// The protocol is described in docs/live-protocol.md.
package live

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/problem"
)

// Source is what the hub needs of the Service. Reads are answered from the
// Service's memory, so catch-up costs no store round trip.
type Source interface {
	// Notes returns the notes after seq `after` that actor may read, and the
	// record's last seq.
	Notes(ctx context.Context, actor *conference.User, sessionID string, after int64) ([]*conference.Note, int64, error)
	Session(ctx context.Context, actor *conference.User, id string) (*conference.Session, error)
	Meeting(ctx context.Context, actor *conference.User, id string) (*conference.Meeting, error)
	Agenda(ctx context.Context, actor *conference.User, meetingID string) ([]*conference.Session, error)
	PostNote(ctx context.Context, actor *conference.User, sessionID string, in conference.NoteInput) (*conference.Note, bool, error)
	// User, LoginExists and TokenExists let a new connection check that its
	// credential and roles did not change between authentication and the
	// moment the hub began listening for their revocation.
	User(ctx context.Context, actor *conference.User, id string) (*conference.User, error)
	LoginExists(secret string) bool
	TokenExists(secret string) bool
	// SessionInsiders names the users who read a session's whole record
	// whatever their clearance (its rapporteurs and chair); OutcomeView and
	// ActionView build what a reader of clearance c sees, as REST does.
	SessionInsiders(sessionID string) []string
	OutcomeView(o *conference.Outcome, c conference.Marking) *conference.OutcomeView
	ActionView(a *conference.Action, c conference.Marking) *conference.Action
	// DerivedActions are the actions drawn from an outcome, whose effective
	// marking follows the outcome's.
	DerivedActions(outcomeID string) []*conference.Action
	// LinkAudience and EntryAudience name the meetings told of a link's or a
	// register entry's change, and the marking a reader must be cleared for.
	LinkAudience(l *conference.Link) (meetingID, sessionID string, marking conference.Marking, ok bool)
	EntryAudience(entryID string) map[string]conference.Marking
}

// Options tune the hub; zero values take the defaults below.
type Options struct {
	Logger *slog.Logger
	// QueueBytes bounds what may wait to be written to one connection. A
	// live event that would exceed it disconnects the client (4008).
	QueueBytes int
	// ReadLimit is the largest message a client may send (1009 beyond it).
	ReadLimit int64
	// WriteWait bounds one write to a client.
	WriteWait time.Duration
	// PongWait is how long a silent client is believed alive; PingPeriod is
	// how often the server pings (and rechecks the connection's credential).
	PongWait   time.Duration
	PingPeriod time.Duration
	// MaxSubscriptions bounds the channels one connection may follow.
	MaxSubscriptions int
	// MaxConnsPerUser bounds the connections one account (user id) may hold
	// open at once, whatever its credentials; a handshake over it is refused
	// with 429. Each connection costs the server memory and a share of every
	// fan-out, so one account must not be able to take them all.
	MaxConnsPerUser int
	// MeetingLog is how many outcome and action changes per meeting are kept
	// for a resuming client (changelog.go); an older cursor gets reset.
	MeetingLog int
}

// Defaults.
const (
	DefaultQueueBytes       = 1 << 20
	DefaultReadLimit        = 64 << 10
	DefaultWriteWait        = 10 * time.Second
	DefaultPongWait         = 60 * time.Second
	DefaultPingPeriod       = 25 * time.Second
	DefaultMaxSubscriptions = 100
	// DefaultMaxConnsPerUser leaves room for a person's tabs on a few devices.
	DefaultMaxConnsPerUser = 20
	// retryAfter is what a refused handshake tells the client to wait: about
	// the longest reconnect back-off the document recommends.
	retryAfter = 30 * time.Second
	// maxFrameBytes bounds a frame of coalesced messages, the newlines between
	// them included. A single larger message still goes alone in its own frame.
	maxFrameBytes = 64 << 10
	// closeGrace is how long the server waits for the client's answer to its
	// close frame before it drops the TCP connection.
	closeGrace = 2 * time.Second
)

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.QueueBytes <= 0 {
		o.QueueBytes = DefaultQueueBytes
	}
	if o.ReadLimit <= 0 {
		o.ReadLimit = DefaultReadLimit
	}
	if o.WriteWait <= 0 {
		o.WriteWait = DefaultWriteWait
	}
	if o.PongWait <= 0 {
		o.PongWait = DefaultPongWait
	}
	if o.PingPeriod <= 0 {
		o.PingPeriod = DefaultPingPeriod
	}
	// A ping must reach the client, and its pong come back, well within the
	// pong wait, or a live client would be taken for a dead one.
	if o.PingPeriod >= o.PongWait/2 {
		o.PingPeriod = o.PongWait * 4 / 10
	}
	if o.MaxSubscriptions <= 0 {
		o.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if o.MaxConnsPerUser <= 0 {
		o.MaxConnsPerUser = DefaultMaxConnsPerUser
	}
	if o.MeetingLog <= 0 {
		o.MeetingLog = DefaultMeetingLog
	}
}

// Hub is the set of live connections and their subscriptions.
type Hub struct {
	src      Source
	opts     Options
	log      *slog.Logger
	upgrader websocket.Upgrader
	// ctx ends at Close; every connection's context derives from it.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.RWMutex
	closed   bool
	conns    map[*conn]struct{}
	byUser   map[string]map[*conn]struct{} // user id → connections
	byCred   map[string]map[*conn]struct{} // HashSecret(credential) → connections
	channels map[string][]*sub             // copy-on-write: Changed iterates without the lock
	// slots counts, per user id, the connections open and the handshakes in
	// progress: a handshake takes its slot before it upgrades, so concurrent
	// ones cannot all pass the cap.
	slots map[string]int
	// refusedAt is when a refusal over the cap was last logged, per user id.
	refusedAt map[string]time.Time
	// sessionMeeting remembers each session's meeting so that a deleted
	// session, whose Change carries no document, reaches its meeting channel.
	sessionMeeting map[string]string

	// epoch names this hub's meeting change sequence; logs holds each
	// meeting's recent outcome and action changes (changelog.go). logMu is
	// held while a change is numbered and published.
	epoch string
	logMu sync.Mutex
	logs  map[string]*meetingLog

	// wg counts handshakes in progress and each connection's two goroutines.
	wg sync.WaitGroup

	stats counters // see stats.go
}

// NewHub returns a hub reading from src. It starts no goroutine: each
// connection's reader and writer are started by Serve and ended by Close.
func NewHub(src Source, opts Options) *Hub {
	opts.setDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{
		src:            src,
		opts:           opts,
		log:            opts.Logger,
		ctx:            ctx,
		cancel:         cancel,
		conns:          map[*conn]struct{}{},
		byUser:         map[string]map[*conn]struct{}{},
		slots:          map[string]int{},
		refusedAt:      map[string]time.Time{},
		byCred:         map[string]map[*conn]struct{}{},
		channels:       map[string][]*sub{},
		sessionMeeting: map[string]string{},
		epoch:          newEpoch(),
		logs:           map[string]*meetingLog{},
	}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   1024,
		// Idle connections hold no write buffer: one is taken from the pool
		// for the length of a write.
		WriteBufferPool: &sync.Pool{},
		// The HTTP layer checked the Origin against the allow-list before
		// calling Serve; the upgrader need not check again.
		CheckOrigin: func(*http.Request) bool { return true },
		Error: func(w http.ResponseWriter, _ *http.Request, status int, reason error) {
			httpError(w, status, conference.EINVALID, "Not a WebSocket handshake: "+reason.Error()+".")
		},
	}
	return h
}

// Connections reports how many connections are open.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.conns)
}

// Serve upgrades an authenticated request to a WebSocket and serves it until
// either side closes it. credential is the secret that authenticated the
// request (login cookie or API token): its revocation closes the connection.
// It returns once the connection's goroutines are started.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, actor *conference.User, credential string) {
	if actor == nil || actor.Clearance() == "" {
		httpError(w, http.StatusUnauthorized, conference.EUNAUTHORIZED, "Sign in first.")
		return
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		httpError(w, http.StatusServiceUnavailable, problem.EUNAVAILABLE, "The server is shutting down; reconnect in a moment.")
		return
	}
	if n := h.slots[actor.ID]; n >= h.opts.MaxConnsPerUser {
		// Once a minute per account at most: a client retrying in a loop
		// must not flood the log.
		now := time.Now()
		logIt := now.Sub(h.refusedAt[actor.ID]) >= time.Minute
		if logIt {
			h.refusedAt[actor.ID] = now
		}
		h.mu.Unlock()
		if logIt {
			h.log.Warn("live: refused a connection over the account's limit",
				slog.String("user", actor.ID), slog.Int("limit", h.opts.MaxConnsPerUser))
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
		// A quota of open connections, not of attempts in a window.
		w.Header().Set("RateLimit-Policy", `"connections";q=`+strconv.Itoa(h.opts.MaxConnsPerUser))
		w.Header().Set("RateLimit", `"connections";r=0;t=`+strconv.Itoa(int(retryAfter/time.Second)))
		httpError(w, http.StatusTooManyRequests, conference.ERATELIMITED, fmt.Sprintf(
			"This account already has %d live connections open, the most it may have: close a tab or window, then reconnect.", n))
		return
	}
	h.slots[actor.ID]++
	h.wg.Add(1) // this handshake, so that Close waits for it
	h.mu.Unlock()
	defer h.wg.Done()

	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		h.releaseSlot(actor.ID)
		return // the upgrader has answered with an HTTP error
	}
	c := newConn(h, ws, actor, conference.HashSecret(credential))
	if !h.register(c) {
		h.releaseSlot(actor.ID)
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "going away"), time.Now().Add(time.Second))
		_ = ws.Close()
		return
	}
	h.wg.Add(2)
	go c.writeLoop()
	go c.readLoop()

	// The credential or the user may have been revoked after the HTTP layer
	// authenticated the request and before register made the hub listen for
	// it; check once more now that no revocation can be missed.
	if !h.stillValid(c, credential) {
		c.closeWith(CloseSignInAgain, "sign in again")
	}
}

// httpError refuses a handshake with the API's error answer.
func httpError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Cache-Control", "no-store")
	problem.Write(w, problem.New(status, code, message))
}

// stillValid reports whether the connection's credential still signs its user
// in, with the roles and delegation it had when the connection opened.
func (h *Hub) stillValid(c *conn, credential string) bool {
	if !h.src.LoginExists(credential) && !h.src.TokenExists(credential) {
		return false
	}
	u, err := h.src.User(c.ctx, conference.SystemActor, c.actor.ID)
	return err == nil && !accessChanged(c.actor, u)
}

// accessChanged reports whether what a connection was allowed when it opened
// differs from what the user is allowed now.
func accessChanged(was, now *conference.User) bool {
	return now == nil || now.Disabled != was.Disabled || now.Delegation != was.Delegation ||
		!slices.Equal(now.Roles, was.Roles)
}

func (h *Hub) register(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	addTo(h.byUser, c.actor.ID, c)
	addTo(h.byCred, c.credHash, c)
	return true
}

// releaseSlot gives back the slot a handshake took.
func (h *Hub) releaseSlot(userID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.releaseSlotLocked(userID)
}

func (h *Hub) releaseSlotLocked(userID string) {
	if h.slots[userID]--; h.slots[userID] <= 0 {
		delete(h.slots, userID)
	}
}

// unregister forgets a connection and all its subscriptions, and gives back
// its slot.
func (h *Hub) unregister(c *conn, subs []*sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.releaseSlotLocked(c.actor.ID)
	delete(h.conns, c)
	removeFrom(h.byUser, c.actor.ID, c)
	removeFrom(h.byCred, c.credHash, c)
	for _, s := range subs {
		h.removeSubLocked(s)
	}
}

func addTo(m map[string]map[*conn]struct{}, key string, c *conn) {
	set := m[key]
	if set == nil {
		set = map[*conn]struct{}{}
		m[key] = set
	}
	set[c] = struct{}{}
}

func removeFrom(m map[string]map[*conn]struct{}, key string, c *conn) {
	if set := m[key]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(m, key)
		}
	}
}

// addSub makes s receive the channel's events from now on.
func (h *Hub) addSub(s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.channels[s.channel]
	list := make([]*sub, len(old), len(old)+1)
	copy(list, old)
	h.channels[s.channel] = append(list, s)
}

func (h *Hub) removeSub(s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeSubLocked(s)
}

func (h *Hub) removeSubLocked(s *sub) {
	old := h.channels[s.channel]
	i := slices.Index(old, s)
	if i < 0 {
		return
	}
	if len(old) == 1 {
		delete(h.channels, s.channel)
		return
	}
	// A fresh slice: Changed may be iterating the old one without the lock.
	list := make([]*sub, 0, len(old)-1)
	list = append(list, old[:i]...)
	h.channels[s.channel] = append(list, old[i+1:]...)
}

func (h *Hub) subscribers(channel string) []*sub {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.channels[channel]
}

// Close sends "going away" (1001) to every connection, refuses new ones, and
// waits until every connection's goroutines have ended. Call it after the HTTP
// server's Shutdown: hijacked connections are not closed by Shutdown.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.closeWith(websocket.CloseGoingAway, "going away")
	}
	h.wg.Wait()
	h.cancel()
}

// ---- Fan-out ----

// levels is the number of clearance levels: all, delegations, heads.
var levels = len(conference.Markings)

// Event kinds, which decide how a subscription still catching up recognises
// an event it already sent (see cursor.fresh).
type kind int

const (
	kindNote kind = iota
	kindSession
	kindSessionDeleted
)

// event is one change as the clients of one channel see it: the message
// encoded once for each clearance level (nil where that level may not see it;
// levels usually share the same bytes).
type event struct {
	kind    kind
	seq     int64  // kindNote: the note's seq
	id      string // kindSession, kindSessionDeleted: the session's id
	version int64  // kindSession: the session's version
	cseq    int64  // kindMeetingChange: the change's number in its meeting's log
	data    [3][]byte
	// insiders read the event at the highest level whatever their clearance:
	// the rapporteurs and chair of the session it belongs to.
	insiders []string
}

// levelFor is the clearance level at which c reads ev.
func (ev *event) levelFor(c *conn) int {
	if len(ev.insiders) > 0 && slices.Contains(ev.insiders, c.actor.ID) {
		return levels - 1
	}
	return c.level
}

// forLevels returns data for every clearance level from min up.
func forLevels(min conference.Marking, b []byte) [3][]byte {
	var d [3][]byte
	for l := min.Level(); l >= 0 && l < levels; l++ {
		d[l] = b
	}
	return d
}

// Changed is told of every stored change, in order, by the Service. It queues
// events to subscribers without ever waiting for one, and closes the
// connections whose access the change revokes.
//
// To push a new kind of document (outcomes, actions): add a case below that
// names the channels it goes to and encodes its message once per clearance
// level, and, when it has a catch-up on subscribe, teach cursor.fresh about it.
func (h *Hub) Changed(ch conference.Change) {
	switch ch.Collection {
	case conference.Notes:
		n, ok := ch.Doc.(*conference.Note)
		if !ok || n == nil {
			return
		}
		channel := sessionChannel(n.SessionID)
		h.publish(channel, &event{kind: kindNote, seq: n.Seq, insiders: h.src.SessionInsiders(n.SessionID),
			data: forLevels(n.Marking, encode(noteMsg{Type: typeNote, Channel: channel, Note: n}))})

	case conference.Sessions:
		se, _ := ch.Doc.(*conference.Session)
		h.mu.Lock()
		meetingID := h.sessionMeeting[ch.ID]
		if se != nil {
			meetingID = se.MeetingID
			h.sessionMeeting[se.ID] = se.MeetingID
		} else {
			delete(h.sessionMeeting, ch.ID)
		}
		h.mu.Unlock()
		for _, channel := range []string{sessionChannel(ch.ID), meetingChannel(meetingID)} {
			if channel == meetingChannel("") {
				continue
			}
			if se == nil {
				h.publish(channel, &event{kind: kindSessionDeleted, id: ch.ID,
					data: forLevels(conference.MarkingAll, encode(sessionDeletedMsg{Type: typeSessionDeleted, Channel: channel, SessionID: ch.ID}))})
				continue
			}
			h.publish(channel, &event{kind: kindSession, id: se.ID, version: se.Version,
				data: forLevels(conference.MarkingAll, encode(sessionMsg{Type: typeSession, Channel: channel, Session: se}))})
		}

	case conference.Outcomes, conference.Actions:
		h.outcomeOrActionChanged(ch) // outcomes_actions.go

	case conference.Links:
		h.linkChanged(ch) // register_links.go

	case conference.Register:
		h.entryChanged(ch) // register_links.go

	case conference.Logins, conference.Tokens:
		if ch.Doc == nil { // a login ended or a token was deleted
			h.revoke(h.byCred, ch.ID, func(*conn) bool { return true }, "credential revoked")
		}

	case conference.Users:
		u, _ := ch.Doc.(*conference.User)
		h.revoke(h.byUser, ch.ID, func(c *conn) bool { return accessChanged(c.actor, u) }, "user changed")
	}
}

// publish queues ev to every subscriber of channel. It takes no lock of the
// hub while delivering: the subscriber list is an immutable snapshot.
func (h *Hub) publish(channel string, ev *event) {
	for _, s := range h.subscribers(channel) {
		s.deliver(ev)
	}
}

// revoke closes, with "sign in again", the connections of index[key] that
// match selects.
func (h *Hub) revoke(index map[string]map[*conn]struct{}, key string, match func(*conn) bool, why string) {
	var victims []*conn
	h.mu.RLock()
	for c := range index[key] {
		if match(c) {
			victims = append(victims, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range victims {
		h.log.Info("live: closing a connection whose access was revoked",
			slog.String("user", c.actor.ID), slog.String("why", why))
		c.closeWith(CloseSignInAgain, "sign in again")
	}
}

// Channel names.
const (
	sessionPrefix = "session:"
	meetingPrefix = "meeting:"
)

func sessionChannel(id string) string { return sessionPrefix + id }
func meetingChannel(id string) string { return meetingPrefix + id }

// parseChannel splits "session:<id>" or "meeting:<id>".
func parseChannel(name string) (prefix, id string, ok bool) {
	for _, p := range []string{sessionPrefix, meetingPrefix} {
		if rest, found := strings.CutPrefix(name, p); found && conference.ValidID("channel", rest) == nil {
			return p, rest, true
		}
	}
	return "", "", false
}
