package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpapi"
)

// walletAct takes a wallet action on the path's customer from its posted
// form: the amount in the operator's language, a note, and the form's
// idempotency key. What the domain refuses comes back on a page of its own
// with the reason beside the field, and nothing changes. A form that was
// not confirmed in the browser (no script ran to show the dialog) is first
// confirmed on a page that shows the balance before and after: only a
// confirmed form moves money.
func (w *Web) walletAct(r *request, kind domain.LedgerKind) error {
	if err := r.R.ParseForm(); err != nil {
		return domain.Errorf(domain.ECodeBadRequest, "The form could not be read.")
	}
	form := r.R.PostForm
	c := r.Customer
	f := newWalletForm(walletViewOf(r), c, walletActionOf(kind))
	f.Amount, f.Note = strings.TrimSpace(form.Get("amount")), form.Get("note")
	key := form.Get("key")
	if len(key) > 64 {
		key = ""
	}
	if key != "" {
		f.Key = key
	}

	minor, err := parseAmount(r.Lang, f.Amount, f.exponent())
	switch {
	case f.Amount == "":
		f.Errors["amount"] = r.T("wallet.err_amount_missing")
	case errors.Is(err, errAmountPositive):
		f.Errors["amount"] = r.T("wallet.err_amount_positive")
	case err != nil:
		f.Errors["amount"] = f.AmountInvalid()
	}
	act := domain.WalletAction{Kind: kind, Amount: minor, Note: f.Note}
	f.validation(act.Validate(r.Sub.MaxWalletAmount), r.Sub.MaxWalletAmount)
	if len(f.Errors) == 0 {
		m, err := act.Apply(c)
		if err != nil {
			msg, ok := r.walletRefusal(err)
			if !ok {
				return err
			}
			f.Errors[""] = msg
		}
		f.Minor, f.Move = minor, m
	}
	if len(f.Errors) > 0 {
		return r.renderWalletForm(f, http.StatusUnprocessableEntity)
	}
	if form.Get("confirmed") != "yes" {
		f.Confirming = true
		return r.renderWalletForm(f, http.StatusOK)
	}

	if key != "" {
		key = httpapi.IdempotencyScope(r.P) + ":" + key
	}
	e, _, err := w.app.WalletAct(r.R.Context(), r.actor(f.Note), c, act, key)
	if err != nil {
		msg, ok := r.walletRefusal(err)
		if !ok {
			return err
		}
		f.Errors[""] = msg
		return r.renderWalletForm(f, http.StatusUnprocessableEntity)
	}
	if e.Kind != kind || absMinor(e.Amount) != minor {
		// The key came with an earlier form, and its first entry came back:
		// a form restored from the browser's history, changed and sent again.
		r.flash("error", r.T("wallet.err_form_used"))
		return r.redirect(r.url("/customers/" + c.ID))
	}
	r.flash("success", r.walletDone(f.action, e))
	return r.redirect(r.url("/customers/" + c.ID))
}

// validation translates the domain's verdict on an action into messages
// beside the fields; an amount already found wrong keeps its message.
func (f *walletForm) validation(err error, maxAmount int64) {
	var e *domain.Error
	if !errors.As(err, &e) {
		return
	}
	for _, fe := range e.Fields {
		if f.Errors[fe.Field] != "" {
			continue
		}
		switch fe.Field {
		case "amount":
			f.Errors["amount"] = f.T("wallet.err_amount_max", f.Money(maxAmount, f.C.Currency))
		case "note":
			if strings.TrimSpace(f.Note) == "" {
				f.Errors["note"] = f.T("wallet.err_note_required")
			} else {
				f.Errors["note"] = f.T("wallet.err_note_long")
			}
		default:
			f.Errors[fe.Field] = fe.Message
		}
	}
}

// renderWalletForm shows one wallet action on a page of its own: the form
// with its errors, or the confirmation of the posted amount.
func (r *request) renderWalletForm(f *walletForm, status int) error {
	c := r.Customer
	r.renderStatus("wallet_action", status, map[string]any{"Title": f.Label() + " · " + c.Name,
		"Active": "nav.customers", "C": c, "Form": f, "SwitchAction": "/customers",
		"Self": r.url("/customers/" + c.ID)})
	return nil
}

// walletRefusals say in the page's language why the domain refused a
// wallet action.
var walletRefusals = map[string]string{
	domain.ECodeInsufficientBalance: "wallet.err_insufficient",
	domain.ECodeAlreadyReversed:     "wallet.err_already_reversed",
	domain.ECodeNotReversible:       "wallet.err_not_reversible",
	domain.ECodeCustomerDeleted:     "customers.err_deleted",
}

// walletRefusal is refusal with the wallet's own reasons.
func (r *request) walletRefusal(err error) (string, bool) {
	if key, ok := walletRefusals[domain.ErrorCode(err)]; ok {
		return r.T(key), true
	}
	return r.refusal(err)
}

// walletDone says what an applied action did, with the balance it left;
// a fee that took the wallet below zero says that the customer was told.
func (r *request) walletDone(a walletAction, e *domain.LedgerEntry) string {
	balance := e.WalletBalanceAfter
	if e.Bucket == domain.BucketBonus {
		balance = e.BonusBalanceAfter
	}
	msg := r.T(a.done, r.walletMoney(absMinor(e.Amount), e.Currency), r.Customer.Name, r.walletMoney(balance, e.Currency))
	if walletNotified(e) {
		msg += " " + r.T("wallet.flash_notified", r.Customer.Name)
	}
	return msg
}

// walletNotified asks the domain whether entry e moved the wallet in a way that
// notifies the customer (a fee that took it below zero).
func walletNotified(e *domain.LedgerEntry) bool {
	if e.Bucket != domain.BucketWallet || e.Amount >= 0 {
		return false
	}
	before := &domain.Customer{WalletBalance: e.WalletBalanceAfter - e.Amount, BonusBalance: e.BonusBalanceAfter}
	m, err := domain.WalletAction{Kind: e.Kind, Amount: -e.Amount}.Apply(before)
	return err == nil && m.NotifyNegative
}

// walletMoney formats minor units in the request's language and subaccount.
func (r *request) walletMoney(minor int64, currency string) string {
	return walletViewOf(r).Money(minor, currency)
}

// walletViewOf is a view of the request, for the wallet's forms and
// messages outside a rendered page.
func walletViewOf(r *request) *view {
	return &view{Lang: r.Lang, P: r.P, Sub: r.Sub, Subs: r.Subs, req: r}
}

func absMinor(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
