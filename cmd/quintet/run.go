package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

const usage = `Usage: quintet [command] [flags]

Commands:
  serve [--demo]                 run the service (the default command)
  user add --email E --name N --role R [--role R2] [--delegation GB]
                                 open an account; the password is read from standard input
  user list                      list accounts
  user disable --email E         disable an account and sign it out everywhere
  token create --email E [--name N]
                                 print a new personal API token (shown once)
  healthcheck                    exit 0 when the running service answers /healthz with 200
  backup --out FILE [--server URL --token-file FILE]
                                 write a backup: through the running server, or from the store
  restore --in FILE [--force]    check a backup, then restore it into an empty store (--force: any)
  migrate --to mongodb://… [--database NAME] [--force]
                                 copy the store into a MongoDB deployment

Configuration comes from environment variables; see config/quintet.example.env.
`

// run is the whole program; main only calls it, so that tests can too.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	cmd, rest := "serve", []string{}
	if len(args) > 1 {
		cmd, rest = args[1], args[2:]
	}
	if strings.HasPrefix(cmd, "-") && cmd != "-h" && cmd != "--help" && cmd != "-help" {
		cmd, rest = "serve", args[1:]
	}
	switch cmd {
	case "serve":
		return serveCommand(ctx, cfg, logger, rest, stdout)
	case "user":
		return userCommand(ctx, cfg, logger, rest, stdin, stdout)
	case "token":
		return tokenCommand(ctx, cfg, logger, rest, stdout)
	case "backup":
		return backupCommand(ctx, cfg, logger, rest, stdout)
	case "restore":
		return restoreCommand(ctx, cfg, logger, rest, stdout)
	case "migrate":
		return migrateCommand(ctx, cfg, logger, rest, stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

var errUsage = errors.New("see quintet help")
