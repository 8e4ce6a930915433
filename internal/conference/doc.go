// Package conference owns Quintet's domain: the vocabulary of DESIGN.md as types
// with their validation, the permission rules per role and marking, the typed
// errors, and the Service that keeps the working set in memory and writes it
// through to a Store.
//
// It imports only the standard library. Adapters (the MongoDB store, the HTTP
// API, the live hub) import this package; it never imports them.
package conference
