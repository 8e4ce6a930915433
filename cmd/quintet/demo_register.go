package main

import (
	"context"
	"fmt"
	"io"

	"github.com/quintet-ag/quintet/internal/conference"
)

// demoEntry is one example register entry, with the London 2014 topics it
// lists and those linked to it from the topic's side.
type demoEntry struct {
	in     conference.RegisterEntryInput
	linked []string // topic slugs
}

// demoRegister is a handful of capacity-building activities of the kind the
// London 2014 meeting asked to register, with its emphasis on prosecutors
// and the judiciary. They are invented, and marked as examples.
var demoRegister = []demoEntry{
	{in: conference.RegisterEntryInput{
		Title:              "Judicial education on electronic evidence",
		Summary:            "A two-day course for District and High Court judges on the admissibility, authentication and weight of electronic evidence, with worked cases on seized devices and cloud accounts.",
		LeadDelegation:     "NZ",
		LeadAgency:         "Institute of Judicial Studies",
		PartnerDelegations: []string{"AU"},
		Audiences:          []conference.Audience{conference.AudienceJudiciary},
		Format:             conference.FormatTraining,
		Status:             conference.EntryCompleted,
		StartDate:          "2015-03-02",
		EndDate:            "2015-03-03",
		Topics:             []string{"building-international-capability"},
		References:         []conference.Reference{{URL: "https://example.org/quintet/judicial-electronic-evidence", Catalogue: "Example catalogue", Identifier: "EX-2015-01"}},
	}, linked: []string{"international-cooperation"}},
	{in: conference.RegisterEntryInput{
		Title:              "Prosecutor training on cross-border requests for electronic data",
		Summary:            "Workshops for cybercrime prosecutors on mutual legal assistance requests for subscriber and content data held abroad, and on preserving it in time.",
		LeadDelegation:     "GB",
		LeadAgency:         "Crown Prosecution Service",
		PartnerDelegations: []string{"US"},
		Audiences:          []conference.Audience{conference.AudienceProsecutors},
		Format:             conference.FormatTraining,
		Status:             conference.EntryOngoing,
		StartDate:          "2014-10-01",
		Topics:             []string{"international-cooperation"},
	}, linked: []string{"building-international-capability"}},
	{in: conference.RegisterEntryInput{
		Title:          "Bench book chapter on social media and contempt of court",
		Summary:        "Guidance for judges on directions to juries about social media, and on contempt proceedings for online comment during a trial.",
		LeadDelegation: "AU",
		LeadAgency:     "Attorney-General's Department",
		Audiences:      []conference.Audience{conference.AudienceJudiciary, conference.AudiencePolicy},
		Format:         conference.FormatGuidance,
		Status:         conference.EntryCompleted,
		StartDate:      "2014-11-01",
		EndDate:        "2015-02-27",
		Topics:         []string{"freedom-of-expression-social-media-contempt"},
	}},
	{in: conference.RegisterEntryInput{
		Title:              "Exchange of prosecutors on cyberbullying cases",
		Summary:            "Prosecutors of three delegations spend a week with each other's cybercrime units, comparing charging decisions in cyberbullying and harassment cases.",
		LeadDelegation:     "CA",
		LeadAgency:         "Public Prosecution Service of Canada",
		PartnerDelegations: []string{"NZ", "GB"},
		Audiences:          []conference.Audience{conference.AudienceProsecutors, conference.AudiencePolicy},
		Format:             conference.FormatExchange,
		Status:             conference.EntryPlanned,
		StartDate:          "2015-09-14",
		EndDate:            "2015-09-18",
		Topics:             []string{"cyberbullying"},
	}, linked: []string{"building-international-capability"}},
	{in: conference.RegisterEntryInput{
		Title:          "Toolkit for investigators on lawful access to stored communications",
		Summary:        "A checklist and templates for investigators on the privacy safeguards that apply when information is shared between agencies and across borders.",
		LeadDelegation: "US",
		LeadAgency:     "Department of Justice",
		Audiences:      []conference.Audience{conference.AudienceInvestigators},
		Format:         conference.FormatTool,
		Status:         conference.EntryOngoing,
		StartDate:      "2015-01-15",
		Topics:         []string{"privacy-information-sharing"},
	}},
}

// createDemoRegister adds the example entries that are missing (by title
// among the examples) and links them to the London 2014 topics. Topics or
// delegations that the data set lacks are left out, not fatal: the demo
// should start whatever the seed holds.
func createDemoRegister(ctx context.Context, svc *conference.Service, out io.Writer) error {
	sys := conference.SystemActor
	existing, err := svc.Register(ctx, sys, conference.RegisterFilter{Archived: "any"})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, e := range existing.Entries {
		if e.Example {
			have[e.Title] = true
		}
	}
	added := 0
	for _, d := range demoRegister {
		if have[d.in.Title] {
			continue
		}
		in := d.in
		in.Example = true
		in.Topics = knownTopics(ctx, svc, in.Topics)
		e, err := svc.CreateRegisterEntry(ctx, sys, in)
		if err != nil {
			if conference.ErrorCode(err) == conference.EINVALID {
				continue // a delegation the data set does not have
			}
			return fmt.Errorf("example register entry %q: %w", in.Title, err)
		}
		added++
		for _, slug := range knownTopics(ctx, svc, d.linked) {
			if _, _, err := svc.CreateLink(ctx, sys, conference.LinkInput{FromKind: conference.LinkTopic, FromID: slug, EntryID: e.ID}); err != nil {
				return fmt.Errorf("link example entry %q to %s: %w", in.Title, slug, err)
			}
		}
	}
	if added > 0 {
		fmt.Fprintf(out, "Added %d example register entries (shown with an \"example\" badge).\n", added)
	}
	return nil
}

// knownTopics returns the ids of the topics of slugs that exist.
func knownTopics(ctx context.Context, svc *conference.Service, slugs []string) []string {
	out := []string{}
	for _, s := range slugs {
		if t, err := svc.Topic(ctx, conference.SystemActor, s); err == nil {
			out = append(out, t.ID)
		}
	}
	return out
}
