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
		{method: "GET", path: v1 + "/search", summary: "Search notes, outcomes, actions, register entries, topics and sessions: ?q= (≤200 characters, ≤12 words, plain text), kind, meeting, limit (≤100)", access: signedIn, reply: conference.SearchResults{}, status: 200, handle: h.search},
	}
}

func (h *searchAPI) search(c *gin.Context) {
	q := conference.SearchQuery{
		Q:       c.Query("q"),
		Kinds:   typed[conference.SearchKind](listParam(c, "kind")),
		Meeting: c.Query("meeting"),
	}
	var err error
	if q.Limit, err = intParam(c, "limit"); err != nil {
		h.writeError(c, err)
		return
	}
	v, err := h.svc.Search(c, actor(c), q)
	h.respond(c, http.StatusOK, v, err)
}
