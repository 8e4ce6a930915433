package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// ETOOLARGE is the HTTP layer's own code: the domain never sees oversize bodies.
const ETOOLARGE = "too_large"

// statusOf is the one map from error code to HTTP status.
var statusOf = map[string]int{
	conference.EINVALID:      http.StatusBadRequest,
	conference.ENOTFOUND:     http.StatusNotFound,
	conference.ECONFLICT:     http.StatusConflict,
	conference.EUNAUTHORIZED: http.StatusUnauthorized,
	conference.EFORBIDDEN:    http.StatusForbidden,
	conference.ERATELIMITED:  http.StatusTooManyRequests,
	conference.EINTERNAL:     http.StatusInternalServerError,
	ETOOLARGE:                http.StatusRequestEntityTooLarge,
	conference.EMISMATCH:     http.StatusUnprocessableEntity,
	ERUNNING:                 http.StatusConflict,
}

// ErrorBody is the shape of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Current is the entity as it stands now, on a version conflict.
	Current any `json:"current,omitempty"`
	// Fields names every invalid field of a 400, so that a form can mark
	// them all; it holds at least the one that Field names.
	Fields []conference.FieldError `json:"fields,omitempty"`
}

// writeError answers with err; internal errors are logged and shown only as
// "Internal error.".
func (a *api) writeError(c *gin.Context, err error) {
	code := conference.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := ErrorBody{Error: ErrorDetail{Code: code, Message: conference.ErrorMessage(err)}}
	var e *conference.Error
	if errors.As(err, &e) {
		body.Error.Field = e.Field
		body.Error.Current = e.Current
		body.Error.Fields = e.Fields
		if len(e.Fields) == 0 && e.Field != "" && code == conference.EINVALID {
			body.Error.Fields = []conference.FieldError{{Field: e.Field, Message: e.Message}}
		}
	}
	if status >= 500 {
		a.log.Error("request failed", slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path), slog.Any("err", err))
	}
	c.AbortWithStatusJSON(status, body)
}

func abortWith(c *gin.Context, status int, code, message string) {
	c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorDetail{Code: code, Message: message}})
}
