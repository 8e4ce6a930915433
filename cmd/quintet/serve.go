package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quintet-ag/quintet/frontend"
	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/live"
	"github.com/quintet-ag/quintet/internal/metrics"
)

func serveCommand(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("serve", stdout)
	demo := fs.Bool("demo", false, "create one demo account per role and delegation and print their passwords (loopback addresses only)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *demo && !loopback(cfg.Addr) {
		return fmt.Errorf("--demo creates accounts with printed passwords; it runs only on a loopback address, not %s", cfg.Addr)
	}

	started := time.Now()
	m := metrics.New()
	svc, b, err := openService(ctx, cfg, logger, m)
	if err != nil {
		return err
	}
	// The store closes last, after the HTTP server stopped using it.
	defer func() {
		if err := b.close(context.WithoutCancel(ctx)); err != nil {
			logger.Error("close store", slog.Any("err", err))
		}
	}()
	// The live hub hears of every stored change. It is closed after the HTTP
	// server's Shutdown (which leaves hijacked WebSockets open) and, deferred
	// after the store's close, before the store closes.
	hub := live.NewHub(svc, live.Options{Logger: logger, MaxConnsPerUser: cfg.LiveConnsPerUser})
	svc.OnChange = hub.Changed
	defer hub.Close()
	// Changes of the other instances on a shared store; stopped before the
	// hub and the store close.
	stopFollowing, err := follow(ctx, cfg, svc, b.store, logger)
	if err != nil {
		return err
	}
	defer stopFollowing()
	watch(m, svc, hub)
	if err := seedIfEmpty(ctx, svc, logger); err != nil {
		return err
	}
	if *demo {
		if err := createDemoAccounts(ctx, svc, stdout); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	baseURL := "http://" + displayAddr(ln.Addr())
	// /metrics on the main port to loopback clients, or on a listener of its own.
	var stopping atomic.Bool
	var metricsHere http.Handler = m.Handler()
	if cfg.MetricsAddr != "" {
		metricsHere = http.NotFoundHandler() // not here: an unknown path, not the web app
		stopMetrics, err := serveMetrics(ctx, cfg.MetricsAddr, m, logger)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopMetrics()
	}
	app, built := frontend.Dist()
	if !built {
		logger.Warn("the web app is not built into this binary; run `make build` (the API works without it)")
	}
	handler, err := httpapi.New(svc, httpapi.Config{
		AllowedOrigins: cfg.origins(ln.Addr()),
		PublicURL:      cfg.PublicURL,
		SecureCookies:  cfg.secureCookies(),
		TrustedProxies: cfg.TrustedProxies,
		Frontend:       app,
		Health:         b.store.Ping,
		Live:           hub.Serve,
		LoginLimitKeys: cfg.LoginLimitKeys,
		Idempotency:    b.store,
		Backup:         observedBackup(m),
		Ready:          readiness(b.store, &stopping),
		Observer:       m,
		Metrics:        metricsHere,
		Logger:         logger,
	})
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler: handler,
		// A client that sends its request slowly holds a connection (and a
		// file descriptor) for as long as it likes unless the whole request,
		// body included, must arrive in time. The live endpoint's upgrade
		// clears these deadlines once the connection is a WebSocket, and the
		// hub sets its own.
		ReadHeaderTimeout: min(10*time.Second, cfg.ReadTimeout),
		ReadTimeout:       cfg.ReadTimeout,
		// Counted from the end of the headers, so it covers the body's read
		// too; the rest is for the handler (an import of a large CSV file
		// writes many entries) and for a client that reads its answer slowly.
		WriteTimeout:   cfg.ReadTimeout + 2*time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// Long-lived requests see the server's context end at shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	if cfg.MaxConnsPerAddress > 0 {
		srv.ConnState = newConnCap(cfg.MaxConnsPerAddress, cfg.TrustedProxies).track
	}
	if svc.NeedsSetup() {
		link := baseURL
		if cfg.PublicURL != "" {
			link = cfg.PublicURL
		}
		fmt.Fprintf(stdout, "\nNo account exists yet. Open this one-time link to create the first admin:\n\n    %s/#/setup?secret=%s\n\n", link, svc.BeginSetup())
	}
	m.SetStartup(time.Since(started))
	logger.Info("started", slog.Duration("startup", time.Since(started)))
	fmt.Fprintf(stdout, "Quintet is listening on %s\n", baseURL)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go expireLogins(ctx, svc, logger)
	go expireIdempotentAnswers(ctx, svc, b.store, logger)
	go sendReminders(ctx, cfg, svc, b.store, cmp.Or(cfg.PublicURL, baseURL), logger)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	stopping.Store(true)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	// Store writes run on contexts of their own, which a hung-up client or
	// the end of a request does not cancel: wait for those still in flight
	// before the deferred calls close the hub and the store.
	drainCtx, cancelDrain := context.WithTimeout(context.WithoutCancel(ctx), svc.WriteTimeout)
	defer cancelDrain()
	if err := svc.Drain(drainCtx); err != nil {
		logger.Error("shutdown", slog.Any("err", err))
	}
	if shutdownErr != nil && !errors.Is(shutdownErr, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	return nil
}

// connCap bounds the HTTP connections open at once from one client address,
// so that one machine cannot take every file descriptor the process has.
// Connections are counted from the server's ConnState hook rather than by
// wrapping the listener: a wrapped net.Conn would hide *net.TCPConn from the
// code that half-closes sockets (and from sendfile).
//
// A connection leaves the count when it closes or is hijacked: a hijacked one
// is a signed-in WebSocket, which the live hub bounds. Trusted proxies are
// not counted, as every client behind them shares their address; the proxy
// bounds its own clients.
type connCap struct {
	max    int
	exempt []netip.Prefix

	mu      sync.Mutex
	open    map[netip.Prefix]int      // by client key
	counted map[net.Conn]netip.Prefix // the connections in open, with their key
}

func newConnCap(max int, trusted []string) *connCap {
	c := &connCap{max: max, open: map[netip.Prefix]int{}, counted: map[net.Conn]netip.Prefix{}}
	for _, t := range trusted {
		if p, err := netip.ParsePrefix(t); err == nil {
			c.exempt = append(c.exempt, p.Masked())
		} else if a, err := netip.ParseAddr(t); err == nil {
			c.exempt = append(c.exempt, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return c
}

// clientKey is the address a connection is counted under: the IPv4 address,
// or the /64 network of an IPv6 one (a single host is commonly given a whole
// /64, so counting single IPv6 addresses would bound nothing).
func (c *connCap) clientKey(nc net.Conn) (netip.Prefix, bool) {
	ap, err := netip.ParseAddrPort(nc.RemoteAddr().String())
	if err != nil {
		return netip.Prefix{}, false
	}
	a := ap.Addr().Unmap()
	for _, p := range c.exempt {
		if p.Contains(a) {
			return netip.Prefix{}, false
		}
	}
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p, true
}

// track is the server's ConnState hook. It runs on the accept loop for a new
// connection, so it does no more than count, and close one over the cap.
func (c *connCap) track(nc net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		key, ok := c.clientKey(nc)
		if !ok {
			return
		}
		c.mu.Lock()
		c.open[key]++
		c.counted[nc] = key
		over := c.open[key] > c.max
		c.mu.Unlock()
		if over {
			// The server then fails to read, and reports StateClosed.
			nc.Close()
		}
	case http.StateClosed, http.StateHijacked:
		c.mu.Lock()
		if key, ok := c.counted[nc]; ok {
			delete(c.counted, nc)
			if c.open[key]--; c.open[key] <= 0 {
				delete(c.open, key)
			}
		}
		c.mu.Unlock()
	}
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// displayAddr is the address as a browser would type it.
func displayAddr(a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func healthcheck(ctx context.Context, cfg Config) error {
	_, port, _ := net.SplitHostPort(cfg.Addr)
	host, _, _ := net.SplitHostPort(cfg.Addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
	}
	return nil
}

// expireLogins sweeps expired logins once a minute until ctx ends.
func expireLogins(ctx context.Context, svc *conference.Service, logger *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := svc.ExpireLogins(ctx); err != nil {
				logger.Warn("expire logins", slog.Any("err", err))
			} else if n > 0 {
				logger.Info("expired logins", slog.Int("count", n))
			}
		}
	}
}

// expireIdempotentAnswers removes the replayable answers whose day is over,
// at start and then hourly: an expired answer is never replayed (the lookup
// checks), so the sweep only keeps the collection small.
func expireIdempotentAnswers(ctx context.Context, svc *conference.Service, st conference.IdempotencyStore, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := st.ExpireAnswers(ctx, svc.Now()); err != nil {
			if ctx.Err() == nil {
				logger.Warn("expire idempotent answers", slog.Any("err", err))
			}
		} else if n > 0 {
			logger.Info("expired idempotent answers", slog.Int64("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
