package web

import "github.com/mobidesk/mobidesk/internal/domain"

// walletBonus adds bonus credit, with a reason; rides use bonus before the
// wallet.
func (w *Web) walletBonus(r *request) error { return w.walletAct(r, domain.KindBonus) }
