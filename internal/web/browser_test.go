package web_test

// The dashboard in a real browser: what only a browser proves. Redirects and
// cookies across a login, the shared confirmation dialog of app.js, the
// subaccount switcher that submits itself, the language switch, and the
// responsive sidebar of app.css. Each engine gets its own server and its own
// browser context (an isolated cookie jar) in one shared headless Chromium.

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/demo"
	"github.com/mobidesk/mobidesk/internal/server"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// browserTimeout bounds one engine's whole scenario, and the browser's start.
const browserTimeout = 60 * time.Second

func TestBrowserDashboard(t *testing.T) {
	browser := startBrowser(t)
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		b := newBrowserSession(t, browser, engine)

		b.step("a page behind the login redirects to the login form", func() {
			b.navigate("/customers")
			b.wantPath("/login")
			if got := b.location().Query().Get("next"); got != "/customers" {
				t.Errorf("next = %q, want /customers", got)
			}
		})

		b.step("the login form signs the demo operator in and returns to the page", func() {
			b.do(chromedp.SendKeys(chromedp.CSS("input[name=email]"), b.login.Email),
				chromedp.SendKeys(chromedp.CSS("input[name=password]"), b.login.Password))
			b.click(`form[action="/login"] button[type=submit]`, http.StatusOK)
			b.wantPath("/customers")
			b.wantText("h1", "Customers")
		})

		b.step("the shell has the sidebar, switcher, operator menu and languages", func() {
			b.wantEval(`document.documentElement.lang`, "en")
			b.wantTexts(".sidebar a", "Customers", "Vehicles", "Bulk wallet", "Audit log", "Settings")
			b.wantTexts(".sidebar a[aria-current=page]", "Customers")
			opts := b.texts(`form.switcher select[name=subaccount] option`)
			slices.Sort(opts)
			if want := []string{"Austin Bikes", "Berlin Scooters"}; !slices.Equal(opts, want) {
				t.Errorf("subaccount switcher offers %q, want %q", opts, want)
			}
			b.wantTexts(".topbar .langs a", "EN", "DE")
			b.wantEval(`document.querySelector(".topbar .langs a[aria-current]").textContent`, "EN")

			// A closed <details> hides its content with content-visibility,
			// which only checkVisibility sees.
			menuVisible := `document.querySelector(".operator-menu .menu").checkVisibility()`
			b.wantEval(menuVisible, false)
			b.do(chromedp.Click(chromedp.CSS(".operator-menu summary")))
			b.waitJS(menuVisible)
			menu := b.text(".operator-menu .menu")
			for _, want := range []string{demo.OperatorEmail, "Settings", "Sign out"} {
				if !strings.Contains(menu, want) {
					t.Errorf("operator menu %q lacks %q", menu, want)
				}
			}
		})

		b.step("DE switches the dashboard to German, EN back to English", func() {
			b.click(`.topbar .langs a[hreflang=de]`, http.StatusOK)
			b.wantEval(`document.documentElement.lang`, "de")
			b.wantText("h1", "Kunden")
			b.wantTexts(".sidebar a", "Kunden", "Fahrzeuge", "Sammelbuchung Wallet", "Änderungsprotokoll", "Einstellungen")
			b.wantEval(`document.querySelector(".operator-menu form[action='/logout'] button").textContent.trim()`, "Abmelden")
			b.wantEval(`document.querySelector(".topbar .langs a[aria-current]").textContent`, "DE")

			b.click(`.topbar .langs a[hreflang=en]`, http.StatusOK)
			b.wantEval(`document.documentElement.lang`, "en")
			b.wantText("h1", "Customers")
			b.wantTexts(".sidebar a", "Customers", "Vehicles", "Bulk wallet", "Audit log", "Settings")
		})

		var secret string
		b.step("Settings creates an API token and shows its secret once", func() {
			b.click(`.sidebar a[href^="/settings"]`, http.StatusOK)
			b.wantPath("/settings")
			b.wantText("h1", "Settings")
			b.wantEval(`document.querySelectorAll("#new-token").length`, 0.0)
			b.do(chromedp.SendKeys(chromedp.ID("token-name"), "CI integration"))
			b.click(`form[action="/settings/tokens"] button[type=submit]`, http.StatusCreated)
			secret = b.text("#new-token")
			prefix := strings.TrimSuffix(b.text("table.table tbody tr td:nth-child(2) code"), "…")
			if len(secret) < 20 || prefix == "" || !strings.HasPrefix(secret, prefix) {
				t.Fatalf("secret %q, listed prefix %q: want a long secret that starts with the prefix", secret, prefix)
			}
			b.wantText("table.table tbody tr td:first-child", "CI integration")
		})

		b.step("Revoke asks in the shared dialog; Cancel keeps the token", func() {
			b.do(chromedp.WaitNotVisible(chromedp.ID("confirm-dialog")))
			b.do(chromedp.Click(chromedp.CSS(`form[data-confirm] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.ID("confirm-dialog")))
			b.wantEval(`document.getElementById("confirm-dialog").open`, true)
			b.wantText("#confirm-message",
				`Revoke the token "CI integration"? Integrations using it stop working at once.`)
			b.wantPath("/settings/tokens") // nothing was submitted
			b.do(chromedp.Click(chromedp.CSS(`#confirm-dialog button[value=cancel]`)),
				chromedp.WaitNotVisible(chromedp.ID("confirm-dialog")))
			b.wantPath("/settings/tokens")
			b.wantEval(`document.querySelectorAll("form[data-confirm]").length`, 1.0)
		})

		b.step("Revoke confirmed in the dialog revokes the token", func() {
			b.do(chromedp.Click(chromedp.CSS(`form[data-confirm] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.ID("confirm-dialog")))
			b.click("#confirm-ok", http.StatusOK)
			b.wantPath("/settings")
			b.wantEval(`document.querySelector(".flash.flash-success").firstChild.textContent.trim()`,
				`The token "CI integration" is revoked.`)
			b.wantText("table.table tbody tr td:first-child", "CI integration")
			b.wantText("table.table .badge", "Revoked")
			b.wantEval(`document.querySelectorAll("form[data-confirm]").length`, 0.0)
			b.wantEval(`document.querySelectorAll("#new-token").length`, 0.0)
			if html := b.eval(`document.documentElement.outerHTML`); strings.Contains(html.(string), secret) {
				t.Error("the token's secret is shown again after it was created")
			}
		})

		b.step("the subaccount switcher changes the subaccount on its own", func() {
			b.click(`.sidebar a[href^="/settings"]`, http.StatusOK) // a GET page to switch on
			b.clickWith(http.StatusOK, chromedp.Evaluate[chromedp.Void](`(() => {
				const s = document.querySelector("select[name=subaccount]");
				s.value = "austin";
				s.dispatchEvent(new Event("change", {bubbles: true}));
			})()`))
			b.wantPath("/settings")
			if got := b.location().Query().Get("subaccount"); got != "austin" {
				t.Errorf("subaccount in the URL = %q, want austin", got)
			}
			b.wantEval(`document.querySelector("select[name=subaccount]").selectedOptions[0].textContent`, "Austin Bikes")
			b.wantText(".facts dd", "Austin Bikes austin")
			b.navigate("/customers") // the choice is remembered
			b.wantEval(`document.querySelector("select[name=subaccount]").value`, "austin")
		})

		b.step("on a phone the sidebar hides behind the menu button", func() {
			b.wantEval(`getComputedStyle(document.querySelector(".nav-button")).display`, "none")
			b.do(chromedp.WaitVisible(chromedp.CSS(".sidebar")))
			// Every item's icon is drawn, whatever fonts the system has.
			b.wantEval(`Array.from(document.querySelectorAll(".sidebar a")).filter(a => {
				const r = a.querySelector("svg")?.getBoundingClientRect(); return r && r.width == 16 && r.height == 16 }).length
				+ " of " + document.querySelectorAll(".sidebar a").length`, "5 of 5")

			b.do(chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile))
			b.navigate("/customers")
			// A page wider than the phone zooms out: nothing may overflow.
			b.wantEval(`document.documentElement.scrollWidth`, 375.0)
			b.wantEval(`window.innerWidth`, 375.0)
			b.do(chromedp.WaitNotVisible(chromedp.CSS(".sidebar")),
				chromedp.WaitVisible(chromedp.CSS(".nav-button")))
			b.wantEval(`document.querySelector(".nav-button svg").getBoundingClientRect().width`, 24.0)

			b.do(chromedp.Click(chromedp.CSS(".nav-button")),
				chromedp.WaitVisible(chromedp.CSS(".sidebar")),
				chromedp.WaitVisible(chromedp.CSS(`.sidebar a[href^="/vehicles"]`)))
			b.click(`.sidebar a[href^="/vehicles"]`, http.StatusOK)
			b.wantText("h1", "Vehicles")
			b.do(chromedp.WaitNotVisible(chromedp.CSS(".sidebar")))

			b.do(chromedp.Click(chromedp.CSS(".nav-button")), chromedp.WaitVisible(chromedp.CSS(".sidebar")),
				chromedp.Click(chromedp.CSS(".nav-button")), chromedp.WaitNotVisible(chromedp.CSS(".sidebar")))
		})

		b.noExceptions()
	})
}

// startBrowser starts one headless Chromium for the test and its subtests,
// or skips the test when none is installed.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	var exe string
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		t.Skip("\n!!!!!!!! BROWSER TESTS SKIPPED: no chromium or chromium-browser on PATH; " +
			"install it (apt-get install chromium) to test the dashboard in a browser !!!!!!!!")
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		// Containers often have a small /dev/shm, and Chromium crashes when it fills.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// The first Do binds the browser's life to its context, so it gets no
	// deadline of its own; a hung start is bounded here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v", exe, err)
		}
	case <-time.After(browserTimeout):
		cancelBrowser()
		t.Fatalf("start %s: no answer in %s", exe, browserTimeout)
	}
	return browserCtx
}

// browserSession is one engine's server and browser tab.
type browserSession struct {
	t     *testing.T
	ctx   context.Context
	base  string
	login demo.Login
	where string // the step that runs, for failure messages

	mu         sync.Mutex
	exceptions []string
}

func newBrowserSession(t *testing.T, browser context.Context, engine store.Engine) *browserSession {
	a := app.New(testdb.Open(t, engine))
	login, err := demo.Ensure(t.Context(), a)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(a, server.Config{Log: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	b := &browserSession{t: t, base: ts.URL, login: login}
	// A browser context of its own keeps this engine's cookies away from
	// the other's: both servers listen on 127.0.0.1, and cookies ignore ports.
	tab, cancelTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(),
		chromedp.WithListener(func(ev any) {
			if ev, ok := ev.(*runtime.EventExceptionThrown); ok {
				b.mu.Lock()
				defer b.mu.Unlock()
				b.exceptions = append(b.exceptions, fmt.Sprintf("%s (%s:%d)", ev.ExceptionDetails.Text,
					ev.ExceptionDetails.URL, ev.ExceptionDetails.LineNumber))
			}
		}))
	ctx, cancel := context.WithTimeout(tab, browserTimeout)
	t.Cleanup(func() {
		cancel()
		cancelTab()
	})
	b.ctx = ctx
	b.do(chromedp.EmulateViewport(1280, 900))
	return b
}

func (b *browserSession) step(name string, fn func()) {
	b.t.Helper()
	b.where = name
	fn()
}

func (b *browserSession) fatal(format string, args ...any) {
	b.t.Helper()
	b.t.Fatalf("%s: %s", b.where, fmt.Sprintf(format, args...))
}

func (b *browserSession) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fatal("%v (at %s)", err, b.locationString())
	}
}

// navigate loads path and waits for the page.
func (b *browserSession) navigate(path string) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.fatal("navigate to %s: %v", path, err)
	}
	if resp == nil || resp.Status != http.StatusOK {
		b.fatal("navigate to %s: response %v, want 200", path, resp)
	}
}

// click clicks the element that sel finds, waits for the page it leads to,
// and checks the page's status.
func (b *browserSession) click(sel string, status int64) {
	b.t.Helper()
	b.clickWith(status, chromedp.Click(chromedp.CSS(sel)))
}

// clickWith runs action, which must load a page, and checks the page's status.
func (b *browserSession) clickWith(status int64, action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, action)
	if err != nil {
		b.fatal("%v (at %s)", err, b.locationString())
	}
	if resp == nil || resp.Status != status {
		b.fatal("page %s answered %v, want status %d", b.locationString(), resp, status)
	}
}

func (b *browserSession) eval(js string) any {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](js))
	if err != nil {
		b.fatal("evaluate %s: %v", js, err)
	}
	return v
}

// wantEval checks a JavaScript expression's value; numbers arrive as float64.
func (b *browserSession) wantEval(js string, want any) {
	b.t.Helper()
	if got := b.eval(js); got != want {
		b.fatal("%s = %#v, want %#v", js, got, want)
	}
}

// waitJS waits until the JavaScript expression js is truthy.
func (b *browserSession) waitJS(js string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		b.fatal("wait for %s: %v", js, err)
	}
}

// text is the trimmed text content of the first element sel finds.
func (b *browserSession) text(sel string) string {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		b.fatal("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(got), " ")
}

func (b *browserSession) wantText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); got != want {
		b.fatal("text of %s = %q, want %q", sel, got, want)
	}
}

// texts is the trimmed text of every element sel finds, without the parts
// hidden from assistive technology (the sidebar's icons).
func (b *browserSession) texts(sel string) []string {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => {
		const c = e.cloneNode(true);
		c.querySelectorAll("[aria-hidden=true]").forEach(h => h.remove());
		return c.textContent.replace(/\s+/g, " ").trim();
	})`, sel)))
	if err != nil {
		b.fatal("texts of %s: %v", sel, err)
	}
	return got
}

func (b *browserSession) wantTexts(sel string, want ...string) {
	b.t.Helper()
	got := b.texts(sel)
	for i := range got {
		// Sidebar links start with an icon.
		if f := strings.Fields(got[i]); len(f) > 1 && !strings.ContainsAny(f[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			got[i] = strings.Join(f[1:], " ")
		}
	}
	if !slices.Equal(got, want) {
		b.fatal("texts of %s = %q, want %q", sel, got, want)
	}
}

func (b *browserSession) locationString() string {
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		return "unknown location: " + err.Error()
	}
	return loc
}

func (b *browserSession) location() *url.URL {
	b.t.Helper()
	u, err := url.Parse(b.locationString())
	if err != nil {
		b.fatal("location: %v", err)
	}
	return u
}

func (b *browserSession) wantPath(want string) {
	b.t.Helper()
	if got := b.location(); got.Path != want {
		b.fatal("at %s, want path %s", got, want)
	}
}

// noExceptions fails the test when a page threw an uncaught exception.
func (b *browserSession) noExceptions() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.exceptions {
		b.t.Errorf("uncaught JavaScript exception: %s", e)
	}
}
