package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/quintet-ag/quintet/frontend"
	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/live"
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

	svc, b, err := openService(ctx, cfg, logger)
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
	hub := live.NewHub(svc, live.Options{Logger: logger})
	svc.OnChange = hub.Changed
	defer hub.Close()
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
	app, built := frontend.Dist()
	if !built {
		logger.Warn("the web app is not built into this binary; run `make build` (the API works without it)")
	}
	handler, err := httpapi.New(svc, httpapi.Config{
		AllowedOrigins: cfg.origins(ln.Addr()),
		SecureCookies:  cfg.secureCookies(),
		TrustedProxies: cfg.TrustedProxies,
		Frontend:       app,
		Health:         b.store.Ping,
		Live:           hub.Serve,
		LoginLimitKeys: cfg.LoginLimitKeys,
		Logger:         logger,
	})
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// Long-lived requests see the server's context end at shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	if svc.NeedsSetup() {
		link := baseURL
		if cfg.PublicURL != "" {
			link = cfg.PublicURL
		}
		fmt.Fprintf(stdout, "\nNo account exists yet. Open this one-time link to create the first admin:\n\n    %s/#/setup?secret=%s\n\n", link, svc.BeginSetup())
	}
	fmt.Fprintf(stdout, "Quintet is listening on %s\n", baseURL)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go expireLogins(ctx, svc, logger)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
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
