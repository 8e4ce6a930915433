package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The register, its links, coverage and search, end to end: the real
// program started through run on port 0 over the embedded store, one
// account per role (the harness's; its delegation members are in GB).

// regEntry is the part of a register entry these tests read.
type regEntry struct {
	ID             string `json:"id"`
	Title          string `json:"title"`
	LeadDelegation string `json:"lead_delegation"`
	Version        int64  `json:"version"`
	Archived       bool   `json:"archived"`
	Example        bool   `json:"example"`
}

func regEntryBody(title, lead string) map[string]any {
	return map[string]any{
		"title": title, "summary": "Training on electronic evidence for " + title, "lead_delegation": lead,
		"audiences": []string{"judiciary", "prosecutors"}, "format": "training", "status": "planned",
		"start_date": "2015-03-02", "topics": []string{"cyberbullying"},
	}
}

// newEntry adds an entry led by GB as the secretariat.
func regNewEntry(t *testing.T, f *apiFixture) regEntry {
	t.Helper()
	var e regEntry
	f.admin().post(t, "/api/v1/register", regEntryBody(apiUnique("Entry"), "GB")).want(t, http.StatusCreated).decode(t, &e)
	return e
}

// regPostNote writes a note in a live session as the secretariat.
func regPostNote(t *testing.T, f *apiFixture, session, text, marking string) string {
	t.Helper()
	var n struct{ ID string }
	f.admin().post(t, "/api/v1/sessions/"+session+"/notes", map[string]any{
		"client_id": apiUnique("reg-note"), "text": text, "marking": marking,
	}).want(t, http.StatusCreated).decode(t, &n)
	return n.ID
}

func TestRegisterHTTP(t *testing.T) {
	f := newAPIFixture(t, nil)
	t.Run("routes by role", func(t *testing.T) { testRegisterRoutesByRole(t, f) })
	t.Run("bad input", func(t *testing.T) { testRegisterBadInput(t, f) })
	t.Run("concurrent edits", func(t *testing.T) { testRegisterVersions(t, f) })
	t.Run("csv", func(t *testing.T) { testRegisterCSV(t, f) })
	t.Run("markings", func(t *testing.T) { testRegisterMarkings(t, f) })
	t.Run("follow-up links its actions", func(t *testing.T) { testRegisterActionLinks(t, f) })
}

func testRegisterRoutesByRole(t *testing.T, f *apiFixture) {
	live := f.newLiveSession(t)
	note := regPostNote(t, f, live, "Judges asked for training on electronic evidence.", "all")
	existing := regNewEntry(t, f)
	writers := []string{callerAdmin, callerFollowup} // the follow-up team is GB's, the entries' lead
	linkers := []string{callerAdmin, callerRapporteur}
	freshEntry := func(t *testing.T) regEntry { return regNewEntry(t, f) }
	csvFile := "title,lead_delegation,audiences,format,status,start_date\n" + apiUnique("Imported") + ",GB,judiciary,training,planned,2015-01-01\n"

	for _, rc := range []struct {
		route   string
		allowed []string
		status  int
		call    func(t *testing.T, c *apiClient) *apiResponse
	}{
		{"GET /register", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/register?audience=judiciary&status=planned&delegation=GB")
		}},
		{"POST /register", writers, 201, func(t *testing.T, c *apiClient) *apiResponse {
			return c.post(t, "/api/v1/register", regEntryBody(apiUnique("By role"), "GB"))
		}},
		{"GET /register.csv", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/register.csv")
		}},
		{"POST /register.csv", writers, 201, func(t *testing.T, c *apiClient) *apiResponse {
			return c.post(t, "/api/v1/register.csv", csvFile, apiHeader("Content-Type", "text/csv"))
		}},
		{"GET /register/{id}", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/register/"+existing.ID)
		}},
		{"PATCH /register/{id}", writers, 200, func(t *testing.T, c *apiClient) *apiResponse {
			e := freshEntry(t)
			return c.patch(t, "/api/v1/register/"+e.ID, map[string]any{"status": "ongoing", "version": e.Version})
		}},
		{"GET /register/{id}/history", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/register/"+existing.ID+"/history")
		}},
		{"GET /register/{id}/backlinks", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/register/"+existing.ID+"/backlinks")
		}},
		{"GET /links", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/links?from_kind=note&from_id="+note)
		}},
		{"POST /links", linkers, 201, func(t *testing.T, c *apiClient) *apiResponse {
			e := freshEntry(t)
			return c.post(t, "/api/v1/links", map[string]any{"from_kind": "note", "from_id": note, "entry_id": e.ID})
		}},
		{"DELETE /links/{id}", linkers, 204, func(t *testing.T, c *apiClient) *apiResponse {
			e := freshEntry(t)
			var l struct{ ID string }
			f.admin().post(t, "/api/v1/links", map[string]any{"from_kind": "note", "from_id": note, "entry_id": e.ID}).
				want(t, http.StatusCreated).decode(t, &l)
			return c.do(t, http.MethodDelete, "/api/v1/links/"+url.PathEscape(l.ID), nil)
		}},
		{"GET /topics/{id}/register", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/topics/cyberbullying/register")
		}},
		{"GET /coverage", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/coverage?meeting=london-2014")
		}},
		{"GET /search", apiSignedIn, 200, func(t *testing.T, c *apiClient) *apiResponse {
			return c.get(t, "/api/v1/search?q=electronic+evidence")
		}},
	} {
		t.Run(rc.route, func(t *testing.T) {
			for _, caller := range apiCallers {
				r := rc.call(t, f.clients[caller])
				want := rc.status
				switch {
				case slices.Contains(rc.allowed, caller):
				case caller == callerAnonymous:
					want = http.StatusUnauthorized
				default:
					want = http.StatusForbidden
				}
				if r.Status != want {
					t.Errorf("%s as %s: status %d, want %d; body %s", rc.route, caller, r.Status, want, apiClip(r.Body))
				}
				if want >= 400 {
					r.errorAnswer(t)
				}
			}
		})
	}
}

func testRegisterBadInput(t *testing.T, f *apiFixture) {
	admin := f.admin()
	e := regNewEntry(t, f)
	// postEntry posts a new entry's body with change applied.
	postEntry := func(change map[string]any) func() *apiResponse {
		return func() *apiResponse {
			return admin.post(t, "/api/v1/register", apiChanged(regEntryBody(apiUnique("Bad"), "GB"), change))
		}
	}
	for _, tt := range []struct {
		name   string
		call   func() *apiResponse
		status int
		field  string
	}{
		{"unknown audience", postEntry(map[string]any{"audiences": []string{"judges"}}), 400, "audiences"},
		{"unknown format", postEntry(map[string]any{"format": "webinar"}), 400, "format"},
		{"unknown status", postEntry(map[string]any{"status": "done"}), 400, "status"},
		{"unknown delegation", postEntry(map[string]any{"partner_delegations": []string{"FR"}}), 400, "partner_delegations"},
		{"end before start", postEntry(map[string]any{"end_date": "2014-01-01"}), 400, "end_date"},
		{"a javascript: reference", postEntry(map[string]any{"references": []map[string]string{{"url": "javascript:alert(1)"}}}), 400, "references[0].url"},
		{"an unknown field", postEntry(map[string]any{"colour": "red"}), 400, "colour"},
		{"a link to a missing entry", func() *apiResponse {
			return admin.post(t, "/api/v1/links", map[string]any{"from_kind": "topic", "from_id": "cyberbullying", "entry_id": "missing"})
		}, 400, "entry_id"},
		{"a link from a missing note", func() *apiResponse {
			return admin.post(t, "/api/v1/links", map[string]any{"from_kind": "note", "from_id": "missing", "entry_id": e.ID})
		}, 400, "from_id"},
		{"a link from a meeting", func() *apiResponse {
			return admin.post(t, "/api/v1/links", map[string]any{"from_kind": "meeting", "from_id": "london-2014", "entry_id": e.ID})
		}, 400, "from_kind"},
		{"a filter with an unknown audience", func() *apiResponse { return admin.get(t, "/api/v1/register?audience=judges") }, 400, "audience"},
		{"a filter with an unknown delegation", func() *apiResponse { return admin.get(t, "/api/v1/register?delegation=FR") }, 400, "delegation"},
		{"a year that is not a number", func() *apiResponse { return admin.get(t, "/api/v1/register?year=last") }, 400, "year"},
		{"empty search", func() *apiResponse { return admin.get(t, "/api/v1/search?q=") }, 400, "q"},
		{"huge search", func() *apiResponse { return admin.get(t, "/api/v1/search?q="+strings.Repeat("a", 201)) }, 400, "q"},
		{"search of operators only", func() *apiResponse {
			return admin.get(t, "/api/v1/search?q="+url.QueryEscape(`"*" + - ( ) ~ :`))
		}, 400, "q"},
		{"search of too many words", func() *apiResponse {
			return admin.get(t, "/api/v1/search?q="+url.QueryEscape(strings.Repeat("word ", 13)))
		}, 400, "q"},
		{"search of an unknown kind", func() *apiResponse { return admin.get(t, "/api/v1/search?q=x&kind=minutes") }, 400, "kind"},
		{"coverage of an unknown meeting", func() *apiResponse { return admin.get(t, "/api/v1/coverage?meeting=paris-1900") }, 400, "meeting"},
		{"a missing entry", func() *apiResponse { return admin.get(t, "/api/v1/register/missing") }, 404, ""},
		{"backlinks of a missing entry", func() *apiResponse { return admin.get(t, "/api/v1/register/missing/backlinks") }, 404, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := admin.get(t, "/api/v1/register?archived=any").want(t, 200).Header.Get("X-Total-Count")
			r := tt.call()
			r.want(t, tt.status)
			if e := r.errorAnswer(t); e.Field != tt.field {
				t.Errorf("field %q, want %q (%s)", e.Field, tt.field, e.Detail)
			}
			if after := admin.get(t, "/api/v1/register?archived=any").want(t, 200).Header.Get("X-Total-Count"); after != before {
				t.Errorf("a refused request changed the register: %s entries, then %s", before, after)
			}
		})
	}
}

func testRegisterVersions(t *testing.T, f *apiFixture) {
	e := regNewEntry(t, f)
	path := "/api/v1/register/" + e.ID
	f.clients[callerFollowup].patch(t, path, map[string]any{"title": "First", "version": e.Version}).want(t, 200)
	r := f.admin().patch(t, path, map[string]any{"title": "Second", "version": e.Version}).want(t, http.StatusConflict)
	ans := r.errorAnswer(t)
	var cur regEntry
	if err := json.Unmarshal(ans.Current, &cur); err != nil || cur.Title != "First" || cur.Version != e.Version+1 {
		t.Fatalf("409 current=%s, want the entry at version %d", ans.Current, e.Version+1)
	}
	// Archive; the entry stays readable and is out of the default list.
	f.admin().patch(t, path, map[string]any{"archived": true, "version": cur.Version}).want(t, 200)
	var list []regEntry
	f.clients[callerObserver].get(t, "/api/v1/register?archived=any").want(t, 200).decode(t, &list)
	if !slices.ContainsFunc(list, func(x regEntry) bool { return x.ID == e.ID && x.Archived }) {
		t.Fatalf("the archived entry is not in archived=any")
	}
	f.clients[callerObserver].get(t, "/api/v1/register").want(t, 200).decode(t, &list)
	if slices.ContainsFunc(list, func(x regEntry) bool { return x.ID == e.ID }) {
		t.Fatalf("the archived entry is in the default list")
	}
	var h []struct {
		Version int64  `json:"version"`
		Action  string `json:"action"`
		By      string `json:"by"`
	}
	f.clients[callerObserver].get(t, path+"/history").want(t, 200).decode(t, &h)
	if len(h) != 3 || h[0].Action != "archived" || h[1].By != f.accounts[callerFollowup].ID || h[2].Action != "created" {
		t.Fatalf("history=%+v", h)
	}
}

func testRegisterCSV(t *testing.T, f *apiFixture) {
	admin := f.admin()
	body := regEntryBody("=cmd|' /C calc'!A0", "GB")
	body["summary"] = "@SUM(1+1) and Māori Land Court"
	admin.post(t, "/api/v1/register", body).want(t, 201)
	r := f.clients[callerObserver].get(t, "/api/v1/register.csv?delegation=GB").want(t, 200)
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if !strings.Contains(r.Header.Get("Content-Disposition"), "register.csv") {
		t.Errorf("content disposition %q", r.Header.Get("Content-Disposition"))
	}
	text := string(r.Body)
	if !strings.HasPrefix(text, "\uFEFFid,") {
		t.Fatalf("no BOM and header: %q", apiClip(r.Body))
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rec := range recs[1:] {
		for i, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %s=%q would be a formula", recs[0][i], cell)
			}
		}
		if rec[1] == "'=cmd|' /C calc'!A0" && strings.Contains(rec[2], "Māori") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the entry is not in the export, defused: %s", apiClip(r.Body))
	}

	// A bad file: refused whole, every problem named, nothing added.
	before := admin.get(t, "/api/v1/register?archived=any").Header.Get("X-Total-Count")
	bad := "title,lead_delegation,audiences,format,status,start_date,end_date\n" +
		"Good,GB,judiciary,training,planned,2015-01-01,\n" +
		",GB,judges,training,planned,2015-01-01,\n" +
		"Late,GB,judiciary,training,planned,2015-01-01,2014-01-01\n"
	rr := admin.post(t, "/api/v1/register.csv", bad, apiHeader("Content-Type", "text/csv")).want(t, 400)
	var refusal struct {
		Code     string
		Field    string
		Problems []struct {
			Row   int
			Field string
		}
	}
	rr.decode(t, &refusal)
	var got []string
	for _, p := range refusal.Problems {
		got = append(got, fmt.Sprintf("%d:%s", p.Row, p.Field))
	}
	if want := []string{"3:title", "3:audiences", "4:end_date"}; !reflect.DeepEqual(got, want) || refusal.Code != "invalid" {
		t.Fatalf("problems %q (code %s), want %q", got, refusal.Code, want)
	}
	if after := admin.get(t, "/api/v1/register?archived=any").Header.Get("X-Total-Count"); after != before {
		t.Fatalf("a refused import added entries: %s, then %s", before, after)
	}
	// A dry run checks without adding.
	admin.post(t, "/api/v1/register.csv?dry_run=true", "title,lead_delegation,audiences,format,status,start_date\nX,GB,policy,tool,planned,2015-01-01\n", apiHeader("Content-Type", "text/csv")).want(t, 200)
	if after := admin.get(t, "/api/v1/register?archived=any").Header.Get("X-Total-Count"); after != before {
		t.Fatalf("a dry run added entries")
	}
}

// testRegisterMarkings seeds a note, an outcome and an action of every
// marking, each with a word of its own, links them all to one entry, and
// checks per role that no search hit or count, backlink or coverage count
// reveals one above the reader's clearance.
func testRegisterMarkings(t *testing.T, f *apiFixture) {
	admin := f.admin()
	live := f.newLiveSession(t)
	entry := regNewEntry(t, f)
	word := strings.ReplaceAll(apiUnique("okapi"), "-", "")
	markings := []string{"all", "delegations", "heads"}
	for _, m := range markings {
		note := regPostNote(t, f, live, word+" "+m+word+" note on judicial training", m)
		var o, a struct{ ID string }
		r := admin.post(t, "/api/v1/sessions/"+live+"/outcomes", map[string]any{
			"kind": "finding", "text": word + " " + m + word + " outcome", "marking": m, "sources": []int64{},
		})
		r.want(t, 201).decode(t, &o)
		// Agreed, so that its marking alone decides who reads it: a draft is
		// read as marked at least delegations.
		admin.patch(t, "/api/v1/outcomes/"+o.ID, map[string]any{"status": "agreed", "version": 1}).want(t, 200)
		admin.post(t, "/api/v1/actions", map[string]any{
			"title": word + " " + m + word + " action", "owner": "GB", "due": "2015-06-30", "marking": m, "meeting_id": "london-2014",
		}).want(t, 201).decode(t, &a)
		for _, from := range []struct{ kind, id string }{{"note", note}, {"outcome", o.ID}, {"action", a.ID}} {
			admin.post(t, "/api/v1/links", map[string]any{"from_kind": from.kind, "from_id": from.id, "entry_id": entry.ID}).want(t, 201)
		}
	}
	clearance := map[string]int{callerObserver: 1, callerDelegate: 2, callerRapporteur: 2, callerFollowup: 2, callerHead: 3, callerAdmin: 3}
	// reads is how many of the three markings a caller reads of a kind: the
	// session's rapporteur reads all of its notes and outcomes (the actions
	// here belong to the meeting, not the session).
	reads := func(caller, kind string) int {
		if caller == callerRapporteur && kind != "action" {
			return 3
		}
		return clearance[caller]
	}
	var coverage string
	for _, caller := range apiCallers[1:] {
		t.Run(caller, func(t *testing.T) {
			c := f.clients[caller]
			nn, no, na := reads(caller, "note"), reads(caller, "outcome"), reads(caller, "action")
			var res struct {
				Total  int            `json:"total"`
				Counts map[string]int `json:"counts"`
				Hits   []struct {
					Kind    string `json:"kind"`
					Marking string `json:"marking"`
				} `json:"items"`
			}
			c.get(t, "/api/v1/search?limit=100&q="+word).want(t, 200).decode(t, &res)
			if res.Total != nn+no+na || res.Counts["note"] != nn || res.Counts["outcome"] != no || res.Counts["action"] != na {
				t.Errorf("search: total %d counts %v, want %d notes, %d outcomes, %d actions", res.Total, res.Counts, nn, no, na)
			}
			for _, h := range res.Hits {
				if slices.Index(markings, h.Marking) >= reads(caller, h.Kind) {
					t.Errorf("search shows a %s marked %s", h.Kind, h.Marking)
				}
			}
			for i, m := range markings {
				c.get(t, "/api/v1/search?q="+m+word).want(t, 200).decode(t, &res)
				want := 0
				for _, k := range []string{"note", "outcome", "action"} {
					if i < reads(caller, k) {
						want++
					}
				}
				if res.Total != want || len(res.Hits) != want {
					t.Errorf("search for the %s word: %d hits (total %d, counts %v), want %d", m, len(res.Hits), res.Total, res.Counts, want)
				}
			}
			var b struct {
				Note    []struct{ Marking string } `json:"note"`
				Outcome []struct{ Marking string } `json:"outcome"`
				Action  []struct{ Marking string } `json:"action"`
				Counts  map[string]int             `json:"counts"`
			}
			c.get(t, "/api/v1/register/"+entry.ID+"/backlinks").want(t, 200).decode(t, &b)
			if len(b.Note) != nn || len(b.Outcome) != no || len(b.Action) != na ||
				b.Counts["note"] != nn || b.Counts["outcome"] != no || b.Counts["action"] != na {
				t.Errorf("backlinks: %d notes, %d outcomes, %d actions, counts %v; want %d, %d, %d", len(b.Note), len(b.Outcome), len(b.Action), b.Counts, nn, no, na)
			}
			cov := string(c.get(t, "/api/v1/coverage").want(t, 200).Body)
			if coverage == "" {
				coverage = cov
			} else if cov != coverage {
				t.Errorf("coverage differs between readers")
			}
		})
	}
}

// A follow-up team links its delegation's actions, and no other's.
func testRegisterActionLinks(t *testing.T, f *apiFixture) {
	admin := f.admin()
	entry := regNewEntry(t, f)
	var own, other struct{ ID string }
	admin.post(t, "/api/v1/actions", map[string]any{"title": "Run the course", "owner": "GB", "due": "2015-06-30", "meeting_id": "london-2014", "marking": "all"}).
		want(t, 201).decode(t, &own)
	admin.post(t, "/api/v1/actions", map[string]any{"title": "Write guidance", "owner": "US", "due": "2015-06-30", "meeting_id": "london-2014", "marking": "all"}).
		want(t, 201).decode(t, &other)
	fu := f.clients[callerFollowup]
	fu.post(t, "/api/v1/links", map[string]any{"from_kind": "action", "from_id": own.ID, "entry_id": entry.ID}).want(t, 201)
	fu.post(t, "/api/v1/links", map[string]any{"from_kind": "action", "from_id": own.ID, "entry_id": entry.ID}).want(t, 200)
	fu.post(t, "/api/v1/links", map[string]any{"from_kind": "action", "from_id": other.ID, "entry_id": entry.ID}).want(t, 403)
	var linked []struct {
		Entry struct{ ID string } `json:"entry"`
	}
	f.clients[callerObserver].get(t, "/api/v1/links?from_kind=action&from_id="+own.ID).want(t, 200).decode(t, &linked)
	if len(linked) != 1 || linked[0].Entry.ID != entry.ID {
		t.Fatalf("links from the action: %+v", linked)
	}
}
