package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/live"
	"github.com/quintet-ag/quintet/internal/metrics"
	"github.com/quintet-ag/quintet/internal/mongostore"
)

// observedStore is the store as the Service sees it when serving: every
// write timed and, when it fails, counted. Reads pass through.
type observedStore struct {
	*mongostore.Store
	m *metrics.Metrics
}

func (s observedStore) observe(op string, c conference.Collection, start time.Time, err error) error {
	s.m.ObserveStoreWrite(op, string(c), time.Since(start), err)
	return err
}

func (s observedStore) Insert(ctx context.Context, c conference.Collection, doc any) error {
	start := time.Now()
	return s.observe("insert", c, start, s.Store.Insert(ctx, c, doc))
}

func (s observedStore) Replace(ctx context.Context, c conference.Collection, id string, doc any) error {
	start := time.Now()
	return s.observe("replace", c, start, s.Store.Replace(ctx, c, id, doc))
}

func (s observedStore) Delete(ctx context.Context, c conference.Collection, id string) error {
	start := time.Now()
	return s.observe("delete", c, start, s.Store.Delete(ctx, c, id))
}

func (s observedStore) InsertMany(ctx context.Context, c conference.Collection, docs []any) error {
	start := time.Now()
	return s.observe("insert_many", c, start, s.Store.InsertMany(ctx, c, docs))
}

func (s observedStore) DeleteMany(ctx context.Context, c conference.Collection, ids []string) error {
	start := time.Now()
	return s.observe("delete_many", c, start, s.Store.DeleteMany(ctx, c, ids))
}

// watch registers what is read at each scrape: the live hub and the
// working set.
func watch(m *metrics.Metrics, svc *conference.Service, hub *live.Hub) {
	m.WatchLive(metrics.Live{Connections: hub.Connections, Subscriptions: hub.Subscriptions,
		Delivered: hub.Delivered, Dropped: hub.Dropped})
	m.WatchWorkingSet(func() map[string]int {
		out := map[string]int{}
		for c, n := range svc.Sizes() {
			out[string(c)] = n
		}
		return out
	})
}

// observedBackup is writeSnapshot, timed and counted.
func observedBackup(m *metrics.Metrics) func(w io.Writer, snap *conference.Snapshot) error {
	return func(w io.Writer, snap *conference.Snapshot) error {
		start := time.Now()
		err := writeSnapshot(w, snap)
		m.ObserveBackup(time.Since(start), err)
		return err
	}
}

// readiness is /readyz's check: the working set is loaded before the server
// listens, so it asks the store, and answers no once shutdown has begun, so
// that a load balancer stops sending requests before the listener closes.
func readiness(store *mongostore.Store, stopping *atomic.Bool) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if stopping.Load() {
			return errors.New("shutting down")
		}
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		return store.Ping(ctx)
	}
}

// serveMetrics serves /metrics on a listener of its own until ctx ends.
func serveMetrics(ctx context.Context, addr string, m *metrics.Metrics, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener", slog.Any("err", err))
		}
	}()
	logger.Info("serving metrics", slog.String("addr", ln.Addr().String()))
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
