package httpapi

import (
	"github.com/quintet-ag/quintet/internal/conference"
)

// followupRoutes are the routes of outcomes, actions and their exports.
//
// routes() is called once to register the engine and again to build the
// OpenAPI document; each call makes its own followupAPI, and only the
// registered one's caches are ever used.
func (a *api) followupRoutes() []route {
	f := newFollowupAPI(a)
	return []route{
		// Outcomes.
		{"GET", v1 + "/sessions/:id/outcomes", "The session's outcomes that the reader may read, as drafted", signedIn, nil, []conference.OutcomeView{}, 200, f.listOutcomes},
		{"POST", v1 + "/sessions/:id/outcomes", "Draft an outcome (the session's rapporteurs, chair, secretariat)", signedIn, conference.OutcomeInput{}, conference.OutcomeView{}, 201, f.createOutcome},
		{"POST", v1 + "/sessions/:id/notes/:seq/outcome", "Promote a note to a draft outcome in one step; the note is its source", signedIn, conference.OutcomeInput{}, conference.OutcomeView{}, 201, f.promoteToOutcome},
		{"POST", v1 + "/sessions/:id/notes/:seq/action", "Promote a note to an action in one step; the action keeps the note as its origin", signedIn, conference.ActionInput{}, conference.Action{}, 201, f.promoteToAction},
		{"GET", v1 + "/meetings/:id/outcomes", "Every outcome of the meeting's sessions that the reader may read", signedIn, nil, []conference.OutcomeView{}, 200, f.meetingOutcomes},
		{"GET", v1 + "/outcomes/:id", "Read an outcome, with its history and sign-offs", signedIn, nil, conference.OutcomeView{}, 200, f.getOutcome},
		{"PATCH", v1 + "/outcomes/:id", "Edit an outcome (version required); the secretariat marks it agreed or reopens it", signedIn, conference.OutcomeUpdate{}, conference.OutcomeView{}, 200, f.updateOutcome},
		{"POST", v1 + "/outcomes/:id/sign-offs", "Sign an agreed outcome off for your own delegation (heads of delegation)", signedIn, nil, conference.OutcomeView{}, 200, f.signOff},
		{"DELETE", v1 + "/outcomes/:id/sign-offs/:code", "Withdraw your delegation's sign-off (its head)", signedIn, nil, conference.OutcomeView{}, 200, f.withdrawSignOff},

		// Actions.
		{"GET", v1 + "/actions", "Actions the reader may read; filters meeting, topic, owner, status, overdue, due_before, changed_since; by due date", signedIn, nil, []conference.Action{}, 200, f.listActions},
		{"POST", v1 + "/actions", "Create an action from an outcome, a note, a session or a meeting", signedIn, conference.ActionInput{}, conference.Action{}, 201, f.createAction},
		{"GET", v1 + "/actions.csv", "The action list as CSV for spreadsheets (same filters as /actions)", signedIn, nil, nil, 200, f.actionsCSV},
		{"GET", v1 + "/actions/board", "Counts per delegation: overdue, due within 30 days, on track, done (same filters as /actions)", signedIn, nil, conference.Board{}, 200, f.board},
		{"GET", v1 + "/actions/mine", "The actions of your own delegation, with their counts", signedIn, nil, conference.DelegationActions{}, 200, f.mine},
		{"GET", v1 + "/actions/progress", "Actions changed since ?since=YYYY-MM-DD (default: the day after the last meeting), with their reports since", signedIn, nil, conference.Progress{}, 200, f.progress},
		{"GET", v1 + "/actions/:id", "Read an action with its progress reports", signedIn, nil, conference.Action{}, 200, f.getAction},
		{"PATCH", v1 + "/actions/:id", "Edit an action (version required; 409 with error.current when stale)", signedIn, conference.ActionUpdate{}, conference.Action{}, 200, f.updateAction},
		{"POST", v1 + "/actions/:id/reports", "File a dated progress report, optionally moving status and progress (version required)", signedIn, conference.ReportInput{}, conference.Action{}, 201, f.reportProgress},

		// Views of a meeting.
		{"GET", v1 + "/meetings/:id/carry-over", "Pending actions of earlier meetings under this meeting's agenda topics", signedIn, nil, []conference.CarryOverGroup{}, 200, f.carryOver},
		{"GET", v1 + "/meetings/:id/record.html", "The meeting record as a printable page: sessions, agreed outcomes with sign-offs, actions", signedIn, nil, nil, 200, f.recordHTML},
		{"GET", v1 + "/meetings/:id/record.md", "The meeting record as Markdown", signedIn, nil, nil, 200, f.recordMarkdown},

		// Calendar feeds.
		{"POST", v1 + "/delegations/:code/calendar", "Issue the delegation's calendar feed URL, revoking any earlier one (secretariat, its heads and follow-up team)", signedIn, nil, CalendarFeed{}, 201, f.issueCalendar},
		{"DELETE", v1 + "/delegations/:code/calendar", "Revoke the delegation's calendar feed", signedIn, nil, nil, 204, f.revokeCalendar},
		{"GET", v1 + "/calendar/:feed", "A delegation's action due dates as iCalendar; the secret URL is the credential", public, nil, nil, 200, f.calendar},
	}
}
