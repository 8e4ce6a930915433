package httpapi

import (
	"context"
	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// delegationAPI serves the delegations.
type delegationAPI struct {
	replies
	svc interface {
		Delegations(ctx context.Context, actor *conference.User) ([]*conference.Delegation, error)
		Delegation(ctx context.Context, actor *conference.User, code string) (*conference.Delegation, error)
		CreateDelegation(ctx context.Context, actor *conference.User, d conference.Delegation) (*conference.Delegation, error)
		UpdateDelegation(ctx context.Context, actor *conference.User, code string, upd conference.DelegationUpdate) (*conference.Delegation, error)
	}
}

func (h *delegationAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/delegations", summary: "List delegations", access: signedIn, reply: listPage[*conference.Delegation]{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/delegations", summary: "Add a delegation", access: admin, body: conference.Delegation{}, reply: conference.Delegation{}, status: 201, handle: bodyCall(h, 201, h.svc.CreateDelegation), self: v1 + "/delegations/:code"},
		{method: "GET", path: v1 + "/delegations/:code", summary: "Read a delegation", access: signedIn, reply: conference.Delegation{}, status: 200, handle: paramCall(h, 200, "code", h.svc.Delegation)},
		{method: "PATCH", path: v1 + "/delegations/:code", summary: "Change a delegation", access: admin, body: conference.DelegationUpdate{}, reply: conference.Delegation{}, status: 200, handle: versionedCall(h, 200, "code", func(in *conference.DelegationUpdate) **int64 { return &in.Version }, h.svc.UpdateDelegation)},
	}
}

func (h *delegationAPI) list(c *gin.Context) {
	v, err := h.svc.Delegations(c, actor(c))
	listOf(c, h, v, err, func(d *conference.Delegation) string { return d.Code })
}
