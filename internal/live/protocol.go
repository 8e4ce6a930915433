package live

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The wire protocol. docs/live-protocol.md describes it for client authors;
// keep the two in step.

// Message types a client sends.
const (
	typeSubscribe   = "subscribe"
	typeUnsubscribe = "unsubscribe"
	typePost        = "post"
	typePing        = "ping"
)

// Message types the server sends.
const (
	typeHello          = "hello"
	typeSubscribed     = "subscribed"
	typeCaughtUp       = "caught_up"
	typeUnsubscribed   = "unsubscribed"
	typeNote           = "note"
	typeSession        = "session"
	typeSessionDeleted = "session_deleted"
	typeAck            = "ack"
	typeError          = "error"
	typePong           = "pong"
)

// Close codes the server uses besides the standard ones (1000 normal, 1001
// going away, 1009 message too big, 1011 internal error). The 4000–4999 range
// is the application's.
const (
	// CloseSignInAgain: the credential that opened the connection was revoked
	// (logout, account disabled, roles or delegation changed, token deleted).
	// The client must not reconnect with it; it signs in again.
	CloseSignInAgain = 4001
	// CloseTooSlow: the client did not read fast enough and its queue
	// overflowed. It reconnects and resumes from its last seq.
	CloseTooSlow = 4008
)

// inbound is any message a client sends; which fields matter depends on Type.
type inbound struct {
	Type string `json:"type"`
	Ref  string `json:"ref,omitempty"`
	// subscribe, unsubscribe
	Channel string `json:"channel,omitempty"`
	After   *int64 `json:"after,omitempty"`
	// Cursor (meeting channels): the cursor of the last outcome or action
	// change the client received.
	Cursor string `json:"cursor,omitempty"`
	// post
	SessionID string             `json:"session_id,omitempty"`
	ClientID  string             `json:"client_id,omitempty"`
	Text      string             `json:"text,omitempty"`
	Marking   conference.Marking `json:"marking,omitempty"`
	Amends    int64              `json:"amends,omitempty"`
	WrittenAt *time.Time         `json:"written_at,omitempty"` // when the note was written, if not as it is sent
}

// maxRefLength bounds the client's ref, which the server echoes.
const maxRefLength = 100

// decodeError answers a message that does not decode into inbound. When the
// message is an object with a wrongly typed field, the answer names the field
// and echoes the fields that say which request it was (ref, channel,
// session_id, client_id), each when it is a string: without them a client
// cannot tell which outbox entry or subscription failed.
func decodeError(data []byte, err error) errorMsg {
	e := errorMsg{Type: typeError, Code: conference.EINVALID, Message: "The message is not valid JSON."}
	var ute *json.UnmarshalTypeError
	if !errors.As(err, &ute) {
		return e
	}
	if ute.Field == "" {
		e.Message = `A message is a JSON object with a "type".`
		return e
	}
	got, literal, _ := strings.Cut(ute.Value, " ") // "number -5"
	if got = article(got); literal != "" {
		got = literal
	}
	e.Field = ute.Field
	e.Message = ute.Field + " must be " + jsonKind(ute.Type) + ", not " + got + "."
	// The whole decode failed on one field; these are read one by one, so
	// that another field's type cannot hide them.
	var raw map[string]json.RawMessage
	if json.Unmarshal(data, &raw) != nil {
		return e
	}
	str := func(key string) string {
		var s string
		if json.Unmarshal(raw[key], &s) != nil {
			return ""
		}
		return s
	}
	if ref := str("ref"); len(ref) <= maxRefLength {
		e.Ref = ref
	}
	e.Channel, e.SessionID, e.ClientID = str("channel"), str("session_id"), str("client_id")
	return e
}

// jsonKind names the JSON value a field of type t takes.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

func article(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "a boolean"
	}
	return "a " + kind
}

// helloMsg is the first message on every connection.
type helloMsg struct {
	Type      string                `json:"type"`
	User      conference.PublicUser `json:"user"`
	Clearance conference.Marking    `json:"clearance"`
	Limits    limits                `json:"limits"`
}

type limits struct {
	MaxMessageBytes  int64 `json:"max_message_bytes"`
	MaxNoteLength    int   `json:"max_note_length"`
	MaxSubscriptions int   `json:"max_subscriptions"`
	MaxConnsPerUser  int   `json:"max_connections_per_user"`
	QueueBytes       int   `json:"queue_bytes"`
	PingIntervalMS   int64 `json:"ping_interval_ms"`
	PongWaitMS       int64 `json:"pong_wait_ms"`
}

type subscribedMsg struct {
	Type    string `json:"type"`
	Ref     string `json:"ref,omitempty"`
	Channel string `json:"channel"`
	After   int64  `json:"after"`
	// Reset tells the client to drop what it holds for the channel: the cursor
	// it sent is beyond the record, which is re-sent from the start.
	Reset bool `json:"reset"`
}

type caughtUpMsg struct {
	Type    string `json:"type"`
	Ref     string `json:"ref,omitempty"`
	Channel string `json:"channel"`
	// LastSeq is the record's last seq, whether or not the reader may read
	// that note: the client resumes from it.
	LastSeq int64 `json:"last_seq"`
	// NewNotes counts the notes sent during this catch-up.
	NewNotes int `json:"new_notes"`
	// Sessions counts the session messages sent during this catch-up.
	Sessions int `json:"sessions"`
	// Cursor and Changes, on meeting channels only: the cursor to resume
	// from, and how many outcome and action changes the catch-up sent.
	Cursor  string `json:"cursor,omitempty"`
	Changes *int   `json:"changes,omitempty"`
}

type unsubscribedMsg struct {
	Type    string `json:"type"`
	Ref     string `json:"ref,omitempty"`
	Channel string `json:"channel"`
}

type noteMsg struct {
	Type    string           `json:"type"`
	Channel string           `json:"channel"`
	Note    *conference.Note `json:"note"`
}

type sessionMsg struct {
	Type    string              `json:"type"`
	Channel string              `json:"channel"`
	Session *conference.Session `json:"session"`
}

type sessionDeletedMsg struct {
	Type      string `json:"type"`
	Channel   string `json:"channel"`
	SessionID string `json:"session_id"`
}

type ackMsg struct {
	Type      string `json:"type"`
	Ref       string `json:"ref,omitempty"`
	SessionID string `json:"session_id"`
	ClientID  string `json:"client_id"`
	Seq       int64  `json:"seq"`
	// Created is false when the note was already stored by an earlier try.
	Created bool `json:"created"`
}

type errorMsg struct {
	Type      string `json:"type"`
	Ref       string `json:"ref,omitempty"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	Channel   string `json:"channel,omitempty"`
	SessionID string `json:"session_id,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
}

type pongMsg struct {
	Type string `json:"type"`
	Ref  string `json:"ref,omitempty"`
}

// encode marshals a server message. Every message type is a plain struct of
// strings, numbers and domain values, so marshalling cannot fail; a failure
// is a programming error.
func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("live: encode " + err.Error())
	}
	return b
}
