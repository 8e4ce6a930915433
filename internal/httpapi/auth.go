package httpapi

import (
	"container/list"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// CookieName is the login cookie.
const CookieName = "quintet_login"

const actorKey = "quintet.actor"

// authenticate finds who is calling, by login cookie or bearer token, and
// refuses the request with 401 when nobody is.
func (a *api) authenticate(c *gin.Context) {
	u, via, err := a.caller(c)
	if err != nil {
		a.writeError(c, err)
		return
	}
	// A cookie is sent by the browser whatever page asks, so a write that rides
	// on one must come from one of our own pages. Bearer tokens are not sent
	// automatically and need no such check.
	if via == viaCookie && !safeMethod(c.Request.Method) {
		if origin := c.GetHeader("Origin"); origin != "" && !a.originAllowed(origin) {
			abortWith(c, http.StatusForbidden, conference.EFORBIDDEN, "Requests from origin "+origin+" are not allowed.")
			return
		}
		if msg := forgedWrite(c.Request, c.FullPath()); msg != "" {
			abortWith(c, http.StatusForbidden, conference.EFORBIDDEN, msg)
			return
		}
	}
	c.Set(actorKey, u)
	c.Next()
}

// bodyTypes are the bodies of the routes that take no JSON, by method and
// path, as the web app sends them.
var bodyTypes = map[string]string{
	http.MethodPost + " " + v1 + "/register.csv": "text/csv",
	http.MethodPost + " " + v1 + "/users/import": "text/csv",
}

// forgedWrite says why a write riding on the login cookie may come from
// another site's page, or "" when nothing suggests it does. This stands
// beside SameSite and the Origin check, for browsers or proxies that drop
// either: a page elsewhere can make the browser send a form (urlencoded,
// multipart or text/plain) or an untyped body without asking first, but not
// an application/json or text/csv one, and a browser that sends
// Sec-Fetch-Site says where the request comes from. The web app sends its
// bodies typed and sends bodyless writes (sign out, start a session) untyped.
func forgedWrite(r *http.Request, route string) string {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "cross-site", "same-site":
		return "Sec-Fetch-Site is " + site + ": a browser signs in and writes only from Quintet's own pages."
	}
	want, ok := bodyTypes[r.Method+" "+route]
	if !ok {
		want = "application/json"
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 {
		return ""
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != want {
		if ct == "" {
			ct = "missing"
		}
		return "Content-Type must be " + want + " for a browser's write (it is " + ct + ")."
	}
	return ""
}

type credentialKind int

const (
	viaNone credentialKind = iota
	viaCookie
	viaToken
)

func (a *api) caller(c *gin.Context) (*conference.User, credentialKind, error) {
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return nil, viaNone, conference.Errorf(conference.EUNAUTHORIZED, "The Authorization header must be \"Bearer <token>\".")
		}
		u, err := a.svc.TokenUser(c, strings.TrimSpace(token))
		return u, viaToken, err
	}
	if secret, err := c.Cookie(CookieName); err == nil && secret != "" {
		u, err := a.svc.LoginUser(c, secret)
		return u, viaCookie, err
	}
	return nil, viaNone, conference.Errorf(conference.EUNAUTHORIZED, "Sign in first.")
}

// Credential returns the secret that authenticated the request, so that the
// live endpoint can notice when it is revoked.
func credential(c *gin.Context) string {
	if h := c.GetHeader("Authorization"); h != "" {
		_, token, _ := strings.Cut(h, " ")
		return strings.TrimSpace(token)
	}
	secret, _ := c.Cookie(CookieName)
	return secret
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func actor(c *gin.Context) *conference.User {
	u, _ := c.Get(actorKey)
	actor, _ := u.(*conference.User)
	return actor
}

// Me is what the signed-in user learns about themselves.
type Me struct {
	User      *conference.User   `json:"user"`
	Clearance conference.Marking `json:"clearance"`
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (a *api) login(c *gin.Context) {
	// Signing a browser in to an account of the attacker's choosing is a
	// forged write too, although no cookie rides on it yet.
	if msg := forgedWrite(c.Request, c.FullPath()); msg != "" {
		abortWith(c, http.StatusForbidden, conference.EFORBIDDEN, msg)
		return
	}
	var req loginRequest
	if !a.bind(c, &req) {
		return
	}
	if origin := c.GetHeader("Origin"); origin != "" && !a.originAllowed(origin) {
		abortWith(c, http.StatusForbidden, conference.EFORBIDDEN, "Requests from origin "+origin+" are not allowed.")
		return
	}
	if req.Email == "" {
		a.writeError(c, conference.Invalid("email", "Give your e-mail address."))
		return
	}
	if req.Password == "" {
		a.writeError(c, conference.Invalid("password", "Give your password."))
		return
	}
	now := time.Now()
	ok := a.limits.allow(conference.NormalizeEmail(req.Email), c.ClientIP(), now)
	q := a.limits.quota(conference.NormalizeEmail(req.Email), c.ClientIP(), now)
	setRateLimit(c, q)
	if !ok {
		c.Header("Retry-After", strconv.Itoa(max(1, q.retry)))
		a.writeError(c, conference.Errorf(conference.ERATELIMITED, "Too many sign-in attempts; wait a minute and try again."))
		return
	}
	secret, u, err := a.svc.SignIn(c, req.Email, req.Password)
	if err != nil {
		a.writeError(c, err)
		return
	}
	a.setLoginCookie(c, secret, int(conference.MaxLoginAge.Seconds()))
	c.JSON(http.StatusOK, Me{User: u, Clearance: u.Clearance()})
}

func (a *api) setLoginCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     CookieName,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   a.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

func (a *api) logout(c *gin.Context) {
	if secret, err := c.Cookie(CookieName); err == nil {
		if err := a.svc.SignOut(c, secret); err != nil {
			a.writeError(c, err)
			return
		}
	}
	a.setLoginCookie(c, "", -1)
	c.Status(http.StatusNoContent)
}

func (a *api) me(c *gin.Context) {
	u := actor(c)
	c.JSON(http.StatusOK, Me{User: u, Clearance: u.Clearance()})
}

// SetupState tells the web app whether the first admin is still to be created.
type SetupState struct {
	Needed bool `json:"needed"`
}

type setupRequest struct {
	Secret   string `json:"secret"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

func (a *api) setupState(c *gin.Context) {
	c.JSON(http.StatusOK, SetupState{Needed: a.svc.NeedsSetup()})
}

func (a *api) setup(c *gin.Context) {
	var req setupRequest
	if !a.bind(c, &req) {
		return
	}
	now := time.Now()
	ok := a.limits.allow("setup", c.ClientIP(), now)
	q := a.limits.quota("setup", c.ClientIP(), now)
	setRateLimit(c, q)
	if !ok {
		c.Header("Retry-After", strconv.Itoa(max(1, q.retry)))
		a.writeError(c, conference.Errorf(conference.ERATELIMITED, "Too many attempts; wait a minute and try again."))
		return
	}
	u, err := a.svc.CompleteSetup(c, req.Secret, conference.UserInput{Email: req.Email, Name: req.Name, Password: req.Password})
	if err != nil {
		a.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

// loginLimits bounds sign-in attempts per account and per client address, so
// that neither one account nor one machine can guess passwords at speed.
type loginLimits struct {
	mu        sync.Mutex
	byAccount *limiter
	byAddress *limiter
}

const (
	accountBurst  = 10
	accountRefill = 30 * time.Second
	addressBurst  = 30
	addressRefill = 2 * time.Second
)

// DefaultLoginLimitKeys is the sign-in limiter's bound when none is configured.
const DefaultLoginLimitKeys = 100_000

func newLoginLimits(maxKeys int) *loginLimits {
	if maxKeys <= 0 {
		maxKeys = DefaultLoginLimitKeys
	}
	return &loginLimits{
		byAccount: newLimiter(accountBurst, accountRefill, maxKeys),
		byAddress: newLimiter(addressBurst, addressRefill, maxKeys),
	}
}

func (l *loginLimits) allow(account, address string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The address first: an attempt it refuses must not add an account to
	// the table, or one machine could fill it with made-up e-mails.
	return l.byAddress.take(address, now) && l.byAccount.take(account, now)
}

// quota is what is left of the tighter of an attempt's two buckets.
type quota struct {
	policy    string // "account" or "address"
	remaining int    // whole attempts left
	reset     int    // seconds until the bucket is full again
	retry     int    // seconds until one attempt is allowed again; 0 when one is
}

// quota reports the state of the buckets of account and address at now,
// after an attempt; it spends nothing.
func (l *loginLimits) quota(account, address string, now time.Time) quota {
	l.mu.Lock()
	defer l.mu.Unlock()
	acc := l.byAccount.state("account", account, now)
	addr := l.byAddress.state("address", address, now)
	if addr.remaining < acc.remaining || addr.remaining == acc.remaining && addr.reset > acc.reset {
		return addr
	}
	return acc
}

func (l *loginLimits) sizes() (accounts, addresses int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byAccount.byKey), len(l.byAddress.byKey)
}

// limiter is a table of token buckets, one per key, bounded to maxKeys.
// A bucket that has refilled carries no information (a new one would be the
// same), so those are forgotten, least recently used first; a bucket still
// refilling, throttled or not, is never forgotten: when the table is full of
// them, a new key is refused instead. Forgetting a throttled account to make
// room would let anyone lift its throttle by trying enough other e-mails.
type limiter struct {
	burst   float64
	refill  time.Duration
	maxKeys int
	byKey   map[string]*list.Element // of *bucket
	// order holds the buckets least recently used first. A bucket used
	// earlier has had longer to refill, so the front is the one to test.
	order list.List
}

// A bucket holds up to burst attempts and gains one back every refill.
type bucket struct {
	key    string
	tokens float64
	last   time.Time
}

func newLimiter(burst float64, refill time.Duration, maxKeys int) *limiter {
	return &limiter{burst: burst, refill: refill, maxKeys: maxKeys, byKey: map[string]*list.Element{}}
}

// level is b's tokens at now.
func (l *limiter) level(b *bucket, now time.Time) float64 {
	return min(l.burst, b.tokens+float64(max(0, now.Sub(b.last)))/float64(l.refill))
}

// state reports key's bucket at now; a key without one has its whole burst.
func (l *limiter) state(policy, key string, now time.Time) quota {
	q := quota{policy: policy, remaining: int(l.burst)}
	e := l.byKey[key]
	if e == nil {
		return q
	}
	tokens := l.level(e.Value.(*bucket), now)
	q.remaining = int(tokens)
	q.reset = ceilSeconds(time.Duration((l.burst - tokens) * float64(l.refill)))
	if tokens < 1 {
		q.retry = max(1, ceilSeconds(time.Duration((1-tokens)*float64(l.refill))))
	}
	return q
}

func ceilSeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

// take spends one of key's tokens and reports whether it had one.
func (l *limiter) take(key string, now time.Time) bool {
	// Each bucket is removed at most once per insertion, so this loop costs
	// O(1) per take, amortised.
	for e := l.order.Front(); e != nil && l.level(e.Value.(*bucket), now) >= l.burst; e = l.order.Front() {
		delete(l.byKey, e.Value.(*bucket).key)
		l.order.Remove(e)
	}
	var b *bucket
	if e := l.byKey[key]; e != nil {
		b = e.Value.(*bucket)
		b.tokens, b.last = l.level(b, now), now
		l.order.MoveToBack(e)
	} else {
		if len(l.byKey) >= l.maxKeys {
			return false
		}
		b = &bucket{key: key, tokens: l.burst, last: now}
		l.byKey[key] = l.order.PushBack(b)
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
