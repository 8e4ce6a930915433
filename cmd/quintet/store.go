package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/quintet-ag/quintet/config"
	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/embedded"
	"github.com/quintet-ag/quintet/internal/metrics"
	"github.com/quintet-ag/quintet/internal/mongostore"
	"github.com/quintet-ag/quintet/internal/password"
)

// backend is an open store and how to close it, in order.
type backend struct {
	store *mongostore.Store
	close func(ctx context.Context) error
}

// openBackend connects to MongoDB when a URI is configured, and otherwise
// starts the embedded store in the data directory.
func openBackend(ctx context.Context, cfg Config, logger *slog.Logger) (*backend, error) {
	uri := cfg.MongoDBURI
	var emb *embedded.Server
	if uri == "" {
		var err error
		if emb, err = embedded.Open(ctx, cfg.DataDir, logger); err != nil {
			return nil, err
		}
		uri = emb.URI()
	}
	store, err := mongostore.Open(ctx, uri, cfg.Database)
	if err == nil {
		err = store.EnsureIndexes(ctx)
	}
	if err != nil {
		if emb != nil {
			_ = emb.Close()
		}
		return nil, err
	}
	return &backend{store: store, close: func(ctx context.Context) error {
		err := store.Close(ctx)
		if emb != nil {
			err = errors.Join(err, emb.Close())
		}
		return err
	}}, nil
}

// openService opens the backend and loads the working set.
// With m, the Service's store writes are timed and counted.
func openService(ctx context.Context, cfg Config, logger *slog.Logger, m *metrics.Metrics) (*conference.Service, *backend, error) {
	b, err := openBackend(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	// A restore that did not finish left the store half-written: serving it
	// would serve half a backup.
	if unfinished, err := b.store.RestoreUnfinished(ctx); err != nil || unfinished {
		_ = b.close(context.WithoutCancel(ctx))
		if err == nil {
			err = errors.New("a restore into this store began and did not finish; run quintet restore --force with the backup again")
		}
		return nil, nil, err
	}
	var store conference.Store = b.store
	if m != nil {
		store = observedStore{Store: b.store, m: m}
	}
	svc := conference.NewService(store, password.New())
	if err := svc.Load(ctx); err != nil {
		_ = b.close(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	// A register import that died half-way left entries nobody sees.
	if n, err := svc.DiscardUnfinishedImports(ctx); err != nil {
		logger.Warn("discard unfinished imports", slog.Any("err", err))
	} else if n > 0 {
		logger.Info("discarded the entries of unfinished imports", slog.Int("entries", n))
	}
	return svc, b, nil
}

// seedIfEmpty loads config/seed on the first start: once the database holds
// anything, the secretariat's edits rule, and a removed session stays removed.
func seedIfEmpty(ctx context.Context, svc *conference.Service, logger *slog.Logger) error {
	if !svc.Empty() {
		return nil
	}
	data, err := config.LoadSeed(config.Seed)
	if err != nil {
		return err
	}
	n, err := svc.Seed(ctx, data)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	logger.Info("loaded the seed data", slog.Int("documents", n))
	return nil
}
