package httpapi

import (
	"context"
	"net/http"

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
		{method: "GET", path: v1 + "/delegations", summary: "List delegations", access: signedIn, reply: []conference.Delegation{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/delegations", summary: "Add a delegation", access: admin, body: conference.Delegation{}, reply: conference.Delegation{}, status: 201, handle: h.create},
		{method: "GET", path: v1 + "/delegations/:code", summary: "Read a delegation", access: signedIn, reply: conference.Delegation{}, status: 200, handle: h.get},
		{method: "PATCH", path: v1 + "/delegations/:code", summary: "Change a delegation", access: admin, body: conference.DelegationUpdate{}, reply: conference.Delegation{}, status: 200, handle: h.update},
	}
}

func (h *delegationAPI) list(c *gin.Context) {
	v, err := h.svc.Delegations(c, actor(c))
	h.respond(c, http.StatusOK, v, err)
}

func (h *delegationAPI) get(c *gin.Context) {
	v, err := h.svc.Delegation(c, actor(c), c.Param("code"))
	h.respond(c, http.StatusOK, v, err)
}

func (h *delegationAPI) create(c *gin.Context) {
	var in conference.Delegation
	if !h.bind(c, &in) {
		return
	}
	v, err := h.svc.CreateDelegation(c, actor(c), in)
	h.respond(c, http.StatusCreated, v, err)
}

func (h *delegationAPI) update(c *gin.Context) {
	var in conference.DelegationUpdate
	if !h.bind(c, &in) {
		return
	}
	pre, err := precondition(c, &in.Version)
	if err != nil {
		h.writeError(c, err)
		return
	}
	v, err := h.svc.UpdateDelegation(c, actor(c), c.Param("code"), in)
	h.respond(c, http.StatusOK, v, pre.check(err))
}
