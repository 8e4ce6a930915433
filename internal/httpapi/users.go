package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// userAPI serves the accounts and the directory of names.
type userAPI struct {
	replies
	svc interface {
		Users(ctx context.Context, actor *conference.User) ([]*conference.User, error)
		Directory(ctx context.Context, actor *conference.User) ([]conference.PublicUser, error)
		User(ctx context.Context, actor *conference.User, id string) (*conference.User, error)
		CreateUser(ctx context.Context, actor *conference.User, in conference.UserInput) (*conference.User, error)
		UpdateUser(ctx context.Context, actor *conference.User, id string, upd conference.UserUpdate) (*conference.User, error)
	}
}

func (h *userAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/users", summary: "Accounts (secretariat) or the directory of names (everyone else)", access: signedIn, reply: []conference.User{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/users", summary: "Open an account", access: admin, body: conference.UserInput{}, reply: conference.User{}, status: 201, handle: h.create},
		{method: "GET", path: v1 + "/users/:id", summary: "Read an account", access: admin, reply: conference.User{}, status: 200, handle: h.get},
		{method: "PATCH", path: v1 + "/users/:id", summary: "Change an account; role, delegation, password or disabling signs it out", access: admin, body: conference.UserUpdate{}, reply: conference.User{}, status: 200, handle: h.update},
	}
}

// list gives the secretariat the accounts, and everyone else the directory
// of names the agenda needs.
func (h *userAPI) list(c *gin.Context) {
	u := actor(c)
	if u.MayManageUsers() {
		v, err := h.svc.Users(c, u)
		h.respond(c, http.StatusOK, v, err)
		return
	}
	v, err := h.svc.Directory(c, u)
	h.respond(c, http.StatusOK, v, err)
}

func (h *userAPI) get(c *gin.Context) {
	v, err := h.svc.User(c, actor(c), c.Param("id"))
	h.respond(c, http.StatusOK, v, err)
}

func (h *userAPI) create(c *gin.Context) {
	var in conference.UserInput
	if !h.bind(c, &in) {
		return
	}
	v, err := h.svc.CreateUser(c, actor(c), in)
	h.respond(c, http.StatusCreated, v, err)
}

func (h *userAPI) update(c *gin.Context) {
	var in conference.UserUpdate
	if !h.bind(c, &in) {
		return
	}
	pre, err := precondition(c, &in.Version)
	if err != nil {
		h.writeError(c, err)
		return
	}
	v, err := h.svc.UpdateUser(c, actor(c), c.Param("id"), in)
	h.respond(c, http.StatusOK, v, pre.check(err))
}
