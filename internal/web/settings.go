package web

import (
	"net/http"

	"github.com/mobidesk/mobidesk/internal/domain"
)

func (w *Web) settingsIndex(r *request) error {
	tokens, err := w.app.Store.TokenList(r.R.Context(), r.P.OperatorID)
	if err != nil {
		return err
	}
	r.render("settings", map[string]any{"Title": r.T("nav.settings"), "Active": "nav.settings", "Tokens": tokens})
	return nil
}

func (w *Web) tokenCreate(r *request) error {
	if err := r.R.ParseForm(); err != nil {
		return domain.Errorf(domain.ECodeBadRequest, "The form could not be read.")
	}
	secret, _, err := w.app.TokenCreate(r.R.Context(), r.actor(""), r.P.OperatorID, r.R.PostForm.Get("name"))
	if domain.ErrorCode(err) == domain.ECodeValidation {
		r.flash("error", r.T("tokens.name_too_long"))
		return r.redirect(r.url("/settings"))
	} else if err != nil {
		return err
	}
	// The secret is shown once, on this response, and never stored.
	tokens, err := w.app.Store.TokenList(r.R.Context(), r.P.OperatorID)
	if err != nil {
		return err
	}
	r.renderStatus("settings", http.StatusCreated, map[string]any{"Title": r.T("nav.settings"), "Active": "nav.settings",
		"Tokens": tokens, "NewToken": secret, "Self": r.url("/settings")})
	return nil
}

func (w *Web) tokenRevoke(r *request) error {
	ctx := r.R.Context()
	t, err := w.app.Store.TokenGet(ctx, r.R.PathValue("id"))
	if err != nil {
		return err
	}
	if t.OperatorID != r.P.OperatorID {
		return domain.Errorf(domain.ECodeNotFound, "Token not found.")
	}
	if err := w.app.Store.TokenRevoke(ctx, r.actor(""), t.ID); err != nil {
		return err
	}
	r.flash("success", r.T("tokens.revoked", t.Name))
	return r.redirect(r.url("/settings"))
}
