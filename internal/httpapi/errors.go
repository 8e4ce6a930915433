package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/problem"
)

// ETOOLARGE is the HTTP layer's own code: the domain never sees oversize bodies.
const ETOOLARGE = problem.ETOOLARGE

// statusOf is the one map from error code to HTTP status.
var statusOf = map[string]int{
	conference.EINVALID:       http.StatusBadRequest,
	conference.ENOTFOUND:      http.StatusNotFound,
	conference.ECONFLICT:      http.StatusConflict,
	conference.ESTALE:         http.StatusConflict,
	conference.EDUPLICATE:     http.StatusConflict,
	conference.EUNAUTHORIZED:  http.StatusUnauthorized,
	conference.EFORBIDDEN:     http.StatusForbidden,
	conference.ERATELIMITED:   http.StatusTooManyRequests,
	conference.EINTERNAL:      http.StatusInternalServerError,
	ETOOLARGE:                 http.StatusRequestEntityTooLarge,
	problem.EUNSUPPORTEDMEDIA: http.StatusUnsupportedMediaType,
	EPRECONDITIONFAILED:       http.StatusPreconditionFailed,
	EPRECONDITIONREQUIRED:     http.StatusPreconditionRequired,
	conference.EMISMATCH:      http.StatusUnprocessableEntity,
	ERUNNING:                  http.StatusConflict,
}

// Problem is the shape of every error answer (RFC 9457 problem details).
type Problem = problem.Details

// problemOf is the answer to err: its status and its problem details.
func problemOf(err error) Problem {
	code := conference.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	p := problem.New(status, code, conference.ErrorMessage(err))
	var e *conference.Error
	if errors.As(err, &e) {
		p.Field = e.Field
		p.Current = e.Current
		p.Fields = e.Fields
		if len(e.Fields) == 0 && e.Field != "" && code == conference.EINVALID {
			p.Fields = []conference.FieldError{{Field: e.Field, Message: e.Message}}
		}
	}
	return p
}

// writeError answers with err; internal errors are logged and shown only as
// "Internal error.".
func (a *api) writeError(c *gin.Context, err error) {
	p := problemOf(err)
	if p.Status >= 500 {
		a.log.Error("request failed", slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path), slog.Any("err", err))
	}
	abortProblem(c, p)
}

func abortWith(c *gin.Context, status int, code, message string) {
	abortProblem(c, problem.New(status, code, message))
}

// abortProblem answers with p; the media type is set first so that Gin's
// JSON writer keeps it.
func abortProblem(c *gin.Context, p any) {
	var status int
	switch q := p.(type) {
	case Problem:
		status = q.Status
		if status >= 500 && q.RequestID == "" {
			q.RequestID = requestID(c)
			p = q
		}
	case ImportRefusal:
		status = q.Status
	}
	problem.SetHeaders(c.Writer.Header(), status)
	c.AbortWithStatusJSON(status, p)
}
