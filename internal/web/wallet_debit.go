package web

import "github.com/mobidesk/mobidesk/internal/domain"

// walletDebit reduces the balance silently, with a reason: a correction
// that notifies no one and never goes below zero.
func (w *Web) walletDebit(r *request) error { return w.walletAct(r, domain.KindDebit) }
