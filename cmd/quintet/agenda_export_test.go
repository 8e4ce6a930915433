package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

// The agenda leaves the app three ways — a printable page, a PDF and an
// iCalendar file — each holding every session of the agenda the API lists,
// at the same instants; the calendar is read back by another iCalendar
// implementation than the one that wrote it.
func TestAgendaExports(t *testing.T) {
	_, who := fuSetUp(t)
	delegate := who["delegateAU"]
	var page struct {
		Items []struct {
			ID, Title, Room string
			Start, End      time.Time
		}
	}
	delegate.do(t, "GET", "/api/v1/meetings/london-2014/sessions", nil).want(t, http.StatusOK).decode(t, &page)
	if len(page.Items) < 3 {
		t.Fatalf("the demo agenda has %d sessions; too few to prove anything", len(page.Items))
	}

	res := delegate.do(t, "GET", "/api/v1/meetings/london-2014/agenda.ics", nil).want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Fatalf("Content-Type=%q", ct)
	}
	cal, err := goical.NewDecoder(bytes.NewReader(res.Body)).Decode()
	if err != nil {
		t.Fatalf("parse agenda.ics: %v\n%s", err, res.Body)
	}
	events := map[string]goical.Event{}
	for _, e := range cal.Events() {
		uid, _ := e.Props.Text(goical.PropUID)
		events[uid] = e
	}
	if len(events) != len(page.Items) {
		t.Fatalf("%d events for %d sessions", len(events), len(page.Items))
	}
	for _, se := range page.Items {
		e, ok := events[se.ID+"@quintet"]
		if !ok {
			t.Fatalf("no event for the session %s", se.ID)
		}
		start, err1 := e.DateTimeStart(time.UTC)
		end, err2 := e.DateTimeEnd(time.UTC)
		if err1 != nil || err2 != nil || !start.Equal(se.Start) || !end.Equal(se.End) {
			t.Errorf("%s: event %v–%v (%v, %v), want %v–%v", se.ID, start, end, err1, err2, se.Start, se.End)
		}
		if summary, _ := e.Props.Text(goical.PropSummary); summary != se.Title {
			t.Errorf("%s: SUMMARY=%q, want %q", se.ID, summary, se.Title)
		}
		if desc, _ := e.Props.Text(goical.PropDescription); !strings.Contains(desc, "London time (Europe/London)") {
			t.Errorf("%s: DESCRIPTION=%q lacks the meeting's own times", se.ID, desc)
		}
	}

	html := delegate.do(t, "GET", "/api/v1/meetings/london-2014/agenda.html", nil).want(t, http.StatusOK)
	if csp := html.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("the printable agenda's policy is %q", csp)
	}
	for _, se := range page.Items {
		if !bytes.Contains(html.Body, []byte(htmlEscaped(se.Title))) {
			t.Errorf("the printable agenda lacks %q", se.Title)
		}
	}
	if !bytes.Contains(html.Body, []byte("Day 1 — Wednesday 9 July 2014")) {
		t.Errorf("the printable agenda does not name its first day:\n%s", html.Body)
	}
	pdf := delegate.do(t, "GET", "/api/v1/meetings/london-2014/agenda.pdf", nil).want(t, http.StatusOK)
	if !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) || pdf.Header.Get("ETag") == "" {
		t.Fatalf("agenda.pdf: %d bytes starting %q, ETag %q", len(pdf.Body), pdf.Body[:min(8, len(pdf.Body))], pdf.Header.Get("ETag"))
	}
	who["anonymous"].do(t, "GET", "/api/v1/meetings/london-2014/agenda.ics", nil).wantError(t, http.StatusUnauthorized, "")
	delegate.do(t, "GET", "/api/v1/meetings/no-such-meeting/agenda.ics", nil).wantError(t, http.StatusNotFound, "")
}

func htmlEscaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
