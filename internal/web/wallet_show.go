package web

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpapi"
)

// walletActivity is the wallet activity page of one customer.
type walletActivity struct {
	C *domain.Customer
	// Kind, From and To are the filters as given.
	Kind, From, To string
	Filtered       bool
	Cursor         string // of the page shown; empty on the first
	Rows           []walletRow
	Total          int
	First, Next    string // addresses of the first and the next page
	CSV            string // the download of every filtered entry
	Back           string // this page, where a reversal returns
	Error          string // why the filters cannot be used
}

// walletRow is one ledger entry, with its reversal form when the operator
// may reverse it.
type walletRow struct {
	E        *domain.LedgerEntry
	Reversed bool
	Reverse  *walletReverseForm
}

// walletReverseForm is the confirmation of a reversal: the balance it
// moves, before and after, as the domain would reverse the entry now.
type walletReverseForm struct {
	Key, Confirm string
}

// walletShow is a customer's wallet activity: entries newest first with
// the balances after each, filtered by date and kind, a page at a time,
// and the download of exactly the filtered entries. Its filters mean what
// the API's do (httpapi.LedgerFilterFrom), with dates in the subaccount's
// time zone, as the page shows them.
func (w *Web) walletShow(r *request) error {
	ctx := r.R.Context()
	c := r.Customer
	q := r.R.URL.Query()
	a := &walletActivity{C: c, Kind: q.Get("kind"), From: q.Get("from"), To: q.Get("to"), Cursor: q.Get("cursor")}
	a.Filtered = a.Kind != "" || a.From != "" || a.To != ""
	base := "/customers/" + c.ID + "/wallet"
	filters := url.Values{}
	for _, name := range []string{"kind", "from", "to"} {
		if v := q.Get(name); v != "" {
			filters.Set(name, v)
		}
	}
	a.First, a.CSV, a.Back = withQuery(base, filters), withQuery(base+"/export", filters), r.R.URL.RequestURI()

	status := http.StatusOK
	f, err := httpapi.LedgerFilterFrom(q, c.ID, r.Sub.Timezone)
	var page domain.Page[*domain.LedgerEntry]
	if err == nil {
		f.Limit = domain.DefaultPageSize
		page, err = w.app.Store.LedgerList(ctx, f)
	}
	if err != nil {
		if domain.ErrorCode(err) != domain.ECodeValidation {
			return err
		}
		a.Error, status = r.ledgerFilterError(err), http.StatusUnprocessableEntity
	}
	a.Total = page.Total
	if page.NextCursor != "" {
		next := url.Values{}
		for k, v := range filters {
			next[k] = v
		}
		next.Set("cursor", page.NextCursor)
		a.Next = withQuery(base, next)
	}

	// Reversals name the entry they undo: an entry is reversed once.
	reversals, err := w.app.Store.LedgerList(ctx, domain.LedgerFilter{CustomerID: c.ID, Kind: string(domain.KindReversal)})
	if err != nil {
		return err
	}
	reversed := map[string]bool{}
	for _, e := range reversals.Data {
		reversed[e.CauseID] = true
	}
	canReverse := r.P.Can(domain.PermWalletReverse, c.SubaccountID)
	v := walletViewOf(r)
	for _, e := range page.Data {
		row := walletRow{E: e, Reversed: reversed[e.ID]}
		if canReverse && !row.Reversed {
			if m, err := domain.Reverse(e, c); err == nil {
				before, after := c.WalletBalance, m.Wallet
				label := v.T("customers.wallet_balance")
				if m.Bucket == domain.BucketBonus {
					before, after, label = c.BonusBalance, m.Bonus, v.T("customers.bonus_balance")
				}
				row.Reverse = &walletReverseForm{Key: rand.Text(),
					Confirm: v.T("wallet.reverse_confirm", v.LedgerKindLabel(e.Kind), v.SignedMoney(e.Amount, e.Currency)) + " " +
						v.T("wallet.confirm_balance", label, v.Money(before, c.Currency), v.Money(after, c.Currency))}
			}
		}
		a.Rows = append(a.Rows, row)
	}
	r.renderStatus("wallet", status, map[string]any{"Title": r.T("wallet.activity_title", c.Name),
		"Active": "nav.customers", "C": c, "Activity": a, "SwitchAction": "/customers"})
	return nil
}

// withQuery is path with q, without a lone "?" when q is empty.
func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// ledgerFilterError says in the page's language which filter is wrong.
func (r *request) ledgerFilterError(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			switch f.Field {
			case "from", "to":
				return r.T("wallet.err_date")
			case "kind":
				return r.T("wallet.err_kind")
			}
		}
	}
	return r.T("error.validation_failed")
}
