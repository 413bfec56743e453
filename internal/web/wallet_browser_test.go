package web_test

// The wallet in a real browser: what only a browser proves. wallet.js reads
// the amount as typed and puts the balance before and after into the shared
// confirmation dialog of app.js; nothing moves until the dialog is
// confirmed; the new balance and the entry then show on the profile and in
// the wallet activity. It reuses the helpers of browser_test.go.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

func TestBrowserWallet(t *testing.T) {
	browser := startBrowser(t)
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		b := newBrowserSession(t, browser, engine)
		var profile string

		b.step("the demo operator signs in and opens a new customer's profile", func() {
			b.navigate("/customers?subaccount=berlin")
			b.do(chromedp.SendKeys(chromedp.CSS("input[name=email]"), b.login.Email),
				chromedp.SendKeys(chromedp.CSS("input[name=password]"), b.login.Password))
			b.click(`form[action="/login"] button[type=submit]`, http.StatusOK)
			b.wantPath("/customers")
			id, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(async () => {
				const post = (url, body) => fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
					body: JSON.stringify(body)}).then(r => r.json());
				await post("/api/v1/subaccounts", {slug: "potsdam", name: "Potsdam Scooters", currency: "EUR",
					timezone: "Europe/Berlin", country: "DE", default_locale: "de"});
				return (await post("/api/v1/customers?subaccount=potsdam", {name: "Wanda Wallet"})).id;
			})()`, chromedp.EvalAwaitPromise))
			if err != nil || !strings.HasPrefix(id, "cust_") {
				b.fatal("create a customer: %q %v", id, err)
			}
			profile = "/customers/" + id
			b.navigate(profile)
			b.wantText("h1", "Wanda Wallet")
			b.wantText("#wallet-balance", "€0.00")
		})

		b.step("an amount that cannot be read is marked and asks nothing", func() {
			b.do(chromedp.Click(chromedp.ID("wallet-actions")),
				chromedp.WaitVisible(chromedp.CSS("#wallet-credit-panel summary")),
				chromedp.Click(chromedp.CSS("#wallet-credit-panel summary")),
				chromedp.WaitVisible(chromedp.ID("wallet-credit-amount")),
				chromedp.SendKeys(chromedp.ID("wallet-credit-amount"), "12,5,0"),
				chromedp.Click(chromedp.ID("wallet-credit-submit")))
			b.wantEval(`document.getElementById("confirm-dialog").open`, false)
			b.wantEval(`document.getElementById("wallet-credit-amount").validationMessage`, "Enter an amount like 12.50.")
			b.wantPath(profile)
		})

		b.step("Add credit asks in the shared dialog with the balance before and after; Cancel moves nothing", func() {
			b.eval(`document.getElementById("wallet-credit-amount").value = ""`)
			b.do(chromedp.SendKeys(chromedp.ID("wallet-credit-amount"), "12.50"),
				chromedp.SendKeys(chromedp.ID("wallet-credit-note"), "Refund for a broken lock"),
				chromedp.Click(chromedp.ID("wallet-credit-submit")),
				chromedp.WaitVisible(chromedp.ID("confirm-dialog")))
			b.wantText("#confirm-message", "Add €12.50 to the wallet of Wanda Wallet? Wallet balance: €0.00 → €12.50")
			b.do(chromedp.Click(chromedp.CSS(`#confirm-dialog button[value=cancel]`)),
				chromedp.WaitNotVisible(chromedp.ID("confirm-dialog")))
			b.wantPath(profile)
			b.wantText("#wallet-balance", "€0.00")
		})

		b.step("confirmed, the credit applies once and the profile shows the new balance", func() {
			b.do(chromedp.Click(chromedp.ID("wallet-credit-submit")), chromedp.WaitVisible(chromedp.ID("confirm-dialog")))
			b.click("#confirm-ok", http.StatusOK)
			b.wantPath(profile)
			b.wantText("#wallet-balance", "€12.50")
			b.wantText(".flash-success", "Added €12.50 to the wallet of Wanda Wallet. Wallet balance: €12.50. ×")
			b.wantText("#wallet-recent tbody tr td:nth-child(2)", "+€12.50")
			b.wantText("#wallet-recent tbody tr td:nth-child(3)", "€12.50 bonus €0.00")
		})

		b.step("the wallet activity lists the entry with the balance after it", func() {
			b.click("#wallet-activity-link", http.StatusOK)
			b.wantPath(profile + "/wallet")
			b.wantEval(`document.querySelectorAll("#wallet-ledger tbody tr").length`, 1.0)
			b.wantTexts("#wallet-ledger tbody tr td:nth-child(2)", "Credit")
			b.wantTexts("#wallet-ledger tbody tr td:nth-child(3)", "+€12.50")
			b.wantTexts("#wallet-ledger tbody tr td:nth-child(4)", "€12.50")
			b.wantTexts("#wallet-ledger tbody tr td:nth-child(7)", "Refund for a broken lock")
		})

		b.noExceptions()
	})
}
