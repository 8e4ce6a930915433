// Package storetest gives tests a real store: the embedded FerretDB in a
// temporary directory, behind a mongostore.Store with its indexes, torn down
// when the test ends. Tests of every package that persists go through it, so
// that they run against the same code path as production.
package storetest

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/embedded"
	"github.com/quintet-ag/quintet/internal/mongostore"
)

// Database is the database name Open uses.
const Database = "quintet"

// Open starts an empty embedded store for tb and returns a Store on it with
// its indexes, and the store's URI for tests that want their own client.
// Both are closed when tb ends: the Store first, then the server.
func Open(tb testing.TB) (*mongostore.Store, string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	srv, err := embedded.Open(ctx, DataDir(tb), slog.New(slog.NewTextHandler(tbWriter{tb}, nil)))
	if err != nil {
		tb.Fatalf("storetest: start embedded store: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("storetest: stop embedded store: %v", err)
		}
	})

	st, err := mongostore.Open(ctx, srv.URI(), Database)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	// Cleanups run last-in first-out: the client disconnects before the
	// server stops, so the server need not wait for open connections.
	tb.Cleanup(func() {
		if err := st.Close(context.Background()); err != nil {
			tb.Errorf("storetest: %v", err)
		}
	})
	if err := st.EnsureIndexes(ctx); err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	return st, srv.URI()
}

// DataDir returns a fresh data directory for an embedded store under
// tb.TempDir(), or under a short directory of /tmp when the test's name makes
// the socket path too long for a Unix socket. Tests that start the program
// itself over its embedded store (cmd/quintet) use it too.
func DataDir(tb testing.TB) string {
	tb.Helper()
	d := filepath.Join(tb.TempDir(), "data")
	if _, err := embedded.SocketPath(d); err == nil {
		return d
	}
	short, err := os.MkdirTemp("/tmp", "qt")
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(short) })
	return filepath.Join(short, "data")
}

// UnusedAddr returns a loopback address that was free a moment ago, so that
// nothing listens there: the address of a server that is not running.
func UnusedAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// tbWriter sends the embedded store's warnings to the test log, where they
// appear next to the test they concern.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(string(p))
	return len(p), nil
}
