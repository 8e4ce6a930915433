package conference

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP adapter maps each to one status; nothing else does.
const (
	EINVALID      = "invalid"       // the input breaks a rule
	ENOTFOUND     = "not_found"     // no such thing, or the reader may not know it exists
	ECONFLICT     = "conflict"      // the thing's state refuses the request
	ESTALE        = "stale_version" // the version sent is not the current one
	EDUPLICATE    = "duplicate"     // a unique key (email, slug, code, id…) is taken
	EUNAUTHORIZED = "unauthorized"  // not signed in, or bad credentials
	EFORBIDDEN    = "forbidden"     // signed in, but the role does not allow it
	ERATELIMITED  = "rate_limited"  // too many attempts
	EINTERNAL     = "internal"      // our fault; details are logged, never shown
	// EMISMATCH: a retry's key (an Idempotency-Key, a note's client_id) was
	// used before for a different request.
	EMISMATCH = "idempotency_mismatch"
)

// Error is a domain error: a code, a message meant for the user, and the field
// at fault when there is one.
type Error struct {
	Code    string
	Message string
	Field   string
	// Current carries the current state of the entity on a stale version, so
	// that a client can show what changed.
	Current any
	// Fields lists every field at fault when more than one is known; Field
	// and Message then describe the first.
	Fields []FieldError
}

// FieldError is one field at fault and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not ours.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors say
// only "Internal error." so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
