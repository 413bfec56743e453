package main

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

func TestCheckLedgerFindsABalanceThatDisagreesWithItsEntries(t *testing.T) {
	dsn := testdb.DSN(t, store.SQLite)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(s)
	sys := domain.Actor{Principal: domain.SystemPrincipal}
	sa := &domain.Subaccount{Slug: "berlin", Name: "Berlin", Currency: "EUR", Country: "DE"}
	if err := a.SubaccountCreate(ctx, sys, sa); err != nil {
		t.Fatal(err)
	}
	c, err := a.CustomerCreate(ctx, sys, sa, domain.CustomerCreate{Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.WalletAct(ctx, sys, c, domain.WalletAction{Kind: domain.KindCredit, Amount: 500}, ""); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if code, out, errOut := cli(t, dsn, "", "check", "ledger"); code != 0 || !strings.Contains(out, "ledger ok") {
		t.Fatalf("a sound ledger: %d %s %s", code, out, errOut)
	}
	// Tamper with a balance behind the ledger's back.
	db, err := sql.Open("sqlite", strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE customers SET wallet_balance = wallet_balance + 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, _ := cli(t, dsn, "", "check", "ledger")
	if code != 1 || !strings.Contains(out, c.ID) {
		t.Errorf("a tampered balance: exit %d, %s", code, out)
	}
}
