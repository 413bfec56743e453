// The wallet's grouped writer: operations that arrive together are decided
// together, in order, each seeing the balances the earlier ones left, and
// only those the rules accept write anything.
package store_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/store"
	"github.com/mobidesk/mobidesk/internal/store/walvfs"
	"github.com/mobidesk/mobidesk/internal/testdb"
)

func createCustomer(t *testing.T, s *store.Store, sa *domain.Subaccount, name string) *domain.Customer {
	t.Helper()
	c, err := s.CustomerCreate(ctx(t), admin, sa, domain.CustomerCreate{Name: name, Email: name + "@example.com",
		Phone: "+4930123456", Region: "Mitte", Locale: "de", DeviceOS: "ios"}, time.Now())
	must(t, err)
	return c
}

func walletOp(customerID string, kind domain.LedgerKind, amount int64) store.WalletOp {
	return store.WalletOp{CustomerID: customerID, Action: domain.WalletAction{Kind: kind, Amount: amount, Note: string(kind)}}
}

func keyed(op store.WalletOp, key string) store.WalletOp {
	op.IdempotencyKey = key
	return op
}

// checkBooks fails unless every balance equals its ledger and the summary
// counters equal the customers' sums.
func checkBooks(t *testing.T, s *store.Store, subs ...*domain.Subaccount) {
	t.Helper()
	bad, err := s.LedgerCheck(ctx(t))
	must(t, err)
	if len(bad) > 0 {
		t.Errorf("balances differ from their ledgers: %+v", bad)
	}
	misplaced, err := s.WalletOrderCheck(ctx(t))
	must(t, err)
	if len(misplaced) > 0 {
		t.Errorf("customers out of step in the wallet order: %v", misplaced)
	}
	for _, sa := range subs {
		drift, err := s.CustomerStatsRecount(ctx(t), sa.ID)
		must(t, err)
		if drift {
			t.Errorf("the summary counters of %s drifted", sa.Slug)
		}
	}
}

func ledgerCount(t *testing.T, s *store.Store, customerID string) int {
	t.Helper()
	page, err := s.LedgerList(ctx(t), domain.LedgerFilter{CustomerID: customerID, Limit: 1})
	must(t, err)
	return page.Total
}

func balances(t *testing.T, s *store.Store, customerID string) (wallet, bonus int64) {
	t.Helper()
	c, err := s.CustomerGet(ctx(t), customerID)
	must(t, err)
	return c.WalletBalance, c.BonusBalance
}

func TestWalletBatchSeesTheMovesBeforeIt(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		ada := createCustomer(t, s, sa, "ada")
		out := s.WalletBatchForTest(admin,
			walletOp(ada.ID, domain.KindCredit, 100),
			walletOp(ada.ID, domain.KindDebit, 150), // more than the 100 before it
			walletOp(ada.ID, domain.KindDebit, 60),
			walletOp(ada.ID, domain.KindFee, 50), // 40 to -10: notifies
			walletOp(ada.ID, domain.KindBonus, 30))
		wantCode(t, out[1].Err, domain.ECodeInsufficientBalance)
		if out[1].Entry != nil {
			t.Errorf("a refused operation has an entry: %+v", out[1].Entry)
		}
		for i, want := range []struct{ wallet, bonus int64 }{{100, 0}, {}, {40, 0}, {-10, 0}, {-10, 30}} {
			if i == 1 {
				continue
			}
			o := out[i]
			if o.Err != nil {
				t.Fatalf("operation %d: %v", i, o.Err)
			}
			if o.Entry.WalletBalanceAfter != want.wallet || o.Entry.BonusBalanceAfter != want.bonus {
				t.Errorf("operation %d left %d/%d, want %d/%d", i, o.Entry.WalletBalanceAfter,
					o.Entry.BonusBalanceAfter, want.wallet, want.bonus)
			}
		}
		if w, b := balances(t, s, ada.ID); w != -10 || b != 30 {
			t.Errorf("stored balances %d/%d, want -10/30", w, b)
		}
		if n := ledgerCount(t, s, ada.ID); n != 4 {
			t.Errorf("%d ledger entries, want 4", n)
		}
		notes, err := s.NotificationList(ctx(t), ada.ID)
		must(t, err)
		if len(notes) != 1 || notes[0].Type != domain.NotificationBalanceNegative {
			t.Errorf("notifications: %+v", notes)
		}
		audits := auditAll(t, s, domain.AuditFilter{TargetID: ada.ID})
		var actions []string
		for _, e := range audits {
			if e.Action != "customer.create" {
				actions = append(actions, e.Action)
			}
		}
		if fmt.Sprint(actions) != "[wallet.bonus wallet.fee wallet.debit wallet.credit]" {
			t.Errorf("audited %v", actions)
		}
		sum, err := s.CustomerSummary(ctx(t), sa)
		must(t, err)
		if sum.WalletValue != -10 || sum.BonusTotal != 30 {
			t.Errorf("summary %+v", sum)
		}
		checkBooks(t, s, sa)
	})
}

func TestWalletBatchRefusalsSpareTheRestOfTheBatch(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		gone, bob := createCustomer(t, s, sa, "gone"), createCustomer(t, s, sa, "bob")
		_, err := s.CustomerChange(ctx(t), admin, gone.ID, "customer.delete", func(c *domain.Customer) error {
			return c.SoftDelete(c.Email, time.Now())
		})
		must(t, err)
		out := s.WalletBatchForTest(admin,
			walletOp("cust_nobody", domain.KindCredit, 100),
			walletOp(gone.ID, domain.KindCredit, 100),
			walletOp(bob.ID, domain.KindCredit, 100))
		wantCode(t, out[0].Err, domain.ECodeNotFound)
		wantCode(t, out[1].Err, domain.ECodeCustomerDeleted)
		if out[2].Err != nil {
			t.Fatal(out[2].Err)
		}
		if n := ledgerCount(t, s, gone.ID); n != 0 {
			t.Errorf("the deleted customer has %d entries", n)
		}
		if w, _ := balances(t, s, bob.ID); w != 100 {
			t.Errorf("bob holds %d, want 100", w)
		}
		checkBooks(t, s, sa)
	})
}

func TestWalletBatchReplaysAKeyWithinAndAcrossBatches(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		ada, bob := createCustomer(t, s, sa, "ada"), createCustomer(t, s, sa, "bob")
		first := s.WalletBatchForTest(admin,
			keyed(walletOp(ada.ID, domain.KindCredit, 100), "k1"),
			keyed(walletOp(ada.ID, domain.KindCredit, 100), "k1"),
			keyed(walletOp(bob.ID, domain.KindCredit, 7), "k1")) // keys are the customer's own
		again := s.WalletBatchForTest(admin, keyed(walletOp(ada.ID, domain.KindCredit, 100), "k1"))
		for _, o := range append(first, again...) {
			if o.Err != nil {
				t.Fatal(o.Err)
			}
		}
		if first[1].Entry.ID != first[0].Entry.ID || again[0].Entry.ID != first[0].Entry.ID {
			t.Errorf("a repeated key answered entries %s, %s, %s", first[0].Entry.ID, first[1].Entry.ID, again[0].Entry.ID)
		}
		if first[2].Entry.ID == first[0].Entry.ID {
			t.Error("another customer's key replayed ada's entry")
		}
		if w, _ := balances(t, s, ada.ID); w != 100 || ledgerCount(t, s, ada.ID) != 1 {
			t.Errorf("ada holds %d in %d entries, want 100 in 1", w, ledgerCount(t, s, ada.ID))
		}
		checkBooks(t, s, sa)
	})
}

func TestWalletBatchReversesAnEntryOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		ada := createCustomer(t, s, sa, "ada")
		e := s.WalletBatchForTest(admin, walletOp(ada.ID, domain.KindBonus, 70))[0]
		if e.Err != nil {
			t.Fatal(e.Err)
		}
		reverse := store.WalletOp{CustomerID: ada.ID, ReverseEntryID: e.Entry.ID, Note: "wrong customer"}
		out := s.WalletBatchForTest(admin, reverse, reverse)
		if out[0].Err != nil || out[0].Entry.Kind != domain.KindReversal || out[0].Entry.Amount != -70 {
			t.Fatalf("reversal: %+v", out[0])
		}
		wantCode(t, out[1].Err, domain.ECodeAlreadyReversed)
		wantCode(t, s.WalletBatchForTest(admin, reverse)[0].Err, domain.ECodeAlreadyReversed)
		if _, b := balances(t, s, ada.ID); b != 0 {
			t.Errorf("bonus %d after the reversal", b)
		}
		checkBooks(t, s, sa)
	})
}

// A batch whose writes the database refuses, here through a trigger that
// rejects one entry, is tried again one operation at a time: only the
// refused one fails.
func TestWalletBatchTheDatabaseRefusesRunsAgainOneByOne(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		ada, bob := createCustomer(t, s, sa, "ada"), createCustomer(t, s, sa, "bob")
		triggers := []string{`CREATE TRIGGER refuse_test BEFORE INSERT ON ledger_entries
			WHEN new.note = 'refuse me' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`}
		if engine == store.Postgres {
			triggers = []string{`CREATE FUNCTION refuse_test() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF NEW.note = 'refuse me' THEN RAISE EXCEPTION 'refused by the test'; END IF;
					RETURN NEW;
				END $$`,
				`CREATE TRIGGER refuse_test BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_test()`}
		}
		for _, q := range triggers {
			if _, err := s.ExecForTest(ctx(t), q); err != nil {
				t.Fatal(err)
			}
		}
		refused := walletOp(bob.ID, domain.KindCredit, 50)
		refused.Action.Note = "refuse me"
		out := s.WalletBatchForTest(admin, walletOp(ada.ID, domain.KindCredit, 100), refused,
			walletOp(ada.ID, domain.KindCredit, 10))
		if out[0].Err != nil || out[2].Err != nil {
			t.Fatalf("the others failed too: %v, %v", out[0].Err, out[2].Err)
		}
		wantCode(t, out[1].Err, domain.ECodeInternal)
		if w, _ := balances(t, s, ada.ID); w != 110 {
			t.Errorf("ada holds %d, want 110", w)
		}
		if w, _ := balances(t, s, bob.ID); w != 0 || ledgerCount(t, s, bob.ID) != 0 {
			t.Errorf("bob holds %d in %d entries", w, ledgerCount(t, s, bob.ID))
		}
		checkBooks(t, s, sa)
	})
}

func TestWalletApplyAnswersTheWholeCustomer(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		ada := createCustomer(t, s, sa, "ada")
		_, got, err := s.WalletApply(ctx(t), admin, walletOp(ada.ID, domain.KindCredit, 250))
		must(t, err)
		want, err := s.CustomerGet(ctx(t), ada.ID)
		must(t, err)
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("answered\n%s\nstored\n%s", g, w)
		}
		if got.WalletBalance != 250 || got.Subaccount != sa.Slug || got.Currency != sa.Currency || got.Name != "ada" {
			t.Errorf("customer %+v", got)
		}
	})
}

// A caller that read the customer just before hands it over, and gets it
// back with the operation's balances, the same as stored; a retried key
// answers the customer as it is now, not as the first operation left it.
func TestWalletApplyAnswersTheCustomerReadBefore(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		ada := createCustomer(t, s, sa, "ada")
		same := func(got *domain.Customer) {
			t.Helper()
			want, err := s.CustomerGet(ctx(t), ada.ID)
			must(t, err)
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("answered\n%s\nstored\n%s", g, w)
			}
		}
		read, err := s.CustomerGet(ctx(t), ada.ID)
		must(t, err)
		op := walletOp(ada.ID, domain.KindBonus, 70)
		op.IdempotencyKey, op.Read = "k1", read
		_, got, err := s.WalletApply(ctx(t), admin, op)
		must(t, err)
		if got.BonusBalance != 70 || got.WalletBalance != 0 {
			t.Errorf("answered balances %d/%d, want 0/70", got.WalletBalance, got.BonusBalance)
		}
		same(got)

		_, _, err = s.WalletApply(ctx(t), admin, walletOp(ada.ID, domain.KindCredit, 500))
		must(t, err)
		_, got, err = s.WalletApply(ctx(t), admin, op) // the retry hands over the stale read
		must(t, err)
		if got.WalletBalance != 500 {
			t.Errorf("a retried key answered wallet %d, want the 500 stored since", got.WalletBalance)
		}
		same(got)
	})
}

func TestWalletActionIsAuditedOnceWithBalancesBeforeAndAfter(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		ada := createCustomer(t, s, sa, "ada")
		_, _, err := s.WalletApply(ctx(t), admin, walletOp(ada.ID, domain.KindBonus, 40))
		must(t, err)
		a := admin
		a.Note = "ignored: the action's note is the audit's"
		var entry *domain.LedgerEntry
		audit := expectOneAudit(t, s, func() {
			op := walletOp(ada.ID, domain.KindFee, 300)
			op.Action.Note = "lost helmet"
			entry, _, err = s.WalletApply(ctx(t), a, op)
			must(t, err)
		})
		if audit.Action != "wallet.fee" || audit.TargetType != "customer" || audit.TargetID != ada.ID ||
			audit.SubaccountID != sa.ID || audit.Note != "lost helmet" || audit.RequestID != admin.RequestID ||
			audit.ActorID != admin.Principal.OperatorID {
			t.Errorf("audit entry %+v", audit)
		}
		before := decodeJSON[map[string]int64](t, audit.Before)
		after := decodeJSON[map[string]any](t, audit.After)
		if before["wallet_balance"] != 0 || before["bonus_balance"] != 40 || after["wallet_balance"] != float64(-300) ||
			after["bonus_balance"] != float64(40) || after["entry"] != entry.ID || after["amount"] != float64(-300) {
			t.Errorf("before %s, after %s", audit.Before, audit.After)
		}
	})
}

// Wallet batches from many clients, bulk chunks and customer edits on the
// same customers at once: on PostgreSQL they take row locks, and must
// neither deadlock nor lose a cent.
func TestWalletBatchesChunksAndEditsRunTogether(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "berlin")
		var custs []*domain.Customer
		for i := range 12 {
			custs = append(custs, createCustomer(t, s, sa, fmt.Sprintf("c%02d", i)))
		}
		// A bulk file crediting every customer several times.
		b := &domain.WalletBatch{ID: "wb_test", SubaccountID: sa.ID, Status: domain.BatchPreviewed, CreatedBy: "test"}
		var rows []domain.BatchRow
		for i := range 60 {
			c := custs[(i*5)%len(custs)]
			rows = append(rows, domain.BatchRow{Line: i + 2, CustomerRef: c.ID, CustomerID: c.ID, Amount: 3,
				Status: domain.RowValid})
		}
		b.Rows, b.Valid, b.TotalAmount = len(rows), len(rows), 3*int64(len(rows))
		must(t, s.BatchCreate(ctx(t), admin, b, rows))
		_, err := s.BatchStart(ctx(t), admin, b.ID)
		must(t, err)

		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for client := range 16 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(client), 1))
				for range 40 {
					c := custs[rng.IntN(len(custs))]
					if _, _, err := s.WalletApply(ctx(t), admin, walletOp(c.ID, domain.KindCredit, 1)); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Go(func() {
			for {
				more, err := s.BatchProcessChunk(ctx(t), admin, b.ID, 7)
				if err != nil {
					errs <- err
					return
				}
				if !more {
					return
				}
			}
		})
		wg.Go(func() {
			for i := range 30 {
				c := custs[(i*7)%len(custs)]
				if _, err := s.CustomerChange(ctx(t), admin, c.ID, "customer.update", func(c *domain.Customer) error {
					c.Notes = fmt.Sprintf("edit %d", i)
					return nil
				}); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var total int64
		for _, c := range custs {
			w, _ := balances(t, s, c.ID)
			total += w
		}
		if want := int64(16*40 + 60*3); total != want {
			t.Errorf("the customers hold %d, want %d", total, want)
		}
		checkBooks(t, s, sa)
	})
}

// On SQLite the grouped writer commits without fsync and fsyncs the WAL
// itself before it answers: an operation whose fsync fails is not
// acknowledged, and writes that do not go through it stay synchronous=FULL.
func TestGroupedWriterAnswersAfterFsync(t *testing.T) {
	s := testdb.Open(t, store.SQLite)
	sa := createSubaccount(t, s, "fsync")
	c := createCustomer(t, s, sa, "Fsync Fan")

	_, _, err := s.WalletApply(ctx(t), admin, walletOp(c.ID, domain.KindCredit, 100))
	must(t, err)
	if n, err := s.WriterSynchronousForTest(ctx(t)); err != nil || n != 2 {
		t.Fatalf("writer synchronous = %d (%v) after a grouped batch, want 2 (FULL)", n, err)
	}

	wal := s.MoveWALForTest(t.TempDir() + "/missing-wal")
	_, _, err = s.WalletApply(ctx(t), admin, walletOp(c.ID, domain.KindCredit, 100))
	s.MoveWALForTest(wal)
	if err == nil || !strings.Contains(err.Error(), "durable") {
		t.Fatalf("credit whose fsync failed answered %v, want an error saying it may not be durable", err)
	}
	_, _, err = s.WalletApply(ctx(t), admin, walletOp(c.ID, domain.KindCredit, 100))
	must(t, err)
}

// A list sorted by wallet is in balance order, then id, on every tab and
// in both directions, page after page, as credits and blocks move
// customers in it; equal balances are ordered by id.
func TestListByWalletFollowsBalances(t *testing.T) {
	testdb.Each(t, func(t *testing.T, engine store.Engine) {
		s := testdb.Open(t, engine)
		sa := createSubaccount(t, s, "walletorder")
		var all []*domain.Customer
		for i := range 24 {
			c := createCustomer(t, s, sa, fmt.Sprintf("Wallet Order %02d", i))
			// Equal balances in threes, so that ids break ties.
			if n := int64(i/3) * 100; n > 0 {
				_, _, err := s.WalletApply(ctx(t), admin, walletOp(c.ID, domain.KindCredit, n))
				must(t, err)
			}
			if i%4 == 1 {
				_, err := s.CustomerChange(ctx(t), admin, c.ID, "customer.block", func(c *domain.Customer) error {
					return c.Block("test", time.Now())
				})
				must(t, err)
			}
			all = append(all, c)
		}
		// Credits after the blocks reorder customers across tabs.
		for _, i := range []int{0, 5, 9, 22} {
			_, _, err := s.WalletApply(ctx(t), admin, walletOp(all[i].ID, domain.KindCredit, 250))
			must(t, err)
		}
		checkWalletOrder(t, s, sa)
	})
}

// On SQLite the store writes through walvfs: a wallet operation's commit,
// some six pages, reaches the WAL in one write instead of two a page. Not
// parallel, so that no other test writes meanwhile.
func TestSQLiteCommitsWriteTheWALAtOnce(t *testing.T) {
	s := testdb.Open(t, store.SQLite)
	sa := createSubaccount(t, s, "berlin")
	ada := createCustomer(t, s, sa, "ada")
	before := walvfs.Writes()
	_, _, err := s.WalletApply(ctx(t), admin, walletOp(ada.ID, domain.KindCredit, 500))
	must(t, err)
	if n := walvfs.Writes() - before; n < 1 || n > 2 {
		t.Fatalf("a wallet operation took %d writes through walvfs, want 1 or 2", n)
	}
}
