// Package httpapi is Quintet's HTTP interface: the Gin engine, every route in
// routes.go, thin handlers that bind, call the conference Service and encode,
// authentication, the error-to-status table and the OpenAPI document.
package httpapi

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/problem"
)

// Config is what the HTTP layer needs from its surroundings.
type Config struct {
	// AllowedOrigins are the exact origins (scheme://host[:port]) browsers may
	// call from; cookie-authenticated writes from any other origin are refused.
	AllowedOrigins []string
	// PublicURL is the scheme and host clients reach the service at, for the
	// absolute Location of a 201; empty takes the request's own.
	PublicURL string
	// SecureCookies marks the login cookie Secure (when served over https).
	SecureCookies bool
	// TrustedProxies are the CIDRs whose X-Forwarded-For is believed; none by default.
	TrustedProxies []string
	// Frontend is the built web app (index.html and assets); nil serves none.
	Frontend fs.FS
	// Health reports the store's health for /healthz; Ready, whether to
	// send traffic here, for /readyz (observe.go).
	Health func(ctx context.Context) error
	Ready  func(ctx context.Context) error
	// Observer is told of every request; Metrics, when set, serves /metrics
	// to loopback clients (observe.go).
	Observer Observer
	Metrics  http.Handler
	// Live, when set, serves GET /api/v1/live (the WebSocket endpoint) once
	// the caller is authenticated and its Origin checked. credential is the
	// secret that signed the caller in, so that the hub can notice its revocation.
	Live func(w http.ResponseWriter, r *http.Request, actor *conference.User, credential string)
	// LoginLimitKeys bounds the accounts and the addresses the sign-in
	// limiter remembers, each; 0 is DefaultLoginLimitKeys.
	LoginLimitKeys int
	// Idempotency keeps the answers that an Idempotency-Key replays; nil
	// serves creates without them.
	Idempotency conference.IdempotencyStore
	// Backup writes a working-set snapshot as the backup file, for GET
	// /api/v1/backup; nil serves none.
	Backup func(w io.Writer, snap *conference.Snapshot) error
	Logger *slog.Logger
}

type api struct {
	svc     *conference.Service
	cfg     Config
	log     *slog.Logger
	origins map[string]bool
	limits  *loginLimits
	// passwords bounds the password attempts that are not sign-ins (one's
	// own change, set-password links), in buckets of their own: guessing
	// links from an office must not lock its people out of signing in.
	passwords *loginLimits
	answers   *answerCache // encoded answers of the cached views (cache.go)
	briefs    *answerCache // the briefs, kept apart: a few large answers that would crowd out the many small ones
	// entryJSON keeps register entries' encodings, by id (register.go).
	entryJSON sync.Map // id → *encodedEntry

	docOnce sync.Once // the OpenAPI document, made on first request
	doc     []byte
}

// New returns the HTTP handler for the whole service.
func New(svc *conference.Service, cfg Config) (*gin.Engine, error) {
	_, e, err := newServer(svc, cfg)
	return e, err
}

func newServer(svc *conference.Service, cfg Config) (*api, *gin.Engine, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	a := &api{
		svc:       svc,
		cfg:       cfg,
		log:       cfg.Logger,
		origins:   map[string]bool{},
		limits:    newLoginLimits(cfg.LoginLimitKeys),
		passwords: newLoginLimits(cfg.LoginLimitKeys),
		answers:   newAnswerCache(),
		briefs:    newCache(briefLimits),
	}
	for _, o := range cfg.AllowedOrigins {
		a.origins[strings.TrimRight(o, "/")] = true
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// Gin's trailing-slash redirect answers before any middleware, without
	// the security headers; an unknown path gets the 404 JSON instead.
	e.RedirectTrailingSlash = false
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, nil, err
	}
	if len(cfg.TrustedProxies) == 0 {
		e.ForwardedByClientIP = false
	}
	e.Use(a.observe, a.recovery, securityHeaders(cfg.SecureCookies))
	a.register(e)
	e.NoRoute(a.noRoute)
	e.NoMethod(func(c *gin.Context) {
		abortWith(c, http.StatusMethodNotAllowed, problem.EMETHOD, "Method "+c.Request.Method+" is not allowed here.")
	})
	return a, e, nil
}

// recovery turns a panic into a plain 500: the stack goes to the log, never
// to the client.
func (a *api) recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			a.log.Error("panic serving request", slog.String("path", c.Request.URL.Path), slog.Any("panic", r))
			abortWith(c, http.StatusInternalServerError, conference.EINTERNAL, "Internal error.")
		}
	}()
	c.Next()
}

// securityHeaders sets the headers every answer carries. JSON answers get
// the ones that matter to them; pages of the web app also get those that only
// a document uses (framing, opener, permissions). Fewer headers keep the
// response's header map in its first group, which the hot API reads feel.
func securityHeaders(https bool) gin.HandlerFunc {
	const csp = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
		"form-action 'self'; img-src 'self' data:; connect-src 'self'"
	common := []header{
		newHeader("Content-Security-Policy", csp),
		newHeader("X-Content-Type-Options", "nosniff"),
		newHeader("Referrer-Policy", "no-referrer"),
	}
	if https {
		common = append(common, newHeader("Strict-Transport-Security", "max-age=31536000"))
	}
	api := append(slices.Clone(common), newHeader("Cache-Control", "no-store"))
	document := append(slices.Clone(common),
		newHeader("X-Frame-Options", "DENY"),
		newHeader("Cross-Origin-Opener-Policy", "same-origin"),
		newHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
	)
	return func(c *gin.Context) {
		set := document
		if p := c.Request.URL.Path; strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" {
			set = api
		}
		hdr := c.Writer.Header()
		for _, kv := range set {
			hdr[kv.name] = kv.value
		}
		c.Next()
	}
}

// header is one response header, its name canonical and its value a slice of
// one that is shared by every response: len == cap, so an Add elsewhere
// copies it rather than writing into the shared array.
type header struct {
	name  string
	value []string
}

func newHeader(name, value string) header {
	return header{http.CanonicalHeaderKey(name), []string{value}}
}

// originAllowed reports whether an Origin header names one of the allowed
// origins exactly: scheme, host and port.
func (a *api) originAllowed(origin string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	return a.origins[origin]
}

// live checks the Origin of a WebSocket handshake before handing it to the
// hub. A browser always sends Origin on a handshake, so a cookie-authenticated
// one without it is refused; a script with a bearer token need not send one.
func (a *api) live(c *gin.Context) {
	origin := c.GetHeader("Origin")
	switch {
	case origin != "" && !a.originAllowed(origin):
		abortWith(c, http.StatusForbidden, conference.EFORBIDDEN, "WebSocket connections from origin "+origin+" are not allowed.")
		return
	case origin == "" && c.GetHeader("Authorization") == "":
		abortWith(c, http.StatusForbidden, conference.EFORBIDDEN, "A browser WebSocket connection must send an Origin header.")
		return
	}
	a.cfg.Live(c.Writer, c.Request, actor(c), credential(c))
}

func (a *api) health(c *gin.Context) { a.checkHealth(c, a.cfg.Health) }
