package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/livetest"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// These helpers run the real server through run(), on the embedded store in a
// temporary directory, and talk to it as a browser or script would: REST for
// sign-in and set-up, gorilla's Dialer for the live endpoint.

type liveServer struct {
	t       testing.TB
	base    string // http://127.0.0.1:<port>
	origin  string // the allowed origin: the same
	srv     *apiServer
	log     *apiBuffer
	admin   *liveUser
	meeting string
	// sessions counts the sessions this test created, to give each its own slot.
	sessions int
}

type liveUser struct {
	ID       string
	Email    string
	Password string
	Cookie   string     // value of the login cookie, as login set it
	c        *apiClient // the browser that signed in
}

const testPassword = "correct horse battery staple"

// startLiveServer opens an account for the secretariat through the command
// line, then serves on a free loopback port until the test ends.
func startLiveServer(t testing.TB) *liveServer {
	t.Helper()
	return startLiveServerWith(t, nil)
}

// startLiveServerWith runs before(cli) before serving, where cli runs a
// command of the quintet program (stdin, then arguments) and returns its
// standard output: for accounts and tokens made on the command line.
func startLiveServerWith(t testing.TB, before func(cli func(stdin string, args ...string) string)) *liveServer {
	t.Helper()
	dir := storetest.DataDir(t)
	// The live tests wait for events of the info log.
	extra := map[string]string{"QUINTET_LOG_LEVEL": "info"}
	mustAPICLI(t, dir, extra, testPassword+"\n", "user", "add", "--email", "admin@example.org", "--name", "Secretariat", "--role", "admin")
	if before != nil {
		before(func(stdin string, args ...string) string { return mustAPICLI(t, dir, extra, stdin, args...) })
	}
	srv := startAPIServer(t, dir, extra)
	s := &liveServer{t: t, srv: srv, log: srv.Stderr, base: srv.URL, origin: srv.URL}
	t.Cleanup(s.closeIdleConnections)

	s.admin = &liveUser{Email: "admin@example.org", Password: testPassword}
	s.login(s.admin)
	var meetings []conference.Meeting
	s.admin.c.get(t, "/api/v1/meetings").want(t, http.StatusOK).decode(t, &meetings)
	if len(meetings) == 0 {
		t.Fatal("the seed holds no meeting")
	}
	s.meeting = meetings[0].ID
	return s
}

// stop stops the server; it may be called more than once.
func (s *liveServer) stop() {
	if err := s.srv.Stop(); err != nil {
		s.t.Errorf("run: %v", err)
	}
	s.closeIdleConnections()
}

// closeIdleConnections closes the kept-alive connections of the clients,
// which share one transport, so that their goroutines end.
func (s *liveServer) closeIdleConnections() { s.srv.client().hc.CloseIdleConnections() }

// login signs u in through a browser of its own and keeps its cookie.
func (s *liveServer) login(u *liveUser) {
	s.t.Helper()
	u.c = s.srv.client()
	var me struct {
		User conference.User `json:"user"`
	}
	u.c.post(s.t, "/api/v1/login", map[string]string{"email": u.Email, "password": u.Password}).
		want(s.t, http.StatusOK).decode(s.t, &me)
	u.ID = me.User.ID
	if u.Cookie = u.c.cookie(); u.Cookie == "" {
		s.t.Fatal("login set no cookie")
	}
}

// addUser opens an account through the API and signs it in.
func (s *liveServer) addUser(name string, delegation string, roles ...conference.Role) *liveUser {
	s.t.Helper()
	u := &liveUser{Email: name + "@example.org", Password: testPassword}
	s.admin.c.post(s.t, "/api/v1/users", conference.UserInput{Email: u.Email, Name: name, Roles: roles,
		Delegation: delegation, Password: testPassword}).want(s.t, http.StatusCreated)
	s.login(u)
	return u
}

// liveSession adds a session to the meeting with these rapporteurs and starts it.
func (s *liveServer) liveSession(rapporteurs ...*liveUser) string {
	s.t.Helper()
	s.sessions++
	// London 2014 runs 9–11 July; each test session gets its own ten minutes.
	start := time.Date(2014, 7, 10, 8, 0, 0, 0, time.UTC).Add(time.Duration(s.sessions) * 10 * time.Minute)
	in := conference.SessionInput{Title: fmt.Sprintf("Live test %d", s.sessions), Start: start, End: start.Add(10 * time.Minute), Room: "Room 1"}
	for _, r := range rapporteurs {
		in.Rapporteurs = append(in.Rapporteurs, r.ID)
	}
	var se conference.Session
	s.admin.c.post(s.t, "/api/v1/meetings/"+s.meeting+"/sessions", in).want(s.t, http.StatusCreated).decode(s.t, &se)
	s.admin.c.post(s.t, "/api/v1/sessions/"+se.ID+"/start", nil).want(s.t, http.StatusOK)
	return se.ID
}

// postNote posts over REST and returns the stored note.
func (s *liveServer) postNote(u *liveUser, sessionID, clientID, text string, m conference.Marking) *conference.Note {
	s.t.Helper()
	var n conference.Note
	r := u.c.post(s.t, "/api/v1/sessions/"+sessionID+"/notes", conference.NoteInput{ClientID: clientID, Text: text, Marking: m})
	if r.Status != http.StatusCreated && r.Status != http.StatusOK {
		s.t.Fatalf("post note %s: status %d", clientID, r.Status)
	}
	r.decode(s.t, &n)
	return &n
}

func (s *liveServer) wsURL() string {
	return "ws" + strings.TrimPrefix(s.base, "http") + livetest.Path
}

// dialHeader opens the live endpoint with these headers; it returns the
// connection (nil when refused) and the handshake's HTTP status.
func (s *liveServer) dialHeader(h http.Header) (*websocket.Conn, int, error) {
	return livetest.Dial(s.wsURL(), h)
}

// dial connects as u, the way a browser on the allowed origin does.
func (s *liveServer) dial(u *liveUser) *wsClient {
	s.t.Helper()
	h := http.Header{"Origin": {s.origin}, "Cookie": {"quintet_login=" + u.Cookie}}
	ws, status, err := s.dialHeader(h)
	if err != nil {
		s.t.Fatalf("dial as %s: %v (status %d)", u.Email, err, status)
	}
	c := newWSClient(s.t, ws)
	s.t.Cleanup(func() { ws.Close() })
	c.ExpectHello()
	return c
}

// wsMsg is any server message, decoded loosely.
type wsMsg = livetest.Msg

// wsClient reads the server's messages one at a time (see livetest.Client)
// and subscribes as these tests expect.
type wsClient struct{ *livetest.Client }

// newWSClient reads ws for t, waiting up to 20 s for each message: the real
// server runs with the race detector, on machines shared with other tests.
func newWSClient(t testing.TB, ws *websocket.Conn) *wsClient {
	return &wsClient{&livetest.Client{T: t, WS: ws, Wait: 20 * time.Second}}
}

// subscribe follows a channel from seq after and returns the catch-up's notes
// and its caught_up message.
func (c *wsClient) subscribe(channel string, after int64) (wsMsg, []*livetest.Note) {
	c.T.Helper()
	caught, before := c.Subscribe(channel, after)
	var notes []*livetest.Note
	for _, m := range before {
		switch m.Type {
		case "note":
			notes = append(notes, m.Note)
		case "error":
			c.T.Fatalf("subscribe %s: %s", channel, m.Message)
		}
	}
	return caught, notes
}
