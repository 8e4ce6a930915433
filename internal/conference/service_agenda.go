package conference

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// ---- Delegations ----

// Delegations returns every delegation by code.
func (s *Service) Delegations(ctx context.Context, actor *User) ([]*Delegation, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var out []*Delegation
	s.read(func(st *state) { out = sortedValues(st.delegations, func(d *Delegation) string { return d.Code }) })
	return out, nil
}

// Delegation returns one delegation.
func (s *Service) Delegation(ctx context.Context, actor *User, code string) (*Delegation, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var d *Delegation
	s.read(func(st *state) { d = st.delegations[code] })
	if d == nil {
		return nil, Errorf(ENOTFOUND, "No delegation %q.", code)
	}
	return d, nil
}

// CreateDelegation adds a party.
func (s *Service) CreateDelegation(ctx context.Context, actor *User, d Delegation) (*Delegation, error) {
	if err := s.requireAgendaEditor(actor); err != nil {
		return nil, err
	}
	d.Code = strings.ToUpper(strings.TrimSpace(d.Code))
	d.Agencies = nonNil(d.Agencies)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var exists bool
	s.read(func(st *state) { exists = st.delegations[d.Code] != nil })
	if exists {
		return nil, &Error{Code: ECONFLICT, Field: "code", Message: "Delegation " + d.Code + " already exists."}
	}
	if err := s.insert(ctx, Delegations, d.Code, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// DelegationUpdate changes some fields of a delegation; nil fields stay.
type DelegationUpdate struct {
	Name     *string   `json:"name"`
	Agencies *[]string `json:"agencies"`
}

func (s *Service) UpdateDelegation(ctx context.Context, actor *User, code string, upd DelegationUpdate) (*Delegation, error) {
	if err := s.requireAgendaEditor(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.Delegation(ctx, actor, code)
	if err != nil {
		return nil, err
	}
	d := *old
	setIf(&d.Name, upd.Name)
	if upd.Agencies != nil {
		d.Agencies = nonNil(*upd.Agencies)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if err := s.replace(ctx, Delegations, d.Code, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// ---- Topics ----

// Topics returns every topic by title.
func (s *Service) Topics(ctx context.Context, actor *User) ([]*Topic, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var out []*Topic
	s.read(func(st *state) { out = sortedValues(st.topics, func(t *Topic) string { return t.Title }) })
	return out, nil
}

// Topic returns a topic by id or by slug.
func (s *Service) Topic(ctx context.Context, actor *User, idOrSlug string) (*Topic, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var t *Topic
	s.read(func(st *state) { t = st.topicByIDOrSlug(idOrSlug) })
	if t == nil {
		return nil, Errorf(ENOTFOUND, "No topic %q.", idOrSlug)
	}
	return t, nil
}

func (st *state) topicByIDOrSlug(key string) *Topic {
	if t := st.topics[key]; t != nil {
		return t
	}
	for _, t := range st.topics {
		if t.Slug == key {
			return t
		}
	}
	return nil
}

func (s *Service) CreateTopic(ctx context.Context, actor *User, t Topic) (*Topic, error) {
	if err := s.requireAgendaEditor(actor); err != nil {
		return nil, err
	}
	if t.ID == "" {
		t.ID = s.NewID()
	}
	t.Slug = strings.TrimSpace(t.Slug)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.checkSlugFree(t.ID, t.Slug); err != nil {
		return nil, err
	}
	if err := s.insert(ctx, Topics, t.ID, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

func (s *Service) checkSlugFree(id, slug string) error {
	var taken bool
	s.read(func(st *state) {
		for _, other := range st.topics {
			if other.Slug == slug && other.ID != id {
				taken = true
			}
		}
	})
	if taken {
		return &Error{Code: ECONFLICT, Field: "slug", Message: "A topic with slug " + slug + " already exists."}
	}
	return nil
}

// TopicUpdate changes some fields of a topic; nil fields stay.
type TopicUpdate struct {
	Slug        *string `json:"slug"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
}

func (s *Service) UpdateTopic(ctx context.Context, actor *User, id string, upd TopicUpdate) (*Topic, error) {
	if err := s.requireAgendaEditor(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.Topic(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	t := *old
	setIf(&t.Slug, upd.Slug)
	setIf(&t.Title, upd.Title)
	setIf(&t.Description, upd.Description)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkSlugFree(t.ID, t.Slug); err != nil {
		return nil, err
	}
	if err := s.replace(ctx, Topics, t.ID, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// ---- Meetings ----

// Meetings returns every meeting, the most recent first.
func (s *Service) Meetings(ctx context.Context, actor *User) ([]*Meeting, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var out []*Meeting
	s.read(func(st *state) {
		out = sortedValues(st.meetings, func(m *Meeting) string { return m.StartDate })
	})
	slices.Reverse(out)
	return out, nil
}

func (s *Service) Meeting(ctx context.Context, actor *User, id string) (*Meeting, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var m *Meeting
	s.read(func(st *state) { m = st.meetings[id] })
	if m == nil {
		return nil, Errorf(ENOTFOUND, "No meeting %q.", id)
	}
	return m, nil
}

func (s *Service) CreateMeeting(ctx context.Context, actor *User, m Meeting) (*Meeting, error) {
	if err := s.requireAgendaEditor(actor); err != nil {
		return nil, err
	}
	if m.ID == "" {
		m.ID = s.NewID()
	}
	if m.Status == "" {
		m.Status = MeetingPlanned
	}
	m.Delegations = nonNil(m.Delegations)
	m.Topics = nonNil(m.Topics)
	if err := m.Validate(); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var err error
	s.read(func(st *state) {
		if st.meetings[m.ID] != nil {
			err = Errorf(ECONFLICT, "Meeting %s already exists.", m.ID)
			return
		}
		err = st.checkMeetingRefs(&m)
	})
	if err != nil {
		return nil, err
	}
	if err := s.insert(ctx, Meetings, m.ID, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func (st *state) checkMeetingRefs(m *Meeting) error {
	for _, code := range m.Delegations {
		if st.delegations[code] == nil {
			return Invalid("delegations", "unknown delegation %q", code)
		}
	}
	if st.delegations[m.Host] == nil {
		return Invalid("host", "unknown delegation %q", m.Host)
	}
	if hasDuplicates(m.Delegations) {
		return Invalid("delegations", "a delegation is listed twice")
	}
	if hasDuplicates(m.Topics) {
		return Invalid("topics", "a topic is listed twice")
	}
	for _, id := range m.Topics {
		if st.topics[id] == nil {
			return Invalid("topics", "unknown topic %q", id)
		}
	}
	return nil
}

// MeetingUpdate changes some fields of a meeting; nil fields stay.
type MeetingUpdate struct {
	Title       *string        `json:"title"`
	Host        *string        `json:"host"`
	City        *string        `json:"city"`
	Venue       *string        `json:"venue"`
	TimeZone    *string        `json:"time_zone"`
	StartDate   *string        `json:"start_date"`
	EndDate     *string        `json:"end_date"`
	Status      *MeetingStatus `json:"status"`
	Delegations *[]string      `json:"delegations"`
	Topics      *[]string      `json:"topics"`
}

func (s *Service) UpdateMeeting(ctx context.Context, actor *User, id string, upd MeetingUpdate) (*Meeting, error) {
	if err := s.requireAgendaEditor(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.Meeting(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	m := *old
	setIf(&m.Title, upd.Title)
	setIf(&m.Host, upd.Host)
	setIf(&m.City, upd.City)
	setIf(&m.Venue, upd.Venue)
	setIf(&m.TimeZone, upd.TimeZone)
	setIf(&m.StartDate, upd.StartDate)
	setIf(&m.EndDate, upd.EndDate)
	setIf(&m.Status, upd.Status)
	if upd.Delegations != nil {
		m.Delegations = nonNil(*upd.Delegations)
	}
	if upd.Topics != nil {
		m.Topics = nonNil(*upd.Topics)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	s.read(func(st *state) {
		if err = st.checkMeetingRefs(&m); err != nil {
			return
		}
		from, until := m.Span()
		for _, se := range st.sessionsByMeeting[m.ID] {
			if se.Start.Before(from) || se.End.After(until) {
				err = Invalid("start_date", "session %q would fall outside the meeting's new dates; move it first", se.Title)
				return
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if err := s.replace(ctx, Meetings, m.ID, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ---- Sessions ----

// Agenda returns a meeting's sessions in agenda order (by start).
func (s *Service) Agenda(ctx context.Context, actor *User, meetingID string) ([]*Session, error) {
	if _, err := s.Meeting(ctx, actor, meetingID); err != nil {
		return nil, err
	}
	var out []*Session
	s.read(func(st *state) { out = st.sessionsByMeeting[meetingID] })
	if out == nil {
		out = []*Session{}
	}
	return out, nil
}

func (s *Service) Session(ctx context.Context, actor *User, id string) (*Session, error) {
	if err := requireActor(actor); err != nil {
		return nil, err
	}
	var se *Session
	s.read(func(st *state) { se = st.sessions[id] })
	if se == nil {
		return nil, Errorf(ENOTFOUND, "No session %q.", id)
	}
	return se, nil
}

// SessionInput is what the secretariat gives to add a session.
type SessionInput struct {
	Title       string    `json:"title"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Room        string    `json:"room"`
	Chair       string    `json:"chair"`
	Rapporteurs []string  `json:"rapporteurs"`
	Topics      []string  `json:"topics"`
}

func (s *Service) CreateSession(ctx context.Context, actor *User, meetingID string, in SessionInput) (*Session, error) {
	if err := s.requireAgendaEditor(actor); err != nil {
		return nil, err
	}
	se := Session{
		ID:          s.NewID(),
		MeetingID:   meetingID,
		Title:       strings.TrimSpace(in.Title),
		Start:       utcMillis(in.Start),
		End:         utcMillis(in.End),
		Room:        strings.TrimSpace(in.Room),
		Chair:       in.Chair,
		Rapporteurs: nonNil(in.Rapporteurs),
		Topics:      nonNil(in.Topics),
		Status:      SessionScheduled,
		Version:     1,
	}
	if err := se.Validate(); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var err error
	s.read(func(st *state) { err = st.checkSessionRefs(&se) })
	if err != nil {
		return nil, err
	}
	if err := s.insert(ctx, Sessions, se.ID, &se); err != nil {
		return nil, err
	}
	return &se, nil
}

func (st *state) checkSessionRefs(se *Session) error {
	m := st.meetings[se.MeetingID]
	if m == nil {
		return Errorf(ENOTFOUND, "No meeting %q.", se.MeetingID)
	}
	from, until := m.Span()
	if se.Start.Before(from) || se.End.After(until) {
		return Invalid("start", "the session must fall within the meeting's dates, %s to %s (%s)",
			m.StartDate, m.EndDate, m.TimeZone)
	}
	for _, id := range se.Topics {
		if st.topics[id] == nil {
			return Invalid("topics", "unknown topic %q", id)
		}
	}
	if se.Chair != "" && st.users[se.Chair] == nil {
		return Invalid("chair", "unknown user %q", se.Chair)
	}
	for _, id := range se.Rapporteurs {
		u := st.users[id]
		if u == nil {
			return Invalid("rapporteurs", "unknown user %q", id)
		}
		if !u.Has(RoleRapporteur) {
			return Invalid("rapporteurs", "%s does not hold the rapporteur role", u.Name)
		}
	}
	return nil
}

// SessionUpdate changes some fields of a session; nil fields stay. Version,
// when given, must be the session's current version.
type SessionUpdate struct {
	Title       *string    `json:"title"`
	Start       *time.Time `json:"start"`
	End         *time.Time `json:"end"`
	Room        *string    `json:"room"`
	Chair       *string    `json:"chair"`
	Rapporteurs *[]string  `json:"rapporteurs"`
	Topics      *[]string  `json:"topics"`
	Version     *int64     `json:"version"`
}

func (s *Service) UpdateSession(ctx context.Context, actor *User, id string, upd SessionUpdate) (*Session, error) {
	if err := s.requireAgendaEditor(actor); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.Session(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if upd.Version != nil && *upd.Version != old.Version {
		return nil, &Error{Code: ECONFLICT, Field: "version", Current: old,
			Message: "The session was changed by someone else; review the current version and save again."}
	}
	se := *old
	if upd.Title != nil {
		se.Title = strings.TrimSpace(*upd.Title)
	}
	if upd.Start != nil {
		se.Start = utcMillis(*upd.Start)
	}
	if upd.End != nil {
		se.End = utcMillis(*upd.End)
	}
	setIf(&se.Room, upd.Room)
	setIf(&se.Chair, upd.Chair)
	if upd.Rapporteurs != nil {
		se.Rapporteurs = nonNil(*upd.Rapporteurs)
	}
	if upd.Topics != nil {
		se.Topics = nonNil(*upd.Topics)
	}
	se.Version++
	if err := se.Validate(); err != nil {
		return nil, err
	}
	s.read(func(st *state) { err = st.checkSessionRefs(&se) })
	if err != nil {
		return nil, err
	}
	if err := s.replace(ctx, Sessions, se.ID, &se); err != nil {
		return nil, err
	}
	return &se, nil
}

// DeleteSession removes a session from the agenda. Only a session that never
// went live may go: once it has a record, it stays.
func (s *Service) DeleteSession(ctx context.Context, actor *User, id string) error {
	if err := s.requireAgendaEditor(actor); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	se, err := s.Session(ctx, actor, id)
	if err != nil {
		return err
	}
	if se.Status != SessionScheduled {
		return Errorf(ECONFLICT, "Session %q is %s; only a scheduled session can be removed.", se.Title, se.Status)
	}
	return s.delete(ctx, Sessions, id)
}

// ---- helpers ----

func (s *Service) requireAgendaEditor(actor *User) error {
	if err := requireActor(actor); err != nil {
		return err
	}
	if !actor.MayEditAgenda() {
		return Errorf(EFORBIDDEN, "Only the secretariat may change the agenda.")
	}
	return nil
}

// sortedValues returns the map's values ordered by key, ties broken by id, so
// that lists come out the same on every call.
func sortedValues[T any](m map[string]*T, key func(*T) string) []*T {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(key(m[a]), key(m[b])), cmp.Compare(a, b)) })
	out := make([]*T, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// nonNil returns a copy of xs, never nil: stored values must not share
// memory with what a caller may change afterwards.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return slices.Clone(xs)
}

// utcMillis is how instants are kept: UTC, to the millisecond BSON stores.
func utcMillis(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
