package main

import (
	"context"
	"fmt"
)

// cmdCheckLedger proves that every stored balance equals the sum of its
// ledger entries, and that the summary counters equal the customers' sums.
func cmdCheckLedger(ctx context.Context, args []string, env *Env) error {
	fs := flags("check ledger", env)
	db := dbFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	bad, err := a.Store.LedgerCheck(ctx)
	if err != nil {
		return err
	}
	for _, m := range bad {
		fmt.Fprintf(env.Stdout, "%s: stored wallet %d bonus %d, ledger wallet %d bonus %d\n",
			m.CustomerID, m.Wallet, m.Bonus, m.LedgerWallet, m.LedgerBonus)
	}
	misplaced, err := a.Store.WalletOrderCheck(ctx)
	if err != nil {
		return err
	}
	for _, id := range misplaced {
		fmt.Fprintf(env.Stdout, "%s: out of step in the wallet sort order\n", id)
	}
	subs, err := a.Store.SubaccountList(ctx)
	if err != nil {
		return err
	}
	drifted := 0
	for _, sa := range subs {
		// Recount repairs drifted counters; it reports that they had drifted.
		drift, err := a.Store.CustomerStatsRecount(ctx, sa.ID)
		if err != nil {
			return err
		}
		if drift {
			drifted++
			fmt.Fprintf(env.Stdout, "%s: summary counters had drifted and were recounted\n", sa.Slug)
		}
	}
	if len(bad) > 0 || len(misplaced) > 0 || drifted > 0 {
		return fmt.Errorf("ledger check failed: %d customers, %d out of the wallet order, %d subaccounts", len(bad),
			len(misplaced), drifted)
	}
	fmt.Fprintln(env.Stdout, "ledger ok: every balance equals the sum of its entries")
	return nil
}
