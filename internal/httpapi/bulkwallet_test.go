package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/jobs"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

// startJobs runs the real job queue on the fixture's database.
func (f *fixture) startJobs() {
	f.t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, f.app.Store); err != nil {
		f.t.Fatal(err)
	}
	r, err := jobs.Start(ctx, f.app, slog.New(slog.DiscardHandler))
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Stop(stop)
	})
}

type batchJSON struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Rows        int    `json:"rows"`
	Valid       int    `json:"valid"`
	Invalid     int    `json:"invalid"`
	TotalAmount int64  `json:"total_amount"`
	Processed   int    `json:"processed"`
	Succeeded   int    `json:"succeeded"`
	Failed      int    `json:"failed"`
	Errors      []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (f *fixture) upload(t *testing.T, csvText string) (batchJSON, response) {
	t.Helper()
	r := f.do(req{Method: "POST", Path: "/api/v1/wallet/bulk?subaccount=" + f.own.Slug, Token: f.tokens[domain.RoleAdmin],
		Body: csvText, Header: map[string]string{"Content-Type": "text/csv"}})
	var b batchJSON
	json.Unmarshal(r.Body, &b)
	return b, r
}

func (f *fixture) waitBatch(t *testing.T, id string) batchJSON {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var b batchJSON
		json.Unmarshal(f.get("/api/v1/wallet/bulk/"+id, f.tokens[domain.RoleAdmin]).Body, &b)
		if b.Status == domain.BatchDone {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s did not finish: %+v", id, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBulkWalletPreviewsThenProcessesOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		f.startJobs()
		admin := f.tokens[domain.RoleAdmin]
		ada := f.createCustomer(t, `{"name":"Ada","email":"ada@example.com","external_id":"app-1"}`)
		bob := f.createCustomer(t, `{"name":"Bob","email":"bob@example.com"}`)
		gone := f.createCustomer(t, `{"name":"Gone","email":"gone@example.com"}`)
		late := f.createCustomer(t, `{"name":"Late","email":"late@example.com"}`)
		f.do(req{Method: "DELETE", Path: "/api/v1/customers/" + gone.ID, Token: admin, Body: `{"confirm":"gone@example.com"}`})
		file := strings.Join([]string{
			"customer_id,amount,note",
			ada.ID + ",10.00,Promotional credit",
			"BOB@example.com,5.5,Service credit",
			"app-1,0.25,",
			fmt.Sprint(bob.CustomerNumber) + ",1.00,by number",
			"late@example.com,2.00,deleted before processing",
			"nobody@example.com,1.00,unknown",
			"gone@example.com,1.00,deleted",
			ada.ID + ",-3.00,negative",
			ada.ID + ",abc,not a number",
			ada.ID + ",1.234,three decimals",
			ada.ID + ",5000.00,over the limit",
			"=cmd|' /C calc'!A0,1.00,injection",
		}, "\n")
		before := f.auditCount()
		b, r := f.upload(t, file)
		expectStatus(t, r, 201)
		if b.Rows != 12 || b.Valid != 5 || b.Invalid != 7 || b.TotalAmount != 1875 || b.Status != "previewed" {
			t.Fatalf("preview: %s", r.Body)
		}
		if len(b.Errors) != 7 || b.Errors[0].Line != 7 || !strings.Contains(b.Errors[0].Message, "nobody@example.com") {
			t.Errorf("errors: %+v", b.Errors)
		}
		if f.auditCount()-before != 1 {
			t.Error("a preview is not audited once")
		}
		// Nothing moves before processing.
		if got := decodeCustomer(t, f.get("/api/v1/customers/"+ada.ID, admin)); got.WalletBalance != 0 {
			t.Fatalf("a preview moved money: %d", got.WalletBalance)
		}
		// A row that was valid in the preview fails if its customer goes.
		f.do(req{Method: "DELETE", Path: "/api/v1/customers/" + late.ID, Token: admin, Body: `{"confirm":"late@example.com"}`})

		expectStatus(t, f.post("/api/v1/wallet/bulk/"+b.ID+"/process", admin, ""), 200)
		done := f.waitBatch(t, b.ID)
		if done.Processed != 5 || done.Succeeded != 4 || done.Failed != 1 {
			t.Errorf("processed: %+v", done)
		}
		// Processing again changes nothing.
		expectStatus(t, f.post("/api/v1/wallet/bulk/"+b.ID+"/process", admin, ""), 200)
		time.Sleep(300 * time.Millisecond)
		if got := decodeCustomer(t, f.get("/api/v1/customers/"+ada.ID, admin)); got.WalletBalance != 1025 {
			t.Errorf("Ada's wallet %d, want 1025", got.WalletBalance)
		}
		if got := decodeCustomer(t, f.get("/api/v1/customers/"+bob.ID, admin)); got.WalletBalance != 650 {
			t.Errorf("Bob's wallet %d, want 650", got.WalletBalance)
		}
		res := f.get("/api/v1/wallet/bulk/"+b.ID+"/results", admin)
		expectStatus(t, res, 200)
		rows, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
		if err != nil || len(rows) != 13 {
			t.Fatalf("results: %d rows %v", len(rows), err)
		}
		statuses := map[string]int{}
		for _, row := range rows[1:] {
			statuses[row[5]]++
		}
		if statuses["applied"] != 4 || statuses["failed"] != 1 || statuses["invalid"] != 7 {
			t.Errorf("result statuses %v", statuses)
		}
		if !strings.HasPrefix(rows[12][1], "'=") {
			t.Errorf("a formula in the results is not escaped: %q", rows[12][1])
		}
		f.checkLedger(t)
	})
}

func TestBulkWalletRefusesFilesItCannotRead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		f := setup(t, engine)
		for _, file := range []string{"", "name,value\nx,1", "customer_id,amount\n", "customer_id,amount,note\n\"unclosed,1,x"} {
			_, r := f.upload(t, file)
			if file == "customer_id,amount,note\n\"unclosed,1,x" {
				expectStatus(t, r, 201) // a broken line is reported as an invalid row
				continue
			}
			expectProblem(t, r, 422, domain.ECodeValidation)
		}
		r := f.do(req{Method: "POST", Path: "/api/v1/wallet/bulk?subaccount=" + f.own.Slug, Token: f.tokens[domain.RoleAdmin],
			Body: `{"rows":[]}`})
		expectProblem(t, r, 415, domain.ECodeUnsupportedMediaType)
		_, r = f.upload(t, "customer_id,amount,note\nnobody,1.00,x")
		var b batchJSON
		json.Unmarshal(r.Body, &b)
		expectProblem(t, f.post("/api/v1/wallet/bulk/"+b.ID+"/process", f.tokens[domain.RoleAdmin], ""), 409, domain.ECodeConflict)
	})
}
