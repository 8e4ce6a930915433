package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// outcomeAPI serves outcomes and their sign-offs.
type outcomeAPI struct {
	replies
	svc interface {
		Outcomes(ctx context.Context, actor *conference.User, sessionID string) ([]*conference.OutcomeView, error)
		MeetingOutcomes(ctx context.Context, actor *conference.User, meetingID string) ([]*conference.OutcomeView, error)
		Outcome(ctx context.Context, actor *conference.User, id string) (*conference.OutcomeView, error)
		CreateOutcome(ctx context.Context, actor *conference.User, sessionID string, in conference.OutcomeInput) (*conference.OutcomeView, error)
		PromoteNoteToOutcome(ctx context.Context, actor *conference.User, sessionID string, seq int64, in conference.OutcomeInput) (*conference.OutcomeView, error)
		UpdateOutcome(ctx context.Context, actor *conference.User, id string, upd conference.OutcomeUpdate) (*conference.OutcomeView, error)
		SignOff(ctx context.Context, actor *conference.User, id string) (*conference.OutcomeView, error)
		WithdrawSignOff(ctx context.Context, actor *conference.User, id, code, reason string) (*conference.OutcomeView, error)
	}
}

func (h *outcomeAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/sessions/:id/outcomes", summary: "The session's outcomes that the reader may read, as drafted", access: signedIn, reply: listPage[*conference.OutcomeView]{}, status: 200, handle: h.list},
		{method: "POST", path: v1 + "/sessions/:id/outcomes", summary: "Draft an outcome (the session's rapporteurs, chair, secretariat)", access: signedIn, body: conference.OutcomeInput{}, reply: conference.OutcomeView{}, status: 201, handle: paramBodyCall(h, 201, "id", h.svc.CreateOutcome), self: v1 + "/outcomes/:id"},
		{method: "POST", path: v1 + "/sessions/:id/notes/:seq/outcome", summary: "Promote a note to a draft outcome in one step; the note is its source", access: signedIn, body: conference.OutcomeInput{}, reply: conference.OutcomeView{}, status: 201, handle: promoteCall(h, h.svc.PromoteNoteToOutcome), self: v1 + "/outcomes/:id"},
		{method: "GET", path: v1 + "/meetings/:id/outcomes", summary: "Every outcome of the meeting's sessions that the reader may read", access: signedIn, reply: listPage[*conference.OutcomeView]{}, status: 200, handle: h.ofMeeting},
		{method: "GET", path: v1 + "/outcomes/:id", summary: "Read an outcome, with its history and sign-offs", access: signedIn, reply: conference.OutcomeView{}, status: 200, handle: paramCall(h, 200, "id", h.svc.Outcome)},
		{method: "PATCH", path: v1 + "/outcomes/:id", summary: "Edit an outcome (version required); the secretariat marks it agreed or reopens it", access: signedIn, body: conference.OutcomeUpdate{}, reply: conference.OutcomeView{}, status: 200, handle: versionedCall(h, 200, "id", func(in *conference.OutcomeUpdate) **int64 { return &in.Version }, h.svc.UpdateOutcome)},
		{method: "POST", path: v1 + "/outcomes/:id/sign-offs", summary: "Sign an agreed outcome off for your own delegation (heads of delegation)", access: signedIn, reply: conference.OutcomeView{}, status: 200, handle: paramCall(h, 200, "id", h.svc.SignOff)},
		{method: "POST", path: v1 + "/outcomes/:id/sign-offs/:code/withdraw", summary: "Withdraw your delegation's sign-off, saying why (its head); it stays in the outcome's withdrawals", access: signedIn, body: conference.SignOffWithdrawalInput{}, reply: conference.OutcomeView{}, status: 200, handle: h.withdrawSignOff},
	}
}

// seqParam reads the note's :seq. On failure it has answered.
func seqParam(c *gin.Context, w errorWriter) (int64, bool) {
	seq, err := strconv.ParseInt(c.Param("seq"), 10, 64)
	if err != nil || seq < 1 {
		w.writeError(c, conference.Invalid("seq", "The note's number (seq) must be a whole number, 1 or more."))
		return 0, false
	}
	return seq, true
}

func (h *outcomeAPI) withdrawSignOff(c *gin.Context) {
	var in conference.SignOffWithdrawalInput
	if !h.bind(c, &in) {
		return
	}
	v, err := h.svc.WithdrawSignOff(c, actor(c), c.Param("id"), strings.ToUpper(c.Param("code")), in.Reason)
	h.respond(c, http.StatusOK, v, err)
}

func outcomeID(o *conference.OutcomeView) string { return o.ID }
func (h *outcomeAPI) list(c *gin.Context) {
	v, err := h.svc.Outcomes(c, actor(c), c.Param("id"))
	listOf(c, h, v, err, outcomeID)
}

func (h *outcomeAPI) ofMeeting(c *gin.Context) {
	v, err := h.svc.MeetingOutcomes(c, actor(c), c.Param("id"))
	listOf(c, h, v, err, outcomeID)
}
