package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/quintet-ag/quintet/internal/conference"
)

// The account commands work on the store directly. On the embedded store the
// data directory belongs to one process, so they run while the server is
// stopped; against MongoDB a running server sees their changes on restart.

func userCommand(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("user needs a subcommand: add, list or disable")
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, cfg, logger, args[1:], stdin, stdout)
	case "list":
		return userList(ctx, cfg, logger, stdout)
	case "disable":
		return userDisable(ctx, cfg, logger, args[1:], stdout)
	default:
		return fmt.Errorf("unknown user subcommand %q (add, list or disable)", args[0])
	}
}

// withService opens the store, runs f with the Service, and closes the store.
func withService(ctx context.Context, cfg Config, logger *slog.Logger, f func(*conference.Service) error) error {
	svc, b, err := openService(ctx, cfg, logger, nil)
	if err != nil {
		return err
	}
	defer b.close(context.WithoutCancel(ctx))
	// Accounts name delegations: a first command on an empty database seeds
	// them, as a first serve would.
	if err := seedIfEmpty(ctx, svc, logger); err != nil {
		return err
	}
	return f(svc)
}

func userAdd(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("user add", stdout)
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "full name (required)")
	delegation := fs.String("delegation", "", "delegation code, e.g. GB")
	var roles multi
	fs.Var(&roles, "role", "role: admin, rapporteur, delegate, head, followup or observer (repeatable)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	in := conference.UserInput{Email: *email, Name: *name, Delegation: *delegation, Password: pw}
	for _, r := range roles {
		in.Roles = append(in.Roles, conference.Role(r))
	}
	return withService(ctx, cfg, logger, func(svc *conference.Service) error {
		u, err := svc.CreateUser(ctx, conference.SystemActor, in)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created %s (%s), roles %s\n", u.Email, u.ID, joinRoles(u.Roles))
		return nil
	})
}

// readPassword takes the first line of standard input, so that passwords never
// appear in the process list or shell history.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("give the password on standard input, e.g. `printf '%%s\\n' \"$PASSWORD\" | quintet user add …`")
	}
	return pw, nil
}

func userList(ctx context.Context, cfg Config, logger *slog.Logger, stdout io.Writer) error {
	return withService(ctx, cfg, logger, func(svc *conference.Service) error {
		users, err := svc.Users(ctx, conference.SystemActor)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tNAME\tROLES\tDELEGATION\tSTATUS")
		for _, u := range users {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, joinRoles(u.Roles), u.Delegation, status)
		}
		return tw.Flush()
	})
}

func userDisable(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("user disable", stdout)
	email := fs.String("email", "", "email address of the account (required)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	return withService(ctx, cfg, logger, func(svc *conference.Service) error {
		u, err := svc.UserByEmail(ctx, conference.SystemActor, *email)
		if err != nil {
			return describe(err)
		}
		yes := true
		if _, err := svc.UpdateUser(ctx, conference.SystemActor, u.ID, conference.UserUpdate{Disabled: &yes}); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "disabled %s; its logins and API tokens are revoked\n", u.Email)
		return nil
	})
}

func tokenCommand(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("token needs the subcommand create")
	}
	fs := newFlags("token create", stdout)
	email := fs.String("email", "", "email address of the account (required)")
	name := fs.String("name", "script", "a name to recognise the token by")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	return withService(ctx, cfg, logger, func(svc *conference.Service) error {
		u, err := svc.UserByEmail(ctx, conference.SystemActor, *email)
		if err != nil {
			return describe(err)
		}
		secret, err := svc.CreateToken(ctx, conference.SystemActor, u.ID, *name)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(stdout, secret)
		return nil
	})
}

// describe turns a domain error into a message for the terminal.
func describe(err error) error {
	if conference.ErrorCode(err) == conference.EINTERNAL {
		return err
	}
	return fmt.Errorf("%s", conference.ErrorMessage(err))
}

func joinRoles(roles []conference.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}
