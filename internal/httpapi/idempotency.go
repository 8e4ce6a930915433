package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// IdempotencyKeyHeader names the creating request a client may retry: the
// first successful answer under a key is replayed for
// conference.IdempotencyWindow instead of creating a second thing.
const IdempotencyKeyHeader = "Idempotency-Key"

// replayedHeader marks an answer that is a replay of a stored one.
const replayedHeader = "Idempotent-Replayed"

// maxIdempotencyKey bounds a key, in bytes: a UUID fits many times over.
const maxIdempotencyKey = 255

// ERUNNING is the HTTP layer's own code: a request with the same key is
// still being answered.
const ERUNNING = "request_in_progress"

// idempotencyHold is how long a claim keeps a key from a second request
// before it counts as abandoned (its process died). It is longer than any
// create takes, the register's large imports included.
const idempotencyHold = 5 * time.Minute

// keptHeaders are the headers of an answer that its replay repeats: what a
// client reads of a created thing besides the body.
var keptHeaders = []string{"Content-Type", "Location", "ETag"}

// idempotent reports whether route r honours an Idempotency-Key: every
// signed-in route that creates. The public one (the first admin's setup) can
// succeed only once anyway, and has no user to keep keys apart.
func idempotent(r route) bool {
	return r.method == http.MethodPost && r.status == http.StatusCreated && r.access != public
}

// idempotency replays the stored answer of a request whose key was used
// before by the same user, and stores the first successful answer of one
// whose key is new. A request without the header is served as it is.
func (a *api) idempotency(c *gin.Context) {
	key, sent := c.Request.Header[IdempotencyKeyHeader]
	if !sent {
		c.Next()
		return
	}
	if err := checkIdempotencyKey(key); err != nil {
		a.writeError(c, err)
		c.Abort()
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = &conference.Error{Code: ETOOLARGE, Message: fmt.Sprintf("The request body is larger than %d bytes.", tooLarge.Limit)}
		} else {
			err = conference.Invalid("body", "The request body could not be read.")
		}
		a.writeError(c, err)
		c.Abort()
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))

	// The answer is kept even when the client hangs up meanwhile: its retry
	// is what the answer is for.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), a.svc.WriteTimeout+idempotencyHold)
	defer cancel()
	now := a.svc.Now()
	claim := &conference.IdempotentAnswer{
		ID:        hashOf(actor(c).ID, key[0]),
		Request:   hashOf(c.Request.Method, c.Request.URL.Path, c.Request.URL.RawQuery, string(body)),
		CreatedAt: now,
		HeldUntil: now.Add(idempotencyHold),
		ExpiresAt: now.Add(conference.IdempotencyWindow),
	}
	st := a.cfg.Idempotency
	// Two rounds: a stale answer found in the first is dropped, and the
	// second claims the key or finds who did.
	for range 2 {
		claimed, err := st.ClaimAnswer(ctx, claim)
		if err != nil {
			a.writeError(c, err)
			c.Abort()
			return
		}
		if claimed {
			a.answerAndKeep(ctx, c, claim)
			return
		}
		prior, err := st.FindAnswer(ctx, claim.ID)
		switch {
		case err != nil:
			a.writeError(c, err)
			c.Abort()
			return
		case prior == nil: // its request failed and let the key go
			continue
		case prior.Stale(now):
			if err := st.DropStaleAnswer(ctx, claim.ID, now); err != nil {
				a.writeError(c, err)
				c.Abort()
				return
			}
			continue
		case prior.Request != claim.Request:
			a.writeError(c, &conference.Error{Code: conference.EMISMATCH, Field: IdempotencyKeyHeader,
				Message: "This Idempotency-Key was used for a different request (method, path or body); send a new key for a new request."})
			c.Abort()
			return
		case prior.Done:
			replay(c, prior)
			return
		}
		break
	}
	c.Header("Retry-After", "1")
	a.writeError(c, conference.Errorf(ERUNNING, "A request with this Idempotency-Key is still being answered; try again in a moment."))
	c.Abort()
}

// answerAndKeep runs the handler on a claimed key and stores its answer when
// it succeeded. A failure created nothing, so its claim is dropped: the
// client's retry is then served afresh rather than failing again.
func (a *api) answerAndKeep(ctx context.Context, c *gin.Context, claim *conference.IdempotentAnswer) {
	w := &keepingWriter{ResponseWriter: c.Writer}
	c.Writer = w
	c.Next()
	c.Writer = w.ResponseWriter
	st := a.cfg.Idempotency
	status := w.Status()
	if status < 200 || status > 299 {
		if err := st.DropAnswer(ctx, claim.ID); err != nil {
			a.log.Warn("release idempotency key", slog.Any("err", err))
		}
		return
	}
	claim.Done, claim.Status, claim.Body = true, status, w.body.Bytes()
	if kept, ok := c.Get(keptAnswerKey); ok {
		claim.Body = kept.([]byte)
	}
	claim.Header = map[string]string{}
	for _, name := range keptHeaders {
		if v := w.Header().Get(name); v != "" {
			claim.Header[name] = v
		}
	}
	if err := st.SaveAnswer(ctx, claim); err != nil {
		// The client has its answer; a retry finds the claim held until
		// it lapses, then runs again.
		a.log.Error("keep idempotent answer", slog.Any("err", err))
	}
}

// keptAnswerKey is where a handler whose answer holds a secret (a
// set-password link) puts the body to keep for a replay instead: the same
// answer without the secret, which the store must not hold.
const keptAnswerKey = "idempotency.kept"

// replay answers with a stored answer.
func replay(c *gin.Context, a *conference.IdempotentAnswer) {
	h := c.Writer.Header()
	for name, v := range a.Header {
		h.Set(name, v)
	}
	h.Set(replayedHeader, "true")
	c.Status(a.Status)
	_, _ = c.Writer.Write(a.Body)
	c.Abort()
}

// keepingWriter copies the answer's body as it is written.
type keepingWriter struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (w *keepingWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *keepingWriter) WriteString(s string) (int, error) {
	w.body.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// checkIdempotencyKey refuses a key that is empty, too long, sent twice or
// not printable ASCII: such a key is a client's mistake, which a replay
// would hide.
func checkIdempotencyKey(values []string) error {
	if len(values) != 1 {
		return conference.Invalid(IdempotencyKeyHeader, "Send one Idempotency-Key header, not %d.", len(values))
	}
	k := values[0]
	if k == "" || len(k) > maxIdempotencyKey {
		return conference.Invalid(IdempotencyKeyHeader, "Idempotency-Key must be 1 to %d characters.", maxIdempotencyKey)
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return conference.Invalid(IdempotencyKeyHeader, "Idempotency-Key must be printable ASCII.")
		}
	}
	return nil
}

// hashOf is a hash of parts that no other parts share: each is
// length-prefixed, so ("ab", "c") and ("a", "bc") differ.
func hashOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:", len(p))
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// idempotencyParam documents the header on the routes that honour it.
var idempotencyParam = map[string]any{
	"name": IdempotencyKeyHeader, "in": "header", "required": false,
	"description": "Any 1 to 255 printable ASCII characters, new for each new request (a UUID, say). A retry with the same key, " +
		"by the same user, within 24 hours, gets the first successful answer again (marked Idempotent-Replayed: true) instead of creating a second thing.",
	"schema":  map[string]any{"type": "string", "minLength": 1, "maxLength": maxIdempotencyKey, "pattern": "^[\\x20-\\x7E]+$"},
	"example": "5f0c3a52-8d6e-4f7b-9a0e-2c1d3b4a5e6f",
}

// documentIdempotency adds to a creating route's answers those of its key.
func documentIdempotency(r route, add func(status int, why string), out map[string]any) {
	if !idempotent(r) {
		return
	}
	add(409, "A duplicate, or a stale version; or (request_in_progress) a request with the same Idempotency-Key is still being answered, and Retry-After gives the seconds to wait.")
	add(422, "The Idempotency-Key was used within 24 hours for a different request: another method, path, query or body (idempotency_mismatch).")
	if ok, _ := out[itoa(r.status)].(map[string]any); ok != nil {
		hs, _ := ok["headers"].(map[string]any)
		if hs == nil {
			hs = map[string]any{}
			ok["headers"] = hs
		}
		hs[replayedHeader] = docHeader("boolean", "true when this answer is the stored first answer to a request with the same Idempotency-Key.")
	}
}
