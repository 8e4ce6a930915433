package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// searchAPI serves the search over everything the reader may read.
type searchAPI struct {
	replies
	svc interface {
		Search(ctx context.Context, actor *conference.User, q conference.SearchQuery) (*conference.SearchResults, error)
	}
}

func (h *searchAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/search", summary: "Search notes, outcomes, actions, register entries, topics and sessions: ?q= (≤200 characters, ≤12 words, plain text), kind, meeting, limit (≤100)", access: signedIn, reply: SearchPage{}, status: 200, handle: h.search},
	}
}

func (h *searchAPI) search(c *gin.Context) {
	q := conference.SearchQuery{
		Q:       c.Query("q"),
		Kinds:   typed[conference.SearchKind](listParam(c, "kind")),
		Meeting: c.Query("meeting"),
	}
	r, err := readList(c)
	if err != nil {
		h.writeError(c, err)
		return
	}
	// The pages are cut from the best hits there are to answer; the one
	// after the page tells whether there is a next one.
	q.Limit = min(conference.MaxSearchHits, r.after.N+r.limit+1)
	v, err := h.svc.Search(c, actor(c), q)
	if err != nil {
		h.writeError(c, err)
		return
	}
	items, next := page(r, v.Hits, func(h conference.SearchHit) string { return string(h.Kind) + "/" + h.ID })
	setNextLink(c, next)
	h.respond(c, http.StatusOK, SearchPage{Items: items, NextCursor: next, Query: v.Query, Terms: v.Terms,
		Total: v.Total, Counts: v.Counts}, nil)
}

// SearchPage is a page of the hits, best first, with what was searched and
// how many hits of each kind there are.
type SearchPage struct {
	Items      []conference.SearchHit        `json:"items"`
	NextCursor string                        `json:"next_cursor,omitempty"`
	Query      string                        `json:"query"`
	Terms      []string                      `json:"terms"` // the words searched, folded
	Total      int                           `json:"total"` // hits of the asked kinds, before the limit
	Counts     map[conference.SearchKind]int `json:"counts"`
}
