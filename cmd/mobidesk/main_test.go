package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// cli runs the real program with args, stdin and an environment.
func cli(t *testing.T, db, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string {
			if k == "MOBIDESK_DB" {
				return db
			}
			return ""
		}}
	code := Main(context.Background(), args, env)
	return code, out.String(), errOut.String()
}

// serve starts `mobidesk serve` on a free port and returns its base URL and
// a function that stops it and returns its error.
func serve(t *testing.T, db string, args ...string) (string, *bytes.Buffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string {
			if k == "MOBIDESK_DB" {
				return db
			}
			return ""
		}, Ready: func(addr string) { ready <- addr }}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), env) }()
	select {
	case addr := <-ready:
		return "http://" + addr, &out, func() int {
			cancel()
			select {
			case code := <-done:
				return code
			case <-time.After(40 * time.Second):
				t.Fatal("serve did not stop")
				return -1
			}
		}
	case code := <-done:
		t.Fatalf("serve exited with %d: %s", code, errOut.String())
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	cancel()
	return "", nil, nil
}

func TestCLICreatesATenantAnOperatorAndATokenThatTheServerAccepts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		db := testdb.DSN(t, engine)
		code, out, errOut := cli(t, db, "", "subaccount", "create", "--slug", "berlin", "--name", "Berlin Scooters",
			"--currency", "EUR", "--timezone", "Europe/Berlin", "--country", "DE")
		if code != 0 || !strings.Contains(out, "berlin") {
			t.Fatalf("subaccount create: %d %s %s", code, out, errOut)
		}
		code, _, errOut = cli(t, db, "a long enough password\n", "operator", "create", "--email", "Ops@Example.com",
			"--role", "admin", "--subaccount", "berlin")
		if code != 0 {
			t.Fatalf("operator create: %d %s", code, errOut)
		}
		code, token, errOut := cli(t, db, "", "token", "create", "--email", "ops@example.com", "--name", "ci")
		token = strings.TrimSpace(token)
		if code != 0 || !strings.HasPrefix(token, "mdk_") {
			t.Fatalf("token create: %d %q %s", code, token, errOut)
		}

		base, _, stop := serve(t, db)
		r, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		var me struct {
			Email string `json:"email"`
		}
		json.NewDecoder(resp.Body).Decode(&me)
		resp.Body.Close()
		if resp.StatusCode != 200 || me.Email != "ops@example.com" {
			t.Errorf("me: %d %+v", resp.StatusCode, me)
		}
		// The CLI works while serve runs on the same database.
		if code, _, errOut := cli(t, db, "", "subaccount", "create", "--slug", "munich", "--name", "Munich",
			"--currency", "EUR", "--timezone", "Europe/Berlin", "--country", "DE"); code != 0 {
			t.Errorf("CLI beside serve: %d %s", code, errOut)
		}
		if code := stop(); code != 0 {
			t.Errorf("serve stopped with %d", code)
		}
	})
}

func TestCLIRefusesBadInputClearly(t *testing.T) {
	db := testdb.DSN(t, store.SQLite)
	cases := []struct {
		args  []string
		stdin string
		code  int
		want  string
	}{
		{nil, "", 2, "Usage"},
		{[]string{"frobnicate"}, "", 2, "unknown command"},
		{[]string{"subaccount", "create", "--slug", "X", "--name", "", "--currency", "EURO", "--country", "Germany"}, "", 1, "--currency"},
		{[]string{"operator", "create", "--email", "a@example.com", "--role", "king"}, "long enough password\n", 1, "unknown role"},
		{[]string{"operator", "create", "--email", "a@example.com", "--role", "viewer"}, "", 1, "password"},
		{[]string{"operator", "create", "--email", "a@example.com", "--role", "viewer", "--subaccount", "nowhere"}, "long enough password\n", 1, "nowhere"},
		{[]string{"token", "create", "--email", "nobody@example.com"}, "", 1, "not found"},
		{[]string{"migrate", "stray"}, "", 2, "unexpected argument"},
	}
	for _, c := range cases {
		code, _, errOut := cli(t, db, c.stdin, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want %d; stderr %q should mention %q", c.args, code, c.code, errOut, c.want)
		}
	}
}

func TestMigrateTwiceIsHarmless(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		db := testdb.DSN(t, engine)
		for range 2 {
			if code, _, errOut := cli(t, db, "", "migrate"); code != 0 {
				t.Fatalf("migrate: %d %s", code, errOut)
			}
		}
	})
}

var demoLogin = regexp.MustCompile(`demo login: (\S+)\s+password: (\S+)`)

func TestServeDemoPrintsALoginThatWorks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		db := testdb.DSN(t, engine)
		for run := range 2 { // the second start finds the demo loaded and prints a fresh login
			base, out, stop := serve(t, db, "--demo")
			m := demoLogin.FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("run %d: no login printed: %s", run, out)
			}
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}
			resp, err := client.PostForm(base+"/login", url.Values{"email": {m[1]}, "password": {m[2]}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("run %d: login answered %d", run, resp.StatusCode)
			}
			resp, err = client.Get(base + "/api/v1/subaccounts")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), "Berlin Scooters") ||
				!strings.Contains(string(body), "Austin Bikes") {
				t.Errorf("run %d: subaccounts: %d %s", run, resp.StatusCode, body)
			}
			if code := stop(); code != 0 {
				t.Errorf("serve stopped with %d", code)
			}
		}
	})
}

func TestServeDemoRefusesADatabaseWithOtherData(t *testing.T) {
	db := testdb.DSN(t, store.SQLite)
	cli(t, db, "", "subaccount", "create", "--slug", "real", "--name", "Real", "--currency", "EUR", "--country", "DE")
	code, _, errOut := cli(t, db, "", "serve", "--demo", "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "empty database") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
