package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// Every route that answers 201 names what it created; a route without a
// self path would answer one without Location.
func TestEveryCreatingRouteHasASelfPath(t *testing.T) {
	a := &api{}
	for _, r := range a.routes() {
		if r.status == http.StatusCreated && r.self == "" {
			t.Errorf("%s %s answers 201 without a self path", r.method, r.path)
		}
		if r.self != "" && !strings.HasPrefix(r.self, v1+"/") {
			t.Errorf("%s %s: self %q is not an API path", r.method, r.path, r.self)
		}
	}
}

func TestLocationIsFilledFromTheAnswer(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	for _, tc := range []struct {
		self, public, body string
		status             int
		want               string
	}{
		{v1 + "/actions/:id", "", `{"id":"act-1","title":"x"}`, 201, "http://example.test/api/v1/actions/act-1"},
		{v1 + "/sessions/:session_id/notes", "https://q.example.org/", `{"session_id":"s-9","seq":3}`, 201, "https://q.example.org/api/v1/sessions/s-9/notes"},
		{v1 + "/calendar/:secret.ics", "", `{"secret":"abc","path":"/x"}`, 201, "http://example.test/api/v1/calendar/abc.ics"},
		{v1 + "/users/:id", "", `{"name":"no id"}`, 201, ""},
		{v1 + "/users/:id", "", `{"id":"u-1"}`, 200, ""},
	} {
		a := &api{cfg: Config{PublicURL: tc.public}}
		e := gin.New()
		e.POST("/x", a.locate(tc.self), func(c *gin.Context) {
			c.Data(tc.status, "application/json", []byte(tc.body))
		})
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "http://example.test/x", nil)
		e.ServeHTTP(rec, req)
		if got := rec.Header().Get("Location"); got != tc.want {
			t.Errorf("self %s, answer %d %s: Location %q, want %q", tc.self, tc.status, tc.body, got, tc.want)
		}
	}
}
