package httpapi

import (
	"context"

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
		{method: "GET", path: v1 + "/users", summary: "Accounts (secretariat) or the directory of names (everyone else)", access: signedIn, reply: listPage[conference.User]{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/users", summary: "Open an account", access: admin, body: conference.UserInput{}, reply: conference.User{}, status: 201, handle: bodyCall(h, 201, h.svc.CreateUser), self: v1 + "/users/:id"},
		{method: "GET", path: v1 + "/users/:id", summary: "Read an account", access: admin, reply: conference.User{}, status: 200, handle: paramCall(h, 200, "id", h.svc.User)},
		{method: "PATCH", path: v1 + "/users/:id", summary: "Change an account; role, delegation, password or disabling signs it out", access: admin, body: conference.UserUpdate{}, reply: conference.User{}, status: 200, handle: versionedCall(h, 200, "id", func(in *conference.UserUpdate) **int64 { return &in.Version }, h.svc.UpdateUser)},
	}
}

// list gives the secretariat the accounts, and everyone else the directory
// of names the agenda needs.
func (h *userAPI) list(c *gin.Context) {
	u := actor(c)
	if u.MayManageUsers() {
		v, err := h.svc.Users(c, u)
		listOf(c, h, v, err, func(u *conference.User) string { return u.ID })
		return
	}
	v, err := h.svc.Directory(c, u)
	listOf(c, h, v, err, func(u conference.PublicUser) string { return u.ID })
}
