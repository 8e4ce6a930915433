package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
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
	sg.defs["Error"] = sg.schema(reflect.TypeFor[ErrorBody]())
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
			"responses":   sg.responses(r),
		}
		var params []any
		for _, m := range ginParam.FindAllStringSubmatch(r.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range routeDocs[r.method+" "+r.path].query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "required": false, "schema": q.schema, "description": q.description})
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
		switch r.access {
		case public:
			op["security"] = []any{}
		case admin:
			op["description"] = "Secretariat (role admin) only."
		}
		paths[p][strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Quintet API",
			"version":     "1",
			"description": "Meetings, agenda, live notes and follow-up of the Quintet of Attorneys General on cybercrime.",
		},
		"servers":  []any{map[string]any{"url": "/"}},
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
	out := map[string]any{}
	ok := map[string]any{"description": http.StatusText(r.status)}
	if r.reply != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": sg.schema(reflect.TypeOf(r.reply))}}
	}
	out[itoa(r.status)] = ok
	errRef := map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}
	add := func(status int, why string) {
		out[itoa(status)] = map[string]any{"description": why, "content": errRef}
	}
	if r.body != nil {
		add(400, "The input breaks a rule; the message names the field.")
		add(413, "The body is larger than 1 MiB.")
	}
	if r.access != public {
		add(401, "Not signed in.")
		add(403, "The role does not allow it.")
	}
	if strings.Contains(r.path, ":") {
		add(404, "No such thing.")
	}
	if r.method != "GET" && r.access != public {
		add(409, "A duplicate, or a stale version.")
	}
	for status, why := range routeDocs[r.method+" "+r.path].answers {
		add(status, why)
	}
	return out
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
