package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/problem"
)

// What an operator sees of the HTTP layer: a request id on every answer
// (X-Request-Id, and request_id in every 5xx body, so that a user's report
// finds its log line), one access-log line per request, the requests counted
// and timed by route template for /metrics, and /readyz beside /healthz.

// Observer is told of every answered request; internal/metrics implements it.
type Observer interface {
	ObserveRequest(method, route string, status int, d time.Duration)
}

// requestIDPattern is what an upstream proxy's request id must look like to
// be logged beside ours: short, and nothing that could forge a log line.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// observe is the first middleware: it names the request, and when the
// answer is written, logs and counts it.
func (a *api) observe(c *gin.Context) {
	start := time.Now()
	id := newRequestID()
	c.Writer.Header()[problem.RequestIDHeader] = []string{id} // the name is canonical already
	upstream := c.GetHeader(problem.RequestIDHeader)
	c.Next()

	d := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "unmatched" // the web app's files and unknown paths: one series, not one per path
	}
	status := c.Writer.Status()
	if a.cfg.Observer != nil {
		a.cfg.Observer.ObserveRequest(c.Request.Method, route, status, d)
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if !a.log.Enabled(c.Request.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", id),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.Int("bytes", max(c.Writer.Size(), 0)),
		slog.String("client", c.ClientIP()),
	}
	if u := actor(c); u != nil {
		attrs = append(attrs, slog.String("user", u.ID))
	}
	if upstream != "" && requestIDPattern.MatchString(upstream) {
		attrs = append(attrs, slog.String("upstream_request_id", upstream))
	}
	a.log.LogAttrs(context.WithoutCancel(c.Request.Context()), level, "request", attrs...)
}

// newRequestID is 16 hex digits: unique enough to find one line in a day of
// logs, short enough to read out over the phone. The first eight are drawn
// at random once per process, so that two instances do not collide; the
// last eight count this process's requests, so that naming a request costs
// no call for randomness. An id is not a secret: nothing trusts it.
func newRequestID() string {
	v := requestIDPrefix<<32 | requestIDCount.Add(1)&0xffffffff
	var raw [8]byte
	binary.BigEndian.PutUint64(raw[:], v)
	return hex.EncodeToString(raw[:])
}

var (
	requestIDPrefix = func() uint64 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		return uint64(binary.BigEndian.Uint32(b[:]))
	}()
	requestIDCount atomic.Uint64
)

// requestID is the id observe gave the request, or "" outside it.
func requestID(c *gin.Context) string { return c.Writer.Header().Get(problem.RequestIDHeader) }

// ready answers /readyz: whether a load balancer should send traffic here.
// The working set is loaded before the server listens, so what is left to
// ask is whether the store answers and the server is not stopping.
func (a *api) ready(c *gin.Context) { a.checkHealth(c, a.cfg.Ready) }

// metrics serves /metrics, to loopback clients only: a request a proxy on
// this host forwarded (it says so in X-Forwarded-For or Forwarded) is not
// one. Elsewhere, and when the metrics are served on a listener of their own
// (QUINTET_METRICS_ADDR), it is an unknown path.
func (a *api) metrics(c *gin.Context) {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	ip := net.ParseIP(host)
	if a.cfg.Metrics == nil || err != nil || ip == nil || !ip.IsLoopback() || c.GetHeader("X-Forwarded-For") != "" || c.GetHeader("Forwarded") != "" {
		abortWith(c, http.StatusNotFound, conference.ENOTFOUND, "No such page.")
		return
	}
	a.cfg.Metrics.ServeHTTP(c.Writer, c.Request)
}

// checkHealth answers a health probe with check's verdict.
func (a *api) checkHealth(c *gin.Context, check func(ctx context.Context) error) {
	status, store := http.StatusOK, "ok"
	if check != nil {
		if err := check(c.Request.Context()); err != nil {
			a.log.Warn("health check failed", slog.String("path", c.Request.URL.Path), slog.Any("err", err))
			status, store = http.StatusServiceUnavailable, "unavailable"
			c.Header("Retry-After", strconv.Itoa(problem.DefaultRetryAfter))
		}
	}
	c.JSON(status, gin.H{"status": map[bool]string{true: "ok", false: "degraded"}[status == http.StatusOK], "store": store})
}
