package live

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/livetest"
)

// memStore is an in-memory conference.Store: the hub's tests need the
// Service's rules, not persistence (cmd/quintet's tests run the real store).
type memStore struct {
	mu   sync.Mutex
	snap conference.Snapshot
}

func (m *memStore) Load(context.Context) (*conference.Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.snap
	return &s, nil
}
func (m *memStore) Insert(context.Context, conference.Collection, any) error { return nil }
func (m *memStore) Replace(context.Context, conference.Collection, string, any) error {
	return nil
}
func (m *memStore) Delete(context.Context, conference.Collection, string) error { return nil }
func (m *memStore) Get(context.Context, conference.Collection, string, any) (bool, error) {
	return false, nil
}
func (m *memStore) NotesAfter(context.Context, string, int64) ([]conference.Note, error) {
	return nil, nil
}

type plainHasher struct{}

func (plainHasher) Hash(pw string) (string, error) { return "plain:" + pw, nil }
func (plainHasher) Verify(h, pw string) bool       { return h == "plain:"+pw }

// fixture is a Service with one meeting, a live session s1 (rapporteur rap),
// a scheduled session s2, and one user per clearance, each signed in with
// the secret "secret-<id>".
type fixture struct {
	svc   *conference.Service
	hub   *Hub
	users map[string]*conference.User
	srv   *httptest.Server
	url   string
}

const (
	meetingID = "m1"
	liveID    = "s1"
	laterID   = "s2"
)

func newFixture(t testing.TB, opts Options) *fixture {
	t.Helper()
	start := time.Date(2014, 7, 9, 9, 0, 0, 0, time.UTC)
	st := &memStore{}
	st.snap.Delegations = []conference.Delegation{{Code: "GB", Name: "United Kingdom", Agencies: []string{}}}
	st.snap.Meetings = []conference.Meeting{{ID: meetingID, Title: "London 2014", Host: "GB", City: "London",
		TimeZone: "Europe/London", StartDate: "2014-07-09", EndDate: "2014-07-11", Status: conference.MeetingInSession}}
	st.snap.Sessions = []conference.Session{
		{ID: liveID, MeetingID: meetingID, Title: "Opening", Start: start, End: start.Add(time.Hour),
			Rapporteurs: []string{"rap"}, Status: conference.SessionLive, Version: 1},
		{ID: laterID, MeetingID: meetingID, Title: "Cyberbullying", Start: start.Add(2 * time.Hour), End: start.Add(3 * time.Hour),
			Rapporteurs: []string{"rap"}, Status: conference.SessionScheduled, Version: 1},
	}
	roles := map[string][]conference.Role{
		"admin": {conference.RoleAdmin},
		"rap":   {conference.RoleRapporteur},
		"obs":   {conference.RoleObserver},
		"del":   {conference.RoleDelegate},
		"head":  {conference.RoleHead},
	}
	for id, r := range roles {
		u := conference.User{ID: id, Email: id + "@example.org", Name: id, Roles: r}
		if id == "del" || id == "head" {
			u.Delegation = "GB"
		}
		st.snap.Users = append(st.snap.Users, u)
		st.snap.Logins = append(st.snap.Logins, conference.Login{ID: conference.HashSecret("secret-" + id), UserID: id,
			CreatedAt: time.Now(), LastSeen: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
	}
	svc := conference.NewService(st, plainHasher{})
	if err := svc.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	hub := NewHub(svc, opts)
	svc.OnChange = hub.Changed
	f := &fixture{svc: svc, hub: hub, users: map[string]*conference.User{}}
	for id := range roles {
		u, err := svc.LoginUser(context.Background(), "secret-"+id)
		if err != nil {
			t.Fatal(err)
		}
		f.users[id] = u
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret := r.Header.Get("X-Secret")
		u, err := svc.LoginUser(r.Context(), secret)
		if err != nil {
			http.Error(w, "sign in", http.StatusUnauthorized)
			return
		}
		hub.Serve(w, r, u, secret)
	}))
	f.url = "ws" + strings.TrimPrefix(f.srv.URL, "http")
	t.Cleanup(func() {
		f.srv.Close()
		hub.Close()
	})
	return f
}

// msg is any server message, decoded loosely.
type msg = livetest.Msg

// client reads the hub's messages one at a time (see livetest.Client) and
// subscribes as these tests expect.
type client struct{ *livetest.Client }

func (f *fixture) dial(t *testing.T, user string) *client {
	t.Helper()
	c := f.dialRaw(t, user)
	c.ExpectHello()
	return c
}

// dialRaw connects as user and leaves the hello unread.
func (f *fixture) dialRaw(t *testing.T, user string) *client {
	t.Helper()
	h := http.Header{"X-Secret": {"secret-" + user}}
	ws, _, err := livetest.Dial(f.url, h)
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	c := &client{&livetest.Client{T: t, WS: ws, Wait: 10 * time.Second}}
	t.Cleanup(func() { ws.Close() })
	return c
}

func (c *client) subscribe(channel string, after int64) (caughtUp msg, notes []msg) {
	c.T.Helper()
	m, before := c.Subscribe(channel, after)
	if len(before) == 0 || before[0].Type != typeSubscribed {
		c.T.Fatalf("catch-up began with %+v, want subscribed", before)
	}
	for _, b := range before {
		if b.Type == typeNote {
			notes = append(notes, b)
		}
	}
	return m, notes
}

// meetingCursors subscribes each user to the meeting's channel once, reads
// to caught up and hangs up: the cursors a reconnect resumes from.
func (f *fixture) meetingCursors(t *testing.T, users ...string) map[string]string {
	t.Helper()
	cursors := map[string]string{}
	for _, u := range users {
		c := f.dial(t, u)
		c.subscribeMeeting("")
		done, _ := c.Until(typeCaughtUp)
		cursors[u] = done.Cursor
		c.WS.Close()
	}
	return cursors
}
