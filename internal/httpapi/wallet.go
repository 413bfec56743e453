package httpapi

import (
	"encoding/csv"
	"net/http"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// walletRoutes are the wallet and notification endpoints.
func walletRoutes() []*Route {
	action := func(kind domain.LedgerKind, perm domain.Permission, summary string) *Route {
		return &Route{Method: "POST", Path: "/api/v1/customers/{id}/wallet/" + string(kind), Summary: summary,
			Perm: perm, Status: 200, Request: walletInput{}, Response: walletResult{}, Idempotent: true,
			Handle: func(c *Call) (any, error) { return handleWalletAction(c, kind) }}
	}
	return []*Route{
		action(domain.KindCredit, domain.PermWalletCredit, "Add wallet credit"),
		action(domain.KindBonus, domain.PermWalletBonus, "Add bonus credit, with a reason"),
		action(domain.KindFee, domain.PermWalletFee, "Charge a fee; may take the wallet below zero, which notifies the customer"),
		action(domain.KindDebit, domain.PermWalletDebit, "Reduce the balance silently (a correction), not below zero"),
		{Method: "POST", Path: "/api/v1/customers/{id}/wallet/transactions/{txn}/reverse",
			Summary: "Reverse one entry with a compensating entry", Perm: domain.PermWalletReverse, Status: 200,
			Request: reverseInput{}, Response: walletResult{}, Idempotent: true, Handle: handleWalletReverse},
		{Method: "GET", Path: "/api/v1/customers/{id}/wallet/transactions",
			Summary: "A customer's ledger, newest first; format=csv downloads exactly the filtered rows",
			Perm:    domain.PermWalletView, Status: 200, Response: domain.Page[*domain.LedgerEntry]{}, CSV: true,
			Query: []Param{{Name: "kind", Description: "credit, bonus, fee, debit, bulk_credit, ride_charge, reversal"},
				{Name: "from", Description: "on or after this date (YYYY-MM-DD) or time (RFC 3339)"},
				{Name: "to", Description: "on or before this date, or before this time"},
				{Name: "format", Description: "csv for a download of every matching entry"}, pCursor, pLimit},
			Handle: handleLedgerList},
		{Method: "GET", Path: "/api/v1/customers/{id}/notifications", Summary: "A customer's notifications, newest first",
			Perm: domain.PermNotificationsView, Status: 200, Response: domain.Page[*domain.Notification]{},
			Handle: handleNotificationList},
	}
}

type walletInput struct {
	Amount int64  `json:"amount"` // positive, minor units
	Note   string `json:"note"`
}

type reverseInput struct {
	Note string `json:"note"`
}

type walletResult struct {
	Transaction *domain.LedgerEntry `json:"transaction"`
	Customer    *domain.Customer    `json:"customer"`
}

// ledgerKey scopes a client's Idempotency-Key to its operator, so that two
// operators' keys never meet in a customer's ledger.
func (c *Call) ledgerKey() string {
	key := c.R.Header.Get("Idempotency-Key")
	if key == "" {
		return ""
	}
	return IdempotencyScope(c.P) + ":" + key
}

func handleWalletAction(c *Call, kind domain.LedgerKind) (any, error) {
	var in walletInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	e, after, err := c.app.WalletAct(c.R.Context(), c.Actor(in.Note), cust,
		domain.WalletAction{Kind: kind, Amount: in.Amount, Note: in.Note}, c.ledgerKey())
	if err != nil {
		return nil, err
	}
	return walletResult{Transaction: e, Customer: after}, nil
}

func handleWalletReverse(c *Call) (any, error) {
	var in reverseInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	e, after, err := c.app.WalletReverse(c.R.Context(), c.Actor(in.Note), cust, c.R.PathValue("txn"), in.Note, c.ledgerKey())
	if err != nil {
		return nil, err
	}
	return walletResult{Transaction: e, Customer: after}, nil
}

// LedgerFilterFrom reads the ledger's filters; the dashboard shares it.
func LedgerFilterFrom(q interface{ Get(string) string }, customerID, timezone string) (domain.LedgerFilter, error) {
	f := domain.LedgerFilter{CustomerID: customerID, Kind: q.Get("kind"), Cursor: q.Get("cursor")}
	var v domain.Validation
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		loc = time.UTC
	}
	f.From = dateParam(&v, q, "from", loc, false)
	f.To = dateParam(&v, q, "to", loc, true)
	return f, v.Err()
}

func handleLedgerList(c *Call) (any, error) {
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	q := c.R.URL.Query()
	sa, err := c.app.Store.SubaccountGet(c.R.Context(), cust.SubaccountID)
	if err != nil {
		return nil, err
	}
	// Dates are days of the subaccount's time zone, as on the dashboard.
	f, err := LedgerFilterFrom(q, cust.ID, sa.Timezone)
	if err != nil {
		return nil, err
	}
	if q.Get("format") == "csv" {
		f.Cursor = ""
		page, err := c.app.Store.LedgerList(c.R.Context(), f)
		if err != nil {
			return nil, err
		}
		c.W.Header().Set("Content-Type", "text/csv; charset=utf-8")
		c.W.Header().Set("Content-Disposition", `attachment; filename="wallet-`+cust.ID+`.csv"`)
		c.W.WriteHeader(http.StatusOK)
		return written{}, WriteLedgerCSV(c.W, page.Data, sa.CurrencyExponent)
	}
	if f.Limit, err = c.Limit(); err != nil {
		return nil, err
	}
	return c.app.Store.LedgerList(c.R.Context(), f)
}

// WriteLedgerCSV writes entries as CSV with decimal amounts and text cells
// made safe from formula injection.
func WriteLedgerCSV(w interface{ Write([]byte) (int, error) }, entries []*domain.LedgerEntry, exp int) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "created_at", "kind", "amount", "wallet_balance_after", "bonus_balance_after", "currency", "note", "actor"})
	for _, e := range entries {
		cw.Write([]string{e.ID, e.CreatedAt.Format(time.RFC3339), string(e.Kind), domain.FormatDecimal(e.Amount, exp),
			domain.FormatDecimal(e.WalletBalanceAfter, exp), domain.FormatDecimal(e.BonusBalanceAfter, exp), e.Currency,
			domain.CSVSafe(e.Note), domain.CSVSafe(e.Actor)})
	}
	cw.Flush()
	return cw.Error()
}

func handleNotificationList(c *Call) (any, error) {
	cust, err := c.customer()
	if err != nil {
		return nil, err
	}
	list, err := c.app.Store.NotificationList(c.R.Context(), cust.ID)
	if err != nil {
		return nil, err
	}
	return domain.Page[*domain.Notification]{Data: list, Total: len(list)}, nil
}
