package httpapi

import (
	"context"
	"encoding/csv"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
)

// bulkBodyLimit bounds an uploaded bulk wallet file.
const bulkBodyLimit = 64 << 20

func bulkWalletRoutes() []*Route {
	return []*Route{
		{Method: "POST", Path: "/api/v1/wallet/bulk", Summary: "Upload a CSV of customer_id,amount,note and get its preview",
			Perm: domain.PermWalletBulk, Status: 201, RequestCSV: true, Response: domain.WalletBatch{}, Idempotent: true,
			BodyLimit: bulkBodyLimit, Query: []Param{pSubaccount}, Handle: handleBulkPreview},
		{Method: "GET", Path: "/api/v1/wallet/bulk/{id}", Summary: "A bulk wallet batch, with its progress",
			Perm: domain.PermWalletBulk, Status: 200, Response: domain.WalletBatch{}, Handle: handleBulkGet},
		{Method: "POST", Path: "/api/v1/wallet/bulk/{id}/process", Summary: "Apply a previewed batch in the background; twice changes nothing",
			Perm: domain.PermWalletBulk, Status: 200, Response: domain.WalletBatch{}, Idempotent: true, Handle: handleBulkProcess},
		{Method: "GET", Path: "/api/v1/wallet/bulk/{id}/results", Summary: "The per-row results of a batch, as CSV",
			Perm: domain.PermWalletBulk, Status: 200, CSV: true, Handle: handleBulkResults},
	}
}

func handleBulkPreview(c *Call) (any, error) {
	if mt, _, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type")); mt != "text/csv" {
		return nil, domain.Errorf(domain.ECodeUnsupportedMediaType, "Send the file as text/csv.")
	}
	sa, err := c.Subaccount()
	if err != nil {
		return nil, err
	}
	filename := c.R.URL.Query().Get("filename")
	return c.app.BulkWalletPreview(c.R.Context(), c.Actor(""), sa, filename, c.R.Body)
}

// batch loads the batch of the path and authorizes it in its subaccount.
func (c *Call) batch() (*domain.WalletBatch, error) {
	b, err := c.app.Store.BatchGet(c.R.Context(), c.R.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := c.Authorize(b.SubaccountID); err != nil {
		return nil, err
	}
	return b, nil
}

func handleBulkGet(c *Call) (any, error) { return c.batch() }

func handleBulkProcess(c *Call) (any, error) {
	b, err := c.batch()
	if err != nil {
		return nil, err
	}
	return c.app.BulkWalletProcess(c.R.Context(), c.Actor(""), b.ID)
}

func handleBulkResults(c *Call) (any, error) {
	b, err := c.batch()
	if err != nil {
		return nil, err
	}
	sa, err := c.app.Store.SubaccountGet(c.R.Context(), b.SubaccountID)
	if err != nil {
		return nil, err
	}
	c.W.Header().Set("Content-Type", "text/csv; charset=utf-8")
	c.W.Header().Set("Content-Disposition", `attachment; filename="`+b.ID+`-results.csv"`)
	c.W.WriteHeader(http.StatusOK)
	return written{}, WriteBatchResults(c.R.Context(), c.W, c.app.Store, b.ID, sa.CurrencyExponent)
}

// WriteBatchResults streams a batch's rows as CSV.
func WriteBatchResults(ctx context.Context, w io.Writer, s *store.Store, id string, exp int) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"line", "customer", "customer_id", "amount", "note", "status", "error", "transaction_id"})
	err := s.BatchRows(ctx, id, func(r domain.BatchRow) error {
		return cw.Write([]string{strconv.Itoa(r.Line), domain.CSVSafe(r.CustomerRef), r.CustomerID,
			domain.FormatDecimal(r.Amount, exp), domain.CSVSafe(r.Note), r.Status, r.Error, r.EntryID})
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}
