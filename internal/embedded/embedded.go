// Package embedded runs Quintet's embedded store: FerretDB with its SQLite
// backend, in this process, under a data directory. It owns the layout of that
// directory, the lock that gives one process the directory, and the Unix
// socket through which the official MongoDB driver talks to FerretDB, so that
// the embedded store and a real MongoDB share one code path.
//
// Layout of a data directory:
//
//	quintet.lock   held (flock) by the process that owns the directory
//	db/            SQLite files, one per database
//	run/db.sock    FerretDB's socket; run/ is 0700, so only this user connects
package embedded

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Names inside the data directory.
const (
	LockFile   = "quintet.lock"
	DBDir      = "db"
	RunDir     = "run"
	socketFile = "db.sock" // the driver recognises a Unix socket by the ".sock" suffix
)

// MaxSocketPath is the longest socket path Open accepts. sun_path holds 108
// bytes on Linux and 104 on macOS and the BSDs, NUL included; the smaller
// limit keeps a data directory portable between them.
const MaxSocketPath = 103

// sqlitePragmas are added to FerretDB's SQLite URI. FerretDB adds its own
// defaults (busy_timeout, journal_mode(wal), auto_vacuum) only for pragmas
// that are absent, so these combine with them. In WAL mode the default
// synchronous(normal) may lose the last commits on power failure; full makes
// an acknowledged write durable, which is the promise the Service gives.
var sqlitePragmas = []string{"synchronous(full)"}

// ferretNewMu serialises ferretdb.New: it writes package-level state of
// FerretDB (its version info), which two servers starting at once (parallel
// tests) would race on.
var ferretNewMu sync.Mutex

// Server is a running embedded store. Close it to stop FerretDB and release
// the data directory.
type Server struct {
	uri    string
	tcpURI string // with OpenTCP
	socket string
	lock   *os.File

	stop context.CancelFunc
	done chan struct{} // closed when FerretDB's Run returned

	closeOnce sync.Once
	closeErr  error
}

// InUseError tells that another process (or another Server in this process)
// holds the data directory.
type InUseError struct {
	Dir      string // as given to Open
	LockFile string
	PID      int // of the holder, as it wrote it in the lock file; 0 if unknown
}

func (e *InUseError) Error() string {
	pid := ""
	if e.PID > 0 {
		pid = fmt.Sprintf("pid %d, ", e.PID)
	}
	return fmt.Sprintf("data directory %s is in use by another Quintet process (%slock file %s)", e.Dir, pid, e.LockFile)
}

// SocketPath returns the absolute path of the socket for dataDir, or an error
// when that path is too long for a Unix socket.
func SocketPath(dataDir string) (string, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", fmt.Errorf("data directory %s: %w", dataDir, err)
	}
	p := filepath.Join(abs, RunDir, socketFile)
	if len(p) > MaxSocketPath {
		return "", fmt.Errorf("data directory %s is too deep for the embedded store: its socket path %s is %d bytes, "+
			"longer than the %d a Unix socket allows; choose a shorter data directory path", dataDir, p, len(p), MaxSocketPath)
	}
	return p, nil
}

// Open takes the data directory, starts FerretDB on it and returns once
// FerretDB accepts connections. ctx bounds only the start; the server runs
// until Close. FerretDB's own logs go to logger (slog.Default() when nil),
// warnings and errors only, less known noise: at info level it logs every
// connection, and at warn level it dumps every failed command.
//
// Unlike most constructors, Open starts a goroutine: the store must be up
// before anything can load from it, and Close is its counterpart.
func Open(ctx context.Context, dataDir string, logger *slog.Logger) (*Server, error) {
	return open(ctx, dataDir, "", logger)
}

// OpenTCP is Open with a TCP listener on addr besides the socket, for a store
// that several Quintet processes share (cmd/storeserver). FerretDB has no
// authentication on this listener: bind it to loopback or a private network.
// TCPURI gives the address it listens on, a port 0 resolved.
func OpenTCP(ctx context.Context, dataDir, addr string, logger *slog.Logger) (*Server, error) {
	if addr == "" {
		return nil, errors.New("embedded: no TCP address")
	}
	return open(ctx, dataDir, addr, logger)
}

func open(ctx context.Context, dataDir, tcp string, logger *slog.Logger) (_ *Server, err error) {
	socket, err := SocketPath(dataDir)
	if err != nil {
		return nil, err
	}
	abs := filepath.Dir(filepath.Dir(socket))
	if logger == nil {
		logger = slog.Default()
	}

	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock, err := lockDir(dataDir, abs)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			unlock(lock)
		}
	}()

	dbDir := filepath.Join(abs, DBDir)
	runDir := filepath.Join(abs, RunDir)
	for _, d := range []string{dbDir, runDir} {
		if err := privateDir(d); err != nil {
			return nil, err
		}
	}
	if err := removeStaleSocket(socket); err != nil {
		return nil, err
	}

	ferretNewMu.Lock()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket, TCP: tcp}, // by default no TCP: nothing outside this user can connect
		Handler:   "sqlite",
		SQLiteURL: sqliteURI(dbDir),
		Logger:    slog.New(&ferretLog{Handler: logger.Handler()}).With("component", "ferretdb"),
	})
	ferretNewMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("start embedded store in %s: %w", dataDir, err)
	}

	// The server outlives ctx, which only bounds the start; it keeps ctx's values.
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{
		uri:    "mongodb://" + url.QueryEscape(socket) + "/",
		socket: socket,
		lock:   lock,
		stop:   stop,
		done:   make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = f.Run(runCtx) // always nil; it returns when runCtx is cancelled
	}()

	if err := waitForSocket(ctx, socket); err != nil {
		stop()
		<-s.done
		return nil, fmt.Errorf("start embedded store in %s: %w", dataDir, err)
	}
	if tcp != "" {
		// The listeners are up once the socket answers.
		s.tcpURI = f.MongoDBURI()
	}
	return s, nil
}

// URI is the MongoDB connection string of the server, for the official driver.
func (s *Server) URI() string { return s.uri }

// TCPURI is the connection string of the TCP listener of a server OpenTCP
// started, or "".
func (s *Server) TCPURI() string { return s.tcpURI }

// SocketPath is the absolute path of the server's Unix socket.
func (s *Server) SocketPath() string { return s.socket }

// Close stops FerretDB, waits until it has closed its connections and the
// SQLite files, and releases the data directory. Disconnect clients first:
// FerretDB gives connections still open a grace period of a few seconds.
// Close may be called more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.stop()
		<-s.done
		s.closeErr = unlock(s.lock)
	})
	return s.closeErr
}

// lockDir takes the data directory's lock file without waiting. flock locks
// belong to the open file, so a second Open in the same process fails like a
// second process would, and the kernel releases the lock when the process
// dies, so a crash leaves no stale lock behind.
func lockDir(dataDir, abs string) (*os.File, error) {
	path := filepath.Join(abs, LockFile)
	shown := filepath.Join(dataDir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", shown, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			e := &InUseError{Dir: dataDir, LockFile: shown}
			if b, err := os.ReadFile(path); err == nil {
				e.PID, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			}
			return nil, e
		}
		return nil, fmt.Errorf("lock %s: %w", shown, err)
	}
	// The pid is for the operator who meets the error above; the lock itself
	// is the flock, so a failure to write it is not fatal.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// unlock releases the lock. The file stays: removing it would let a process
// that opened it just before lock a file nobody else can see.
func unlock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("release lock file %s: %w", f.Name(), err)
	}
	return nil
}

// privateDir creates d with mode 0700, or makes an existing d 0700: the
// socket in run/ is protected only by its directory, and the SQLite files
// hold password hashes.
func privateDir(d string) error {
	if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: %w", d, err)
	}
	fi, err := os.Lstat(d)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", d)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(d, 0o700); err != nil {
			return fmt.Errorf("make %s private: %w", d, err)
		}
	}
	return nil
}

// removeStaleSocket removes a socket left by a process that died without
// closing it; holding the lock proves nobody serves it any more. Anything
// other than a socket at that path is not ours to remove.
func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket; remove it", path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	return nil
}

// sqliteURI is FerretDB's SQLite URI for dir: a "file:" URI of the
// directory (FerretDB wants the trailing slash) with our pragmas.
func sqliteURI(dir string) string {
	q := url.Values{"_pragma": sqlitePragmas}
	u := url.URL{Scheme: "file", Path: dir + "/", OmitHost: true, RawQuery: q.Encode()}
	return u.String()
}

// waitForSocket returns once a connection to the socket succeeds. FerretDB
// listens before New returns, so this normally succeeds at once; it guards
// against that changing in a later FerretDB.
func waitForSocket(ctx context.Context, path string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "unix", path)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("socket %s does not accept connections: %w", path, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ferretLog passes on FerretDB's warnings and errors, less its known noise.
// Below warn level FerretDB logs every connection and command, which would
// drown the service's own logs.
type ferretLog struct {
	slog.Handler
}

// ferretNoise are the starts of FerretDB warnings that tell nothing to an
// operator: a dump of every failed command's reply (a duplicate key, or the
// endSessions the driver sends when it disconnects, which FerretDB lacks),
// which the caller receives as an error anyway; and a benign race between a
// connection closing and its context ending.
var ferretNoise = []string{"Response header: ", "Response message:", "Failed to set deadline: "}

func (h *ferretLog) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h *ferretLog) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return nil
	}
	if r.Level < slog.LevelError {
		for _, p := range ferretNoise {
			if strings.HasPrefix(r.Message, p) {
				return nil
			}
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h *ferretLog) WithAttrs(as []slog.Attr) slog.Handler {
	return &ferretLog{Handler: h.Handler.WithAttrs(as)}
}

func (h *ferretLog) WithGroup(name string) slog.Handler {
	return &ferretLog{Handler: h.Handler.WithGroup(name)}
}
