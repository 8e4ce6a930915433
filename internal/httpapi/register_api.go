package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// Handlers of the register, its links, coverage and search: they read the
// query or body, call the Service and encode; the rules live in conference.

// listParam returns the values of a query parameter, given repeated
// (?audience=a&audience=b) or comma-separated (?audience=a,b).
func listParam(c *gin.Context, name string) []string {
	var out []string
	for _, v := range c.QueryArray(name) {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// intParam reads a whole-number query parameter; absent is 0.
func intParam(c *gin.Context, name string) (int, error) {
	s := strings.TrimSpace(c.Query(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, conference.Invalid(name, "%s must be a whole number, not %q", name, s)
	}
	return n, nil
}

func boolParam(c *gin.Context, name string) (bool, error) {
	s := strings.TrimSpace(c.Query(name))
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, conference.Invalid(name, "%s must be true or false, not %q", name, s)
	}
	return b, nil
}

func typed[T ~string](xs []string) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = T(strings.ToLower(x))
	}
	return out
}

// registerFilter reads the register list's filters from the query.
func registerFilter(c *gin.Context) (conference.RegisterFilter, error) {
	f := conference.RegisterFilter{
		Delegations: listParam(c, "delegation"),
		Audiences:   typed[conference.Audience](listParam(c, "audience")),
		Formats:     typed[conference.Format](listParam(c, "format")),
		Statuses:    typed[conference.EntryStatus](listParam(c, "status")),
		Topics:      listParam(c, "topic"),
		Archived:    strings.ToLower(strings.TrimSpace(c.Query("archived"))),
	}
	var err error
	if f.Year, err = intParam(c, "year"); err != nil {
		return f, err
	}
	if f.Limit, err = intParam(c, "limit"); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(c, "offset"); err != nil {
		return f, err
	}
	return f, nil
}

func (a *api) listRegister(c *gin.Context) {
	f, err := registerFilter(c)
	if err != nil {
		a.writeError(c, err)
		return
	}
	// The list is the same for every reader (entries carry no marking), so
	// its encoding is kept until the working set changes: the generation is
	// read before the list is made, so that a change while making it leaves
	// the stored answer stale rather than wrong.
	key := registerListKey(a.svc.Now(), f)
	gen := a.svc.Generation()
	if l, ok := a.registerLists.get(key, gen); ok {
		c.Header("X-Total-Count", strconv.Itoa(l.total))
		c.Data(http.StatusOK, "application/json; charset=utf-8", l.body)
		return
	}
	page, err := a.svc.Register(c, actor(c), f)
	if err != nil {
		a.writeError(c, err)
		return
	}
	parts, err := a.encodeEntries(page.Entries)
	if err != nil {
		a.writeError(c, err)
		return
	}
	size := 2 + len(parts)
	for _, p := range parts {
		size += len(p)
	}
	body := make([]byte, 0, size)
	body = append(body, '[')
	for i, p := range parts {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, p...)
	}
	body = append(body, ']')
	a.registerLists.put(key, encodedList{gen: gen, total: page.Total, body: body})
	c.Header("X-Total-Count", strconv.Itoa(page.Total))
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

// listKey names a list: the filter in a canonical form, and the year (the
// "year" filter's default moves with it).
type listKey struct {
	query string
}

func registerListKey(now time.Time, f conference.RegisterFilter) listKey {
	norm := func(xs []string) string {
		ys := make([]string, len(xs))
		for i, x := range xs {
			ys[i] = strings.ToLower(x)
		}
		slices.Sort(ys)
		return strings.Join(ys, ",")
	}
	return listKey{query: fmt.Sprintf("%s|%s|%s|%s|%s|%d|%s|%d|%d|%d", norm(f.Delegations),
		norm(strs(f.Audiences)), norm(strs(f.Formats)), norm(strs(f.Statuses)), norm(f.Topics), f.Year, f.Archived,
		f.Limit, f.Offset, now.Year())}
}

// encodedLists keeps encoded register lists, up to a number of bytes: a
// few filters are asked for again and again (the unfiltered register, the
// lists behind the coverage matrix's counts), most others once.
type encodedLists struct {
	mu      sync.Mutex
	entries map[listKey]encodedList
	bytes   int
}

type encodedList struct {
	gen   uint64
	total int
	body  []byte
}

const maxListCacheBytes = 32 << 20

func newEncodedLists() *encodedLists { return &encodedLists{entries: map[listKey]encodedList{}} }

func (l *encodedLists) get(key listKey, gen uint64) (encodedList, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[key]
	return e, ok && e.gen == gen
}

func (l *encodedLists) put(key listKey, e encodedList) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.entries[key]; ok {
		l.bytes -= len(old.body)
	}
	if l.bytes+len(e.body) > maxListCacheBytes {
		// Start again rather than track use: the lists that matter come back
		// at once, and a stale one is never served (generations differ).
		clear(l.entries)
		l.bytes = 0
	}
	if len(e.body) <= maxListCacheBytes/4 {
		l.entries[key] = e
		l.bytes += len(e.body)
	}
}

// a.entryJSON keeps each register entry's JSON encoding, by entry id, with
// the value it encodes. Stored entries are never changed in place (an edit
// stores a new value), so while the pointer is the same the encoding is
// too. The register list is then a concatenation of encodings rather than
// an encoding of thousands of fields per request. Keeping one value per id
// bounds the memory to the register's size.

type encodedEntry struct {
	entry *conference.RegisterEntry
	json  []byte
}

// encodeEntries returns the JSON encoding of each entry: joined by commas
// in brackets, byte for byte what encoding/json (and so c.JSON) writes for
// the slice.
func (a *api) encodeEntries(entries []*conference.RegisterEntry) ([][]byte, error) {
	parts := make([][]byte, len(entries))
	for i, e := range entries {
		if v, ok := a.entryJSON.Load(e.ID); ok && v.(*encodedEntry).entry == e {
			parts[i] = v.(*encodedEntry).json
		} else {
			raw, err := json.Marshal(e)
			if err != nil {
				return nil, err
			}
			a.entryJSON.Store(e.ID, &encodedEntry{entry: e, json: raw})
			parts[i] = raw
		}
	}
	return parts, nil
}

func (a *api) createRegisterEntry(c *gin.Context) {
	var in conference.RegisterEntryInput
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.CreateRegisterEntry(c, actor(c), in)
	a.respond(c, http.StatusCreated, v, err)
}

func (a *api) getRegisterEntry(c *gin.Context) {
	v, err := a.svc.RegisterEntry(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) updateRegisterEntry(c *gin.Context) {
	var in conference.RegisterEntryUpdate
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.UpdateRegisterEntry(c, actor(c), c.Param("id"), in)
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) registerHistory(c *gin.Context) {
	v, err := a.svc.RegisterHistory(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) registerBacklinks(c *gin.Context) {
	v, err := a.svc.Backlinks(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

// exportRegisterCSV writes every entry the filters select, page by page.
func (a *api) exportRegisterCSV(c *gin.Context) {
	f, err := registerFilter(c)
	if err != nil {
		a.writeError(c, err)
		return
	}
	if f.Limit != 0 || f.Offset != 0 {
		a.writeError(c, conference.Invalid("limit", "the export takes every entry the filters select: no limit or offset"))
		return
	}
	var entries []*conference.RegisterEntry
	for {
		f.Offset = len(entries)
		page, err := a.svc.Register(c, actor(c), f)
		if err != nil {
			a.writeError(c, err)
			return
		}
		entries = append(entries, page.Entries...)
		if len(page.Entries) == 0 || len(entries) >= page.Total {
			break
		}
	}
	var buf bytes.Buffer
	if err := a.svc.WriteRegisterCSV(c, actor(c), &buf, entries); err != nil {
		a.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="register.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// ImportRefusal is the answer to an import that was refused: the error, and
// every problem found, by row and field.
type ImportRefusal struct {
	Error    ErrorDetail                `json:"error"`
	Rows     int                        `json:"rows"`
	Problems []conference.ImportProblem `json:"problems"`
}

func (a *api) importRegisterCSV(c *gin.Context) {
	dry, err := boolParam(c, "dry_run")
	if err != nil {
		a.writeError(c, err)
		return
	}
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		a.writeError(c, conference.Invalid("file", "send the CSV file as the request body (Content-Type: text/csv)"))
		return
	}
	rep, err := a.svc.ImportRegisterCSV(c, actor(c), c.Request.Body, dry)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		a.writeError(c, &conference.Error{Code: ETOOLARGE, Message: "The file is larger than 1 MiB; split it."})
	case err != nil && rep != nil && len(rep.Problems) > 0:
		c.AbortWithStatusJSON(http.StatusBadRequest, ImportRefusal{
			Error: ErrorDetail{Code: conference.ErrorCode(err), Message: conference.ErrorMessage(err), Field: fieldOf(err)},
			Rows:  rep.Rows, Problems: rep.Problems,
		})
	case err != nil:
		a.writeError(c, err)
	case dry:
		c.JSON(http.StatusOK, rep)
	default:
		c.JSON(http.StatusCreated, rep)
	}
}

func fieldOf(err error) string {
	var e *conference.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ---- links ----

func (a *api) listLinks(c *gin.Context) {
	kind := conference.LinkKind(c.Query("from_kind"))
	id := c.Query("from_id")
	if id == "" {
		a.writeError(c, conference.Invalid("from_id", "from_id is required"))
		return
	}
	v, err := a.svc.LinksFrom(c, actor(c), kind, id)
	a.respond(c, http.StatusOK, v, err)
}

// createLink answers 201 for a new link and 200 for one already made.
func (a *api) createLink(c *gin.Context) {
	var in conference.LinkInput
	if !a.bind(c, &in) {
		return
	}
	l, created, err := a.svc.CreateLink(c, actor(c), in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	a.respond(c, status, l, err)
}

func (a *api) deleteLink(c *gin.Context) {
	err := a.svc.DeleteLink(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusNoContent, nil, err)
}

func (a *api) topicRegister(c *gin.Context) {
	v, err := a.svc.LinksFrom(c, actor(c), conference.LinkTopic, c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

// ---- coverage and search ----

func (a *api) coverage(c *gin.Context) {
	f := conference.CoverageFilter{
		Statuses: typed[conference.EntryStatus](listParam(c, "status")),
		Formats:  typed[conference.Format](listParam(c, "format")),
		Meeting:  c.Query("meeting"),
	}
	var err error
	if f.Year, err = intParam(c, "year"); err != nil {
		a.writeError(c, err)
		return
	}
	v, err := a.svc.Coverage(c, actor(c), f)
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) search(c *gin.Context) {
	q := conference.SearchQuery{
		Q:       c.Query("q"),
		Kinds:   typed[conference.SearchKind](listParam(c, "kind")),
		Meeting: c.Query("meeting"),
	}
	var err error
	if q.Limit, err = intParam(c, "limit"); err != nil {
		a.writeError(c, err)
		return
	}
	v, err := a.svc.Search(c, actor(c), q)
	a.respond(c, http.StatusOK, v, err)
}
