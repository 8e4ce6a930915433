package main

import (
	"net/http"
	"testing"
)

// TestAPIAccounts: a user changes their own password, and their login
// elsewhere ends; a set-password link from the secretariat works once and
// ends the account's logins; a second use is refused.
func TestAPIAccounts(t *testing.T) {
	f := newAPIFixture(t, nil)
	v1 := "/api/v1"
	a := f.accounts[callerDelegate]

	t.Run("change own password", func(t *testing.T) {
		here, elsewhere := f.srv.client(), f.srv.client()
		here.login(t, a.Email, a.Password)
		elsewhere.login(t, a.Email, a.Password)
		r := here.post(t, v1+"/me/password", map[string]string{"current_password": "not the password", "password": "a new long password"})
		r.wantError(t, http.StatusBadRequest, "current_password")
		elsewhere.get(t, v1+"/me").want(t, http.StatusOK)

		here.post(t, v1+"/me/password", map[string]string{"current_password": a.Password, "password": "short"}).
			wantError(t, http.StatusBadRequest, "password")

		here.post(t, v1+"/me/password", map[string]string{"current_password": a.Password, "password": "a new long password"}).
			want(t, http.StatusNoContent)
		here.get(t, v1+"/me").want(t, http.StatusOK)
		elsewhere.get(t, v1+"/me").want(t, http.StatusUnauthorized)
		f.srv.client().post(t, v1+"/login", map[string]string{"email": a.Email, "password": a.Password}).want(t, http.StatusUnauthorized)
		a.Password = "a new long password"
		f.clients[callerDelegate] = here
	})

	t.Run("reset link works once", func(t *testing.T) {
		o := f.accounts[callerObserver]
		signedIn := f.srv.client()
		signedIn.login(t, o.Email, o.Password)
		var link struct {
			Token, Path, Email string
		}
		r := f.admin().post(t, v1+"/users/"+o.ID+"/reset-link", nil).want(t, http.StatusOK)
		r.decode(t, &link)
		if link.Email != o.Email || link.Path != "/#/set-password?token="+link.Token {
			t.Fatalf("link %+v", link)
		}
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", got)
		}
		// Issuing it ends nothing yet.
		signedIn.get(t, v1+"/me").want(t, http.StatusOK)

		anon := f.srv.client()
		anon.post(t, v1+"/set-password", map[string]string{"token": link.Token, "password": "short"}).wantError(t, http.StatusBadRequest, "password")
		var set struct{ Email string }
		anon.post(t, v1+"/set-password", map[string]string{"token": link.Token, "password": "set through the link"}).
			want(t, http.StatusOK).decode(t, &set)
		if set.Email != o.Email {
			t.Fatalf("email %q, want %q", set.Email, o.Email)
		}
		signedIn.get(t, v1+"/me").want(t, http.StatusUnauthorized)
		f.srv.client().login(t, o.Email, "set through the link")

		again := anon.post(t, v1+"/set-password", map[string]string{"token": link.Token, "password": "and once more please"})
		again.want(t, http.StatusForbidden)
		madeUp := anon.post(t, v1+"/set-password", map[string]string{"token": "qr_made-up", "password": "and once more please"})
		madeUp.want(t, http.StatusForbidden)
		if again.errorAnswer(t).Detail != madeUp.errorAnswer(t).Detail {
			t.Error("a used link and a made-up one answer differently")
		}
		f.srv.client().post(t, v1+"/login", map[string]string{"email": o.Email, "password": "and once more please"}).want(t, http.StatusUnauthorized)
	})

	t.Run("guessing links is throttled", func(t *testing.T) {
		// One address, many made-up links: the address's bucket ends it.
		c := f.srv.client()
		for i := range 200 {
			r := c.post(t, v1+"/set-password", map[string]string{"token": apiUnique("qr_guess"), "password": "a guessed long password"})
			switch r.Status {
			case http.StatusForbidden:
				continue
			case http.StatusTooManyRequests:
				if r.Header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
				t.Logf("guess %d refused", i+1)
				return
			default:
				t.Fatalf("guess %d: status %d; body %s", i+1, r.Status, apiClip(r.Body))
			}
		}
		t.Fatal("200 guesses from one address were all answered")
	})
}
