package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quintet-ag/quintet/internal/httpapi"
)

// TestAPI runs the HTTP API's end-to-end tests against one server, started
// through run on port 0 over the embedded store, with one account per role.
// Subtests share it because each start costs about a second; each subtest
// makes the state it needs and leaves the seed data's meaning intact.
func TestAPI(t *testing.T) {
	f := newAPIFixture(t, nil)
	t.Run("openapi document", func(t *testing.T) { testDocumentedRoutesServed(t, f) })
	t.Run("routes by role", func(t *testing.T) { testRoutesByRole(t, f) })
	t.Run("accounts stay private", func(t *testing.T) { testAccountsPrivate(t, f) })
	t.Run("bad input", func(t *testing.T) { testBadInput(t, f) })
	t.Run("unknown routes and methods", func(t *testing.T) { testUnknownRoutes(t, f) })
	t.Run("security headers", func(t *testing.T) { testSecurityHeaders(t, f) })
	t.Run("login cookie", func(t *testing.T) { testLoginCookie(t, f) })
	t.Run("logout revokes at once", func(t *testing.T) { testLogoutRevokes(t, f) })
	t.Run("foreign origin", func(t *testing.T) { testForeignOrigin(t, f) })
}

// ---- every route × every role ----

// Groups of callers a route lets through.
var (
	apiEveryone       = apiCallers
	apiSignedIn       = apiCallers[1:]
	apiAdminOnly      = []string{callerAdmin}
	apiSessionWriters = []string{callerAdmin, callerRapporteur} // the fixture's sessions name its rapporteur
)

// apiRouteCase says who may call one route, and how to call it for real.
type apiRouteCase struct {
	route   string   // "METHOD /path" as the OpenAPI document writes it
	allowed []string // callers for whom the call succeeds
	status  int      // the success status
	// except gives the status of callers whose answer is neither the
	// success nor the usual 401/403: POST /setup once set up refuses
	// everyone, /actions/mine does not know callers without a delegation.
	except map[string]int
	// call makes the request as caller, through c (the caller's client),
	// with real ids and a valid body, creating whatever it needs first.
	call func(t *testing.T, f *apiFixture, c *apiClient, caller string) *apiResponse
}

// apiAll is an except that gives every caller status.
func apiAll(status int) map[string]int {
	m := map[string]int{}
	for _, c := range apiCallers {
		m[c] = status
	}
	return m
}

// apiRequest is a call that only needs a path and a body.
func apiRequest(method, path string, body func(f *apiFixture) any) func(*testing.T, *apiFixture, *apiClient, string) *apiResponse {
	return func(t *testing.T, f *apiFixture, c *apiClient, _ string) *apiResponse {
		var b any
		if body != nil {
			b = body(f)
		}
		return c.do(t, method, path, b, apiCurrentFor(t, f, method, path))
	}
}

// apiOnVersion reads path (with %d for the number) of a version of the
// record the secretariat publishes at "all" first.
func apiOnVersion(path string) func(*testing.T, *apiFixture, *apiClient, string) *apiResponse {
	return func(t *testing.T, f *apiFixture, c *apiClient, _ string) *apiResponse {
		var v struct{ Number int64 }
		f.admin().post(t, strings.SplitN(path, "/%d", 2)[0], map[string]any{"marking": "all"}).want(t, http.StatusCreated).decode(t, &v)
		return c.get(t, fmt.Sprintf(path, v.Number))
	}
}

// apiCurrentFor is, for a change, an If-Match of the version the
// secretariat reads now, so that the route matrix tests who may change a
// thing and not how stale their copy is.
func apiCurrentFor(t *testing.T, f *apiFixture, method, path string) apiOption {
	t.Helper()
	if method != http.MethodPatch && method != http.MethodDelete {
		return func(*http.Request) {}
	}
	return f.admin().ifMatchCurrent(t, path)
}

// apiOnFresh calls method on a path made from a resource created for this call.
func apiOnFresh(method string, make func(*testing.T, *apiFixture) string, path string, body any) func(*testing.T, *apiFixture, *apiClient, string) *apiResponse {
	return func(t *testing.T, f *apiFixture, c *apiClient, _ string) *apiResponse {
		p := fmt.Sprintf(path, make(t, f))
		return c.do(t, method, p, body, apiCurrentFor(t, f, method, p))
	}
}

// apiRouteTable lists every route of the API and who may call it. A test
// compares it with the server's OpenAPI document, so that a new route cannot
// go untested: give it a row here.
func apiRouteTable(ids apiIDs) []apiRouteCase {
	v1 := "/api/v1"
	// relogin is the caller signing in afresh in a client of its own, which
	// keeps the caller's login for the other cases; it is kept for logout.
	relogin := map[string]*apiClient{}
	core := []apiRouteCase{
		{"GET /healthz", apiEveryone, 200, nil, apiRequest("GET", "/healthz", nil)},
		{"GET /api/v1/openapi.json", apiEveryone, 200, nil, apiRequest("GET", v1+"/openapi.json", nil)},
		{"GET /readyz", apiEveryone, 200, nil, apiRequest("GET", "/readyz", nil)},
		{"GET /api/v1/backup", apiAdminOnly, 200, nil, apiRequest("GET", v1+"/backup", nil)},
		{"POST /api/v1/login", apiEveryone, 200, nil, func(t *testing.T, f *apiFixture, c *apiClient, caller string) *apiResponse {
			who := caller
			if who == callerAnonymous {
				who = callerObserver
			}
			fresh := f.srv.client()
			if ck := c.cookie(); ck != "" {
				fresh.hc.Jar.SetCookies(apiParseURL(f.srv.URL), []*http.Cookie{{Name: httpapi.CookieName, Value: ck, Path: "/"}})
			}
			a := f.accounts[who]
			r := fresh.post(t, v1+"/login", map[string]string{"email": a.Email, "password": a.Password})
			relogin[caller] = fresh
			return r
		}},
		{"POST /api/v1/logout", apiSignedIn, 204, nil, func(t *testing.T, f *apiFixture, c *apiClient, caller string) *apiResponse {
			if caller == callerAnonymous {
				return c.post(t, v1+"/logout", nil)
			}
			fresh := relogin[caller] // signed in as caller by the login case
			if fresh == nil {
				t.Fatal("the login case must run before the logout case")
			}
			return fresh.post(t, v1+"/logout", nil)
		}},
		{"GET /api/v1/me", apiSignedIn, 200, nil, apiRequest("GET", v1+"/me", nil)},
		{"GET /api/v1/me/digest", []string{callerAdmin, callerDelegate, callerHead, callerFollowup}, 200, map[string]int{callerRapporteur: 404, callerObserver: 404}, apiRequest("GET", v1+"/me/digest", nil)},
		{"PATCH /api/v1/me/reminders", apiSignedIn, 200, nil, func(t *testing.T, f *apiFixture, c *apiClient, caller string) *apiResponse {
			body := map[string]any{"reminders": true}
			if caller != callerAnonymous { // each caller edits their own account, at the version they read
				var me struct {
					User struct{ Version int64 } `json:"user"`
				}
				c.get(t, v1+"/me").want(t, http.StatusOK).decode(t, &me)
				body["version"] = me.User.Version
			}
			return c.patch(t, v1+"/me/reminders", body)
		}},
		{"GET /api/v1/setup", apiEveryone, 200, nil, apiRequest("GET", v1+"/setup", nil)},
		{"POST /api/v1/setup", nil, 0, apiAll(http.StatusForbidden), apiRequest("POST", v1+"/setup", func(*apiFixture) any {
			return map[string]string{"secret": "not-the-secret", "email": "usurper@example.org", "name": "Usurper", "password": "a-long-enough-password"}
		})},

		{"GET /api/v1/meetings", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings", nil)},
		{"POST /api/v1/meetings", apiAdminOnly, 201, nil, apiRequest("POST", v1+"/meetings", func(*apiFixture) any {
			return map[string]any{"title": apiUnique("Quintet, Ottawa"), "host": "CA", "city": "Ottawa", "time_zone": "America/Toronto",
				"start_date": "2015-06-01", "end_date": "2015-06-03", "delegations": []string{"AU", "CA", "GB", "NZ", "US"}, "topics": []string{"cyberbullying"}}
		})},
		{"GET /api/v1/meetings/{id}", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting, nil)},
		{"PATCH /api/v1/meetings/{id}", apiAdminOnly, 200, nil, apiRequest("PATCH", v1+"/meetings/"+ids.meeting, func(*apiFixture) any {
			return map[string]any{"venue": ids.meetingVenue}
		})},
		{"DELETE /api/v1/meetings/{id}", apiAdminOnly, 204, nil, apiOnFresh("DELETE", apiFreshMeeting("2099-06-01"), v1+"/meetings/%s", nil)},
		{"POST /api/v1/meetings/{id}/close", apiAdminOnly, 200, nil, apiOnFresh("POST", apiFreshMeeting("2099-06-01"), v1+"/meetings/%s/close", map[string]any{"reason": "Postponed"})},
		{"POST /api/v1/meetings/{id}/reopen", apiAdminOnly, 200, nil, apiOnFresh("POST", apiFreshMeeting("2015-06-01"), v1+"/meetings/%s/reopen", map[string]any{"reason": "A late session"})},
		{"GET /api/v1/meetings/{id}/sessions", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/sessions", nil)},
		{"POST /api/v1/meetings/{id}/sessions", apiAdminOnly, 201, nil, apiRequest("POST", v1+"/meetings/"+ids.meeting+"/sessions", func(f *apiFixture) any {
			return apiSessionBody(apiUnique("Matrix session"), f.accounts[callerRapporteur].ID)
		})},

		{"GET /api/v1/sessions/{id}", apiSignedIn, 200, nil, apiRequest("GET", v1+"/sessions/"+ids.session, nil)},
		{"PATCH /api/v1/sessions/{id}", apiAdminOnly, 200, nil, apiOnFresh("PATCH", apiFreshSession, v1+"/sessions/%s", map[string]any{"room": "Room B"})},
		{"DELETE /api/v1/sessions/{id}", apiAdminOnly, 204, nil, apiOnFresh("DELETE", apiFreshSession, v1+"/sessions/%s", nil)},
		{"POST /api/v1/sessions/{id}/start", apiSessionWriters, 200, nil, apiOnFresh("POST", apiFreshSession, v1+"/sessions/%s/start", nil)},
		{"POST /api/v1/sessions/{id}/end", apiSessionWriters, 200, nil, apiOnFresh("POST", apiFreshLiveSession, v1+"/sessions/%s/end", nil)},
		{"GET /api/v1/sessions/{id}/notes", apiSignedIn, 200, nil, apiRequest("GET", v1+"/sessions/"+ids.liveSession+"/notes", nil)},
		{"POST /api/v1/sessions/{id}/notes", apiSessionWriters, 201, nil, apiRequest("POST", v1+"/sessions/"+ids.liveSession+"/notes", func(*apiFixture) any {
			return map[string]any{"client_id": apiUnique("matrix-note"), "text": "The delegations agreed to share guidance.", "marking": "all"}
		})},

		{"GET /api/v1/topics", apiSignedIn, 200, nil, apiRequest("GET", v1+"/topics", nil)},
		{"POST /api/v1/topics", apiAdminOnly, 201, nil, apiRequest("POST", v1+"/topics", func(*apiFixture) any {
			return map[string]string{"slug": apiUnique("matrix-topic"), "title": "Ransomware", "description": "Extortion by encryption."}
		})},
		{"GET /api/v1/topics/{id}", apiSignedIn, 200, nil, apiRequest("GET", v1+"/topics/"+ids.topic, nil)},
		{"GET /api/v1/topics/{id}/lineage", apiSignedIn, 200, nil, apiRequest("GET", v1+"/topics/"+ids.topic+"/lineage", nil)},
		{"GET /api/v1/topics/{id}/lineage.md", apiSignedIn, 200, nil, apiRequest("GET", v1+"/topics/"+ids.topic+"/lineage.md", nil)},
		{"PATCH /api/v1/topics/{id}", apiAdminOnly, 200, nil, apiRequest("PATCH", v1+"/topics/"+ids.spareTopic, func(*apiFixture) any {
			return map[string]string{"description": apiUnique("Edited by the matrix")}
		})},

		{"GET /api/v1/delegations", apiSignedIn, 200, nil, apiRequest("GET", v1+"/delegations", nil)},
		{"POST /api/v1/delegations", apiAdminOnly, 201, nil, apiRequest("POST", v1+"/delegations", func(*apiFixture) any {
			return map[string]any{"code": apiDelegationCode(), "name": "Observer state", "agencies": []string{"Ministry of Justice"}}
		})},
		{"GET /api/v1/delegations/{code}", apiSignedIn, 200, nil, apiRequest("GET", v1+"/delegations/"+ids.delegation, nil)},
		{"PATCH /api/v1/delegations/{code}", apiAdminOnly, 200, nil, apiRequest("PATCH", v1+"/delegations/"+ids.delegation, func(*apiFixture) any {
			return map[string]any{"name": ids.delegationName}
		})},

		{"GET /api/v1/users", apiSignedIn, 200, nil, apiRequest("GET", v1+"/users", nil)},
		{"POST /api/v1/users", apiAdminOnly, 201, nil, apiRequest("POST", v1+"/users", func(*apiFixture) any {
			return map[string]any{"email": apiUnique("matrix") + "@example.org", "name": "Matrix user", "roles": []string{"observer"}, "password": "a-long-enough-password"}
		})},
		{"GET /api/v1/users/{id}", apiAdminOnly, 200, nil, apiRequest("GET", v1+"/users/"+ids.user, nil)},
		{"PATCH /api/v1/users/{id}", apiAdminOnly, 200, nil, apiRequest("PATCH", v1+"/users/"+ids.spareUser, func(*apiFixture) any {
			return map[string]any{"name": apiUnique("Renamed by the matrix")}
		})},

		// The caller changes their password to the same one: this login
		// stays, and the login case's other one ended with the logout case.
		{"POST /api/v1/me/password", apiSignedIn, 204, nil, func(t *testing.T, f *apiFixture, c *apiClient, caller string) *apiResponse {
			pw := "whatever it was"
			if a := f.accounts[caller]; a != nil {
				pw = a.Password
			}
			return c.post(t, v1+"/me/password", map[string]string{"current_password": pw, "password": pw})
		}},
		{"POST /api/v1/users/{id}/reset-link", apiAdminOnly, 200, nil, apiRequest("POST", v1+"/users/"+ids.spareUser+"/reset-link", nil)},
		{"POST /api/v1/users/import", apiAdminOnly, 201, nil, func(t *testing.T, _ *apiFixture, c *apiClient, _ string) *apiResponse {
			body := "name,email,roles,delegation\nImported," + apiUnique("imported") + "@example.org,observer,\n"
			return c.do(t, "POST", v1+"/users/import", body, apiHeader("Content-Type", "text/csv"))
		}},
		// Anyone holding a link may use it: a fresh one, of a fresh account.
		{"POST /api/v1/set-password", apiEveryone, 200, nil, func(t *testing.T, f *apiFixture, c *apiClient, caller string) *apiResponse {
			id := f.createUser(t, &apiAccount{Email: apiUnique("reset") + "@example.org", Name: "Reset", Roles: []string{"observer"}, Password: "a-long-enough-password"})
			var link struct{ Token string }
			f.admin().post(t, v1+"/users/"+id+"/reset-link", nil).want(t, http.StatusOK).decode(t, &link)
			return c.post(t, v1+"/set-password", map[string]string{"token": link.Token, "password": "another long password"})
		}},

		{"GET /api/v1/live", apiSignedIn, http.StatusSwitchingProtocols, nil, apiDialLive},
	}
	return slices.Concat(core, apiFollowupRouteRows(ids), apiRegisterRouteRows(ids))
}

// Caller groups of the follow-up and register rows. The fixture's delegate,
// head and follow-up team belong to GB, which owns the actions and leads the
// register entries the rows act on.
var (
	apiGBEditors    = []string{callerAdmin, callerFollowup}             // the secretariat and GB's follow-up team
	apiFeedManagers = []string{callerAdmin, callerHead, callerFollowup} // and GB's head
	apiActionMakers = []string{callerAdmin, callerRapporteur, callerFollowup}
	apiNoDelegation = map[string]int{callerAdmin: 404, callerRapporteur: 404, callerObserver: 404}
)

// apiFollowupRouteRows are the rows of outcomes, actions and their exports.
// The fixture's things belong to London 2014, are marked "all" (so that
// every role may read them) and, for actions and register entries, to GB.
func apiFollowupRouteRows(ids apiIDs) []apiRouteCase {
	v1 := "/api/v1"
	note := fmt.Sprintf("%s/sessions/%s/notes/%d", v1, ids.liveSession, ids.noteSeq)
	return []apiRouteCase{
		{"GET /api/v1/sessions/{id}/outcomes", apiSignedIn, 200, nil, apiRequest("GET", v1+"/sessions/"+ids.liveSession+"/outcomes", nil)},
		{"POST /api/v1/sessions/{id}/outcomes", apiSessionWriters, 201, nil, apiRequest("POST", v1+"/sessions/"+ids.liveSession+"/outcomes", func(*apiFixture) any {
			return map[string]any{"kind": "finding", "text": apiUnique("Prosecutors need training in digital evidence"), "marking": "all"}
		})},
		{"POST /api/v1/sessions/{id}/notes/{seq}/outcome", apiSessionWriters, 201, nil, apiRequest("POST", note+"/outcome", func(*apiFixture) any {
			return map[string]any{"kind": "decision"}
		})},
		// A session's rapporteurs promote its notes; a follow-up team
		// creates its own delegation's actions, from a note too.
		{"POST /api/v1/sessions/{id}/notes/{seq}/action", apiActionMakers, 201, nil, apiRequest("POST", note+"/action", func(*apiFixture) any {
			return map[string]any{"owner": "GB", "due": "2015-06-30", "marking": "all"}
		})},
		{"GET /api/v1/meetings/{id}/outcomes", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/outcomes", nil)},
		{"GET /api/v1/outcomes/{id}", apiSignedIn, 200, nil, apiRequest("GET", v1+"/outcomes/"+ids.agreedOutcome, nil)},
		// A draft is not shown to observers, so to them it does not exist.
		{"PATCH /api/v1/outcomes/{id}", apiSessionWriters, 200, map[string]int{callerObserver: 404}, apiOnFresh("PATCH", apiFreshOutcome, v1+"/outcomes/%s",
			map[string]any{"text": "Redrafted by the matrix", "version": 1})},
		// Only a head of delegation signs off, for their own delegation.
		{"POST /api/v1/outcomes/{id}/sign-offs", []string{callerHead}, 200, nil, apiRequest("POST", v1+"/outcomes/"+ids.agreedOutcome+"/sign-offs", nil)},
		{"POST /api/v1/outcomes/{id}/sign-offs/{code}/withdraw", []string{callerHead}, 200, nil, apiRequest("POST", v1+"/outcomes/"+ids.agreedOutcome+"/sign-offs/GB/withdraw", func(*apiFixture) any {
			return map[string]any{"reason": "Our minister has not cleared the text."}
		})},

		{"GET /api/v1/actions", apiSignedIn, 200, nil, apiRequest("GET", v1+"/actions", nil)},
		{"POST /api/v1/actions", apiGBEditors, 201, nil, apiRequest("POST", v1+"/actions", func(*apiFixture) any {
			return map[string]any{"title": apiUnique("Publish guidance on cyberbullying"), "owner": "GB", "due": "2015-06-30", "meeting_id": ids.meeting, "marking": "all"}
		})},
		{"GET /api/v1/actions.csv", apiSignedIn, 200, nil, apiRequest("GET", v1+"/actions.csv", nil)},
		{"GET /api/v1/actions/board", apiSignedIn, 200, nil, apiRequest("GET", v1+"/actions/board", nil)},
		// Callers without a delegation have no "mine".
		{"GET /api/v1/actions/mine", []string{callerDelegate, callerHead, callerFollowup}, 200, apiNoDelegation, apiRequest("GET", v1+"/actions/mine", nil)},
		{"GET /api/v1/actions/progress", apiSignedIn, 200, nil, apiRequest("GET", v1+"/actions/progress", nil)},
		{"GET /api/v1/actions/{id}", apiSignedIn, 200, nil, apiRequest("GET", v1+"/actions/"+ids.action, nil)},
		{"PATCH /api/v1/actions/{id}", apiGBEditors, 200, nil, apiOnFresh("PATCH", apiFreshAction, v1+"/actions/%s",
			map[string]any{"title": "Retitled by the matrix", "version": 1})},
		{"POST /api/v1/actions/{id}/reports", apiGBEditors, 201, nil, apiOnFresh("POST", apiFreshAction, v1+"/actions/%s/reports",
			map[string]any{"text": "Guidance drafted; consultation opens next month.", "progress": 40, "version": 1})},

		{"GET /api/v1/meetings/{id}/carry-over", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/carry-over", nil)},
		{"GET /api/v1/meetings/{id}/record.html", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/record.html", nil)},
		{"GET /api/v1/meetings/{id}/record.md", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/record.md", nil)},
		{"GET /api/v1/meetings/{id}/brief", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/brief", nil)},
		{"GET /api/v1/meetings/{id}/brief.html", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/brief.html", nil)},
		{"GET /api/v1/meetings/{id}/brief.md", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/brief.md", nil)},
		{"GET /api/v1/meetings/{id}/brief.pdf", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/brief.pdf", nil)},
		{"GET /api/v1/meetings/{id}/agenda.html", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/agenda.html", nil)},
		{"GET /api/v1/meetings/{id}/agenda.pdf", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/agenda.pdf", nil)},
		{"GET /api/v1/meetings/{id}/agenda.ics", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/agenda.ics", nil)},

		{"POST /api/v1/meetings/{id}/record/versions", apiAdminOnly, 201, nil, apiRequest("POST", v1+"/meetings/"+ids.meeting+"/record/versions",
			func(*apiFixture) any { return map[string]any{"marking": "all"} })},
		{"GET /api/v1/meetings/{id}/record/versions", apiSignedIn, 200, nil, apiRequest("GET", v1+"/meetings/"+ids.meeting+"/record/versions", nil)},
		{"GET /api/v1/meetings/{id}/record/versions/{number}", apiSignedIn, 200, nil, apiOnVersion(v1 + "/meetings/" + ids.meeting + "/record/versions/%d")},
		{"GET /api/v1/meetings/{id}/record/versions/{number}/record.html", apiSignedIn, 200, nil, apiOnVersion(v1 + "/meetings/" + ids.meeting + "/record/versions/%d/record.html")},
		{"GET /api/v1/meetings/{id}/record/versions/{number}/record.md", apiSignedIn, 200, nil, apiOnVersion(v1 + "/meetings/" + ids.meeting + "/record/versions/%d/record.md")},
		{"GET /api/v1/meetings/{id}/record/versions/{number}/record.pdf", apiSignedIn, 200, nil, apiOnVersion(v1 + "/meetings/" + ids.meeting + "/record/versions/%d/record.pdf")},

		{"POST /api/v1/delegations/{code}/calendar", apiFeedManagers, 201, nil, apiRequest("POST", v1+"/delegations/GB/calendar", nil)},
		{"DELETE /api/v1/delegations/{code}/calendar", apiFeedManagers, 204, nil, apiRequest("DELETE", v1+"/delegations/GB/calendar", nil)},
		// The feed's secret URL is its credential: whoever holds it reads it.
		{"GET /api/v1/calendar/{feed}", apiEveryone, 200, nil, func(t *testing.T, f *apiFixture, c *apiClient, _ string) *apiResponse {
			var feed struct{ Path string }
			f.admin().post(t, v1+"/delegations/GB/calendar", nil).want(t, http.StatusCreated).decode(t, &feed)
			return c.get(t, feed.Path)
		}},

		// Everyone signed in subscribes to the agenda; the secret URL reads
		// it without a login.
		{"POST /api/v1/me/agenda-feed", apiSignedIn, 200, nil, apiRequest("POST", v1+"/me/agenda-feed", nil)},
		{"DELETE /api/v1/me/agenda-feed", apiSignedIn, 204, nil, apiRequest("DELETE", v1+"/me/agenda-feed", nil)},
		{"GET /api/v1/agenda-feed/{feed}", apiEveryone, 200, nil, func(t *testing.T, f *apiFixture, c *apiClient, _ string) *apiResponse {
			var feed struct{ Path string }
			f.admin().post(t, v1+"/me/agenda-feed", nil).want(t, http.StatusOK).decode(t, &feed)
			return c.get(t, feed.Path)
		}},
	}
}

// apiRegisterRouteRows are the rows of the register, links, coverage and search.
func apiRegisterRouteRows(ids apiIDs) []apiRouteCase {
	v1 := "/api/v1"
	return []apiRouteCase{
		{"GET /api/v1/register", apiSignedIn, 200, nil, apiRequest("GET", v1+"/register", nil)},
		{"POST /api/v1/register", apiGBEditors, 201, nil, apiRequest("POST", v1+"/register", func(*apiFixture) any {
			return apiEntryBody(apiUnique("Judicial college module on online harms"))
		})},
		{"GET /api/v1/register.csv", apiSignedIn, 200, nil, apiRequest("GET", v1+"/register.csv", nil)},
		{"POST /api/v1/register.csv", apiGBEditors, 201, nil, func(t *testing.T, _ *apiFixture, c *apiClient, _ string) *apiResponse {
			body := "title,lead_delegation,audiences,format,status,start_date\n" + apiUnique("Imported exchange") + ",GB,prosecutors;judiciary,exchange,planned,2015-03-01\n"
			return c.do(t, "POST", v1+"/register.csv", body, apiHeader("Content-Type", "text/csv"))
		}},
		{"GET /api/v1/register/{id}", apiSignedIn, 200, nil, apiRequest("GET", v1+"/register/"+ids.entry, nil)},
		{"PATCH /api/v1/register/{id}", apiGBEditors, 200, nil, apiOnFresh("PATCH", apiFreshEntry, v1+"/register/%s",
			map[string]any{"summary": "Edited by the matrix", "version": 1})},
		{"GET /api/v1/register/{id}/history", apiSignedIn, 200, nil, apiRequest("GET", v1+"/register/"+ids.entry+"/history", nil)},
		{"GET /api/v1/register/{id}/backlinks", apiSignedIn, 200, nil, apiRequest("GET", v1+"/register/"+ids.entry+"/backlinks", nil)},

		{"GET /api/v1/links", apiSignedIn, 200, nil, apiRequest("GET", v1+"/links?from_kind=action&from_id="+ids.action, nil)},
		// Links from an action of GB: the secretariat and GB's follow-up team.
		{"POST /api/v1/links", apiGBEditors, 201, nil, func(t *testing.T, f *apiFixture, c *apiClient, _ string) *apiResponse {
			return c.post(t, v1+"/links", map[string]any{"from_kind": "action", "from_id": ids.action, "entry_id": apiFreshEntry(t, f)})
		}},
		{"DELETE /api/v1/links/{id}", apiGBEditors, 204, nil, func(t *testing.T, f *apiFixture, c *apiClient, _ string) *apiResponse {
			var l struct{ ID string }
			f.admin().post(t, v1+"/links", map[string]any{"from_kind": "action", "from_id": ids.action, "entry_id": apiFreshEntry(t, f)}).
				want(t, http.StatusCreated).decode(t, &l)
			return c.do(t, "DELETE", v1+"/links/"+l.ID, nil)
		}},
		{"GET /api/v1/topics/{id}/register", apiSignedIn, 200, nil, apiRequest("GET", v1+"/topics/"+ids.topic+"/register", nil)},
		{"GET /api/v1/coverage", apiSignedIn, 200, nil, apiRequest("GET", v1+"/coverage", nil)},
		{"GET /api/v1/search", apiSignedIn, 200, nil, apiRequest("GET", v1+"/search?q=cyberbullying", nil)},
	}
}

// apiEntryBody is a valid new register entry led by GB.
func apiEntryBody(title string) map[string]any {
	return map[string]any{"title": title, "lead_delegation": "GB", "audiences": []string{"prosecutors", "judiciary"},
		"format": "training", "status": "planned", "start_date": "2015-01-15", "topics": []string{"cyberbullying"}}
}

// apiFreshOutcome drafts an outcome of the fixture's live session as admin.
func apiFreshOutcome(t *testing.T, f *apiFixture) string {
	t.Helper()
	var o struct{ ID string }
	f.admin().post(t, "/api/v1/sessions/"+f.liveSession(t)+"/outcomes", map[string]any{
		"kind": "recommendation", "text": apiUnique("Share training materials"), "marking": "all",
	}).want(t, http.StatusCreated).decode(t, &o)
	return o.ID
}

// apiFreshAction creates an action of GB from London 2014 as admin.
func apiFreshAction(t *testing.T, f *apiFixture) string {
	t.Helper()
	var a struct{ ID string }
	f.admin().post(t, "/api/v1/actions", map[string]any{
		"title": apiUnique("Report on cyberbullying prosecutions"), "owner": "GB", "due": "2015-06-30", "meeting_id": "london-2014", "marking": "all",
	}).want(t, http.StatusCreated).decode(t, &a)
	return a.ID
}

// apiFreshEntry adds a register entry led by GB as admin.
func apiFreshEntry(t *testing.T, f *apiFixture) string {
	t.Helper()
	var e struct{ ID string }
	f.admin().post(t, "/api/v1/register", apiEntryBody(apiUnique("Prosecutor exchange"))).want(t, http.StatusCreated).decode(t, &e)
	return e.ID
}

// apiIDs are the real ids the route table calls with.
type apiIDs struct {
	meeting, meetingVenue      string
	session, liveSession       string
	topic, spareTopic          string
	delegation, delegationName string
	user, spareUser            string
	noteSeq                    int
	agreedOutcome              string
	action, entry              string
}

func apiFreshSession(t *testing.T, f *apiFixture) string { return f.newSession(t) }

// apiFreshMeeting makes an empty meeting starting on start for each call.
func apiFreshMeeting(start string) func(*testing.T, *apiFixture) string {
	return func(t *testing.T, f *apiFixture) string { return f.newMeeting(t, start) }
}
func apiFreshLiveSession(t *testing.T, f *apiFixture) string { return f.newLiveSession(t) }

var apiDelegationCodes atomic.Int32

// apiDelegationCode returns a delegation code no other call returned: QA, QB, …
func apiDelegationCode() string {
	n := apiDelegationCodes.Add(1) - 1
	return string(rune('Q'+n/26)) + string(rune('A'+n%26))
}

// apiDialLive opens the live WebSocket as a browser on the web app would.
func apiDialLive(t *testing.T, f *apiFixture, c *apiClient, _ string) *apiResponse {
	d := websocket.Dialer{Jar: c.hc.Jar}
	url := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/api/v1/live"
	ws, resp, err := d.Dial(url, http.Header{"Origin": {f.srv.URL}})
	if ws != nil {
		ws.Close()
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	r := &apiResponse{Method: "GET", Path: "/api/v1/live", Status: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		// A refused handshake is an ordinary answer and carries the usual headers.
		r.Body = make([]byte, 0, 512)
		buf := make([]byte, 512)
		n, _ := resp.Body.Read(buf)
		r.Body = append(r.Body, buf[:n]...)
		c.checkAPIAnswer(t, r)
	}
	return r
}

// apiDocRoutes reads the server's OpenAPI document and returns its
// operations as "METHOD /path", and which of them it documents as public
// (no security) and as admin-only.
func apiDocRoutes(t *testing.T, c *apiClient) (routes []string, public, adminOnly map[string]bool) {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Security    *[]any `json:"security"`
			Description string `json:"description"`
		} `json:"paths"`
	}
	c.get(t, "/api/v1/openapi.json").want(t, http.StatusOK).decode(t, &doc)
	public, adminOnly = map[string]bool{}, map[string]bool{}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			r := strings.ToUpper(m) + " " + p
			routes = append(routes, r)
			public[r] = op.Security != nil && len(*op.Security) == 0
			adminOnly[r] = strings.Contains(op.Description, "Secretariat (role admin) only")
		}
	}
	sort.Strings(routes)
	return routes, public, adminOnly
}

func testRoutesByRole(t *testing.T, f *apiFixture) {
	admin := f.admin()
	ids := apiIDs{meeting: "london-2014", delegation: "GB", user: f.accounts[callerObserver].ID}

	// Real ids, read from the server.
	var meeting struct{ Venue string }
	admin.get(t, "/api/v1/meetings/"+ids.meeting).want(t, 200).decode(t, &meeting)
	ids.meetingVenue = meeting.Venue
	var agenda []struct{ ID string }
	admin.get(t, "/api/v1/meetings/"+ids.meeting+"/sessions").want(t, 200).decode(t, &agenda)
	if len(agenda) == 0 {
		t.Fatal("London 2014 has no sessions")
	}
	ids.session = agenda[0].ID
	var topics []struct{ ID string }
	admin.get(t, "/api/v1/topics").want(t, 200).decode(t, &topics)
	if len(topics) == 0 {
		t.Fatal("no topics")
	}
	ids.topic = topics[0].ID
	var delegation struct{ Name string }
	admin.get(t, "/api/v1/delegations/"+ids.delegation).want(t, 200).decode(t, &delegation)
	ids.delegationName = delegation.Name
	ids.liveSession = f.liveSession(t)
	var topic struct{ ID string }
	admin.post(t, "/api/v1/topics", map[string]string{"slug": apiUnique("spare-topic"), "title": "Spare topic"}).want(t, 201).decode(t, &topic)
	ids.spareTopic = topic.ID
	ids.spareUser = f.createUser(t, &apiAccount{Email: apiUnique("spare") + "@example.org", Name: "Spare", Roles: []string{"observer"}, Password: "a-long-enough-password"})

	admin.post(t, "/api/v1/sessions/"+ids.liveSession+"/notes", map[string]any{"client_id": apiUnique("matrix-source"),
		"text": "The United Kingdom will publish guidance for prosecutors.", "marking": "all"}).want(t, 201)
	var page struct {
		LastSeq int `json:"last_seq"`
	}
	admin.get(t, "/api/v1/sessions/"+ids.liveSession+"/notes").want(t, 200).decode(t, &page)
	ids.noteSeq = page.LastSeq
	ids.agreedOutcome = apiFreshOutcome(t, f)
	admin.patch(t, "/api/v1/outcomes/"+ids.agreedOutcome, map[string]any{"status": "agreed", "version": 1}).want(t, 200)
	ids.action = apiFreshAction(t, f)
	ids.entry = apiFreshEntry(t, f)

	table := apiRouteTable(ids)

	// The table covers exactly the routes the server documents (a separate
	// test proves the document covers exactly the routes registered).
	documented, public, adminOnly := apiDocRoutes(t, f.clients[callerAnonymous])
	rows := map[string]apiRouteCase{}
	for _, rc := range table {
		if _, dup := rows[rc.route]; dup {
			t.Errorf("route %s has two rows", rc.route)
		}
		rows[rc.route] = rc
	}
	for _, r := range documented {
		rc, ok := rows[r]
		if !ok {
			t.Errorf("route %s is served but has no row in apiRouteTable (http_test.go): add one", r)
			continue
		}
		// The document's access must agree with the table's.
		_, excepted := rc.except[callerAnonymous]
		anonymousGets401 := !excepted && !slices.Contains(rc.allowed, callerAnonymous)
		if public[r] == anonymousGets401 {
			t.Errorf("route %s: the document says public=%v, the table says anonymous callers get 401: %v", r, public[r], anonymousGets401)
		}
		if adminOnly[r] && !slices.Equal(rc.allowed, apiAdminOnly) {
			t.Errorf("route %s: the document says admin only, the table allows %v", r, rc.allowed)
		}
	}
	for _, rc := range table {
		if !slices.Contains(documented, rc.route) {
			t.Errorf("apiRouteTable has a row for %s, which the server does not document", rc.route)
		}
	}

	for _, rc := range table {
		t.Run(rc.route, func(t *testing.T) {
			for _, caller := range apiCallers {
				t.Run(caller, func(t *testing.T) {
					r := rc.call(t, f, f.clients[caller], caller)
					want, excepted := rc.except[caller]
					switch {
					case excepted:
					case slices.Contains(rc.allowed, caller):
						want = rc.status
					case caller == callerAnonymous:
						want = http.StatusUnauthorized
					default:
						want = http.StatusForbidden
					}
					if r.Status != want {
						t.Fatalf("%s as %s: status %d, want %d; body: %s", rc.route, caller, r.Status, want, apiClip(r.Body))
					}
					switch want {
					case http.StatusUnauthorized:
						if e := r.errorAnswer(t); e.Code != "unauthorized" {
							t.Errorf("code %q, want unauthorized", e.Code)
						}
					case http.StatusForbidden:
						if e := r.errorAnswer(t); e.Code != "forbidden" {
							t.Errorf("code %q, want forbidden", e.Code)
						}
					}
				})
			}
		})
	}
}

// testDocumentedRoutesServed: the running server's document is OpenAPI
// 3.1, and it serves every operation the document lists (an in-process test,
// openapi_test.go, compares the document with Gin's registered routes).
func testDocumentedRoutesServed(t *testing.T, f *apiFixture) {
	anon := f.clients[callerAnonymous]
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	anon.get(t, "/api/v1/openapi.json").want(t, http.StatusOK).decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	routes, _, _ := apiDocRoutes(t, anon)
	for _, r := range routes {
		method, p, _ := strings.Cut(r, " ")
		p = regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(p, "x")
		// Probe without side effects: anonymous, with an empty JSON body,
		// and for the two public writes, one that fails before any change.
		var body any
		if method != http.MethodGet {
			body = "{}"
		}
		resp := anon.do(t, method, p, body)
		if resp.Status == http.StatusMethodNotAllowed || (resp.Status == http.StatusNotFound && strings.Contains(string(resp.Body), "No such API route")) {
			t.Errorf("%s is documented but the server answers %d: %s", r, resp.Status, apiClip(resp.Body))
		}
	}
}

// testAccountsPrivate: only the secretariat reads accounts; everyone else
// gets the directory of names, and nobody ever sees a password hash.
func testAccountsPrivate(t *testing.T, f *apiFixture) {
	for _, caller := range apiSignedIn {
		r := f.clients[caller].get(t, "/api/v1/users").want(t, http.StatusOK)
		body := string(r.Body)
		if strings.Contains(body, "password") || strings.Contains(body, "argon2") {
			t.Errorf("GET /api/v1/users as %s shows password hashes: %s", caller, apiClip(r.Body))
		}
		if caller == callerAdmin {
			continue
		}
		if strings.Contains(body, "@example.org") || strings.Contains(body, `"disabled"`) {
			t.Errorf("GET /api/v1/users as %s shows account details: %s", caller, apiClip(r.Body))
		}
		var dir []struct{ ID, Name string }
		r.decode(t, &dir)
		if len(dir) < len(f.accounts) {
			t.Errorf("GET /api/v1/users as %s lists %d names, want at least the %d accounts", caller, len(dir), len(f.accounts))
		}
	}
}

// ---- bad input ----

// apiWorld is everything the admin can read that a write could change,
// decoded for comparison.
func apiWorld(t *testing.T, f *apiFixture, liveSession string) map[string]any {
	t.Helper()
	w := map[string]any{}
	for _, p := range []string{
		"/api/v1/meetings", "/api/v1/meetings/london-2014/sessions", "/api/v1/topics",
		"/api/v1/delegations", "/api/v1/users", "/api/v1/sessions/" + liveSession + "/notes",
		"/api/v1/actions", "/api/v1/register?archived=any",
	} {
		w[p] = f.admin().get(t, p).want(t, http.StatusOK).json(t)
	}
	return w
}

func testBadInput(t *testing.T, f *apiFixture) {
	admin := f.admin()
	live := f.liveSession(t)
	session := f.newSession(t)
	var se struct{ Version int64 }
	admin.get(t, "/api/v1/sessions/"+session).want(t, 200).decode(t, &se)
	userID := f.accounts[callerDelegate].ID
	big := `{"slug":"too-big","title":"Too big","description":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`

	type badCase struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
		field        string // the field the error names; "" when it can name none
		message      string // a part of the message, when it matters
	}
	sessions := "/api/v1/meetings/london-2014/sessions"
	sessionWith := func(change map[string]any) map[string]any {
		return apiChanged(apiSessionBody("Bad input session"), change)
	}
	user := func(change map[string]any) map[string]any {
		return apiChanged(map[string]any{"email": "bad-input@example.org", "name": "Bad Input", "roles": []string{"delegate"}, "delegation": "GB", "password": "a-long-enough-password"}, change)
	}
	meeting := func(change map[string]any) map[string]any {
		return apiChanged(map[string]any{"title": "Quintet, Wellington 2016", "host": "NZ", "city": "Wellington", "time_zone": "Pacific/Auckland",
			"start_date": "2016-06-01", "end_date": "2016-06-02", "delegations": []string{"AU", "CA", "GB", "NZ", "US"}}, change)
	}
	cases := []badCase{
		// Malformed JSON: no field can be named, the message says what is wrong.
		{"malformed JSON", "POST", "/api/v1/topics", `{"slug": "x",`, 400, "invalid", "", "Malformed JSON"},
		{"not JSON", "POST", "/api/v1/topics", `slug=x&title=y`, 400, "invalid", "", "Malformed JSON"},
		{"two JSON values", "POST", "/api/v1/topics", `{"slug":"two","title":"Two"} {}`, 400, "invalid", "", "more than one"},
		{"empty body", "POST", "/api/v1/topics", "", 400, "invalid", "", "body is required"},
		{"array for an object", "POST", "/api/v1/topics", `[]`, 400, "invalid", "", "object"},
		{"malformed JSON on login", "POST", "/api/v1/login", `{"email":`, 400, "invalid", "", "Malformed JSON"},

		// Wrong types name the field.
		{"number for a string", "POST", "/api/v1/topics", map[string]any{"slug": 7, "title": "Seven"}, 400, "invalid", "slug", ""},
		{"string for an array", "POST", "/api/v1/users", user(map[string]any{"roles": "admin"}), 400, "invalid", "roles", ""},
		{"string for a number", "PATCH", "/api/v1/sessions/" + session, map[string]any{"version": "3"}, 400, "invalid", "version", ""},
		{"number for a boolean", "PATCH", "/api/v1/users/" + userID, map[string]any{"disabled": 1}, 400, "invalid", "disabled", ""},
		{"object for a string", "PATCH", "/api/v1/meetings/london-2014", map[string]any{"city": map[string]any{}}, 400, "invalid", "city", ""},
		{"not a time", "POST", sessions, sessionWith(map[string]any{"start": "next Tuesday"}), 400, "invalid", "start", ""},
		{"number for a time", "POST", sessions, sessionWith(map[string]any{"end": 5}), 400, "invalid", "end", ""},
		{"not a time in a change", "PATCH", "/api/v1/sessions/" + session, map[string]any{"start": "9am"}, 400, "invalid", "start", ""},

		// Unknown fields name the field.
		{"unknown field", "POST", "/api/v1/topics", map[string]any{"slug": "colours", "title": "Colours", "colour": "red"}, 400, "invalid", "colour", ""},
		{"unknown field in a change", "PATCH", "/api/v1/meetings/london-2014", map[string]any{"tilte": "Typo"}, 400, "invalid", "tilte", ""},
		{"unknown field in a note", "POST", "/api/v1/sessions/" + live + "/notes", map[string]any{"client_id": "u1", "text": "x", "marking": "all", "colour": "red"}, 400, "invalid", "colour", ""},

		// Missing required fields name the field.
		{"topic without slug", "POST", "/api/v1/topics", map[string]any{"title": "No slug"}, 400, "invalid", "slug", ""},
		{"topic without title", "POST", "/api/v1/topics", map[string]any{"slug": "no-title"}, 400, "invalid", "title", ""},
		{"user without email", "POST", "/api/v1/users", user(map[string]any{"email": nil}), 400, "invalid", "email", ""},
		{"user without name", "POST", "/api/v1/users", user(map[string]any{"name": nil}), 400, "invalid", "name", ""},
		{"user without roles", "POST", "/api/v1/users", user(map[string]any{"roles": nil}), 400, "invalid", "roles", ""},
		{"user without password", "POST", "/api/v1/users", user(map[string]any{"password": nil}), 400, "invalid", "password", ""},
		{"delegate without delegation", "POST", "/api/v1/users", user(map[string]any{"delegation": nil}), 400, "invalid", "delegation", ""},
		{"user with an unknown role", "POST", "/api/v1/users", user(map[string]any{"roles": []string{"wizard"}}), 400, "invalid", "roles", "wizard"},
		{"session without title", "POST", sessions, sessionWith(map[string]any{"title": nil}), 400, "invalid", "title", ""},
		{"session without start", "POST", sessions, sessionWith(map[string]any{"start": nil}), 400, "invalid", "start", ""},
		{"session without end", "POST", sessions, sessionWith(map[string]any{"end": nil}), 400, "invalid", "end", ""},
		{"meeting without title", "POST", "/api/v1/meetings", meeting(map[string]any{"title": nil}), 400, "invalid", "title", ""},
		{"meeting without host", "POST", "/api/v1/meetings", meeting(map[string]any{"host": nil}), 400, "invalid", "host", ""},
		{"meeting without time zone", "POST", "/api/v1/meetings", meeting(map[string]any{"time_zone": nil}), 400, "invalid", "time_zone", ""},
		{"delegation without name", "POST", "/api/v1/delegations", map[string]any{"code": "ZY"}, 400, "invalid", "name", ""},
		{"note without text", "POST", "/api/v1/sessions/" + live + "/notes", map[string]any{"client_id": "no-text", "marking": "all"}, 400, "invalid", "text", ""},
		{"note without client id", "POST", "/api/v1/sessions/" + live + "/notes", map[string]any{"text": "No id", "marking": "all"}, 400, "invalid", "client_id", ""},
		{"login without password", "POST", "/api/v1/login", map[string]any{"email": "secretariat@example.org"}, 400, "invalid", "password", ""},

		// Rules of the domain.
		{"session ends before it starts", "POST", sessions, sessionWith(map[string]any{"start": "2014-07-10T16:00:00+01:00", "end": "2014-07-10T15:00:00+01:00"}), 400, "invalid", "end", ""},
		{"session moved to end before it starts", "PATCH", "/api/v1/sessions/" + session, map[string]any{"end": "2014-07-10T15:00:00+01:00"}, 400, "invalid", "end", ""},
		{"session outside the meeting", "POST", sessions, sessionWith(map[string]any{"start": "2014-08-10T16:00:00+01:00", "end": "2014-08-10T17:00:00+01:00"}), 400, "invalid", "start", ""},
		{"user of an unknown delegation", "POST", "/api/v1/users", user(map[string]any{"delegation": "XX"}), 400, "invalid", "delegation", "XX"},
		{"user moved to an unknown delegation", "PATCH", "/api/v1/users/" + userID, map[string]any{"delegation": "XX"}, 400, "invalid", "delegation", "XX"},
		{"meeting with an unknown delegation", "POST", "/api/v1/meetings", meeting(map[string]any{"delegations": []string{"GB", "NZ", "XX"}}), 400, "invalid", "delegations", "XX"},
		{"meeting hosted by an unknown delegation", "PATCH", "/api/v1/meetings/london-2014", map[string]any{"host": "XX", "delegations": []string{"AU", "CA", "GB", "NZ", "US", "XX"}}, 400, "invalid", "delegations", "XX"},
		{"duplicate topic slug", "POST", "/api/v1/topics", map[string]any{"slug": "cyberbullying", "title": "Again"}, 409, "duplicate", "slug", "cyberbullying"},
		{"topic renamed to a taken slug", "PATCH", "/api/v1/topics/privacy-information-sharing", map[string]any{"slug": "cyberbullying"}, 409, "duplicate", "slug", "cyberbullying"},
		{"duplicate email", "POST", "/api/v1/users", user(map[string]any{"email": f.accounts[callerHead].Email}), 409, "duplicate", "email", ""},
		{"duplicate delegation", "POST", "/api/v1/delegations", map[string]any{"code": "GB", "name": "Again"}, 409, "duplicate", "code", ""},
		{"end before start of a session", "POST", "/api/v1/sessions/" + session + "/end", nil, 409, "conflict", "", "not started"},

		// Size.
		{"body over 1 MiB", "POST", "/api/v1/topics", big, 413, "too_large", "", ""},
		{"body over 1 MiB on a public route", "POST", "/api/v1/login", big, 413, "too_large", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := apiWorld(t, f, live)
			r := admin.do(t, tc.method, tc.path, tc.body, apiCurrentFor(t, f, tc.method, tc.path))
			if r.Status != tc.status {
				t.Fatalf("%s %s: status %d, want %d; body: %s", tc.method, tc.path, r.Status, tc.status, apiClip(r.Body))
			}
			e := r.errorAnswer(t)
			var problems []string
			if e.Code != tc.code {
				problems = append(problems, fmt.Sprintf("code %q, want %q", e.Code, tc.code))
			}
			if e.Field != tc.field {
				problems = append(problems, fmt.Sprintf("field %q, want %q (message %q)", e.Field, tc.field, e.Detail))
			}
			if !strings.Contains(e.Detail, tc.message) {
				problems = append(problems, fmt.Sprintf("message %q does not say %q", e.Detail, tc.message))
			}
			if after := apiWorld(t, f, live); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused write changed the state:\n%s", apiDiff(before, after))
			}
			if len(problems) > 0 {
				t.Error(strings.Join(problems, "\n"))
			}
		})
	}

	t.Run("stale session version", func(t *testing.T) {
		path := "/api/v1/sessions/" + session
		// Another secretary saves first, with the version both read.
		admin.patch(t, path, map[string]any{"title": "Saved first", "version": se.Version}).want(t, http.StatusOK)
		before := apiWorld(t, f, live)
		current := admin.get(t, path).want(t, 200).json(t)

		r := admin.patch(t, path, map[string]any{"title": "Saved second", "version": se.Version}).want(t, http.StatusConflict)
		e := r.errorAnswer(t)
		if e.Code != "stale_version" || e.Field != "version" {
			t.Errorf("code %q field %q, want stale_version on version", e.Code, e.Field)
		}
		var got any
		if err := json.Unmarshal(e.Current, &got); err != nil || !reflect.DeepEqual(got, current) {
			t.Errorf("current = %s, want the session as it stands: %v", e.Current, current)
		}
		if after := apiWorld(t, f, live); !reflect.DeepEqual(before, after) {
			t.Errorf("a refused write changed the state:\n%s", apiDiff(before, after))
		}
	})

	t.Run("unknown ids", func(t *testing.T) {
		for _, p := range []string{"/api/v1/sessions/no-such-session", "/api/v1/meetings/no-such-meeting", "/api/v1/topics/no-such-topic", "/api/v1/users/no-such-user", "/api/v1/delegations/ZZ"} {
			before := apiWorld(t, f, live)
			e := admin.patch(t, p, map[string]any{}, apiHeader("If-Match", `"1"`)).want(t, http.StatusNotFound).errorAnswer(t)
			if e.Code != "not_found" {
				t.Errorf("PATCH %s: code %q, want not_found", p, e.Code)
			}
			if after := apiWorld(t, f, live); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused write changed the state:\n%s", apiDiff(before, after))
			}
		}
	})
}

// apiChanged applies change to the request body b and returns it: a nil
// value removes the field, any other sets it.
func apiChanged(b, change map[string]any) map[string]any {
	for k, v := range change {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

// apiDiff describes how two decoded JSON values differ, path by path.
func apiDiff(a, b any) string {
	var out []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		if len(out) > 20 {
			return
		}
		switch av := a.(type) {
		case map[string]any:
			bv, ok := b.(map[string]any)
			if !ok {
				out = append(out, fmt.Sprintf("%s: %v → %v", path, a, b))
				return
			}
			for _, k := range apiSortedKeys(av, bv) {
				walk(path+"."+k, av[k], bv[k])
			}
		case []any:
			bv, ok := b.([]any)
			if !ok || len(av) != len(bv) {
				out = append(out, fmt.Sprintf("%s: %d items → %v", path, len(av), apiDescribeLen(b)))
				return
			}
			for i := range av {
				walk(path+"["+strconv.Itoa(i)+"]", av[i], bv[i])
			}
		default:
			if !reflect.DeepEqual(a, b) {
				out = append(out, fmt.Sprintf("%s: %v → %v", path, a, b))
			}
		}
	}
	walk("", a, b)
	return strings.Join(out, "\n")
}

func apiDescribeLen(v any) string {
	if s, ok := v.([]any); ok {
		return fmt.Sprintf("%d items", len(s))
	}
	return fmt.Sprintf("%v", v)
}

// ---- unknown routes and methods ----

func testUnknownRoutes(t *testing.T, f *apiFixture) {
	for _, c := range []struct {
		caller, method, path string
		status               int
		code                 string
	}{
		{callerAnonymous, "GET", "/api/v1/no-such-thing", 404, "not_found"},
		{callerAdmin, "GET", "/api/v1/no-such-thing", 404, "not_found"},
		{callerAdmin, "POST", "/api/v1/no-such-thing", 404, "not_found"},
		{callerAdmin, "GET", "/api/v2/meetings", 404, "not_found"},
		{callerAdmin, "GET", "/api", 404, "not_found"},
		{callerAdmin, "GET", "/api/v1/meetings/london-2014/no-such-thing", 404, "not_found"},
		{callerAdmin, "DELETE", "/api/v1/topics", 405, "method_not_allowed"},
		{callerAdmin, "PUT", "/api/v1/meetings/london-2014", 405, "method_not_allowed"},
		{callerAnonymous, "DELETE", "/api/v1/meetings", 405, "method_not_allowed"},
		{callerAdmin, "POST", "/healthz", 405, "method_not_allowed"},
	} {
		t.Run(c.caller+" "+c.method+" "+c.path, func(t *testing.T) {
			r := f.clients[c.caller].do(t, c.method, c.path, nil).want(t, c.status)
			if e := r.errorAnswer(t); e.Code != c.code {
				t.Errorf("code %q, want %q", e.Code, c.code)
			}
			if c.status == http.StatusMethodNotAllowed && r.Header.Get("Allow") == "" {
				t.Errorf("405 without an Allow header")
			}
		})
	}
}

// ---- security headers ----

// testSecurityHeaders visits one answer of each kind; the harness checks the
// headers on every answer of every test, and this makes sure each kind is seen.
func testSecurityHeaders(t *testing.T, f *apiFixture) {
	anon, admin := f.clients[callerAnonymous], f.admin()
	index := anon.get(t, "/")
	if index.Status == http.StatusOK {
		if ct := index.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET /: Content-Type %q, want the web app's index.html", ct)
		}
		// The app's own routes load the index too, and so do its assets.
		anon.get(t, "/agenda/london-2014").want(t, http.StatusOK)
		anon.get(t, "/favicon.svg").want(t, http.StatusOK)
	} else {
		t.Logf("the web app is not built into this test binary (GET / answered %d); its headers were checked on that answer", index.Status)
	}
	anon.get(t, "/healthz").want(t, http.StatusOK)
	anon.get(t, "/api/v1/openapi.json").want(t, http.StatusOK)
	anon.get(t, "/api/v1/me").want(t, http.StatusUnauthorized)
	f.clients[callerObserver].get(t, "/api/v1/users/"+f.accounts[callerAdmin].ID).want(t, http.StatusForbidden)
	admin.get(t, "/api/v1/me").want(t, http.StatusOK)
	admin.get(t, "/api/v1/meetings/london-2014/sessions").want(t, http.StatusOK) // served from a cached encoding
	admin.get(t, "/api/v1/no-such-thing").want(t, http.StatusNotFound)
	admin.get(t, "/api/v1/topics/no-such-topic").want(t, http.StatusNotFound)
	admin.do(t, "DELETE", "/api/v1/topics", nil).want(t, http.StatusMethodNotAllowed)
	admin.post(t, "/api/v1/topics", `{`).want(t, http.StatusBadRequest)

	// A path with a trailing slash is not a route: Gin answers it with a
	// bare redirect that no middleware sees, so without the headers.
	t.Run("trailing slash", func(t *testing.T) {
		inner := &apiRecorder{TB: t}
		r := admin.get(inner, "/api/v1/topics/")
		if r.Status/100 == 3 {
			inner.errors = append(inner.errors, fmt.Sprintf("GET /api/v1/topics/ answered %d → %s, a redirect the middleware never saw", r.Status, r.Header.Get("Location")))
		}
		if len(inner.errors) > 0 {
			t.Error(strings.Join(inner.errors, "\n"))
		}
	})
}

// apiRecorder is a testing.TB that collects errors instead of failing, so
// that a known bug's checks can be told apart from the rest.
type apiRecorder struct {
	testing.TB
	errors []string
}

func (r *apiRecorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *apiRecorder) Error(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }

// ---- the login cookie ----

func testLoginCookie(t *testing.T, f *apiFixture) {
	a := f.accounts[callerHead]
	r := f.srv.client().post(t, "/api/v1/login", map[string]string{"email": a.Email, "password": a.Password}).want(t, http.StatusOK)
	ck := apiLoginCookie(t, r)
	if !ck.HttpOnly {
		t.Error("the login cookie is not HttpOnly")
	}
	if ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("SameSite = %v, want Lax", ck.SameSite)
	}
	if ck.Path != "/" {
		t.Errorf("Path = %q, want /", ck.Path)
	}
	if ck.Secure {
		t.Error("the login cookie is Secure on plain http: the browser would never send it back")
	}
	if ck.MaxAge <= 0 {
		t.Errorf("Max-Age = %d, want the login's lifetime", ck.MaxAge)
	}
	var me struct {
		User      struct{ Email string } `json:"user"`
		Clearance string                 `json:"clearance"`
	}
	r.decode(t, &me)
	if me.User.Email != a.Email || me.Clearance != "heads" {
		t.Errorf("login answered %s, want the head of delegation with clearance heads", r.Body)
	}
	if strings.Contains(string(r.Body), "password") || strings.Contains(string(r.Body), "argon2") {
		t.Errorf("login answer shows the password hash: %s", r.Body)
	}
}

// apiLoginCookie returns the login cookie an answer sets.
func apiLoginCookie(t *testing.T, r *apiResponse) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == httpapi.CookieName {
			return ck
		}
	}
	t.Fatalf("%s %s sets no %s cookie; Set-Cookie: %q", r.Method, r.Path, httpapi.CookieName, r.Header.Values("Set-Cookie"))
	return nil
}

func testLogoutRevokes(t *testing.T, f *apiFixture) {
	a := f.accounts[callerFollowup]
	c := f.srv.client()
	c.login(t, a.Email, a.Password)
	old := c.cookie()
	if old == "" {
		t.Fatal("no login cookie after login")
	}
	c.get(t, "/api/v1/me").want(t, http.StatusOK)
	r := c.post(t, "/api/v1/logout", nil).want(t, http.StatusNoContent)
	if ck := apiLoginCookie(t, r); ck.MaxAge >= 0 || ck.Value != "" {
		t.Errorf("logout sets %v, want the cookie removed", ck)
	}
	// A copy of the old cookie (a second tab, a stolen cookie) is dead at once.
	replay := f.srv.client()
	r = replay.get(t, "/api/v1/me", apiHeader("Cookie", httpapi.CookieName+"="+old)).want(t, http.StatusUnauthorized)
	if e := r.errorAnswer(t); e.Code != "unauthorized" {
		t.Errorf("code %q, want unauthorized", e.Code)
	}
	// The follow-up team's other login, made by the fixture, is not touched.
	f.clients[callerFollowup].get(t, "/api/v1/me").want(t, http.StatusOK)
}

func testForeignOrigin(t *testing.T, f *apiFixture) {
	admin := f.admin()
	evil := apiHeader("Origin", "http://evil.example")
	slug := apiUnique("from-elsewhere")
	for _, r := range []*apiResponse{
		admin.post(t, "/api/v1/topics", map[string]string{"slug": slug, "title": "Planted"}, evil),
		admin.patch(t, "/api/v1/topics/cyberbullying", map[string]string{"title": "Planted"}, evil),
		admin.do(t, "DELETE", "/api/v1/sessions/"+f.newSession(t), nil, evil),
		// A look-alike of the real origin is foreign too.
		admin.post(t, "/api/v1/topics", map[string]string{"slug": slug, "title": "Planted"}, apiHeader("Origin", f.srv.URL+".evil.example")),
		admin.post(t, "/api/v1/topics", map[string]string{"slug": slug, "title": "Planted"}, apiHeader("Origin", "null")),
	} {
		r.want(t, http.StatusForbidden)
		if e := r.errorAnswer(t); e.Code != "forbidden" {
			t.Errorf("%s %s: code %q, want forbidden", r.Method, r.Path, e.Code)
		}
	}
	admin.get(t, "/api/v1/topics/"+slug).want(t, http.StatusNotFound)
	var topic struct{ Title string }
	admin.get(t, "/api/v1/topics/cyberbullying").want(t, http.StatusOK).decode(t, &topic)
	if topic.Title == "Planted" {
		t.Error("a write from a foreign origin changed the topic")
	}
	// Signing in from a foreign page is refused too (login CSRF).
	a := f.accounts[callerObserver]
	f.srv.client().post(t, "/api/v1/login", map[string]string{"email": a.Email, "password": a.Password}, evil).want(t, http.StatusForbidden)
	// Reads from anywhere are harmless and answered.
	admin.get(t, "/api/v1/topics", evil).want(t, http.StatusOK)
}

// ---- login limits, and a server behind https ----

// TestAPILoginRateLimits has a server of its own: it spends the sign-in
// attempts of the one client address every test shares.
func TestAPILoginRateLimits(t *testing.T) {
	srv, admin := startAPIServerWithAdmin(t, nil)
	login := func(c *apiClient, email, password string, opts ...apiOption) *apiResponse {
		return c.post(t, "/api/v1/login", map[string]string{"email": email, "password": password}, opts...)
	}

	t.Run("per account", func(t *testing.T) {
		c := srv.client()
		for i := 1; i <= 10; i++ {
			login(c, admin.Email, "wrong-password-"+strconv.Itoa(i)).want(t, http.StatusUnauthorized)
		}
		r := login(c, admin.Email, "wrong-password-11").want(t, http.StatusTooManyRequests)
		if e := r.errorAnswer(t); e.Code != "rate_limited" {
			t.Errorf("code %q, want rate_limited", e.Code)
		}
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		// Even the right password waits: the limit is checked before it.
		login(srv.client(), admin.Email, admin.Password).want(t, http.StatusTooManyRequests)
	})

	t.Run("per address, whatever X-Forwarded-For says", func(t *testing.T) {
		// With no trusted proxy, a client cannot pose as many addresses by
		// sending X-Forwarded-For: every attempt counts against 127.0.0.1,
		// and the address's limit (30 at once) is reached although each
		// attempt names a different account and a different address.
		// The bucket gains one attempt back every 2 s, and a loaded machine
		// can take that long per sign-in: the attempts allowed are bounded by
		// the burst plus what the elapsed time refilled, not by a fixed count.
		const addressBurst, addressRefill = 30, 2 * time.Second // httpapi's
		c := srv.client()
		start := time.Now()
		for i := 1; i <= addressBurst+int(time.Since(start)/addressRefill)+1 && i <= 400; i++ {
			spoof := fmt.Sprintf("203.0.113.%d", i%250+1)
			r := login(c, fmt.Sprintf("nobody-%d@example.org", i), "wrong-password",
				apiHeader("X-Forwarded-For", spoof), apiHeader("X-Real-IP", spoof))
			switch r.Status {
			case http.StatusUnauthorized:
				continue
			case http.StatusTooManyRequests:
				t.Logf("attempt %d from \"%s\" refused: the address's limit holds", i, spoof)
				return
			default:
				t.Fatalf("attempt %d: status %d; body: %s", i, r.Status, apiClip(r.Body))
			}
		}
		t.Fatalf("more attempts with spoofed X-Forwarded-For were let through than the address's bucket holds after %s: the header is believed",
			time.Since(start).Round(time.Second))
	})
}

// TestAPIBehindHTTPS: with an https public URL the login cookie is Secure,
// HSTS is sent, and only the public origin may write.
func TestAPIBehindHTTPS(t *testing.T) {
	const public = "https://quintet.example.org"
	srv, admin := startAPIServerWithAdmin(t, map[string]string{"QUINTET_PUBLIC_URL": public})
	c := srv.client()
	origin := apiHeader("Origin", public)
	r := c.post(t, "/api/v1/login", map[string]string{"email": admin.Email, "password": admin.Password}, origin).want(t, http.StatusOK)
	ck := apiLoginCookie(t, r)
	if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
		t.Errorf("login cookie %q, want Secure; HttpOnly; SameSite=Lax; Path=/", r.Header.Values("Set-Cookie"))
	}
	if hsts := r.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("Strict-Transport-Security %q, want a max-age", hsts)
	}
	// The Go client keeps a Secure cookie away from http; send it as a browser
	// behind the TLS-terminating proxy would.
	cookie := apiHeader("Cookie", httpapi.CookieName+"="+ck.Value)
	bare := srv.client()
	bare.get(t, "/api/v1/me", cookie).want(t, http.StatusOK)
	bare.post(t, "/api/v1/topics", map[string]string{"slug": "behind-https", "title": "Behind https"}, cookie, origin).want(t, http.StatusCreated)
	// The loopback origin is not the public one.
	bare.post(t, "/api/v1/topics", map[string]string{"slug": "from-loopback", "title": "From loopback"}, cookie, apiHeader("Origin", srv.URL)).want(t, http.StatusForbidden)
}
