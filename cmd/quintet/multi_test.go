package main

// Two instances on one store behind a load balancer, all real processes on
// loopback: cmd/storeserver (the embedded store on TCP), two `quintet serve`
// on it, and HAProxy (Debian's, installed by .ci/run) with health checks.
// Delegates follow a live session through the balancer while the secretariat
// posts to both instances; one instance is killed with SIGKILL mid-run. Every
// subscriber must end with exactly the notes its clearance covers, each once,
// and the record must be numbered 1…n without a gap.
//
// It also measures cross-instance propagation: from the answer of a post on
// one instance to the push of that note by the other. QUINTET_MULTI_NOTES
// raises the number of notes for a measurement (make bench-multi); the
// figures are in docs/benchmarks.md.

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/livetest"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// startStoreServer builds and starts cmd/storeserver on a port of its
// choosing and returns its MongoDB URI.
func startStoreServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "storeserver")
	if out, err := exec.Command("go", "build", "-o", bin, "../storeserver").CombinedOutput(); err != nil {
		t.Fatalf("go build storeserver: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-data", storetest.DataDir(t), "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := newAPIBuffer()
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("storeserver log:\n%s", stderr.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`listening on (mongodb://\S+)`).FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("storeserver did not start: %q %v\n%s", line, err, stderr.String())
	}
	return m[1]
}

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startHAProxy runs HAProxy in the foreground on port, balancing between
// the instances by round robin, with a health check of /healthz every 200 ms
// and the serving instance's name in X-Quintet-Instance.
func startHAProxy(t *testing.T, port int, instances map[string]string) string {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("haproxy is not installed; .ci/run installs it")
		}
		t.Skip("haproxy is not installed (apt-get install haproxy)")
	}
	cfg := fmt.Sprintf(`global
	maxconn 2000
defaults
	mode http
	timeout connect 2s
	timeout client 60s
	timeout server 60s
	timeout tunnel 1h
	option redispatch
	retries 3
frontend quintet
	bind 127.0.0.1:%d
	default_backend quintet
backend quintet
	balance roundrobin
	option httpchk GET /healthz
	http-check expect status 200
	default-server inter 200ms fall 2 rise 1
	http-response set-header X-Quintet-Instance %%[srv_name]
`, port)
	names := make([]string, 0, len(instances))
	for name := range instances {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		cfg += fmt.Sprintf("\tserver %s %s check\n", name, apiParseURL(instances[name]).Host)
	}
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-db", "-f", path)
	log := newAPIBuffer()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("haproxy log:\n%s", log.String())
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for range 100 {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("haproxy on %s does not answer\n%s", url, log.String())
	return ""
}

// received is one note as a subscriber got it.
type received struct {
	seq      int64
	marking  string
	at       time.Time
	instance string // that pushed it
	catchUp  bool
}

// subscriber follows a session through the balancer, reconnecting (and
// resuming after the last seq it saw) whenever its connection drops, until
// it has seen seq last or stop is closed.
type subscriber struct {
	role, cookie string
	mu           sync.Mutex
	notes        []received
	dups         int
	resets       int // subscriptions answered "start over": a resume that failed
	reconnects   int
	err          error
}

func (s *subscriber) follow(t *testing.T, lb, sessionID string, last int64, stop <-chan struct{}) {
	wsURL := "ws" + lb[len("http"):] + livetest.Path
	var after int64
	for attempt := 0; ; attempt++ {
		select {
		case <-stop:
			s.err = fmt.Errorf("stopped at seq %d of %d", after, last)
			return
		default:
		}
		if attempt > 0 {
			s.reconnects++
			time.Sleep(50 * time.Millisecond)
		}
		d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
		ws, resp, err := d.Dial(wsURL, http.Header{"Origin": {lb}, "Cookie": {httpapi.CookieName + "=" + s.cookie}})
		if err != nil {
			continue
		}
		instance := resp.Header.Get("X-Quintet-Instance")
		c := &livetest.Client{T: t, WS: ws}
		done := s.read(c, sessionID, after, last, instance, &after)
		ws.Close()
		if done {
			return
		}
	}
}

// read subscribes from after and reads until the connection drops (false)
// or seq last arrived (true).
func (s *subscriber) read(c *livetest.Client, sessionID string, from, last int64, instance string, after *int64) bool {
	if m, err := c.Read(10 * time.Second); err != nil || m.Type != "hello" {
		return false
	}
	if err := c.WS.WriteJSON(map[string]any{"type": "subscribe", "channel": "session:" + sessionID, "after": from}); err != nil {
		return false
	}
	caughtUp := false
	for {
		m, err := c.Read(30 * time.Second)
		if err != nil {
			return false
		}
		switch m.Type {
		case "subscribed":
			if m.Reset {
				s.mu.Lock()
				s.resets++
				s.mu.Unlock()
			}
		case "caught_up":
			caughtUp = true
		case "note":
			s.mu.Lock()
			if m.Note.Seq <= *after {
				s.dups++
			} else {
				*after = m.Note.Seq
				s.notes = append(s.notes, received{seq: m.Note.Seq, marking: m.Note.Marking, at: time.Now(), instance: instance, catchUp: !caughtUp})
			}
			s.mu.Unlock()
			if m.Note.Seq == last {
				return true
			}
		}
	}
}

func TestTwoInstancesBehindALoadBalancer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts five processes")
	}
	start := time.Now()
	notes, measuring := 60, false
	if n, err := strconv.Atoi(os.Getenv("QUINTET_MULTI_NOTES")); err == nil && n > 0 {
		notes, measuring = n, true
	}
	uri := startStoreServer(t)
	lbPort := freePort(t)
	lb := fmt.Sprintf("http://127.0.0.1:%d", lbPort)
	extra := map[string]string{"QUINTET_MONGODB_URI": uri, "QUINTET_PUBLIC_URL": lb}
	admin := &apiAccount{Email: "secretariat@example.org", Name: "Secretariat", Password: apiPassword("admin"), Roles: []string{"admin"}}
	mustAPICLI(t, storetest.DataDir(t), extra, admin.Password+"\n", "user", "add", "--email", admin.Email, "--name", admin.Name, "--role", "admin")
	// One after the other: the first seeds the empty store.
	procs := map[string]*apiProcess{"a": startAPIProcess(t, storetest.DataDir(t), extra)}
	procs["b"] = startAPIProcess(t, storetest.DataDir(t), extra)
	lb = startHAProxy(t, lbPort, map[string]string{"a": procs["a"].URL, "b": procs["b"].URL})
	t.Logf("five processes up in %v", time.Since(start).Round(time.Millisecond))

	origin := apiHeader("Origin", lb)
	clientOf := func(url string) *apiClient {
		return (&apiServer{URL: url, spec: procs["a"].spec}).client()
	}
	// The secretariat signs in on each instance; everything else goes to a.
	publishers := map[string]*apiClient{}
	for name, p := range procs {
		c := clientOf(p.URL)
		c.post(t, "/api/v1/login", map[string]string{"email": admin.Email, "password": admin.Password}, origin).want(t, http.StatusOK)
		publishers[name] = c
	}
	pa := publishers["a"]
	var se struct{ ID string }
	pa.post(t, "/api/v1/meetings/london-2014/sessions", apiSessionBody("Two instances"), origin).want(t, http.StatusCreated).decode(t, &se)
	pa.post(t, "/api/v1/sessions/"+se.ID+"/start", nil, origin).want(t, http.StatusOK)

	readers := map[string]string{"observer": "", "delegate": "GB", "head": "GB"}
	covers := map[string][]string{"observer": {"all"}, "delegate": {"all", "delegations"}, "head": {"all", "delegations", "heads"}}
	var subs []*subscriber
	for role, delegation := range readers {
		a := &apiAccount{Email: role + "@example.org", Name: "Test " + role, Password: apiPassword(role), Roles: []string{role}, Delegation: delegation}
		var u struct{ ID string }
		pa.post(t, "/api/v1/users", map[string]any{"email": a.Email, "name": a.Name, "roles": a.Roles, "delegation": a.Delegation, "password": a.Password},
			origin).want(t, http.StatusCreated).decode(t, &u)
		c := clientOf(procs["a"].URL)
		c.post(t, "/api/v1/login", map[string]string{"email": a.Email, "password": a.Password}, origin).want(t, http.StatusOK)
		for range 3 {
			subs = append(subs, &subscriber{role: role, cookie: c.cookie()})
		}
	}
	// Both instances know the session and the readers' logins before anyone
	// follows through the balancer.
	waitFor(t, func() bool {
		r, err := clientOf(procs["b"].URL).try(t, http.MethodGet, "/api/v1/sessions/"+se.ID, nil, apiHeader("Cookie", httpapi.CookieName+"="+subs[len(subs)-1].cookie))
		return err == nil && r.Status == http.StatusOK
	})

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		go func() { defer wg.Done(); s.follow(t, lb, se.ID, int64(notes), stop) }()
	}

	markings := []string{"all", "delegations", "heads"}
	postedAt := make([]time.Time, notes+1) // by seq
	postedOn := make([]string, notes+1)
	killed := false
	for i := range notes {
		marking := markings[i%3]
		if i == notes-1 {
			marking = "all" // the last note tells every reader it is done
		}
		body := map[string]any{"client_id": fmt.Sprintf("multi-%d", i), "text": fmt.Sprintf("Note %d", i), "marking": marking}
		on := []string{"a", "b"}[i%2]
		if killed {
			on = "a"
		}
		if i == notes/3 {
			procs["b"].Kill(t) // mid-run, as a crash would
			killed = true
		}
		r, err := publishers[on].try(t, http.MethodPost, "/api/v1/sessions/"+se.ID+"/notes", body, origin)
		if err != nil || (r.Status != http.StatusCreated && r.Status != http.StatusOK) {
			// The instance died under the post: the same client_id again,
			// on the other one, is acknowledged or stored, never twice.
			on = "a"
			r = publishers[on].post(t, "/api/v1/sessions/"+se.ID+"/notes", body, origin)
			if r.Status != http.StatusCreated && r.Status != http.StatusOK {
				t.Fatalf("post %d: %d %s", i, r.Status, r.Body)
			}
		}
		var n struct{ Seq int64 }
		r.decode(t, &n)
		if n.Seq < 1 || n.Seq > int64(notes) {
			t.Fatalf("post %d got seq %d", i, n.Seq)
		}
		postedAt[n.Seq], postedOn[n.Seq] = time.Now(), on
		time.Sleep(20 * time.Millisecond)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		close(stop)
		<-finished
	}

	// The record: 1…notes, gapless.
	var list struct {
		Items []struct {
			Seq     int64
			Marking string
		}
	}
	pa.get(t, fmt.Sprintf("/api/v1/sessions/%s/notes?limit=%d", se.ID, notes+10)).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != notes {
		t.Fatalf("the record has %d notes, want %d", len(list.Items), notes)
	}
	markingOf := map[int64]string{}
	for i, n := range list.Items {
		if n.Seq != int64(i+1) {
			t.Fatalf("the record's note %d has seq %d", i, n.Seq)
		}
		markingOf[n.Seq] = n.Marking
	}

	var lat []time.Duration
	reconnects := 0
	for _, s := range subs {
		if s.err != nil {
			t.Errorf("%s: %v", s.role, s.err)
		}
		if s.resets > 0 {
			t.Errorf("%s was told to start over %d times instead of resuming", s.role, s.resets)
		}
		if s.dups > 0 {
			t.Errorf("%s got %d notes twice", s.role, s.dups)
		}
		reconnects += s.reconnects
		var want, got []int64
		for seq := int64(1); seq <= int64(notes); seq++ {
			if slices.Contains(covers[s.role], markingOf[seq]) {
				want = append(want, seq)
			}
		}
		for _, n := range s.notes {
			got = append(got, n.seq)
			if n.instance != "" && n.instance != postedOn[n.seq] && !n.catchUp {
				lat = append(lat, n.at.Sub(postedAt[n.seq]))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s got seqs %v, want %v", s.role, got, want)
		}
	}
	if reconnects == 0 {
		t.Error("no subscriber was moved by the kill: the test did not test it")
	}
	slices.Sort(lat)
	if len(lat) == 0 {
		t.Fatal("no note crossed instances")
	}
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	t.Logf("cross-instance propagation over %d pushes: p50 %v, p99 %v, max %v; %d reconnects; whole test %v",
		len(lat), pct(0.50).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond), lat[len(lat)-1].Round(100*time.Microsecond),
		reconnects, time.Since(start).Round(time.Millisecond))
	// A measurement reports what it finds; the test holds issue 14's bound.
	if p99 := pct(0.99); p99 > time.Second && !measuring {
		t.Errorf("cross-instance propagation p99 is %v, more than the second issue 14 allows", p99)
	}
}

// waitFor polls cond for up to 20 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
