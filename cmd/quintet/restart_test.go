package main

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/storetest"
)

// TestRestartKeepsState: whatever the service served before a restart, it
// serves the same after it, read by every GET route of the API.
func TestRestartKeepsState(t *testing.T) {
	dir := storetest.DataDir(t)
	admin := &apiAccount{Email: "secretariat@example.org", Name: "Secretariat", Password: apiPassword("admin")}
	mustAPICLI(t, dir, nil, admin.Password+"\n", "user", "add", "--email", admin.Email, "--name", admin.Name, "--role", "admin")
	token := strings.TrimSpace(mustAPICLI(t, dir, nil, "", "token", "create", "--email", admin.Email, "--name", "restart test"))

	srv := startAPIServer(t, dir, nil)
	f := &apiFixture{srv: srv, accounts: map[string]*apiAccount{callerAdmin: admin}, clients: map[string]*apiClient{}}
	ac := srv.client()
	ac.login(t, admin.Email, admin.Password)
	f.clients[callerAdmin] = ac

	// Changes of every kind the foundation makes.
	rapporteur := &apiAccount{Email: "rapporteur@example.org", Name: "Rapporteur", Password: apiPassword("rapporteur"), Roles: []string{"rapporteur"}}
	rapporteur.ID = f.createUser(t, rapporteur)
	f.accounts[callerRapporteur] = rapporteur
	observer := &apiAccount{Email: "observer@example.org", Name: "Observer", Password: apiPassword("observer"), Roles: []string{"observer"}}
	observer.ID = f.createUser(t, observer)
	gone := &apiAccount{Email: "gone@example.org", Name: "Gone", Password: apiPassword("gone"), Roles: []string{"delegate"}, Delegation: "NZ"}
	gone.ID = f.createUser(t, gone)
	ac.patch(t, "/api/v1/users/"+gone.ID, map[string]any{"disabled": true}, ac.ifMatchCurrent(t, "/api/v1/users/"+gone.ID)).want(t, http.StatusOK)

	session := f.newSession(t)
	ac.patch(t, "/api/v1/sessions/"+session, map[string]any{
		"start": "2014-07-11T14:00:00+01:00", "end": "2014-07-11T15:30:00+01:00", "chair": observer.ID, "version": 1,
	}).want(t, http.StatusOK)
	live := f.newLiveSession(t)
	rc := srv.client()
	rc.login(t, rapporteur.Email, rapporteur.Password)
	for _, m := range []string{"all", "delegations", "heads"} {
		rc.post(t, "/api/v1/sessions/"+live+"/notes", map[string]any{"client_id": "restart-" + m, "text": "Note " + m, "marking": m}).want(t, http.StatusCreated)
	}
	rc.post(t, "/api/v1/sessions/"+live+"/notes", map[string]any{"client_id": "restart-amend", "text": "Correction", "marking": "all", "amends": 1}).want(t, http.StatusCreated)
	ac.post(t, "/api/v1/sessions/"+live+"/end", nil).want(t, http.StatusOK)
	ac.do(t, "DELETE", "/api/v1/sessions/london-2014-d3-register", nil, ac.ifMatchCurrent(t, "/api/v1/sessions/london-2014-d3-register")).want(t, http.StatusNoContent)
	ac.patch(t, "/api/v1/topics/cyberbullying", map[string]any{"title": "Cyberbullying and online harassment", "description": "Edited before the restart."}, ac.ifMatchCurrent(t, "/api/v1/topics/cyberbullying")).want(t, http.StatusOK)
	var topic struct{ ID string }
	ac.post(t, "/api/v1/topics", map[string]any{"slug": "ransomware", "title": "Ransomware", "description": "Added before the restart."}).want(t, http.StatusCreated).decode(t, &topic)
	ac.post(t, "/api/v1/delegations", map[string]any{"code": "IE", "name": "Ireland", "agencies": []string{"Office of the Attorney General"}}).want(t, http.StatusCreated)
	ac.patch(t, "/api/v1/delegations/NZ", map[string]any{"agencies": []string{"Crown Law Office", "New Zealand Police", "Department of Internal Affairs"}}, ac.ifMatchCurrent(t, "/api/v1/delegations/NZ")).want(t, http.StatusOK)
	ac.post(t, "/api/v1/meetings", map[string]any{"id": "ottawa-2015", "title": "Quintet of Attorneys General, Ottawa 2015", "host": "CA", "city": "Ottawa",
		"time_zone": "America/Toronto", "start_date": "2015-06-01", "end_date": "2015-06-02", "delegations": []string{"AU", "CA", "GB", "NZ", "US"},
		"topics": []string{topic.ID, "cyberbullying"}}).want(t, http.StatusCreated)
	ac.patch(t, "/api/v1/meetings/london-2014", map[string]any{"venue": "Lancaster House, London"}, ac.ifMatchCurrent(t, "/api/v1/meetings/london-2014")).want(t, http.StatusOK)

	// Follow-up: an agreed outcome signed off, an action with a report, a
	// register entry linked from it, an archived entry.
	hc := srv.client()
	head := &apiAccount{Email: "head@example.org", Name: "Head", Password: apiPassword("head"), Roles: []string{"head"}, Delegation: "GB"}
	head.ID = f.createUser(t, head)
	hc.login(t, head.Email, head.Password)
	var outcome, action, entry, archived struct {
		ID      string
		Version int64
	}
	rc.post(t, "/api/v1/sessions/"+live+"/notes/1/outcome", map[string]any{"kind": "decision", "marking": "all"}).want(t, http.StatusCreated).decode(t, &outcome)
	ac.patch(t, "/api/v1/outcomes/"+outcome.ID, map[string]any{"status": "agreed", "version": outcome.Version}).want(t, http.StatusOK)
	hc.post(t, "/api/v1/outcomes/"+outcome.ID+"/sign-offs", nil).want(t, http.StatusOK)
	ac.post(t, "/api/v1/actions", map[string]any{"title": "Publish guidance", "owner": "GB", "due": "2015-06-30",
		"outcome_id": outcome.ID, "marking": "all"}).want(t, http.StatusCreated).decode(t, &action)
	ac.post(t, "/api/v1/actions/"+action.ID+"/reports", map[string]any{"text": "Drafted.", "progress": 30, "status": "in-progress",
		"version": action.Version}).want(t, http.StatusCreated)
	ac.post(t, "/api/v1/register", apiEntryBody("Prosecutor exchange on cyberbullying")).want(t, http.StatusCreated).decode(t, &entry)
	ac.post(t, "/api/v1/links", map[string]any{"from_kind": "action", "from_id": action.ID, "entry_id": entry.ID}).want(t, http.StatusCreated)
	ac.post(t, "/api/v1/register", apiEntryBody("Withdrawn module")).want(t, http.StatusCreated).decode(t, &archived)
	ac.patch(t, "/api/v1/register/"+archived.ID, map[string]any{"archived": true, "version": archived.Version}).want(t, http.StatusOK)

	// Read everything as the secretariat (by token) and as an observer (by
	// the login cookie, which must survive the restart too).
	oc := srv.client()
	oc.login(t, observer.Email, observer.Password)
	before := map[string]map[string]any{
		"admin":    apiSnapshot(t, srv.tokenClient(token)),
		"observer": apiSnapshot(t, oc),
	}
	t.Logf("read %d answers as admin and %d as observer", len(before["admin"]), len(before["observer"]))
	if err := srv.Stop(); err != nil {
		t.Fatalf("run returned %v at shutdown, want nil", err)
	}

	srv2 := startAPIServer(t, dir, nil)
	oc2 := srv2.client()
	oc2.hc.Jar.SetCookies(apiParseURL(srv2.URL), oc.hc.Jar.Cookies(apiParseURL(srv.URL)))
	after := map[string]map[string]any{
		"admin":    apiSnapshot(t, srv2.tokenClient(token)),
		"observer": apiSnapshot(t, oc2),
	}
	for who := range before {
		if len(before[who]) < 20 {
			t.Errorf("%s read only %d answers; the snapshot is too thin to prove anything", who, len(before[who]))
		}
		for _, p := range apiSortedKeys(before[who], after[who]) {
			if !reflect.DeepEqual(before[who][p], after[who][p]) {
				t.Errorf("as %s, GET %s changed across the restart:\n%s", who, p, apiDiff(before[who][p], after[who][p]))
			}
		}
	}
	if strings.Contains(srv2.Stdout.String(), "setup?secret=") {
		t.Error("a restart with accounts printed a set-up link")
	}
}

// apiSnapshot reads every GET route of the API the server documents, with
// every id it lists, and returns the answers (status and body) by path.
func apiSnapshot(t *testing.T, c *apiClient) map[string]any {
	t.Helper()
	get := func(p string, v any) {
		c.get(t, p).want(t, http.StatusOK).decode(t, v)
	}
	type withID struct {
		ID   string `json:"id"`
		Code string `json:"code"`
	}
	ids := map[string][]string{}
	// collect reads the list at listPath and files each item's id (its code,
	// where the item's path takes one) under idPath.
	collect := func(listPath, idPath string) {
		var list []withID
		get(listPath, &list)
		for _, x := range list {
			id := x.ID
			if strings.HasSuffix(idPath, "{code}") {
				id = x.Code
			}
			ids[idPath] = append(ids[idPath], id)
		}
	}
	collect("/api/v1/meetings", "/api/v1/meetings/{id}")
	for _, m := range ids["/api/v1/meetings/{id}"] {
		collect("/api/v1/meetings/"+m+"/sessions", "/api/v1/sessions/{id}")
	}
	for _, l := range []struct{ list, item string }{
		{"/api/v1/topics", "/api/v1/topics/{id}"},
		{"/api/v1/delegations", "/api/v1/delegations/{code}"},
		{"/api/v1/users", "/api/v1/users/{id}"},
	} {
		collect(l.list, l.item)
	}
	for _, m := range ids["/api/v1/meetings/{id}"] {
		collect("/api/v1/meetings/"+m+"/outcomes", "/api/v1/outcomes/{id}")
	}
	collect("/api/v1/actions", "/api/v1/actions/{id}")
	collect("/api/v1/register?archived=any", "/api/v1/register/{id}")

	routes, _, _ := apiDocRoutes(t, c)
	out := map[string]any{}
	for _, r := range routes {
		method, p, _ := strings.Cut(r, " ")
		if method != http.MethodGet || apiSnapshotSkips[p] != "" {
			continue
		}
		paths := []string{p}
		if strings.Contains(p, "{") {
			paths = nil
			known := false
			for _, prefix := range apiListed {
				if p == prefix || strings.HasPrefix(p, prefix+"/") {
					known = true
					for _, v := range ids[prefix] {
						paths = append(paths, strings.Replace(p, prefix[strings.LastIndex(prefix, "/"):], "/"+v, 1))
					}
				}
			}
			if !known {
				t.Errorf("apiSnapshot (restart_test.go) does not know the ids of %s: teach it", p)
			}
		}
		for _, q := range paths {
			resp := c.get(t, q)
			var body any
			switch ct := resp.Header.Get("Content-Type"); {
			case len(resp.Body) == 0:
			case strings.HasPrefix(ct, "application/json"):
				body = resp.json(t)
				// A generated document (the brief) says when it was made.
				if m, ok := body.(map[string]any); ok && m["generated"] != nil {
					m["generated"] = "…"
				}
			default: // CSV, Markdown, HTML
				body = apiGeneratedAt.ReplaceAllString(string(resp.Body), "generated …")
			}
			out[q] = map[string]any{"status": resp.Status, "body": body}
		}
	}
	return out
}

// apiListed are the parameterised paths whose ids apiSnapshot lists.
var apiListed = []string{
	"/api/v1/meetings/{id}", "/api/v1/sessions/{id}", "/api/v1/topics/{id}", "/api/v1/delegations/{code}",
	"/api/v1/users/{id}", "/api/v1/outcomes/{id}", "/api/v1/actions/{id}", "/api/v1/register/{id}",
}

// apiSnapshotSkips are the GET routes a snapshot does not read, and why.
var apiSnapshotSkips = map[string]string{
	"/api/v1/live":               "a WebSocket, not a document",
	"/api/v1/calendar/{feed}":    "its secret is shown once, when issued",
	"/api/v1/agenda-feed/{feed}": "its secret is shown once, when issued",
	"/api/v1/backup":             "its header says when it was taken; backup_test.go compares its documents",
}

// apiGeneratedAt matches the day an export says it was made: the day of
// the read, not of the state (a run across midnight would see two).
var apiGeneratedAt = regexp.MustCompile(`generated [^.<\n]*`)
