package main

import (
	"net/http"
	"strings"
	"testing"
)

// A calendar feed does not outlive the rights of the account that issued
// it: disabling the account, or moving it to another delegation, ends the
// feeds it handed out, and re-enabling the account does not bring them back.
func TestCalendarFeed_EndsWithItsIssuer(t *testing.T) {
	f := newAPIFixture(t, nil)
	fu := f.accounts[callerFollowup] // follow-up team of GB
	issue := func(c *apiClient) string {
		t.Helper()
		var feed struct{ Path string }
		c.post(t, "/api/v1/delegations/GB/calendar", nil).want(t, http.StatusCreated).decode(t, &feed)
		f.clients[callerAnonymous].get(t, feed.Path).want(t, http.StatusOK)
		return feed.Path
	}

	path := issue(f.clients[callerFollowup])
	f.admin().patch(t, "/api/v1/users/"+fu.ID, map[string]any{"disabled": true}, f.admin().ifMatchCurrent(t, "/api/v1/users/"+fu.ID)).want(t, http.StatusOK)
	f.clients[callerAnonymous].get(t, path).want(t, http.StatusNotFound)
	f.admin().patch(t, "/api/v1/users/"+fu.ID, map[string]any{"disabled": false}, f.admin().ifMatchCurrent(t, "/api/v1/users/"+fu.ID)).want(t, http.StatusOK)
	f.clients[callerAnonymous].get(t, path).want(t, http.StatusNotFound)

	c := f.srv.client()
	c.login(t, fu.Email, fu.Password)
	path = issue(c)
	f.admin().patch(t, "/api/v1/users/"+fu.ID, map[string]any{"delegation": "NZ"}, f.admin().ifMatchCurrent(t, "/api/v1/users/"+fu.ID)).want(t, http.StatusOK)
	f.clients[callerAnonymous].get(t, path).want(t, http.StatusNotFound)

	// A feed the secretariat issued is the secretariat's; it stays.
	path = issue(f.admin())
	f.admin().patch(t, "/api/v1/users/"+fu.ID, map[string]any{"disabled": true}, f.admin().ifMatchCurrent(t, "/api/v1/users/"+fu.ID)).want(t, http.StatusOK)
	f.clients[callerAnonymous].get(t, path).want(t, http.StatusOK)
}

// Issuing a feed with an Idempotency-Key keeps no secret for the replay: the
// stored answer, and the replay itself, name the delegation only, and the
// feed issued first still works.
func TestCalendarFeed_ReplayHoldsNoSecret(t *testing.T) {
	f := newAPIFixture(t, nil)
	key := apiHeader("Idempotency-Key", apiUnique("feed"))
	var feed struct{ Delegation, Path, Secret string }
	f.admin().do(t, "POST", "/api/v1/delegations/GB/calendar", nil, key).want(t, http.StatusCreated).decode(t, &feed)
	if feed.Secret == "" || feed.Path == "" {
		t.Fatalf("first answer %+v: no secret", feed)
	}
	again := f.admin().do(t, "POST", "/api/v1/delegations/GB/calendar", nil, key).want(t, http.StatusCreated)
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("the retry was not a replay")
	}
	if strings.Contains(string(again.Body), feed.Secret) {
		t.Fatalf("the replay holds the secret: %s", again.Body)
	}
	var replay struct{ Delegation, Path string }
	again.decode(t, &replay)
	if replay.Delegation != "GB" || replay.Path != "" {
		t.Fatalf("replay %+v, want the delegation only", replay)
	}
	f.clients[callerAnonymous].get(t, feed.Path).want(t, http.StatusOK)
}
