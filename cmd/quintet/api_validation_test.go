package main

// Every answer these tests receive is checked against the OpenAPI document
// the server itself serves: the operation must list the status, the
// status must declare the media type, and a JSON body must match the
// schema the document gives for it. The document is generated from the
// route table and the Go types, so a mismatch is a lie the document tells
// a generated client; the test that got the answer fails, naming the
// operation, where in the body, and why.

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// apiDocURL is where the document is kept for the schema compiler: $refs
// in it ("#/components/schemas/Note") resolve against the document itself.
const apiDocURL = "mem:///openapi.json"

// apiUnroutedSchema is the schema of the answers to requests that match no
// operation (an unknown path, 404; a method the path does not take, 405):
// the document cannot list them under an operation.
const apiUnroutedSchema = "#/components/schemas/Problem"

// apiChecked counts the answers checked against the document, for the
// summary TestMain prints.
var apiChecked, apiMismatches atomic.Int64

func TestMain(m *testing.M) {
	code := m.Run()
	if testing.Verbose() || apiMismatches.Load() > 0 {
		fmt.Printf("openapi: %d answers checked against the document, %d did not match\n", apiChecked.Load(), apiMismatches.Load())
	}
	os.Exit(code)
}

// apiSpec is a served OpenAPI document, ready to check answers with.
type apiSpec struct {
	doc   map[string]any
	paths []apiSpecPath

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema // by JSON pointer into the document
}

// apiSpecPath is one path of the document, split into its segments; a
// segment "{name}" takes any one segment of a request's path.
type apiSpecPath struct {
	template string
	segments []string
}

// apiSpecs holds the documents loaded so far by their hash: every server of
// a test run serves the same one, which is compiled once.
var apiSpecs = struct {
	sync.Mutex
	byHash map[[32]byte]*apiSpec
}{byHash: map[[32]byte]*apiSpec{}}

// apiLoadSpec fetches the document a server at url serves.
func apiLoadSpec(t testing.TB, url string) *apiSpec {
	t.Helper()
	resp, err := http.Get(url + "/api/v1/openapi.json")
	if err != nil {
		t.Fatalf("fetch the OpenAPI document: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("fetch the OpenAPI document: %s %v", resp.Status, err)
	}
	sum := sha256.Sum256(raw)
	apiSpecs.Lock()
	defer apiSpecs.Unlock()
	if s := apiSpecs.byHash[sum]; s != nil {
		return s
	}
	s, err := newAPISpec(raw)
	if err != nil {
		t.Fatalf("the OpenAPI document: %v", err)
	}
	apiSpecs.byHash[sum] = s
	return s
}

func newAPISpec(raw []byte) (*apiSpec, error) {
	// UnmarshalJSON keeps numbers exact, as the validator wants them.
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an object")
	}
	s := &apiSpec{doc: doc, compiler: jsonschema.NewCompiler(), schemas: map[string]*jsonschema.Schema{}}
	// OpenAPI 3.1's schemas are JSON Schema 2020-12. A format is asserted,
	// not only noted: a time the document calls date-time must be one.
	s.compiler.DefaultDraft(jsonschema.Draft2020)
	s.compiler.AssertFormat()
	if err := s.compiler.AddResource(apiDocURL, doc); err != nil {
		return nil, err
	}
	paths, _ := doc["paths"].(map[string]any)
	for p := range paths {
		s.paths = append(s.paths, apiSpecPath{template: p, segments: strings.Split(p, "/")})
	}
	return s, nil
}

// schema compiles the schema at ptr, a JSON pointer into the document.
func (s *apiSpec) schema(ptr string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.schemas[ptr]; ok {
		return sch, nil
	}
	sch, err := s.compiler.Compile(apiDocURL + ptr)
	if err != nil {
		return nil, err
	}
	s.schemas[ptr] = sch
	return sch, nil
}

// route finds the document's path that a request's path falls under. As
// the router does, a literal segment wins over a parameter: of
// /actions/board and /actions/{id}, /actions/board is the board.
func (s *apiSpec) route(path string) (string, bool) {
	segs := strings.Split(path, "/")
	best, bestRank := "", ""
	for _, p := range s.paths {
		if len(p.segments) != len(segs) {
			continue
		}
		rank := make([]byte, len(segs))
		ok := true
		for i, seg := range p.segments {
			switch {
			case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
				ok = segs[i] != ""
				rank[i] = '0'
			default:
				ok = seg == segs[i]
				rank[i] = '1'
			}
			if !ok {
				break
			}
		}
		if ok && string(rank) > bestRank {
			best, bestRank = p.template, string(rank)
		}
	}
	return best, best != ""
}

// apiCheck checks an answer against the document and fails t with every
// mismatch. Only the API's answers are checked: the web app's pages are
// not in the document.
func apiCheck(t testing.TB, s *apiSpec, r *apiResponse) {
	t.Helper()
	if s == nil {
		t.Errorf("%s %s: no OpenAPI document to check the answer against: the server was not started by the harness", r.Method, r.Path)
		return
	}
	path, _, _ := strings.Cut(r.Path, "?")
	if !strings.HasPrefix(path, "/api/") && path != "/healthz" {
		return
	}
	apiChecked.Add(1)
	op, problems := s.check(r.Method, path, r)
	if len(problems) == 0 {
		return
	}
	apiMismatches.Add(1)
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		ct = "without Content-Type"
	}
	t.Errorf("%s %s (%s) answered %d %s, which the OpenAPI document does not allow:\n\t%s\nbody: %s",
		r.Method, r.Path, op, r.Status, ct, strings.Join(problems, "\n\t"), apiClip(r.Body))
}

// check returns the operation the answer is of ("operationId", or how the
// request missed every operation) and what in the answer the document does
// not allow.
func (s *apiSpec) check(method, path string, r *apiResponse) (string, []string) {
	template, ok := s.route(path)
	if !ok {
		if r.Status != http.StatusNotFound {
			return "no such path in the document", []string{fmt.Sprintf("status %d for a path the document does not have, want 404", r.Status)}
		}
		return "no such path in the document", s.checkBody(apiUnroutedSchema, r)
	}
	pathItem := s.doc["paths"].(map[string]any)[template].(map[string]any)
	// HEAD is every GET's, documented once as the GET (RFC 9110 9.3.2): its
	// answer is the GET's, without the body.
	documented := method
	if method == http.MethodHead {
		documented = http.MethodGet
	}
	op, ok := pathItem[strings.ToLower(documented)].(map[string]any)
	if !ok {
		where := "no " + method + " " + template + " in the document"
		if r.Status != http.StatusMethodNotAllowed {
			return where, []string{fmt.Sprintf("status %d for a method the path does not take, want 405", r.Status)}
		}
		return where, s.checkBody(apiUnroutedSchema, r)
	}
	name, _ := op["operationId"].(string)
	opPtr := "#/paths/" + apiPointerToken(template) + "/" + strings.ToLower(documented)
	responses, _ := op["responses"].(map[string]any)
	status := fmt.Sprint(r.Status)
	resp, ok := responses[status].(map[string]any)
	if !ok {
		// A range (4XX) or default stands for the statuses it covers.
		for _, k := range []string{status[:1] + "XX", "default"} {
			if resp, ok = responses[k].(map[string]any); ok {
				status = k
				break
			}
		}
	}
	if !ok {
		return name, []string{fmt.Sprintf("status %d is not documented; the operation lists %s", r.Status, strings.Join(apiSortedKeys(responses), ", "))}
	}
	content, _ := resp["content"].(map[string]any)
	if len(r.Body) == 0 {
		if len(content) > 0 && method != http.MethodHead {
			return name, []string{fmt.Sprintf("empty body; the document declares %s", strings.Join(apiSortedKeys(content), ", "))}
		}
		return name, nil
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return name, []string{fmt.Sprintf("Content-Type %q: %v", ct, err)}
	}
	if len(content) == 0 {
		return name, []string{fmt.Sprintf("a body of type %s; the document declares none for status %d", mt, r.Status)}
	}
	if _, ok := content[mt]; !ok {
		return name, []string{fmt.Sprintf("media type %s is not declared for status %d; the document declares %s", mt, r.Status, strings.Join(apiSortedKeys(content), ", "))}
	}
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return name, nil // text: its schema is a string, which any body is
	}
	return name, s.checkBody(opPtr+"/responses/"+apiPointerToken(status)+"/content/"+apiPointerToken(mt)+"/schema", r)
}

// checkBody validates a JSON body against the schema at ptr.
func (s *apiSpec) checkBody(ptr string, r *apiResponse) []string {
	sch, err := s.schema(ptr)
	if err != nil {
		return []string{fmt.Sprintf("schema %s does not compile: %v", ptr, err)}
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Body))
	if err != nil {
		return []string{fmt.Sprintf("the body is not JSON: %v", err)}
	}
	err = sch.Validate(v)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []string{err.Error()}
	}
	var out []string
	apiLeafErrors(ve, &out)
	slices.Sort(out)
	return slices.Compact(out)
}

// apiLeafErrors lists the errors at the leaves of e's tree, each as the JSON
// pointer of the value, the reason, and the schema keyword that refused it.
func apiLeafErrors(e *jsonschema.ValidationError, out *[]string) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			apiLeafErrors(c, out)
		}
		return
	}
	at := "/" + strings.Join(apiPointerTokens(e.InstanceLocation), "/")
	if len(e.InstanceLocation) == 0 {
		at = "the body"
	}
	_, reason, _ := strings.Cut(e.Error(), ": ")
	keyword := strings.TrimPrefix(e.SchemaURL, apiDocURL)
	if kp := e.ErrorKind.KeywordPath(); len(kp) > 0 {
		keyword += "/" + strings.Join(apiPointerTokens(kp), "/")
	}
	*out = append(*out, fmt.Sprintf("at %s: %s [schema %s]", at, reason, keyword))
}

// apiPointerToken escapes one token of a JSON pointer (RFC 6901).
func apiPointerToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func apiPointerTokens(ts []string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = apiPointerToken(t)
	}
	return out
}

// TestAPICheck: the check refuses what the document does not allow, and
// says where and why; run over the document the engine serves.
func TestAPICheck(t *testing.T) {
	svc, health := apiInProcessService(t)
	_, raw := apiServedDoc(t, apiInProcessEngine(t, svc, health, true))
	spec, err := newAPISpec(raw)
	if err != nil {
		t.Fatal(err)
	}
	jsonType := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	problemType := http.Header{"Content-Type": {"application/problem+json"}}
	errBody := `{"type":"urn:quintet:problem:not_found","title":"Not found","status":404,"detail":"No such API route.","code":"not_found"}`
	for _, tc := range []struct {
		name, method, path string
		status             int
		header             http.Header
		body               string
		want               []string // in the failure, in this order; none: it passes
	}{
		{"a documented answer", "GET", "/healthz", 200, jsonType, `{"status":"ok","store":"ok"}`, nil},
		{"a field of the wrong type", "GET", "/healthz", 200, jsonType, `{"status":1,"store":"ok"}`,
			[]string{"GET /healthz (getHealthz) answered 200", "at /status:", "want string", "[schema #/components/schemas/healthReply/properties/status/type]"}},
		{"a required field missing", "GET", "/healthz", 200, jsonType, `{"status":"ok"}`,
			[]string{"at the body:", "store", "required"}},
		{"a field the schema does not have", "GET", "/healthz", 200, jsonType, `{"status":"ok","store":"ok","uptime":3}`,
			[]string{"uptime"}},
		{"an undocumented status", "GET", "/healthz", 418, jsonType, `{}`,
			[]string{"status 418 is not documented; the operation lists 200, 400, 503"}},
		{"an undeclared media type", "GET", "/healthz", 200, http.Header{"Content-Type": {"text/plain"}}, "ok",
			[]string{"media type text/plain is not declared for status 200; the document declares application/json"}},
		{"an empty body where one is declared", "GET", "/healthz", 200, nil, "",
			[]string{"empty body; the document declares application/json"}},
		{"a body where none is declared", "POST", "/api/v1/logout", 204, jsonType, `{}`,
			[]string{"postLogout", "the document declares none for status 204"}},
		{"not JSON", "GET", "/healthz", 200, jsonType, `{"status":`, []string{"the body is not JSON"}},
		{"a time that is not one", "GET", "/api/v1/me", 200, jsonType,
			`{"user":{"id":"u1","email":"a@example.org","name":"A","roles":["admin"],"disabled":false,"created_at":"yesterday","updated_at":"2014-07-07T09:00:00Z"},"clearance":"heads"}`,
			[]string{"at /user/created_at:", "date-time", "[schema #/components/schemas/User/properties/created_at/format]"}},
		{"an unknown path answered 404", "GET", "/api/v1/nowhere", 404, problemType, errBody, nil},
		{"an unknown path answered otherwise", "GET", "/api/v1/nowhere", 200, jsonType, `{}`,
			[]string{"no such path in the document", "want 404"}},
		{"a method the path does not take", "PUT", "/healthz", 405, problemType, errBody, nil},
		{"that method answered otherwise", "PUT", "/healthz", 200, jsonType, `{}`, []string{"no PUT /healthz in the document", "want 405"}},
		{"a literal segment wins over a parameter", "GET", "/api/v1/actions/board", 200, jsonType, `[]`,
			[]string{"(getActionsBoard)", "at the body:"}},
		{"a parameter takes any segment", "GET", "/api/v1/actions/a3f9/unknown", 404, problemType, errBody, nil},
		{"the web app is not checked", "GET", "/sessions/x", 200, http.Header{"Content-Type": {"text/html"}}, "<html>", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &apiRecorder{TB: t}
			checked, mismatches := apiChecked.Load(), apiMismatches.Load()
			apiCheck(rec, spec, &apiResponse{Method: tc.method, Path: tc.path, Status: tc.status, Header: tc.header, Body: []byte(tc.body)})
			// Made up: not answers of the server.
			apiChecked.Add(checked - apiChecked.Load())
			apiMismatches.Add(mismatches - apiMismatches.Load())
			got := strings.Join(rec.errors, "\n")
			if len(tc.want) == 0 {
				if got != "" {
					t.Fatalf("refused:\n%s", got)
				}
				return
			}
			rest := got
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("failure lacks %q (in order):\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}
