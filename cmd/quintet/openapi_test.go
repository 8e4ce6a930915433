package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/httpapi"
	"github.com/quintet-ag/quintet/internal/password"
	"github.com/quintet-ag/quintet/internal/storetest"
)

// apiInProcessService is a Service over a fresh embedded store, loaded.
func apiInProcessService(t *testing.T) (*conference.Service, func(context.Context) error) {
	t.Helper()
	store, _ := storetest.Open(t)
	svc := conference.NewService(store, password.New())
	if err := svc.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc, store.Ping
}

// apiInProcessEngine builds the HTTP handler as serve does, over svc; with
// live, /api/v1/live is registered as it is in production.
func apiInProcessEngine(t *testing.T, svc *conference.Service, health func(context.Context) error, live bool) *gin.Engine {
	t.Helper()
	cfg := httpapi.Config{
		AllowedOrigins: []string{"http://127.0.0.1:8080"},
		Health:         health,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if live {
		cfg.Live = func(http.ResponseWriter, *http.Request, *conference.User, string) {}
	}
	e, err := httpapi.New(svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// apiOpenAPIDoc is the part of the OpenAPI document these tests read.
type apiOpenAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Paths   map[string]map[string]struct {
		OperationID string `json:"operationId"`
		Parameters  []struct {
			Name     string `json:"name"`
			In       string `json:"in"`
			Required bool   `json:"required"`
		} `json:"parameters"`
		Responses map[string]json.RawMessage `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

// TestOpenAPIMatchesRegisteredRoutes: every route Gin registered is in the
// document, and every operation in the document is registered; for the
// engine serve builds, and for one built without the live endpoint.
func TestOpenAPIMatchesRegisteredRoutes(t *testing.T) {
	svc, health := apiInProcessService(t)
	for _, tc := range []struct {
		name string
		live bool
	}{
		{"as serve builds it", true},
		{"without the live endpoint", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := apiInProcessEngine(t, svc, health, tc.live)
			doc, raw := apiServedDoc(t, e)
			rec := &apiRecorder{TB: t}
			apiCompareDocWithRoutes(rec, e, doc)
			if len(rec.errors) > 0 {
				t.Error(strings.Join(rec.errors, "\n"))
			}
			if tc.live {
				apiCheckDocUsable(t, doc, raw)
			}
		})
	}
}

// apiServedDoc fetches the engine's OpenAPI document.
func apiServedDoc(t *testing.T, e *gin.Engine) (apiOpenAPIDoc, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Body)
	}
	raw := rec.Body.Bytes()
	var doc apiOpenAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc, raw
}

func apiCompareDocWithRoutes(t testing.TB, e *gin.Engine, doc apiOpenAPIDoc) {
	if !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(doc.OpenAPI) {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	registered := map[string]bool{}
	for _, r := range e.Routes() {
		registered[r.Method+" "+httpapi.OpenAPIPath(r.Path)] = true
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	for _, r := range apiSortedKeys(registered) {
		// The document leaves HEAD implicit: every GET answers it too.
		if get, ok := strings.CutPrefix(r, "HEAD "); ok {
			if !registered["GET "+get] {
				t.Errorf("%s is registered without its GET", r)
			}
			continue
		}
		if !documented[r] {
			t.Errorf("%s is registered but missing from the OpenAPI document", r)
		}
	}
	for _, r := range apiSortedKeys(documented) {
		if !registered[r] {
			t.Errorf("%s is in the OpenAPI document but not registered", r)
		}
	}
	if len(registered) < 30 {
		t.Errorf("only %d routes registered; is the engine built as serve builds it?", len(registered))
	}
}

// apiCheckDocUsable: unique operation ids, path parameters declared,
// responses given, and every $ref resolves.
func apiCheckDocUsable(t *testing.T, doc apiOpenAPIDoc, raw []byte) {
	ids := map[string]string{}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for p, ops := range doc.Paths {
		for m, op := range ops {
			where := strings.ToUpper(m) + " " + p
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", where)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %s", where, other, op.OperationID)
			}
			ids[op.OperationID] = where
			if len(op.Responses) == 0 {
				t.Errorf("%s documents no response", where)
			}
			var declared []string
			for _, prm := range op.Parameters {
				if prm.In == "path" {
					if !prm.Required {
						t.Errorf("%s: path parameter %s is not required", where, prm.Name)
					}
					declared = append(declared, prm.Name)
				}
			}
			var inPath []string
			for _, m := range param.FindAllStringSubmatch(p, -1) {
				inPath = append(inPath, m[1])
			}
			if !slices.Equal(declared, inPath) {
				t.Errorf("%s declares path parameters %v, the path has %v", where, declared, inPath)
			}
		}
	}
	for _, m := range regexp.MustCompile(`"\$ref":\s*"#/components/schemas/([^"]+)"`).FindAllSubmatch(raw, -1) {
		if _, ok := doc.Components.Schemas[string(m[1])]; !ok {
			t.Errorf("$ref to schema %s, which components.schemas lacks", m[1])
		}
	}
}

// TestPanicAnswers500WithoutInternals: a handler that panics is answered with
// a plain 500, the security headers, and nothing of the panic. No route of
// the running server can be made to panic from outside, so this adds one to
// the engine serve builds.
func TestPanicAnswers500WithoutInternals(t *testing.T) {
	svc, health := apiInProcessService(t)
	e := apiInProcessEngine(t, svc, health, true)
	e.GET("/api/v1/test-panic", func(*gin.Context) {
		panic(errors.New("secret detail: mongodb://quintet:hunter2@db.internal:27017"))
	})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/test-panic", nil))
	r := &apiResponse{Method: "GET", Path: "/api/v1/test-panic", Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	r.want(t, http.StatusInternalServerError)
	checkAPISecurityHeaders(t, r)
	e2 := r.errorAnswer(t)
	if e2.Code != "internal" || e2.Detail != "Internal error." {
		t.Errorf("answer %s, want code internal and message \"Internal error.\"", r.Body)
	}
	for _, leak := range []string{"secret", "hunter2", "mongodb", "goroutine", ".go:"} {
		if strings.Contains(string(r.Body), leak) {
			t.Errorf("the 500 answer shows %q: %s", leak, r.Body)
		}
	}
}
