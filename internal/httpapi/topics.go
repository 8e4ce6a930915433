package httpapi

import (
	"bytes"
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/export"
)

// topicAPI serves the topics.
type topicAPI struct {
	replies
	svc interface {
		Topics(ctx context.Context, actor *conference.User) ([]*conference.Topic, error)
		Topic(ctx context.Context, actor *conference.User, idOrSlug string) (*conference.Topic, error)
		CreateTopic(ctx context.Context, actor *conference.User, t conference.Topic) (*conference.Topic, error)
		UpdateTopic(ctx context.Context, actor *conference.User, id string, upd conference.TopicUpdate) (*conference.Topic, error)
		TopicLineage(ctx context.Context, actor *conference.User, idOrSlug string) (*conference.Lineage, error)
	}
}

func (h *topicAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/topics", summary: "List topics", access: signedIn, reply: listPage[*conference.Topic]{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/topics", summary: "Add a topic", access: admin, body: TopicInput{}, reply: conference.Topic{}, status: 201, handle: h.create, self: v1 + "/topics/:id"},
		{method: "GET", path: v1 + "/topics/:id", summary: "Read a topic by id or slug", access: signedIn, reply: conference.Topic{}, status: 200, handle: paramCall(h, 200, "id", h.svc.Topic)},
		{method: "GET", path: v1 + "/topics/:id/lineage", summary: "A topic's lineage, meeting by meeting: sessions, outcomes, actions as they stand, register entries, notes' counts — as the reader may read them", access: signedIn, reply: conference.Lineage{}, status: 200, handle: paramCall(h, 200, "id", h.svc.TopicLineage)},
		{method: "GET", path: v1 + "/topics/:id/lineage.md", summary: "A topic's lineage as Markdown", access: signedIn, status: 200, handle: h.lineageMarkdown},
		{method: "PATCH", path: v1 + "/topics/:id", summary: "Change a topic", access: admin, body: conference.TopicUpdate{}, reply: conference.Topic{}, status: 200, handle: versionedCall(h, 200, "id", func(in *conference.TopicUpdate) **int64 { return &in.Version }, h.svc.UpdateTopic)},
	}
}

func (h *topicAPI) list(c *gin.Context) {
	v, err := h.svc.Topics(c, actor(c))
	listOf(c, h, v, err, func(t *conference.Topic) string { return t.ID })
}

// TopicInput is what it takes to add a topic.
type TopicInput struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

func (h *topicAPI) create(c *gin.Context) {
	var in TopicInput
	if !h.bind(c, &in) {
		return
	}
	v, err := h.svc.CreateTopic(c, actor(c), conference.Topic{Slug: in.Slug, Title: in.Title, Description: in.Description})
	h.respond(c, http.StatusCreated, v, err)
}

func (h *topicAPI) lineageMarkdown(c *gin.Context) {
	l, err := h.svc.TopicLineage(c, actor(c), c.Param("id"))
	if err != nil {
		h.writeError(c, err)
		return
	}
	var buf bytes.Buffer
	export.WriteMarkdown(&buf, export.LineageDoc(l))
	c.Header("Content-Disposition", `inline; filename="lineage.md"`)
	c.Data(http.StatusOK, "text/markdown; charset=utf-8", buf.Bytes())
}
