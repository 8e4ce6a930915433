package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// followupAPI serves outcomes, actions and their exports. Its handlers are
// thin: bind, call the Service, encode. The two reads that every board and
// list hits, the filtered action list and the delegation board, are served
// from encodings cached per generation of the working set (see cachedJSON).
type followupAPI struct {
	*api
	reads *readCache
}

func newFollowupAPI(a *api) *followupAPI {
	return &followupAPI{api: a, reads: &readCache{m: map[readKey][]byte{}}}
}

// readKey names one cached answer: the view, the query string exactly as
// sent (so that a hit costs no parsing; two spellings of one filter are two
// entries), the reader's view key (the domain says which readers see the
// same: their clearance, and who they are when a session's insider), and the
// day, since overdue and due-soon move at midnight.
type readKey struct {
	view   string
	query  string
	reader string // conference.Service.ViewKey
	day    int64  // days since 1970-01-01, UTC
}

// readCache holds the encoded answers of one generation of the working set;
// the first answer put for a newer generation drops all the older ones.
type readCache struct {
	mu  sync.RWMutex
	gen uint64
	m   map[readKey][]byte
}

// maxCachedReads bounds the cache: distinct queries are few (the web app
// sends a handful), but a client could send endless variations.
const maxCachedReads = 1000

func (r *readCache) get(k readKey, gen uint64) ([]byte, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.gen != gen {
		return nil, false
	}
	b, ok := r.m[k]
	return b, ok
}

func (r *readCache) put(k readKey, gen uint64, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case gen < r.gen:
		return // computed from a working set that has moved on since
	case gen > r.gen || len(r.m) >= maxCachedReads:
		clear(r.m)
		r.gen = gen
	}
	r.m[k] = body
}

// ---- outcomes ----

func (f *followupAPI) listOutcomes(c *gin.Context) {
	v, err := f.svc.Outcomes(c, actor(c), c.Param("id"))
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) meetingOutcomes(c *gin.Context) {
	v, err := f.svc.MeetingOutcomes(c, actor(c), c.Param("id"))
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) createOutcome(c *gin.Context) {
	var in conference.OutcomeInput
	if !f.bind(c, &in) {
		return
	}
	v, err := f.svc.CreateOutcome(c, actor(c), c.Param("id"), in)
	f.respond(c, http.StatusCreated, v, err)
}

func (f *followupAPI) promoteToOutcome(c *gin.Context) {
	seq, ok := f.seqParam(c)
	if !ok {
		return
	}
	var in conference.OutcomeInput
	if !f.bind(c, &in) {
		return
	}
	v, err := f.svc.PromoteNoteToOutcome(c, actor(c), c.Param("id"), seq, in)
	f.respond(c, http.StatusCreated, v, err)
}

func (f *followupAPI) promoteToAction(c *gin.Context) {
	seq, ok := f.seqParam(c)
	if !ok {
		return
	}
	var in conference.ActionInput
	if !f.bind(c, &in) {
		return
	}
	v, err := f.svc.PromoteNoteToAction(c, actor(c), c.Param("id"), seq, in)
	f.respond(c, http.StatusCreated, v, err)
}

func (f *followupAPI) seqParam(c *gin.Context) (int64, bool) {
	seq, err := strconv.ParseInt(c.Param("seq"), 10, 64)
	if err != nil || seq < 1 {
		f.writeError(c, conference.Invalid("seq", "the note's seq must be a whole number, 1 or more"))
		return 0, false
	}
	return seq, true
}

func (f *followupAPI) getOutcome(c *gin.Context) {
	v, err := f.svc.Outcome(c, actor(c), c.Param("id"))
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) updateOutcome(c *gin.Context) {
	var in conference.OutcomeUpdate
	if !f.bind(c, &in) {
		return
	}
	v, err := f.svc.UpdateOutcome(c, actor(c), c.Param("id"), in)
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) signOff(c *gin.Context) {
	v, err := f.svc.SignOff(c, actor(c), c.Param("id"))
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) withdrawSignOff(c *gin.Context) {
	v, err := f.svc.WithdrawSignOff(c, actor(c), c.Param("id"), strings.ToUpper(c.Param("code")))
	f.respond(c, http.StatusOK, v, err)
}

// ---- actions ----

func (f *followupAPI) listActions(c *gin.Context) {
	f.cachedJSON(c, "list", func(q actionQuery) (any, error) { return f.svc.Actions(c, actor(c), q.filter) })
}

func (f *followupAPI) board(c *gin.Context) {
	f.cachedJSON(c, "board", func(q actionQuery) (any, error) { return f.svc.ActionBoard(c, actor(c), q.filter) })
}

// cachedJSON answers with the encoding of v for the request's filter,
// served from readCache until the working set changes. The generation is
// read before the answer is computed, so that an answer is never filed
// under a generation newer than the state it was computed from.
func (f *followupAPI) cachedJSON(c *gin.Context, view string, v func(actionQuery) (any, error)) {
	k := readKey{view: view, query: c.Request.URL.RawQuery, reader: f.svc.ViewKey(actor(c)),
		day: f.svc.Now().Unix() / 86400}
	gen := f.svc.Generation()
	if body, ok := f.reads.get(k, gen); ok {
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
		return
	}
	q, ok := f.actionQuery(c)
	if !ok {
		return
	}
	val, err := v(q)
	if err != nil {
		f.writeError(c, err)
		return
	}
	body, err := json.Marshal(val)
	if err != nil {
		f.writeError(c, err)
		return
	}
	f.reads.put(k, gen, body)
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

func (f *followupAPI) mine(c *gin.Context) {
	v, err := f.svc.MyActions(c, actor(c))
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) progress(c *gin.Context) {
	if !onlyParams(c, f.api, "since", "owner") {
		return
	}
	v, err := f.svc.ProgressSince(c, actor(c), c.Query("since"), strings.ToUpper(c.Query("owner")))
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) createAction(c *gin.Context) {
	var in conference.ActionInput
	if !f.bind(c, &in) {
		return
	}
	v, err := f.svc.CreateAction(c, actor(c), in)
	f.respond(c, http.StatusCreated, v, err)
}

func (f *followupAPI) getAction(c *gin.Context) {
	v, err := f.svc.Action(c, actor(c), c.Param("id"))
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) updateAction(c *gin.Context) {
	var in conference.ActionUpdate
	if !f.bind(c, &in) {
		return
	}
	v, err := f.svc.UpdateAction(c, actor(c), c.Param("id"), in)
	f.respond(c, http.StatusOK, v, err)
}

func (f *followupAPI) reportProgress(c *gin.Context) {
	var in conference.ReportInput
	if !f.bind(c, &in) {
		return
	}
	v, err := f.svc.ReportProgress(c, actor(c), c.Param("id"), in)
	f.respond(c, http.StatusCreated, v, err)
}

func (f *followupAPI) carryOver(c *gin.Context) {
	v, err := f.svc.CarryOver(c, actor(c), c.Param("id"))
	f.respond(c, http.StatusOK, v, err)
}
