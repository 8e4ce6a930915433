package httpapi

import (
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// access says who may call a route; the Service enforces the finer rules and
// the OpenAPI document reports this.
type access int

const (
	public   access = iota // anyone, signed in or not
	signedIn               // any signed-in user
	admin                  // the secretariat
)

// route is one entry of the API: how it is served and how it is documented.
type route struct {
	method  string
	path    string // Gin syntax: /meetings/:id
	summary string
	access  access
	body    any // the request body's type, as a zero value; nil when none
	reply   any // the success answer's type; nil when none
	status  int // the success status
	handle  gin.HandlerFunc
	// self is the path of what a 201 created, for its Location: each :name
	// is filled from the answer's member of that name (or the request's path
	// parameter). Every route answering 201 has one.
	self string
}

const v1 = "/api/v1"

// routes is every route the service answers. Registration and the OpenAPI
// document are both made from it. Each resource keeps its handlers and its
// routes in its own file (meetings.go, sessions.go, actions.go, …); this is
// the one place that puts them together.
func (a *api) routes() []route {
	now := func() time.Time { return a.svc.Now() } // read at each call: tests set the clock
	return slices.Concat(
		a.coreRoutes(),
		a.accountRoutes(),
		(&meetingAPI{replies: a, svc: a.svc, briefs: a.briefs}).routes(),
		(&recordAPI{replies: a, svc: a.svc}).routes(),
		(&sessionAPI{replies: a, svc: a.svc, answers: a.answers}).routes(),
		(&noteAPI{replies: a, svc: a.svc}).routes(),
		(&topicAPI{replies: a, svc: a.svc}).routes(),
		(&delegationAPI{replies: a, svc: a.svc}).routes(),
		(&userAPI{replies: a, svc: a.svc}).routes(),
		(&outcomeAPI{replies: a, svc: a.svc}).routes(),
		(&actionAPI{replies: a, svc: a.svc, answers: a.answers, log: a.log, now: now}).routes(),
		(&feedAPI{replies: a, svc: a.svc}).routes(),
		(&registerAPI{replies: a, svc: a.svc, answers: a.answers, entryJSON: &a.entryJSON, now: now}).routes(),
		(&linkAPI{replies: a, svc: a.svc}).routes(),
		(&searchAPI{replies: a, svc: a.svc}).routes(),
		(&backupAPI{replies: a, svc: a.svc, write: a.cfg.Backup, log: a.log}).routes(),
		(&reminderAPI{replies: a, svc: a.svc}).routes(),
	)
}

// coreRoutes are the service's own: health, this document, login and setup.
func (a *api) coreRoutes() []route {
	return []route{
		{method: "GET", path: "/healthz", summary: "Report the service and its store", access: public, reply: healthReply{}, status: 200, handle: a.health},
		{method: "GET", path: "/readyz", summary: "Whether to send traffic here: the store answers and the working set is loaded", access: public, reply: healthReply{}, status: 200, handle: a.ready},
		{method: "GET", path: v1 + "/openapi.json", summary: "This document", access: public, reply: map[string]any{}, status: 200, handle: a.openapi},

		{method: "POST", path: v1 + "/login", summary: "Sign in; sets the login cookie", access: public, body: loginRequest{}, reply: Me{}, status: 200, handle: a.login},
		{method: "POST", path: v1 + "/logout", summary: "Sign out; the login ends at once", access: signedIn, status: 204, handle: a.logout},
		{method: "GET", path: v1 + "/me", summary: "Who is signed in, and their clearance", access: signedIn, reply: Me{}, status: 200, handle: a.me},
		{method: "GET", path: v1 + "/setup", summary: "Whether the first admin is still to be created", access: public, reply: SetupState{}, status: 200, handle: a.setupState},
		{method: "POST", path: v1 + "/setup", summary: "Create the first admin with the one-time secret", access: public, body: setupRequest{}, reply: conference.User{}, status: 201, handle: a.setup, self: v1 + "/users/:id"},
	}
}

// replies is what every resource's handlers share: decoding a body and
// writing an answer or an error.
type replies interface {
	bind(c *gin.Context, dst any) bool
	respond(c *gin.Context, status int, v any, err error)
	writeError(c *gin.Context, err error)
}

// respond writes v with status, or the error.
func (a *api) respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		a.writeError(c, err)
		return
	}
	if v == nil {
		c.Status(status)
		return
	}
	if tag, ok := entityTag(v); ok {
		c.Header("ETag", tag)
	}
	c.JSON(status, v)
}

// routeDoc documents what a route's entry in the table has no place for:
// its query parameters and the answers particular to it.
type routeDoc struct {
	query   []queryParam
	answers map[int]string // status → why, answered with the error body
}

// queryParam is an optional query parameter.
type queryParam struct {
	name        string
	schema      map[string]any
	description string
}

// routeDocs holds the routeDoc of the routes that need one, by method and
// Gin path.
var routeDocs = map[string]routeDoc{
	"GET " + v1 + "/sessions/:id/notes": {
		query: []queryParam{{"after", map[string]any{"type": "integer", "minimum": 0},
			"Only the notes with a higher seq; 0 or absent: the whole record."}},
		answers: map[int]string{400: "after is not a whole number, 0 or more."},
	},
	"GET " + v1 + "/me/digest": {answers: map[int]string{404: "The reader belongs to no delegation and is not the secretariat: no actions wait for them."}},
	"GET " + v1 + "/live": {answers: map[int]string{
		400: "Not a WebSocket handshake.",
		403: "The Origin is not allowed; or it is missing, with a login cookie.",
		429: "The account already holds the most live connections it may (20 unless configured); Retry-After gives the seconds to wait.",
		503: "The server is shutting down; reconnect with back-off.",
	}},
}

type healthReply struct {
	Status string `json:"status"`
	Store  string `json:"store"`
}

func (a *api) register(e *gin.Engine) {
	for _, r := range a.routes() {
		handlers := []gin.HandlerFunc{limitBody}
		if r.self != "" {
			handlers = append(handlers, a.locate(r.self))
		}
		if r.access != public {
			handlers = append(handlers, a.authenticate)
		}
		// After authenticate: a browser's write of another type is refused
		// as forged (403) before it is refused as unreadable.
		if takesBody(r.method) {
			handlers = append(handlers, requireMediaType(bodyType(r.method, r.path)))
		}
		if check := a.pathIDs(r.path); check != nil {
			handlers = append(handlers, check)
		}
		handlers = append(handlers, a.requestQuery(r.method, r.path))
		if idempotent(r) && a.cfg.Idempotency != nil {
			handlers = append(handlers, a.idempotency)
		}
		handlers = append(handlers, r.handle)
		e.Handle(r.method, r.path, handlers...)
		// Go's server sends no body to a HEAD, so the GET's handlers answer
		// it with the GET's headers.
		if r.method == http.MethodGet {
			e.Handle(http.MethodHead, r.path, handlers...)
		}
	}
	if a.cfg.Live != nil {
		e.GET(v1+"/live", a.authenticate, a.live)
	}
	if a.cfg.Metrics != nil {
		e.GET("/metrics", a.metrics)
	}
}

// noRoute answers unknown API paths with JSON, and everything else with the
// web app.
func (a *api) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if p == "/api" || len(p) >= 5 && p[:5] == "/api/" {
		abortWith(c, http.StatusNotFound, conference.ENOTFOUND, "No such API route: "+c.Request.Method+" "+p+".")
		return
	}
	a.serveFrontend(c)
}
