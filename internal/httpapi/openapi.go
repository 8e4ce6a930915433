package httpapi

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/problem"
)

// The OpenAPI 3.1 document is made from the route table and the Go types the
// handlers bind and answer with, so that it cannot drift from what is served.

var ginParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// enums lists the values of the vocabulary's string types.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[conference.Role]():          strs(conference.Roles),
	reflect.TypeFor[conference.Marking]():       strs(conference.Markings),
	reflect.TypeFor[conference.MeetingStatus](): {"planned", "in-session", "closed"},
	reflect.TypeFor[conference.SessionStatus](): {"scheduled", "live", "ended"},
	reflect.TypeFor[conference.Audience]():      strs(conference.Audiences),
	reflect.TypeFor[conference.Format]():        strs(conference.Formats),
	reflect.TypeFor[conference.EntryStatus]():   strs(conference.EntryStatuses),
	reflect.TypeFor[conference.LinkKind]():      strs(conference.LinkKinds),
	reflect.TypeFor[conference.SearchKind]():    strs(conference.SearchKinds),
	reflect.TypeFor[conference.OutcomeKind]():   strs(conference.OutcomeKinds),
	reflect.TypeFor[conference.OutcomeStatus](): strs(conference.OutcomeStatuses),
	reflect.TypeFor[conference.ActionStatus]():  strs(conference.ActionStatuses),
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (a *api) openapi(c *gin.Context) {
	a.docOnce.Do(func() {
		a.doc, _ = json.MarshalIndent(a.buildOpenAPI(), "", "  ")
	})
	c.Data(http.StatusOK, "application/json; charset=utf-8", a.doc)
}

// OpenAPIPath turns a Gin path into an OpenAPI one: /meetings/:id → /meetings/{id}.
func OpenAPIPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }

func (a *api) buildOpenAPI() map[string]any {
	sg := &schemaGen{defs: map[string]any{}, bodyOnly: map[string]bool{}}
	sg.defs["Problem"] = sg.structSchema(reflect.TypeFor[Problem]())
	paths := map[string]map[string]any{}
	all := a.routes()
	if a.cfg.Live != nil {
		all = append(all, route{method: "GET", path: v1 + "/live", access: signedIn, status: 101,
			summary: "Upgrade to the live WebSocket (see docs/live-protocol.md); at most 20 open per account"})
	}
	for _, r := range all {
		p := OpenAPIPath(r.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		op := map[string]any{
			"summary":     r.summary,
			"operationId": operationID(r.method, r.path),
			"tags":        []string{tagOf(r.path)},
			"responses":   sg.responses(r),
		}
		var params []any
		for _, m := range ginParam.FindAllStringSubmatch(r.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
				"description": pathParamDescription(r.path, m[1]), "schema": map[string]any{"type": "string"}})
		}
		for _, q := range queryParams[r.method+" "+r.path] {
			params = append(params, q.openAPI())
		}
		params = append(params, conditionalParams(r.method+" "+r.path)...)
		if idempotent(r) {
			params = append(params, idempotencyParam)
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.body != nil {
			op["requestBody"] = map[string]any{
				"required": true,
				"content":  map[string]any{"application/json": map[string]any{"schema": sg.bodySchema(reflect.TypeOf(r.body))}},
			}
		}
		if mt, ok := bodyTypes[r.method+" "+r.path]; ok {
			op["requestBody"] = map[string]any{
				"required": true,
				"content":  map[string]any{mt: map[string]any{"schema": map[string]any{"type": "string"}, "example": cmp.Or(bodyExamples[r.method+" "+r.path], textExamples[mt])}},
			}
		}
		switch r.access {
		case public:
			op["security"] = []any{}
		case admin:
			op["description"] = "Secretariat (role admin) only."
		}
		paths[p][strings.ToLower(r.method)] = op
	}
	for _, ops := range paths {
		for _, op := range ops {
			addExamples(op.(map[string]any), sg.defs)
		}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Quintet API",
			"version":     "1",
			"description": "Meetings, agenda, live notes and follow-up of the Quintet of Attorneys General on cybercrime.",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"tags":     docTags(),
		"security": []any{map[string]any{"cookie": []any{}}, map[string]any{"bearer": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas": sg.defs,
			"securitySchemes": map[string]any{
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": CookieName},
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "A personal API token (quintet token create)."},
			},
		},
	}
}

func (sg *schemaGen) responses(r route) map[string]any {
	key := r.method + " " + r.path
	out := map[string]any{}
	ok := map[string]any{"description": http.StatusText(r.status)}
	switch mt, text := answerTypes[key]; {
	case text:
		ok["content"] = map[string]any{mt: map[string]any{"schema": map[string]any{"type": "string"}, "example": textExamples[mt]}}
	case r.reply != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": sg.replySchema(key, r.reply)}}
	}
	if _, list := lists[key]; list {
		ok["headers"] = map[string]any{"Link": docHeader("string",
			`The next page, when there is one: <absolute URL>; rel="next" (the same URL with the cursor of the next page).`)}
	}
	out[itoa(r.status)] = ok
	for status, why := range otherSuccesses[key] {
		alt := maps.Clone(ok)
		alt["description"] = why
		out[itoa(status)] = alt
	}
	add := func(status int, why string) {
		schema := map[string]any{"$ref": "#/components/schemas/Problem"}
		var example any = errorExample(status)
		if alt, ok := errorAlternatives[key][status]; ok {
			schema = map[string]any{"anyOf": []any{schema, sg.schema(reflect.TypeOf(alt))}}
		}
		if body, ok := errorBodies[key][status]; ok {
			schema, example = sg.schema(reflect.TypeOf(body)), body
		}
		out[itoa(status)] = map[string]any{"description": why, "content": map[string]any{
			problem.MediaType: map[string]any{"schema": schema, "example": example}}}
	}
	switch {
	case r.body != nil:
		add(400, "The input breaks a rule, or the query has a parameter the route does not take; the error names the field.")
	case len(queryParams[key]) > 0:
		add(400, "A query parameter breaks its rule, or is one the route does not take; the error names it.")
	default:
		add(400, "The query has a parameter; the route takes none. The error names it.")
	}
	if r.body != nil || bodyTypes[key] != "" {
		add(413, "The body is larger than 1 MiB.")
		add(415, "The body's Content-Type is not "+bodyType(r.method, r.path)+".")
	}
	if r.access != public {
		add(401, "Not signed in.")
		add(403, "The role does not allow it.")
	} else if r.method != "GET" {
		add(403, "A browser's request from another site or origin.")
	}
	if strings.Contains(r.path, ":") {
		add(404, "No such thing.")
	}
	if r.method != "GET" && r.access != public {
		add(409, "The thing's state refuses it (conflict), a unique key is taken (duplicate), or the version sent is not the current one (stale_version, with current).")
	}
	for status, why := range routeDocs[key].answers {
		add(status, why)
	}
	for status, why := range answers[key] {
		add(status, why)
	}
	for status, hs := range responseHeaders[key] {
		if h := answerHeaders(out, itoa(status)); h != nil {
			for name, d := range hs {
				h[name] = d
			}
		}
	}
	addHeader := func(status int, name string, d map[string]any) {
		if h := answerHeaders(out, itoa(status)); h != nil && h[name] == nil {
			h[name] = d
		}
	}
	addHeader(401, "WWW-Authenticate", docHeader("string", "Bearer realm=\"quintet\": sign in, or send a bearer token."))
	addHeader(429, "Retry-After", retryAfter)
	addHeader(503, "Retry-After", retryAfter)
	if r.self != "" {
		addHeader(r.status, "Location", docHeader("string", "The absolute URL of what was created."))
	}
	if limited[key] {
		addHeader(r.status, "RateLimit-Policy", rateLimitPolicyDoc)
		addHeader(r.status, "RateLimit", rateLimitDoc)
		addHeader(429, "RateLimit-Policy", rateLimitPolicyDoc)
		addHeader(429, "RateLimit", rateLimitDoc)
	}
	conditionalAnswers(r, out, add)
	documentIdempotency(r, add, out)
	return out
}

// otherSuccesses are the success statuses a route answers beside the
// table's, with the same body, by route and status.
var otherSuccesses = map[string]map[int]string{
	"POST " + v1 + "/sessions/:id/notes": {200: "A retry: a note with this client_id is stored already; the answer is that note."},
	"POST " + v1 + "/links":              {200: "The link exists already; the answer is the stored link."},
	"POST " + v1 + "/register.csv":       {200: "A dry run (dry_run=true): what the import would do; nothing is written."},
}

// replyShapes are the success answers that take a second shape by who
// asks, by route: the second shape's type.
var replyShapes = map[string]any{
	// The secretariat reads the accounts; everyone else the directory.
	"GET " + v1 + "/users": listPage[conference.PublicUser]{},
}

// replySchema is the schema of a route's success answer: reply's, or
// oneOf it and its second shape.
func (sg *schemaGen) replySchema(key string, reply any) map[string]any {
	alt, ok := replyShapes[key]
	if !ok {
		return sg.schema(reflect.TypeOf(reply))
	}
	a, b := reflect.TypeOf(reply), reflect.TypeOf(alt)
	if ia, ok := a.FieldByName("Items"); ok && a.Kind() == reflect.Struct {
		// A page of either shape: the page as it is, its items item by item.
		ib, _ := b.FieldByName("Items")
		return map[string]any{"type": "object", "additionalProperties": false, "required": []string{"items"},
			"properties": map[string]any{
				"items":       map[string]any{"type": "array", "items": map[string]any{"oneOf": []any{sg.schema(ia.Type.Elem()), sg.schema(ib.Type.Elem())}}},
				"next_cursor": map[string]any{"type": "string", "description": "Where the next page starts; absent on the last page."},
			}}
	}
	if a.Kind() == reflect.Slice && b.Kind() == reflect.Slice {
		// Item by item: an empty list is of both shapes, which oneOf refuses.
		return map[string]any{"type": "array", "items": map[string]any{"oneOf": []any{sg.schema(a.Elem()), sg.schema(b.Elem())}}}
	}
	return map[string]any{"oneOf": []any{sg.schema(a), sg.schema(b)}}
}

// answerTypes are the success answers that are not JSON, by route, and the
// request bodies that are not JSON are bodyTypes.
var answerTypes = map[string]string{
	"GET " + v1 + "/actions.csv":                   "text/csv",
	"GET " + v1 + "/register.csv":                  "text/csv",
	"GET " + v1 + "/meetings/:id/record.html":      "text/html",
	"GET " + v1 + "/meetings/:id/record.md":        "text/markdown",
	"GET " + v1 + "/meetings/:id/brief.html":       "text/html",
	"GET " + v1 + "/meetings/:id/brief.md":         "text/markdown",
	"GET " + v1 + "/meetings/:id/brief.pdf":        "application/pdf",
	"GET " + v1 + "/meetings/:id/agenda.html":      "text/html",
	"GET " + v1 + "/meetings/:id/agenda.pdf":       "application/pdf",
	"GET " + v1 + "/meetings/:id/agenda.ics":       "text/calendar",
	"GET " + v1 + "/topics/:id/lineage.md":         "text/markdown",
	"GET " + v1 + "/calendar/:feed":                "text/calendar",
	"GET " + v1 + "/agenda-feed/:feed":             "text/calendar",
	"GET " + versionsPath + "/:number/record.html": "text/html",
	"GET " + versionsPath + "/:number/record.md":   "text/markdown",
	"GET " + versionsPath + "/:number/record.pdf":  "application/pdf",
	"GET " + v1 + "/backup":                        "application/gzip",
}

// textExamples are short answers of each text media type, for the document.
var textExamples = map[string]string{
	"text/csv":      "id,title,status,due\r\nact-1,Share the template for preservation requests,open,2015-06-30\r\n",
	"text/html":     "<!DOCTYPE html>\n<html lang=\"en\"><head><title>London 2014: record</title></head><body><h1>London 2014</h1></body></html>\n",
	"text/markdown": "# London 2014\n\n## Opening\n\n- Agreed: share the template for preservation requests.\n",
	"text/calendar": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Quintet//EN\r\nBEGIN:VEVENT\r\nUID:act-1@quintet\r\nDTSTAMP:20150101T000000Z\r\nDTSTART;VALUE=DATE:20150630\r\nSUMMARY:Due: share the template\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
}

// bodyExamples are examples of the bodies that are not JSON, where the
// media type's own example (textExamples) is not one.
var bodyExamples = map[string]string{
	"POST " + v1 + "/users/import": "name,email,roles,delegation\r\nJane Doe,jane.doe@cps.gov.uk,delegate;head,GB\r\nSam Lee,sam.lee@example.org,observer,\r\n",
}

// answers are the error answers particular to a route that the route table
// has no place for, beside routeDocs.
var answers = map[string]map[int]string{
	"POST " + v1 + "/login": {
		401: "The email and password do not match an account that may sign in.",
		429: "Too many sign-in attempts for the account or from the address; Retry-After gives the seconds to wait.",
	},
	"POST " + v1 + "/me/password": {429: "Too many password attempts for the account or from the address; Retry-After gives the seconds to wait."},
	"POST " + v1 + "/set-password": {
		403: "The link does not work: never issued, used already, replaced by a newer one, expired, or its account is disabled (one answer for all); or a browser's request from another site or origin.",
		429: "Too many attempts with the link or from the address; Retry-After gives the seconds to wait.",
	},
	"GET " + v1 + "/actions/mine":  {404: "The caller belongs to no delegation."},
	"POST " + v1 + "/setup":        {429: "Too many attempts from the address; wait a minute."},
	"GET /healthz":                 {503: "The store does not answer."},
	"GET /readyz":                  {503: "The store does not answer, or the server is shutting down: send traffic elsewhere."},
	"POST " + v1 + "/register.csv": {400: "The file breaks a rule: a refusal lists every fault by row and field (ImportRefusal), or the query or the request is wrong (Problem)."},
	"POST " + v1 + "/users/import": {400: "The file breaks a rule: error.fields names every fault, rows[N].field for a row (N counts the header as 1), header[N] or header.column for the header, file for the file as a whole; each message starts with the line. No account was opened."},
}

// errorAlternatives are the error answers that carry more than the Problem
// shape, by route and status.
var errorAlternatives = map[string]map[int]any{
	"POST " + v1 + "/register.csv": {400: ImportRefusal{}},
}

// errorBodies are the failures answered in another shape than Problem, with
// an example, by route and status.
var errorBodies = map[string]map[int]any{
	"GET /healthz": {503: healthReply{Status: "degraded", Store: "unavailable"}},
	"GET /readyz":  {503: healthReply{Status: "degraded", Store: "unavailable"}},
}

// answerHeaders are the documented headers of the answer with status in a
// route's responses out, made empty when it has none yet; nil when the
// route has no such answer.
func answerHeaders(out map[string]any, status string) map[string]any {
	resp, ok := out[status].(map[string]any)
	if !ok {
		return nil
	}
	h, _ := resp["headers"].(map[string]any)
	if h == nil {
		h = map[string]any{}
		resp["headers"] = h
	}
	return h
}

func docHeader(typ, description string) map[string]any {
	return map[string]any{"description": description, "schema": map[string]any{"type": typ}}
}

var retryAfter = docHeader("integer", "The seconds to wait before trying again.")

// responseHeaders are the headers an answer carries that a client may use,
// by route, status and name.
var responseHeaders = map[string]map[int]map[string]any{
	"GET /healthz":                {503: {"Retry-After": retryAfter}},
	"GET /readyz":                 {503: {"Retry-After": retryAfter}},
	"GET " + v1 + "/register":     {200: {"X-Total-Count": docHeader("integer", "How many entries the filters select, over every page.")}},
	"GET " + v1 + "/register.csv": {200: {"Content-Disposition": docHeader("string", "attachment; the file name is register.csv.")}},
	"GET " + v1 + "/actions.csv":  {200: {"Content-Disposition": docHeader("string", "attachment; the file name is actions.csv.")}},
	"GET " + v1 + "/backup":       {200: {"Content-Disposition": docHeader("string", "attachment; the file name is quintet-<UTC time>.jsonl.gz.")}},
	"POST " + v1 + "/login":       {429: {"Retry-After": retryAfter}},
	"GET " + v1 + "/live":         {429: {"Retry-After": retryAfter, "RateLimit-Policy": docHeader("string", `"connections";q=N: the open connections an account may hold.`), "RateLimit": docHeader("string", `"connections";r=0;t=S: none left; S seconds to wait.`)}},
}

// errorExamples are the document's example error answers, by status: the
// code, the field at fault if one is, and the detail.
var errorExamples = map[int]struct{ code, field, detail string }{
	http.StatusBadRequest:            {conference.EINVALID, "colour", "There is no query parameter \"colour\"."},
	http.StatusUnauthorized:          {conference.EUNAUTHORIZED, "", "Sign in first."},
	http.StatusForbidden:             {conference.EFORBIDDEN, "", "Your role does not allow this."},
	http.StatusNotFound:              {conference.ENOTFOUND, "", "No such thing."},
	http.StatusConflict:              {conference.ESTALE, "version", "The action was updated by Secretariat at 08:00 UTC; review their change, then save again."},
	http.StatusUnprocessableEntity:   {conference.EMISMATCH, IdempotencyKeyHeader, "This Idempotency-Key was used for a different request (method, path or body); send a new key for a new request."},
	http.StatusPreconditionFailed:    {EPRECONDITIONFAILED, "version", "The session was changed by someone else (version 4, you edited 3); review the current version and save again."},
	http.StatusPreconditionRequired:  {EPRECONDITIONREQUIRED, "version", "Send the version you edited, as If-Match: \"<version>\" (the ETag of your read) or as the body's version."},
	http.StatusRequestEntityTooLarge: {ETOOLARGE, "", "The body is larger than 1 MiB."},
	http.StatusUnsupportedMediaType:  {problem.EUNSUPPORTEDMEDIA, "", "The body must be application/json (it is text/plain)."},
	http.StatusTooManyRequests:       {conference.ERATELIMITED, "", "Too many attempts; wait a minute and try again."},
	http.StatusServiceUnavailable:    {problem.EUNAVAILABLE, "", "The server is shutting down; reconnect in a moment."},
}

// errorExample is an error answer of the status, for the document.
func errorExample(status int) Problem {
	e, ok := errorExamples[status]
	if !ok {
		return problem.New(http.StatusInternalServerError, conference.EINTERNAL, "Internal error.")
	}
	p := problem.New(status, e.code, e.detail)
	p.Field = e.field
	if status == http.StatusBadRequest {
		p.Fields = []conference.FieldError{{Field: e.field, Message: e.detail}}
	}
	return p
}

// tags group the operations by the part of the product they serve, named by
// the path's first segment.
var tags = []struct{ name, description, segments string }{
	{"login", "Signing in and out, and creating the first admin", "login logout me setup"},
	{"meetings", "Meetings and their agendas, records and carry-over", "meetings"},
	{"sessions", "Agenda sessions: their notes and outcomes", "sessions"},
	{"outcomes", "Outcomes, their drafting and sign-offs", "outcomes"},
	{"actions", "Actions, their progress reports and exports", "actions"},
	{"topics", "The topics the meetings discuss", "topics"},
	{"delegations", "Delegations and their calendar feeds", "delegations calendar"},
	{"users", "Accounts", "users"},
	{"register", "The register of cooperation activities, its links and coverage", "register links coverage"},
	{"search", "Search across notes, outcomes, actions, the register, topics and sessions", "search"},
	{"service", "The service itself: health, this document, the live connection", "healthz openapi live"},
}

func tagOf(path string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(path, v1), "/"), "/")
	first, _, _ = strings.Cut(first, ".")
	for _, t := range tags {
		if slices.Contains(strings.Fields(t.segments), first) {
			return t.name
		}
	}
	return "service"
}

func docTags() []any {
	out := make([]any, len(tags))
	for i, t := range tags {
		out[i] = map[string]any{"name": t.name, "description": t.description}
	}
	return out
}

// pathParamDescription says what a path parameter names.
func pathParamDescription(path, name string) string {
	switch name {
	case "code":
		return "The delegation's two-letter code."
	case "seq":
		return "The note's seq: its place in the session's record."
	case "feed":
		return "The calendar feed's secret, as issued; it is the credential."
	}
	segs := strings.Split(path, "/")
	thing := "thing"
	for i, seg := range segs {
		if seg == ":"+name && i > 0 {
			thing = strings.TrimSuffix(segs[i-1], "s")
		}
	}
	switch thing {
	case "topic":
		return "The topic's id or slug."
	case "register":
		thing = "register entry"
	}
	return "The " + strings.ReplaceAll(thing, "-", " ") + "'s id."
}

func itoa(n int) string { return strconv.Itoa(n) }

// operationID names an operation from its method and path:
// PATCH /api/v1/sessions/:id → patchSessionsById.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.FieldsFunc(strings.TrimPrefix(path, v1), func(r rune) bool { return r == '/' || r == '.' }) {
		if strings.HasPrefix(part, ":") {
			part = "by-" + part[1:]
		}
		for _, w := range strings.Split(part, "-") {
			if w != "" {
				b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			}
		}
	}
	return b.String()
}

// schemaGen turns Go types into JSON Schema (2020-12, as OpenAPI 3.1 uses).
type schemaGen struct {
	defs map[string]any
	// body is set while a request body's schema is made: what a client may
	// leave out differs from what the server always writes.
	body     bool
	bodyOnly map[string]bool // the defs made only for request bodies so far
}

func (sg *schemaGen) schema(t reflect.Type) map[string]any {
	if vals, ok := enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	if t == reflect.TypeFor[time.Time]() {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return sg.schema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": sg.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": sg.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return sg.structSchema(t)
		}
		if strings.Contains(name, "[") { // a listPage: named after its items
			elem := t.Field(0).Type.Elem()
			if elem.Kind() == reflect.Pointer {
				elem = elem.Elem()
			}
			name = elem.Name() + "List"
		}
		// A type that is both a body and an answer is documented as the
		// answer, which says more (what is always there).
		if _, done := sg.defs[name]; !done || sg.bodyOnly[name] && !sg.body {
			sg.bodyOnly[name] = sg.body
			sg.defs[name] = map[string]any{} // placeholder: breaks recursion
			sg.defs[name] = sg.structSchema(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// bodySchema is the schema of a request body.
func (sg *schemaGen) bodySchema(t reflect.Type) map[string]any {
	sg.body = true
	defer func() { sg.body = false }()
	return sg.schema(t)
}

// structSchema lists as required every field encoding/json always writes
// (no omitempty or omitzero, not a pointer), so that a generated client can
// tell a field that is always there from one that may be missing. A request
// body lists none: an absent field decodes to its zero value, and what a
// body must hold is the domain's Validate to say, not the json tag.
func (sg *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	sg.fields(t, props, &required, true)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 && !sg.body {
		s["required"] = required
	}
	return s
}

// fields adds t's fields to props as encoding/json writes them: the fields
// of an embedded struct without a json name are promoted, and a field of
// the outer struct hides a promoted one of the same name. always is false
// under an embedded pointer, whose fields are left out when it is nil.
func (sg *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string, always bool) {
	var embedded []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			if ft := f.Type; ft.Kind() == reflect.Struct || ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				embedded = append(embedded, f)
				continue
			}
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, hidden := props[name]; hidden {
			continue
		}
		props[name] = sg.schema(f.Type)
		if f.Type.Kind() == reflect.Pointer {
			// A nil pointer is written as null; in a body, an absent field
			// decodes to nil, which the update bodies read as "leave it".
			props[name] = map[string]any{"anyOf": []any{props[name], map[string]any{"type": "null"}}}
		}
		if always && !mayOmit(opts) {
			*required = append(*required, name)
		}
	}
	for _, f := range embedded {
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			sg.fields(ft.Elem(), props, required, false)
		} else {
			sg.fields(ft, props, required, always)
		}
	}
}

// mayOmit reports whether a field's json tag options let encoding/json
// leave the field out of an answer.
func mayOmit(opts string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			return true
		}
	}
	return false
}

// addExamples gives the operation's JSON bodies that have none an example
// made from their schema, so that every operation shows what it takes and
// answers; the linter checks each example against its schema.
func addExamples(op map[string]any, defs map[string]any) {
	var contents []any
	if rb, ok := op["requestBody"].(map[string]any); ok {
		contents = append(contents, rb["content"])
	}
	for _, r := range op["responses"].(map[string]any) {
		contents = append(contents, r.(map[string]any)["content"])
	}
	for _, c := range contents {
		c, _ := c.(map[string]any)
		mt, ok := c["application/json"].(map[string]any)
		if !ok || mt["example"] != nil || mt["schema"] == nil {
			continue
		}
		mt["example"] = exampleOf(mt["schema"].(map[string]any), "", defs, map[string]bool{})
	}
}

// sampleStrings are example values of string properties, by name, where a
// word of text would read wrong.
var sampleStrings = map[string]string{
	"email": "delegate@example.org", "password": "correct horse battery staple",
	"code": "GB", "owner": "GB", "host": "GB", "delegation": "GB", "lead_delegation": "GB",
	"time_zone": "Europe/London", "city": "London", "slug": "electronic-evidence",
	"start_date": "2014-07-07", "end_date": "2014-07-11", "due": "2015-06-30", "since": "2015-01-01", "date": "2015-01-15",
	"title": "Electronic evidence across borders", "name": "United Kingdom",
}

// exampleOf is a value that the schema accepts; onStack holds the component
// schemas being expanded, so that a recursive one ends in an empty list.
func exampleOf(schema map[string]any, name string, defs map[string]any, onStack map[string]bool) any {
	if ref, ok := schema["$ref"].(string); ok {
		def := strings.TrimPrefix(ref, "#/components/schemas/")
		if onStack[def] {
			return nil
		}
		onStack[def] = true
		defer delete(onStack, def)
		return exampleOf(defs[def].(map[string]any), name, defs, onStack)
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		if alts, ok := schema[kw].([]any); ok {
			return exampleOf(alts[0].(map[string]any), name, defs, onStack)
		}
	}
	if enum, ok := schema["enum"].([]string); ok && len(enum) > 0 {
		return enum[0]
	}
	switch schema["type"] {
	case "object":
		out := map[string]any{}
		props, _ := schema["properties"].(map[string]any)
		for k, p := range props {
			if v := exampleOf(p.(map[string]any), k, defs, onStack); v != nil {
				out[k] = v
			}
		}
		if addl, ok := schema["additionalProperties"].(map[string]any); ok && len(props) == 0 && len(addl) > 0 {
			if v := exampleOf(addl, "", defs, onStack); v != nil {
				out["key"] = v
			}
		}
		return out
	case "array":
		item := exampleOf(schema["items"].(map[string]any), strings.TrimSuffix(name, "s"), defs, onStack)
		if item == nil {
			return []any{}
		}
		return []any{item}
	case "string":
		switch {
		case schema["format"] == "date-time":
			return "2014-07-07T09:00:00Z"
		case sampleStrings[name] != "":
			return sampleStrings[name]
		case name == "id" || strings.HasSuffix(name, "_id"):
			return "a3f9c2e1"
		}
		return "text"
	case "integer":
		return 1
	case "number":
		return 1.5
	case "boolean":
		return false
	}
	return nil
}
