package main

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The live endpoint accepts a cookie-authenticated handshake only from an
// allowed origin, exactly; anything else is refused with 403 before the
// upgrade. Scripts with a bearer token need not send an Origin.
func TestLiveOriginAllowList(t *testing.T) {
	var token string
	s := startLiveServerWith(t, func(cli func(string, ...string) string) {
		token = strings.TrimSpace(cli("", "token", "create", "--email", "admin@example.org", "--name", "script"))
	})
	_, portStr, _ := net.SplitHostPort(strings.TrimPrefix(s.base, "http://"))
	port, _ := strconv.Atoi(portStr)
	otherPort := strconv.Itoa(port + 1)
	cookie := "quintet_login=" + s.admin.Cookie

	cases := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"allowed origin", http.Header{"Origin": {s.origin}, "Cookie": {cookie}}, http.StatusSwitchingProtocols},
		{"allowed origin by name", http.Header{"Origin": {"http://localhost:" + portStr}, "Cookie": {cookie}}, http.StatusSwitchingProtocols},
		{"allowed origin, IPv6 loopback", http.Header{"Origin": {"http://[::1]:" + portStr}, "Cookie": {cookie}}, http.StatusSwitchingProtocols},
		{"upper case", http.Header{"Origin": {"http://LOCALHOST:" + portStr}, "Cookie": {cookie}}, http.StatusForbidden},
		{"missing origin", http.Header{"Cookie": {cookie}}, http.StatusForbidden},
		{"null origin", http.Header{"Origin": {"null"}, "Cookie": {cookie}}, http.StatusForbidden},
		{"other host", http.Header{"Origin": {"http://evil.example:" + portStr}, "Cookie": {cookie}}, http.StatusForbidden},
		{"other scheme", http.Header{"Origin": {"https://127.0.0.1:" + portStr}, "Cookie": {cookie}}, http.StatusForbidden},
		{"other port", http.Header{"Origin": {"http://127.0.0.1:" + otherPort}, "Cookie": {cookie}}, http.StatusForbidden},
		{"no port", http.Header{"Origin": {"http://127.0.0.1"}, "Cookie": {cookie}}, http.StatusForbidden},
		{"look-alike port suffix", http.Header{"Origin": {"http://127.0.0.1:" + portStr + ".evil.example"}, "Cookie": {cookie}}, http.StatusForbidden},
		{"look-alike host suffix", http.Header{"Origin": {"http://127.0.0.1.evil.example:" + portStr}, "Cookie": {cookie}}, http.StatusForbidden},
		{"trailing path", http.Header{"Origin": {s.origin + "/"}, "Cookie": {cookie}}, http.StatusForbidden},
		{"user info", http.Header{"Origin": {"http://admin@127.0.0.1:" + portStr}, "Cookie": {cookie}}, http.StatusForbidden},
		{"not signed in", http.Header{"Origin": {s.origin}}, http.StatusUnauthorized},
		{"expired cookie", http.Header{"Origin": {s.origin}, "Cookie": {"quintet_login=nope"}}, http.StatusUnauthorized},
		{"token without origin", http.Header{"Authorization": {"Bearer " + token}}, http.StatusSwitchingProtocols},
		{"token from another origin", http.Header{"Authorization": {"Bearer " + token}, "Origin": {"http://evil.example"}}, http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws, status, err := s.dialHeader(tc.header)
			if status != tc.want {
				t.Fatalf("handshake answered %d (%v), want %d", status, err, tc.want)
			}
			if tc.want != http.StatusSwitchingProtocols {
				if ws != nil {
					ws.Close()
					t.Fatal("upgraded anyway")
				}
				return
			}
			c := newWSClient(t, ws)
			defer ws.Close()
			if m := c.Next(); m.Type != "hello" || m.Clearance != string(conference.MarkingHeads) {
				t.Fatalf("first message %+v, want hello with clearance heads", m)
			}
		})
	}
}

// Revoking access closes the user's sockets with 4001 within 5 seconds:
// signing out, being disabled, a change of role, and the deletion of an API
// token (disabling its user deletes it). Other users' sockets stay open.
func TestLiveRevocationClosesSockets(t *testing.T) {
	var token string
	s := startLiveServerWith(t, func(cli func(string, ...string) string) {
		cli(testPassword+"\n", "user", "add", "--email", "script@example.org", "--name", "Script", "--role", "observer")
		token = strings.TrimSpace(cli("", "token", "create", "--email", "script@example.org"))
	})
	rap := s.addUser("rap", "", conference.RoleRapporteur)
	sid := s.liveSession(rap)
	leaving := s.addUser("leaving", "GB", conference.RoleDelegate)
	disabled := s.addUser("disabled", "GB", conference.RoleDelegate)
	promoted := s.addUser("promoted", "GB", conference.RoleDelegate)
	staying := s.addUser("staying", "GB", conference.RoleHead)
	script := &liveUser{Email: "script@example.org", Password: testPassword}
	s.login(script) // for its id

	open := func(u *liveUser) *wsClient {
		c := s.dial(u)
		c.subscribe("session:"+sid, 0)
		return c
	}
	stay := open(staying)
	// The leaving user is signed in twice (two browsers): signing out ends
	// only the login it is sent with.
	leavingTab := open(leaving)
	other := &liveUser{Email: leaving.Email, Password: testPassword}
	s.login(other)
	leavingOtherLogin := open(other)

	expectClosed := func(what string, c *wsClient, start time.Time) {
		t.Helper()
		if code := c.CloseCode(5 * time.Second); code != 4001 {
			t.Fatalf("%s: closed with %d, want 4001", what, code)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s: closed after %v, want within 5 s", what, d)
		}
		t.Logf("%s: closed %v after the change", what, time.Since(start).Round(time.Millisecond))
	}

	start := time.Now()
	leaving.c.post(t, "/api/v1/logout", nil).want(t, http.StatusNoContent)
	expectClosed("logout", leavingTab, start)
	if got := leavingOtherLogin.Sync(); len(got) != 0 {
		t.Fatalf("the user's other login got %+v", got)
	}

	c := open(disabled)
	start = time.Now()
	s.admin.c.patch(t, "/api/v1/users/"+disabled.ID, map[string]any{"disabled": true, "version": 1}).want(t, http.StatusOK)
	expectClosed("disable", c, start)

	c = open(promoted)
	start = time.Now()
	s.admin.c.patch(t, "/api/v1/users/"+promoted.ID, map[string]any{"roles": []string{"head"}, "version": 1}).want(t, http.StatusOK)
	expectClosed("role change", c, start)

	ws, status, err := s.dialHeader(http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		t.Fatalf("dial with token: %v (%d)", err, status)
	}
	c = newWSClient(t, ws)
	c.Next() // hello
	start = time.Now()
	s.admin.c.patch(t, "/api/v1/users/"+script.ID, map[string]any{"disabled": true, "version": 1}).want(t, http.StatusOK)
	expectClosed("token revoked", c, start)

	// Someone else's socket was left alone, and still receives notes.
	s.postNote(rap, sid, "after", "still here", conference.MarkingAll)
	if m, _ := stay.Until("note"); m.Note.ClientID != "after" {
		t.Fatalf("the other user's socket got %+v", m)
	}
	// A revoked credential cannot open a new socket.
	if _, status, _ := s.dialHeader(http.Header{"Origin": {s.origin}, "Cookie": {"quintet_login=" + leaving.Cookie}}); status != http.StatusUnauthorized {
		t.Fatalf("dial with a signed-out cookie answered %d, want 401", status)
	}
}

// One account may hold 20 live connections at once, whatever credentials
// they were opened with; the 21st handshake is refused before the upgrade
// with 429, the API's error body (code rate_limited) and Retry-After. Other
// accounts are not affected, and a closed connection gives its place back.
func TestLiveConnectionsPerAccountCapped(t *testing.T) {
	var token string
	s := startLiveServerWith(t, func(cli func(string, ...string) string) {
		token = strings.TrimSpace(cli("", "token", "create", "--email", "admin@example.org", "--name", "script"))
	})
	const limit = 20
	var open []*wsClient
	for range limit - 1 {
		open = append(open, s.dial(s.admin))
	}
	ws, status, err := s.dialHeader(http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		t.Fatalf("the %dth connection, with an API token: %v (%d)", limit, err, status)
	}
	newWSClient(t, ws).ExpectHello()
	t.Cleanup(func() { ws.Close() })

	refused := func(h http.Header) {
		t.Helper()
		ws, resp, err := websocket.DefaultDialer.Dial(s.wsURL(), h)
		if err == nil {
			ws.Close()
			t.Fatalf("connection %d of one account was upgraded", limit+1)
		}
		if resp == nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "30" {
			t.Fatalf("connection %d of one account: %v, %+v; want 429 with Retry-After: 30", limit+1, err, resp)
		}
		var body struct{ Code, Detail string }
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Code != conference.ERATELIMITED ||
			!strings.Contains(body.Detail, strconv.Itoa(limit)) {
			t.Fatalf("refusal body %+v (%v), want code rate_limited and a message giving the limit", body, err)
		}
	}
	cookie := http.Header{"Origin": {s.origin}, "Cookie": {"quintet_login=" + s.admin.Cookie}}
	refused(cookie)
	refused(http.Header{"Authorization": {"Bearer " + token}})

	s.dial(s.addUser("observer", "", conference.RoleObserver))

	open[0].Close(10 * time.Second)
	s.dial(s.admin)
	refused(cookie)
}
