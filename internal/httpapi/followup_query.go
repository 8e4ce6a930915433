package httpapi

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// actionQuery is the action list's filter as parsed from the query string.
type actionQuery struct {
	filter conference.ActionFilter
}

var actionParams = []string{"meeting", "topic", "owner", "status", "overdue", "due_before", "changed_since"}

// actionQuery parses the filters of /actions, /actions.csv and
// /actions/board. A parameter it does not know is refused by name, so that a
// misspelt filter is not silently ignored. On failure it has answered.
func (f *followupAPI) actionQuery(c *gin.Context) (actionQuery, bool) {
	var q actionQuery
	vals := c.Request.URL.Query()
	if !knownParams(c, f.api, vals, actionParams...) {
		return q, false
	}
	fl := &q.filter
	fl.MeetingID = strings.TrimSpace(vals.Get("meeting"))
	fl.Topic = strings.TrimSpace(vals.Get("topic"))
	fl.Owner = strings.ToUpper(strings.TrimSpace(vals.Get("owner")))
	for _, v := range vals["status"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				fl.Status = append(fl.Status, conference.ActionStatus(s))
			}
		}
	}
	slices.Sort(fl.Status)
	fl.Status = slices.Compact(fl.Status)
	switch v := strings.ToLower(vals.Get("overdue")); v {
	case "", "false", "0":
	case "true", "1":
		fl.Overdue = true
	default:
		f.writeError(c, conference.Invalid("overdue", "overdue must be true or false, not %q", v))
		return q, false
	}
	fl.DueBefore = strings.TrimSpace(vals.Get("due_before"))
	if s := strings.TrimSpace(vals.Get("changed_since")); s != "" {
		t, err := parseSince(s)
		if err != nil {
			f.writeError(c, conference.Invalid("changed_since", "changed_since %q is neither a date (YYYY-MM-DD) nor a time (RFC 3339)", s))
			return q, false
		}
		fl.ChangedSince = t
	}
	if err := fl.Validate(); err != nil {
		f.writeError(c, err)
		return q, false
	}
	return q, true
}

// parseSince reads a date (midnight UTC) or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(conference.DateLayout, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// onlyParams refuses a query parameter outside known. On failure it has
// answered.
func onlyParams(c *gin.Context, a *api, known ...string) bool {
	return knownParams(c, a, c.Request.URL.Query(), known...)
}

func knownParams(c *gin.Context, a *api, vals url.Values, known ...string) bool {
	for k := range vals {
		if !slices.Contains(known, k) {
			a.writeError(c, conference.Invalid(k, "unknown query parameter %q (known: %s)", k, strings.Join(known, ", ")))
			return false
		}
	}
	return true
}
