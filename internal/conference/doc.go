// Package conference owns Quintet's domain: the vocabulary of DESIGN.md as types
// with their validation, the permission rules per role and marking, the typed
// errors, and the Service that keeps the working set in memory and writes it
// through to a Store.
//
// It imports only the standard library. Adapters (the MongoDB store, the HTTP
// API, the live hub) import this package; it never imports them.
//
// # Where to start
//
// Read service.go first: Service, NewService and Load, then the one write
// path: a Service method checks the actor and the rules, writes to the Store
// (insert, replace, delete), and then hands the stored change to Apply, the
// only function that changes the working set (state.go) and that tells
// OnChange; changes another instance stored arrive through Apply too. Then
// access.go, the one table of who may do what to which thing; every Service
// method asks it.
//
// # The files
//
// One file per word of the vocabulary, each holding the type, its Validate,
// its rules and its Service methods:
//
//   - meeting.go, session.go, topic.go, delegation.go: the agenda, and the
//     delegations (with their calendar feed).
//   - note.go: a session's live record; outcome.go and action.go: what a
//     session concluded and the work that follows from it.
//   - register_entry.go: one activity of the register; register.go lists and
//     filters the register, coverage.go counts it by topic and delegation;
//     register_import.go reads its CSV form (writing it is internal/export's;
//     export_reads.go holds what the export needs from here).
//   - link.go: links from topics, notes, outcomes and actions to entries, and
//     the backlinks an entry shows.
//   - user.go and marking.go: accounts, roles and clearances; login.go: the
//     browser's logins, personal API tokens and the first start.
//   - board.go: the action board, a delegation's actions and its progress;
//     record.go: the meeting record and the actions carried over.
//   - search.go: who finds what, and how a hit is shown; search_index.go feeds
//     the engine, internal/textindex, which knows nothing of Quintet.
//
// The working set: state.go holds one state; the indexes it keeps beside the
// documents are the index_*.go files. Shared plumbing: errors.go (the typed
// errors), text.go and validate.go (the checks Validate methods share),
// store.go (the Store and its collections), seed.go (demo and first data).
package conference
