// Package problem is the shape of every error answer of the HTTP API: a
// problem details object (RFC 9457) with the extension members Quintet's
// clients act on. The HTTP layer and the live endpoint's handshake both
// answer with it, so that a client parses one shape whoever refused it.
package problem

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/quintet-ag/quintet/internal/conference"
)

// MediaType is the Content-Type of every error answer.
const MediaType = "application/problem+json"

// The HTTP layer's own codes, beside the domain's: the domain never sees a
// request's transport.
const (
	ETOOLARGE         = "too_large"
	EMETHOD           = "method_not_allowed"
	EUNAVAILABLE      = "unavailable"
	EUNSUPPORTEDMEDIA = "unsupported_media_type"
)

// Realm is the realm of the WWW-Authenticate challenge of every 401.
const Realm = "quintet"

// Challenge is the WWW-Authenticate value of every 401: a client without
// a browser signs in with a bearer token.
const Challenge = `Bearer realm="` + Realm + `"`

// Details is one error answer. Type, Title and Status are fixed by Code;
// Detail is the message meant for the user.
type Details struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	// Code is Quintet's code for the problem, the last part of Type; clients
	// switch on it.
	Code string `json:"code"`
	// Field names the input at fault, when one is.
	Field string `json:"field,omitempty"`
	// Current is the thing as it stands now, on a stale version.
	Current any `json:"current,omitempty"`
	// Fields names every invalid field of a 400, so that a form can mark
	// them all; it holds at least the one that Field names.
	Fields []conference.FieldError `json:"fields,omitempty"`
	// RequestID is the answer's X-Request-Id, in every 5xx: what to quote
	// to the operator, who finds the log line by it.
	RequestID string `json:"request_id,omitempty"`
}

// RequestIDHeader names the request id on every answer.
const RequestIDHeader = "X-Request-Id"

// TypePrefix begins every problem type URI; the code completes it.
const TypePrefix = "urn:quintet:problem:"

// titles are the short summaries of each code, the same for every
// occurrence (RFC 9457 §3.1.3): what went wrong is the detail's to say.
var titles = map[string]string{
	conference.EINVALID:      "The input breaks a rule",
	conference.ENOTFOUND:     "No such thing",
	conference.ECONFLICT:     "The thing's state refuses this",
	conference.ESTALE:        "Changed meanwhile",
	conference.EDUPLICATE:    "Already taken",
	conference.EUNAUTHORIZED: "Not signed in",
	conference.EFORBIDDEN:    "Not allowed",
	conference.ERATELIMITED:  "Too many requests",
	conference.EINTERNAL:     "Internal error",
	ETOOLARGE:                "The body is too large",
	EMETHOD:                  "Method not allowed",
	EUNAVAILABLE:             "Unavailable for now",
	EUNSUPPORTEDMEDIA:        "Unsupported media type",
}

// Codes lists every code that has a title, for the documentation.
func Codes() []string {
	out := make([]string, 0, len(titles))
	for c := range titles {
		out = append(out, c)
	}
	return out
}

// Type is the problem type URI of a code.
func Type(code string) string { return TypePrefix + code }

// Title is the title of a code; a code without one of its own gets the
// status's reason phrase.
func Title(code string, status int) string {
	if t, ok := titles[code]; ok {
		return t
	}
	return http.StatusText(status)
}

// New returns the problem of a code, a status and a message.
func New(status int, code, detail string) Details {
	return Details{Type: Type(code), Title: Title(code, status), Status: status, Detail: detail, Code: code}
}

// Write answers w with p, and the headers its status calls for.
func Write(w http.ResponseWriter, p Details) {
	if p.Status >= 500 && p.RequestID == "" {
		p.RequestID = w.Header().Get(RequestIDHeader)
	}
	SetHeaders(w.Header(), p.Status)
	b, err := json.Marshal(p)
	if err != nil {
		// Only Current can fail to encode; the problem stands without it.
		p.Current = nil
		b, _ = json.Marshal(p)
	}
	w.WriteHeader(p.Status)
	_, _ = w.Write(b)
}

// DefaultRetryAfter is the Retry-After of a 429 or 503 whose refuser named
// no wait of its own.
const DefaultRetryAfter = 5

// SetHeaders sets the headers an error answer of the status carries: its
// media type, the challenge of a 401, and a Retry-After on a 429 or 503 that
// has none yet.
func SetHeaders(h http.Header, status int) {
	h.Set("Content-Type", MediaType)
	switch status {
	case http.StatusUnauthorized:
		h.Set("WWW-Authenticate", Challenge)
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if h.Get("Retry-After") == "" {
			h.Set("Retry-After", strconv.Itoa(DefaultRetryAfter))
		}
	}
}
