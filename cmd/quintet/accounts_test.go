package main

import (
	"net/http"
	"strings"
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

// TestAPIImportAccounts: the secretariat imports accounts from a CSV file
// through the real server. A file with bad rows is refused whole, every bad
// row named, and opens no account; the corrected file opens them all, each
// with a link that sets its first password, after which it signs in. A
// replay of the answer (Idempotency-Key) holds no link.
func TestAPIImportAccounts(t *testing.T) {
	f := newAPIFixture(t, nil)
	v1 := "/api/v1"
	csv := apiHeader("Content-Type", "text/csv")
	ann, bob := apiUnique("ann")+"@example.org", apiUnique("bob")+"@example.org"

	bad := "name,email,roles,delegation\n" +
		"Ann Lee," + ann + ",delegate,GB\n" +
		"Bob Brown,not-an-address,observer,\n" +
		"Cat Cole,cat@example.org,chair,\n"
	r := f.admin().do(t, "POST", v1+"/users/import", bad, csv).want(t, http.StatusBadRequest)
	e := r.errorAnswer(t)
	var fields []string
	for _, x := range e.Fields {
		fields = append(fields, x.Field+": "+x.Message)
	}
	want := []string{`rows[3].email: Line 3: The e-mail address "not-an-address" is not valid: write it as name@example.org.`, `rows[4].roles: Line 4: There is no role "chair": choose one of admin, rapporteur, delegate, head, followup, observer.`}
	if strings.Join(fields, "\n") != strings.Join(want, "\n") {
		t.Fatalf("fields:\n%s\nwant:\n%s", strings.Join(fields, "\n"), strings.Join(want, "\n"))
	}
	var list struct {
		Items []struct{ Email string } `json:"items"`
	}
	f.admin().get(t, v1+"/users").want(t, http.StatusOK).decode(t, &list)
	for _, u := range list.Items {
		if u.Email == ann {
			t.Fatalf("%s exists after a refused import", ann)
		}
	}

	good := "name,email,roles,delegation\n" +
		"Ann Lee," + ann + ",delegate;head,GB\n" +
		"Bob Brown," + bob + ",observer,\n"
	key := apiHeader("Idempotency-Key", apiUnique("import"))
	r = f.admin().do(t, "POST", v1+"/users/import", good, csv, key).want(t, http.StatusCreated)
	var got struct {
		Accounts []struct {
			User struct {
				ID, Email string
				Roles     []string
			}
			Link *struct{ Token, Path, Email string }
		}
	}
	r.decode(t, &got)
	if len(got.Accounts) != 2 || got.Accounts[0].User.Email != ann || got.Accounts[1].User.Email != bob {
		t.Fatalf("accounts %+v", got.Accounts)
	}
	for _, a := range got.Accounts {
		if a.Link == nil || a.Link.Email != a.User.Email || a.Link.Path != "/#/set-password?token="+a.Link.Token {
			t.Fatalf("link %+v of %s", a.Link, a.User.Email)
		}
	}
	// Before the link is used, no password opens the account.
	f.srv.client().post(t, v1+"/login", map[string]string{"email": bob, "password": "any password at all"}).want(t, http.StatusUnauthorized)

	// A replay names the same accounts, without their links.
	again := f.admin().do(t, "POST", v1+"/users/import", good, csv, key).want(t, http.StatusCreated)
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("the retry was not a replay")
	}
	var replay struct {
		Accounts []struct {
			User struct{ ID string }
			Link any
		}
	}
	again.decode(t, &replay)
	if len(replay.Accounts) != 2 || replay.Accounts[0].User.ID != got.Accounts[0].User.ID || replay.Accounts[0].Link != nil {
		t.Fatalf("replay %+v", replay.Accounts)
	}
	if strings.Contains(string(again.Body), got.Accounts[0].Link.Token) {
		t.Fatal("the replay holds a link")
	}

	// The link sets the first password; then the account signs in.
	anon := f.srv.client()
	var set struct{ Email string }
	anon.post(t, v1+"/set-password", map[string]string{"token": got.Accounts[1].Link.Token, "password": "bob's first password"}).
		want(t, http.StatusOK).decode(t, &set)
	if set.Email != bob {
		t.Fatalf("email %q, want %q", set.Email, bob)
	}
	f.srv.client().login(t, bob, "bob's first password")
	anon.post(t, v1+"/set-password", map[string]string{"token": got.Accounts[1].Link.Token, "password": "bob's other password"}).want(t, http.StatusForbidden)

	// The same file once more: every row's address is taken now.
	r = f.admin().do(t, "POST", v1+"/users/import", good, csv).want(t, http.StatusBadRequest)
	if e := r.errorAnswer(t); len(e.Fields) != 2 || e.Fields[0].Field != "rows[2].email" || e.Fields[1].Field != "rows[3].email" {
		t.Fatalf("fields %+v", e.Fields)
	}
}
