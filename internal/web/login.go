package web

import (
	"net/http"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpx"
)

func (w *Web) loginForm(r *request) error {
	if r.P != nil {
		return r.redirect(safeNext(r.R.URL.Query().Get("next")))
	}
	r.render("login", map[string]any{"Title": r.T("login.title"), "Next": r.R.URL.Query().Get("next")})
	return nil
}

func (w *Web) loginSubmit(r *request) error {
	if err := r.R.ParseForm(); err != nil {
		return domain.Errorf(domain.ECodeBadRequest, "The form could not be read.")
	}
	email, password := r.R.PostForm.Get("email"), r.R.PostForm.Get("password")
	next := safeNext(r.R.PostForm.Get("next"))
	secret, sess, err := w.app.Login(r.R.Context(), email, password, httpx.ClientAddr(r.R), httpx.RequestID(r.R.Context()))
	if err != nil {
		msg := r.T("login.failed")
		status := http.StatusUnauthorized
		switch domain.ErrorCode(err) {
		case domain.ECodeRateLimited:
			msg, status = r.T("login.rate_limited"), http.StatusTooManyRequests
		case domain.ECodeUnauthorized:
		default:
			return err
		}
		r.renderStatus("login", status, map[string]any{"Title": r.T("login.title"), "Error": msg, "Email": email, "Next": next})
		return nil
	}
	http.SetCookie(r.W, w.cookie(r.R, SessionCookie, secret, sess.ExpiresAt.Sub(sess.CreatedAt)))
	return r.redirect(next)
}

func (w *Web) logout(r *request) error {
	if err := w.app.Logout(r.R.Context(), r.actor("")); err != nil {
		return err
	}
	http.SetCookie(r.W, w.cookie(r.R, SessionCookie, "", -1))
	r.flash("success", r.T("login.signed_out"))
	return r.redirect("/login")
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// T translates a key in the request's language.
func (r *request) T(key string, args ...any) string { return (&view{Lang: r.Lang}).T(key, args...) }
