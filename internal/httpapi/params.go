package httpapi

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// pathIDs returns the middleware that refuses a request whose path names a
// thing by a string that cannot be an id, or nil when the route's path names
// nothing by id. Handlers and the Service then only ever see ids of the one
// pattern, and no answer repeats a path segment that may hold markup or a
// megabyte of text.
//
// The answer is 404, the same as for a well-formed id that names nothing:
// a string that breaks the pattern names nothing either, and a client that
// reads 404 as "no such thing" stays right. It names the path parameter.
func (a *api) pathIDs(path string) gin.HandlerFunc {
	type param struct {
		name  string
		check func(field, s string) *conference.Error
	}
	var params []param
	for _, seg := range strings.Split(path, "/") {
		name, ok := strings.CutPrefix(seg, ":")
		if !ok {
			continue
		}
		switch {
		case name == "id" && strings.HasPrefix(path, v1+"/links/"):
			params = append(params, param{name, conference.ValidLinkID})
		case name == "id" || name == "code":
			params = append(params, param{name, conference.ValidID})
		}
		// :seq is parsed as a number by its handlers; :feed is a secret,
		// looked up by its hash and never repeated.
	}
	if len(params) == 0 {
		return nil
	}
	return func(c *gin.Context) {
		for _, p := range params {
			if err := p.check(p.name, c.Param(p.name)); err != nil {
				a.writeError(c, &conference.Error{Code: conference.ENOTFOUND, Field: p.name,
					Message: "The path's " + p.name + " names nothing. " + err.Message})
				return
			}
		}
		c.Next()
	}
}
