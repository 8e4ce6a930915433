package httpapi

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// queryParameter is one query parameter a route takes. The OpenAPI document is
// made from these, and requestQuery refuses any parameter not declared, so a
// handler that reads a parameter must have it here (query_test.go checks the
// handlers against this table).
type queryParameter struct {
	name        string
	typ         string // "string", "integer" or "boolean"
	format      string // "date", …; "" for none
	enum        []string
	def         any // the value an absent parameter stands for; nil for none
	min, max    *int
	maxLength   int // characters; 0 for no limit
	required    bool
	repeatable  bool // ?a=x&a=y and ?a=x,y both give x and y
	example     string
	description string
}

func intp(n int) *int { return &n }

// queryParams are the query parameters of every route that takes any, by
// method and Gin path as in the route table. A route absent here takes none.
var queryParams = func() map[string][]queryParameter {
	registerFilters := []queryParameter{
		{name: "delegation", typ: "string", repeatable: true, example: "GB",
			description: "Entries this delegation leads or partners in; several values match any."},
		{name: "audience", typ: "string", enum: strs(conference.Audiences), repeatable: true, example: string(conference.Audiences[0]),
			description: "Entries for this audience; several values match any."},
		{name: "format", typ: "string", enum: strs(conference.Formats), repeatable: true, example: string(conference.Formats[0]),
			description: "Entries of this format; several values match any."},
		{name: "status", typ: "string", enum: strs(conference.EntryStatuses), repeatable: true, example: string(conference.EntryStatuses[0]),
			description: "Entries in this status; several values match any."},
		{name: "topic", typ: "string", repeatable: true, example: "electronic-evidence",
			description: "Entries under this topic, by id or slug; several values match any."},
		{name: "year", typ: "integer", min: intp(1900), max: intp(2200), example: "2014",
			description: "Entries running in this year."},
		{name: "archived", typ: "string", enum: []string{"false", "true", "any"}, def: "false", example: "any",
			description: "false: the active entries; true: the archived ones; any: both."},
	}
	entryStatuses := registerFilters[3]
	entryFormats := registerFilters[2]
	meeting := queryParameter{name: "meeting", typ: "string", example: "london-2014"}
	owner := queryParameter{name: "owner", typ: "string", example: "GB",
		description: "Only the actions this delegation owns, by its two-letter code."}
	owners := owner
	owners.repeatable = true
	owners.description = "Only the actions these delegations own, by their two-letter codes; several values match any."

	briefParams := []queryParameter{
		{name: "delegation", typ: "string", example: "GB",
			description: "The brief of this delegation (its actions, the entries it leads or takes part in); absent: all five."},
		{name: "date", typ: "string", format: "date", example: "2015-06-01",
			description: "The brief's day (YYYY-MM-DD): overdue is read on it, and nothing after it counts; absent: the day it was published, else today."},
	}
	actionFilters := []queryParameter{
		withDescription(meeting, "Only the actions that come from this meeting."),
		{name: "topic", typ: "string", example: "electronic-evidence",
			description: "Only the actions under this topic, by id or slug."},
		owners,
		{name: "status", typ: "string", enum: strs(conference.ActionStatuses), repeatable: true, example: string(conference.ActionStatuses[0]),
			description: "Only the actions in this status; several values match any."},
		{name: "overdue", typ: "boolean", def: false, example: "true",
			description: "Only the actions past their due date and not done."},
		{name: "due_soon", typ: "boolean", def: false, example: "true",
			description: fmt.Sprintf("Only the pending actions due from today to %d days ahead.", conference.DueSoonDays)},
		{name: "due_before", typ: "string", example: "2015-06-30",
			description: "Only the actions due before this day (YYYY-MM-DD), or before the day of this time (RFC 3339, its date as written)."},
		{name: "changed_since", typ: "string", example: "2015-01-01",
			description: "Only the actions changed since this day (YYYY-MM-DD, midnight UTC) or time (RFC 3339)."},
	}
	m := map[string][]queryParameter{
		"GET " + v1 + "/sessions/:id/notes": {
			{name: "after", typ: "integer", min: intp(0), def: 0, example: "0",
				description: "Only the notes with a higher seq; 0 or absent: the whole record."},
		},
		"GET " + v1 + "/register":     registerFilters,
		"GET " + v1 + "/register.csv": registerFilters,
		"POST " + v1 + "/register.csv": {
			{name: "dry_run", typ: "boolean", def: false, example: "true",
				description: "true: only check the file, store nothing, and answer 200 with the report."},
		},
		"GET " + v1 + "/links": {
			{name: "from_kind", typ: "string", enum: strs(conference.LinkKinds), required: true, example: string(conference.LinkTopic),
				description: "The kind of the thing the links start from."},
			{name: "from_id", typ: "string", required: true, example: "electronic-evidence",
				description: "The id of the thing the links start from (for a topic, its id or slug)."},
		},
		"GET " + v1 + "/coverage": {
			entryStatuses, entryFormats, registerFilters[5],
			{name: "from", typ: "integer", min: intp(1900), max: intp(2200), example: "2014",
				description: "Entries running in this year or later (with to: a range); not with year."},
			{name: "to", typ: "integer", min: intp(1900), max: intp(2200), example: "2015",
				description: "Entries running in this year or earlier; the change is measured to the last meeting that starts by then."},
			withDescription(meeting, "Rows: only the topics on this meeting's agenda; the change is measured from the meeting before it."),
		},
		"GET " + v1 + "/meetings/:id/brief":      briefParams,
		"GET " + v1 + "/meetings/:id/brief.html": briefParams,
		"GET " + v1 + "/meetings/:id/brief.md":   briefParams,
		"GET " + v1 + "/meetings/:id/brief.pdf":  briefParams,
		"GET " + v1 + "/search": {
			{name: "q", typ: "string", required: true, maxLength: conference.MaxSearchQuery, example: "electronic evidence",
				description: fmt.Sprintf("The words to search for, as plain text: at most %d characters and %d words.", conference.MaxSearchQuery, conference.MaxSearchTerms)},
			{name: "kind", typ: "string", enum: strs(conference.SearchKinds), repeatable: true, example: string(conference.SearchKinds[0]),
				description: "Only hits of this kind; several values match any."},
			withDescription(meeting, "Only hits that belong to this meeting."),
		},
		"GET " + v1 + "/actions":       actionFilters,
		"GET " + v1 + "/actions.csv":   actionFilters,
		"GET " + v1 + "/actions/board": actionFilters,
		"GET " + v1 + "/actions/progress": {
			{name: "since", typ: "string", format: "date", example: "2015-01-01",
				description: "Actions changed since this day (YYYY-MM-DD); absent: the day after the last meeting that has ended."},
			owner,
		},
	}
	for key, spec := range lists {
		m[key] = slices.Concat(m[key], listParameters(spec))
	}
	return m
}()

func withDescription(p queryParameter, d string) queryParameter {
	p.description = d
	return p
}

// requestQuery returns the middleware that refuses a query parameter the
// route does not declare, and a second value of one that takes a single
// value: a misspelt filter would otherwise be ignored and answer more than
// was asked for, and of two values only the first would count.
func (a *api) requestQuery(method, path string) gin.HandlerFunc {
	declared := map[string]queryParameter{}
	for _, p := range queryParams[method+" "+path] {
		declared[p.name] = p
	}
	known := make([]string, 0, len(declared))
	for name := range declared {
		known = append(known, name)
	}
	sort.Strings(known)
	takes := "it takes no query parameters"
	if len(known) > 0 {
		takes = "it takes " + strings.Join(known, ", ")
	}
	return func(c *gin.Context) {
		if plainQueryFits(c.Request.URL.RawQuery, declared) {
			c.Next()
			return
		}
		bad := queryFaults(c.Request.URL.Query(), declared, takes)
		if len(bad) == 0 {
			c.Next()
			return
		}
		a.writeError(c, &conference.Error{Code: conference.EINVALID, Field: bad[0].Field,
			Message: bad[0].Message, Fields: bad})
	}
}

// queryFaults names, in order, each parameter of vals the route does not
// declare or that repeats though it takes one value.
func queryFaults(vals url.Values, declared map[string]queryParameter, takes string) []conference.FieldError {
	names := make([]string, 0, len(vals))
	for name := range vals {
		names = append(names, name)
	}
	sort.Strings(names)
	var bad []conference.FieldError
	for _, name := range names {
		p, ok := declared[name]
		switch {
		case !ok:
			bad = append(bad, conference.FieldError{Field: name,
				Message: fmt.Sprintf("There is no query parameter %q: %s.", name, takes)})
		case !p.repeatable && len(vals[name]) > 1:
			bad = append(bad, conference.FieldError{Field: name,
				Message: fmt.Sprintf("The %s parameter is given %d times; it takes one value.", name, len(vals[name]))})
		}
	}
	return bad
}

// plainQueryFits reports, without parsing the query into a map, that every
// parameter of raw is declared and no single-valued one repeats. It is the
// common path of every list and filter request, so it allocates nothing; a
// query with escapes or a semicolon, or one that does not fit, is left to
// the full parse, which also names what is wrong.
func plainQueryFits(raw string, declared map[string]queryParameter) bool {
	if strings.ContainsAny(raw, "%+;") {
		return false
	}
	var once [8]string // the single-valued names seen so far; a longer query takes the full parse
	n := 0
	for len(raw) > 0 {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue // "a=1&&b=2": the full parse skips the empty part too
		}
		name, _, _ := strings.Cut(part, "=")
		p, ok := declared[name]
		switch {
		case !ok, !p.repeatable && slices.Contains(once[:n], name), n == len(once):
			return false
		case !p.repeatable:
			once[n] = name
			n++
		}
	}
	return true
}

// queryNames reports whether raw may name one of names, without parsing it:
// a query with escapes may, for "li%6Dit" is limit.
func queryNames(raw string, names ...string) bool {
	if strings.ContainsAny(raw, "%+;") {
		return true
	}
	for len(raw) > 0 {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if name, _, _ := strings.Cut(part, "="); slices.Contains(names, name) {
			return true
		}
	}
	return false
}

// schema is the parameter's JSON Schema in the OpenAPI document.
func (p queryParameter) schema() map[string]any {
	s := map[string]any{"type": p.typ}
	if p.format != "" {
		s["format"] = p.format
	}
	if p.enum != nil {
		s["enum"] = p.enum
	}
	if p.min != nil {
		s["minimum"] = *p.min
	}
	if p.max != nil {
		s["maximum"] = *p.max
	}
	if p.maxLength > 0 {
		s["maxLength"] = p.maxLength
	}
	if p.def != nil {
		s["default"] = p.def
	}
	if p.repeatable {
		return map[string]any{"type": "array", "items": s}
	}
	return s
}

// openAPI is the parameter's entry in an operation's parameters.
func (p queryParameter) openAPI() map[string]any {
	d := p.description
	var example any = p.example
	switch {
	case p.repeatable:
		d += " Repeat the parameter or separate the values with commas."
		example = []string{p.example}
	case p.typ == "integer":
		var n int
		fmt.Sscan(p.example, &n)
		example = n
	case p.typ == "boolean":
		example = p.example == "true"
	}
	out := map[string]any{"name": p.name, "in": "query", "required": p.required,
		"description": d, "schema": p.schema(), "example": example}
	if p.repeatable {
		out["style"], out["explode"] = "form", true
	}
	return out
}
