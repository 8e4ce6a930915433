package main

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/livetest"
)

// TestViewsAgree: what a reader is shown of an outcome or an action is one
// view, built in the domain for that reader, so REST, the live push and the
// exports must say the same thing — for every role, including the ones that
// may not read it at all (no push, a 404, absent from the export).
func TestViewsAgree(t *testing.T) {
	f := newAPIFixture(t, nil)
	admin := f.admin()
	session := f.newLiveSession(t)
	const channel = "meeting:london-2014"

	readers := []string{callerAdmin, callerRapporteur, callerDelegate, callerHead, callerFollowup, callerObserver}
	live := map[string]*livetest.Client{}
	for _, role := range readers {
		h := http.Header{"Origin": {f.srv.URL}, "Cookie": {httpapi.CookieName + "=" + f.clients[role].cookie()}}
		ws, status, err := livetest.Dial("ws"+strings.TrimPrefix(f.srv.URL, "http")+livetest.Path, h)
		if err != nil {
			t.Fatalf("dial as %s: %v (status %d)", role, err, status)
		}
		t.Cleanup(func() { ws.Close() })
		c := &livetest.Client{T: t, WS: ws}
		c.ExpectHello()
		c.Subscribe(channel, 0)
		live[role] = c
	}

	// An outcome for the delegations, agreed and signed off by one head (so
	// the derived agreement is not the stored one), and an action for the
	// heads with a progress report on it.
	var o struct {
		ID      string
		Version int64
	}
	admin.post(t, "/api/v1/sessions/"+session+"/outcomes", map[string]any{
		"kind": "finding", "text": "Prosecutors to share guidance on electronic evidence", "marking": "delegations",
	}).want(t, http.StatusCreated).decode(t, &o)
	admin.patch(t, "/api/v1/outcomes/"+o.ID, map[string]any{"status": "agreed", "version": o.Version}).
		want(t, http.StatusOK).decode(t, &o)
	f.clients[callerHead].post(t, "/api/v1/outcomes/"+o.ID+"/sign-offs", nil).want(t, http.StatusOK).decode(t, &o)

	var a struct {
		ID      string
		Version int64
	}
	admin.post(t, "/api/v1/actions", map[string]any{
		"title": "Heads' action on mutual legal assistance", "owner": "GB", "due": "2015-03-01",
		"session_id": session, "marking": "heads",
	}).want(t, http.StatusCreated).decode(t, &a)
	admin.post(t, "/api/v1/actions/"+a.ID+"/reports", map[string]any{
		"text": "Draft circulated.", "status": "in-progress", "progress": 40, "version": a.Version,
	}).want(t, http.StatusCreated).decode(t, &a)

	// The sentinel: an action everyone reads, made last, so that a reader
	// who has it has had every push before it.
	var sentinel struct{ ID string }
	admin.post(t, "/api/v1/actions", map[string]any{
		"title": "Sentinel", "owner": "GB", "due": "2015-06-30", "meeting_id": "london-2014",
	}).want(t, http.StatusCreated).decode(t, &sentinel)

	seen := map[string]int{} // how many readers could read each kind
	for _, role := range readers {
		pushed := lastPushes(t, live[role], sentinel.ID)
		for _, kind := range []struct{ name, path, id string }{
			{"outcome", "/api/v1/outcomes/", o.ID},
			{"action", "/api/v1/actions/", a.ID},
		} {
			rest := f.clients[role].get(t, kind.path+kind.id)
			push, wasPushed := pushed[kind.name+" "+kind.id]
			switch {
			case rest.Status == http.StatusNotFound && !wasPushed:
				continue // neither path lets this reader know it exists
			case rest.Status == http.StatusNotFound:
				t.Errorf("%s: REST hides the %s but the live push showed it: %s", role, kind.name, push)
				continue
			case rest.Status != http.StatusOK:
				t.Fatalf("%s: GET %s%s = %d", role, kind.path, kind.id, rest.Status)
			case !wasPushed:
				t.Errorf("%s: REST shows the %s but no live push came", role, kind.name)
				continue
			}
			seen[kind.name]++
			var fromREST, fromLive map[string]any
			if err := json.Unmarshal(rest.Body, &fromREST); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(push, &fromLive); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fromREST, fromLive) {
				t.Errorf("%s: the %s differs between REST and live:\nREST %s\nlive %s", role, kind.name, rest.Body, push)
			}
		}

		// The exports show what REST shows this reader, and nothing it hides.
		var view struct {
			Agreement string `json:"agreement"`
		}
		outcome := f.clients[role].get(t, "/api/v1/outcomes/"+o.ID)
		record := string(f.clients[role].get(t, "/api/v1/meetings/london-2014/record.md").want(t, http.StatusOK).Body)
		if outcome.Status == http.StatusOK {
			outcome.decode(t, &view)
			if !strings.Contains(record, "Prosecutors to share guidance") || !strings.Contains(record, view.Agreement) {
				t.Errorf("%s: the record does not show the outcome as REST does (agreement %q):\n%s", role, view.Agreement, record)
			}
		} else if strings.Contains(record, "Prosecutors to share guidance") {
			t.Errorf("%s: the record shows an outcome REST hides", role)
		}
		csv := string(f.clients[role].get(t, "/api/v1/actions.csv").want(t, http.StatusOK).Body)
		action := f.clients[role].get(t, "/api/v1/actions/"+a.ID)
		if hasRow := strings.Contains(csv, "Heads' action on mutual legal assistance"); hasRow != (action.Status == http.StatusOK) {
			t.Errorf("%s: actions.csv has the heads' action %v, REST answers %d", role, hasRow, action.Status)
		} else if hasRow && !strings.Contains(csv, "in-progress") {
			t.Errorf("%s: actions.csv does not show the action's status as REST does:\n%s", role, csv)
		}
	}
	// Not vacuous: some readers see each thing, and some do not.
	if seen["outcome"] == 0 || seen["outcome"] == len(readers) || seen["action"] == 0 || seen["action"] == len(readers) {
		t.Fatalf("readers who could read each kind: %v of %d; the markings should split them", seen, len(readers))
	}
}

// lastPushes reads c until the push of the action sentinel and returns the
// last pushed view of each outcome and action before it, by "kind id".
func lastPushes(t *testing.T, c *livetest.Client, sentinel string) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	for {
		m := c.Next()
		var raw *json.RawMessage
		switch m.Type {
		case "outcome":
			raw = m.Outcome
		case "action":
			raw = m.Action
		case "withdrawn":
			delete(out, m.Kind+" "+m.ID)
			continue
		default:
			continue
		}
		var id struct{ ID string }
		if err := json.Unmarshal(*raw, &id); err != nil {
			t.Fatal(err)
		}
		if m.Type == "action" && id.ID == sentinel {
			return out
		}
		out[m.Type+" "+id.ID] = *raw
	}
}
