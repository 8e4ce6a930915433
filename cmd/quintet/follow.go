package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/mongostore"
)

// followTimeout bounds how long a start waits for the change feed to be
// positioned and the store re-read.
const followTimeout = time.Minute

// follow keeps svc in step with the other instances on a shared store (a
// QUINTET_MONGODB_URI): it applies the store's change feed until the
// returned stop is called, which waits for it to end. It returns once the
// feed is positioned and the store re-read, so that the instance serves
// nothing older than its start. The embedded store belongs to this process
// alone and needs no feed.
func follow(ctx context.Context, cfg Config, svc *conference.Service, store *mongostore.Store, logger *slog.Logger) (stop func(), err error) {
	if cfg.MongoDBURI == "" {
		return func() {}, nil
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.Follow(fctx, store, ready, func(err error) { logger.Warn("change feed", slog.Any("err", err)) })
	}()
	stop = func() { cancel(); <-done }
	select {
	case <-ready:
		return stop, nil
	case <-ctx.Done():
		stop()
		return nil, ctx.Err()
	case <-time.After(followTimeout):
		stop()
		return nil, fmt.Errorf("the store's change feed did not start within %v", followTimeout)
	}
}
