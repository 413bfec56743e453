package web

import "html/template"

// The dashboard's icons are inline SVG drawn in the text's color: they
// render the same on every system, where emoji need a font that many lack
// (headless Chromium on a server draws them as empty boxes).

// icon wraps the paths of a 16×16 drawing into an SVG size pixels wide.
func icon(size, paths string) template.HTML {
	return template.HTML(`<svg class="icon-line" viewBox="0 0 16 16" width="` + size + `" height="` + size +
		`" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"` +
		` aria-hidden="true" focusable="false">` + paths + `</svg>`)
}

var (
	iconCustomers = icon("16", `<circle cx="6" cy="5" r="2.5"/><path d="M1.5 13.5c0-2.5 2-4.5 4.5-4.5s4.5 2 4.5 4.5"/>`+
		`<path d="M10.5 2.8a2.2 2.2 0 0 1 0 4.4M12 9.3c1.5.5 2.5 2 2.5 4.2"/>`)
	iconVehicles = icon("16", `<circle cx="3.5" cy="12" r="2"/><circle cx="12.5" cy="12" r="2"/>`+
		`<path d="M5.5 12h5l1.5-8.5h2M9.5 3.5H12"/>`)
	iconBulkWallet = icon("16", `<rect x="1.5" y="4" width="13" height="9.5" rx="1.5"/><path d="M1.5 7h13M10.5 10.3h2"/>`+
		`<path d="M3.5 4l6.5-2.5L11 4"/>`)
	iconAudit    = icon("16", `<rect x="3" y="2" width="10" height="12.5" rx="1.5"/><path d="M5.5 5.5h5M5.5 8.5h5M5.5 11.5h3"/>`)
	iconSettings = icon("16", `<circle cx="8" cy="8" r="2.3"/><path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2`+
		`M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4"/>`)
	iconMenu = icon("24", `<path d="M2.5 4h11M2.5 8h11M2.5 12h11"/>`)
)
