// Package livetest is a test client of Quintet's live endpoint
// (GET /api/v1/live), written from docs/live-protocol.md alone: it does not
// import the server's packages, and it decodes into types of its own that
// refuse unknown fields, so the tests that use it check the protocol as
// documented rather than the server's own idea of it: a renamed JSON field,
// or one the document does not name, fails them.
//
// The hub's tests (internal/live) and the end-to-end tests of the program
// (cmd/quintet) share it.
package livetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Path is where a server serves the live endpoint.
const Path = "/api/v1/live"

// Msg is any server message, decoded loosely: each type fills the fields it
// has and leaves the others zero. A field that no message of the document
// has is an error (see ParseFrame).
type Msg struct {
	Type      string   `json:"type"`
	Ref       string   `json:"ref"`
	Channel   string   `json:"channel"`
	After     int64    `json:"after"`
	Reset     bool     `json:"reset"`
	LastSeq   int64    `json:"last_seq"`
	NewNotes  int      `json:"new_notes"`
	Sessions  int      `json:"sessions"`
	Note      *Note    `json:"note"`
	Session   *Session `json:"session"`
	SessionID string   `json:"session_id"`
	ClientID  string   `json:"client_id"`
	Seq       int64    `json:"seq"`
	Created   bool     `json:"created"`
	Code      string   `json:"code"`
	Message   string   `json:"message"`
	Field     string   `json:"field"`
	User      *User    `json:"user"`
	Clearance string   `json:"clearance"`
	Limits    *Limits  `json:"limits"`
	// Outcome and Action are in the REST API's shape (the OpenAPI document
	// describes them), which this package does not repeat.
	Outcome *json.RawMessage `json:"outcome"`
	Action  *json.RawMessage `json:"action"`
	Kind    string           `json:"kind"` // of withdrawn: outcome or action
	ID      string           `json:"id"`   // of withdrawn and link_removed
	// Link and Entry: of link and register_entry changes; FromKind, FromID
	// and EntryID: the ends of a removed link.
	Link     *json.RawMessage `json:"link"`
	Entry    *json.RawMessage `json:"entry"`
	FromKind string           `json:"from_kind"`
	FromID   string           `json:"from_id"`
	EntryID  string           `json:"entry_id"`
	// Cursor: of an outcome, action or withdrawn change, and of a meeting
	// channel's caught_up; Changes: how many changes that catch-up sent.
	Cursor  string `json:"cursor"`
	Changes *int   `json:"changes"`
}

// Note is one note of a session's record, as a note message carries it.
type Note struct {
	ID        string    `json:"id"`
	SessionID string    `json:"session_id"`
	MeetingID string    `json:"meeting_id"`
	Seq       int64     `json:"seq"`
	ClientID  string    `json:"client_id"`
	Author    string    `json:"author"` // user id
	Text      string    `json:"text"`
	Marking   string    `json:"marking"`
	Amends    int64     `json:"amends"` // absent when 0
	Late      bool      `json:"late"`   // absent when false
	CreatedAt time.Time `json:"created_at"`
	WrittenAt time.Time `json:"written_at"`
}

// Session is a session as it stands, as a session message carries it.
type Session struct {
	ID          string    `json:"id"`
	MeetingID   string    `json:"meeting_id"`
	Title       string    `json:"title"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Room        string    `json:"room"`
	Chair       string    `json:"chair"` // user id; absent when there is none
	Rapporteurs []string  `json:"rapporteurs"`
	Topics      []string  `json:"topics"`
	Status      string    `json:"status"`
	StartedAt   time.Time `json:"started_at"` // absent until it went live
	Version     int64     `json:"version"`
}

// User is the connection's user, as hello names it.
type User struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Delegation string   `json:"delegation"`
	Roles      []string `json:"roles"`
}

// Limits are the limits hello announces.
type Limits struct {
	MaxMessageBytes       int `json:"max_message_bytes"`
	MaxNoteLength         int `json:"max_note_length"`
	MaxSubscriptions      int `json:"max_subscriptions"`
	MaxConnectionsPerUser int `json:"max_connections_per_user"`
	QueueBytes            int `json:"queue_bytes"`
	PingIntervalMS        int `json:"ping_interval_ms"`
	PongWaitMS            int `json:"pong_wait_ms"`
}

// ParseFrame decodes one frame of the server: one or more messages
// separated by a newline. A message with a field the document does not name,
// or more than one JSON value on a line, is an error.
func ParseFrame(data []byte) ([]Msg, error) {
	var ms []Msg
	for _, line := range bytes.Split(data, []byte("\n")) {
		var m Msg
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("bad message %q: %w", line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("bad message %q: more than one JSON value", line)
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// Dial opens the live endpoint at url (ws://host:port/api/v1/live) with
// these headers. It returns the connection (nil when refused) and the
// handshake's HTTP status (0 when there was no answer).
func Dial(url string, h http.Header) (*websocket.Conn, int, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, resp, err := d.Dial(url, h)
	status := 0
	if resp != nil {
		status = resp.StatusCode
		resp.Body.Close()
	}
	return ws, status, err
}

// DefaultWait is how long Next waits for a message when Client.Wait is zero.
const DefaultWait = 10 * time.Second

// Client reads a connection's messages one at a time, whatever frames they
// came in, and fails its test when the protocol is not followed.
type Client struct {
	T  testing.TB
	WS *websocket.Conn
	// Wait bounds each read of Next (and of Until, Subscribe and Sync, which
	// read with it); zero means DefaultWait.
	Wait time.Duration

	pending []Msg // messages of the last frame not read yet
}

// Send writes one client message.
func (c *Client) Send(v any) {
	c.T.Helper()
	if err := c.WS.WriteJSON(v); err != nil {
		c.T.Fatalf("send: %v", err)
	}
}

// Read returns the next message, reading a frame if none is left of the
// last, or the error that ended the read (a *websocket.CloseError when the
// server closed the connection).
func (c *Client) Read(timeout time.Duration) (Msg, error) {
	if len(c.pending) == 0 {
		_ = c.WS.SetReadDeadline(time.Now().Add(timeout))
		_, data, err := c.WS.ReadMessage()
		if err != nil {
			return Msg{}, err
		}
		if c.pending, err = ParseFrame(data); err != nil {
			return Msg{}, err
		}
	}
	m := c.pending[0]
	c.pending = c.pending[1:]
	return m, nil
}

// Next returns the next message, failing the test if none comes in time.
func (c *Client) Next() Msg {
	c.T.Helper()
	wait := c.Wait
	if wait == 0 {
		wait = DefaultWait
	}
	m, err := c.Read(wait)
	if err != nil {
		c.T.Fatalf("read: %v", err)
	}
	return m
}

// ExpectHello reads the first message of a connection, which must be hello.
func (c *Client) ExpectHello() Msg {
	c.T.Helper()
	m := c.Next()
	if m.Type != "hello" {
		c.T.Fatalf("first message %+v, want hello", m)
	}
	return m
}

// Until reads until a message of type typ, returning it and the messages
// before it.
func (c *Client) Until(typ string) (Msg, []Msg) {
	c.T.Helper()
	var before []Msg
	for {
		m := c.Next()
		if m.Type == typ {
			return m, before
		}
		before = append(before, m)
	}
}

// Subscribe follows a channel from seq after and reads its catch-up: it
// returns the caught_up message and the messages before it (subscribed,
// then the catch-up's session and note messages, or an error), for the
// caller to check.
func (c *Client) Subscribe(channel string, after int64) (Msg, []Msg) {
	c.T.Helper()
	c.Send(map[string]any{"type": "subscribe", "channel": channel, "after": after})
	return c.Until("caught_up")
}

// Sync makes a round trip (ping, pong), so that everything sent before it
// was handled; it returns the messages that came before the pong.
func (c *Client) Sync() []Msg {
	c.T.Helper()
	c.Send(map[string]any{"type": "ping", "ref": "sync"})
	_, before := c.Until("pong")
	return before
}

// Close ends the connection as a well-behaved client does: it sends a close
// frame and waits, up to timeout, until the server has closed the TCP
// connection, by which time the server has forgotten it.
func (c *Client) Close(timeout time.Duration) {
	c.T.Helper()
	deadline := time.Now().Add(timeout)
	if err := c.WS.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline); err != nil {
		c.T.Fatalf("send close: %v", err)
	}
	nc := c.WS.NetConn()
	defer nc.Close()
	_ = nc.SetReadDeadline(deadline)
	if _, err := io.Copy(io.Discard, nc); err != nil {
		c.T.Fatalf("the server did not close the connection: %v", err)
	}
}

// CloseCode reads until the server closes the connection and returns the
// close frame's code, failing the test if the connection ends without one.
func (c *Client) CloseCode(timeout time.Duration) int {
	c.T.Helper()
	code, err := c.AwaitClose(timeout)
	if err != nil {
		c.T.Fatalf("the connection ended without a close frame: %v", err)
	}
	return code
}

// AwaitClose reads until the connection ends and returns the close frame's
// code, or the error it ended with when there was none. It does not fail the
// test, so that goroutines other than the test's may wait on many sockets.
func (c *Client) AwaitClose(timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		_, err := c.Read(time.Until(deadline))
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, nil
		}
		return 0, err
	}
}
