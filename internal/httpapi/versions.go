package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The HTTP layer's own codes for conditional writes. The domain knows only a
// stale version (conference.ESTALE); whether the client named it in If-Match
// or in the body decides between 412 and 409, which is HTTP's business.
const (
	EPRECONDITIONFAILED   = "precondition_failed"
	EPRECONDITIONREQUIRED = "precondition_required"
)

// versioned are the entities that carry a version, and so an ETag: the
// index of the Version field of each, by pointer type. Every answer passes
// entityTag, so the field is found once, here.
var versioned = versionFields(
	&conference.Meeting{}, &conference.Topic{}, &conference.Delegation{}, &conference.User{},
	&conference.Session{}, &conference.OutcomeView{}, &conference.Action{}, &conference.RegisterEntry{},
)

func versionFields(entities ...any) map[reflect.Type][]int {
	out := make(map[reflect.Type][]int, len(entities))
	for _, e := range entities {
		t := reflect.TypeOf(e)
		f, ok := t.Elem().FieldByName("Version")
		if !ok || f.Type.Kind() != reflect.Int64 {
			panic("httpapi: " + t.String() + " has no int64 Version")
		}
		out[t] = f.Index
	}
	return out
}

// entityTag is the strong ETag of a versioned entity: its version, quoted.
// The version changes with every stored change, so equal tags mean equal
// representations for one reader.
func entityTag(v any) (string, bool) {
	field, ok := versioned[reflect.TypeOf(v)]
	if !ok {
		return "", false
	}
	p := reflect.ValueOf(v)
	if p.IsNil() {
		return "", false
	}
	version := p.Elem().FieldByIndex(field).Int()
	if version < 1 {
		return "", false
	}
	return `"` + strconv.FormatInt(version, 10) + `"`, true
}

// editPrecondition is where the version an edit was made on came from.
type editPrecondition struct {
	ifMatch bool // from If-Match: a stale one is 412, not 409
}

// precondition finds the version a PATCH or DELETE was made on and stores it
// in *version, the body's version field: from If-Match when the client sent
// one, else from the body. Sending neither is refused (428), so that no
// client overwrites a change it never saw; so is an If-Match that names no
// version, or that disagrees with the body.
func precondition(c *gin.Context, version **int64) (editPrecondition, error) {
	header := strings.TrimSpace(c.GetHeader("If-Match"))
	if header == "" {
		if *version == nil {
			return editPrecondition{}, &conference.Error{Code: EPRECONDITIONREQUIRED, Field: "version",
				Message: `Send the version you edited, as If-Match: "<version>" (the ETag of your read) or as the body's version.`}
		}
		return editPrecondition{}, nil
	}
	v, err := ifMatchVersion(header)
	if err != nil {
		return editPrecondition{}, err
	}
	if *version != nil && **version != v {
		return editPrecondition{}, conference.Invalid("version",
			"If-Match names version %d and the body version %d; send one, or the same in both.", v, **version)
	}
	*version = &v
	return editPrecondition{ifMatch: true}, nil
}

// ifMatchVersion reads the one version an If-Match header names. A weak tag
// never matches under the strong comparison that If-Match asks for, so it
// stands for no version at all (0), which is never current.
func ifMatchVersion(header string) (int64, error) {
	if strings.HasPrefix(header, "W/") {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(header, `"`), `"`), 10, 64)
	if err != nil || n < 1 || len(header) < 3 || header[0] != '"' || header[len(header)-1] != '"' {
		return 0, conference.Invalid("If-Match", `If-Match must name one version as its ETag did, such as "3".`)
	}
	return n, nil
}

// check turns a stale version named in If-Match into 412; one from the body
// stays the domain's 409. Both carry the entity as it stands now.
func (p editPrecondition) check(err error) error {
	var e *conference.Error
	if !p.ifMatch || !errors.As(err, &e) || e.Code != conference.ESTALE {
		return err
	}
	failed := *e
	failed.Code = EPRECONDITIONFAILED
	return &failed
}

// versionBody is the optional body of a conditional DELETE.
type versionBody struct {
	Version *int64 `json:"version"`
}

// bindOptional decodes a body when there is one: a DELETE may carry the
// version it was made on, or send it as If-Match and no body.
func bindOptional(r replies, c *gin.Context, dst any) bool {
	if c.Request.Body == nil || c.Request.Body == http.NoBody || c.Request.ContentLength == 0 {
		return true
	}
	return r.bind(c, dst)
}

// writeCSV answers rows, or err, as the CSV that write makes of them with
// the reader's topics named by topicName, as the attachment file. Whole,
// not streamed: its hash is the ETag that lets a spreadsheet's refresh skip
// an unchanged list.
func writeCSV[T any](c *gin.Context, w errorWriter, file string, rows []T, err error,
	topics func(context.Context, *conference.User) ([]*conference.Topic, error), topicName func(*conference.Topic) string,
	write func(io.Writer, []T, map[string]string) error) {
	if err != nil {
		w.writeError(c, err)
		return
	}
	ts, err := topics(c, actor(c))
	if err != nil {
		w.writeError(c, err)
		return
	}
	names := make(map[string]string, len(ts))
	for _, t := range ts {
		names[t.ID] = topicName(t)
	}
	var buf bytes.Buffer
	if err := write(&buf, rows, names); err != nil {
		w.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+file+`"`)
	writeConditional(c, "text/csv; charset=utf-8", buf.Bytes())
}

// bodyTag is the entity tag of body's bytes.
func bodyTag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// writeConditional answers body with a strong ETag made of its hash, or 304
// when the client's If-None-Match already names it: a spreadsheet or a
// calendar that polls an export then fetches only what changed.
func writeConditional(c *gin.Context, contentType string, body []byte) {
	tag := bodyTag(body)
	c.Header("ETag", tag)
	if noneMatch(c.GetHeader("If-None-Match"), tag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, contentType, body)
}

// noneMatch reports whether an If-None-Match header names tag. It compares
// weakly, as RFC 9110 asks for If-None-Match: W/"x" matches "x".
func noneMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// conditionalWrites are the routes that take If-Match or the body's version,
// by method and Gin path.
var conditionalWrites = map[string]bool{
	"PATCH " + v1 + "/meetings/:id":       true,
	"PATCH " + v1 + "/topics/:id":         true,
	"PATCH " + v1 + "/delegations/:code":  true,
	"PATCH " + v1 + "/users/:id":          true,
	"PATCH " + v1 + "/me/reminders":       true,
	"PATCH " + v1 + "/sessions/:id":       true,
	"DELETE " + v1 + "/sessions/:id":      true,
	"PATCH " + v1 + "/outcomes/:id":       true,
	"PATCH " + v1 + "/actions/:id":        true,
	"POST " + v1 + "/actions/:id/reports": true,
	"PATCH " + v1 + "/register/:id":       true,
}

// conditionalExports are the text answers with an ETag of their content,
// which answer 304 to If-None-Match.
var conditionalExports = map[string]bool{
	"GET " + v1 + "/actions.csv":       true,
	"GET " + v1 + "/register.csv":      true,
	"GET " + v1 + "/calendar/:feed":    true,
	"GET " + v1 + "/agenda-feed/:feed": true,
}

// versionedType reports whether answers of type t carry a version, and so
// an ETag: whether entityTag knows t.
func versionedType(t reflect.Type) bool {
	if t == nil {
		return false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	_, ok := versioned[reflect.PointerTo(t)]
	return ok
}

// conditionalParams documents the request headers of a conditional route.
func conditionalParams(key string) []any {
	switch {
	case conditionalWrites[key]:
		return []any{map[string]any{"name": "If-Match", "in": "header", "required": false,
			"description": `The version the change was made on, as the read's ETag gave it ("3"). Send it here or as the body's version; a stale one here is 412, in the body 409, and sending neither is 428.`,
			"schema":      map[string]any{"type": "string"}, "example": `"3"`}}
	case conditionalExports[key]:
		return []any{map[string]any{"name": "If-None-Match", "in": "header", "required": false,
			"description": "The ETag of the copy the client holds: 304 and no body when it is still current.",
			"schema":      map[string]any{"type": "string"}, "example": `"qK3v0m1cXb2Tn8y7RUpW4dEf"`}}
	}
	return nil
}

var etagHeader = docHeader("string", `A strong entity tag: the entity's version, quoted ("3"), for If-Match; on an export, a hash of the answer, for If-None-Match.`)

// conditionalAnswers adds the answers and headers of conditional requests to
// a route's documented responses; add documents an error answer.
func conditionalAnswers(r route, out map[string]any, add func(status int, why string)) {
	key := r.method + " " + r.path
	withETag := func(status string) {
		if h := answerHeaders(out, status); h != nil {
			h["ETag"] = etagHeader
		}
	}
	if versionedType(reflect.TypeOf(r.reply)) {
		withETag(itoa(r.status))
	}
	if conditionalWrites[key] {
		add(http.StatusConflict, "stale_version: the body's version is not the current one; error.current is the entity as it stands now. Or a duplicate, or a state that refuses the change.")
		add(http.StatusPreconditionFailed, "precondition_failed: If-Match names a version that is not the current one; error.current is the entity as it stands now.")
		add(http.StatusPreconditionRequired, "precondition_required: neither If-Match nor the body's version was sent.")
	}
	if conditionalExports[key] {
		withETag(itoa(r.status))
		out[itoa(http.StatusNotModified)] = map[string]any{"description": "If-None-Match names the current ETag: the client's copy is current.",
			"headers": map[string]any{"ETag": etagHeader}}
	}
}
