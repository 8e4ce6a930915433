package httpapi

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// answers keeps encoded answers of the reads that many readers make at once
// (the agenda at the start of a day, the action list and board, the
// register): encoding once per change, not per request, keeps them about as
// cheap as serving a file. Every cached view names the collections it
// reads, read rules included, and an answer is served only while their
// generation (conference.Service.Generation) is the one it was computed at:
// a posted note leaves the register's answers in place.
type answerCache struct {
	mu      sync.RWMutex
	entries map[answerKey]answer
	bytes   int
	limits  cacheLimits
}

// cacheLimits bound a cache: how many answers, how many bytes in all, and
// the largest answer it keeps.
type cacheLimits struct{ answers, bytes, one int }

// answerKey names one answer.
type answerKey struct {
	view  string // which view: "agenda", "actions", …
	query string // what of it: a meeting id, a filter in a canonical form, a query string as sent
	// reader is conference.Service.ViewKey for a view that depends on who
	// reads it; empty when every reader gets the same answer.
	reader string
	day    int64 // days since 1970-01-01 UTC, for views that move at midnight; 0 otherwise
}

// answer is an encoded answer and the generation it was computed at.
type answer struct {
	gen   uint64
	body  []byte
	total int    // X-Total-Count, for lists that report one; -1 otherwise
	next  string // a list's next_cursor, for the Link header; "" on the last page
	// For answers other than JSON (the brief's pages and PDF): the content
	// type, headers to send with it, and whether it carries an ETag of its
	// bytes and answers If-None-Match, as writeConditional does; the tag is
	// computed once, when the answer is kept.
	contentType string
	headers     map[string]string
	conditional bool
	etag        string
}

// The cache is bounded both ways: the web app sends a handful of distinct
// queries, but a client could send endless variations of a filter, and
// register lists run to megabytes.
var answerLimits = cacheLimits{answers: 4096, bytes: 32 << 20, one: 8 << 20}

func newAnswerCache() *answerCache { return newCache(answerLimits) }

func newCache(l cacheLimits) *answerCache {
	return &answerCache{entries: map[answerKey]answer{}, limits: l}
}

func (c *answerCache) get(k answerKey, gen uint64) (answer, bool) {
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	return e, ok && e.gen == gen
}

func (c *answerCache) put(k answerKey, e answer) {
	if len(e.body) > c.limits.one {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.entries[k]
	if ok && old.gen > e.gen {
		return // computed from a working set that has moved on since
	}
	if ok {
		c.bytes -= len(old.body)
	}
	if c.bytes+len(e.body) > c.limits.bytes || len(c.entries) >= c.limits.answers {
		// Start again rather than track use: the answers that matter come
		// back at once, and a stale one is never served.
		clear(c.entries)
		c.bytes = 0
	}
	c.entries[k] = e
	c.bytes += len(e.body)
}

// serve writes the answer k names at the generation of reads: the cached
// one, or the one compute makes, which is then kept. The generation is read
// before compute runs, so that a change made meanwhile leaves the kept
// answer stale rather than wrong. On failure it has answered with the error.
func (c *answerCache) serve(ctx *gin.Context, svc generations, k answerKey, reads []conference.Collection,
	w errorWriter, compute func() (answer, error)) {
	gen := svc.Generation(reads...)
	e, ok := c.get(k, gen)
	if !ok {
		var err error
		if e, err = compute(); err != nil {
			w.writeError(ctx, err)
			return
		}
		e.gen = gen
		if e.conditional {
			e.etag = bodyTag(e.body)
		}
		c.put(k, e)
	}
	if e.total >= 0 {
		ctx.Header("X-Total-Count", strconv.Itoa(e.total))
	}
	setNextLink(ctx, e.next)
	for name, v := range e.headers {
		ctx.Header(name, v)
	}
	contentType := cmp.Or(e.contentType, "application/json; charset=utf-8")
	if e.conditional {
		ctx.Header("ETag", e.etag)
		if noneMatch(ctx.GetHeader("If-None-Match"), e.etag) {
			ctx.Status(http.StatusNotModified)
			return
		}
	}
	ctx.Data(http.StatusOK, contentType, e.body)
}

// jsonAnswer encodes v, as c.JSON would.
func jsonAnswer(v any, err error) (answer, error) {
	if err != nil {
		return answer{}, err
	}
	body, err := json.Marshal(v)
	return answer{body: body, total: -1}, err
}

// generations is what a cache needs of the Service.
type generations interface {
	Generation(cs ...conference.Collection) uint64
}

type errorWriter interface {
	writeError(c *gin.Context, err error)
}
