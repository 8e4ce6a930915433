package live

import (
	"encoding/json"

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
	// post
	SessionID string             `json:"session_id,omitempty"`
	ClientID  string             `json:"client_id,omitempty"`
	Text      string             `json:"text,omitempty"`
	Marking   conference.Marking `json:"marking,omitempty"`
	Amends    int64              `json:"amends,omitempty"`
}

// maxRefLength bounds the client's ref, which the server echoes.
const maxRefLength = 100

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
