package httpapi

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2014, 7, 10, 9, 0, 0, 0, time.UTC)

// A throttled account stays throttled however many other accounts are tried.
func TestLoginLimitsKeepThrottledAccountUnderFlood(t *testing.T) {
	l := newLoginLimits(5)
	for i := range accountBurst {
		if !l.allow("a", "x", t0) {
			t.Fatalf("attempt %d refused, want the first %d allowed", i+1, accountBurst)
		}
	}
	if l.allow("a", "x", t0) {
		t.Fatalf("attempt %d allowed, want it refused", accountBurst+1)
	}
	for i := range 10 {
		l.allow(fmt.Sprintf("flood-%d", i), "x", t0)
	}
	if l.allow("a", "x", t0) {
		t.Fatal("the throttled account was allowed again after a flood of other accounts")
	}
	if got, _ := l.sizes(); got > 5 {
		t.Fatalf("accounts held = %d, want at most 5", got)
	}
}

// An address that is refused leaves no trace in the table of accounts.
func TestLoginLimitsRefusedAddressDoesNotGrowAccounts(t *testing.T) {
	l := newLoginLimits(1000)
	for i := range addressBurst {
		if !l.allow(fmt.Sprintf("p%d", i), "y", t0) {
			t.Fatalf("attempt %d from the address refused, want the first %d allowed", i+1, addressBurst)
		}
	}
	for i := range 50 {
		if l.allow(fmt.Sprintf("q%d", i), "y", t0) {
			t.Fatalf("attempt %d past the address's burst allowed", i+1)
		}
	}
	if got, _ := l.sizes(); got != addressBurst {
		t.Fatalf("accounts held = %d, want %d (only those of allowed attempts)", got, addressBurst)
	}
}

// When every entry is still recovering, a new account is refused rather than
// an entry forgotten; once an entry has recovered, it makes room.
func TestLoginLimitsFullTableRefusesNewUntilOneRecovers(t *testing.T) {
	l := newLoginLimits(2)
	for _, acct := range []string{"a", "b"} {
		if !l.allow(acct, "x", t0) {
			t.Fatalf("%s refused on an empty table", acct)
		}
	}
	if l.allow("c", "x", t0) {
		t.Fatal("a new account was allowed while the table is full of entries still recovering")
	}
	if !l.allow("c", "x", t0.Add(accountRefill)) {
		t.Fatal("a new account was refused after the older entries recovered")
	}
	if accounts, addresses := l.sizes(); accounts > 2 || addresses > 2 {
		t.Fatalf("held %d accounts and %d addresses, want at most 2 each", accounts, addresses)
	}
}

// Memory stays bounded under a flood of distinct accounts and addresses.
func TestLoginLimitsBounded(t *testing.T) {
	l := newLoginLimits(100)
	for i := range 1000 {
		l.allow(fmt.Sprintf("acct-%d", i), fmt.Sprintf("addr-%d", i), t0.Add(time.Duration(i)*time.Millisecond))
	}
	if accounts, addresses := l.sizes(); accounts > 100 || addresses > 100 {
		t.Fatalf("held %d accounts and %d addresses, want at most 100 each", accounts, addresses)
	}
}

// A throttled account is allowed again as its bucket refills.
func TestLoginLimitsRefill(t *testing.T) {
	l := newLoginLimits(10)
	for range accountBurst {
		l.allow("a", "x", t0)
	}
	if l.allow("a", "x2", t0.Add(accountRefill/2)) {
		t.Fatal("allowed before a token was earned back")
	}
	if !l.allow("a", "x3", t0.Add(accountRefill)) {
		t.Fatal("refused after a token was earned back")
	}
	if l.allow("a", "x4", t0.Add(accountRefill)) {
		t.Fatal("allowed twice on one earned token")
	}
}
