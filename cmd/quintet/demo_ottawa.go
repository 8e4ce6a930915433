package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The demo's second meeting: Ottawa 2015, invented and marked as an example
// (example: true), so that a new user sees a topic's lineage from 2014 to
// 2015, the brief for the next meeting and coverage over time on first
// start. London 2014's seed stays the press release's facts: the actions,
// reports and outcome the demo adds to it are marked as examples too.

const ottawaID = "ottawa-2015"

// demoLondonAction is an invented action of London 2014, with the reports
// filed on it since.
type demoLondonAction struct {
	session, topic string
	in             conference.ActionInput
	reports        []conference.ReportInput
}

var demoLondonActions = []demoLondonAction{
	{session: "london-2014-d2-privacy", topic: "privacy-information-sharing",
		in: conference.ActionInput{Title: "Compare the privacy safeguards that apply when investigators share information across borders",
			Owner: "US", Agency: "Department of Justice", Due: "2015-03-31"},
		reports: []conference.ReportInput{
			{Text: "Questionnaire sent to the five delegations.", Progress: ptr(30), Status: ptr(conference.ActionInProgress)},
			{Text: "Four answers in; Canada's expected in May.", Progress: ptr(60)},
		}},
	{session: "london-2014-d2-privacy", topic: "privacy-information-sharing",
		in: conference.ActionInput{Title: "Draft a common template for requests to share subscriber data",
			Owner: "NZ", Agency: "Crown Law Office", Due: "2015-06-30"}},
	{session: "london-2014-d2-capability", topic: "building-international-capability",
		in: conference.ActionInput{Title: "Open the register of capacity building activity to the five delegations",
			Owner: "GB", Agency: "Attorney General's Office", Due: "2014-12-31"},
		reports: []conference.ReportInput{
			{Text: "The register is open; each delegation has entered its first activities.", Status: ptr(conference.ActionDone)},
		}},
	{session: "london-2014-d1-cyberbullying", topic: "cyberbullying",
		in: conference.ActionInput{Title: "Collect each jurisdiction's figures on the prevalence of cyberbullying",
			Owner: "CA", Agency: "Department of Justice Canada", Due: "2015-04-30"},
		reports: []conference.ReportInput{
			{Text: "Australia, New Zealand and the United Kingdom have sent figures.", Progress: ptr(40), Status: ptr(conference.ActionInProgress)},
		}},
}

func ptr[T any](v T) *T { return &v }

// createDemoOttawa adds Ottawa 2015 and the invented follow-up of London 2014
// once: nothing when Ottawa 2015 exists, or when London 2014 does not.
func createDemoOttawa(ctx context.Context, svc *conference.Service, out io.Writer) error {
	sys := conference.SystemActor
	if _, err := svc.Meeting(ctx, sys, ottawaID); err == nil {
		return nil
	}
	london, err := svc.Meeting(ctx, sys, "london-2014")
	if err != nil {
		return nil // a data set without London 2014: nothing to follow up
	}
	topics := knownTopics(ctx, svc, london.Topics)
	m, err := svc.CreateMeeting(ctx, sys, conference.Meeting{ID: ottawaID, Title: "Quintet of Attorneys General, Ottawa 2015",
		Host: "CA", City: "Ottawa", Venue: "Example venue", TimeZone: "America/Toronto", StartDate: "2015-07-08", EndDate: "2015-07-10",
		Delegations: london.Delegations, Topics: topics, Example: true})
	if err != nil {
		return fmt.Errorf("example meeting Ottawa 2015: %w", err)
	}
	// London 2014's follow-up, invented and marked as examples.
	for _, d := range demoLondonActions {
		in := d.in
		in.SessionID, in.Topics, in.Example = d.session, knownTopics(ctx, svc, []string{d.topic}), true
		a, err := svc.CreateAction(ctx, sys, in)
		if err != nil {
			if conference.ErrorCode(err) == conference.EINVALID || conference.ErrorCode(err) == conference.ENOTFOUND {
				continue // a session or delegation the data set lacks
			}
			return fmt.Errorf("example action %q: %w", in.Title, err)
		}
		for _, r := range d.reports {
			r.Version = &a.Version
			if a, err = svc.ReportProgress(ctx, sys, a.ID, r); err != nil {
				return fmt.Errorf("example report on %q: %w", in.Title, err)
			}
		}
	}
	if o, err := svc.CreateOutcome(ctx, sys, "london-2014-d2-privacy", conference.OutcomeInput{Kind: "decision", Example: true,
		Text: "The delegations will compare the safeguards each applies when information is shared across borders in cybercrime investigations, and report at the next meeting."}); err == nil {
		agreed := conference.OutcomeAgreed
		if _, err := svc.UpdateOutcome(ctx, sys, o.ID, conference.OutcomeUpdate{Status: &agreed, Version: &o.Version}); err != nil {
			return fmt.Errorf("agree example outcome: %w", err)
		}
	}
	// Ottawa's agenda: a session on privacy, with a few notes, an outcome and
	// an action of its own.
	loc := m.Location()
	at := func(day, hour int) time.Time { return time.Date(2015, 7, day, hour, 0, 0, 0, loc) }
	privacy := knownTopics(ctx, svc, []string{"privacy-information-sharing"})
	se, err := svc.CreateSession(ctx, sys, m.ID, conference.SessionInput{Title: "Privacy and information sharing: progress since London",
		Start: at(8, 10), End: at(8, 12), Room: "Example room", Topics: privacy})
	if err != nil {
		return fmt.Errorf("example session: %w", err)
	}
	if _, err := svc.CreateSession(ctx, sys, m.ID, conference.SessionInput{Title: "Building capability: the register one year on",
		Start: at(9, 10), End: at(9, 12), Room: "Example room", Topics: knownTopics(ctx, svc, []string{"building-international-capability"})}); err != nil {
		return fmt.Errorf("example session: %w", err)
	}
	if _, err := svc.StartSession(ctx, sys, se.ID); err != nil {
		return err
	}
	for i, text := range []string{
		"Example note: the United States presents the comparison of safeguards; four of five answers are in.",
		"Example note: the delegations ask for the common template before the end of the year.",
	} {
		if _, _, err := svc.PostNote(ctx, sys, se.ID, conference.NoteInput{ClientID: fmt.Sprintf("demo-ottawa-%d", i+1), Text: text, Marking: conference.MarkingAll}); err != nil {
			return fmt.Errorf("example note: %w", err)
		}
	}
	if _, err := svc.EndSession(ctx, sys, se.ID); err != nil {
		return err
	}
	if _, err := svc.CreateOutcome(ctx, sys, se.ID, conference.OutcomeInput{Kind: "recommendation", Example: true, Sources: []int64{1, 2},
		Text: "Adopt the common template for requests to share subscriber data."}); err != nil {
		return fmt.Errorf("example outcome: %w", err)
	}
	if _, err := svc.CreateAction(ctx, sys, conference.ActionInput{SessionID: se.ID, Example: true, Owner: "AU", Due: "2016-03-31",
		Title: "Pilot the common template between two delegations"}); err != nil {
		return fmt.Errorf("example action: %w", err)
	}
	fmt.Fprintln(out, `Added the example meeting Ottawa 2015 and example follow-up of London 2014 (shown with an "example" badge).`)
	return nil
}
