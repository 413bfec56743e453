// Package demo loads the demonstration data set that `serve --demo` and
// `mobidesk demo` start from.
package demo

import (
	"context"
	"crypto/rand"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
)

// OperatorEmail is the demo operator's login.
const OperatorEmail = "admin@example.com"

// Subaccounts are the demo tenants: a German scooter fleet and a US bike
// fleet, so both languages, currencies and time zones show.
var Subaccounts = []domain.Subaccount{
	{Slug: "berlin", Name: "Berlin Scooters", Currency: "EUR", Timezone: "Europe/Berlin", Country: "DE",
		DefaultLocale: "de", Regions: []string{"Mitte", "Kreuzberg", "Prenzlauer Berg", "Charlottenburg", "Neukölln"}},
	{Slug: "austin", Name: "Austin Bikes", Currency: "USD", Timezone: "America/Chicago", Country: "US",
		DefaultLocale: "en", Regions: []string{"Downtown", "East Austin", "South Congress", "Hyde Park"}},
}

// Login is how to sign in to the demo.
type Login struct {
	Email, Password string
	Created         bool // false when the data was there already
}

// Ensure loads the demo subaccounts and operator into an empty database. On
// a database it loaded before, it gives the demo operator a fresh password,
// so that every start prints a login that works. A database that holds
// other data is left alone and answers conflict.
func Ensure(ctx context.Context, a *app.App) (Login, error) {
	login := Login{Email: OperatorEmail, Password: password()}
	sys := domain.Actor{Principal: domain.SystemPrincipal, Note: "demo data"}
	op, _, err := a.Store.OperatorByEmail(ctx, OperatorEmail)
	switch domain.ErrorCode(err) {
	case domain.ECodeInternal:
		return login, err
	case domain.ECodeNotFound:
	default:
		return login, a.OperatorSetPassword(ctx, sys, op.ID, login.Password)
	}
	existing, err := a.Store.SubaccountList(ctx)
	if err != nil {
		return login, err
	}
	if len(existing) > 0 {
		return login, domain.Errorf(domain.ECodeConflict,
			"the database holds data that demo did not load; use an empty database for --demo")
	}
	for _, sa := range Subaccounts {
		sa.Regions = append([]string(nil), sa.Regions...)
		if err := a.SubaccountCreate(ctx, sys, &sa); err != nil {
			return login, err
		}
	}
	if _, err := a.OperatorCreate(ctx, sys, app.OperatorCreateInput{Email: OperatorEmail, Name: "Demo Admin",
		Password: login.Password, Role: domain.RoleSuperAdmin}); err != nil {
		return login, err
	}
	login.Created = true
	return login, nil
}

// password returns a fresh random password of 26 base32 characters.
func password() string { return rand.Text() }
