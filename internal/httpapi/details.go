package httpapi

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/problem"
)

// bodyType is the media type a route's request body must have.
func bodyType(method, path string) string {
	if mt, ok := bodyTypes[method+" "+path]; ok {
		return mt
	}
	return "application/json"
}

// requireMediaType refuses a body of another media type than the route
// takes, with 415: a form or a text/plain body is never read as JSON. A write
// without a body (an untyped empty one) is let through: the route's own
// binding says whether it needs one.
func requireMediaType(want string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		ct := r.Header.Get("Content-Type")
		if ct == "" && (r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody) {
			c.Next()
			return
		}
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != want {
			if ct == "" {
				ct = "missing"
			}
			c.Header("Accept-Post", want)
			abortWith(c, http.StatusUnsupportedMediaType, problem.EUNSUPPORTEDMEDIA,
				"The body must be "+want+" (its Content-Type is "+ct+").")
			return
		}
		c.Next()
	}
}

// takesBody reports whether a method's requests carry a body.
func takesBody(method string) bool {
	return method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut
}

// baseURL is the scheme and host the client reached: QUINTET_PUBLIC_URL
// when set, else the request's own.
func (a *api) baseURL(r *http.Request) string {
	if a.cfg.PublicURL != "" {
		return strings.TrimRight(a.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// locate gives a 201 the absolute Location of what it created: self is its
// path, each :name in it filled from the answer's member of that name, or
// else from the request's path parameter.
func (a *api) locate(self string) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Writer = &locationWriter{ResponseWriter: c.Writer, c: c, self: self, base: a.baseURL}
		c.Next()
	}
}

type locationWriter struct {
	gin.ResponseWriter
	c    *gin.Context
	self string
	base func(*http.Request) string
	done bool
}

func (w *locationWriter) Write(b []byte) (int, error) {
	w.setLocation(b)
	return w.ResponseWriter.Write(b)
}

func (w *locationWriter) WriteString(s string) (int, error) {
	w.setLocation([]byte(s))
	return w.ResponseWriter.WriteString(s)
}

// setLocation runs before the first byte of the body, while the headers
// can still change.
func (w *locationWriter) setLocation(body []byte) {
	if w.done || w.Written() || w.Status() != http.StatusCreated {
		return
	}
	w.done = true
	var members map[string]any
	_ = json.Unmarshal(body, &members)
	ok := true
	path := ginParam.ReplaceAllStringFunc(w.self, func(p string) string {
		name := p[1:]
		switch v := members[name].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		if v := w.c.Param(name); v != "" {
			return v
		}
		ok = false
		return p
	})
	if ok {
		w.Header().Set("Location", w.base(w.c.Request)+path)
	}
}

// limited are the routes that spend a rate limit's quota, by method and
// path: they carry the RateLimit header fields (IETF httpapi draft).
var limited = map[string]bool{
	http.MethodPost + " " + v1 + "/login":        true,
	http.MethodPost + " " + v1 + "/setup":        true,
	http.MethodPost + " " + v1 + "/me/password":  true,
	http.MethodPost + " " + v1 + "/set-password": true,
}

var (
	rateLimitPolicyDoc = docHeader("string", `The quotas that apply, as structured fields: "account" (per account, or per setup) and "address" (per client address), each with q (attempts) and w (the seconds the bucket takes to refill).`)
	rateLimitDoc       = docHeader("string", `The quota nearest to running out: r (attempts left) and t (seconds until it is full again).`)
)

// loginPolicy describes the sign-in limiter's two token buckets: q attempts,
// refilled one per refill, so full again after q×refill.
var loginPolicy = `"account";q=` + strconv.Itoa(accountBurst) + `;w=` + strconv.Itoa(int(accountBurst*accountRefill.Seconds())) +
	`, "address";q=` + strconv.Itoa(addressBurst) + `;w=` + strconv.Itoa(int(addressBurst*addressRefill.Seconds()))

// setRateLimit writes the RateLimit header fields of an attempt on a
// limited route.
func setRateLimit(c *gin.Context, q quota) {
	c.Header("RateLimit-Policy", loginPolicy)
	c.Header("RateLimit", `"`+q.policy+`";r=`+strconv.Itoa(q.remaining)+`;t=`+strconv.Itoa(q.reset))
}
