package conference

import (
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
	for i := range data.Delegations {
		d := data.Delegations[i]
		d.Agencies = nonNil(d.Agencies)
		if err := d.Validate(); err != nil {
			return added, fmt.Errorf("seed delegation %s: %w", d.Code, err)
		}
		if n, err := s.seedOne(ctx, Delegations, d.Code, &d); err != nil {
			return added, err
		} else {
			added += n
		}
	}
	for i := range data.Topics {
		t := data.Topics[i]
		if err := t.Validate(); err != nil {
			return added, fmt.Errorf("seed topic %s: %w", t.ID, err)
		}
		if n, err := s.seedOne(ctx, Topics, t.ID, &t); err != nil {
			return added, err
		} else {
			added += n
		}
	}
	for i := range data.Meetings {
		m := data.Meetings[i]
		m.Delegations, m.Topics = nonNil(m.Delegations), nonNil(m.Topics)
		if err := m.Validate(); err != nil {
			return added, fmt.Errorf("seed meeting %s: %w", m.ID, err)
		}
		var err error
		s.read(func(st *state) { err = st.checkMeetingRefs(&m) })
		if err != nil {
			return added, fmt.Errorf("seed meeting %s: %w", m.ID, err)
		}
		if n, err := s.seedOne(ctx, Meetings, m.ID, &m); err != nil {
			return added, err
		} else {
			added += n
		}
	}
	for i := range data.Sessions {
		se := data.Sessions[i]
		se.Start, se.End = utcMillis(se.Start), utcMillis(se.End)
		se.Rapporteurs, se.Topics = nonNil(se.Rapporteurs), nonNil(se.Topics)
		if se.Status == "" {
			se.Status = SessionScheduled
		}
		if se.Version == 0 {
			se.Version = 1
		}
		if err := se.Validate(); err != nil {
			return added, fmt.Errorf("seed session %s: %w", se.ID, err)
		}
		var err error
		s.read(func(st *state) { err = st.checkSessionRefs(&se) })
		if err != nil {
			return added, fmt.Errorf("seed session %s: %w", se.ID, err)
		}
		if n, err := s.seedOne(ctx, Sessions, se.ID, &se); err != nil {
			return added, err
		} else {
			added += n
		}
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
