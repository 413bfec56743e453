package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/demo"
	"github.com/mobidesk/mobidesk/internal/jobs"
	"github.com/mobidesk/mobidesk/internal/server"
	"github.com/mobidesk/mobidesk/internal/web"
)

func cmdServe(ctx context.Context, args []string, env *Env) error {
	fs := flags("serve", env)
	db := dbFlag(fs, env)
	addrDef := env.Getenv("MOBIDESK_ADDR")
	if addrDef == "" {
		addrDef = "127.0.0.1:8080"
	}
	addr := fs.String("addr", addrDef, "address to listen on")
	withDemo := fs.Bool("demo", false, "load demo data into an empty database and print a login")
	secure := fs.Bool("secure-cookies", env.Getenv("MOBIDESK_SECURE_COOKIES") == "true",
		"mark cookies Secure on plain HTTP (behind a TLS proxy); $MOBIDESK_SECURE_COOKIES")
	if err := parse(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(log)
	a, closeApp, err := openApp(ctx, *db)
	if err != nil {
		return err
	}
	defer closeApp()
	var login demo.Login
	if *withDemo {
		if login, err = demo.Ensure(ctx, a); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if login.Created {
			if err := demo.LoadCustomers(ctx, a.Store, demo.LoadOptions{Customers: demo.ServeCustomers,
				Seed: demo.DefaultSeed}); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if err := a.Store.Optimize(ctx); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	go a.Store.WarmSearch(ctx)
	srv, err := server.New(a, server.Config{Web: web.Config{SecureCookies: *secure}, Log: log})
	if err != nil {
		return err
	}
	workers, err := jobs.Start(ctx, a, log)
	if err != nil {
		return err
	}
	err = srv.Run(ctx, *addr, 30*time.Second, func(bound string) {
		url := "http://" + bound
		if strings.HasPrefix(bound, "[::]") || strings.HasPrefix(bound, "0.0.0.0") {
			url = "http://localhost" + bound[strings.LastIndex(bound, ":"):]
		}
		fmt.Fprintf(env.Stdout, "mobidesk is serving %s on %s (%s)\n", url, a.Store.Engine(), redactDSN(*db))
		if *withDemo {
			fmt.Fprintf(env.Stdout, "demo login: %s  password: %s\n", login.Email, login.Password)
		}
		if env.Ready != nil {
			env.Ready(bound)
		}
	})
	// Requests are drained; now let running jobs finish.
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(err, workers.Stop(stopCtx))
}

// redactDSN hides a password in a DSN before it is printed.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
