package web

import (
	"context"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// ridePaymentDefault makes one of the customer's saved cards the default:
// the card a ride's remainder is charged to.
func (w *Web) ridePaymentDefault(r *request) error {
	return w.paymentMethodAction(r, w.app.Store.PaymentMethodSetDefault, "rides.flash_card_default")
}

// paymentMethodAction takes one action on the path's card, which must be
// the path customer's (another customer's card answers not found), and
// goes back to the profile's payment methods with the flash done. The
// cards of a deleted customer stay as they are.
func (w *Web) paymentMethodAction(r *request,
	act func(context.Context, domain.Actor, string, *domain.PaymentMethod) error, done string) error {
	c := r.Customer
	back := r.url("/customers/"+c.ID) + "#payment-methods"
	p, err := w.app.Store.PaymentMethodGet(r.R.Context(), r.R.PathValue("pm"))
	if err != nil {
		return err
	}
	if p.CustomerID != c.ID {
		return domain.Errorf(domain.ECodeNotFound, "Payment method not found.")
	}
	if c.DeletedAt != nil {
		r.flash("error", r.T("customers.err_deleted"))
		return r.redirect(back)
	}
	if err := act(r.R.Context(), r.actor(""), c.SubaccountID, p); err != nil {
		return err
	}
	r.flash("success", r.T(done, r.ridesView().CardBrand(p.Brand), p.Last4))
	return r.redirect(back)
}
