package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// LedgerKind names what moved money in a wallet.
type LedgerKind string

// Ledger kinds.
const (
	KindCredit     LedgerKind = "credit"      // operator adds wallet credit
	KindBonus      LedgerKind = "bonus"       // operator adds bonus credit
	KindFee        LedgerKind = "fee"         // a charge; may take the wallet below zero, and notifies then
	KindDebit      LedgerKind = "debit"       // reduce balance: a silent correction
	KindBulkCredit LedgerKind = "bulk_credit" // one row of a bulk wallet batch
	KindRideCharge LedgerKind = "ride_charge" // part of a ride's price
	KindReversal   LedgerKind = "reversal"    // undoes one entry
)

// LedgerKinds lists every kind, for filters.
var LedgerKinds = []LedgerKind{KindCredit, KindBonus, KindFee, KindDebit, KindBulkCredit, KindRideCharge, KindReversal}

// Buckets of a wallet.
const (
	BucketWallet = "wallet"
	BucketBonus  = "bonus"
)

// Error codes of wallet rules.
const (
	ECodeInsufficientBalance = "insufficient_balance"
	ECodeAlreadyReversed     = "already_reversed"
	ECodeNotReversible       = "not_reversible"
)

// LedgerEntry is one append-only movement of a customer's wallet or bonus.
type LedgerEntry struct {
	ID                 string     `json:"id"`
	SubaccountID       string     `json:"subaccount_id"`
	CustomerID         string     `json:"customer_id"`
	Kind               LedgerKind `json:"kind"`
	Bucket             string     `json:"bucket"` // wallet or bonus
	Amount             int64      `json:"amount"` // signed, minor units
	WalletBalanceAfter int64      `json:"wallet_balance_after"`
	BonusBalanceAfter  int64      `json:"bonus_balance_after"`
	Currency           string     `json:"currency"`
	Note               string     `json:"note"`
	Actor              string     `json:"actor"`
	ActorID            string     `json:"actor_id"`
	IdempotencyKey     string     `json:"idempotency_key"`
	CauseType          string     `json:"cause_type"` // ride, batch, entry (for a reversal), or empty
	CauseID            string     `json:"cause_id"`
	CreatedAt          time.Time  `json:"created_at"`
}

// WalletAction is an operator's request to move money.
type WalletAction struct {
	Kind   LedgerKind
	Amount int64 // positive, minor units; the kind gives the sign
	Note   string
}

// DefaultMaxWalletAmount bounds one manual wallet action (1,000.00 in a
// two-decimal currency) unless the subaccount sets another.
const DefaultMaxWalletAmount = 100000

// Movement is the outcome of a wallet action on a customer's balances.
type Movement struct {
	Bucket string
	Amount int64 // signed
	Wallet int64 // balances after
	Bonus  int64
	// NotifyNegative says the wallet crossed from zero or above to below
	// zero through a fee: the customer is told.
	NotifyNegative bool
}

// Validate checks an action's amount and note against the subaccount's limit.
func (a WalletAction) Validate(maxAmount int64) error {
	var v Validation
	if a.Amount <= 0 {
		v.Add("amount", "must be a positive amount in minor units")
	} else if maxAmount > 0 && a.Amount > maxAmount {
		v.Add("amount", "must be at most %d minor units in one action", maxAmount)
	}
	note := strings.TrimSpace(a.Note)
	switch {
	case utf8.RuneCountInString(note) > 500:
		v.Add("note", "must be at most 500 characters")
	case note == "" && (a.Kind == KindFee || a.Kind == KindBonus || a.Kind == KindDebit):
		v.Add("note", "is required: say why")
	}
	return v.Err()
}

// Apply computes an action on balances. It is the one place that decides
// how each kind moves money.
func (a WalletAction) Apply(c *Customer) (Movement, error) {
	if c.DeletedAt != nil {
		return Movement{}, Errorf(ECodeCustomerDeleted, "This customer is deleted. Restore them first.")
	}
	m := Movement{Bucket: BucketWallet, Wallet: c.WalletBalance, Bonus: c.BonusBalance}
	switch a.Kind {
	case KindCredit, KindBulkCredit:
		m.Amount = a.Amount
	case KindBonus:
		m.Bucket, m.Amount = BucketBonus, a.Amount
	case KindFee:
		m.Amount = -a.Amount
		m.NotifyNegative = c.WalletBalance >= 0 && c.WalletBalance-a.Amount < 0
	case KindDebit:
		if c.WalletBalance-a.Amount < 0 {
			return Movement{}, Errorf(ECodeInsufficientBalance,
				"Reducing the balance by this much would take it below zero; charge a fee instead.")
		}
		m.Amount = -a.Amount
	default:
		return Movement{}, Errorf(ECodeBadRequest, "Unknown wallet action %q.", a.Kind)
	}
	if m.Bucket == BucketBonus {
		m.Bonus += m.Amount
	} else {
		m.Wallet += m.Amount
	}
	return m, nil
}

// Reverse computes the entry that undoes e on c's current balances.
func Reverse(e *LedgerEntry, c *Customer) (Movement, error) {
	if c.DeletedAt != nil {
		return Movement{}, Errorf(ECodeCustomerDeleted, "This customer is deleted. Restore them first.")
	}
	if e.Kind == KindReversal {
		return Movement{}, Errorf(ECodeNotReversible, "A reversal cannot be reversed; make a new entry instead.")
	}
	m := Movement{Bucket: e.Bucket, Amount: -e.Amount, Wallet: c.WalletBalance, Bonus: c.BonusBalance}
	if m.Bucket == BucketBonus {
		m.Bonus += m.Amount
	} else {
		m.Wallet += m.Amount
		m.NotifyNegative = false // a correction is silent
	}
	return m, nil
}

// Notification types.
const NotificationBalanceNegative = "balance_negative"

// Notification is a message to a customer, delivered through an outbox.
type Notification struct {
	ID           string    `json:"id"`
	SubaccountID string    `json:"subaccount_id"`
	CustomerID   string    `json:"customer_id"`
	Type         string    `json:"type"`
	Title        string    `json:"title"`
	Message      string    `json:"message"`
	Status       string    `json:"status"` // pending, sent, failed
	CreatedAt    time.Time `json:"created_at"`
}

// LedgerFilter selects a customer's ledger entries, newest first.
type LedgerFilter struct {
	CustomerID string
	Kind       string
	From, To   *time.Time
	Cursor     string
	Limit      int // 0 means all, for CSV downloads
}
