package conference

import "context"

// AgendaSheet is a meeting's agenda as printed or put into a calendar: the
// sessions in order with the names of their topics, chairs and
// rapporteurs, so that a renderer needs nothing else. The agenda carries no
// marking: every signed-in reader reads all of it, as on the agenda page.
type AgendaSheet struct {
	Meeting  *Meeting
	Sessions []*Session
	Topics   map[string]string // topic id → title
	People   map[string]string // user id → name, for chairs and rapporteurs
}

// MeetingAgendaSheet returns the meeting's agenda sheet for actor.
func (s *Service) MeetingAgendaSheet(ctx context.Context, actor *User, meetingID string) (*AgendaSheet, error) {
	m, err := s.Meeting(ctx, actor, meetingID)
	if err != nil {
		return nil, err
	}
	sessions, err := s.Agenda(ctx, actor, meetingID)
	if err != nil {
		return nil, err
	}
	a := &AgendaSheet{Meeting: m, Sessions: sessions, Topics: map[string]string{}, People: map[string]string{}}
	s.read(func(st *state) {
		for _, se := range sessions {
			for _, id := range se.Topics {
				if t := st.topics[id]; t != nil {
					a.Topics[id] = t.Title
				}
			}
			for _, id := range append([]string{se.Chair}, se.Rapporteurs...) {
				if u := st.users[id]; u != nil {
					a.People[id] = u.Name
				}
			}
		}
	})
	return a, nil
}
