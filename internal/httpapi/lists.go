package httpapi

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// Every collection pages the same way: limit and an opaque cursor in, a page
// of items and the cursor of the next page out, so that one client function
// reads them all.

// listPage is the answer of a list.
type listPage[T any] struct {
	Items []T `json:"items"`
	// NextCursor is absent on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// listSpec is what a list route takes besides its filters.
type listSpec struct {
	def, max int
	sorts    []string // the values of sort, each also with a leading "-"; the first is the default; none: no sort
	sortDoc  string
}

// lists are the list routes, by method and Gin path. query.go makes their
// limit, cursor and sort parameters from it.
var lists = map[string]listSpec{
	"GET " + v1 + "/meetings":                {def: 100, max: 1000, sorts: []string{"-start", "start"}, sortDoc: "start: by start date (-start, the default: most recent first)."},
	"GET " + v1 + "/meetings/:id/sessions":   {def: 500, max: 1000},
	"GET " + v1 + "/sessions/:id/notes":      {def: 1000, max: 5000},
	"GET " + v1 + "/sessions/:id/outcomes":   {def: 200, max: 1000},
	"GET " + v1 + "/meetings/:id/outcomes":   {def: 200, max: 1000},
	"GET " + v1 + "/meetings/:id/carry-over": {def: 100, max: 1000},
	"GET " + versionsPath:                    {def: 100, max: 1000},
	"GET " + v1 + "/topics":                  {def: 200, max: 1000},
	"GET " + v1 + "/delegations":             {def: 100, max: 1000},
	"GET " + v1 + "/users":                   {def: 200, max: 1000},
	"GET " + v1 + "/actions": {def: 200, max: 1000, sorts: []string{"due", "updated", "progress", "reported"},
		sortDoc: "due: by due date (the default); updated: by last change; progress: by progress %; reported: by the last progress report, actions without one first; a leading - reverses."},
	"GET " + v1 + "/register": {def: conference.MaxRegisterPage, max: conference.MaxRegisterPage, sorts: []string{"title", "start", "updated"},
		sortDoc: "title: by title (the default); start: by start date; updated: by last change; a leading - reverses."},
	"GET " + v1 + "/register/:id/history": {def: 200, max: 1000},
	"GET " + v1 + "/links":                {def: 200, max: 1000},
	"GET " + v1 + "/topics/:id/register":  {def: 200, max: 1000},
	"GET " + v1 + "/search":               {def: conference.DefaultSearchHit, max: conference.MaxSearchHits},
}

func defaultSort(s listSpec) string {
	if len(s.sorts) == 0 {
		return ""
	}
	return s.sorts[0]
}

// sortValues are the values sort takes: each, and each reversed.
func (s listSpec) sortValues() []string {
	var out []string
	for _, v := range s.sorts {
		v = strings.TrimPrefix(v, "-")
		if !slices.Contains(out, v) {
			out = append(out, v, "-"+v)
		}
	}
	return out
}

// listParameters are a list's limit, cursor and sort.
func listParameters(s listSpec) []queryParameter {
	ps := []queryParameter{
		{name: "limit", typ: "integer", min: intp(1), max: intp(s.max), def: s.def, example: "50",
			description: fmt.Sprintf("The most items to answer: %d unless given; a larger value than %d is taken as %d.", s.def, s.max, s.max)},
		{name: "cursor", typ: "string", example: cursorPos{ID: "london-2014", N: 1, Sort: defaultSort(s)}.encode(),
			description: "Where the page starts: the next_cursor of the page before; absent: the first page."},
	}
	if len(s.sorts) > 0 {
		ps = append(ps, queryParameter{name: "sort", typ: "string", enum: s.sortValues(), def: s.sorts[0], example: s.sorts[0],
			description: "The order: " + s.sortDoc + " Ties go by id."})
	}
	return ps
}

// listRequest is a list's limit, cursor and sort as asked.
type listRequest struct {
	limit int
	sort  string
	after cursorPos // zero: the first page
}

// cursorPos is where a page starts: after the item with this id, which was
// the n-th (from 1) under this sort. The id keeps the place when items are
// added before it; n is the fallback when that item has gone.
type cursorPos struct {
	ID   string `json:"id"`
	N    int    `json:"n"`
	Sort string `json:"s,omitempty"`
}

func (p cursorPos) encode() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

// readList reads limit, cursor and sort for the list route the request is on.
func readList(c *gin.Context) (listRequest, error) {
	spec := lists[c.Request.Method+" "+c.FullPath()]
	r := listRequest{limit: spec.def, sort: defaultSort(spec)}
	if !queryNames(c.Request.URL.RawQuery, "limit", "sort", "cursor") {
		return r, nil // the common case, read without parsing the query
	}
	if s := strings.TrimSpace(c.Query("limit")); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil && len(s) > 0 && strings.Trim(s, "0123456789") == "":
			n = spec.max // more digits than an int holds: clamped like any large limit
		case err != nil:
			return r, conference.Invalid("limit", "The limit parameter must be a whole number, not %q.", s)
		case n < 1:
			return r, conference.Invalid("limit", "The limit parameter must be 1 or more, not %d.", n)
		}
		r.limit = min(n, spec.max)
	}
	if s, ok := c.GetQuery("sort"); ok && len(spec.sorts) > 0 {
		if !slices.Contains(spec.sortValues(), s) {
			return r, conference.Invalid("sort", "The sort parameter must be one of %s, not %q.", strings.Join(spec.sortValues(), ", "), s)
		}
		r.sort = s
	}
	if s, ok := c.GetQuery("cursor"); ok && s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		var p cursorPos
		if err == nil {
			err = json.Unmarshal(b, &p)
		}
		if err != nil || p.ID == "" || p.N < 1 {
			return r, conference.Invalid("cursor", "The cursor is not one this list gave; start again without it.")
		}
		if p.Sort != r.sort {
			return r, conference.Invalid("cursor", "The cursor was given for sort %q, not %q; start again without it.", p.Sort, r.sort)
		}
		r.after = p
	}
	return r, nil
}

// page cuts the page r asks for out of items, which are in the list's
// order; id names an item.
func page[T any](r listRequest, items []T, id func(T) string) (out []T, next string) {
	start := 0
	if r.after.ID != "" {
		start = min(r.after.N, len(items))
		for i, it := range items {
			if id(it) == r.after.ID {
				start = i + 1
				break
			}
		}
	}
	end := min(start+r.limit, len(items))
	out = items[start:end]
	if out == nil {
		out = []T{}
	}
	if end < len(items) && end > start {
		next = cursorPos{ID: id(items[end-1]), N: end, Sort: r.sort}.encode()
	}
	return out, next
}

// listOf answers a page of items, or err.
func listOf[T any](c *gin.Context, w replies, items []T, err error, id func(T) string) {
	r, ok := readListAfter(c, w, err)
	if !ok {
		return
	}
	out, next := linkedPage(c, r, items, id)
	w.respond(c, 200, listPage[T]{Items: out, NextCursor: next}, nil)
}

// readListAfter answers err, what went wrong before the list was read, if
// there is one; else it reads limit, cursor and sort, and answers what is
// wrong with them. On false it has answered.
func readListAfter(c *gin.Context, w errorWriter, err error) (listRequest, bool) {
	var r listRequest
	if err == nil {
		r, err = readList(c)
	}
	if err != nil {
		w.writeError(c, err)
		return r, false
	}
	return r, true
}

// linkedPage is page, with the Link header to the next page sent.
func linkedPage[T any](c *gin.Context, r listRequest, items []T, id func(T) string) (out []T, next string) {
	out, next = page(r, items, id)
	setNextLink(c, next)
	return out, next
}

// setNextLink sends the Link header to the next page, if there is one.
func setNextLink(c *gin.Context, next string) {
	if next == "" {
		return
	}
	c.Header("Link", "<"+nextURL(c, next)+`>; rel="next"`)
}

// nextURL is the request's own absolute URL with the cursor of the next page.
func nextURL(c *gin.Context, next string) string {
	q := c.Request.URL.Query()
	q.Set("cursor", next)
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: c.Request.Host, Path: c.Request.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// sorted returns items in the order sort names: by key, ties by id; a
// leading "-" reverses both. cmpKey compares two items by the sort's key.
func sorted[T any](items []T, sort string, cmpKey map[string]func(a, b T) int, id func(T) string) []T {
	desc := strings.HasPrefix(sort, "-")
	byKey := cmpKey[strings.TrimPrefix(sort, "-")]
	if byKey == nil {
		return items
	}
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b T) int {
		n := cmp.Or(byKey(a, b), strings.Compare(id(a), id(b)))
		if desc {
			return -n
		}
		return n
	})
	return out
}

// listAnswer is a page of items as a cached answer.
func listAnswer[T any](r listRequest, items []T, id func(T) string) (answer, error) {
	out, next := page(r, items, id)
	a, err := jsonAnswer(listPage[T]{Items: out, NextCursor: next}, nil)
	a.next = next
	return a, err
}
