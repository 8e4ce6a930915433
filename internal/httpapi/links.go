package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// linkAPI serves the links from topics, notes, outcomes and actions to
// register entries.
type linkAPI struct {
	replies
	svc interface {
		LinksFrom(ctx context.Context, actor *conference.User, kind conference.LinkKind, id string) ([]conference.LinkedEntry, error)
		CreateLink(ctx context.Context, actor *conference.User, in conference.LinkInput) (*conference.Link, bool, error)
		DeleteLink(ctx context.Context, actor *conference.User, id string) error
	}
}

func (h *linkAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/links", summary: "The register entries a thing links to: ?from_kind=topic|note|outcome|action&from_id=…", access: signedIn, reply: listPage[conference.LinkedEntry]{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/links", summary: "Link a topic, note, outcome or action to a register entry (201), or find the link already made (200)", access: signedIn, body: conference.LinkInput{}, reply: conference.Link{}, status: 201, handle: h.create, self: v1 + "/links/:id"},
		{method: "DELETE", path: v1 + "/links/:id", summary: "Remove a link, under the rules that made it", access: signedIn, status: 204, handle: paramDelete(h, "id", h.svc.DeleteLink)},
		{method: "GET", path: v1 + "/topics/:id/register", summary: "The register entries that concern a topic: linked from it, or listing it", access: signedIn, reply: listPage[conference.LinkedEntry]{}, status: 200, handle: h.fromTopic},
	}
}

func (h *linkAPI) list(c *gin.Context) {
	kind := conference.LinkKind(c.Query("from_kind"))
	id := c.Query("from_id")
	if id == "" {
		h.writeError(c, conference.Invalid("from_id", "Choose the item to link from."))
		return
	}
	v, err := h.svc.LinksFrom(c, actor(c), kind, id)
	listOf(c, h, v, err, linkedEntryID)
}

// create answers 201 for a new link and 200 for one already made.
func (h *linkAPI) create(c *gin.Context) {
	var in conference.LinkInput
	if !h.bind(c, &in) {
		return
	}
	l, created, err := h.svc.CreateLink(c, actor(c), in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	h.respond(c, status, l, err)
}

func (h *linkAPI) fromTopic(c *gin.Context) {
	v, err := h.svc.LinksFrom(c, actor(c), conference.LinkTopic, c.Param("id"))
	listOf(c, h, v, err, linkedEntryID)
}

// linkedEntryID names an entry of a links list: the entry, and the link
// when there is one, since a thing may link to one entry once.
func linkedEntryID(e conference.LinkedEntry) string {
	if e.Link != nil {
		return e.Entry.ID + "/" + e.Link.ID
	}
	return e.Entry.ID
}
