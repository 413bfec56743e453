package web

// The profile's wallet section (_customer_wallet.html): balances, the
// latest entries, the wallet actions the operator may take, and the
// customer's notifications. The profile's handler knows nothing of it; the
// partial asks for it through view.WalletSection.

import (
	"crypto/rand"
	"errors"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// walletAction is one of the profile's wallet actions: the permission it
// needs and its catalog keys.
type walletAction struct {
	kind                       domain.LedgerKind
	perm                       domain.Permission
	label, hint, confirm, done string
}

// walletActions are the profile's wallet actions, in menu order.
var walletActions = []walletAction{
	{domain.KindCredit, domain.PermWalletCredit, "wallet.action_credit", "wallet.hint_credit", "wallet.confirm_credit", "wallet.flash_credit"},
	{domain.KindBonus, domain.PermWalletBonus, "wallet.action_bonus", "wallet.hint_bonus", "wallet.confirm_bonus", "wallet.flash_bonus"},
	{domain.KindFee, domain.PermWalletFee, "wallet.action_fee", "wallet.hint_fee", "wallet.confirm_fee", "wallet.flash_fee"},
	{domain.KindDebit, domain.PermWalletDebit, "wallet.action_debit", "wallet.hint_debit", "wallet.confirm_debit", "wallet.flash_debit"},
}

// walletActivityLabels name the audit entries of wallet moves on the
// profile's activity; the store names them "wallet." and the kind.
var walletActivityLabels = map[domain.LedgerKind]string{
	domain.KindCredit:   "wallet.activity_credit",
	domain.KindBonus:    "wallet.activity_bonus",
	domain.KindFee:      "wallet.activity_fee",
	domain.KindDebit:    "wallet.activity_debit",
	domain.KindReversal: "wallet.activity_reversal",
}

// The wallet's labels join the profile's activity labels here, so that the
// wallet's words stay in the wallet's files.
func init() {
	for kind, key := range walletActivityLabels {
		activityLabels["wallet."+string(kind)] = key
	}
}

// walletActionOf returns the action of kind.
func walletActionOf(kind domain.LedgerKind) walletAction {
	for _, a := range walletActions {
		if a.kind == kind {
			return a
		}
	}
	panic("web: no wallet action " + string(kind))
}

// ledgerKindLabels name the kinds of ledger entries.
var ledgerKindLabels = map[domain.LedgerKind]string{
	domain.KindCredit:     "wallet.kind_credit",
	domain.KindBonus:      "wallet.kind_bonus",
	domain.KindFee:        "wallet.kind_fee",
	domain.KindDebit:      "wallet.kind_debit",
	domain.KindBulkCredit: "wallet.kind_bulk_credit",
	domain.KindRideCharge: "wallet.kind_ride_charge",
	domain.KindReversal:   "wallet.kind_reversal",
}

// Counts of what the profile lists; the activity page has the rest.
const (
	walletEntriesShown       = 5
	walletNotificationsShown = 5
)

// walletSection is what the profile's wallet section shows.
type walletSection struct {
	C *domain.Customer
	// View says the operator may see the ledger (wallet:view).
	View         bool
	Entries      []*domain.LedgerEntry
	EntriesTotal int
	// Forms are the actions the operator holds the permission for; none
	// for a deleted customer.
	Forms              []*walletForm
	ShowNotifications  bool
	Notifications      []*domain.Notification
	NotificationsTotal int
}

// WalletSection loads the profile's wallet section of customer c.
func (v *view) WalletSection(c *domain.Customer) (*walletSection, error) {
	ctx := v.req.R.Context()
	store := v.req.web.app.Store
	s := &walletSection{C: c, View: v.P.Can(domain.PermWalletView, c.SubaccountID)}
	if s.View {
		page, err := store.LedgerList(ctx, domain.LedgerFilter{CustomerID: c.ID, Limit: walletEntriesShown})
		if err != nil {
			return nil, err
		}
		s.Entries, s.EntriesTotal = page.Data, page.Total
	}
	if c.DeletedAt == nil {
		for _, a := range walletActions {
			if v.P.Can(a.perm, c.SubaccountID) {
				s.Forms = append(s.Forms, newWalletForm(v, c, a))
			}
		}
	}
	if v.P.Can(domain.PermNotificationsView, c.SubaccountID) {
		list, err := store.NotificationList(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		s.ShowNotifications, s.NotificationsTotal = true, len(list)
		s.Notifications = list[:min(len(list), walletNotificationsShown)]
	}
	return s, nil
}

// walletForm is one wallet action's form: in the profile's menu, on a page
// of its own with the errors of a posted form, or as the confirmation of a
// posted amount when the browser ran no script to confirm it.
type walletForm struct {
	*view
	C      *domain.Customer
	Kind   domain.LedgerKind
	action walletAction
	// Amount, Note and Key are as posted; Key is the form's idempotency
	// key, so that a form sent twice moves money once.
	Amount, Note, Key string
	// Errors are by field (amount, note), and "" for the action as a whole.
	Errors map[string]string
	// Confirming says the amount is read and waits for the operator's
	// confirmation; Minor is that amount and Move what it does.
	Confirming bool
	Minor      int64
	Move       domain.Movement
	// Bucket and Sign say which balance the action moves and which way, as
	// the domain applies it; wallet.js shows the balance after from them.
	Bucket string
	Sign   int64
	// NoteRequired says the domain wants a reason for this kind.
	NoteRequired bool
}

func newWalletForm(v *view, c *domain.Customer, a walletAction) *walletForm {
	kind := a.kind
	f := &walletForm{view: v, C: c, Kind: kind, action: a, Key: rand.Text(), Errors: map[string]string{}}
	// The domain decides what an action moves: ask it with a probe.
	probe := &domain.Customer{WalletBalance: 1}
	if m, err := (domain.WalletAction{Kind: kind, Amount: 1}).Apply(probe); err == nil {
		f.Bucket, f.Sign = m.Bucket, m.Amount
	}
	var e *domain.Error
	if errors.As((domain.WalletAction{Kind: kind, Amount: 1}).Validate(0), &e) {
		for _, fe := range e.Fields {
			f.NoteRequired = f.NoteRequired || fe.Field == "note"
		}
	}
	return f
}

// Label names the action: "Add credit".
func (f *walletForm) Label() string { return f.T(f.action.label) }

// Hint says what the action does.
func (f *walletForm) Hint() string { return f.T(f.action.hint) }

// Danger says the action takes money away.
func (f *walletForm) Danger() bool { return f.Sign < 0 }

// ID names an element of the form: wallet-credit-amount.
func (f *walletForm) ID(part string) string { return "wallet-" + string(f.Kind) + "-" + part }

// Err is the error shown under field, or "".
func (f *walletForm) Err(field string) string { return f.Errors[field] }

// Before is the balance the action moves, as it stands.
func (f *walletForm) Before() int64 {
	if f.Bucket == domain.BucketBonus {
		return f.C.BonusBalance
	}
	return f.C.WalletBalance
}

// After is that balance once the confirmed action applies.
func (f *walletForm) After() int64 {
	if f.Bucket == domain.BucketBonus {
		return f.Move.Bonus
	}
	return f.Move.Wallet
}

// BalanceLabel names the balance the action moves.
func (f *walletForm) BalanceLabel() string {
	if f.Bucket == domain.BucketBonus {
		return f.T("customers.bonus_balance")
	}
	return f.T("customers.wallet_balance")
}

// Confirm is the question of the confirmation, with the amount and the
// balance before and after; wallet.js fills in the placeholders for the
// shared dialog.
func (f *walletForm) Confirm(amount, before, after string) string {
	return f.T(f.action.confirm, amount, f.C.Name) + " " +
		f.T("wallet.confirm_balance", f.BalanceLabel(), before, after)
}

// ConfirmTemplate is Confirm with placeholders, for wallet.js.
func (f *walletForm) ConfirmTemplate() string { return f.Confirm("{amount}", "{before}", "{after}") }

// ConfirmPosted is Confirm for the posted amount.
func (f *walletForm) ConfirmPosted() string {
	return f.Confirm(f.Money(f.Minor, f.C.Currency), f.Money(f.Before(), f.C.Currency), f.Money(f.After(), f.C.Currency))
}

// Format is how wallet.js reads amounts and writes money.
func (f *walletForm) Format() moneyFormat {
	return moneyFormatFor(f.Lang, f.C.Currency, f.exponent())
}

// Example is an amount as the operator writes it: 12,50 in German.
func (f *walletForm) Example() string { return amountExample(f.Lang, f.exponent()) }

// AmountInvalid is the message for an amount wallet.js cannot read.
func (f *walletForm) AmountInvalid() string { return f.T("wallet.err_amount", f.Example()) }

func (f *walletForm) exponent() int {
	if f.Sub != nil && f.Sub.ID == f.C.SubaccountID {
		return f.Sub.CurrencyExponent
	}
	if e, err := domain.CurrencyExponent(f.C.Currency); err == nil {
		return e
	}
	return 2
}

// LedgerKindLabel names a kind of ledger entry.
func (v *view) LedgerKindLabel(kind domain.LedgerKind) string {
	if key, ok := ledgerKindLabels[kind]; ok {
		return v.T(key)
	}
	return string(kind)
}

// LedgerKinds are the kinds the activity page filters by.
func (v *view) LedgerKinds() []domain.LedgerKind { return domain.LedgerKinds }

// SignedMoney writes an entry's amount with its sign: +€12.50, -€3.00.
func (v *view) SignedMoney(minor int64, currency string) string {
	if minor > 0 {
		return "+" + v.Money(minor, currency)
	}
	return v.Money(minor, currency)
}

// NotificationTypeLabel names a kind of notification.
func (v *view) NotificationTypeLabel(typ string) string {
	if typ == domain.NotificationBalanceNegative {
		return v.T("wallet.notification_balance_negative")
	}
	return strings.ReplaceAll(typ, "_", " ")
}

// NotificationStatusLabel names a notification's delivery status.
func (v *view) NotificationStatusLabel(status string) string {
	switch status {
	case "pending":
		return v.T("wallet.notification_pending")
	case "sent":
		return v.T("wallet.notification_sent")
	case "failed":
		return v.T("wallet.notification_failed")
	}
	return status
}
