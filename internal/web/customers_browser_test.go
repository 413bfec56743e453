package web_test

// The customer pages in a real browser: what only a browser proves. The
// instant search of app.js (a debounced fetch that replaces the results
// and the address, without loading a page), the bulk selection, the
// shared confirmation dialog for a block and for a typed deletion, the
// Inactive tab's restore, and the cards that replace the table on a phone.
// It reuses the helpers of browser_test.go.

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

func TestBrowserCustomers(t *testing.T) {
	browser := startBrowser(t)
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		b := newBrowserSession(t, browser, engine)
		names := func() []string { return b.texts(".customers-table .customer-link") }

		b.step("the demo operator signs in and lands on the customers", func() {
			b.navigate("/customers?subaccount=berlin")
			b.wantPath("/login")
			b.do(chromedp.SendKeys(chromedp.CSS("input[name=email]"), b.login.Email),
				chromedp.SendKeys(chromedp.CSS("input[name=password]"), b.login.Password))
			b.click(`form[action="/login"] button[type=submit]`, http.StatusOK)
			b.wantPath("/customers")
			b.wantText("h1", "Customers")
		})

		// A subaccount of the test's own keeps the demo data out of the way.
		b.step("customers created through the API appear in the list", func() {
			statuses, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](`(async () => {
				const post = (url, body) => fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
					body: JSON.stringify(body)}).then(r => r.status);
				const statuses = [await post("/api/v1/subaccounts", {slug: "potsdam", name: "Potsdam Scooters",
					currency: "EUR", timezone: "Europe/Berlin", country: "DE", default_locale: "de"})];
				for (const c of [
					{name: "Clara Schmidt", email: "clara@example.com", phone: "030 1234567"},
					{name: "Klaus Meier", email: "klaus@example.com"},
					{name: "Anna Neumann"},
				]) { statuses.push(await post("/api/v1/customers?subaccount=potsdam", c)); }
				return statuses;
			})()`, chromedp.EvalAwaitPromise))
			if err != nil || !slices.Equal(statuses, []int{201, 201, 201, 201}) {
				b.fatal("create the subaccount and customers: %v %v", statuses, err)
			}
			b.navigate("/customers?subaccount=potsdam")
			if got, want := names(), []string{"Anna Neumann", "Clara Schmidt", "Klaus Meier"}; !slices.Equal(got, want) {
				b.fatal("list shows %q, want %q", got, want)
			}
			b.wantText("#stat-total", "3")
		})

		b.step("typing in the search box replaces the results, not the page, and the address follows", func() {
			b.eval(`window.sameDocument = "yes"`)
			b.do(chromedp.SendKeys(chromedp.ID("customer-search"), "lar"))
			b.waitJS(`document.querySelectorAll(".customers-table .customer-link").length === 1`)
			if got := names(); !slices.Equal(got, []string{"Clara Schmidt"}) {
				b.fatal("search shows %q", got)
			}
			b.wantEval(`window.sameDocument`, "yes")
			b.waitJS(`new URLSearchParams(location.search).get("q") === "lar"`)
			if q := b.location().Query(); q.Get("subaccount") != "potsdam" {
				b.fatal("the address lost the subaccount: %v", q)
			}
			b.wantText("#results-count", "Matches: 1 · Clear filters")

			// A phone number as dialled finds its customer too.
			b.eval(`document.getElementById("customer-search").value = ""`)
			b.do(chromedp.SendKeys(chromedp.ID("customer-search"), "030 1234567"))
			b.waitJS(`new URLSearchParams(location.search).get("q") === "030 1234567"`)
			b.waitJS(`document.querySelectorAll(".customers-table .customer-link").length === 1`)
			b.wantText(".customers-table .customer-link", "Clara Schmidt")
			b.wantEval(`window.sameDocument`, "yes")
		})

		b.step("the header checkbox selects the visible rows and the toolbar counts them", func() {
			b.wantEval(`document.querySelector("[data-bulk-toolbar]").hidden`, true)
			b.do(chromedp.Click(chromedp.CSS("input[data-select-all]")))
			b.wantEval(`document.querySelector("[data-bulk-toolbar]").hidden`, false)
			b.wantText("[data-bulk-toolbar] > span", "1 selected")
			b.do(chromedp.Click(chromedp.CSS("[data-clear-selection]")))
			b.wantEval(`document.querySelector("[data-bulk-toolbar]").hidden`, true)
		})

		b.step("a result opens the profile", func() {
			b.click(".customers-table .customer-link", http.StatusOK)
			if !strings.HasPrefix(b.location().Path, "/customers/cust_") {
				b.fatal("at %s, want a profile", b.location())
			}
			b.wantText("h1", "Clara Schmidt")
			b.wantText("#identity-status", "Not required")
		})

		b.step("Block asks in the shared dialog, and the red banner shows the reason", func() {
			b.do(chromedp.Click(chromedp.CSS(".actions-menu summary")),
				chromedp.WaitVisible(chromedp.ID("block-reason")),
				chromedp.SendKeys(chromedp.ID("block-reason"), "Chargeback on the card"),
				chromedp.Click(chromedp.ID("action-block")),
				chromedp.WaitVisible(chromedp.ID("confirm-dialog")))
			b.wantText("#confirm-message",
				"Block Clara Schmidt? They cannot start rides or buy anything until they are unblocked.")
			b.wantEval(`document.getElementById("confirm-typed").hidden`, true)
			b.click("#confirm-ok", http.StatusOK)
			b.do(chromedp.WaitVisible(chromedp.ID("banner-blocked")))
			b.wantText("#banner-blocked span", "Chargeback on the card")
			b.wantEval(`getComputedStyle(document.getElementById("banner-blocked")).backgroundColor`, "rgb(253, 236, 234)")
			b.wantText(".flash-success", "Clara Schmidt is blocked. ×")
			b.wantTexts(".profile-head .badge", "Blocked")
		})

		b.step("Delete wants the email typed in the dialog before it deletes", func() {
			b.do(chromedp.Click(chromedp.CSS(".actions-menu summary")),
				chromedp.WaitVisible(chromedp.ID("action-delete")))
			// With scripts the form's own confirmation field gives way to the dialog's.
			b.wantEval(`document.getElementById("delete-confirm").checkVisibility()`, false)
			b.do(chromedp.Click(chromedp.ID("action-delete")), chromedp.WaitVisible(chromedp.ID("confirm-input")))
			b.wantText("#confirm-typed-label", "Type clara@example.com to confirm")
			b.wantEval(`document.getElementById("confirm-ok").disabled`, true)
			b.do(chromedp.SendKeys(chromedp.ID("confirm-input"), "clara@example"))
			b.wantEval(`document.getElementById("confirm-ok").disabled`, true)
			b.do(chromedp.SendKeys(chromedp.ID("confirm-input"), ".com"))
			b.wantEval(`document.getElementById("confirm-ok").disabled`, false)
			b.click("#confirm-ok", http.StatusOK)
			b.do(chromedp.WaitVisible(chromedp.ID("banner-deleted")))
			b.wantTexts(".profile-head .badge", "Deleted")
		})

		b.step("the Inactive tab lists the deleted customer and restores them", func() {
			b.click(".crumbs a", http.StatusOK)
			if got := names(); slices.Contains(got, "Clara Schmidt") {
				b.fatal("the All tab still lists the deleted customer: %q", got)
			}
			b.click(`.tabs a[href*="status=deleted"]`, http.StatusOK)
			b.wantTexts(".tabs a[aria-current=page]", "Inactive 1")
			if got := names(); !slices.Equal(got, []string{"Clara Schmidt"}) {
				b.fatal("Inactive tab shows %q", got)
			}
			b.do(chromedp.Click(chromedp.CSS(".row-action button")), chromedp.WaitVisible(chromedp.ID("confirm-dialog")))
			b.wantText("#confirm-message", "Restore Clara Schmidt?")
			b.click("#confirm-ok", http.StatusOK)
			b.wantPath("/customers")
			if got := b.location().Query().Get("status"); got != "deleted" {
				b.fatal("restore went to status %q, want back to the Inactive tab", got)
			}
			b.wantText(".flash-success", "Clara Schmidt is restored. ×")
			b.wantText(".empty-title", "No customers match these filters.")
			b.click(`.tabs a[href*="status=blocked"]`, http.StatusOK)
			if got := names(); !slices.Equal(got, []string{"Clara Schmidt"}) {
				b.fatal("Blocked tab shows %q: restored customers keep their block", got)
			}
		})

		b.step("on a 390 px phone the table becomes cards, and a tap opens the profile", func() {
			b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			b.navigate("/customers?subaccount=potsdam")
			b.wantEval(`document.documentElement.scrollWidth`, 390.0)
			b.wantEval(`getComputedStyle(document.querySelector(".customers-table thead")).display`, "none")
			b.wantEval(`getComputedStyle(document.querySelector(".customers-table tbody tr")).display`, "grid")
			b.wantEval(`document.querySelector(".customers-table td.wide-only").checkVisibility()`, false)
			// A tap on the card's quick stats, not on the name, opens the profile.
			b.clickWith(http.StatusOK, chromedp.Click(chromedp.CSS(".customers-table tbody tr:first-child td.money")))
			b.wantText("h1", "Anna Neumann")
		})

		b.noExceptions()
	})
}
