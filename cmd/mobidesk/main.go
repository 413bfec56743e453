// Command mobidesk is the whole product in one binary: the API and
// dashboard server, background workers and the administration CLI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/jobs"
	"github.com/mobidesk/mobidesk/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(Main(ctx, os.Args[1:], env))
}

// Env is what a command may touch of the outside world, so that tests can
// run the real program.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, learns the address serve listens on.
	Ready func(addr string)
}

const usage = `mobidesk: the customer back office for mobility operators

Usage:
  mobidesk serve   [--addr 127.0.0.1:8080] [--db DSN] [--demo]
  mobidesk migrate [--db DSN]
  mobidesk demo    [--db DSN] [--customers N] [--seed S]
  mobidesk bench   [--db DSN] [--customers N] [--json FILE] [--queries Q]
  mobidesk subaccount create --slug S --name N --currency EUR --timezone Europe/Berlin --country DE
  mobidesk operator create --email E --role ROLE [--subaccount SLUG] [--name N]   (password on stdin)
  mobidesk operator password --email E                                           (password on stdin)
  mobidesk token create --email E [--name N]
  mobidesk token revoke --id ID
  mobidesk check ledger [--db DSN]      (every balance equals the sum of its ledger entries)

--db defaults to $MOBIDESK_DB, then to ` + store.DefaultDSN + `.
Roles: super_admin, global_admin, admin, fleet_manager, analyst, service_technician, viewer.
`

// errUsage marks a mistake in the command line; the usage has been shown.
var errUsage = errors.New("usage")

// Main runs the command in args and returns the exit status.
func Main(ctx context.Context, args []string, env *Env) int {
	err := run(ctx, args, env)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		return 2
	}
	fmt.Fprintln(env.Stderr, "mobidesk:", describe(err))
	return 1
}

func run(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 {
		sub = rest[0]
	}
	switch {
	case cmd == "serve":
		return cmdServe(ctx, rest, env)
	case cmd == "migrate":
		return cmdMigrate(ctx, rest, env)
	case cmd == "demo":
		return cmdDemo(ctx, rest, env)
	case cmd == "bench":
		return cmdBench(ctx, rest, env)
	case cmd == "subaccount" && sub == "create":
		return cmdSubaccountCreate(ctx, rest[1:], env)
	case cmd == "operator" && sub == "create":
		return cmdOperatorCreate(ctx, rest[1:], env)
	case cmd == "operator" && sub == "password":
		return cmdOperatorPassword(ctx, rest[1:], env)
	case cmd == "token" && sub == "create":
		return cmdTokenCreate(ctx, rest[1:], env)
	case cmd == "token" && sub == "revoke":
		return cmdTokenRevoke(ctx, rest[1:], env)
	case cmd == "check" && sub == "ledger":
		return cmdCheckLedger(ctx, rest[1:], env)
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	fmt.Fprintf(env.Stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}

// flags returns a flag set for a command that writes errors to stderr.
func flags(name string, env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("mobidesk "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// dbFlag adds --db with its default from the environment.
func dbFlag(fs *flag.FlagSet, env *Env) *string {
	def := env.Getenv("MOBIDESK_DB")
	if def == "" {
		def = store.DefaultDSN
	}
	return fs.String("db", def, "database: sqlite:PATH or postgres://…")
}

// parse parses args and refuses stray positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

// openApp opens the database, applying pending migrations first.
func openApp(ctx context.Context, dsn string) (*app.App, func(), error) {
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	if err := jobs.Migrate(ctx, s); err != nil {
		s.Close()
		return nil, nil, err
	}
	return app.New(s), func() { s.Close() }, nil
}

// describe renders an error for the terminal, with field errors.
func describe(err error) string {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err.Error()
	}
	msg := de.Message
	for _, f := range de.Fields {
		msg += fmt.Sprintf("\n  --%s %s", f.Field, f.Message)
	}
	return msg
}

// system is the actor of CLI changes in the audit log.
var system = domain.Actor{Principal: domain.SystemPrincipal, Note: "cli"}
