package conference_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

func TestService_CreateUser(t *testing.T) {
	l := newLondon(t)

	t.Run("Normalized", func(t *testing.T) {
		u, err := l.svc.CreateUser(ctx, l.admin, conference.UserInput{
			Email: "  Jane.Doe@CPS.gov.UK ", Name: "  Jane Doe ", Delegation: " gb ", Password: "0123456789",
			Roles: []conference.Role{conference.RoleRapporteur, conference.RoleDelegate, conference.RoleRapporteur},
		})
		assertNoError(t, err)
		if got, want := u.Email, "jane.doe@cps.gov.uk"; got != want {
			t.Fatalf("Email=%q, want %q", got, want)
		}
		if got, want := u.Name, "Jane Doe"; got != want {
			t.Fatalf("Name=%q, want %q", got, want)
		}
		if got, want := u.Delegation, "GB"; got != want {
			t.Fatalf("Delegation=%q, want %q", got, want)
		}
		if got, want := u.Roles, []conference.Role{conference.RoleDelegate, conference.RoleRapporteur}; !slices.Equal(got, want) {
			t.Fatalf("Roles=%v, want %v (sorted, no duplicates)", got, want)
		}
		if got, want := u.PasswordHash, "h:0123456789"; got != want {
			t.Fatalf("PasswordHash=%q, want %q", got, want)
		}
		if got, want := u.CreatedAt, l.clock.Now(); !got.Equal(want) {
			t.Fatalf("CreatedAt=%v, want %v", got, want)
		}
		found, err := l.svc.UserByEmail(ctx, l.admin, "JANE.DOE@cps.gov.uk")
		assertNoError(t, err)
		if got, want := found.ID, u.ID; got != want {
			t.Fatalf("UserByEmail=%q, want %q", got, want)
		}
	})

	t.Run("DuplicateEmail", func(t *testing.T) {
		for _, email := range []string{"delegate@ag.gov.au", "Delegate@AG.gov.au", " DELEGATE@AG.GOV.AU"} {
			b := l.before(t)
			_, err := l.svc.CreateUser(ctx, l.admin, conference.UserInput{
				Email: email, Name: "Someone Else", Roles: []conference.Role{conference.RoleObserver}, Password: password,
			})
			if e := assertCode(t, err, conference.EDUPLICATE); e.Field != "email" {
				t.Fatalf("%s: Field=%q, want email", email, e.Field)
			}
			l.assertUnchanged(t, b)
		}
	})

	newUser := func() conference.UserInput {
		return conference.UserInput{
			Email: "new@example.org", Name: "New User", Roles: []conference.Role{conference.RoleDelegate},
			Delegation: "NZ", Password: password,
		}
	}
	testEdits(t, newUser, []editCase[conference.UserInput]{
		{"PasswordEmpty", func(in *conference.UserInput) { in.Password = "" }, "password"},
		{"PasswordNineCharacters", func(in *conference.UserInput) { in.Password = "123456789" }, "password"},
		{"PasswordTooLong", func(in *conference.UserInput) { in.Password = strings.Repeat("p", 257) }, "password"},
		{"EmailInvalid", func(in *conference.UserInput) { in.Email = "new user@example.org" }, "email"},
		{"EmailWithName", func(in *conference.UserInput) { in.Email = "New <new@example.org>" }, "email"},
		{"NameEmpty", func(in *conference.UserInput) { in.Name = "  " }, "name"},
		{"NoRoles", func(in *conference.UserInput) { in.Roles = nil }, "roles"},
		{"UnknownRole", func(in *conference.UserInput) { in.Roles = []conference.Role{"chair"} }, "roles"},
		{"DelegateWithoutDelegation", func(in *conference.UserInput) { in.Delegation = "" }, "delegation"},
		{"UnknownDelegation", func(in *conference.UserInput) { in.Delegation = "FR" }, "delegation"},
	}, func(t *testing.T, in conference.UserInput, field string) {
		b := l.before(t)
		_, err := l.svc.CreateUser(ctx, l.admin, in)
		assertInvalid(t, err, field)
		l.assertUnchanged(t, b)
	})

	t.Run("PasswordLimits", func(t *testing.T) {
		for i, pw := range []string{strings.Repeat("p", conference.MinPasswordLength), strings.Repeat("p", conference.MaxPasswordLength)} {
			_, err := l.svc.CreateUser(ctx, l.admin, conference.UserInput{
				Email: "limit" + string(rune('a'+i)) + "@example.org", Name: "Limit", Roles: []conference.Role{conference.RoleObserver}, Password: pw,
			})
			assertNoError(t, err)
		}
	})
}

func TestService_Users(t *testing.T) {
	l := newLondon(t)
	us, err := l.svc.Users(ctx, l.admin)
	assertNoError(t, err)
	if got, want := len(us), 6; got != want {
		t.Fatalf("len(Users)=%d, want %d", got, want)
	}
	if !slices.IsSortedFunc(us, func(a, b *conference.User) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	}) {
		t.Fatal("users are not sorted by name")
	}
	_, err = l.svc.User(ctx, l.admin, "nobody")
	assertCode(t, err, conference.ENOTFOUND)
	_, err = l.svc.UserByEmail(ctx, l.admin, "nobody@example.org")
	assertCode(t, err, conference.ENOTFOUND)

	// The directory names everyone who is not disabled, and no more than
	// their public face.
	_, err = l.svc.UpdateUser(ctx, l.admin, l.followup.ID, conference.UserUpdate{Disabled: ptr(true)})
	assertNoError(t, err)
	dir, err := l.svc.Directory(ctx, l.observer)
	assertNoError(t, err)
	if got, want := len(dir), 5; got != want {
		t.Fatalf("len(Directory)=%d, want %d", got, want)
	}
	for _, p := range dir {
		if p.ID == l.followup.ID {
			t.Fatal("a disabled user is in the directory")
		}
	}
}

func TestService_UpdateUser(t *testing.T) {
	t.Run("Fields", func(t *testing.T) {
		l := newLondon(t)
		l.clock.Advance(time.Hour)
		u, err := l.svc.UpdateUser(ctx, l.admin, l.delegate.ID, conference.UserUpdate{
			Name: ptr(" Dee Legate "), Delegation: ptr("us"),
		})
		assertNoError(t, err)
		if u.Name != "Dee Legate" || u.Delegation != "US" || u.Email != "delegate@ag.gov.au" {
			t.Fatalf("after update: %+v", u)
		}
		if got, want := u.UpdatedAt, l.clock.Now(); !got.Equal(want) {
			t.Fatalf("UpdatedAt=%v, want %v", got, want)
		}
		if got, want := u.CreatedAt, l.delegate.CreatedAt; !got.Equal(want) {
			t.Fatalf("CreatedAt=%v, want %v", got, want)
		}
		for _, tt := range []struct {
			name  string
			upd   conference.UserUpdate
			field string
		}{
			{"NameEmpty", conference.UserUpdate{Name: ptr("")}, "name"},
			{"UnknownDelegation", conference.UserUpdate{Delegation: ptr("FR")}, "delegation"},
			{"DelegateLosesDelegation", conference.UserUpdate{Delegation: ptr("")}, "delegation"},
			{"UnknownRole", conference.UserUpdate{Roles: &[]conference.Role{"chair"}}, "roles"},
			{"NoRoles", conference.UserUpdate{Roles: &[]conference.Role{}}, "roles"},
			{"PasswordShort", conference.UserUpdate{Password: ptr("short")}, "password"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				b := l.before(t)
				_, err := l.svc.UpdateUser(ctx, l.admin, l.delegate.ID, tt.upd)
				assertInvalid(t, err, tt.field)
				l.assertUnchanged(t, b)
			})
		}
		_, err = l.svc.UpdateUser(ctx, l.admin, "nobody", conference.UserUpdate{Name: ptr("x")})
		assertCode(t, err, conference.ENOTFOUND)
	})

	t.Run("DisablingRevokesLoginsAndTokens", func(t *testing.T) {
		l := newLondon(t)
		login1 := l.mustSignIn(t, "delegate@ag.gov.au")
		login2 := l.mustSignIn(t, "delegate@ag.gov.au")
		other := l.mustSignIn(t, "head@justice.gc.ca")
		token, err := l.svc.CreateToken(ctx, l.delegate, l.delegate.ID, "script")
		assertNoError(t, err)

		_, err = l.svc.UpdateUser(ctx, l.admin, l.delegate.ID, conference.UserUpdate{Disabled: ptr(true)})
		assertNoError(t, err)
		for _, s := range []string{login1, login2} {
			_, err := l.svc.LoginUser(ctx, s)
			assertCode(t, err, conference.EUNAUTHORIZED)
			if l.svc.LoginExists(s) {
				t.Fatal("LoginExists after disabling")
			}
			if l.store.Has(conference.Logins, conference.HashSecret(s)) {
				t.Fatal("the login is still stored")
			}
		}
		_, err = l.svc.TokenUser(ctx, token)
		assertCode(t, err, conference.EUNAUTHORIZED)
		if l.svc.TokenExists(token) {
			t.Fatal("TokenExists after disabling")
		}
		if got, want := l.store.Count(conference.Tokens), 0; got != want {
			t.Fatalf("stored tokens=%d, want %d", got, want)
		}
		// Somebody else's login is untouched.
		_, err = l.svc.LoginUser(ctx, other)
		assertNoError(t, err)

		// A disabled user reads nothing and cannot sign in.
		u, err := l.svc.User(ctx, l.admin, l.delegate.ID)
		assertNoError(t, err)
		if u.Clearance() != "" {
			t.Fatalf("Clearance of a disabled user=%q", u.Clearance())
		}
		_, err = l.svc.Agenda(ctx, u, l.meeting.ID)
		assertCode(t, err, conference.EUNAUTHORIZED)
		_, _, err = l.svc.SignIn(ctx, "delegate@ag.gov.au", password)
		assertCode(t, err, conference.EUNAUTHORIZED)

		// Enabling the account again does not bring the old token back.
		_, err = l.svc.UpdateUser(ctx, l.admin, l.delegate.ID, conference.UserUpdate{Disabled: ptr(false)})
		assertNoError(t, err)
		_, err = l.svc.TokenUser(ctx, token)
		assertCode(t, err, conference.EUNAUTHORIZED)
		_, err = l.svc.LoginUser(ctx, login1)
		assertCode(t, err, conference.EUNAUTHORIZED)
		l.mustSignIn(t, "delegate@ag.gov.au")
	})

	t.Run("RoleChangeRevokesLogins", func(t *testing.T) {
		l := newLondon(t)
		login := l.delegateLoginRevokedBy(t, conference.UserUpdate{
			Roles: &[]conference.Role{conference.RoleDelegate, conference.RoleHead},
		})
		if l.svc.LoginExists(login) {
			t.Fatal("LoginExists after a role change")
		}
		// Signing in again gives the new roles.
		_, u, err := l.svc.SignIn(ctx, "delegate@ag.gov.au", password)
		assertNoError(t, err)
		if got, want := u.Clearance(), conference.MarkingHeads; got != want {
			t.Fatalf("Clearance=%q, want %q", got, want)
		}
	})

	t.Run("DelegationChangeRevokesLogins", func(t *testing.T) {
		l := newLondon(t)
		l.delegateLoginRevokedBy(t, conference.UserUpdate{Delegation: ptr("NZ")})
	})

	t.Run("PasswordChange", func(t *testing.T) {
		l := newLondon(t)
		l.delegateLoginRevokedBy(t, conference.UserUpdate{Password: ptr("a new password, long enough")})
		_, _, err := l.svc.SignIn(ctx, "delegate@ag.gov.au", password)
		assertCode(t, err, conference.EUNAUTHORIZED)
		_, _, err = l.svc.SignIn(ctx, "delegate@ag.gov.au", "a new password, long enough")
		assertNoError(t, err)
	})

	t.Run("NameChangeKeepsLogins", func(t *testing.T) {
		l := newLondon(t)
		login := l.mustSignIn(t, "delegate@ag.gov.au")
		_, err := l.svc.UpdateUser(ctx, l.admin, l.delegate.ID, conference.UserUpdate{
			Name: ptr("Renamed"), Roles: &[]conference.Role{conference.RoleDelegate}, // same roles
		})
		assertNoError(t, err)
		u, err := l.svc.LoginUser(ctx, login)
		assertNoError(t, err)
		if got, want := u.Name, "Renamed"; got != want {
			t.Fatalf("Name=%q, want %q: the login sees the current account", got, want)
		}
	})

	t.Run("AdminCannotLockThemselfOut", func(t *testing.T) {
		l := newLondon(t)
		login := l.mustSignIn(t, "secretariat@ago.gov.uk")
		b := l.before(t)
		_, err := l.svc.UpdateUser(ctx, l.admin, l.admin.ID, conference.UserUpdate{Disabled: ptr(true)})
		assertCode(t, err, conference.EINVALID)
		_, err = l.svc.UpdateUser(ctx, l.admin, l.admin.ID, conference.UserUpdate{Roles: &[]conference.Role{conference.RoleHead}})
		assertCode(t, err, conference.EINVALID)
		l.assertUnchanged(t, b)
		_, err = l.svc.LoginUser(ctx, login)
		assertNoError(t, err)

		// Another admin may do it.
		other := l.mustCreateUser(t, "second@ago.gov.uk", "", conference.RoleAdmin)
		_, err = l.svc.UpdateUser(ctx, other, l.admin.ID, conference.UserUpdate{Disabled: ptr(true)})
		assertNoError(t, err)
		_, err = l.svc.LoginUser(ctx, login)
		assertCode(t, err, conference.EUNAUTHORIZED)

		// An admin may rename themself and keep the role among others.
		_, err = l.svc.UpdateUser(ctx, other, other.ID, conference.UserUpdate{
			Name: ptr("Second"), Roles: &[]conference.Role{conference.RoleAdmin, conference.RoleRapporteur},
		})
		assertNoError(t, err)
	})
}

// When the store fails while an account change is half done, the account
// must not end up changed with its logins alive: an admin who retries the
// same change then finds nothing to revoke.
func TestService_UpdateUser_StoreFailsDuringRevocation(t *testing.T) {
	l := newLondon(t)
	login := l.mustSignIn(t, "delegate@ag.gov.au")
	l.store.FailWrite(2) // the user is replaced, the login's delete fails
	_, err := l.svc.UpdateUser(ctx, l.admin, l.delegate.ID, conference.UserUpdate{
		Roles: &[]conference.Role{conference.RoleDelegate, conference.RoleHead},
	})
	if err == nil {
		t.Fatal("UpdateUser succeeded over a failing store")
	}
	u, err := l.svc.User(ctx, l.admin, l.delegate.ID)
	assertNoError(t, err)
	changed := u.Has(conference.RoleHead)
	if changed && l.svc.LoginExists(login) {
		t.Fatal("the role change was stored, and the login it should have ended is alive")
	}
}

func TestService_SignIn(t *testing.T) {
	l := newLondon(t)
	gen := l.svc.Generation()
	secret, u, err := l.svc.SignIn(ctx, " Delegate@AG.gov.au ", password)
	assertNoError(t, err)
	if got, want := u.ID, l.delegate.ID; got != want {
		t.Fatalf("user=%q, want %q", got, want)
	}
	if len(secret) < 40 {
		t.Fatalf("secret %q is short", secret)
	}
	if l.svc.Generation() <= gen {
		t.Fatal("signing in wrote nothing")
	}
	// Only the hash of the secret is kept.
	if !l.store.Has(conference.Logins, conference.HashSecret(secret)) || l.store.Has(conference.Logins, secret) {
		t.Fatal("the login is not stored under the hash of its secret")
	}
	for _, docs := range l.store.Dump() {
		for _, d := range docs {
			if lg, ok := d.(*conference.Login); ok && (lg.ID == secret || lg.UserID == secret) {
				t.Fatal("the secret itself is stored")
			}
		}
	}

	got, err := l.svc.LoginUser(ctx, secret)
	assertNoError(t, err)
	if got.ID != l.delegate.ID {
		t.Fatalf("LoginUser=%q, want %q", got.ID, l.delegate.ID)
	}
	if !l.svc.LoginExists(secret) {
		t.Fatal("LoginExists=false")
	}

	// A second sign-in is a second login; signing out of one keeps the other.
	second := l.mustSignIn(t, "delegate@ag.gov.au")
	if second == secret {
		t.Fatal("two logins share a secret")
	}
	assertNoError(t, l.svc.SignOut(ctx, secret))
	_, err = l.svc.LoginUser(ctx, secret)
	assertCode(t, err, conference.EUNAUTHORIZED)
	if l.svc.LoginExists(secret) || l.store.Has(conference.Logins, conference.HashSecret(secret)) {
		t.Fatal("the login survived SignOut")
	}
	_, err = l.svc.LoginUser(ctx, second)
	assertNoError(t, err)

	// Signing out twice, or of nothing, is fine.
	assertNoError(t, l.svc.SignOut(ctx, secret))
	assertNoError(t, l.svc.SignOut(ctx, "never-issued"))

	for _, bad := range []string{"", "garbage", conference.HashSecret(second)} {
		_, err = l.svc.LoginUser(ctx, bad)
		assertCode(t, err, conference.EUNAUTHORIZED)
	}
}

func TestService_Authenticate_SameAnswer(t *testing.T) {
	l := newLondon(t)
	_, err := l.svc.UpdateUser(ctx, l.admin, l.observer.ID, conference.UserUpdate{Disabled: ptr(true)})
	assertNoError(t, err)

	_, err = l.svc.Authenticate(ctx, "delegate@ag.gov.au", password)
	assertNoError(t, err)

	var messages []string
	for _, tt := range []struct{ name, email, password string }{
		{"WrongPassword", "delegate@ag.gov.au", "not the password"},
		{"EmptyPassword", "delegate@ag.gov.au", ""},
		{"UnknownEmail", "nobody@ag.gov.au", password},
		{"EmptyEmail", "", password},
		{"Disabled", "observer@example.org", password},
	} {
		b := l.before(t)
		_, err := l.svc.Authenticate(ctx, tt.email, tt.password)
		e := assertCode(t, err, conference.EUNAUTHORIZED)
		messages = append(messages, e.Message)
		_, _, err = l.svc.SignIn(ctx, tt.email, tt.password)
		if e2 := assertCode(t, err, conference.EUNAUTHORIZED); e2.Message != e.Message || e2.Field != e.Field {
			t.Fatalf("%s: SignIn says %q, Authenticate %q", tt.name, e2.Message, e.Message)
		}
		l.assertUnchanged(t, b)
	}
	for _, m := range messages[1:] {
		if m != messages[0] {
			t.Fatalf("messages differ: %q", messages)
		}
	}
}

func TestService_LoginExpiry(t *testing.T) {
	t.Run("Idle", func(t *testing.T) {
		l := newLondon(t)
		secret := l.mustSignIn(t, "head@justice.gc.ca")

		// Requests less than IdleTimeout apart keep the login alive well past
		// a single IdleTimeout.
		for range 3 {
			l.clock.Advance(conference.IdleTimeout - time.Minute)
			_, err := l.svc.LoginUser(ctx, secret)
			assertNoError(t, err)
		}
		l.clock.Advance(conference.IdleTimeout + time.Minute)
		_, err := l.svc.LoginUser(ctx, secret)
		assertCode(t, err, conference.EUNAUTHORIZED)
		if l.svc.LoginExists(secret) || l.store.Has(conference.Logins, conference.HashSecret(secret)) {
			t.Fatal("an expired login is kept")
		}
		// Going back in time does not revive it.
		l.clock.Advance(-conference.IdleTimeout)
		_, err = l.svc.LoginUser(ctx, secret)
		assertCode(t, err, conference.EUNAUTHORIZED)
	})

	t.Run("Sweep", func(t *testing.T) {
		l := newLondon(t)
		idle := l.mustSignIn(t, "head@justice.gc.ca")
		l.clock.Advance(conference.IdleTimeout - time.Minute)
		busy := l.mustSignIn(t, "head@justice.gc.ca")
		l.clock.Advance(2 * time.Minute)
		var deleted []string
		l.svc.OnChange = func(ch conference.Change) {
			if ch.Collection == conference.Logins && ch.Doc == nil {
				deleted = append(deleted, ch.ID)
			}
		}
		n, err := l.svc.ExpireLogins(ctx)
		assertNoError(t, err)
		if got, want := n, 1; got != want {
			t.Fatalf("expired %d logins, want %d", got, want)
		}
		if l.svc.LoginExists(idle) || !l.svc.LoginExists(busy) {
			t.Fatal("the sweep removed the wrong login")
		}
		if len(deleted) != 1 || deleted[0] != conference.HashSecret(idle) {
			t.Fatalf("OnChange heard of deletions %v, want the idle login's", deleted)
		}
	})

	t.Run("Absolute", func(t *testing.T) {
		l := newLondon(t)
		signedIn := l.clock.Now()
		secret := l.mustSignIn(t, "head@justice.gc.ca")
		hours := 0
		for {
			l.clock.Advance(time.Hour)
			hours++
			_, err := l.svc.LoginUser(ctx, secret)
			if l.clock.Now().Sub(signedIn) > conference.MaxLoginAge {
				assertCode(t, err, conference.EUNAUTHORIZED)
				break
			}
			if err != nil {
				t.Fatalf("after %d hours: %v", hours, err)
			}
		}
		if got, want := hours, int(conference.MaxLoginAge/time.Hour)+1; got != want {
			t.Fatalf("the login ended after %d hours, want %d", got, want)
		}
		if l.svc.LoginExists(secret) {
			t.Fatal("an expired login is kept")
		}
		// A new sign-in works.
		l.mustSignIn(t, "head@justice.gc.ca")
	})

	t.Run("LastSeenWrittenAtMostOncePerMinute", func(t *testing.T) {
		l := newLondon(t)
		secret := l.mustSignIn(t, "head@justice.gc.ca")
		writes := l.store.Writes()
		for range 10 {
			l.clock.Advance(5 * time.Second)
			_, err := l.svc.LoginUser(ctx, secret)
			assertNoError(t, err)
		}
		if got, want := l.store.Writes(), writes+0; got != want {
			t.Fatalf("%d writes in 50 seconds of requests, want none", got-writes)
		}
		l.clock.Advance(20 * time.Second)
		_, err := l.svc.LoginUser(ctx, secret)
		assertNoError(t, err)
		if got, want := l.store.Writes(), writes+1; got != want {
			t.Fatalf("%d writes after a minute of requests, want 1", got-writes)
		}
	})

	t.Run("StoreFailsOnLastSeen", func(t *testing.T) {
		l := newLondon(t)
		secret := l.mustSignIn(t, "head@justice.gc.ca")
		l.clock.Advance(time.Hour)
		b := l.before(t)
		l.store.FailWrite(1)
		_, err := l.svc.LoginUser(ctx, secret)
		if got, want := conference.ErrorCode(err), conference.EINTERNAL; got != want {
			t.Fatalf("code=%q, want %q", got, want)
		}
		l.assertUnchanged(t, b)
		_, err = l.svc.LoginUser(ctx, secret)
		assertNoError(t, err)
	})
}

// A request that refreshes a login's last-seen time while the same login is
// signed out must not bring the login back.
func TestService_SignOut_DuringLastSeenWrite(t *testing.T) {
	l := newLondon(t)
	secret := l.mustSignIn(t, "delegate@ag.gov.au")
	l.clock.Advance(time.Hour)
	// The user signs out in another tab while this request is in flight.
	wait := l.store.interleaveOnce("replace", conference.Logins, func() {
		if err := l.svc.SignOut(ctx, secret); err != nil {
			t.Errorf("SignOut: %v", err)
		}
	})
	_, _ = l.svc.LoginUser(ctx, secret)
	if !wait() {
		t.Fatal("LoginUser did not write LastSeen back")
	}
	if l.svc.LoginExists(secret) {
		t.Fatal("the login is alive after SignOut returned")
	}
}

func TestService_Tokens(t *testing.T) {
	l := newLondon(t)
	secret, err := l.svc.CreateToken(ctx, l.rapporteur, l.rapporteur.ID, "  ")
	assertNoError(t, err)
	if !strings.HasPrefix(secret, "qt_") {
		t.Fatalf("secret %q does not start with qt_", secret)
	}
	if l.store.Has(conference.Tokens, secret) || !l.store.Has(conference.Tokens, conference.HashSecret(secret)) {
		t.Fatal("the token is not stored under the hash of its secret")
	}
	u, err := l.svc.TokenUser(ctx, secret)
	assertNoError(t, err)
	if got, want := u.ID, l.rapporteur.ID; got != want {
		t.Fatalf("TokenUser=%q, want %q", got, want)
	}
	if !l.svc.TokenExists(secret) {
		t.Fatal("TokenExists=false")
	}
	// Surrounding spaces, as in a pasted header, are forgiven.
	_, err = l.svc.TokenUser(ctx, " "+secret+"\n")
	assertNoError(t, err)

	_, err = l.svc.CreateToken(ctx, l.rapporteur, l.delegate.ID, "theirs")
	assertCode(t, err, conference.EFORBIDDEN)
	_, err = l.svc.CreateToken(ctx, l.rapporteur, l.rapporteur.ID, strings.Repeat("n", 101))
	assertInvalid(t, err, "name")
	_, err = l.svc.CreateToken(ctx, l.admin, "nobody", "x")
	assertCode(t, err, conference.ENOTFOUND)
	forOther, err := l.svc.CreateToken(ctx, l.admin, l.delegate.ID, "for the delegate")
	assertNoError(t, err)
	u, err = l.svc.TokenUser(ctx, forOther)
	assertNoError(t, err)
	if got, want := u.ID, l.delegate.ID; got != want {
		t.Fatalf("TokenUser=%q, want %q", got, want)
	}

	for _, bad := range []string{"", "qt_nope", conference.HashSecret(secret)} {
		_, err := l.svc.TokenUser(ctx, bad)
		assertCode(t, err, conference.EUNAUTHORIZED)
		if l.svc.TokenExists(bad) {
			t.Fatalf("TokenExists(%q)=true", bad)
		}
	}
}

func TestService_Setup(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.CreateDelegation(ctx, conference.SystemActor, conference.Delegation{Code: "GB", Name: "United Kingdom"})
	assertNoError(t, err)
	if !f.svc.NeedsSetup() {
		t.Fatal("NeedsSetup=false without any account")
	}
	in := conference.UserInput{
		Email: "Secretariat@AGO.gov.uk", Name: "Secretariat", Password: password, Delegation: "GB",
		Roles: []conference.Role{conference.RoleObserver}, // ignored: the first account is an admin
	}

	// Before BeginSetup, nothing works.
	_, err = f.svc.CompleteSetup(ctx, "", in)
	assertCode(t, err, conference.EFORBIDDEN)

	first := f.svc.BeginSetup()
	secret := f.svc.BeginSetup() // a second call replaces the first secret
	if first == secret {
		t.Fatal("BeginSetup returned the same secret twice")
	}
	b := f.before(t)
	for _, wrong := range []string{"", "wrong", first, conference.HashSecret(secret), secret + "x"} {
		_, err = f.svc.CompleteSetup(ctx, wrong, in)
		assertCode(t, err, conference.EFORBIDDEN)
	}
	f.assertUnchanged(t, b)

	// Bad input does not spend the secret.
	short := in
	short.Password = "short"
	_, err = f.svc.CompleteSetup(ctx, secret, short)
	assertInvalid(t, err, "password")
	f.assertUnchanged(t, b)
	if !f.svc.NeedsSetup() {
		t.Fatal("NeedsSetup=false after a failed set-up")
	}

	u, err := f.svc.CompleteSetup(ctx, secret, in)
	assertNoError(t, err)
	if got, want := u.Roles, []conference.Role{conference.RoleAdmin}; !slices.Equal(got, want) {
		t.Fatalf("Roles=%v, want %v", got, want)
	}
	if !u.IsAdmin() || u.Email != "secretariat@ago.gov.uk" {
		t.Fatalf("first account=%+v", u)
	}
	if f.svc.NeedsSetup() {
		t.Fatal("NeedsSetup=true after set-up")
	}
	_, signedIn, err := f.svc.SignIn(ctx, "secretariat@ago.gov.uk", password)
	assertNoError(t, err)
	if !signedIn.MayManageUsers() {
		t.Fatal("the first account cannot manage accounts")
	}

	// It works once.
	in.Email = "second@ago.gov.uk"
	_, err = f.svc.CompleteSetup(ctx, secret, in)
	assertCode(t, err, conference.EFORBIDDEN)
	// And not at all once an account exists, even with a fresh secret.
	again := f.svc.BeginSetup()
	_, err = f.svc.CompleteSetup(ctx, again, in)
	assertCode(t, err, conference.EFORBIDDEN)
	us, err := f.svc.Users(ctx, u)
	assertNoError(t, err)
	if got, want := len(us), 1; got != want {
		t.Fatalf("len(Users)=%d, want %d", got, want)
	}
}

func TestService_Setup_StoreFailure(t *testing.T) {
	f := newFixture(t)
	secret := f.svc.BeginSetup()
	in := conference.UserInput{Email: "admin@example.org", Name: "Admin", Password: password}
	b := f.before(t)
	f.store.FailWrite(1)
	_, err := f.svc.CompleteSetup(ctx, secret, in)
	if got, want := conference.ErrorCode(err), conference.EINTERNAL; got != want {
		t.Fatalf("code=%q, want %q", got, want)
	}
	f.assertUnchanged(t, b)
	if !f.svc.NeedsSetup() {
		t.Fatal("NeedsSetup=false after a failed set-up")
	}
	// The secret still works.
	_, err = f.svc.CompleteSetup(ctx, secret, in)
	assertNoError(t, err)
}

func TestService_SignIn_StoreFailure(t *testing.T) {
	l := newLondon(t)
	b := l.before(t)
	l.store.FailWrite(1)
	secret, u, err := l.svc.SignIn(ctx, "delegate@ag.gov.au", password)
	if got, want := conference.ErrorCode(err), conference.EINTERNAL; got != want || secret != "" || u != nil {
		t.Fatalf("SignIn=%q, %v, %v; want nothing and code %q", secret, u, err, want)
	}
	l.assertUnchanged(t, b)
	if got, want := l.store.Count(conference.Logins), 0; got != want {
		t.Fatalf("stored logins=%d, want %d", got, want)
	}

	secret = l.mustSignIn(t, "delegate@ag.gov.au")
	b = l.before(t)
	l.store.FailWrite(1)
	if err := l.svc.SignOut(ctx, secret); err == nil {
		t.Fatal("SignOut succeeded over a failing store")
	}
	l.assertUnchanged(t, b)
	if !l.svc.LoginExists(secret) {
		t.Fatal("the login is gone from memory though the store kept it")
	}
}

// A password change signs the account out everywhere, so that whoever knew
// the old password is shut out. A sign-in with the old password that is in
// flight when the password changes must not leave a working login behind.
func TestService_SignIn_DuringPasswordChange(t *testing.T) {
	l := newLondon(t)
	wait := l.store.interleaveOnce("insert", conference.Logins, func() {
		_, err := l.svc.UpdateUser(ctx, l.admin, l.delegate.ID, conference.UserUpdate{Password: ptr("a brand new password")})
		if err != nil {
			t.Errorf("UpdateUser: %v", err)
		}
	})
	secret, _, err := l.svc.SignIn(ctx, "delegate@ag.gov.au", password)
	if !wait() {
		t.Fatal("SignIn stored no login")
	}
	if err == nil {
		if _, err := l.svc.LoginUser(ctx, secret); err == nil {
			t.Fatal("a login made with the old password works after the password changed")
		}
	}
}

// delegateLoginRevokedBy signs the delegate in, has the secretariat make
// update to the account, and fails unless the login no longer works.
func (l *london) delegateLoginRevokedBy(t *testing.T, update conference.UserUpdate) (login string) {
	t.Helper()
	login = l.mustSignIn(t, "delegate@ag.gov.au")
	_, err := l.svc.UpdateUser(ctx, l.admin, l.delegate.ID, update)
	assertNoError(t, err)
	_, err = l.svc.LoginUser(ctx, login)
	assertCode(t, err, conference.EUNAUTHORIZED)
	return login
}
