package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

var demoAdded = regexp.MustCompile(`demo data ready: (\d+) customers added`)

func TestDemoAddsCustomersOnEveryRun(t *testing.T) {
	db := testdb.DSN(t, store.SQLite)
	for run := range 2 {
		code, out, errOut := cli(t, db, "", "demo", "--customers", "200", "--seed", "7")
		if code != 0 || demoAdded.FindStringSubmatch(out) == nil || !demoLogin.MatchString(out) {
			t.Fatalf("run %d: exit %d\n%s\n%s", run, code, out, errOut)
		}
	}
	if code, _, errOut := cli(t, db, "", "demo", "--customers", "-1"); code != 2 {
		t.Errorf("negative --customers: exit %d %s", code, errOut)
	}
}

// The harness runs on a tiny database; timings are the machine's business,
// so this checks only the report's shape.
func TestBenchWritesItsReport(t *testing.T) {
	db := testdb.DSN(t, store.SQLite)
	file := filepath.Join(t.TempDir(), "bench.json")
	code, out, errOut := cli(t, db, "", "bench", "--customers", "300", "--queries", "200", "--json", file)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Engine    string `json:"engine"`
		Customers int    `json:"customers"`
		Results   []struct {
			Name     string   `json:"name"`
			P50      *float64 `json:"p50_ms"`
			P99      *float64 `json:"p99_ms"`
			OpsPerS  *float64 `json:"ops_per_s"`
			MaxRSSMB *float64 `json:"max_rss_mb"`
		} `json:"results"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if rep.Engine != "sqlite" || rep.Customers != 300 {
		t.Errorf("engine %q, customers %d", rep.Engine, rep.Customers)
	}
	var names []string
	for _, r := range rep.Results {
		names = append(names, r.Name)
		if r.P50 == nil || r.P99 == nil || r.OpsPerS == nil || r.MaxRSSMB == nil ||
			*r.P50 > *r.P99 || *r.OpsPerS <= 0 || *r.MaxRSSMB <= 0 {
			t.Errorf("%s: %s", r.Name, raw)
		}
		line := `(?m)^` + r.Name + ` .*< \d+ ms (PASS|MISS)`
		if r.Name == "search_short" { // measured without a target
			line = `(?m)^search_short +\d`
		}
		if !regexp.MustCompile(line).MatchString(out) {
			t.Errorf("the table has no line for %s:\n%s", r.Name, out)
		}
	}
	if got := strings.Join(names, ","); got != "search,search_short,list_filtered,summary,profile,wallet_ops,bulk_wallet,mixed" {
		t.Errorf("workloads %s", got)
	}
}
