package conference

import (
	"cmp"
	"context"
	"fmt"
)

// SeedData is the first data set: delegations, topics, meetings and their
// sessions, with stable ids so that loading it twice changes nothing.
type SeedData struct {
	Delegations []Delegation `json:"delegations"`
	Topics      []Topic      `json:"topics"`
	Meetings    []Meeting    `json:"meetings"`
	Sessions    []Session    `json:"sessions"`
}

// Seed adds whatever of data is not there yet, validated as any other write.
// It reports how many documents it added.
func (s *Service) Seed(ctx context.Context, data SeedData) (int, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	added := 0
	seeds := []func() (int, error){
		func() (int, error) {
			return seedEach(ctx, s, Delegations, "delegation", data.Delegations, func(d *Delegation) {
				d.Agencies = nonNil(d.Agencies)
			}, nil)
		},
		func() (int, error) {
			return seedEach(ctx, s, Topics, "topic", data.Topics, func(*Topic) {}, nil)
		},
		func() (int, error) {
			return seedEach(ctx, s, Meetings, "meeting", data.Meetings, func(m *Meeting) {
				m.Delegations, m.Topics = nonNil(m.Delegations), nonNil(m.Topics)
				m.Status, m.History = "", nonNil(m.History) // derived on read; see Meeting.StatusAt
			}, (*state).checkMeetingRefs)
		},
		func() (int, error) {
			return seedEach(ctx, s, Sessions, "session", data.Sessions, func(se *Session) {
				se.Start, se.End = utcMillis(se.Start), utcMillis(se.End)
				se.Rapporteurs, se.Topics = nonNil(se.Rapporteurs), nonNil(se.Topics)
				se.Status = cmp.Or(se.Status, SessionScheduled)
				se.Version = cmp.Or(se.Version, 1)
			}, func(st *state, se *Session) error {
				// A seeded session past midnight is meant; one outside
				// the meeting's dates is a mistake in the seed.
				return st.checkSession(se, timesMeant{overnight: true})
			})
		},
	}
	for _, seed := range seeds {
		n, err := seed()
		added += n
		if err != nil {
			return added, err
		}
	}
	return added, nil
}

// seedEach adds each of docs, stored in c, that is not there yet: prepare
// fills in its defaults, then it is checked as any write is, on its own and
// (check, when not nil) against the working set. what names the kind in
// errors.
func seedEach[T any, P editable[T]](ctx context.Context, s *Service, c Collection, what string, docs []T,
	prepare func(*T), check func(st *state, v *T) error) (int, error) {
	added := 0
	for i := range docs {
		v := docs[i]
		prepare(&v)
		if err := judge[T, P](s, &v, check); err != nil {
			return added, fmt.Errorf("seed %s %s: %w", what, P(&v).key(), err)
		}
		n, err := s.seedOne(ctx, c, P(&v).key(), &v)
		if err != nil {
			return added, err
		}
		added += n
	}
	return added, nil
}

// seedOne inserts doc unless a document with its id exists already.
func (s *Service) seedOne(ctx context.Context, c Collection, id string, doc any) (int, error) {
	if s.has(c, id) {
		return 0, nil
	}
	defaultVersion(doc)
	if err := s.insert(ctx, c, id, doc); err != nil {
		return 0, fmt.Errorf("seed %s %s: %w", c, id, err)
	}
	return 1, nil
}

func (s *Service) has(c Collection, id string) bool {
	var ok bool
	s.read(func(st *state) {
		switch c {
		case Delegations:
			ok = st.delegations[id] != nil
		case Topics:
			ok = st.topics[id] != nil
		case Meetings:
			ok = st.meetings[id] != nil
		case Sessions:
			ok = st.sessions[id] != nil
		}
	})
	return ok
}
