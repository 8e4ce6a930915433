package conference_test

import (
	"testing"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

func TestIdempotentAnswerStale(t *testing.T) {
	t0 := time.Date(2014, 7, 9, 10, 0, 0, 0, time.UTC)
	claim := conference.IdempotentAnswer{HeldUntil: t0.Add(5 * time.Minute), ExpiresAt: t0.Add(conference.IdempotencyWindow)}
	done := claim
	done.Done = true
	for _, tt := range []struct {
		name string
		a    conference.IdempotentAnswer
		at   time.Time
		want bool
	}{
		{"claim held", claim, t0.Add(time.Minute), false},
		{"claim lapsed", claim, t0.Add(5 * time.Minute), true},
		{"answer past the hold", done, t0.Add(time.Hour), false},
		{"answer on its last instant", done, t0.Add(conference.IdempotencyWindow - time.Nanosecond), false},
		{"answer expired", done, t0.Add(conference.IdempotencyWindow), true},
	} {
		if got := tt.a.Stale(tt.at); got != tt.want {
			t.Errorf("%s: Stale=%v, want %v", tt.name, got, tt.want)
		}
	}
}
