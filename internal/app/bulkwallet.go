package app

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

// Jobs is the background queue, as the application sees it.
type Jobs interface {
	// EnqueueBulkWallet asks for a started batch to be processed.
	EnqueueBulkWallet(ctx context.Context, batchID string, actor domain.Actor) error
}

// BulkChunk is how many rows one transaction of a batch applies.
const BulkChunk = 500

// BulkWalletPreview reads a CSV of customer_id,amount,note (amounts as
// decimals), checks every row and stores the preview. The customer may be
// named by id, customer number, external id or email.
func (a *App) BulkWalletPreview(ctx context.Context, actor domain.Actor, sa *domain.Subaccount, filename string, body io.Reader) (*domain.WalletBatch, error) {
	r := csv.NewReader(body)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, fieldError("file", "is empty; the first line must be customer_id,amount,note")
	} else if err != nil {
		return nil, fieldError("file", "is not CSV: "+err.Error())
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	ci, okC := cols["customer_id"]
	ai, okA := cols["amount"]
	ni, okN := cols["note"]
	if !okC || !okA {
		return nil, fieldError("file", "needs the columns customer_id and amount (and optionally note) in its first line")
	}
	var rows []domain.BatchRow
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		row := domain.BatchRow{Line: line}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			row.Status, row.Error = domain.RowInvalid, "not valid CSV: "+perr.Err.Error()
			rows = append(rows, row)
			continue
		} else if err != nil {
			return nil, fieldError("file", "could not be read: "+err.Error())
		}
		cell := func(i int, ok bool) string {
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		row.CustomerRef, row.Note = cell(ci, true), cell(ni, okN)
		if row.CustomerRef == "" && cell(ai, true) == "" && row.Note == "" {
			continue // a blank line
		}
		domain.CheckBatchRow(&row, cell(ai, true), sa)
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fieldError("file", "has no rows after its header")
	}
	refs := make([]string, 0, len(rows))
	for _, row := range rows {
		if row.CustomerRef != "" {
			refs = append(refs, row.CustomerRef)
		}
	}
	found, err := a.Store.CustomerResolve(ctx, sa.ID, refs)
	if err != nil {
		return nil, err
	}
	b := &domain.WalletBatch{ID: ids.New("wb"), SubaccountID: sa.ID, Status: domain.BatchPreviewed, Filename: filename,
		Rows: len(rows), Currency: sa.Currency, CreatedBy: actor.Label(), Errors: []domain.RowError{}}
	for i := range rows {
		row := &rows[i]
		key := row.CustomerRef
		if domain.CustomerRefKind(key) == "email" {
			key = strings.ToLower(key)
		}
		if c, ok := found[key]; row.Status == domain.RowValid && !ok {
			row.Status, row.Error = domain.RowInvalid, "no customer "+row.CustomerRef+" in this subaccount"
		} else if row.Status == domain.RowValid && c.Deleted {
			row.Status, row.Error = domain.RowInvalid, "customer "+row.CustomerRef+" is deleted"
		} else {
			row.CustomerID = c.ID
		}
		if row.Status == domain.RowValid {
			b.Valid++
			b.TotalAmount += row.Amount
		} else {
			b.Invalid++
			if len(b.Errors) < domain.MaxBatchErrors {
				b.Errors = append(b.Errors, domain.RowError{Line: row.Line, Message: row.Error})
			}
		}
	}
	if err := a.Store.BatchCreate(ctx, actor, b, rows); err != nil {
		return nil, err
	}
	return b, nil
}

// BulkWalletProcess starts processing a previewed batch in the background.
// Processing a batch that has started already changes nothing.
func (a *App) BulkWalletProcess(ctx context.Context, actor domain.Actor, id string) (*domain.WalletBatch, error) {
	b, err := a.Store.BatchGet(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Valid == 0 && b.Status == domain.BatchPreviewed {
		return nil, domain.Errorf(domain.ECodeConflict, "This file has no valid rows to process.")
	}
	started, err := a.Store.BatchStart(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if started || b.Status == domain.BatchProcessing {
		// Enqueueing again for a batch in progress is harmless: the queue
		// keeps one job per batch, and rows apply at most once.
		if a.Jobs == nil {
			return nil, errors.New("app: no job queue to process the batch")
		}
		if err := a.Jobs.EnqueueBulkWallet(ctx, id, actor); err != nil {
			return nil, err
		}
	}
	return a.Store.BatchGet(ctx, id)
}

// BulkWalletRun applies a started batch chunk by chunk; the job worker
// calls it, and a retry resumes where the last chunk ended.
func (a *App) BulkWalletRun(ctx context.Context, actor domain.Actor, id string) error {
	for {
		more, err := a.Store.BatchProcessChunk(ctx, actor, id, BulkChunk)
		if err != nil || !more {
			return err
		}
	}
}

func fieldError(field, msg string) error {
	return &domain.Error{Code: domain.ECodeValidation, Message: "The file cannot be used: " + msg,
		Fields: []domain.FieldError{{Field: field, Message: msg}}}
}
