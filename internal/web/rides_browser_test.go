package web_test

// The seed's ride flow in a real browser: what only a browser proves. The
// Start Trip dialog of rides.js (a vehicle search that fetches the step
// without loading a page, the checklist of the chosen vehicle), the amber
// banner at the top of the profile, and End Trip through the shared
// confirmation dialog of app.js. It reuses the helpers of browser_test.go.
//
// newBrowserSession keeps its app to itself, so the customer, the credit
// and the vehicle come through the API with the session cookie, which
// calls app.CustomerCreate, app.WalletAct, app.VehicleCreate and
// app.VehicleSignal.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

func TestBrowserStartAndEndATrip(t *testing.T) {
	browser := startBrowser(t)
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		b := newBrowserSession(t, browser, engine)

		b.step("the demo operator signs in", func() {
			b.navigate("/customers?subaccount=berlin")
			b.wantPath("/login")
			b.do(chromedp.SendKeys(chromedp.CSS("input[name=email]"), b.login.Email),
				chromedp.SendKeys(chromedp.CSS("input[name=password]"), b.login.Password))
			b.click(`form[action="/login"] button[type=submit]`, http.StatusOK)
			b.wantPath("/customers")
		})

		var customerID string
		b.step("a customer with €20 in the wallet and an online scooter exist", func() {
			got, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(async () => {
				const post = async (url, body) => {
					const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
					return [r.status, await r.json()];
				};
				const [s1, customer] = await post("/api/v1/customers?subaccount=berlin", {name: "Clara Schmidt", email: "clara@example.com"});
				const [s2] = await post("/api/v1/customers/" + customer.id + "/wallet/credit", {amount: 2000, note: "Top-up at the depot"});
				const [s3, vehicle] = await post("/api/v1/vehicles?subaccount=berlin", {code: "SC-1042", imei: "359000000001042", model: "Ninebot Max G30"});
				const [s4] = await post("/api/v1/vehicles/" + vehicle.id + "/signal", {lat: 52.52, lon: 13.405, battery: 87});
				const [s5] = await post("/api/v1/vehicles?subaccount=berlin", {code: "SC-2077", imei: "359000000002077"});
				return [customer.id, [s1, s2, s3, s4, s5].join(" ")];
			})()`, chromedp.EvalAwaitPromise))
			if err != nil || len(got) != 2 || got[1] != "201 200 201 200 201" {
				b.fatal("seed the customer and the vehicles: %v %v", got, err)
			}
			customerID = got[0]
		})

		b.step("the profile offers Start Trip in its action bar", func() {
			b.navigate("/customers/" + customerID)
			b.wantText("h1", "Clara Schmidt")
			b.wantText("#wallet-balance", "€20.00")
			b.wantEval(`document.querySelector(".profile-head .head-actions #action-start-trip") !== null`, true)
			b.wantText("#action-start-trip", "Start Trip")
			b.wantEval(`document.querySelectorAll("#banner-ride").length`, 0.0)
			b.wantText("#recent-rides .muted", "No rides yet.")
		})

		b.step("Start Trip opens a dialog whose search lists the vehicle as the operator types", func() {
			b.eval(`window.sameDocument = "yes"`)
			b.do(chromedp.Click(chromedp.ID("action-start-trip")),
				chromedp.WaitVisible(chromedp.ID("ride-start-dialog")),
				chromedp.WaitVisible(chromedp.ID("ride-vehicle-search")))
			b.wantEval(`document.getElementById("ride-start-dialog").open`, true)
			b.wantText("#ride-start-title", "Start a trip for Clara Schmidt")
			b.wantEval(`document.activeElement.id`, "ride-vehicle-search")
			b.do(chromedp.SendKeys(chromedp.ID("ride-vehicle-search"), "1042"))
			b.waitJS(`document.querySelectorAll("#ride-vehicles .ride-vehicle").length === 1`)
			b.wantEval(`document.querySelector("#ride-vehicles .ride-vehicle").dataset.code`, "SC-1042")
			b.wantEval(`document.getElementById("ride-vehicle-search").value`, "1042")
			b.wantEval(`window.sameDocument`, "yes")
			b.wantPath("/customers/" + customerID)
		})

		b.step("choosing the vehicle shows the checklist, every rule passing", func() {
			b.do(chromedp.Click(chromedp.CSS("#ride-vehicles .ride-vehicle")))
			b.waitJS(`document.getElementById("ride-checklist") !== null`)
			b.wantText("#ride-check-title", "Checks for vehicle SC-1042")
			b.wantEval(`document.querySelectorAll("#ride-checklist .checklist li.pass").length`, 7.0)
			b.wantEval(`document.querySelectorAll("#ride-checklist .checklist li.fail").length`, 0.0)
			b.wantTexts("#ride-checklist .check-label",
				"The customer is not deleted.", "The customer is not blocked.", "No identity verification is outstanding.",
				"A valid payment method or enough wallet balance.", "Vehicle SC-1042 is available.",
				"Vehicle SC-1042 signalled within the last hour.", "The customer has no active ride.")
			b.wantText("#ride-eligible", "Every check passes: Clara Schmidt may ride vehicle SC-1042.")
			b.wantEval(`document.getElementById("ride-start-confirm").disabled`, false)
			b.wantEval(`window.sameDocument`, "yes")
		})

		b.step("confirming starts the trip, and the amber banner leads the profile", func() {
			b.click("#ride-start-confirm", http.StatusOK)
			b.wantPath("/customers/" + customerID)
			b.do(chromedp.WaitVisible(chromedp.ID("banner-ride")))
			b.wantText(".flash-success", "Trip started for Clara Schmidt on vehicle SC-1042. ×")
			b.wantText("#banner-ride strong", "Customer has an active ride")
			b.wantEval(`getComputedStyle(document.getElementById("banner-ride")).backgroundColor`, "rgb(255, 244, 224)")
			// The banner comes before the customer's name.
			b.wantEval(`!!(document.getElementById("banner-ride").compareDocumentPosition(document.querySelector("h1")) & Node.DOCUMENT_POSITION_FOLLOWING)`, true)
			b.wantEval(`document.querySelector(".profile-head .head-actions #action-end-trip") !== null`, true)
			b.wantEval(`document.querySelectorAll("#action-start-trip").length`, 0.0)
			href := b.eval(`document.getElementById("banner-ride-link").getAttribute("href")`).(string)
			if !strings.HasPrefix(href, "/rides/ride_") {
				b.fatal("the banner links to %q, want the ride page", href)
			}
			b.wantTexts("#recent-rides .rides-table tbody .badge", "Active")
		})

		b.step("End Trip in the banner asks in the shared dialog; Cancel keeps the ride", func() {
			b.do(chromedp.Click(chromedp.ID("banner-end-trip")), chromedp.WaitVisible(chromedp.ID("confirm-dialog")))
			b.wantText("#confirm-message", "End the ride on vehicle SC-1042 now? It is charged at once.")
			b.do(chromedp.Click(chromedp.CSS(`#confirm-dialog button[value=cancel]`)),
				chromedp.WaitNotVisible(chromedp.ID("confirm-dialog")))
			b.wantEval(`document.querySelectorAll("#banner-ride").length`, 1.0)
		})

		b.step("End Trip confirmed charges the ride, which Recent rides lists with its amount", func() {
			b.do(chromedp.Click(chromedp.ID("banner-end-trip")), chromedp.WaitVisible(chromedp.ID("confirm-dialog")))
			b.click("#confirm-ok", http.StatusOK)
			b.wantPath("/customers/" + customerID)
			// €1.00 to unlock and €0.25 for the one minute started.
			b.wantText(".flash-success", "The ride on vehicle SC-1042 has ended. Charged: €1.25. ×")
			b.wantEval(`document.querySelectorAll("#banner-ride").length`, 0.0)
			b.wantTexts("#recent-rides .rides-table tbody .badge", "Completed")
			b.wantTexts("#recent-rides .rides-table tbody .ride-amount", "€1.25")
			b.wantText("#all-rides", "All rides (1)")
			b.wantText("#wallet-balance", "€18.75")
			b.wantEval(`document.querySelector(".profile-head .head-actions #action-start-trip") !== null`, true)
		})

		b.step("the ride page shows the charge", func() {
			b.click("#recent-rides .ride-link", http.StatusOK)
			if !strings.HasPrefix(b.location().Path, "/rides/ride_") {
				b.fatal("at %s, want the ride page", b.location())
			}
			b.wantText("#ride-status", "Completed")
			b.wantText("#ride-vehicle", "SC-1042")
			b.wantText("#ride-amount", "€1.25")
			b.wantTexts("#ride-charges li", "Wallet €1.25")
		})

		b.noExceptions()
	})
}
