package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

// An agenda subscription (issue 10, item 5): each signed-in user issues a
// secret URL that a calendar application reads without a login, holding
// every meeting's sessions in the meeting's own time zone, as that user
// reads the agenda. It is shown once (an Idempotency-Key does not replay
// it), revoked at will, and ends when the account is disabled, for good.
func TestAgendaFeed(t *testing.T) {
	f := newAPIFixture(t, nil)
	v1 := "/api/v1"
	anonymous := f.clients[callerAnonymous]
	observer := f.clients[callerObserver]
	account := f.accounts[callerObserver]
	type feed struct{ Path, Secret string }
	issue := func(opts ...apiOption) feed {
		t.Helper()
		var fd feed
		res := observer.post(t, v1+"/me/agenda-feed", nil, opts...).want(t, http.StatusOK)
		if res.Header.Get("Idempotent-Replayed") != "" || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("issue: headers %v", res.Header)
		}
		res.decode(t, &fd)
		if !strings.HasPrefix(fd.Path, v1+"/agenda-feed/qa_") || !strings.HasSuffix(fd.Path, ".ics") || len(fd.Secret) < 40 ||
			!strings.Contains(fd.Path, fd.Secret) {
			t.Fatalf("feed %+v", fd)
		}
		return fd
	}

	// What the observer reads signed in: every meeting and its agenda.
	var meetings struct {
		Items []struct {
			ID       string
			TimeZone string `json:"time_zone"`
		}
	}
	observer.get(t, v1+"/meetings").want(t, http.StatusOK).decode(t, &meetings)
	type session struct {
		ID, Title  string
		Start, End time.Time
	}
	want := map[string]session{}
	zoneOf := map[string]string{}
	for _, m := range meetings.Items {
		var page struct{ Items []session }
		observer.get(t, v1+"/meetings/"+m.ID+"/sessions?limit=500").want(t, http.StatusOK).decode(t, &page)
		for _, se := range page.Items {
			want[se.ID+"@quintet"] = se
			zoneOf[se.ID+"@quintet"] = m.TimeZone
		}
	}
	if len(want) < 3 {
		t.Fatalf("%d sessions in the fixture; too few to prove anything", len(want))
	}

	fd := issue()
	var me struct {
		User struct {
			AgendaFeedSince *time.Time `json:"agenda_feed_since"`
		}
	}
	observer.get(t, v1+"/me").want(t, http.StatusOK).decode(t, &me)
	if me.User.AgendaFeedSince == nil {
		t.Fatal("/me does not say the account has an agenda subscription")
	}
	if bytes.Contains(observer.get(t, v1+"/me").Body, []byte(fd.Secret)) {
		t.Fatal("/me shows the subscription's secret")
	}

	// A calendar application: no cookie, no token.
	read := func(path string) *apiResponse {
		t.Helper()
		res := anonymous.get(t, path).want(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
			t.Fatalf("Content-Type=%q", ct)
		}
		return res
	}
	res := read(fd.Path)
	cal, err := goical.NewDecoder(bytes.NewReader(res.Body)).Decode()
	if err != nil {
		t.Fatalf("parse the agenda feed: %v\n%s", err, res.Body)
	}
	zones := map[string]bool{}
	for _, c := range cal.Children {
		if c.Name == goical.CompTimezone {
			id, _ := c.Props.Text(goical.PropTimezoneID)
			zones[id] = true
		}
	}
	events := cal.Events()
	if len(events) != len(want) {
		t.Fatalf("%d events in the feed for the %d sessions the observer reads", len(events), len(want))
	}
	for _, e := range events {
		uid, _ := e.Props.Text(goical.PropUID)
		se, ok := want[uid]
		if !ok {
			t.Fatalf("the feed holds %s, which the observer's agenda does not", uid)
		}
		// In the meeting's zone, with that zone's VTIMEZONE, at the
		// session's instants.
		tzid := e.Props.Get(goical.PropDateTimeStart).Params.Get(goical.ParamTimezoneID)
		if tzid != zoneOf[uid] || !zones[tzid] {
			t.Fatalf("%s: DTSTART TZID %q, want %q with its VTIMEZONE (have %v)", uid, tzid, zoneOf[uid], zones)
		}
		start, err1 := e.DateTimeStart(time.UTC)
		end, err2 := e.DateTimeEnd(time.UTC)
		if err1 != nil || err2 != nil || !start.Equal(se.Start) || !end.Equal(se.End) {
			t.Fatalf("%s: %v–%v (%v %v), want %v–%v", uid, start, end, err1, err2, se.Start, se.End)
		}
	}
	// Polled by a calendar: 304 while nothing changed.
	tag := res.Header.Get("ETag")
	anonymous.get(t, fd.Path, apiHeader("If-None-Match", tag)).want(t, http.StatusNotModified)

	// Issuing again replaces the URL; an Idempotency-Key does not replay
	// the first secret, since the answer is not kept.
	second := issue(apiHeader("Idempotency-Key", "agenda-feed-1"))
	third := issue(apiHeader("Idempotency-Key", "agenda-feed-1"))
	if second.Secret == fd.Secret || third.Secret == second.Secret {
		t.Fatal("issuing again gave the same secret")
	}
	anonymous.get(t, fd.Path).want(t, http.StatusNotFound)
	anonymous.get(t, second.Path).want(t, http.StatusNotFound)
	read(third.Path)

	// The feed follows the account: with another role it still answers,
	// as the account now reads the agenda.
	f.admin().patch(t, v1+"/users/"+account.ID, map[string]any{"roles": []string{"delegate"}, "delegation": "GB"},
		f.admin().ifMatchCurrent(t, v1+"/users/"+account.ID)).want(t, http.StatusOK)
	read(third.Path)

	// Revoked: gone, like a secret never issued.
	c := f.srv.client()
	c.login(t, account.Email, account.Password)
	c.do(t, "DELETE", v1+"/me/agenda-feed", nil).want(t, http.StatusNoContent)
	anonymous.get(t, third.Path).wantError(t, http.StatusNotFound, "")
	anonymous.get(t, v1+"/agenda-feed/qa_no-such-secret.ics").wantError(t, http.StatusNotFound, "")
	anonymous.get(t, v1+"/agenda-feed/"+strings.TrimSuffix(strings.TrimPrefix(third.Path, v1+"/agenda-feed/"), ".ics")).wantError(t, http.StatusNotFound, "")
	me.User.AgendaFeedSince = nil
	c.get(t, v1+"/me").want(t, http.StatusOK).decode(t, &me)
	if me.User.AgendaFeedSince != nil {
		t.Fatal("/me still shows a subscription after revoking it")
	}

	// A disabled account's feed stops, and enabling it again does not
	// bring the URL back.
	var again feed
	c.post(t, v1+"/me/agenda-feed", nil).want(t, http.StatusOK).decode(t, &again)
	read(again.Path)
	f.admin().patch(t, v1+"/users/"+account.ID, map[string]any{"disabled": true}, f.admin().ifMatchCurrent(t, v1+"/users/"+account.ID)).want(t, http.StatusOK)
	anonymous.get(t, again.Path).want(t, http.StatusNotFound)
	f.admin().patch(t, v1+"/users/"+account.ID, map[string]any{"disabled": false}, f.admin().ifMatchCurrent(t, v1+"/users/"+account.ID)).want(t, http.StatusOK)
	anonymous.get(t, again.Path).want(t, http.StatusNotFound)

	// Without a login there is nothing to subscribe.
	anonymous.post(t, v1+"/me/agenda-feed", nil).wantError(t, http.StatusUnauthorized, "")
}
