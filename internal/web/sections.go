package web

// The sidebar's Vehicles and Bulk wallet pages. Their lists and actions
// arrive with their own issues; until then each page says plainly what it
// will hold, rather than showing made-up data.

func (w *Web) vehiclesIndex(r *request) error {
	r.render("section", map[string]any{"Title": r.T("nav.vehicles"), "Active": "nav.vehicles",
		"Empty": r.T("vehicles.empty"), "Hint": r.T("vehicles.empty_hint")})
	return nil
}

func (w *Web) bulkWalletIndex(r *request) error {
	r.render("section", map[string]any{"Title": r.T("nav.bulk_wallet"), "Active": "nav.bulk_wallet",
		"Empty": r.T("bulk.empty"), "Hint": r.T("bulk.empty_hint")})
	return nil
}
