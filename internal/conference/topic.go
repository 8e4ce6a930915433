package conference

import (
	"context"
	"regexp"
	"strings"
)

// Topic is a theme of the agenda. It lives across meetings so that a theme
// can be followed from year to year.
type Topic struct {
	ID          string `json:"id" bson:"_id"`
	Slug        string `json:"slug" bson:"slug"`
	Title       string `json:"title" bson:"title"`
	Description string `json:"description" bson:"description"`
	// Retired topics keep their sessions, links and history, and can be
	// restored; they are no longer offered for new sessions.
	Retired bool  `json:"retired" bson:"retired,omitempty"`
	Version int64 `json:"version" bson:"version"` // 1, 2, 3 … one per change
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (t *Topic) Validate() error {
	var v fieldChecks
	v.check(ValidID("id", t.ID))
	if !slugPattern.MatchString(t.Slug) || len(t.Slug) > 80 {
		v.check(Invalid("slug", "The slug %q must be lower-case words joined by hyphens, at most 80 characters, such as cross-border-evidence.", t.Slug))
	}
	v.check(
		requireLine("title", t.Title, 200),
		checkLines("description", t.Description, 5000),
	)
	return v.err()
}

// Topics returns every topic by title.
func (s *Service) Topics(ctx context.Context, actor *User) ([]*Topic, error) {
	return listAll(s, requireActor(actor), func(st *state) map[string]*Topic { return st.topics },
		func(t *Topic) string { return t.Title })
}

// Topic returns a topic by id or by slug.
func (s *Service) Topic(ctx context.Context, actor *User, idOrSlug string) (*Topic, error) {
	return find(s, requireActor(actor), func(st *state) *Topic { return st.topicByIDOrSlug(idOrSlug) }, "No topic %q.", idOrSlug)
}

func (st *state) topicByIDOrSlug(key string) *Topic {
	if t := st.topics[key]; t != nil {
		return t
	}
	for _, t := range st.topics {
		if t.Slug == key {
			return t
		}
	}
	return nil
}

func (s *Service) CreateTopic(ctx context.Context, actor *User, t Topic) (*Topic, error) {
	if t.ID == "" {
		t.ID = s.NewID()
	}
	t.Slug = strings.TrimSpace(t.Slug)
	t.Retired = false
	t.Version = 1
	return create(ctx, s, s.requireAgendaEditor(actor), Topics, &t, (*state).checkSlugFree)
}

func (st *state) checkSlugFree(t *Topic) error {
	for _, other := range st.topics {
		if other.Slug == t.Slug && other.ID != t.ID {
			return &Error{Code: EDUPLICATE, Field: "slug", Message: "A topic with slug " + t.Slug + " already exists."}
		}
	}
	return nil
}

// TopicUpdate changes some fields of a topic; nil fields stay. Version, when
// given, must be the topic's current version.
type TopicUpdate struct {
	Slug        *string `json:"slug"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Retired     *bool   `json:"retired"` // true retires the topic, false restores it
	Version     *int64  `json:"version"`
}

// apply sets the fields upd gives on t.
func (upd TopicUpdate) apply(t *Topic) {
	setIf(&t.Slug, upd.Slug)
	setIf(&t.Title, upd.Title)
	setIf(&t.Description, upd.Description)
	setIf(&t.Retired, upd.Retired)
}

// UpdateTopic renames, describes, retires or restores a topic. Its id never
// changes, so links and sessions that name it keep working.
func (s *Service) UpdateTopic(ctx context.Context, actor *User, id string, upd TopicUpdate) (*Topic, error) {
	get := func() (*Topic, error) { return s.Topic(ctx, actor, id) }
	return edit(ctx, s, s.requireAgendaEditor(actor), Topics, "topic", upd.Version, get, upd.apply, (*state).checkSlugFree)
}
