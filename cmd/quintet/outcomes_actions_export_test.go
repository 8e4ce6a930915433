package main

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

// Hostile cells go into actions.csv through the API and come back out of a
// CSV reader exactly as typed, with formulas defused by a leading apostrophe.
func TestFollowup_CSV_RoundTrip(t *testing.T) {
	_, who := fuSetUp(t)
	hostile := []struct{ title, description string }{
		{"=cmd|' /C calc'!A0", "plain"},
		{"+1+1", "-2+3"},
		{"@SUM(A1:A9)", "\tleading tab, then =1+1"},
		{"Commas, \"quotes\"; and semicolons", "line one\r\nline two, \"quoted\"\nline three"},
		{"Ünïcödé — 日本語 ✓", "\rcarriage return first"},
	}
	ids := map[string]int{}
	for i, h := range hostile {
		var a fuAction
		who["followupCA"].do(t, "POST", "/api/v1/actions", map[string]any{"title": h.title, "description": h.description,
			"owner": "CA", "due": "2015-06-30", "meeting_id": "london-2014"}).want(t, 201).decode(t, &a)
		ids[a.ID] = i
	}
	res := who["followupCA"].do(t, "GET", "/api/v1/actions.csv?owner=CA", nil).want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("Content-Type=%q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="actions.csv"`) {
		t.Fatalf("Content-Disposition=%q", cd)
	}
	body, ok := bytes.CutPrefix(res.Body, []byte("\ufeff"))
	if !ok {
		t.Fatalf("actions.csv does not start with a UTF-8 byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("parse actions.csv: %v", err)
	}
	header := rows[0]
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %v", name, header)
		return -1
	}
	defused := func(s string) string {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			return "'" + s
		}
		return s
	}
	seen := 0
	for _, row := range rows[1:] {
		i, ok := ids[row[col("id")]]
		if !ok {
			continue
		}
		seen++
		h := hostile[i]
		// The Service trims what is typed (a leading tab or carriage return
		// never reaches the export; DefuseCell's own test covers them), and
		// encoding/csv reads "\r\n" inside a quoted field as "\n".
		want := func(s string) string { return strings.ReplaceAll(defused(strings.TrimSpace(s)), "\r\n", "\n") }
		if got := row[col("title")]; got != want(h.title) {
			t.Errorf("title %q came back as %q, want %q", h.title, got, want(h.title))
		}
		if got := row[col("description")]; got != want(h.description) {
			t.Errorf("description %q came back as %q, want %q", h.description, got, want(h.description))
		}
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("column %s holds a live formula: %q", header[j], cell)
			}
		}
	}
	if seen != len(hostile) {
		t.Fatalf("found %d of %d actions in actions.csv", seen, len(hostile))
	}
	// The list's filters apply: New Zealand's export holds NZ's actions
	// (the demo's among them) and none of Canada's.
	nz := who["admin"].do(t, "GET", "/api/v1/actions.csv?owner=NZ", nil).want(t, 200)
	nzRows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(nz.Body, []byte("\ufeff")))).ReadAll()
	if err != nil || len(nzRows) == 0 {
		t.Fatalf("parse the owner=NZ export: %v (%d rows)", err, len(nzRows))
	}
	for _, row := range nzRows[1:] {
		if _, ours := ids[row[col("id")]]; ours || row[col("owner")] != "NZ" {
			t.Fatalf("owner=NZ exported %v", row)
		}
	}
}

// The calendar feed is issued by a delegation's follow-up team, read by a
// calendar application without a login, parsed back by another iCalendar
// implementation than the one that wrote it, and stops at revocation.
func TestFollowup_CalendarFeed(t *testing.T) {
	_, who := fuSetUp(t)
	var open, dropped fuAction
	who["followupCA"].do(t, "POST", "/api/v1/actions", map[string]any{"title": "Guidance; for prosecutors, \"urgent\"",
		"owner": "CA", "due": "2015-06-30", "meeting_id": "london-2014", "contact": "Jane Roe"}).want(t, 201).decode(t, &open)
	who["followupCA"].do(t, "POST", "/api/v1/actions", map[string]any{"title": "Dropped one", "owner": "CA", "due": "2015-02-01",
		"meeting_id": "london-2014"}).want(t, 201).decode(t, &dropped)
	who["followupCA"].do(t, "PATCH", "/api/v1/actions/"+dropped.ID, map[string]any{"status": "dropped", "reason": "Superseded",
		"version": dropped.Version}).want(t, 200)
	var secret fuAction
	who["admin"].do(t, "POST", "/api/v1/sessions/"+fuSession+"/notes/3/action", map[string]any{"owner": "CA", "due": "2015-03-01"}).want(t, 201).decode(t, &secret)
	who["followupNZ"].do(t, "POST", "/api/v1/actions", map[string]any{"title": "NZ's", "owner": "NZ", "due": "2015-06-30",
		"meeting_id": "london-2014"}).want(t, 201)

	who["followupNZ"].do(t, "POST", "/api/v1/delegations/CA/calendar", nil).wantError(t, 403, "")
	who["delegateAU"].do(t, "POST", "/api/v1/delegations/CA/calendar", nil).wantError(t, 403, "")
	var feed struct{ Path, Secret string }
	who["followupCA"].do(t, "POST", "/api/v1/delegations/CA/calendar", nil).want(t, 201).decode(t, &feed)
	if !strings.HasPrefix(feed.Path, "/api/v1/calendar/") || !strings.HasSuffix(feed.Path, ".ics") || len(feed.Secret) < 40 {
		t.Fatalf("feed=%+v", feed)
	}
	res := who["anonymous"].do(t, "GET", feed.Path, nil).want(t, 200)
	if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Fatalf("Content-Type=%q", ct)
	}
	cal, err := goical.NewDecoder(bytes.NewReader(res.Body)).Decode()
	if err != nil {
		t.Fatalf("parse the feed: %v\n%s", err, res.Body)
	}
	// The demo's Canadian actions are in the feed too; of this test's, the
	// two below heads are, and the heads one is not.
	byUID := map[string]goical.Event{}
	for _, e := range cal.Events() {
		uid, _ := e.Props.Text(goical.PropUID)
		byUID[uid] = e
	}
	if _, ok := byUID[secret.ID+"@quintet"]; ok {
		t.Fatalf("the feed holds the heads action %s:\n%s", secret.ID, res.Body)
	}
	e, ok := byUID[open.ID+"@quintet"]
	if !ok {
		t.Fatalf("no event for %s in %v", open.ID, byUID)
	}
	start, err := e.DateTimeStart(time.UTC)
	if err != nil || start.Format("2006-01-02") != "2015-06-30" {
		t.Fatalf("DTSTART=%v (%v), want 2015-06-30", start, err)
	}
	if vt := e.Props.Get(goical.PropDateTimeStart).ValueType(); vt != goical.ValueDate {
		t.Fatalf("DTSTART value type=%v, want DATE (an all-day event)", vt)
	}
	summary, _ := e.Props.Text(goical.PropSummary)
	if !strings.Contains(summary, `Guidance; for prosecutors, "urgent"`) {
		t.Fatalf("SUMMARY=%q: the title did not survive escaping", summary)
	}
	if desc, _ := e.Props.Text(goical.PropDescription); !strings.Contains(desc, "Contact: Jane Roe") {
		t.Fatalf("DESCRIPTION=%q", desc)
	}
	de := byUID[dropped.ID+"@quintet"]
	if st, _ := de.Status(); st != goical.EventCancelled {
		t.Fatalf("dropped action's STATUS=%v, want CANCELLED", st)
	}

	// Rotating revokes the old URL; revoking ends the feed.
	var again struct{ Path string }
	who["headCA"].do(t, "POST", "/api/v1/delegations/CA/calendar", nil).want(t, 201).decode(t, &again)
	who["anonymous"].do(t, "GET", feed.Path, nil).wantError(t, 404, "")
	who["anonymous"].do(t, "GET", again.Path, nil).want(t, 200)
	who["followupCA"].do(t, "DELETE", "/api/v1/delegations/CA/calendar", nil).want(t, 204)
	who["anonymous"].do(t, "GET", again.Path, nil).wantError(t, 404, "")
}
