package conference_test

import (
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

const newPassword = "a much longer passphrase"

// Changing one's own password needs the current one, and ends every other
// login and token of the account; the one the change came with stays.
func TestService_ChangeOwnPassword(t *testing.T) {
	l := newLondon(t)
	here := l.mustSignIn(t, "delegate@ag.gov.au")
	elsewhere := l.mustSignIn(t, "delegate@ag.gov.au")
	token, err := l.svc.CreateToken(ctx, l.delegate, l.delegate.ID, "script")
	assertNoError(t, err)
	other := l.mustSignIn(t, "head@justice.gc.ca")

	for _, tc := range []struct {
		name, current, password string
		fields                  []string
	}{
		{"wrong current password", "not my password", newPassword, []string{"current_password"}},
		{"no current password", "", newPassword, []string{"current_password"}},
		{"new password too short", password, "short", []string{"password"}},
		{"both at fault", "", "short", []string{"current_password", "password"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gen := l.svc.Generation()
			err := l.svc.ChangeOwnPassword(ctx, l.delegate, here, tc.current, tc.password)
			e := assertCode(t, err, conference.EINVALID)
			assertFields(t, e, tc.fields...)
			if l.svc.Generation() != gen {
				t.Fatal("a refused change wrote something")
			}
			if !l.svc.LoginExists(elsewhere) || !l.svc.TokenExists(token) {
				t.Fatal("a refused change ended a login or token")
			}
		})
	}

	assertNoError(t, l.svc.ChangeOwnPassword(ctx, l.delegate, here, password, newPassword))
	if !l.svc.LoginExists(here) {
		t.Fatal("the login that changed the password ended")
	}
	if l.svc.LoginExists(elsewhere) {
		t.Fatal("another login of the account survived the change")
	}
	if l.svc.TokenExists(token) {
		t.Fatal("an API token of the account survived the change")
	}
	if !l.svc.LoginExists(other) {
		t.Fatal("another account's login ended")
	}
	if _, err := l.svc.Authenticate(ctx, "delegate@ag.gov.au", password); err == nil {
		t.Fatal("the old password still works")
	}
	if _, err := l.svc.Authenticate(ctx, "delegate@ag.gov.au", newPassword); err != nil {
		t.Fatalf("the new password does not work: %v", err)
	}

	// Through an API token, the token is what stays.
	token2, err := l.svc.CreateToken(ctx, l.delegate, l.delegate.ID, "script")
	assertNoError(t, err)
	assertNoError(t, l.svc.ChangeOwnPassword(ctx, l.delegate, token2, newPassword, password))
	if !l.svc.TokenExists(token2) || l.svc.LoginExists(here) {
		t.Fatalf("token kept=%v, login kept=%v; want the token only", l.svc.TokenExists(token2), l.svc.LoginExists(here))
	}
}

func assertFields(tb testing.TB, e *conference.Error, want ...string) {
	tb.Helper()
	var got []string
	if len(e.Fields) == 0 {
		got = []string{e.Field}
	}
	for _, f := range e.Fields {
		got = append(got, f.Field)
	}
	if len(got) != len(want) {
		tb.Fatalf("fields=%v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			tb.Fatalf("fields=%v, want %v", got, want)
		}
	}
}

// A set-password link works once, for 24 hours, for the account it was
// issued for; only its hash is stored; using it ends the account's logins.
func TestService_ResetLink(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration // between issue and use
		twice bool          // a second link is issued, and the first used
		works bool
	}{
		{name: "fresh", after: 0, works: true},
		{name: "a second before expiry", after: conference.ResetLinkLifetime - time.Second, works: true},
		{name: "at expiry", after: conference.ResetLinkLifetime, works: false},
		{name: "a day and an hour later", after: 25 * time.Hour, works: false},
		{name: "replaced by a newer link", twice: true, works: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLondon(t)
			login := l.mustSignIn(t, "observer@example.org")
			link, err := l.svc.IssueResetLink(ctx, l.admin, l.observer.ID)
			assertNoError(t, err)
			if got, want := link.ExpiresAt, l.clock.Now().Add(24*time.Hour); !got.Equal(want) {
				t.Fatalf("expires at %v, want %v", got, want)
			}
			for _, docs := range l.store.Dump() {
				for _, d := range docs {
					if u, ok := d.(*conference.User); ok && u.ID == l.observer.ID && (u.ResetKey != conference.HashSecret(link.Token) || u.ResetKey == link.Token) {
						t.Fatal("the account does not hold the hash of the link, and only that")
					}
				}
			}
			// Issuing changes nothing else: the old password and login work.
			if !l.svc.LoginExists(login) {
				t.Fatal("issuing a link ended a login")
			}
			if tc.twice {
				_, err := l.svc.IssueResetLink(ctx, l.admin, l.observer.ID)
				assertNoError(t, err)
			}
			l.clock.Advance(tc.after)
			gen := l.svc.Generation()
			email, err := l.svc.SetPasswordWithLink(ctx, link.Token, newPassword)
			if !tc.works {
				e := assertCode(t, err, conference.EFORBIDDEN)
				if e.Message != conference.ErrorMessage(err) || l.svc.Generation() != gen {
					t.Fatal("a refused link wrote something")
				}
				return
			}
			assertNoError(t, err)
			if email != "observer@example.org" {
				t.Fatalf("email=%q", email)
			}
			if l.svc.LoginExists(login) {
				t.Fatal("a login survived the reset")
			}
			if _, err := l.svc.Authenticate(ctx, email, newPassword); err != nil {
				t.Fatalf("the new password does not work: %v", err)
			}
			// The second use is refused, with the same answer as a made-up link.
			_, again := l.svc.SetPasswordWithLink(ctx, link.Token, "yet another passphrase")
			_, madeUp := l.svc.SetPasswordWithLink(ctx, "qr_"+conference.NewSecret(), "yet another passphrase")
			assertCode(t, again, conference.EFORBIDDEN)
			if conference.ErrorMessage(again) != conference.ErrorMessage(madeUp) {
				t.Fatalf("a used link and a made-up one answer differently: %q, %q", conference.ErrorMessage(again), conference.ErrorMessage(madeUp))
			}
			if _, err := l.svc.Authenticate(ctx, email, newPassword); err != nil {
				t.Fatal("the refused second use changed the password")
			}
		})
	}
}

func TestService_ResetLink_Refusals(t *testing.T) {
	l := newLondon(t)
	for _, u := range []*conference.User{l.rapporteur, l.delegate, l.head, l.followup, l.observer} {
		_, err := l.svc.IssueResetLink(ctx, u, l.observer.ID)
		assertCode(t, err, conference.EFORBIDDEN)
	}
	_, err := l.svc.IssueResetLink(ctx, l.admin, "nobody")
	assertCode(t, err, conference.ENOTFOUND)

	// A bad new password is refused before the link is looked at, and the
	// link still works afterwards.
	link, err := l.svc.IssueResetLink(ctx, l.admin, l.head.ID)
	assertNoError(t, err)
	_, err = l.svc.SetPasswordWithLink(ctx, link.Token, "short")
	assertCodeField(t, err, conference.EINVALID, "password")
	_, err = l.svc.SetPasswordWithLink(ctx, "", newPassword)
	assertCode(t, err, conference.EFORBIDDEN)

	// A link of an account disabled since does not work.
	disabled := true
	_, err = l.svc.UpdateUser(ctx, l.admin, l.head.ID, conference.UserUpdate{Disabled: &disabled})
	assertNoError(t, err)
	_, err = l.svc.SetPasswordWithLink(ctx, link.Token, newPassword)
	assertCode(t, err, conference.EFORBIDDEN)
	_, err = l.svc.IssueResetLink(ctx, l.admin, l.head.ID)
	assertCode(t, err, conference.ECONFLICT)
}
