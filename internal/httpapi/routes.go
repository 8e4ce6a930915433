package httpapi

import (
	"net/http"
	"slices"

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
}

const v1 = "/api/v1"

// routes is every route the service answers. Registration and the OpenAPI
// document are both made from it. Each feature keeps its routes in its own
// file: routes_followup.go, routes_register.go.
func (a *api) routes() []route {
	return slices.Concat(a.coreRoutes(), a.followupRoutes(), a.registerRoutes())
}

func (a *api) coreRoutes() []route {
	return []route{
		{"GET", "/healthz", "Report the service and its store", public, nil, healthReply{}, 200, a.health},
		{"GET", v1 + "/openapi.json", "This document", public, nil, map[string]any{}, 200, a.openapi},

		{"POST", v1 + "/login", "Sign in; sets the login cookie", public, loginRequest{}, Me{}, 200, a.login},
		{"POST", v1 + "/logout", "Sign out; the login ends at once", signedIn, nil, nil, 204, a.logout},
		{"GET", v1 + "/me", "Who is signed in, and their clearance", signedIn, nil, Me{}, 200, a.me},
		{"GET", v1 + "/setup", "Whether the first admin is still to be created", public, nil, SetupState{}, 200, a.setupState},
		{"POST", v1 + "/setup", "Create the first admin with the one-time secret", public, setupRequest{}, conference.User{}, 201, a.setup},

		{"GET", v1 + "/meetings", "List meetings, most recent first", signedIn, nil, []conference.Meeting{}, 200, a.listMeetings},
		{"POST", v1 + "/meetings", "Create a meeting", admin, conference.Meeting{}, conference.Meeting{}, 201, a.createMeeting},
		{"GET", v1 + "/meetings/:id", "Read a meeting", signedIn, nil, conference.Meeting{}, 200, a.getMeeting},
		{"PATCH", v1 + "/meetings/:id", "Change a meeting", admin, conference.MeetingUpdate{}, conference.Meeting{}, 200, a.updateMeeting},
		{"GET", v1 + "/meetings/:id/sessions", "The meeting's agenda: its sessions by start", signedIn, nil, []conference.Session{}, 200, a.agenda},
		{"POST", v1 + "/meetings/:id/sessions", "Add a session to the agenda", admin, conference.SessionInput{}, conference.Session{}, 201, a.createSession},

		{"GET", v1 + "/sessions/:id", "Read a session", signedIn, nil, conference.Session{}, 200, a.getSession},
		{"PATCH", v1 + "/sessions/:id", "Edit or move a session, assign rapporteurs", admin, conference.SessionUpdate{}, conference.Session{}, 200, a.updateSession},
		{"DELETE", v1 + "/sessions/:id", "Remove a scheduled session", admin, nil, nil, 204, a.deleteSession},
		{"POST", v1 + "/sessions/:id/start", "Make the session live (its rapporteurs, chair, secretariat)", signedIn, nil, conference.Session{}, 200, a.startSession},
		{"POST", v1 + "/sessions/:id/end", "End the live session (its rapporteurs, chair, secretariat)", signedIn, nil, conference.Session{}, 200, a.endSession},
		{"GET", v1 + "/sessions/:id/notes", "The session's record after seq ?after=N, as the reader may read it", signedIn, nil, NotePage{}, 200, a.listNotes},
		{"POST", v1 + "/sessions/:id/notes", "Post a note (201), or retry one with the same client_id (200)", signedIn, conference.NoteInput{}, conference.Note{}, 201, a.postNote},

		{"GET", v1 + "/topics", "List topics", signedIn, nil, []conference.Topic{}, 200, a.listTopics},
		{"POST", v1 + "/topics", "Add a topic", admin, TopicInput{}, conference.Topic{}, 201, a.createTopic},
		{"GET", v1 + "/topics/:id", "Read a topic by id or slug", signedIn, nil, conference.Topic{}, 200, a.getTopic},
		{"PATCH", v1 + "/topics/:id", "Change a topic", admin, conference.TopicUpdate{}, conference.Topic{}, 200, a.updateTopic},

		{"GET", v1 + "/delegations", "List delegations", signedIn, nil, []conference.Delegation{}, 200, a.listDelegations},
		{"POST", v1 + "/delegations", "Add a delegation", admin, conference.Delegation{}, conference.Delegation{}, 201, a.createDelegation},
		{"GET", v1 + "/delegations/:code", "Read a delegation", signedIn, nil, conference.Delegation{}, 200, a.getDelegation},
		{"PATCH", v1 + "/delegations/:code", "Change a delegation", admin, conference.DelegationUpdate{}, conference.Delegation{}, 200, a.updateDelegation},

		{"GET", v1 + "/users", "Accounts (secretariat) or the directory of names (everyone else)", signedIn, nil, []conference.User{}, 200, a.listUsers},
		{"POST", v1 + "/users", "Open an account", admin, conference.UserInput{}, conference.User{}, 201, a.createUser},
		{"GET", v1 + "/users/:id", "Read an account", admin, nil, conference.User{}, 200, a.getUser},
		{"PATCH", v1 + "/users/:id", "Change an account; role, delegation, password or disabling signs it out", admin, conference.UserUpdate{}, conference.User{}, 200, a.updateUser},
	}
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
		if r.access != public {
			handlers = append(handlers, a.authenticate)
		}
		if check := a.pathIDs(r.path); check != nil {
			handlers = append(handlers, check)
		}
		handlers = append(handlers, a.requestQuery(r.method, r.path))
		e.Handle(r.method, r.path, append(handlers, r.handle)...)
	}
	if a.cfg.Live != nil {
		e.GET(v1+"/live", a.authenticate, a.live)
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
