package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

// actionAPI serves actions, their progress reports, the board and the
// action list's CSV. The filtered list and the board, which every board and
// list hits, are served from the answer cache.
type actionAPI struct {
	replies
	answers *answerCache
	log     *slog.Logger
	now     func() time.Time // the Service's clock
	svc     interface {
		generations
		ViewKey(u *conference.User) string
		Actions(ctx context.Context, actor *conference.User, f conference.ActionFilter) ([]*conference.Action, error)
		ActionBoard(ctx context.Context, actor *conference.User, f conference.ActionFilter) (*conference.Board, error)
		MyActions(ctx context.Context, actor *conference.User) (*conference.DelegationActions, error)
		ProgressSince(ctx context.Context, actor *conference.User, since, owner string) (*conference.Progress, error)
		Action(ctx context.Context, actor *conference.User, id string) (*conference.Action, error)
		CreateAction(ctx context.Context, actor *conference.User, in conference.ActionInput) (*conference.Action, error)
		PromoteNoteToAction(ctx context.Context, actor *conference.User, sessionID string, seq int64, in conference.ActionInput) (*conference.Action, error)
		UpdateAction(ctx context.Context, actor *conference.User, id string, upd conference.ActionUpdate) (*conference.Action, error)
		ReportProgress(ctx context.Context, actor *conference.User, id string, in conference.ReportInput) (*conference.Action, error)
		CarryOver(ctx context.Context, actor *conference.User, meetingID string) ([]conference.CarryOverGroup, error)
		Topics(ctx context.Context, actor *conference.User) ([]*conference.Topic, error)
	}
}

func (h *actionAPI) routes() []route {
	return []route{
		{method: "POST", path: v1 + "/sessions/:id/notes/:seq/action", summary: "Promote a note to an action in one step; the action keeps the note as its origin", access: signedIn, body: conference.ActionInput{}, reply: conference.Action{}, status: 201, handle: promoteCall(h, h.svc.PromoteNoteToAction), self: v1 + "/actions/:id"},

		{method: "GET", path: v1 + "/actions", summary: "Actions the reader may read; filters meeting, topic, owner, status, overdue, due_before, changed_since; by due date", access: signedIn, reply: listPage[*conference.Action]{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/actions", summary: "Create an action from an outcome, a note, a session or a meeting", access: signedIn, body: conference.ActionInput{}, reply: conference.Action{}, status: 201, handle: bodyCall(h, 201, h.svc.CreateAction), self: v1 + "/actions/:id"},
		{method: "GET", path: v1 + "/actions.csv", summary: "The action list as CSV for spreadsheets (same filters as /actions)", access: signedIn, status: 200, handle: h.csv},
		{method: "GET", path: v1 + "/actions/board", summary: "Counts per delegation: overdue, due within 30 days, on track, done (same filters as /actions)", access: signedIn, reply: conference.Board{}, status: 200, handle: h.board},
		{method: "GET", path: v1 + "/actions/mine", summary: "The actions of your own delegation, with their counts", access: signedIn, reply: conference.DelegationActions{}, status: 200, handle: actorCall(h, 200, h.svc.MyActions)},
		{method: "GET", path: v1 + "/actions/progress", summary: "Actions changed since ?since=YYYY-MM-DD (default: the day after the last meeting), with their reports since", access: signedIn, reply: conference.Progress{}, status: 200, handle: h.progress},
		{method: "GET", path: v1 + "/actions/:id", summary: "Read an action with its progress reports", access: signedIn, reply: conference.Action{}, status: 200, handle: paramCall(h, 200, "id", h.svc.Action)},
		{method: "PATCH", path: v1 + "/actions/:id", summary: "Edit an action (version required; 409 stale_version with current when stale)", access: signedIn, body: conference.ActionUpdate{}, reply: conference.Action{}, status: 200, handle: versionedCall(h, 200, "id", func(in *conference.ActionUpdate) **int64 { return &in.Version }, h.svc.UpdateAction)},
		{method: "POST", path: v1 + "/actions/:id/reports", summary: "File a dated progress report, optionally moving status and progress (version required)", access: signedIn, body: conference.ReportInput{}, reply: conference.Action{}, status: 201, handle: versionedCall(h, 201, "id", func(in *conference.ReportInput) **int64 { return &in.Version }, h.svc.ReportProgress), self: v1 + "/actions/:id"},

		{method: "GET", path: v1 + "/meetings/:id/carry-over", summary: "Pending actions of earlier meetings under this meeting's agenda topics", access: signedIn, reply: listPage[conference.CarryOverGroup]{}, status: 200, handle: h.carryOver},
	}
}

// actionReads are what the action list reads: the actions; the outcomes,
// whose marking an action takes when it is stricter; the sessions, whose
// insiders read more in them; the topics a filter names; and the users,
// whose role is their clearance.
var actionReads = []conference.Collection{conference.Actions, conference.Outcomes, conference.Sessions,
	conference.Topics, conference.Users}

// boardReads adds the delegations, the board's columns.
var boardReads = append(slices.Clone(actionReads), conference.Delegations)

func (h *actionAPI) list(c *gin.Context) {
	r, err := readList(c)
	if err != nil {
		h.writeError(c, err)
		return
	}
	k := answerKey{view: "actions", query: c.Request.URL.RawQuery, reader: h.svc.ViewKey(actor(c)),
		day: h.now().Unix() / 86400}
	h.answers.serve(c, h.svc, k, actionReads, h, func() (answer, error) {
		f, err := actionFilter(c.Request.URL.Query())
		if err != nil {
			return answer{}, err
		}
		actions, err := h.svc.Actions(c, actor(c), f)
		if err != nil {
			return answer{}, err
		}
		if r.sort != lists["GET "+v1+"/actions"].sorts[0] {
			actions = sorted(actions, r.sort, actionSorts, actionID)
		}
		return listAnswer(r, actions, actionID)
	})
}

func actionID(a *conference.Action) string { return a.ID }

// actionSorts are the keys the action list sorts by; the default, due, is
// the Service's own order.
var actionSorts = map[string]func(a, b *conference.Action) int{
	"due":      func(a, b *conference.Action) int { return strings.Compare(a.Due, b.Due) },
	"updated":  func(a, b *conference.Action) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
	"progress": func(a, b *conference.Action) int { return a.Progress - b.Progress },
	"reported": func(a, b *conference.Action) int { return a.LastReported().Compare(b.LastReported()) },
}

func (h *actionAPI) board(c *gin.Context) {
	h.cached(c, "board", boardReads, func(f conference.ActionFilter) (any, error) { return h.svc.ActionBoard(c, actor(c), f) })
}

// cached serves a view of the filtered actions from the answer cache: keyed
// by the query string exactly as sent (so that a hit costs no parsing; two
// spellings of one filter are two entries), the reader's view key (the
// domain says which readers see the same) and the day, since overdue and
// due-soon move at midnight.
func (h *actionAPI) cached(c *gin.Context, view string, reads []conference.Collection, v func(conference.ActionFilter) (any, error)) {
	k := answerKey{view: view, query: c.Request.URL.RawQuery, reader: h.svc.ViewKey(actor(c)),
		day: h.now().Unix() / 86400}
	h.answers.serve(c, h.svc, k, reads, h, func() (answer, error) {
		f, err := actionFilter(c.Request.URL.Query())
		if err != nil {
			return answer{}, err
		}
		return jsonAnswer(v(f))
	})
}

// csv answers the action list, with the same filters and the same reader's
// clearance as /actions, as CSV that opens cleanly in a spreadsheet.
func (h *actionAPI) csv(c *gin.Context) {
	f, err := actionFilter(c.Request.URL.Query())
	if err != nil {
		h.writeError(c, err)
		return
	}
	actions, err := h.svc.Actions(c, actor(c), f)
	writeCSV(c, h, "actions.csv", actions, err, h.svc.Topics, func(t *conference.Topic) string { return t.Title }, export.WriteActionsCSV)
}

func (h *actionAPI) progress(c *gin.Context) {
	if err := knownParams(c.Request.URL.Query(), "since", "owner"); err != nil {
		h.writeError(c, err)
		return
	}
	v, err := h.svc.ProgressSince(c, actor(c), c.Query("since"), strings.ToUpper(c.Query("owner")))
	h.respond(c, http.StatusOK, v, err)
}

func (h *actionAPI) carryOver(c *gin.Context) {
	v, err := h.svc.CarryOver(c, actor(c), c.Param("id"))
	listOf(c, h, v, err, func(g conference.CarryOverGroup) string {
		if g.Topic == nil {
			return "-" // the last group, of the actions under no agenda topic
		}
		return g.Topic.ID
	})
}

var actionParams = []string{"meeting", "topic", "owner", "status", "overdue", "due_soon", "due_before", "changed_since", "limit", "cursor", "sort"}

// actionFilter parses the filters of /actions, /actions.csv and
// /actions/board. A parameter it does not know is refused by name, so that a
// misspelt filter is not silently ignored.
func actionFilter(vals url.Values) (conference.ActionFilter, error) {
	var fl conference.ActionFilter
	if err := knownParams(vals, actionParams...); err != nil {
		return fl, err
	}
	fl.MeetingID = strings.TrimSpace(vals.Get("meeting"))
	fl.Topic = strings.TrimSpace(vals.Get("topic"))
	for _, o := range splitValues(vals["owner"]) {
		fl.Owners = append(fl.Owners, strings.ToUpper(o))
	}
	slices.Sort(fl.Owners)
	fl.Owners = slices.Compact(fl.Owners)
	for _, s := range splitValues(vals["status"]) {
		fl.Status = append(fl.Status, conference.ActionStatus(s))
	}
	slices.Sort(fl.Status)
	fl.Status = slices.Compact(fl.Status)
	switch v := strings.ToLower(vals.Get("overdue")); v {
	case "", "false", "0":
	case "true", "1":
		fl.Overdue = true
	default:
		return fl, conference.Invalid("overdue", "The overdue parameter must be true or false, not %q.", v)
	}
	switch v := strings.ToLower(vals.Get("due_soon")); v {
	case "", "false", "0":
	case "true", "1":
		fl.DueSoon = true
	default:
		return fl, conference.Invalid("due_soon", "The due_soon parameter must be true or false, not %q.", v)
	}
	if s := strings.TrimSpace(vals.Get("due_before")); s != "" {
		// A time stands for its day, as written: due dates are days.
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			s = t.Format(conference.DateLayout)
		}
		fl.DueBefore = s
	}
	if s := strings.TrimSpace(vals.Get("changed_since")); s != "" {
		t, err := parseSince(s)
		if err != nil {
			return fl, conference.Invalid("changed_since", "The changed_since parameter %q is neither a date (YYYY-MM-DD) nor a time (RFC 3339).", s)
		}
		fl.ChangedSince = t
	}
	return fl, fl.Validate()
}

// parseSince reads a date (midnight UTC) or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(conference.DateLayout, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}
