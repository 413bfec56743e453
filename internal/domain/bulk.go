package domain

import (
	"strconv"
	"strings"
	"time"
)

// WalletBatch is an uploaded bulk wallet CSV: previewed, then processed.
type WalletBatch struct {
	ID           string     `json:"id"`
	SubaccountID string     `json:"subaccount_id"`
	Status       string     `json:"status"` // previewed, processing, done
	Filename     string     `json:"filename"`
	Rows         int        `json:"rows"`
	Valid        int        `json:"valid"`
	Invalid      int        `json:"invalid"`
	TotalAmount  int64      `json:"total_amount"` // of the valid rows, minor units
	Currency     string     `json:"currency"`
	Processed    int        `json:"processed"` // valid rows handled so far
	Succeeded    int        `json:"succeeded"`
	Failed       int        `json:"failed"` // rows that became invalid before processing
	Errors       []RowError `json:"errors"` // the first invalid rows, with their reasons
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	FinishedAt   *time.Time `json:"finished_at"`
}

// Batch statuses.
const (
	BatchPreviewed  = "previewed"
	BatchProcessing = "processing"
	BatchDone       = "done"
)

// RowError says why one line of a file cannot be used.
type RowError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// BatchRow is one line of a bulk wallet file.
type BatchRow struct {
	Line        int    `json:"line"`
	CustomerRef string `json:"customer_ref"` // as written in the file
	CustomerID  string `json:"customer_id"`  // resolved
	Amount      int64  `json:"amount"`
	Note        string `json:"note"`
	Status      string `json:"status"` // valid, invalid, applied, failed
	Error       string `json:"error"`
	EntryID     string `json:"entry_id"`
}

// Row statuses.
const (
	RowValid   = "valid"
	RowInvalid = "invalid"
	RowApplied = "applied"
	RowFailed  = "failed"
)

// MaxBatchErrors bounds the errors a preview lists; the rest are in the
// downloadable results.
const MaxBatchErrors = 100

// CustomerRefKind says how a file names a customer: by id (cust_…),
// email, customer number (digits) or external id (anything else).
func CustomerRefKind(ref string) string {
	switch {
	case strings.HasPrefix(ref, "cust_"):
		return "id"
	case strings.Contains(ref, "@"):
		return "email"
	}
	if _, err := strconv.ParseInt(ref, 10, 64); err == nil && !strings.HasPrefix(ref, "0") {
		return "number"
	}
	return "external_id"
}

// CheckBatchRow validates one line's amount and note; the amount is a
// decimal in the subaccount's currency.
func CheckBatchRow(row *BatchRow, amount string, sa *Subaccount) {
	row.Status = RowValid
	fail := func(msg string) {
		if row.Status == RowValid {
			row.Status, row.Error = RowInvalid, msg
		}
	}
	if row.CustomerRef == "" {
		fail("the customer is missing")
	}
	n, err := ParseDecimal(amount, sa.CurrencyExponent, '.')
	switch {
	case err != nil:
		fail(ErrorMessage(err))
	case n <= 0:
		fail("the amount must be positive")
	case sa.MaxWalletAmount > 0 && n > sa.MaxWalletAmount:
		fail("the amount is above the subaccount's limit of " + FormatDecimal(sa.MaxWalletAmount, sa.CurrencyExponent))
	}
	row.Amount = n
	if len([]rune(row.Note)) > 500 {
		fail("the note is longer than 500 characters")
	}
}
