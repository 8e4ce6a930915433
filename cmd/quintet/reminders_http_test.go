package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// GET /me/digest and PATCH /me/reminders for every role: the digest is the
// reader's delegation's (every delegation's for the secretariat) as the
// reader may read it, and each user turns only their own reminders off.
func TestDigestAndRemindersPerRole(t *testing.T) {
	f := newAPIFixture(t, nil)
	var open, heads struct{ ID string }
	f.admin().post(t, "/api/v1/actions", actionBody(apiUnique("Share the preservation template"))).want(t, http.StatusCreated).decode(t, &open)
	body := actionBody(apiUnique("Brief the heads on the treaty"))
	body["marking"] = "heads"
	f.admin().post(t, "/api/v1/actions", body).want(t, http.StatusCreated).decode(t, &heads)

	type digest struct {
		Delegations []string `json:"delegations"`
		Actions     []struct {
			Action    struct{ ID string } `json:"action"`
			Attention []string            `json:"attention"`
		} `json:"actions"`
	}
	for _, tc := range []struct {
		caller      string
		status      int
		delegations []string
		open, heads bool // whether the digest lists them
	}{
		{callerAnonymous, http.StatusUnauthorized, nil, false, false},
		{callerAdmin, http.StatusOK, []string{"AU", "CA", "GB", "NZ", "US"}, true, true},
		{callerHead, http.StatusOK, []string{"GB"}, true, true},
		{callerFollowup, http.StatusOK, []string{"GB"}, true, false},
		{callerDelegate, http.StatusOK, []string{"GB"}, true, false},
		{callerRapporteur, http.StatusNotFound, nil, false, false}, // in no delegation
		{callerObserver, http.StatusNotFound, nil, false, false},
	} {
		t.Run("digest/"+tc.caller, func(t *testing.T) {
			r := f.clients[tc.caller].get(t, "/api/v1/me/digest").want(t, tc.status)
			if tc.status != http.StatusOK {
				return
			}
			var d digest
			r.decode(t, &d)
			if !slices.Equal(d.Delegations, tc.delegations) {
				t.Fatalf("delegations=%v, want %v", d.Delegations, tc.delegations)
			}
			has := func(id string) bool {
				return slices.ContainsFunc(d.Actions, func(it struct {
					Action    struct{ ID string } `json:"action"`
					Attention []string            `json:"attention"`
				}) bool {
					return it.Action.ID == id && slices.Contains(it.Attention, "overdue")
				})
			}
			if has(open.ID) != tc.open || has(heads.ID) != tc.heads {
				t.Fatalf("lists the open action: %v (want %v), the heads action: %v (want %v)", has(open.ID), tc.open, has(heads.ID), tc.heads)
			}
		})
	}

	for _, caller := range apiCallers {
		t.Run("reminders/"+caller, func(t *testing.T) {
			c := f.clients[caller]
			if caller == callerAnonymous {
				c.patch(t, "/api/v1/me/reminders", map[string]any{"reminders": false, "version": 1}).want(t, http.StatusUnauthorized)
				return
			}
			var me struct {
				User struct {
					Version      int64 `json:"version"`
					RemindersOff bool  `json:"reminders_off"`
				} `json:"user"`
			}
			c.get(t, "/api/v1/me").want(t, http.StatusOK).decode(t, &me)
			v := me.User.Version
			c.patch(t, "/api/v1/me/reminders", map[string]any{"reminders": false}).wantError(t, http.StatusPreconditionRequired, "version")
			r := c.patch(t, "/api/v1/me/reminders", map[string]any{"reminders": false}, apiHeader("If-Match", fmt.Sprintf(`"%d"`, v))).want(t, http.StatusOK)
			if got := r.Header.Get("ETag"); got != fmt.Sprintf(`"%d"`, v+1) {
				t.Fatalf("ETag=%s, want \"%d\"", got, v+1)
			}
			c.patch(t, "/api/v1/me/reminders", map[string]any{"reminders": true}, apiHeader("If-Match", fmt.Sprintf(`"%d"`, v))).want(t, http.StatusPreconditionFailed)
			c.patch(t, "/api/v1/me/reminders", map[string]any{"reminders": true, "version": v}).want(t, http.StatusConflict)
			c.patch(t, "/api/v1/me/reminders", map[string]any{"version": v + 1}).wantError(t, http.StatusBadRequest, "reminders")
			c.get(t, "/api/v1/me").want(t, http.StatusOK).decode(t, &me)
			if !me.User.RemindersOff || me.User.Version != v+1 {
				t.Fatalf("after turning reminders off: %+v, want off at version %d", me.User, v+1)
			}
		})
	}
}
