// Command storeserver runs Quintet's embedded store (FerretDB 1.24, SQLite
// backend) on TCP, so that several `quintet serve` processes can share it:
// the store of the two-instance test and of a small scale-out without
// MongoDB (docs/operations.md, "Scale out"). It exists because the
// `ferretdb` command that `go install` builds panics on a missing version
// file; the embeddable package runs fine from a program of ours.
//
//	storeserver -data DIR -addr 127.0.0.1:27017
//
// It creates the capped local.oplog.rs, without which FerretDB records no
// changes and the instances cannot follow each other, and prints one line,
// "storeserver: listening on mongodb://HOST:PORT/", once it accepts
// connections. SIGINT or SIGTERM stop it. FerretDB has no authentication
// here: keep -addr on loopback or a private network.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/quintet-ag/quintet/internal/embedded"
	"github.com/quintet-ag/quintet/internal/mongostore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "storeserver:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("storeserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", "./store", "directory of the store's files")
	addr := fs.String("addr", "127.0.0.1:27017", "TCP address to listen on (host:port; port 0 picks one)")
	database := fs.String("database", "quintet", "database whose indexes to create")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	startCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	srv, err := embedded.OpenTCP(startCtx, *dataDir, *addr, logger)
	if err != nil {
		return err
	}
	defer srv.Close()

	// The oplog and the indexes exist before any instance writes: an
	// instance that started first would otherwise write unrecorded.
	st, err := mongostore.Open(startCtx, srv.URI(), *database)
	if err != nil {
		return err
	}
	err = st.EnsureOplog(startCtx)
	if err == nil {
		err = st.EnsureIndexes(startCtx)
	}
	if cerr := st.Close(context.WithoutCancel(ctx)); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "storeserver: listening on %s\n", srv.TCPURI())
	<-ctx.Done()
	return nil
}
