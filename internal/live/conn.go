package live

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
)

// conn is one WebSocket connection. It has exactly two goroutines: readLoop,
// the only reader of the socket, which also answers the client's requests
// (subscribe, post…); and writeLoop, the only writer of data frames, which
// drains the queue. Everything else (Changed, Close) only queues bytes or asks
// for the connection to close; it never touches the socket.
type conn struct {
	hub      *Hub
	ws       *websocket.Conn
	actor    *conference.User // as authenticated; fixed for the connection's life
	level    int              // the actor's clearance level: index into event.data
	credHash string           // HashSecret of the credential that opened it
	// ctx ends when the connection does; Source calls made for it use it.
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	queue     [][]byte // encoded messages waiting for the writer; shared, never modified
	queued    int      // bytes in queue
	closing   bool
	closeCode int // 0: end without a close frame (the peer went first)
	closeText string

	wake       chan struct{} // cap 1: the writer has something to do
	space      chan struct{} // cap 1: the writer took messages out of the queue
	readerDone chan struct{} // closed when readLoop has returned

	// subs is owned by readLoop.
	subs map[string]*sub
}

func newConn(h *Hub, ws *websocket.Conn, actor *conference.User, credHash string) *conn {
	ctx, cancel := context.WithCancel(h.ctx)
	c := &conn{
		hub:        h,
		ws:         ws,
		actor:      actor,
		level:      actor.Clearance().Level(),
		credHash:   credHash,
		ctx:        ctx,
		cancel:     cancel,
		wake:       make(chan struct{}, 1),
		space:      make(chan struct{}, 1),
		readerDone: make(chan struct{}),
		subs:       map[string]*sub{},
	}
	c.enqueue(encode(helloMsg{
		Type:      typeHello,
		User:      actor.Public(),
		Clearance: actor.Clearance(),
		Limits: limits{
			MaxMessageBytes:  h.opts.ReadLimit,
			MaxNoteLength:    conference.MaxNoteLength,
			MaxSubscriptions: h.opts.MaxSubscriptions,
			MaxConnsPerUser:  h.opts.MaxConnsPerUser,
			QueueBytes:       h.opts.QueueBytes,
			PingIntervalMS:   h.opts.PingPeriod.Milliseconds(),
			PongWaitMS:       h.opts.PongWait.Milliseconds(),
		},
	}))
	return c
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// enqueue queues a live event without waiting. When the queue is full the
// client is too slow: it is disconnected, so that it cannot hold up anyone or
// make the server buffer without bound.
func (c *conn) enqueue(b []byte) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	if c.queued+len(b) > c.hub.opts.QueueBytes {
		c.mu.Unlock()
		if c.closeWith(CloseTooSlow, "too slow: reconnect and catch up") {
			c.hub.stats.dropped.Add(1)
			c.hub.log.Warn("live: dropped a client that reads too slowly",
				slog.String("user", c.actor.ID), slog.Int("queue_bytes", c.hub.opts.QueueBytes))
		}
		return
	}
	c.queue = append(c.queue, b)
	c.queued += len(b)
	c.mu.Unlock()
	signal(c.wake)
}

// enqueueWait queues a message the connection's own reader produced (a
// catch-up, a reply), waiting while the queue holds more than limit bytes:
// a client that reads slowly slows only its own catch-up. It reports false
// when the connection is closing.
func (c *conn) enqueueWait(b []byte, limit int) bool {
	for {
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			return false
		}
		if c.queued == 0 || c.queued+len(b) <= limit {
			c.queue = append(c.queue, b)
			c.queued += len(b)
			c.mu.Unlock()
			signal(c.wake)
			return true
		}
		c.mu.Unlock()
		select {
		case <-c.space:
		case <-c.ctx.Done():
			return false
		}
	}
}

// send queues a reply or a catch-up message from the reader.
func (c *conn) send(v any) bool { return c.sendBytes(encode(v)) }

func (c *conn) sendBytes(b []byte) bool { return c.enqueueWait(b, c.hub.opts.QueueBytes/2) }

// closeWith asks the writer to end the connection: with a close frame when
// code is not 0. What is still queued is dropped: the client catches up when
// it reconnects. It reports whether this call started the closing.
func (c *conn) closeWith(code int, text string) bool {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return false
	}
	c.closing = true
	c.closeCode, c.closeText = code, text
	c.queue, c.queued = nil, 0
	c.mu.Unlock()
	signal(c.wake)
	signal(c.space)
	return true
}

// take removes queued messages (at least one) for one frame of at most
// maxFrameBytes, newline separators included. It reports closing once the
// queue is empty and a close was asked.
func (c *conn) take() (batch [][]byte, closing bool, code int, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return nil, true, c.closeCode, c.closeText
	}
	// frame counts the newlines write puts between messages: a client may
	// size its buffer by the documented bound.
	n, size, frame := 0, 0, 0
	for n < len(c.queue) && (n == 0 || frame+1+len(c.queue[n]) <= maxFrameBytes) {
		if n > 0 {
			frame++
		}
		size += len(c.queue[n])
		frame += len(c.queue[n])
		n++
	}
	batch = c.queue[:n:n]
	c.queue = c.queue[n:]
	c.queued -= size
	if len(c.queue) == 0 {
		c.queue = nil // let the backing array go: idle connections hold none
	} else {
		signal(c.wake)
	}
	if n > 0 {
		signal(c.space)
	}
	return batch, false, 0, ""
}

// framePool holds buffers for coalesced frames, so that idle connections
// hold none.
var framePool = sync.Pool{New: func() any { b := make([]byte, 0, maxFrameBytes); return &b }}

// writeLoop is the connection's only writer of data frames (the reader may
// write control frames, which gorilla/websocket allows concurrently). It
// coalesces what is queued into one text frame, messages separated by '\n',
// pings the client, and ends the connection.
func (c *conn) writeLoop() {
	defer c.hub.wg.Done()
	ticker := time.NewTicker(c.hub.opts.PingPeriod)
	defer ticker.Stop()
	for {
		select {
		case <-c.wake:
			batch, closing, code, text := c.take()
			if closing {
				c.finish(code, text)
				return
			}
			if len(batch) == 0 {
				continue
			}
			if err := c.write(batch); err != nil {
				if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
					c.hub.log.Info("live: dropped a client that did not accept a frame within the write timeout",
						slog.String("user", c.actor.ID), slog.Duration("write_wait", c.hub.opts.WriteWait))
				}
				c.closeWith(0, "")
				c.finish(0, "")
				return
			}
		case <-ticker.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.hub.opts.WriteWait)); err != nil {
				c.closeWith(0, "")
				c.finish(0, "")
				return
			}
		}
	}
}

func (c *conn) write(batch [][]byte) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.hub.opts.WriteWait)); err != nil {
		return err
	}
	if len(batch) == 1 {
		return c.ws.WriteMessage(websocket.TextMessage, batch[0])
	}
	bp := framePool.Get().(*[]byte)
	buf := (*bp)[:0]
	for i, b := range batch {
		if i > 0 {
			buf = append(buf, '\n')
		}
		buf = append(buf, b...)
	}
	err := c.ws.WriteMessage(websocket.TextMessage, buf)
	if cap(buf) <= 4*maxFrameBytes {
		*bp = buf
		framePool.Put(bp)
	}
	return err
}

// finish ends the connection: it sends the close frame, gives the client a
// moment to answer it, and closes the TCP connection. Run by the writer only.
func (c *conn) finish(code int, text string) {
	if code != 0 {
		wait := c.hub.opts.WriteWait
		if code == websocket.CloseGoingAway {
			wait = time.Second // shutting down: do not let one dead client hold it up
		}
		if err := c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(wait)); err == nil {
			// The reader sees the client's answering close frame and returns.
			t := time.NewTimer(closeGrace)
			select {
			case <-c.readerDone:
			case <-t.C:
			}
			t.Stop()
		}
	}
	c.cancel()
	select {
	case <-c.readerDone:
		lingerClose(c.ws.NetConn())
	default:
		// The reader is still reading: closing the socket ends its read.
		_ = c.ws.Close()
	}
}

// lingerClose closes a connection whose reader has stopped without losing
// what was written last (a close frame): closing a socket with unread input
// makes the kernel reset the connection, and a reset can destroy data the
// client has not read yet. So it shuts down the sending side first and reads
// until the client closes too, for a short while at most.
func lingerClose(nc net.Conn) {
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		_ = tc.SetReadDeadline(time.Now().Add(closeGrace))
		_, _ = io.Copy(io.Discard, io.LimitReader(tc, 1<<20))
	}
	_ = nc.Close()
}

// readLoop is the connection's only reader. It handles one request at a time,
// in order; a catch-up or a post answers before the next request is read.
func (c *conn) readLoop() {
	defer c.hub.wg.Done()
	defer close(c.readerDone)
	defer func() {
		subs := make([]*sub, 0, len(c.subs))
		for _, s := range c.subs {
			subs = append(subs, s)
		}
		c.hub.unregister(c, subs)
		c.closeWith(0, "")
	}()
	pongWait := c.hub.opts.PongWait
	c.ws.SetReadLimit(c.hub.opts.ReadLimit)
	_ = c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.hub.log.Info("live: a client sent a message over the limit", slog.String("user", c.actor.ID))
			}
			return
		}
		_ = c.ws.SetReadDeadline(time.Now().Add(pongWait))
		if mt != websocket.TextMessage {
			c.send(errorMsg{Type: typeError, Code: conference.EINVALID, Message: "Send JSON messages in text frames."})
			continue
		}
		c.handle(data)
	}
}

// handle answers one client message. Whatever is wrong with it is answered
// with an error message; the connection stays usable.
func (c *conn) handle(data []byte) {
	var m inbound
	if !utf8.Valid(data) {
		// encoding/json would replace such bytes with U+FFFD and store text
		// other than what was sent.
		c.send(errorMsg{Type: typeError, Code: conference.EINVALID, Message: "The message is not UTF-8: send JSON text in UTF-8."})
		return
	}
	if err := json.Unmarshal(data, &m); err != nil {
		c.send(decodeError(data, err))
		return
	}
	if len(m.Ref) > maxRefLength {
		c.send(errorMsg{Type: typeError, Code: conference.EINVALID, Field: "ref", Message: "ref is longer than 100 characters."})
		return
	}
	switch m.Type {
	case typeSubscribe:
		c.subscribe(m)
	case typeUnsubscribe:
		c.unsubscribe(m)
	case typePost:
		c.post(m)
	case typePing:
		c.send(pongMsg{Type: typePong, Ref: m.Ref})
	case "":
		c.send(errorMsg{Type: typeError, Ref: m.Ref, Code: conference.EINVALID, Field: "type", Message: "type is required."})
	default:
		c.send(errorMsg{Type: typeError, Ref: m.Ref, Code: conference.EINVALID, Field: "type",
			Message: "Unknown message type " + quote(m.Type) + " (one of subscribe, unsubscribe, post, ping)."})
	}
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// post stores a note written over the socket and acknowledges it with its
// seq; a retry with the same client_id is acknowledged with the seq stored.
func (c *conn) post(m inbound) {
	fail := func(err error) {
		c.replyError(m.Ref, err, func(e *errorMsg) { e.SessionID, e.ClientID = m.SessionID, m.ClientID })
	}
	if m.SessionID == "" {
		fail(conference.Invalid("session_id", "session_id is required"))
		return
	}
	// A write that started goes to its end even if the connection drops: the
	// client retries with the same client_id and learns the seq then.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 30*time.Second)
	defer cancel()
	n, created, err := c.hub.src.PostNote(ctx, c.actor, m.SessionID, conference.NoteInput{
		ClientID: m.ClientID, Text: m.Text, Marking: m.Marking, Amends: m.Amends, WrittenAt: m.WrittenAt,
	})
	if err != nil {
		fail(err)
		return
	}
	c.send(ackMsg{Type: typeAck, Ref: m.Ref, SessionID: n.SessionID, ClientID: n.ClientID, Seq: n.Seq, Created: created})
}

// liveCode is the live protocol's code for a domain code. The protocol
// predates the split of "conflict" into a stale version and a taken key, and
// its clients (the web app's outbox, delegations' own tools) act on
// "conflict"; the protocol keeps its codes so that none of them breaks.
func liveCode(code string) string {
	if code == conference.ESTALE || code == conference.EDUPLICATE {
		return conference.ECONFLICT
	}
	return code
}

// replyError answers with a domain error; internal errors are logged and
// reported only as "Internal error.".
func (c *conn) replyError(ref string, err error, decorate func(*errorMsg)) {
	e := errorMsg{Type: typeError, Ref: ref, Code: liveCode(conference.ErrorCode(err)), Message: conference.ErrorMessage(err)}
	var de *conference.Error
	if errors.As(err, &de) {
		e.Field = de.Field
	}
	if e.Code == conference.EINTERNAL {
		c.hub.log.Error("live: request failed", slog.String("user", c.actor.ID), slog.Any("err", err))
	}
	if decorate != nil {
		decorate(&e)
	}
	c.send(e)
}
