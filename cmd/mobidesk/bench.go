package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/mobidesk/mobidesk/internal/bench"
	"github.com/mobidesk/mobidesk/internal/demo"
)

func cmdBench(ctx context.Context, args []string, env *Env) error {
	fs := flags("bench", env)
	db := dbFlag(fs, env)
	customers := fs.Int("customers", 1000000, "customers the database should hold; missing ones are loaded with the demo generator")
	jsonFile := fs.String("json", "", "also write the results as JSON to this file")
	queries := fs.Int("queries", bench.DefaultQueries, fmt.Sprintf("operations per workload (at least %d)", bench.MinQueries))
	seed := fs.Uint64("seed", demo.DefaultSeed, "seed of the queries and of any customers loaded")
	slow := fs.Duration("slow", 0, "log every operation that takes at least this long, such as 20ms")
	only := fs.String("only", "", "run only these workloads, comma-separated, such as search,wallet_ops")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured workloads to this file, for go tool pprof")
	if err := parse(fs, args); err != nil {
		return err
	}
	var names []string
	if *only != "" {
		for _, n := range strings.Split(*only, ",") {
			if !slices.ContainsFunc(bench.Targets, func(t bench.Target) bool { return t.Name == n }) {
				fmt.Fprintf(env.Stderr, "--only: unknown workload %q\n", n)
				return errUsage
			}
			names = append(names, n)
		}
	}
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := bench.Run(ctx, a, bench.Options{Customers: *customers, Queries: *queries, Seed: *seed, Log: env.Stderr,
		Slow: *slow, Only: names})
	if err != nil {
		return err
	}
	rep.WriteTable(env.Stdout)
	if *jsonFile == "" {
		return nil
	}
	f, err := os.Create(*jsonFile)
	if err != nil {
		return err
	}
	if err := rep.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
