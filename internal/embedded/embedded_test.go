package embedded_test

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.uber.org/goleak"

	"github.com/quintet-ag/quintet/internal/embedded"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// shortDir returns a fresh directory whose socket path fits a Unix socket,
// whatever the test's name.
func shortDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := embedded.SocketPath(filepath.Join(dir, "data")); err == nil {
		return dir
	}
	dir, err := os.MkdirTemp("", "qt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func open(t *testing.T, dataDir string, logger *slog.Logger) *embedded.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := embedded.Open(ctx, dataDir, logger)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func connect(t *testing.T, uri string) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatalf("Connect(%s): %v", uri, err)
	}
	// Registered after the server's Close, so it runs before it: the driver
	// disconnects first, and FerretDB need not wait for open connections.
	t.Cleanup(func() {
		if err := c.Disconnect(context.Background()); err != nil {
			t.Errorf("Disconnect: %v", err)
		}
	})
	return c
}

func TestOpenServesTheDriver(t *testing.T) {
	dataDir := filepath.Join(shortDir(t), "data") // absent: Open creates it
	s := open(t, dataDir, nil)

	if got := s.URI(); !strings.HasPrefix(got, "mongodb://%2F") || !strings.HasSuffix(got, "%2Frun%2Fdb.sock/") {
		t.Fatalf("URI()=%q, want the escaped socket path as host", got)
	}
	if got, want := s.SocketPath(), filepath.Join(dataDir, "run", "db.sock"); got != want {
		t.Fatalf("SocketPath()=%q, want %q", got, want)
	}

	ctx := context.Background()
	c := connect(t, s.URI())
	coll := c.Database("quintet").Collection("things")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 42}}); err != nil {
		t.Fatalf("InsertOne: %v", err)
	}
	var got struct {
		ID string `bson:"_id"`
		N  int    `bson:"n"`
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Decode(&got); err != nil {
		t.Fatalf("FindOne: %v", err)
	}
	if got.ID != "a" || got.N != 42 {
		t.Fatalf("FindOne=%+v, want {a 42}", got)
	}

	// The SQLite files are where the layout says.
	if _, err := os.Stat(filepath.Join(dataDir, "db", "quintet.sqlite")); err != nil {
		t.Fatalf("database file: %v", err)
	}
}

func TestDirectoriesArePrivate(t *testing.T) {
	dataDir := filepath.Join(shortDir(t), "data")
	// run/ exists already with a wide mode, as left by a careless hand.
	if err := os.MkdirAll(filepath.Join(dataDir, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dataDir, "run"), 0o777); err != nil {
		t.Fatal(err)
	}
	open(t, dataDir, nil)
	for _, d := range []string{dataDir, filepath.Join(dataDir, "db"), filepath.Join(dataDir, "run")} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o700 {
			t.Errorf("mode of %s=%v, want 0700", d, got)
		}
	}
	fi, err := os.Stat(filepath.Join(dataDir, "quintet.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode of the lock file=%v, want 0600", got)
	}
}

func TestSecondOpenFails(t *testing.T) {
	base := shortDir(t)
	t.Chdir(base) // to see the directory named as the operator typed it
	open(t, "./data", nil)

	_, err := embedded.Open(context.Background(), "./data", nil)
	if err == nil {
		t.Fatal("second Open on one data directory succeeded")
	}
	want := "data directory ./data is in use by another Quintet process (pid " + strconv.Itoa(os.Getpid()) +
		", lock file data/quintet.lock)"
	if got := err.Error(); got != want {
		t.Fatalf("second Open: error %q, want %q", got, want)
	}
	var inUse *embedded.InUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("second Open: error %T, want *embedded.InUseError", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dataDir := filepath.Join(shortDir(t), "data")
	ctx := context.Background()

	s, err := embedded.Open(ctx, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := mongo.Connect(options.Client().ApplyURI(s.URI()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Database("quintet").Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: "kept"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := os.Lstat(s.SocketPath()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("socket after Close: %v, want it removed", err)
	}

	// Close released the lock: the directory can be opened again.
	s = open(t, dataDir, nil)
	n, err := connect(t, s.URI()).Database("quintet").Collection("things").CountDocuments(ctx, bson.D{{Key: "_id", Value: "kept"}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("after reopening, %d documents, want 1", n)
	}
}

func TestStaleSocketIsRemoved(t *testing.T) {
	dataDir := filepath.Join(shortDir(t), "data")
	sock, err := embedded.SocketPath(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(sock), 0o700); err != nil {
		t.Fatal(err)
	}
	// A socket file left behind, as by a process that was killed.
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Lstat(sock); err != nil {
		t.Fatalf("stale socket was not left: %v", err)
	}

	s := open(t, dataDir, nil)
	if err := connect(t, s.URI()).Ping(context.Background(), nil); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestSocketPathTooLong(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), strings.Repeat("d", 120))
	_, err := embedded.Open(context.Background(), dataDir, nil)
	if err == nil {
		t.Fatal("Open with a socket path over the limit succeeded")
	}
	if !strings.Contains(err.Error(), "choose a shorter data directory") {
		t.Fatalf("Open: error %q, want it to say what to do", err)
	}
	if _, err := os.Stat(dataDir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open failed but created the data directory (%v)", err)
	}
}

// records keeps log records.
type records struct {
	mu  sync.Mutex
	got []slog.Record
}

func (l *records) Enabled(context.Context, slog.Level) bool { return true }
func (l *records) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, r)
	return nil
}
func (l *records) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *records) WithGroup(string) slog.Handler      { return l }

func TestLogsOnlyWarnings(t *testing.T) {
	rec := &records{}
	s := open(t, filepath.Join(shortDir(t), "data"), slog.New(rec))
	c, err := mongo.Connect(options.Client().ApplyURI(s.URI()))
	if err != nil {
		t.Fatal(err)
	}
	// Connections, commands and a failing command, all of which FerretDB
	// logs at info or debug level.
	ctx := context.Background()
	coll := c.Database("quintet").Collection("things")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1}}); err == nil {
		t.Fatal("duplicate _id was accepted")
	}
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, r := range rec.got {
		if r.Level < slog.LevelWarn {
			t.Errorf("FerretDB logged %q at %v; want only warnings and errors", r.Message, r.Level)
		}
		// The failed insert and the driver's endSessions would each dump
		// FerretDB's reply.
		if strings.HasPrefix(r.Message, "Response") {
			t.Errorf("FerretDB dumped a reply: %q", r.Message)
		}
	}
}

// Tests of other packages start stores in parallel (storetest); FerretDB
// keeps some package-level state, which must not race.
func TestParallelServers(t *testing.T) {
	for i := range 3 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			s := open(t, filepath.Join(shortDir(t), "data"), nil)
			c := connect(t, s.URI())
			ctx := context.Background()
			if _, err := c.Database("quintet").Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: i}}); err != nil {
				t.Fatal(err)
			}
			var info bson.M
			if err := c.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
				t.Fatal(err)
			}
		})
	}
}
