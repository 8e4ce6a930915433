package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/problem"
)

// A 5xx answer carries the request id that observe gave the request, so
// that a user who quotes it leads the operator to the log line; a 4xx does
// not need one.
func TestServerErrorsCarryTheRequestID(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		withID bool
	}{
		{errors.New("the store fell over"), http.StatusInternalServerError, true},
		{conference.Errorf(conference.ENOTFOUND, "No such topic."), http.StatusNotFound, false},
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest("GET", "/api/v1/topics", nil)
		c.Writer.Header().Set(problem.RequestIDHeader, "0123456789abcdef")
		(&api{log: slog.New(slog.NewTextHandler(io.Discard, nil))}).writeError(c, tc.err)
		var p Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if p.Status != tc.status {
			t.Errorf("status %d, want %d", p.Status, tc.status)
		}
		if got := p.RequestID == "0123456789abcdef"; got != tc.withID {
			t.Errorf("%d: request_id=%q, want it there: %v", tc.status, p.RequestID, tc.withID)
		}
	}
	// The live endpoint's refusals are written by problem.Write.
	w := httptest.NewRecorder()
	w.Header().Set(problem.RequestIDHeader, "fedcba9876543210")
	problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.EUNAVAILABLE, "Shutting down."))
	var p Problem
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	if p.RequestID != "fedcba9876543210" {
		t.Errorf("a 503 written by problem.Write has request_id %q", p.RequestID)
	}
}
