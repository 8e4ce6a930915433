package config_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/quintet-ag/quintet/config"
	"github.com/quintet-ag/quintet/internal/conference"
)

// decodeStrict decodes one seed file into v, refusing unknown fields.
func decodeStrict(t *testing.T, name string, v any) {
	t.Helper()
	b, err := fs.ReadFile(config.Seed, "seed/"+name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestSeedFilesHoldOnlyTheirOwnKind(t *testing.T) {
	names, err := fs.Glob(config.Seed, "seed/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(names), 4; got != want {
		t.Fatalf("seed files=%v, want %d", names, want)
	}
	var d struct {
		Delegations []conference.Delegation `json:"delegations"`
	}
	var tp struct {
		Topics []conference.Topic `json:"topics"`
	}
	var m struct {
		Meetings []conference.Meeting `json:"meetings"`
	}
	var s struct {
		Sessions []conference.Session `json:"sessions"`
	}
	decodeStrict(t, "delegations.json", &d)
	decodeStrict(t, "topics.json", &tp)
	decodeStrict(t, "meetings.json", &m)
	decodeStrict(t, "sessions.json", &s)
	if len(d.Delegations) == 0 || len(tp.Topics) == 0 || len(m.Meetings) == 0 || len(s.Sessions) == 0 {
		t.Fatal("a seed file is empty")
	}
}

func mustLoad(t *testing.T) conference.SeedData {
	t.Helper()
	data, err := config.LoadSeed(config.Seed)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// validKeys fails t for each seeded value that Validate refuses, naming it
// by kind and key, and returns the keys in the seed's order.
func validKeys[T any, P interface {
	*T
	Validate() error
}](t *testing.T, kind string, xs []T, key func(P) string) []string {
	t.Helper()
	keys := make([]string, 0, len(xs))
	for i := range xs {
		x := P(&xs[i])
		if err := x.Validate(); err != nil {
			t.Errorf("%s %s: %v", kind, key(x), err)
		}
		keys = append(keys, key(x))
	}
	return keys
}

func TestSeedDelegations(t *testing.T) {
	data := mustLoad(t)
	codes := validKeys(t, "delegation", data.Delegations, func(d *conference.Delegation) string { return d.Code })
	for _, d := range data.Delegations {
		if len(d.Agencies) == 0 {
			t.Errorf("delegation %s has no agencies", d.Code)
		}
	}
	if got, want := codes, []string{"AU", "CA", "GB", "NZ", "US"}; !slices.Equal(got, want) {
		t.Fatalf("delegations=%v, want %v", got, want)
	}
	gb := data.Delegations[2]
	for _, a := range []string{"National Crime Agency", "Crown Prosecution Service", "Attorney General's Office"} {
		if !slices.Contains(gb.Agencies, a) {
			t.Errorf("GB agencies=%v, want %q among them", gb.Agencies, a)
		}
	}
}

func TestSeedTopics(t *testing.T) {
	data := mustLoad(t)
	ids := validKeys(t, "topic", data.Topics, func(tp *conference.Topic) string { return tp.ID })
	for _, tp := range data.Topics {
		if tp.ID != tp.Slug {
			t.Errorf("topic id %q differs from its slug %q", tp.ID, tp.Slug)
		}
		if strings.TrimSpace(tp.Description) == "" {
			t.Errorf("topic %s has no description", tp.ID)
		}
	}
	want := []string{
		"freedom-of-expression-social-media-contempt",
		"privacy-information-sharing",
		"cyberbullying",
		"international-cooperation",
		"building-international-capability",
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("topics=%v, want %v", ids, want)
	}
	// The register and its emphasis are the product's reason to exist.
	last := data.Topics[4].Description
	for _, w := range []string{"register", "prosecutors", "judiciary"} {
		if !strings.Contains(last, w) {
			t.Errorf("capability topic description does not mention %q", w)
		}
	}
}

func TestSeedMeeting(t *testing.T) {
	data := mustLoad(t)
	if got, want := len(data.Meetings), 1; got != want {
		t.Fatalf("meetings=%d, want %d", got, want)
	}
	m := data.Meetings[0]
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.ID != "london-2014" || m.Host != "GB" || m.TimeZone != "Europe/London" ||
		m.StartDate != "2014-07-09" || m.EndDate != "2014-07-11" || m.Status != conference.MeetingClosed {
		t.Fatalf("meeting=%+v, want london-2014 hosted by GB in Europe/London, 9 to 11 July 2014, closed", m)
	}
	if got, want := m.Delegations, []string{"AU", "CA", "GB", "NZ", "US"}; !slices.Equal(got, want) {
		t.Errorf("meeting delegations=%v, want %v", got, want)
	}
	var topics []string
	for _, tp := range data.Topics {
		topics = append(topics, tp.ID)
	}
	if !slices.Equal(m.Topics, topics) {
		t.Errorf("meeting topics=%v, want %v", m.Topics, topics)
	}
}

func TestSeedSessions(t *testing.T) {
	data := mustLoad(t)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2014, 7, 9, 0, 0, 0, 0, london)
	until := time.Date(2014, 7, 12, 0, 0, 0, 0, london)
	topics := map[string]bool{}
	for _, tp := range data.Topics {
		topics[tp.ID] = true
	}
	covered := map[string]bool{}
	ids := map[string]bool{}
	if n := len(data.Sessions); n < 10 || n > 12 {
		t.Errorf("sessions=%d, want 10 to 12", n)
	}
	var prev *conference.Session
	for i := range data.Sessions {
		s := &data.Sessions[i]
		if err := s.Validate(); err != nil {
			t.Errorf("session %s: %v", s.ID, err)
		}
		if ids[s.ID] {
			t.Errorf("session id %s is used twice", s.ID)
		}
		ids[s.ID] = true
		if s.MeetingID != "london-2014" || !strings.HasPrefix(s.ID, s.MeetingID+"-") {
			t.Errorf("session %s: meeting_id=%q, want london-2014 and the id to start with it", s.ID, s.MeetingID)
		}
		if s.Start.Before(from) || s.End.After(until) {
			t.Errorf("session %s: %v to %v is outside 9 to 11 July 2014 in London", s.ID, s.Start, s.End)
		}
		if _, off := s.Start.Zone(); off != 3600 {
			t.Errorf("session %s: start offset %ds, want +01:00 (BST)", s.ID, off)
		}
		if s.Status != conference.SessionScheduled || s.Chair != "" || len(s.Rapporteurs) != 0 {
			t.Errorf("session %s: status=%q chair=%q rapporteurs=%v, want scheduled with no people (no users exist at seed time)",
				s.ID, s.Status, s.Chair, s.Rapporteurs)
		}
		for _, id := range s.Topics {
			if !topics[id] {
				t.Errorf("session %s: unknown topic %q", s.ID, id)
			}
			covered[id] = true
		}
		if prev != nil && s.Start.Before(prev.End) {
			t.Errorf("session %s starts before %s ends; the agenda is in order and sessions do not overlap", s.ID, prev.ID)
		}
		prev = s
	}
	for id := range topics {
		if !covered[id] {
			t.Errorf("no session is about topic %s", id)
		}
	}
	if first, last := data.Sessions[0], data.Sessions[len(data.Sessions)-1]; !strings.HasSuffix(first.ID, "-opening") ||
		!strings.HasSuffix(last.ID, "-closing") {
		t.Errorf("agenda runs from %s to %s, want the opening first and the closing last", first.ID, last.ID)
	}
}

// TestSeedThroughService seeds the data as the server does, so that the
// Service's own reference checks (host, topics, session within the meeting's
// dates) pass too, and seeding twice adds nothing.
func TestSeedThroughService(t *testing.T) {
	data := mustLoad(t)
	svc := conference.NewService(memStore{}, nil)
	ctx := context.Background()
	if err := svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	want := len(data.Delegations) + len(data.Topics) + len(data.Meetings) + len(data.Sessions)
	if got, err := svc.Seed(ctx, data); err != nil {
		t.Fatal(err)
	} else if got != want {
		t.Fatalf("first seed added %d, want %d", got, want)
	}
	if got, err := svc.Seed(ctx, data); err != nil {
		t.Fatal(err)
	} else if got != 0 {
		t.Fatalf("second seed added %d, want 0", got)
	}
}

func TestLoadSeedRejectsUnknownFields(t *testing.T) {
	fsys := fstest.MapFS{
		"seed/topics.json": {Data: []byte(`{"topics": [{"id": "x", "slug": "x", "titel": "typo"}]}`)},
	}
	if _, err := config.LoadSeed(fsys); err == nil || !strings.Contains(err.Error(), "titel") {
		t.Fatalf("err=%v, want an error naming the unknown field", err)
	}
}

// memStore is the smallest conference.Store: it starts empty and accepts
// every write.
type memStore struct{}

func (memStore) Load(context.Context) (*conference.Snapshot, error) {
	return &conference.Snapshot{}, nil
}
func (memStore) Insert(context.Context, conference.Collection, any) error          { return nil }
func (memStore) Replace(context.Context, conference.Collection, string, any) error { return nil }
func (memStore) Delete(context.Context, conference.Collection, string) error       { return nil }
func (memStore) Get(context.Context, conference.Collection, string, any) (bool, error) {
	return false, nil
}
func (memStore) NotesAfter(context.Context, string, int64) ([]conference.Note, error) {
	return nil, nil
}
