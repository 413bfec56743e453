package web

import (
	"github.com/mobidesk/mobidesk/internal/domain"
)

// bulkUploadLimit bounds an uploaded bulk wallet file, as the API does.
const bulkUploadLimit = 64 << 20

// bulkWalletIndex is the bulk wallet page: the upload form, the file
// format with an example, and its template to download.
func (w *Web) bulkWalletIndex(r *request) error {
	return r.renderBulkUpload("", 200)
}

// renderBulkUpload shows the upload form, with why the last file could
// not be used.
func (r *request) renderBulkUpload(problem string, status int) error {
	if r.Sub == nil {
		r.render("section", map[string]any{"Title": r.T("nav.bulk_wallet"), "Active": "nav.bulk_wallet",
			"Empty": r.T("subaccounts.none"), "Hint": r.T("subaccounts.none_hint")})
		return nil
	}
	max := r.Sub.MaxWalletAmount
	if max <= 0 {
		max = domain.DefaultMaxWalletAmount
	}
	r.renderStatus("bulk_wallet", status, map[string]any{"Title": r.T("nav.bulk_wallet"), "Active": "nav.bulk_wallet",
		"Problem": problem, "Example": bulkTemplate, "MaxAmount": max, "Self": r.url("/wallet/bulk")})
	return nil
}

// bulkTemplate is the example file, and the template to download.
const bulkTemplate = "customer_id,amount,note\ncust_123,10.00,Promotional credit\ncust_456,5.00,Service credit\n"
