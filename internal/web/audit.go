package web

import "github.com/mobidesk/mobidesk/internal/domain"

func (w *Web) auditIndex(r *request) error {
	if r.Sub == nil {
		r.render("section", map[string]any{"Title": r.T("nav.audit"), "Active": "nav.audit",
			"Empty": r.T("subaccounts.none"), "Hint": r.T("subaccounts.none_hint")})
		return nil
	}
	q := r.R.URL.Query()
	page, err := w.app.Store.AuditList(r.R.Context(), domain.AuditFilter{SubaccountID: r.Sub.ID,
		Cursor: q.Get("cursor"), Limit: domain.DefaultPageSize})
	if err != nil {
		return err
	}
	next := ""
	if page.NextCursor != "" {
		next = r.url("/audit") + "&cursor=" + page.NextCursor
	}
	r.render("audit", map[string]any{"Title": r.T("nav.audit"), "Active": "nav.audit",
		"Entries": page.Data, "Total": page.Total, "Next": next})
	return nil
}
