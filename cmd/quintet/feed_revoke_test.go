package main

import (
	"net/http"
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
