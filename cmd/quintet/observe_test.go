package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/embedded"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// TestObserve: request ids, the JSON access log, /metrics to loopback only,
// /readyz beside /healthz.
func TestObserve(t *testing.T) {
	f := newAPIFixture(t, map[string]string{"QUINTET_LOG_FORMAT": "json", "QUINTET_LOG_LEVEL": "info"})
	admin := f.admin()
	r := admin.get(t, "/api/v1/topics").want(t, http.StatusOK)
	id := r.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Fatalf("X-Request-Id=%q, want 16 hex digits", id)
	}
	if other := admin.get(t, "/api/v1/topics").Header.Get("X-Request-Id"); other == id {
		t.Errorf("two requests share the request id %s", id)
	}
	session := f.liveSession(t)
	live := f.liveClient(t, callerRapporteur)
	live.Subscribe("session:"+session, 0)
	f.clients[callerRapporteur].post(t, "/api/v1/sessions/"+session+"/notes",
		map[string]any{"client_id": apiUnique("observe"), "text": "Observed.", "marking": "all"}).want(t, http.StatusCreated)
	live.Next() // the note, delivered

	// The access log: one JSON line per request, with its id and route.
	var logged map[string]any
	sc := bufio.NewScanner(strings.NewReader(f.srv.Stderr.String()))
	for sc.Scan() {
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			t.Fatalf("a log line is not JSON: %s", sc.Text())
		}
		if l["request_id"] == id {
			logged = l
		}
	}
	if logged == nil {
		t.Fatalf("no access-log line has request id %s:\n%s", id, f.srv.Stderr.String())
	}
	for k, want := range map[string]any{"msg": "request", "method": "GET", "route": "/api/v1/topics", "status": float64(200), "user": f.accounts[callerAdmin].ID} {
		if logged[k] != want {
			t.Errorf("access log %s=%v, want %v (%v)", k, logged[k], want, logged)
		}
	}

	for _, p := range []string{"/healthz", "/readyz"} {
		if r := admin.get(t, p).want(t, http.StatusOK); !strings.Contains(string(r.Body), `"store":"ok"`) {
			t.Errorf("%s answered %s", p, r.Body)
		}
	}

	// /metrics, from this (loopback) test; not for what a proxy forwarded.
	text := scrape(t, f.srv.URL+"/metrics", nil, http.StatusOK)
	for _, want := range []string{
		`quintet_http_requests_total{method="GET",route="/api/v1/topics",status="200"} 2`,
		`quintet_http_request_duration_seconds_count{method="GET",route="/api/v1/topics"} 2`,
		`quintet_live_connections 1`,
		`quintet_live_subscriptions 1`,
		`quintet_live_deliveries_total 1`,
		`quintet_live_slow_client_drops_total 0`,
		`quintet_working_set_documents{collection="notes"} 1`,
		`quintet_store_write_duration_seconds_count{collection="notes",op="insert"} 1`,
		`quintet_startup_seconds `,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	scrape(t, f.srv.URL+"/metrics", http.Header{"X-Forwarded-For": {"203.0.113.9"}}, http.StatusNotFound)
}

// TestMetricsOnTheirOwnAddress: with QUINTET_METRICS_ADDR the main port
// serves no /metrics.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	srv, _ := startAPIServerWithAdmin(t, map[string]string{"QUINTET_METRICS_ADDR": "127.0.0.1:0", "QUINTET_LOG_LEVEL": "info"})
	m := regexp.MustCompile(`msg="serving metrics" addr=(\S+)`).FindStringSubmatch(srv.Stderr.String())
	if m == nil {
		t.Fatalf("the log does not say where metrics are served:\n%s", srv.Stderr.String())
	}
	if text := scrape(t, "http://"+m[1]+"/metrics", nil, http.StatusOK); !strings.Contains(text, "quintet_startup_seconds") {
		t.Errorf("the metrics listener serves:\n%s", apiClip([]byte(text)))
	}
	scrape(t, srv.URL+"/metrics", nil, http.StatusNotFound)
}

func scrape(t *testing.T, url string, h http.Header, status int) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d: %s", url, resp.StatusCode, status, apiClip(b))
	}
	return string(b)
}

// TestMigrate copies a stopped embedded store into another store reached by
// its URI (a second FerretDB, on its Unix socket), which then serves the
// same answers; a second migrate into it is refused.
func TestMigrate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers")
	}
	srv, admin := startAPIServerWithAdmin(t, nil)
	a := srv.client()
	a.login(t, admin.Email, admin.Password)
	a.post(t, "/api/v1/actions", map[string]any{"title": "Migrate me", "owner": "GB", "due": "2015-06-30", "meeting_id": "london-2014", "marking": "all"}).want(t, http.StatusCreated)
	want := backupReads(t, a, "london-2014-d1-opening")
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	target := storetest.DataDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	emb, err := embedded.Open(ctx, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := mustAPICLI(t, srv.DataDir, nil, "", "migrate", "--to", emb.URI())
	t.Log(strings.TrimSpace(out))
	if _, err := runAPICLI(t, srv.DataDir, nil, "", "migrate", "--to", emb.URI()); err == nil || !strings.Contains(err.Error(), "already holds data") {
		t.Errorf("a second migrate into a store with data: %v, want it refused", err)
	}
	if err := emb.Close(); err != nil {
		t.Fatal(err)
	}

	moved := startAPIServer(t, target, nil)
	mc := moved.client()
	mc.login(t, admin.Email, admin.Password)
	got := backupReads(t, mc, "london-2014-d1-opening")
	for p, w := range want {
		if got[p] != w {
			t.Errorf("GET %s differs after the migration:\n got %s\nwant %s", p, apiClip([]byte(got[p])), apiClip([]byte(w)))
		}
	}
}
