package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// One's own password, and one-time set-password links (conference/account.go).

// passwordChange is what changing one's own password takes.
type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

// ResetLinkReply is a set-password link, shown once: only its hash is kept.
type ResetLinkReply struct {
	UserID    string    `json:"user_id"`
	Email     string    `json:"email"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	// Path is the web app's page that takes the link, to prefix with the
	// server's origin. The token is in the fragment, which browsers send to
	// no server and put in no Referer.
	Path string `json:"path"`
}

// passwordSet is what using a set-password link takes.
type passwordSet struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// PasswordSetReply names the account whose password was set, to sign in with.
type PasswordSetReply struct {
	Email string `json:"email"`
}

// ImportedAccountReply is an account an import opened, and its one-time
// set-password link.
type ImportedAccountReply struct {
	User conference.User `json:"user"`
	// Link is shown in the first answer only: a replay of it (the same
	// Idempotency-Key) has null here, since only the link's hash is kept.
	// The secretariat then issues a new link (reset-link).
	Link *ResetLinkReply `json:"link"`
}

// UserImportReply is every account an import opened, in the file's order.
type UserImportReply struct {
	Accounts []ImportedAccountReply `json:"accounts"`
}

func (a *api) accountRoutes() []route {
	return []route{
		// A CSV body, as the register's import takes (bodyTypes): the file
		// goes as it is, and a row's line in the refusal is its line in the
		// file the secretariat has open.
		{method: "POST", path: v1 + "/users/import", summary: "Import accounts from a CSV body (text/csv; header name,email,roles,delegation; at most 1,000 rows): all or nothing, a refusal names every bad row; each account has no password and gets a one-time set-password link, shown in this answer only", access: admin, reply: UserImportReply{}, status: 201, handle: a.importUsers, self: v1 + "/users"},
		{method: "POST", path: v1 + "/me/password", summary: "Change one's own password (the current one is required); every other login and API token of the account ends, this one stays", access: signedIn, body: passwordChange{}, status: 204, handle: a.changePassword},
		// 200, not 201: the answer holds a secret, which an Idempotency-Key
		// would keep in the store for a replay. A retry issues a new link,
		// which replaces the first.
		{method: "POST", path: v1 + "/users/:id/reset-link", summary: "Issue a one-time set-password link for an account (shown once, works for 24 hours, replaces any earlier link)", access: admin, reply: ResetLinkReply{}, status: 200, handle: a.issueResetLink},
		{method: "POST", path: v1 + "/set-password", summary: "Set an account's password with its one-time link; the link ends, and so does every login and API token of the account", access: public, body: passwordSet{}, reply: PasswordSetReply{}, status: 200, handle: a.setPassword},
	}
}

func (a *api) changePassword(c *gin.Context) {
	var req passwordChange
	if !a.bind(c, &req) {
		return
	}
	u := actor(c)
	// Whoever holds a login could guess the current password here: bounded
	// per account and per address, as at sign-in.
	if !a.allowAttempt(c, "me:"+u.ID, "Too many password attempts; wait a minute and try again.") {
		return
	}
	err := a.svc.ChangeOwnPassword(c, u, credential(c), req.CurrentPassword, req.Password)
	a.respond(c, http.StatusNoContent, nil, err)
}

func (a *api) issueResetLink(c *gin.Context) {
	link, err := a.svc.IssueResetLink(c, actor(c), c.Param("id"))
	if err != nil {
		a.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, resetLinkReply(link))
}

func (a *api) importUsers(c *gin.Context) {
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		a.writeError(c, conference.Invalid("file", "Send the CSV file as the request body (Content-Type: text/csv)."))
		return
	}
	got, err := a.svc.ImportUsers(c, actor(c), c.Request.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		err = &conference.Error{Code: ETOOLARGE, Message: "The file is larger than 1 MiB; split it."}
	}
	if err != nil {
		a.writeError(c, err)
		return
	}
	reply := UserImportReply{Accounts: make([]ImportedAccountReply, len(got))}
	kept := UserImportReply{Accounts: make([]ImportedAccountReply, len(got))}
	for i, x := range got {
		l := resetLinkReply(x.Link)
		reply.Accounts[i] = ImportedAccountReply{User: *x.User, Link: &l}
		kept.Accounts[i] = ImportedAccountReply{User: *x.User}
	}
	// What an Idempotency-Key keeps for a replay holds no link: the store
	// keeps only links' hashes.
	if b, err := json.Marshal(kept); err == nil {
		c.Set(keptAnswerKey, b)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, reply)
}

func resetLinkReply(l *conference.ResetLink) ResetLinkReply {
	return ResetLinkReply{UserID: l.UserID, Email: l.Email, Token: l.Token, ExpiresAt: l.ExpiresAt,
		Path: "/#/set-password?token=" + l.Token}
}

func (a *api) setPassword(c *gin.Context) {
	// As at sign-in: a page elsewhere must not set a password it chose.
	if msg := forgedWrite(c.Request, c.FullPath()); msg != "" {
		abortWith(c, http.StatusForbidden, conference.EFORBIDDEN, msg)
		return
	}
	var req passwordSet
	if !a.bind(c, &req) {
		return
	}
	if origin := c.GetHeader("Origin"); origin != "" && !a.originAllowed(origin) {
		abortWith(c, http.StatusForbidden, conference.EFORBIDDEN, "Requests from origin "+origin+" are not allowed.")
		return
	}
	// A link holds 256 random bits, so guessing one is hopeless; the limits
	// keep it so, and keep the route from being a way to spend the server's
	// password hashing. The account bucket is the link's own (by its hash):
	// one shared bucket would let anyone lock every link out.
	if !a.allowAttempt(c, "set-password:"+conference.HashSecret(req.Token)[:16], "Too many attempts; wait a minute and try again.") {
		return
	}
	email, err := a.svc.SetPasswordWithLink(c, req.Token, req.Password)
	a.respond(c, http.StatusOK, PasswordSetReply{Email: email}, err)
}

// allowAttempt spends one attempt of account's and the client address's
// buckets of the password limits (not the sign-in ones), sets the RateLimit headers, and answers 429 when either is empty.
func (a *api) allowAttempt(c *gin.Context, account, refusal string) bool {
	now := time.Now()
	ok := a.passwords.allow(account, c.ClientIP(), now)
	q := a.passwords.quota(account, c.ClientIP(), now)
	setRateLimit(c, q)
	if !ok {
		c.Header("Retry-After", strconv.Itoa(max(1, q.retry)))
		a.writeError(c, &conference.Error{Code: conference.ERATELIMITED, Message: refusal})
	}
	return ok
}
