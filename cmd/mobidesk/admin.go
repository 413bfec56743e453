package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
)

func cmdMigrate(ctx context.Context, args []string, env *Env) error {
	fs := flags("migrate", env)
	db := dbFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	_, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	closeApp()
	fmt.Fprintln(env.Stdout, "migrations applied")
	return nil
}

func cmdSubaccountCreate(ctx context.Context, args []string, env *Env) error {
	fs := flags("subaccount create", env)
	db := dbFlag(fs, env)
	var sa domain.Subaccount
	var regions string
	fs.StringVar(&sa.Slug, "slug", "", "short name used in URLs, such as berlin")
	fs.StringVar(&sa.Name, "name", "", "display name")
	fs.StringVar(&sa.Currency, "currency", "", "ISO 4217 currency, such as EUR")
	fs.StringVar(&sa.Timezone, "timezone", "UTC", "IANA time zone, such as Europe/Berlin")
	fs.StringVar(&sa.Country, "country", "", "ISO 3166-1 alpha-2 country, the default region for phone numbers")
	fs.StringVar(&sa.DefaultLocale, "locale", "", "default language: en or de (default from the country)")
	fs.StringVar(&regions, "regions", "", "comma-separated region names")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, r := range strings.Split(regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			sa.Regions = append(sa.Regions, r)
		}
	}
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	if err := a.SubaccountCreate(ctx, system, &sa); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "subaccount %s created (%s)\n", sa.Slug, sa.ID)
	return nil
}

func cmdOperatorCreate(ctx context.Context, args []string, env *Env) error {
	fs := flags("operator create", env)
	db := dbFlag(fs, env)
	var in app.OperatorCreateInput
	var role string
	fs.StringVar(&in.Email, "email", "", "login email")
	fs.StringVar(&in.Name, "name", "", "display name (default: the email)")
	fs.StringVar(&role, "role", "", "role: super_admin, global_admin, admin, fleet_manager, analyst, service_technician, viewer")
	fs.StringVar(&in.Subaccount, "subaccount", "", "subaccount slug the role applies to (empty: every subaccount)")
	if err := parse(fs, args); err != nil {
		return err
	}
	in.Role = domain.Role(role)
	password, err := readPassword(env)
	if err != nil {
		return err
	}
	in.Password = password
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	op, err := a.OperatorCreate(ctx, system, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "operator %s created (%s)\n", op.Email, op.ID)
	return nil
}

func cmdOperatorPassword(ctx context.Context, args []string, env *Env) error {
	fs := flags("operator password", env)
	db := dbFlag(fs, env)
	email := fs.String("email", "", "login email")
	if err := parse(fs, args); err != nil {
		return err
	}
	password, err := readPassword(env)
	if err != nil {
		return err
	}
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	op, _, err := a.Store.OperatorByEmail(ctx, domain.NormalizeEmail(*email))
	if err != nil {
		return err
	}
	if err := a.OperatorSetPassword(ctx, system, op.ID, password); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "password of %s changed; their sessions are ended\n", op.Email)
	return nil
}

// readPassword reads the first line of stdin, so that a password never
// shows in the process list or shell history.
func readPassword(env *Env) (string, error) {
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("reading the password from stdin: %w", err)
		}
		return "", fmt.Errorf("the password on stdin is empty")
	}
	return line, nil
}

func cmdTokenCreate(ctx context.Context, args []string, env *Env) error {
	fs := flags("token create", env)
	db := dbFlag(fs, env)
	email := fs.String("email", "", "the operator the token acts as")
	name := fs.String("name", "CLI token", "what the token is for")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	op, _, err := a.Store.OperatorByEmail(ctx, domain.NormalizeEmail(*email))
	if err != nil {
		return err
	}
	secret, t, err := a.TokenCreate(ctx, system, op.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, secret)
	fmt.Fprintf(env.Stderr, "token %s created for %s; it is shown only this once\n", t.ID, op.Email)
	return nil
}

func cmdTokenRevoke(ctx context.Context, args []string, env *Env) error {
	fs := flags("token revoke", env)
	db := dbFlag(fs, env)
	id := fs.String("id", "", "the token's id (tok_…)")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	if err := a.Store.TokenRevoke(ctx, system, *id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "token %s revoked\n", *id)
	return nil
}
