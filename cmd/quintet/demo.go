package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/quintet-ag/quintet/internal/conference"
)

// createDemoAccounts opens one account per role and delegation, unless it
// exists, and prints the passwords of those it opened — once: they are not
// stored anywhere in clear.
func createDemoAccounts(ctx context.Context, svc *conference.Service, out io.Writer) error {
	type account struct {
		email, name string
		role        conference.Role
		delegation  string
	}
	accounts := []account{
		{"secretariat@example.org", "Secretariat", conference.RoleAdmin, ""},
		{"rapporteur@example.org", "Rapporteur", conference.RoleRapporteur, ""},
		{"observer@example.org", "Observer", conference.RoleObserver, ""},
	}
	if err := createDemoRegister(ctx, svc, out); err != nil { // example register entries: demo_register.go
		return err
	}
	if err := createDemoOttawa(ctx, svc, out); err != nil { // the example meeting Ottawa 2015: demo_ottawa.go
		return err
	}
	delegations, err := svc.Delegations(ctx, conference.SystemActor)
	if err != nil {
		return err
	}
	for _, d := range delegations {
		code := strings.ToLower(d.Code)
		accounts = append(accounts,
			account{"head." + code + "@example.org", "Head of delegation, " + d.Name, conference.RoleHead, d.Code},
			account{"delegate." + code + "@example.org", "Delegate, " + d.Name, conference.RoleDelegate, d.Code},
			account{"followup." + code + "@example.org", "Follow-up team, " + d.Name, conference.RoleFollowup, d.Code},
		)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	created := 0
	var rapporteur *conference.User
	for _, a := range accounts {
		if _, err := svc.UserByEmail(ctx, conference.SystemActor, a.email); err == nil {
			continue
		}
		pw := conference.NewSecret()[:16]
		u, err := svc.CreateUser(ctx, conference.SystemActor, conference.UserInput{
			Email: a.email, Name: a.name, Roles: []conference.Role{a.role}, Delegation: a.delegation, Password: pw,
		})
		if err != nil {
			return fmt.Errorf("demo account %s: %w", a.email, err)
		}
		if created == 0 {
			fmt.Fprintln(out, "\nDemo accounts (passwords are shown this once):")
			fmt.Fprintln(tw, "  EMAIL\tROLE\tDELEGATION\tPASSWORD")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.email, a.role, a.delegation, pw)
		created++
		if a.role == conference.RoleRapporteur {
			rapporteur = u
		}
	}
	tw.Flush()
	if created > 0 {
		fmt.Fprintln(out)
	}
	if rapporteur != nil {
		return assignDemoRapporteur(ctx, svc, rapporteur)
	}
	return nil
}

// assignDemoRapporteur gives the demo rapporteur every session that has none,
// so that the live console has something to write in.
func assignDemoRapporteur(ctx context.Context, svc *conference.Service, r *conference.User) error {
	meetings, err := svc.Meetings(ctx, conference.SystemActor)
	if err != nil {
		return err
	}
	for _, m := range meetings {
		sessions, err := svc.Agenda(ctx, conference.SystemActor, m.ID)
		if err != nil {
			return err
		}
		for _, se := range sessions {
			if len(se.Rapporteurs) > 0 {
				continue
			}
			ids := []string{r.ID}
			if _, err := svc.UpdateSession(ctx, conference.SystemActor, se.ID, conference.SessionUpdate{Rapporteurs: &ids}); err != nil {
				return fmt.Errorf("assign demo rapporteur to %s: %w", se.ID, err)
			}
		}
	}
	return nil
}
