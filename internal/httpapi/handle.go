package httpapi

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// Most handlers do one of four things: call the Service with the signed-in
// user (and a path parameter, and a bound body) and answer with what it
// returns. They are made here, once, so that a resource file holds only the
// handlers that do something of their own; each takes a Service method
// value, so the route table still says which method serves a route.

// actorCall answers status with what call returns for the signed-in user.
func actorCall[T any](r replies, status int, call func(context.Context, *conference.User) (T, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := call(c, actor(c))
		r.respond(c, status, v, err)
	}
}

// paramCall answers status with what call returns for the path parameter
// param.
func paramCall[T any](r replies, status int, param string, call func(context.Context, *conference.User, string) (T, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := call(c, actor(c), c.Param(param))
		r.respond(c, status, v, err)
	}
}

// bodyCall binds a body of type In and answers status with what call
// returns for it.
func bodyCall[In, T any](r replies, status int, call func(context.Context, *conference.User, In) (T, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in In
		if !r.bind(c, &in) {
			return
		}
		v, err := call(c, actor(c), in)
		r.respond(c, status, v, err)
	}
}

// paramBodyCall binds a body of type In and answers status with what call
// returns for the path parameter param and the body.
func paramBodyCall[In, T any](r replies, status int, param string, call func(context.Context, *conference.User, string, In) (T, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in In
		if !r.bind(c, &in) {
			return
		}
		v, err := call(c, actor(c), c.Param(param), in)
		r.respond(c, status, v, err)
	}
}

// paramDelete deletes what the path parameter param names and answers 204.
func paramDelete(r replies, param string, call func(context.Context, *conference.User, string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		r.respond(c, 204, nil, call(c, actor(c), c.Param(param)))
	}
}

// versionedCall is paramBodyCall for an edit that must say which version
// it was made on, in the body's version or in If-Match (see precondition);
// version points into the body at its version field.
func versionedCall[In, T any](r replies, status int, param string, version func(*In) **int64, call func(context.Context, *conference.User, string, In) (T, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in In
		if !r.bind(c, &in) {
			return
		}
		pre, err := precondition(c, version(&in))
		if err != nil {
			r.writeError(c, err)
			return
		}
		v, err := call(c, actor(c), c.Param(param), in)
		r.respond(c, status, v, pre.check(err))
	}
}

// promoteCall binds a body of type In and answers 201 with what call makes
// of the note :seq of the session :id: a note promoted to an outcome or an
// action.
func promoteCall[In, T any](r replies, call func(context.Context, *conference.User, string, int64, In) (T, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		seq, ok := seqParam(c, r)
		if !ok {
			return
		}
		var in In
		if !r.bind(c, &in) {
			return
		}
		v, err := call(c, actor(c), c.Param("id"), seq, in)
		r.respond(c, 201, v, err)
	}
}
