// Command fanout measures Quintet's live fan-out end to end: it builds the
// real quintet binary, runs it on loopback with a temporary embedded store,
// opens N real WebSocket subscribers to one live session, posts notes through
// the REST API as the session's rapporteur at increasing rates, and records
// for every note and every subscriber the time from the POST to the delivery.
//
// It reports, per rate, latency percentiles, loss and deliveries per second;
// the highest rate with p99 ≤ 250 ms and no loss; resident memory per idle
// connection; and the POST latency next to the raw insert latency of a second
// embedded store measured in the same run. It runs on loopback only, stops by
// itself, and cleans up after itself.
//
//	go run ./cmd/fanout [-subscribers 2000] [-rates 5,10,20,30,40,50,75,100,…] [-step 4s] [-out FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

type config struct {
	subscribers int
	rates       []float64
	step        time.Duration
	quintet     string
	out         string
	inserts     int
	timeout     time.Duration
	workers     int
}

func main() {
	var cfg config
	var rates string
	flag.IntVar(&cfg.subscribers, "subscribers", 2000, "WebSocket subscribers to open")
	flag.StringVar(&rates, "rates", "5,10,20,30,40,50,75,100,150,200,300,400", "note rates to step through, notes per second")
	flag.DurationVar(&cfg.step, "step", 4*time.Second, "how long each rate is held")
	flag.StringVar(&cfg.quintet, "quintet", "", "quintet binary to run (default: go build ./cmd/quintet into a temporary directory)")
	flag.StringVar(&cfg.out, "out", "", "also write the report to this file")
	flag.IntVar(&cfg.inserts, "inserts", 300, "raw inserts to time on a second embedded store")
	flag.DurationVar(&cfg.timeout, "timeout", 5*time.Minute, "give up after this long")
	flag.IntVar(&cfg.workers, "publishers", 16, "concurrent POSTs the publisher may have in flight")
	flag.Parse()
	for _, r := range strings.Split(rates, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
		if err != nil || v <= 0 {
			fmt.Fprintf(os.Stderr, "fanout: bad rate %q\n", r)
			os.Exit(2)
		}
		cfg.rates = append(cfg.rates, v)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fanout:", err)
		os.Exit(1)
	}
}

// report writes to stdout and, when asked, to a file.
type report struct {
	w io.Writer
}

func (r report) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }

func run(ctx context.Context, cfg config, stdout io.Writer) error {
	w := stdout
	if cfg.out != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.out), 0o755); err != nil {
			return err
		}
		f, err := os.Create(cfg.out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = io.MultiWriter(stdout, f)
	}
	rep := report{w}
	nofile := raiseOpenFileLimit()
	rep.printf("# Live fan-out, %s\n\n", time.Now().UTC().Format(time.RFC3339))
	rep.printf("machine: %d CPUs (GOMAXPROCS %d), %s/%s, %s; open-file limit %d\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), nofile)
	if need := uint64(cfg.subscribers + 200); nofile < need {
		return fmt.Errorf("the open-file limit is %d; %d subscribers need about %d", nofile, cfg.subscribers, need)
	}

	root, err := os.MkdirTemp("", "fanout")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	// The warm-up's and the measured subscribers may all be open at once.
	srv := &server{bin: cfg.quintet, dataDir: filepath.Join(root, "data"), connsPerUser: cfg.subscribers + 50}
	if srv.bin == "" {
		if srv.bin, err = buildQuintet(ctx, root); err != nil {
			return err
		}
	}

	// Accounts and tokens, on the command line before serving.
	const pw = "fan-out benchmark password"
	accounts := []struct{ email, role, delegation string }{
		{"admin@fanout.example", "admin", ""},
		{"rapporteur@fanout.example", "rapporteur", ""},
		{"observer@fanout.example", "observer", ""},
		{"delegate@fanout.example", "delegate", "GB"},
		{"head@fanout.example", "head", "GB"},
	}
	tokens := map[string]string{}
	for _, a := range accounts {
		args := []string{"user", "add", "--email", a.email, "--name", a.role, "--role", a.role}
		if a.delegation != "" {
			args = append(args, "--delegation", a.delegation)
		}
		if _, err := srv.cli(ctx, pw+"\n", args...); err != nil {
			return err
		}
		out, err := srv.cli(ctx, "", "token", "create", "--email", a.email, "--name", "fanout")
		if err != nil {
			return err
		}
		tokens[a.role] = strings.TrimSpace(out)
	}
	if err := srv.start(ctx); err != nil {
		return err
	}
	defer srv.stop()
	pid := srv.cmd.Process.Pid

	// A live session with the rapporteur.
	var meetings listPage[conference.Meeting]
	if err := srv.api(ctx, "GET", "/api/v1/meetings", tokens["admin"], nil, &meetings, 200); err != nil {
		return err
	}
	if len(meetings.Items) == 0 {
		return fmt.Errorf("no meeting in the seed")
	}
	var users listPage[conference.User]
	if err := srv.api(ctx, "GET", "/api/v1/users", tokens["admin"], nil, &users, 200); err != nil {
		return err
	}
	var rapID string
	for _, u := range users.Items {
		if u.Email == "rapporteur@fanout.example" {
			rapID = u.ID
		}
	}
	m := meetings.Items[0]
	day, _ := time.ParseInLocation(conference.DateLayout, m.StartDate, m.Location())
	start := day.Add(9 * time.Hour)
	var se conference.Session
	if err := srv.api(ctx, "POST", "/api/v1/meetings/"+m.ID+"/sessions", tokens["admin"], conference.SessionInput{
		Title: "Fan-out benchmark", Start: start, End: start.Add(time.Hour), Room: "Loopback", Rapporteurs: []string{rapID},
	}, &se, 201); err != nil {
		return err
	}
	if err := srv.api(ctx, "POST", "/api/v1/sessions/"+se.ID+"/start", tokens["admin"], nil, nil, 200); err != nil {
		return err
	}

	// Note numbering: step 0 is the warm-up, step i the i-th rate.
	const warmup = 20
	stepFirst := []int{0}
	total := warmup
	for _, r := range cfg.rates {
		stepFirst = append(stepFirst, total)
		total += max(10, int(r*cfg.step.Seconds()))
	}
	n := &notes{sent: make([]atomic.Int64, total), stepOf: make([]int32, total), delivered: make([]atomic.Int64, len(cfg.rates)+1)}
	for s := range stepFirst {
		end := total
		if s+1 < len(stepFirst) {
			end = stepFirst[s+1]
		}
		for k := stepFirst[s]; k < end; k++ {
			n.stepOf[k] = int32(s)
		}
	}
	pub := &publisher{srv: srv, token: tokens["rapporteur"], sessionID: se.ID, notes: n, workers: cfg.workers}
	readers := []string{tokens["observer"], tokens["delegate"], tokens["head"], tokens["admin"]}
	wsURL := wsURLOf(srv.base)

	// Warm up the server's paths, then measure its memory with no connection
	// and with the subscribers connected and idle.
	warm, err := openSubscribers(ctx, 50, wsURL, readers, se.ID, n, len(cfg.rates)+1)
	if err != nil {
		return err
	}
	pub.run(ctx, 0, warmup, 50)
	for _, s := range warm {
		s.ws.Close()
	}
	time.Sleep(2 * time.Second)
	rss0, _ := rssKiB(pid)
	t0 := time.Now()
	subs, err := openSubscribers(ctx, cfg.subscribers, wsURL, readers, se.ID, n, len(cfg.rates)+1)
	if err != nil {
		return err
	}
	opened := time.Since(t0)
	defer func() {
		for _, s := range subs {
			s.ws.Close()
		}
	}()
	for _, s := range subs {
		go s.read(n)
	}
	time.Sleep(3 * time.Second) // let the idle connections settle (and the GC run)
	rss1, _ := rssKiB(pid)
	perConn := float64(rss1-rss0) / float64(cfg.subscribers)
	rep.printf("subscribers: %d opened and caught up in %v (%.0f/s)\n", cfg.subscribers, opened.Round(time.Millisecond), float64(cfg.subscribers)/opened.Seconds())
	rep.printf("server RSS: %.1f MiB without connections, %.1f MiB with %d idle connections: %.1f KiB per idle connection\n\n",
		float64(rss0)/1024, float64(rss1)/1024, cfg.subscribers, perConn)

	// Raw store inserts, same run, while the server idles.
	raw, err := rawInserts(ctx, filepath.Join(root, "raw"), cfg.inserts)
	if err != nil {
		return err
	}

	rep.printf("CPU columns are in cores (the machine has %d): the server process, this harness (publisher and subscribers), the kernel's softirq time (loopback TCP, charged to no process), and every other process on the machine.\n\n", runtime.NumCPU())
	rep.printf("| rate (notes/s) | posted | achieved/s | deliveries | deliveries/s | lost | dropped | p50 | p90 | p99 | max | POST p50 | POST p99 | CPU server | CPU harness | CPU softirq | CPU others |\n")
	rep.printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	type result struct {
		rate           float64
		deliveriesPerS float64
		p50, p99       float64 // ms
		postP50        float64
		postP99        float64
		lost, dropped  int
		ok             bool
	}
	var results []result
	alive := func() int {
		c := 0
		for _, s := range subs {
			s.mu.Lock()
			if !s.closed {
				c++
			}
			s.mu.Unlock()
		}
		return c
	}
	for i, rate := range cfg.rates {
		step := i + 1
		first, count := stepFirst[step], max(10, int(rate*cfg.step.Seconds()))
		before := alive()
		cpu0, self0 := cpuSeconds(pid), cpuSeconds(os.Getpid())
		soft0, busy0 := machineBusy()
		stepStart := time.Now()
		pr := pub.run(ctx, first, count, rate)
		// Wait for the deliveries still in flight (bounded).
		want := int64(pr.posted) * int64(before)
		deadline := time.Now().Add(10 * time.Second)
		for n.delivered[step].Load() < want && time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		elapsed := time.Since(stepStart)
		cpu := (cpuSeconds(pid) - cpu0) / elapsed.Seconds()
		self := (cpuSeconds(os.Getpid()) - self0) / elapsed.Seconds()
		soft1, busy1 := machineBusy()
		softirq := (soft1 - soft0) / elapsed.Seconds()
		others := (busy1-busy0)/elapsed.Seconds() - cpu - self
		delivered := n.delivered[step].Load()
		var lat []int32
		for _, s := range subs {
			s.mu.Lock()
			lat = append(lat, s.latencies[step]...)
			s.mu.Unlock()
		}
		after := alive()
		res := result{
			rate:           rate,
			deliveriesPerS: float64(delivered) / elapsed.Seconds(),
			p50:            pct(lat, 50), p99: pct(lat, 99),
			postP50: pct(pr.postLat, 50), postP99: pct(pr.postLat, 99),
			lost: int(want - delivered), dropped: before - after,
		}
		res.ok = res.lost == 0 && res.dropped == 0 && pr.failed == 0 && res.p99 <= 250
		results = append(results, res)
		achieved := float64(pr.posted) / pr.duration.Seconds()
		rep.printf("| %g | %d | %.1f | %d | %.0f | %d | %d | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %.2f |\n",
			rate, pr.posted, achieved, delivered, res.deliveriesPerS, res.lost, res.dropped,
			ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(pct(lat, 100)),
			ms(res.postP50), ms(res.postP99), cpu, self, softirq, max(others, 0))
		if pr.failed > 0 {
			rep.printf("\n%d posts failed at %g notes/s\n", pr.failed, rate)
		}
		if !res.ok && (res.p99 > 1000 || res.lost > 0 || res.dropped > 0 || achieved < 0.9*rate) {
			break // higher rates only do worse; keep the run short
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}

	dupes := 0
	codes := map[int]int{}
	for _, s := range subs {
		s.mu.Lock()
		dupes += s.dupes
		if s.closed {
			codes[s.closeCode]++
		}
		s.mu.Unlock()
	}
	rep.printf("\nduplicates received: %d; connections closed during the run: %v\n\n", dupes, codes)

	rep.printf("## Summary at %d subscribers\n\n", cfg.subscribers)
	best := -1
	for i, r := range results {
		if r.ok && (best < 0 || r.rate > results[best].rate) {
			best = i
		}
	}
	if best >= 0 {
		r := results[best]
		rep.printf("- highest rate with p99 ≤ 250 ms and no loss: %g notes/s = %.0f deliveries/s (p99 %s) — goal ≥ 100,000 deliveries/s\n",
			r.rate, r.deliveriesPerS, ms(r.p99))
	} else {
		rep.printf("- no rate met p99 ≤ 250 ms with no loss\n")
	}
	for _, r := range results {
		if r.rate == 20 {
			rep.printf("- at 20 notes/s: p50 %s, p99 %s — goal p99 ≤ 50 ms\n", ms(r.p50), ms(r.p99))
			rep.printf("- POST → 201 at 20 notes/s: p50 %s, p99 %s\n", ms(r.postP50), ms(r.postP99))
		}
	}
	rep.printf("- raw insert into a second embedded store (%d inserts, one at a time): p50 %s, p99 %s\n",
		len(raw), ms(pct(raw, 50)), ms(pct(raw, 99)))
	rep.printf("- resident memory per idle connection: %.1f KiB — goal ≤ 24 KiB\n", perConn)
	return nil
}

// pct returns the p-th percentile of microsecond samples, in milliseconds
// (nearest rank); NaN for no samples.
func pct(us []int32, p float64) float64 {
	if len(us) == 0 {
		return -1
	}
	s := slices.Clone(us)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	i = min(max(i, 0), len(s)-1)
	return float64(s[i]) / 1000
}

func ms(v float64) string {
	switch {
	case v < 0:
		return "–"
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	default:
		return fmt.Sprintf("%.0f ms", v)
	}
}

// listPage is the first page of a list answer (docs/api.md: {items, next_cursor}).
type listPage[T any] struct {
	Items []T `json:"items"`
}
