package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

// registerAPI serves the register, its history, backlinks, CSV and coverage.
// The list is served from the answer cache.
type registerAPI struct {
	replies
	answers *answerCache
	// entryJSON keeps each entry's encoding, by entry id (encodeEntries).
	entryJSON *sync.Map
	now       func() time.Time // the Service's clock
	svc       interface {
		generations
		Register(ctx context.Context, actor *conference.User, f conference.RegisterFilter) (*conference.RegisterPage, error)
		RegisterEntry(ctx context.Context, actor *conference.User, id string) (*conference.RegisterEntry, error)
		RegisterHistory(ctx context.Context, actor *conference.User, id string) ([]conference.Revision, error)
		CreateRegisterEntry(ctx context.Context, actor *conference.User, in conference.RegisterEntryInput) (*conference.RegisterEntry, error)
		UpdateRegisterEntry(ctx context.Context, actor *conference.User, id string, upd conference.RegisterEntryUpdate) (*conference.RegisterEntry, error)
		Backlinks(ctx context.Context, actor *conference.User, entryID string) (*conference.Backlinks, error)
		ImportRegisterCSV(ctx context.Context, actor *conference.User, r io.Reader, dryRun bool) (*conference.ImportReport, error)
		Coverage(ctx context.Context, actor *conference.User, f conference.CoverageFilter) (*conference.Coverage, error)
		Topics(ctx context.Context, actor *conference.User) ([]*conference.Topic, error)
	}
}

func (h *registerAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/register", summary: "List register entries; filters (comma-separated values match any): delegation (lead or partner), audience, format, status, topic (id or slug), year, archived=false|true|any; sort; limit, cursor; the total is in X-Total-Count", access: signedIn, reply: listPage[*conference.RegisterEntry]{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/register", summary: "Add a register entry (the secretariat, or the lead delegation's follow-up team)", access: signedIn, body: conference.RegisterEntryInput{}, reply: conference.RegisterEntry{}, status: 201, handle: bodyCall(h, 201, h.svc.CreateRegisterEntry), self: v1 + "/register/:id"},
		{method: "GET", path: v1 + "/register.csv", summary: "The register as CSV (UTF-8 with BOM, formula-safe cells); takes the list's filters", access: signedIn, status: 200, handle: h.exportCSV},
		{method: "POST", path: v1 + "/register.csv", summary: "Import entries from a CSV body (text/csv, the export's columns): all or nothing; ?dry_run=true only checks; a refusal lists every problem by row and field", access: signedIn, reply: conference.ImportReport{}, status: 201, handle: h.importCSV, self: v1 + "/register"},
		{method: "GET", path: v1 + "/register/:id", summary: "Read a register entry", access: signedIn, reply: conference.RegisterEntry{}, status: 200, handle: paramCall(h, 200, "id", h.svc.RegisterEntry)},
		{method: "PATCH", path: v1 + "/register/:id", summary: "Change, archive (archived: true) or restore an entry; version is required, a stale one gets 409 with the current entry", access: signedIn, body: conference.RegisterEntryUpdate{}, reply: conference.RegisterEntry{}, status: 200, handle: versionedCall(h, 200, "id", func(in *conference.RegisterEntryUpdate) **int64 { return &in.Version }, h.svc.UpdateRegisterEntry)},
		{method: "GET", path: v1 + "/register/:id/history", summary: "The entry's changes, most recent first: who, when, what", access: signedIn, reply: listPage[conference.Revision]{}, status: 200, handle: h.history},
		{method: "GET", path: v1 + "/register/:id/backlinks", summary: "What links to the entry, grouped by kind, as the reader may read it", access: signedIn, reply: conference.Backlinks{}, status: 200, handle: h.backlinks},

		{method: "GET", path: v1 + "/coverage", summary: "Coverage matrix: topic × delegation, split by audience; filters status, format, year, meeting", access: signedIn, reply: conference.Coverage{}, status: 200, handle: h.coverage},
	}
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
	return f, nil
}

// registerReads are what the list reads: the entries; the topics and the
// delegations a filter names; and the links, since a topic filter also
// takes the entries linked from the topic. Entries carry no marking: every
// reader gets the same list.
var registerReads = []conference.Collection{conference.Register, conference.Topics, conference.Delegations, conference.Links}

func (h *registerAPI) list(c *gin.Context) {
	f, err := registerFilter(c)
	r, ok := readListAfter(c, h, err)
	if !ok {
		return
	}
	key := fmt.Sprintf("%s|%d|%s|%s", registerListKey(h.now(), f), r.limit, c.Query("cursor"), r.sort)
	h.answers.serve(c, h.svc, answerKey{view: "register", query: key}, registerReads, h, func() (answer, error) {
		entries, err := h.allEntries(c, actor(c), f)
		if err != nil {
			return answer{}, err
		}
		if r.sort != lists["GET "+v1+"/register"].sorts[0] {
			entries = sorted(entries, r.sort, entrySorts, entryID)
		}
		items, next := page(r, entries, entryID)
		body, err := h.encodeEntries(items)
		if err != nil {
			return answer{}, err
		}
		return answer{body: wrapItems(body, next), total: len(entries), next: next}, nil
	})
}

func entryID(e *conference.RegisterEntry) string { return e.ID }

// entrySorts are the keys the register list sorts by; the default, title,
// is the Service's own order.
var entrySorts = map[string]func(a, b *conference.RegisterEntry) int{
	"title":   func(a, b *conference.RegisterEntry) int { return strings.Compare(a.Title, b.Title) },
	"start":   func(a, b *conference.RegisterEntry) int { return strings.Compare(a.StartDate, b.StartDate) },
	"updated": func(a, b *conference.RegisterEntry) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
}

// wrapItems makes a list's answer of its items' encoding, as
// encoding/json writes a listPage.
func wrapItems(items []byte, next string) []byte {
	out := make([]byte, 0, len(items)+len(next)+32)
	out = append(out, `{"items":`...)
	out = append(out, items...)
	if next != "" {
		out = append(out, `,"next_cursor":"`...)
		out = append(out, next...) // base64url: nothing to escape
		out = append(out, '"')
	}
	return append(out, '}')
}

// allEntries is every entry the filters select, in the register's order.
func (h *registerAPI) allEntries(c context.Context, u *conference.User, f conference.RegisterFilter) ([]*conference.RegisterEntry, error) {
	var entries []*conference.RegisterEntry
	for {
		f.Offset = len(entries)
		page, err := h.svc.Register(c, u, f)
		if err != nil {
			return nil, err
		}
		entries = append(entries, page.Entries...)
		if len(page.Entries) == 0 || len(entries) >= page.Total {
			return entries, nil
		}
	}
}

// registerListKey is the filter in a canonical form, and the year: the
// "year" filter's default moves with it.
func registerListKey(now time.Time, f conference.RegisterFilter) string {
	norm := func(xs []string) string {
		ys := make([]string, len(xs))
		for i, x := range xs {
			ys[i] = strings.ToLower(x)
		}
		slices.Sort(ys)
		return strings.Join(ys, ",")
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s|%d|%s|%d", norm(f.Delegations),
		norm(strs(f.Audiences)), norm(strs(f.Formats)), norm(strs(f.Statuses)), norm(f.Topics), f.Year, f.Archived,
		now.Year())
}

// encodedEntry is an entry's JSON encoding, with the value it encodes.
// Stored entries are never changed in place (an edit stores a new value), so
// while the pointer is the same the encoding is too. The register list is
// then a concatenation of encodings rather than an encoding of thousands of
// fields per request. Keeping one value per id bounds the memory to the
// register's size.
type encodedEntry struct {
	entry *conference.RegisterEntry
	json  []byte
}

// encodeEntries returns the JSON encoding of the entries: byte for byte what
// encoding/json (and so c.JSON) writes for the slice.
func (h *registerAPI) encodeEntries(entries []*conference.RegisterEntry) ([]byte, error) {
	parts := make([][]byte, len(entries))
	size := 2 + len(parts)
	for i, e := range entries {
		if v, ok := h.entryJSON.Load(e.ID); ok && v.(*encodedEntry).entry == e {
			parts[i] = v.(*encodedEntry).json
		} else {
			raw, err := json.Marshal(e)
			if err != nil {
				return nil, err
			}
			h.entryJSON.Store(e.ID, &encodedEntry{entry: e, json: raw})
			parts[i] = raw
		}
		size += len(parts[i])
	}
	body := make([]byte, 0, size)
	body = append(body, '[')
	for i, p := range parts {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, p...)
	}
	return append(body, ']'), nil
}

func (h *registerAPI) history(c *gin.Context) {
	v, err := h.svc.RegisterHistory(c, actor(c), c.Param("id"))
	listOf(c, h, v, err, func(r conference.Revision) string { return strconv.FormatInt(r.Version, 10) })
}

func (h *registerAPI) backlinks(c *gin.Context) {
	v, err := h.svc.Backlinks(c, actor(c), c.Param("id"))
	h.respond(c, http.StatusOK, v, err)
}

// exportCSV writes every entry the filters select, page by page.
func (h *registerAPI) exportCSV(c *gin.Context) {
	f, err := registerFilter(c)
	if err != nil {
		h.writeError(c, err)
		return
	}
	entries, err := h.allEntries(c, actor(c), f)
	writeCSV(c, h, "register.csv", entries, err, h.svc.Topics, func(t *conference.Topic) string { return t.Slug }, export.WriteRegisterCSV)
}

// ImportRefusal is the answer to an import that was refused: the problem,
// and every fault found, by row and field.
type ImportRefusal struct {
	Problem
	Rows     int                        `json:"rows"`
	Problems []conference.ImportProblem `json:"problems"`
}

func (h *registerAPI) importCSV(c *gin.Context) {
	dry, err := boolParam(c, "dry_run")
	if err != nil {
		h.writeError(c, err)
		return
	}
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		h.writeError(c, conference.Invalid("file", "Send the CSV file as the request body (Content-Type: text/csv)."))
		return
	}
	rep, err := h.svc.ImportRegisterCSV(c, actor(c), c.Request.Body, dry)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		h.writeError(c, &conference.Error{Code: ETOOLARGE, Message: "The file is larger than 1 MiB; split it."})
	case err != nil && rep != nil && len(rep.Problems) > 0:
		abortProblem(c, ImportRefusal{Problem: problemOf(err), Rows: rep.Rows, Problems: rep.Problems})
	case err != nil:
		h.writeError(c, err)
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

func (h *registerAPI) coverage(c *gin.Context) {
	f := conference.CoverageFilter{
		Statuses: typed[conference.EntryStatus](listParam(c, "status")),
		Formats:  typed[conference.Format](listParam(c, "format")),
		Meeting:  c.Query("meeting"),
	}
	var err error
	var errs [3]error
	f.Year, errs[0] = intParam(c, "year")
	f.From, errs[1] = intParam(c, "from")
	f.To, errs[2] = intParam(c, "to")
	for _, err := range errs {
		if err != nil {
			h.writeError(c, err)
			return
		}
	}
	v, err := h.svc.Coverage(c, actor(c), f)
	h.respond(c, http.StatusOK, v, err)
}
