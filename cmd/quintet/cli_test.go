package main

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// TestCLIAccounts walks an operator through the account commands: open
// accounts, list them, make a token, serve, disable one, serve again.
func TestCLIAccounts(t *testing.T) {
	dir := storetest.DataDir(t)
	cli := func(stdin string, args ...string) (string, error) { return runAPICLI(t, dir, nil, stdin, args...) }
	wantErr := func(err error, says ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("no error, want one saying %q", says)
		}
		for _, s := range says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not say %q", err, s)
			}
		}
	}
	const adminPW, delegatePW = "admin-password-long", "delegate-password-long"

	// Refusals: none of them opens an account.
	_, err := cli("", "user", "add", "--email", "admin@example.org", "--name", "Admin", "--role", "admin")
	wantErr(err, "standard input")
	_, err = cli("\n", "user", "add", "--email", "admin@example.org", "--name", "Admin", "--role", "admin")
	wantErr(err, "standard input")
	_, err = cli(adminPW+"\n", "user", "add", "--email", "wizard@example.org", "--name", "Wizard", "--role", "wizard")
	wantErr(err, `"wizard"`)
	_, err = cli(delegatePW+"\n", "user", "add", "--email", "d@example.org", "--name", "D", "--role", "delegate", "--delegation", "XX")
	wantErr(err, `"XX"`)
	_, err = cli("short\n", "user", "add", "--email", "short@example.org", "--name", "Short", "--role", "observer")
	wantErr(err, "password")
	_, err = cli(adminPW+"\n", "user", "add", "--email", "not-an-address", "--name", "Nobody", "--role", "observer")
	wantErr(err, "not-an-address")

	// The accounts.
	out, err := cli(adminPW+"\n", "user", "add", "--email", "Admin@Example.org", "--name", "The Secretariat", "--role", "admin")
	if err != nil || !strings.Contains(out, "admin@example.org") {
		t.Fatalf("user add admin: %v\n%s", err, out)
	}
	if _, err := cli(delegatePW+"\r\n", "user", "add", "--email", "delegate@example.org", "--name", "A Delegate",
		"--role", "delegate", "--role", "rapporteur", "--delegation", "gb"); err != nil {
		t.Fatalf("user add delegate: %v", err)
	}
	_, err = cli(adminPW+"\n", "user", "add", "--email", "delegate@example.org", "--name", "Again", "--role", "observer")
	wantErr(err, "already exists")

	out, err = cli("", "user", "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^admin@example\.org\s+The Secretariat\s+admin\s+active$`),
		regexp.MustCompile(`(?m)^delegate@example\.org\s+A Delegate\s+delegate,rapporteur\s+GB\s+active$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("user list does not match %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "wizard") || strings.Contains(out, "short@") {
		t.Errorf("a refused account was opened:\n%s", out)
	}

	token, err := cli("", "token", "create", "--email", "delegate@example.org")
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, "qt_") || strings.ContainsAny(token, " \n") {
		t.Fatalf("token create printed %q, want one token", token)
	}
	_, err = cli("", "token", "create", "--email", "nobody@example.org")
	wantErr(err, "nobody@example.org")

	// Serve: the accounts sign in, the token works.
	srv := startAPIServer(t, dir, nil)
	if strings.Contains(srv.Stdout.String(), "setup?secret=") {
		t.Error("a start with accounts printed a set-up link")
	}
	admin := srv.client()
	admin.login(t, "admin@example.org", adminPW)
	delegate := srv.client()
	delegate.login(t, "DELEGATE@example.org", delegatePW)
	var me struct {
		User struct {
			Email      string
			Delegation string
		} `json:"user"`
	}
	srv.tokenClient(token).get(t, "/api/v1/me").want(t, http.StatusOK).decode(t, &me)
	if me.User.Email != "delegate@example.org" || me.User.Delegation != "GB" {
		t.Errorf("the token signs in %+v, want the delegate of GB", me.User)
	}
	srv.tokenClient("qt_not-a-token").get(t, "/api/v1/me").want(t, http.StatusUnauthorized)
	// A token is for scripts: it needs no Origin, and a foreign one is no threat.
	srv.tokenClient(token).get(t, "/api/v1/topics", apiHeader("Origin", "")).want(t, http.StatusOK)

	// healthcheck against the running server.
	addr := strings.TrimPrefix(srv.URL, "http://")
	if _, err := runAPICLI(t, dir, map[string]string{"QUINTET_ADDR": addr}, "", "healthcheck"); err != nil {
		t.Errorf("healthcheck against a running server: %v", err)
	}
	// The data directory belongs to the running server.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	stdout, stderr := newAPIBuffer(), newAPIBuffer()
	err = run(ctx, []string{"quintet", "serve"}, apiEnv(dir, nil), strings.NewReader(""), stdout, stderr)
	cancel()
	wantErr(err, "in use")
	_, err = cli(adminPW+"\n", "user", "add", "--email", "late@example.org", "--name", "Late", "--role", "observer")
	wantErr(err, "in use")
	_, err = cli("", "user", "disable", "--email", "delegate@example.org")
	wantErr(err, "in use")
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	// …and nothing listens any more.
	if _, err := runAPICLI(t, dir, map[string]string{"QUINTET_ADDR": addr}, "", "healthcheck"); err == nil {
		t.Error("healthcheck succeeded with the server stopped")
	}

	// Disable the delegate: its password, its login and its token stop working.
	_, err = cli("", "user", "disable", "--email", "nobody@example.org")
	wantErr(err, "nobody@example.org")
	if out, err := cli("", "user", "disable", "--email", "delegate@example.org"); err != nil || !strings.Contains(out, "delegate@example.org") {
		t.Fatalf("user disable: %v\n%s", err, out)
	}
	out, _ = cli("", "user", "list")
	if !regexp.MustCompile(`(?m)^delegate@example\.org\s.*\sdisabled$`).MatchString(out) {
		t.Errorf("user list does not show the delegate disabled:\n%s", out)
	}
	srv = startAPIServer(t, dir, nil)
	c := srv.client()
	r := c.post(t, "/api/v1/login", map[string]string{"email": "delegate@example.org", "password": delegatePW}).want(t, http.StatusUnauthorized)
	if e := r.errorAnswer(t); strings.Contains(e.Detail, "disabled") {
		t.Errorf("the refusal tells that the account exists: %q", e.Detail)
	}
	old := srv.client()
	old.get(t, "/api/v1/me", apiHeader("Cookie", apiCookieHeader(delegate))).want(t, http.StatusUnauthorized)
	srv.tokenClient(token).get(t, "/api/v1/me").want(t, http.StatusUnauthorized)
	// The admin's login outlived both restarts.
	again := srv.client()
	again.get(t, "/api/v1/me", apiHeader("Cookie", apiCookieHeader(admin))).want(t, http.StatusOK)
}

// apiCookieHeader is the Cookie header of a client's login.
func apiCookieHeader(c *apiClient) string { return "quintet_login=" + c.cookie() }

// TestCLIHealthcheckWithoutServer: healthcheck fails when nothing listens.
func TestCLIHealthcheckWithoutServer(t *testing.T) {
	addr := storetest.UnusedAddr(t)
	if _, err := runAPICLI(t, storetest.DataDir(t), map[string]string{"QUINTET_ADDR": addr}, "", "healthcheck"); err == nil {
		t.Fatalf("healthcheck against %s, where nothing listens, succeeded", addr)
	}
}

// TestCLIDemo: --demo refuses a public address, and on loopback opens an
// account per role and delegation whose printed password signs in.
func TestCLIDemo(t *testing.T) {
	dir := storetest.DataDir(t)
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "192.0.2.1:0"} {
		_, err := runAPICLI(t, dir, map[string]string{"QUINTET_ADDR": addr}, "", "serve", "--demo")
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("serve --demo on %s: %v, want a refusal naming loopback", addr, err)
		}
	}
	srv := startAPIServer(t, dir, nil, "--demo")
	out := srv.Stdout.String()
	if strings.Contains(out, "setup?secret=") {
		t.Error("--demo opened accounts but still printed a set-up link")
	}
	rows := regexp.MustCompile(`(?m)^\s+(\S+@example\.org)\s+(\w+)\s+(?:[A-Z]{2}\s+)?(\S+)$`).FindAllStringSubmatch(out, -1)
	roles := map[string]bool{}
	for _, m := range rows {
		roles[m[2]] = true
	}
	for _, r := range []string{"admin", "rapporteur", "delegate", "head", "followup", "observer"} {
		if !roles[r] {
			t.Errorf("--demo printed no %s account:\n%s", r, out)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("no demo accounts printed:\n%s", out)
	}
	for _, m := range rows[:3] {
		srv.client().login(t, m[1], m[3])
	}
}

// TestCLIFirstStartSetup: a first start with no accounts prints a one-time
// link whose secret opens the first admin, once.
func TestCLIFirstStartSetup(t *testing.T) {
	srv := startAPIServer(t, storetest.DataDir(t), nil)
	m := regexp.MustCompile(`(http://\S+)/#/setup\?secret=([A-Za-z0-9_-]+)`).FindStringSubmatch(srv.Stdout.String())
	if m == nil {
		t.Fatalf("no set-up link printed:\n%s", srv.Stdout.String())
	}
	if m[1] != srv.URL {
		t.Errorf("the link points at %s, the server listens on %s", m[1], srv.URL)
	}
	secret := m[2]
	c := srv.client()
	var state struct{ Needed bool }
	c.get(t, "/api/v1/setup").want(t, http.StatusOK).decode(t, &state)
	if !state.Needed {
		t.Error("GET /api/v1/setup says no set-up is needed")
	}
	c.get(t, "/api/v1/me").want(t, http.StatusUnauthorized)

	first := map[string]string{"secret": secret, "email": "first@example.org", "name": "First Admin", "password": "first-admin-password"}
	with := func(k, v string) map[string]string {
		b := map[string]string{}
		for k, v := range first {
			b[k] = v
		}
		b[k] = v
		return b
	}
	if e := c.post(t, "/api/v1/setup", with("secret", "guessed")).want(t, http.StatusForbidden).errorAnswer(t); e.Code != "forbidden" {
		t.Errorf("a wrong secret: code %q, want forbidden", e.Code)
	}
	// A refused request does not use the secret up.
	if e := c.post(t, "/api/v1/setup", with("password", "short")).want(t, http.StatusBadRequest).errorAnswer(t); e.Field != "password" {
		t.Errorf("a short password: field %q, want password", e.Field)
	}
	var u struct {
		Email string
		Roles []string
	}
	c.post(t, "/api/v1/setup", first).want(t, http.StatusCreated).decode(t, &u)
	if u.Email != "first@example.org" || len(u.Roles) != 1 || u.Roles[0] != "admin" {
		t.Errorf("set-up opened %+v, want an admin", u)
	}
	c.post(t, "/api/v1/setup", with("email", "second@example.org")).want(t, http.StatusForbidden)
	c.get(t, "/api/v1/setup").want(t, http.StatusOK).decode(t, &state)
	if state.Needed {
		t.Error("GET /api/v1/setup still says set-up is needed")
	}
	c.login(t, "first@example.org", "first-admin-password")
	var users []struct{ Email string }
	c.get(t, "/api/v1/users").want(t, http.StatusOK).decode(t, &users)
	if len(users) != 1 {
		t.Errorf("%d accounts after set-up, want 1: %+v", len(users), users)
	}
}

// TestCLIUsage: help prints the commands; an unknown command is an error
// that shows them.
func TestCLIUsage(t *testing.T) {
	dir := storetest.DataDir(t)
	out, err := runAPICLI(t, dir, nil, "", "help")
	if err != nil || !strings.Contains(out, "user add") || !strings.Contains(out, "healthcheck") {
		t.Errorf("help: %v\n%s", err, out)
	}
	if _, err := runAPICLI(t, dir, nil, "", "frobnicate"); err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Errorf("unknown command: %v, want an error naming it", err)
	}
	if _, err := runAPICLI(t, dir, nil, "", "user"); err == nil {
		t.Error("user without a subcommand succeeded")
	}
}
