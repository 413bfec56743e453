package web

import "github.com/mobidesk/mobidesk/internal/domain"

// walletFee charges a fee, with a reason. It may take the wallet below
// zero, and then the customer is notified.
func (w *Web) walletFee(r *request) error { return w.walletAct(r, domain.KindFee) }
