package web

// ridePaymentRemove removes one of the customer's saved cards; the profile
// asks for a confirmation first. When it was the default, the store makes
// the newest remaining card the default.
func (w *Web) ridePaymentRemove(r *request) error {
	return w.paymentMethodAction(r, w.app.Store.PaymentMethodRemove, "rides.flash_card_removed")
}
