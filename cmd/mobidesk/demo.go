package main

import (
	"context"
	"fmt"
	"time"

	"github.com/mobidesk/mobidesk/internal/demo"
)

func cmdDemo(ctx context.Context, args []string, env *Env) error {
	fs := flags("demo", env)
	db := dbFlag(fs, env)
	customers := fs.Int("customers", demo.ServeCustomers, "how many synthetic customers to add, split across the demo subaccounts")
	seed := fs.Uint64("seed", demo.DefaultSeed, "seed of the generator: the same seed on the same database gives the same data")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *customers < 0 {
		fmt.Fprintln(env.Stderr, "--customers must not be negative")
		return errUsage
	}
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	login, err := demo.Ensure(ctx, a)
	if err != nil {
		return err
	}
	start := time.Now()
	lastReport := start
	err = demo.LoadCustomers(ctx, a.Store, demo.LoadOptions{Customers: *customers, Seed: *seed,
		Progress: func(loaded, total int) {
			if time.Since(lastReport) >= 5*time.Second || loaded == total {
				lastReport = time.Now()
				fmt.Fprintf(env.Stderr, "demo: %d of %d customers loaded (%s)\n", loaded, total,
					time.Since(start).Round(100*time.Millisecond))
			}
		}})
	if err != nil {
		return err
	}
	if err := a.Store.Optimize(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "demo data ready: %d customers added in %s\ndemo login: %s  password: %s\n",
		*customers, time.Since(start).Round(100*time.Millisecond), login.Email, login.Password)
	return nil
}
