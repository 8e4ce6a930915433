package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// respond writes v with status, or the error.
func (a *api) respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		a.writeError(c, err)
		return
	}
	if v == nil {
		c.Status(status)
		return
	}
	c.JSON(status, v)
}

// ---- meetings ----

func (a *api) listMeetings(c *gin.Context) {
	v, err := a.svc.Meetings(c, actor(c))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) getMeeting(c *gin.Context) {
	v, err := a.svc.Meeting(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) createMeeting(c *gin.Context) {
	var in conference.Meeting
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.CreateMeeting(c, actor(c), in)
	a.respond(c, http.StatusCreated, v, err)
}

func (a *api) updateMeeting(c *gin.Context) {
	var in conference.MeetingUpdate
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.UpdateMeeting(c, actor(c), c.Param("id"), in)
	a.respond(c, http.StatusOK, v, err)
}

// ---- sessions ----

// agenda is read by everyone at once, and is the same for every reader: it is
// served from an encoding cached until the working set changes.
func (a *api) agenda(c *gin.Context) {
	id := c.Param("id")
	if _, err := a.svc.Meeting(c, actor(c), id); err != nil {
		a.writeError(c, err)
		return
	}
	body, err := a.agendas.get(id, a.svc.Generation(), func() (any, error) {
		return a.svc.Agenda(c, actor(c), id)
	})
	if err != nil {
		a.writeError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

func (a *api) createSession(c *gin.Context) {
	var in conference.SessionInput
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.CreateSession(c, actor(c), c.Param("id"), in)
	a.respond(c, http.StatusCreated, v, err)
}

func (a *api) getSession(c *gin.Context) {
	v, err := a.svc.Session(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) updateSession(c *gin.Context) {
	var in conference.SessionUpdate
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.UpdateSession(c, actor(c), c.Param("id"), in)
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) deleteSession(c *gin.Context) {
	err := a.svc.DeleteSession(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusNoContent, nil, err)
}

// ---- topics ----

func (a *api) listTopics(c *gin.Context) {
	v, err := a.svc.Topics(c, actor(c))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) getTopic(c *gin.Context) {
	v, err := a.svc.Topic(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

// TopicInput is what it takes to add a topic.
type TopicInput struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

func (a *api) createTopic(c *gin.Context) {
	var in TopicInput
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.CreateTopic(c, actor(c), conference.Topic{Slug: in.Slug, Title: in.Title, Description: in.Description})
	a.respond(c, http.StatusCreated, v, err)
}

func (a *api) updateTopic(c *gin.Context) {
	var in conference.TopicUpdate
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.UpdateTopic(c, actor(c), c.Param("id"), in)
	a.respond(c, http.StatusOK, v, err)
}

// ---- delegations ----

func (a *api) listDelegations(c *gin.Context) {
	v, err := a.svc.Delegations(c, actor(c))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) getDelegation(c *gin.Context) {
	v, err := a.svc.Delegation(c, actor(c), c.Param("code"))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) createDelegation(c *gin.Context) {
	var in conference.Delegation
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.CreateDelegation(c, actor(c), in)
	a.respond(c, http.StatusCreated, v, err)
}

func (a *api) updateDelegation(c *gin.Context) {
	var in conference.DelegationUpdate
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.UpdateDelegation(c, actor(c), c.Param("code"), in)
	a.respond(c, http.StatusOK, v, err)
}

// ---- users ----

// listUsers gives the secretariat the accounts, and everyone else the
// directory of names the agenda needs.
func (a *api) listUsers(c *gin.Context) {
	u := actor(c)
	if u.MayManageUsers() {
		v, err := a.svc.Users(c, u)
		a.respond(c, http.StatusOK, v, err)
		return
	}
	v, err := a.svc.Directory(c, u)
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) getUser(c *gin.Context) {
	v, err := a.svc.User(c, actor(c), c.Param("id"))
	a.respond(c, http.StatusOK, v, err)
}

func (a *api) createUser(c *gin.Context) {
	var in conference.UserInput
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.CreateUser(c, actor(c), in)
	a.respond(c, http.StatusCreated, v, err)
}

func (a *api) updateUser(c *gin.Context) {
	var in conference.UserUpdate
	if !a.bind(c, &in) {
		return
	}
	v, err := a.svc.UpdateUser(c, actor(c), c.Param("id"), in)
	a.respond(c, http.StatusOK, v, err)
}
