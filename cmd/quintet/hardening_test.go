package main

// End-to-end tests of the HTTP layer's defences against floods: the sign-in
// limiter's bound, slow senders, and the per-address connection cap.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// A flood of sign-ins with distinct e-mails fills the limiter's table; an
// account throttled before the flood must still be throttled after it.
func TestLoginThrottleSurvivesFloodOfDistinctEmails(t *testing.T) {
	const keys = 20
	srv, admin := startAPIServerWithAdmin(t, map[string]string{
		"QUINTET_LOGIN_LIMIT_KEYS": fmt.Sprint(keys),
		// Each request names its own client address, so that only the
		// per-account bucket can refuse the last sign-in.
		"QUINTET_TRUSTED_PROXIES": "127.0.0.1",
	})
	c := srv.client()
	from := func(ip string) apiOption { return apiHeader("X-Forwarded-For", ip) }
	login := func(email, password, ip string) *apiResponse {
		t.Helper()
		return c.post(t, "/api/v1/login", map[string]string{"email": email, "password": password}, from(ip))
	}

	for i := range 10 {
		login(admin.Email, "wrong password", fmt.Sprintf("10.0.0.%d", i+1)).want(t, http.StatusUnauthorized)
	}
	login(admin.Email, admin.Password, "10.0.1.1").want(t, http.StatusTooManyRequests)

	for i := range keys + 10 {
		r := login(fmt.Sprintf("flood-%d@example.org", i), "whatever", fmt.Sprintf("10.1.%d.%d", i/250, i%250+1))
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
			t.Fatalf("flood sign-in %d: status %d, want 401 or 429", i, r.Status)
		}
	}
	r := login(admin.Email, admin.Password, "10.0.2.1")
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("throttled account after a flood of %d distinct e-mails: status %d, want 429", keys+10, r.Status)
	}
}

// Connections that send a sign-in body slowly are cut off by the server's
// read timeout, long before their body is complete, and /healthz keeps
// answering while they are open.
func TestSlowBodiesAreCutOff(t *testing.T) {
	const (
		readTimeout = time.Second
		slow        = 300                    // connections, all from 127.0.0.1
		bodyLen     = 150                    // bytes, sent one at a time
		every       = 100 * time.Millisecond // so a body would take 15s
	)
	srv := startAPIServer(t, storetest.DataDir(t), map[string]string{"QUINTET_READ_TIMEOUT": readTimeout.String()})
	addr := strings.TrimPrefix(srv.URL, "http://")

	// Each slow connection reports how long it lasted and whether the server
	// ended it before the client had sent its whole body.
	type outcome struct {
		lasted  time.Duration
		cutOff  bool
		dialErr error
	}
	outcomes := make(chan outcome, slow)
	var attack sync.WaitGroup
	for range slow {
		attack.Add(1)
		go func() {
			defer attack.Done()
			start := time.Now()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				outcomes <- outcome{dialErr: err}
				return
			}
			defer conn.Close()
			ended := make(chan struct{}) // the server answered or closed
			go func() {
				defer close(ended)
				_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
				_, _ = conn.Read(make([]byte, 512))
			}()
			fmt.Fprintf(conn, "POST /api/v1/login HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, srv.URL, bodyLen)
			tick := time.NewTicker(every)
			defer tick.Stop()
			for sent := 0; sent < bodyLen; sent++ {
				select {
				case <-ended:
					outcomes <- outcome{lasted: time.Since(start), cutOff: true}
					return
				case <-tick.C:
					if _, err := conn.Write([]byte{' '}); err != nil {
						<-ended
						outcomes <- outcome{lasted: time.Since(start), cutOff: true}
						return
					}
				}
			}
			<-ended
			outcomes <- outcome{lasted: time.Since(start)}
		}()
	}

	// /healthz over one kept-alive connection, for as long as the attack lasts.
	probe := &http.Client{Timeout: 10 * time.Second}
	defer probe.CloseIdleConnections()
	attackDone := make(chan struct{})
	go func() { attack.Wait(); close(attackDone) }()
	var latencies []time.Duration
	for done := false; !done; {
		select {
		case <-attackDone:
			done = true
		default:
		}
		start := time.Now()
		resp, err := probe.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatalf("/healthz during the attack: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/healthz during the attack: %s", resp.Status)
		}
		latencies = append(latencies, time.Since(start))
	}
	close(outcomes)

	var longest time.Duration
	for o := range outcomes {
		if o.dialErr != nil {
			t.Fatalf("dial: %v", o.dialErr)
		}
		if !o.cutOff {
			t.Fatalf("a connection sent its %d-byte body over %v and was not cut off by the %v read timeout", bodyLen, o.lasted.Round(time.Millisecond), readTimeout)
		}
		longest = max(longest, o.lasted)
	}
	if limit := readTimeout + 5*time.Second; longest > limit {
		t.Errorf("the slowest connection lasted %v, want it cut off within %v", longest, limit)
	}
	slices.Sort(latencies)
	p99 := latencies[(len(latencies)*99)/100]
	t.Logf("%d slow connections cut off within %v; /healthz during the attack: %d answers, median %v, p99 %v, max %v",
		slow, longest.Round(time.Millisecond), len(latencies), latencies[len(latencies)/2], p99, latencies[len(latencies)-1])
	srv.client().get(t, "/healthz").want(t, http.StatusOK)
}

// A connection over the per-address cap is closed before it is served; the
// cap frees itself as the address's connections close.
func TestConnectionCapPerAddress(t *testing.T) {
	const limit = 8
	srv := startAPIServer(t, storetest.DataDir(t), map[string]string{"QUINTET_MAX_CONNECTIONS_PER_ADDRESS": fmt.Sprint(limit)})
	addr := strings.TrimPrefix(srv.URL, "http://")

	// healthz sends one request on conn and reports whether it was answered 200.
	healthz := func(conn net.Conn, br *bufio.Reader) error {
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr); err != nil {
			return err
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %s", resp.Status)
		}
		return nil
	}
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	// Fill the cap: every connection answered stays open (kept alive). The
	// harness's own /healthz probe may still hold one, so the first refusal
	// comes at the cap or one before it.
	var refused error
	for len(held) <= limit {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if err := healthz(conn, bufio.NewReader(conn)); err != nil {
			conn.Close()
			refused = err
			break
		}
		held = append(held, conn)
	}
	if refused == nil {
		t.Fatalf("%d connections from one address were all served, want at most %d", len(held), limit)
	}
	if len(held) < limit-1 {
		t.Fatalf("refused after %d connections (%v), want the cap of %d reached first", len(held), refused, limit)
	}
	if errors.Is(refused, io.EOF) || strings.Contains(refused.Error(), "reset") || strings.Contains(refused.Error(), "EOF") {
		t.Logf("connection %d refused: %v", len(held)+1, refused)
	} else {
		t.Fatalf("connection %d: %v, want it closed unanswered", len(held)+1, refused)
	}

	// Closing the held connections frees the address; the server notices
	// each close on its own, so a new connection is tried until one is served.
	for _, c := range held {
		c.Close()
	}
	held = nil
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		err = healthz(conn, bufio.NewReader(conn))
		conn.Close()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection served within 10s of the address closing its connections: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fakeConn is a connection as the ConnState hook sees it: an address, and a
// Close that is recorded.
type fakeConn struct {
	net.Conn
	addr   string
	closed bool
}

func (c *fakeConn) RemoteAddr() net.Addr {
	return net.TCPAddrFromAddrPort(netip.MustParseAddrPort(c.addr))
}
func (c *fakeConn) Close() error { c.closed = true; return nil }

// The cap counts IPv4 addresses one by one and IPv6 ones by /64, leaves
// trusted proxies out, and frees a place when a connection closes or is
// hijacked.
func TestConnCapCounts(t *testing.T) {
	cc := newConnCap(2, []string{"10.0.0.0/8", "2001:db8:ffff::1"})
	open := func(addr string) *fakeConn {
		c := &fakeConn{addr: addr}
		cc.track(c, http.StateNew)
		if c.closed { // as the server does when its first read fails
			cc.track(c, http.StateClosed)
		}
		return c
	}
	a1, a2 := open("192.0.2.1:1000"), open("192.0.2.1:1001")
	if a1.closed || a2.closed {
		t.Fatal("a connection within the cap was closed")
	}
	if !open("192.0.2.1:1002").closed {
		t.Fatal("the third connection from one IPv4 address was not closed")
	}
	if open("192.0.2.2:1000").closed {
		t.Fatal("another IPv4 address was refused")
	}
	open("[2001:db8:1:1::1]:1000")
	open("[2001:db8:1:1::2]:1000")
	if !open("[2001:db8:1:1:ffff::3]:1000").closed {
		t.Fatal("a third connection from one IPv6 /64 was not closed")
	}
	if open("[2001:db8:1:2::1]:1000").closed {
		t.Fatal("another IPv6 /64 was refused")
	}
	for i := range 5 {
		if open(fmt.Sprintf("10.1.2.3:%d", 1000+i)).closed || open(fmt.Sprintf("[2001:db8:ffff::1]:%d", 1000+i)).closed {
			t.Fatal("a trusted proxy's connection was refused")
		}
	}

	cc.track(a1, http.StateHijacked)
	if c := open("192.0.2.1:1003"); c.closed {
		t.Fatal("refused after a connection was hijacked")
	}
	cc.track(a2, http.StateClosed)
	cc.track(a2, http.StateClosed) // reported twice, counted once
	if c := open("192.0.2.1:1004"); c.closed {
		t.Fatal("refused after a connection closed")
	}
	if !open("192.0.2.1:1005").closed {
		t.Fatal("a double close freed two places")
	}
}

// A write that rides on the login cookie is refused when it could have been
// sent by another site's page: an untyped or form-typed body, or a browser
// saying it comes from another site. A script with a bearer token is not.
func TestCookieWritesNeedJSONAndSameSite(t *testing.T) {
	dir := storetest.DataDir(t)
	admin := &apiAccount{Email: "secretariat@example.org", Password: apiPassword("admin")}
	mustAPICLI(t, dir, nil, admin.Password+"\n", "user", "add", "--email", admin.Email, "--name", "Secretariat", "--role", "admin")
	token := strings.TrimSpace(mustAPICLI(t, dir, nil, "", "token", "create", "--email", admin.Email))
	srv := startAPIServer(t, dir, nil)
	browser := srv.client()
	browser.login(t, admin.Email, admin.Password)
	script := srv.tokenClient(token)

	topic := func() (string, string) {
		slug := apiUnique("forged")
		return slug, fmt.Sprintf(`{"slug":%q,"title":"Forged %s","description":""}`, slug, slug)
	}
	ct := func(v string) apiOption { return apiHeader("Content-Type", v) }
	site := func(v string) apiOption { return apiHeader("Sec-Fetch-Site", v) }

	for _, tt := range []struct {
		name   string
		opts   []apiOption
		reason string
		script int // a script's answer to the same request
	}{
		{"text/plain", []apiOption{ct("text/plain;charset=UTF-8")}, "Content-Type", http.StatusUnsupportedMediaType},
		{"urlencoded form", []apiOption{ct("application/x-www-form-urlencoded")}, "Content-Type", http.StatusUnsupportedMediaType},
		{"multipart form", []apiOption{ct("multipart/form-data; boundary=x")}, "Content-Type", http.StatusUnsupportedMediaType},
		{"no Content-Type", []apiOption{ct("")}, "Content-Type", http.StatusUnsupportedMediaType},
		{"cross-site", []apiOption{site("cross-site")}, "Sec-Fetch-Site", http.StatusCreated},
		{"same-site", []apiOption{site("same-site")}, "Sec-Fetch-Site", http.StatusCreated},
		{"cross-site without Origin", []apiOption{site("cross-site"), apiHeader("Origin", "")}, "Sec-Fetch-Site", http.StatusCreated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			slug, body := topic()
			e := browser.post(t, "/api/v1/topics", body, tt.opts...).want(t, http.StatusForbidden).errorAnswer(t)
			if !strings.Contains(e.Detail, tt.reason) {
				t.Errorf("message %q does not name %s", e.Detail, tt.reason)
			}
			browser.get(t, "/api/v1/topics/"+slug).want(t, http.StatusNotFound)
			// The same request with a bearer token is a script's: it is
			// served when its body is JSON, and refused as unreadable else.
			script.post(t, "/api/v1/topics", body, tt.opts...).want(t, tt.script)
		})
	}

	t.Run("allowed", func(t *testing.T) {
		_, body := topic()
		browser.post(t, "/api/v1/topics", body, ct("application/json; charset=utf-8"), site("same-origin")).want(t, http.StatusCreated)
		_, body = topic()
		browser.post(t, "/api/v1/topics", body, site("none")).want(t, http.StatusCreated)
	})
	t.Run("register import takes text/csv only", func(t *testing.T) {
		browser.post(t, "/api/v1/register.csv?dry_run=true", "title\n", ct("text/plain")).want(t, http.StatusForbidden)
		browser.post(t, "/api/v1/register.csv?dry_run=true", "title\n", ct("application/json")).want(t, http.StatusForbidden)
		if r := browser.post(t, "/api/v1/register.csv?dry_run=true", "title\n", ct("text/csv")); r.Status == http.StatusForbidden {
			t.Fatalf("a text/csv import was refused: %s", r.Body)
		}
	})
	t.Run("sign-in", func(t *testing.T) {
		body := fmt.Sprintf(`{"email":%q,"password":%q}`, admin.Email, admin.Password)
		for _, tc := range []struct {
			opts   []apiOption
			status int
		}{
			// A body that is not JSON is unreadable before it is forged.
			{[]apiOption{ct("text/plain")}, http.StatusUnsupportedMediaType},
			{[]apiOption{ct("")}, http.StatusUnsupportedMediaType},
			{[]apiOption{site("cross-site")}, http.StatusForbidden},
		} {
			c := srv.client()
			c.post(t, "/api/v1/login", body, tc.opts...).want(t, tc.status)
			if c.cookie() != "" {
				t.Fatal("a refused sign-in set the login cookie")
			}
		}
	})
	t.Run("bodyless writes", func(t *testing.T) {
		browser.do(t, http.MethodPost, "/api/v1/logout", nil, ct("application/x-www-form-urlencoded")).want(t, http.StatusForbidden)
		browser.get(t, "/api/v1/me").want(t, http.StatusOK)
		browser.do(t, http.MethodPost, "/api/v1/logout", nil).want(t, http.StatusNoContent)
		browser.get(t, "/api/v1/me").want(t, http.StatusUnauthorized)
	})
}
