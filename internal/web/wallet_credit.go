package web

import "github.com/mobidesk/mobidesk/internal/domain"

// walletCredit adds wallet credit to the customer.
func (w *Web) walletCredit(r *request) error { return w.walletAct(r, domain.KindCredit) }
