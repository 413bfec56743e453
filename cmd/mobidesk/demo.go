package main

import (
	"context"
	"fmt"

	"github.com/mobidesk/mobidesk/internal/demo"
)

func cmdDemo(ctx context.Context, args []string, env *Env) error {
	fs := flags("demo", env)
	db := dbFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
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
	fmt.Fprintf(env.Stdout, "demo data ready\ndemo login: %s  password: %s\n", login.Email, login.Password)
	return nil
}
