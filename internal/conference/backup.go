package conference

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// Backup returns every stored document as the working set held it at one
// instant, for a backup taken while the service keeps serving.
//
// Why this is consistent while writes go on: memory holds only what the
// store acknowledged, and every change reaches memory through Apply under
// the state's lock, so the working set read under that lock is a state that
// was stored, whole. A write the store acknowledged but memory does not hold
// yet is simply after the instant. What one domain write changes in several
// documents (an outcome and the actions drawn from it) is applied under
// writeMu, and logins and tokens under loginMu; holding both while copying
// keeps such a write from being half in the backup. Notes change one
// document per write, in seq order, so each session's record is a gapless
// prefix. The copy takes pointers only (stored values are never changed in
// place): writers wait for a few milliseconds, not for the encoding.
//
// Committed imports are not kept in memory; their records are read from the
// store afterwards, for the entries the copy holds (an entry is visible only
// once its import was stored, and import records are never removed). The
// entries of an import that never committed are not in the backup: they are
// invisible and would be discarded at the next start anyway.
func (s *Service) Backup(ctx context.Context, actor *User) (*Snapshot, error) {
	if !actor.MayBackUp() {
		return nil, Errorf(EFORBIDDEN, "Only the secretariat may take a backup.")
	}
	s.writeMu.Lock()
	s.loginMu.Lock()
	var snap Snapshot
	s.read(func(st *state) { snap = st.copyAll() })
	s.loginMu.Unlock()
	s.writeMu.Unlock()

	ids := map[string]bool{}
	for _, e := range snap.Register {
		if e.ImportID != "" {
			ids[e.ImportID] = true
		}
	}
	snap.Imports = []Import{}
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		var im Import
		found, err := s.store.Get(ctx, Imports, id, &im)
		if err != nil {
			return nil, fmt.Errorf("back up import %s: %w", id, err)
		}
		if !found {
			return nil, Errorf(EINTERNAL, "the store lacks import %s, which register entries name", id)
		}
		snap.Imports = append(snap.Imports, im)
	}
	return &snap, nil
}

// copyAll copies the working set's documents, ordered by id (notes by
// session and seq), so that two backups of one state are the same file.
func (st *state) copyAll() Snapshot {
	notes := []Note{}
	for _, sid := range slices.Sorted(maps.Keys(st.notes)) {
		for _, n := range st.notes[sid] {
			notes = append(notes, *n)
		}
	}
	return Snapshot{
		Meetings:    copiesByID(st.meetings),
		Delegations: copiesByID(st.delegations),
		Topics:      copiesByID(st.topics),
		Sessions:    copiesByID(st.sessions),
		Users:       copiesByID(st.users),
		Logins:      copiesByID(st.logins),
		Tokens:      copiesByID(st.tokens),
		Notes:       notes,
		Outcomes:    copiesByID(st.outcomes),
		Actions:     copiesByID(st.actions),
		Register:    copiesByID(st.register),
		Links:       copiesByID(st.links),
		Records:     copiesByID(st.records),
	}
}

// copiesByID copies the documents of m, ordered by id.
func copiesByID[T any](m map[string]*T) []T {
	out := make([]T, 0, len(m))
	for _, v := range sortedValues(m, func(*T) string { return "" }) {
		out = append(out, *v)
	}
	return out
}

// Sizes counts the working set's documents by collection, for monitoring.
func (s *Service) Sizes() map[Collection]int {
	out := make(map[Collection]int, len(Collections))
	s.read(func(st *state) {
		notes := 0
		for _, l := range st.notes {
			notes += len(l)
		}
		out[Meetings], out[Delegations], out[Topics] = len(st.meetings), len(st.delegations), len(st.topics)
		out[Sessions], out[Users], out[Logins], out[Tokens] = len(st.sessions), len(st.users), len(st.logins), len(st.tokens)
		out[Notes], out[Outcomes], out[Actions] = notes, len(st.outcomes), len(st.actions)
		out[Register], out[Links], out[Records] = len(st.register), len(st.links), len(st.records)
	})
	return out
}
