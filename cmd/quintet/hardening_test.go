package main

// End-to-end tests of the HTTP layer's defences against floods: the sign-in
// limiter's bound, slow senders, and the per-address connection cap.

import (
	"fmt"
	"net/http"
	"testing"
)

// A flood of sign-ins with distinct e-mails fills the limiter's table; an
// account throttled before the flood must still be throttled after it.
func TestLoginThrottleSurvivesFloodOfDistinctEmails(t *testing.T) {
	const keys = 20
	srv, admin := startAPIServerWithAdmin(t, map[string]string{
		"QUINTET_LOGIN_LIMIT_KEYS": fmt.Sprint(keys),
		// Each request names its own client address, so that only the
		// per-account bucket can refuse the last sign-in.
		"QUINTET_TRUSTED_PROXIES": "127.0.0.1",
	})
	c := srv.client()
	from := func(ip string) apiOption { return apiHeader("X-Forwarded-For", ip) }
	login := func(email, password, ip string) *apiResponse {
		t.Helper()
		return c.post(t, "/api/v1/login", map[string]string{"email": email, "password": password}, from(ip))
	}

	for i := range 10 {
		login(admin.Email, "wrong password", fmt.Sprintf("10.0.0.%d", i+1)).want(t, http.StatusUnauthorized)
	}
	login(admin.Email, admin.Password, "10.0.1.1").want(t, http.StatusTooManyRequests)

	for i := range keys + 10 {
		r := login(fmt.Sprintf("flood-%d@example.org", i), "whatever", fmt.Sprintf("10.1.%d.%d", i/250, i%250+1))
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
			t.Fatalf("flood sign-in %d: status %d, want 401 or 429", i, r.Status)
		}
	}
	r := login(admin.Email, admin.Password, "10.0.2.1")
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("throttled account after a flood of %d distinct e-mails: status %d, want 429", keys+10, r.Status)
	}
}
