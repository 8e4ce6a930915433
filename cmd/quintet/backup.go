package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/quintet-ag/quintet/internal/backup"
	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/embedded"
	"github.com/quintet-ag/quintet/internal/mongostore"
)

// The backup commands. One file format (internal/backup) whichever way the
// snapshot is taken: through the running server (its working set at one
// instant), or from the store (the embedded one while the server is stopped,
// or MongoDB at one cluster time). docs/operations.md tells an operator which
// to use.

// serverVersion names this build in a backup's header.
func serverVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v += "+" + s.Value
		}
	}
	return v
}

func backupHeader(source string) backup.Header {
	return backup.Header{SchemaVersion: mongostore.SchemaVersion, ServerVersion: serverVersion(),
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond), Source: source}
}

// writeSnapshot writes a working-set snapshot as a backup file: the server's
// GET /api/v1/backup.
func writeSnapshot(w io.Writer, snap *conference.Snapshot) error {
	return backup.WriteSnapshot(w, backupHeader("server"), snap, mongostore.Encode)
}

// dumpStore writes every document of the store as a backup file.
func dumpStore(ctx context.Context, store *mongostore.Store, snapshot bool, w io.Writer) error {
	bw, err := backup.NewWriter(w, backupHeader("store"))
	if err != nil {
		return err
	}
	err = store.Dump(ctx, snapshot,
		func(c conference.Collection) error { return bw.Begin(string(c)) },
		func(c conference.Collection, doc bson.Raw) error { return bw.Add(string(c), doc) })
	if err != nil {
		return err
	}
	return bw.Close()
}

func backupCommand(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("backup", stdout)
	out := fs.String("out", "", "the backup file to write (required)")
	server := fs.String("server", "", "back up through this running server (its URL, e.g. http://127.0.0.1:8080) instead of from the store")
	tokenFile := fs.String("token-file", "", "with --server: a file holding a secretariat account's API token (quintet token create)")
	if err := fs.Parse(args); err != nil || *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: quintet backup --out FILE [--server URL --token-file FILE]")
	}
	started := time.Now()
	err := writeFileAtomically(*out, func(w io.Writer) error {
		if *server != "" {
			return backupFromServer(ctx, *server, *tokenFile, w)
		}
		b, err := openBackend(ctx, cfg, logger)
		var inUse *embedded.InUseError
		if errors.As(err, &inUse) {
			return fmt.Errorf("%w\nThe server is running on this data directory: back up through it with --server URL --token-file FILE", err)
		}
		if err != nil {
			return err
		}
		defer b.close(context.WithoutCancel(ctx))
		// MongoDB may have running servers writing: read at one cluster
		// time. The embedded store is ours alone while we hold its lock.
		return dumpStore(ctx, b.store, cfg.MongoDBURI != "", w)
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	a, err := readBackup(*out)
	if err != nil {
		return fmt.Errorf("backup: the file written does not read back: %w", err)
	}
	fi, _ := os.Stat(*out)
	fmt.Fprintf(stdout, "Backed up %d documents in %d collections to %s (%d bytes, %s).\n",
		a.Manifest.Documents, len(a.Manifest.Collections), *out, fi.Size(), time.Since(started).Round(time.Millisecond))
	return nil
}

// backupFromServer streams GET /api/v1/backup into w.
func backupFromServer(ctx context.Context, server, tokenFile string, w io.Writer) error {
	if tokenFile == "" {
		return errors.New("--server needs --token-file: a secretariat account's API token")
	}
	tok, err := os.ReadFile(tokenFile)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(server, "/")+"/api/v1/backup", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("the server answered %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

// writeFileAtomically writes path through a temporary file in its
// directory, renamed into place only when write succeeded: a failed backup
// never leaves a file that looks like one.
func writeFileAtomically(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func readBackup(path string) (*backup.Archive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return backup.Read(f)
}

func restoreCommand(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("restore", stdout)
	in := fs.String("in", "", "the backup file to restore (required)")
	force := fs.Bool("force", false, "replace what the store holds (by default a store that holds anything is refused)")
	if err := fs.Parse(args); err != nil || *in == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: quintet restore --in FILE [--force]")
	}
	a, err := readBackup(*in)
	if err != nil {
		return fmt.Errorf("restore: %w; nothing was written", err)
	}
	b, err := openBackend(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer b.close(context.WithoutCancel(ctx))
	return restoreInto(ctx, b.store, a, *force, "the store", stdout)
}

// restoreInto writes a verified backup into store.
func restoreInto(ctx context.Context, store *mongostore.Store, a *backup.Archive, force bool, where string, stdout io.Writer) error {
	if a.Header.SchemaVersion != mongostore.SchemaVersion {
		return fmt.Errorf("restore: the backup's schema version is %d; this Quintet stores version %d; nothing was written",
			a.Header.SchemaVersion, mongostore.SchemaVersion)
	}
	cols := make([]mongostore.RestoreCollection, 0, len(a.Collections))
	for _, c := range a.Collections {
		cols = append(cols, mongostore.RestoreCollection{Name: conference.Collection(c.Name), Docs: c.Docs})
	}
	started := time.Now()
	if err := store.Restore(ctx, cols, force); err != nil {
		if errors.Is(err, mongostore.ErrNotEmpty) {
			return fmt.Errorf("restore: %s already holds data; nothing was written (--force replaces it)", where)
		}
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "Restored %d documents in %d collections into %s (taken %s by %s, server %s) in %s.\n",
		a.Manifest.Documents, len(a.Collections), where, a.Header.CreatedAt.Format(time.RFC3339), a.Header.Source,
		a.Header.ServerVersion, time.Since(started).Round(time.Millisecond))
	return nil
}

func migrateCommand(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("migrate", stdout)
	to := fs.String("to", "", "the MongoDB connection string to copy the store into (required)")
	database := fs.String("database", cfg.Database, "the database to write there")
	force := fs.Bool("force", false, "replace what the target database holds")
	if err := fs.Parse(args); err != nil || *to == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: quintet migrate --to mongodb://… [--database NAME] [--force]")
	}
	if cfg.MongoDBURI != "" && cfg.MongoDBURI == *to && cfg.Database == *database {
		return errors.New("migrate: the target is the store itself")
	}
	src, err := openBackend(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer src.close(context.WithoutCancel(ctx))
	// Through the backup format, in memory: the migration restores exactly
	// what a backup would hold, checked the same way.
	var buf bytes.Buffer
	if err := dumpStore(ctx, src.store, cfg.MongoDBURI != "", &buf); err != nil {
		return fmt.Errorf("migrate: read the store: %w", err)
	}
	a, err := backup.Read(&buf)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	dst, err := mongostore.Open(ctx, *to, *database)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer dst.Close(context.WithoutCancel(ctx))
	return restoreInto(ctx, dst, a, *force, "database "+*database+" at the target", stdout)
}
