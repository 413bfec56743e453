package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
)

// WalletAct applies an operator's wallet action to a customer, within the
// subaccount's limit. key, when given, makes it happen at most once.
func (a *App) WalletAct(ctx context.Context, actor domain.Actor, c *domain.Customer, act domain.WalletAction, key string) (*domain.LedgerEntry, *domain.Customer, error) {
	sa, err := a.Store.SubaccountGet(ctx, c.SubaccountID)
	if err != nil {
		return nil, nil, err
	}
	if err := act.Validate(sa.MaxWalletAmount); err != nil {
		return nil, nil, err
	}
	return a.Store.WalletApply(ctx, actor, store.WalletOp{CustomerID: c.ID, Action: act, IdempotencyKey: key, Read: c})
}

// WalletReverse undoes one ledger entry of a customer with a compensating
// entry. The note is required: a reversal must say why.
func (a *App) WalletReverse(ctx context.Context, actor domain.Actor, c *domain.Customer, entryID, note, key string) (*domain.LedgerEntry, *domain.Customer, error) {
	var v domain.Validation
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 500 {
		v.Add("note", "is required: say why, in at most 500 characters")
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	return a.Store.WalletApply(ctx, actor, store.WalletOp{CustomerID: c.ID, ReverseEntryID: entryID, Note: note,
		IdempotencyKey: key, Read: c})
}
