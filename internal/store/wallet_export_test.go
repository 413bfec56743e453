package store

import (
	"context"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// WalletOutcome is what one operation of a batch came to.
type WalletOutcome struct {
	Entry *domain.LedgerEntry
	Err   error
}

// WalletBatchForTest runs ops as one batch of the grouped writer, as if
// they had all arrived together, and returns their outcomes in order.
func (s *Store) WalletBatchForTest(a domain.Actor, ops ...WalletOp) []WalletOutcome {
	batch := make([]*groupReq, len(ops))
	for i, op := range ops {
		batch[i] = &groupReq{ctx: context.Background(), wallet: &walletReq{actor: a, op: op}, res: make(chan error, 1)}
	}
	s.group.commit(batch, 0)
	out := make([]WalletOutcome, len(ops))
	for i, r := range batch {
		if err := <-r.res; err != nil {
			out[i].Err = translate(err, "customer")
			continue
		}
		out[i] = WalletOutcome{Entry: r.wallet.entry}
	}
	return out
}
