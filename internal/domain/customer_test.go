package domain_test

import (
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// TestCustomerStatusTransitions walks the status rules of DESIGN.md as a
// table: from a starting customer, an action, to the expected badge.
func TestCustomerStatusTransitions(t *testing.T) {
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	newCustomer := func() *domain.Customer {
		c := &domain.Customer{Name: "Ada", Email: "ada@example.com", IdentityStatus: domain.IdentityNotRequired}
		c.Refresh()
		return c
	}
	withRides := func() *domain.Customer { c := newCustomer(); c.CompleteRide(at); return c }
	blocked := func() *domain.Customer { c := withRides(); c.Block("fraud", at); return c }
	required := func() *domain.Customer { c := withRides(); c.RequireIdentity("risk", at); return c }
	deleted := func() *domain.Customer { c := withRides(); c.SoftDelete("ada@example.com", at); return c }

	cases := []struct {
		name     string
		from     func() *domain.Customer
		act      func(*domain.Customer) error
		want     domain.CustomerStatus
		verified bool
		errCode  string
	}{
		{"a new customer is New", newCustomer, func(*domain.Customer) error { return nil }, domain.StatusNew, false, ""},
		{"the first completed ride makes New Active", newCustomer, func(c *domain.Customer) error { c.CompleteRide(at); return nil }, domain.StatusActive, false, ""},
		{"Active becomes Blocked by hand", withRides, func(c *domain.Customer) error { return c.Block("chargeback", at) }, domain.StatusBlocked, false, ""},
		{"a block needs a reason", withRides, func(c *domain.Customer) error { return c.Block("  ", at) }, domain.StatusActive, false, domain.ECodeValidation},
		{"Blocked becomes Active when unblocked", blocked, func(c *domain.Customer) error { return c.Unblock() }, domain.StatusActive, false, ""},
		{"unblocking an unblocked customer is refused", withRides, func(c *domain.Customer) error { return c.Unblock() }, domain.StatusActive, false, domain.ECodeCustomerNotBlocked},
		{"blocking twice is refused", blocked, func(c *domain.Customer) error { return c.Block("again", at) }, domain.StatusBlocked, false, domain.ECodeCustomerBlocked},
		{"any status becomes Identity Required over the risk threshold", withRides, func(c *domain.Customer) error { c.ApplyRisk(80, 70, at); return nil }, domain.StatusIdentityRequired, false, ""},
		{"a score at the threshold changes nothing", withRides, func(c *domain.Customer) error { c.ApplyRisk(70, 70, at); return nil }, domain.StatusActive, false, ""},
		{"New becomes Identity Required over the threshold", newCustomer, func(c *domain.Customer) error { c.ApplyRisk(99, 70, at); return nil }, domain.StatusIdentityRequired, false, ""},
		{"Blocked outranks Identity Required", blocked, func(c *domain.Customer) error { return c.RequireIdentity("risk", at) }, domain.StatusBlocked, false, ""},
		{"Identity Required becomes Active after verification", required, func(c *domain.Customer) error { return c.VerifyIdentity("passport", at) }, domain.StatusActive, true, ""},
		{"Identity Required becomes Active when the requirement is cleared", required, func(c *domain.Customer) error { return c.ClearIdentityRequirement() }, domain.StatusActive, false, ""},
		{"a verified customer is not required again by risk", func() *domain.Customer {
			c := required()
			c.VerifyIdentity("ok", at)
			return c
		}, func(c *domain.Customer) error { c.ApplyRisk(99, 70, at); return nil }, domain.StatusActive, true, ""},
		{"clearing a requirement that is not there is refused", withRides, func(c *domain.Customer) error { return c.ClearIdentityRequirement() }, domain.StatusActive, false, domain.ECodeIdentityNotRequired},
		{"verifying twice is refused", func() *domain.Customer {
			c := withRides()
			c.VerifyIdentity("ok", at)
			return c
		}, func(c *domain.Customer) error { return c.VerifyIdentity("again", at) }, domain.StatusActive, true, domain.ECodeIdentityAlreadyValid},
		{"deleting needs the email or name typed", withRides, func(c *domain.Customer) error { return c.SoftDelete("someone else", at) }, domain.StatusActive, false, domain.ECodeConfirmation},
		{"deleting by email, in any case", withRides, func(c *domain.Customer) error { return c.SoftDelete("ADA@example.com", at) }, domain.StatusDeleted, false, ""},
		{"deleting by name", withRides, func(c *domain.Customer) error { return c.SoftDelete("Ada", at) }, domain.StatusDeleted, false, ""},
		{"Deleted outranks Blocked", blocked, func(c *domain.Customer) error { return c.SoftDelete("Ada", at) }, domain.StatusDeleted, false, ""},
		{"a deleted customer cannot be blocked", deleted, func(c *domain.Customer) error { return c.Block("x", at) }, domain.StatusDeleted, false, domain.ECodeCustomerDeleted},
		{"restore brings back the status underneath", deleted, func(c *domain.Customer) error { return c.Restore() }, domain.StatusActive, false, ""},
		{"restoring a customer that is not deleted is refused", withRides, func(c *domain.Customer) error { return c.Restore() }, domain.StatusActive, false, domain.ECodeCustomerNotDeleted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.from()
			err := tc.act(c)
			if got := domain.ErrorCode(err); got != tc.errCode {
				t.Fatalf("error %v (code %q), want code %q", err, got, tc.errCode)
			}
			if c.Status != tc.want || c.ComputeStatus() != tc.want {
				t.Errorf("status %s, want %s", c.Status, tc.want)
			}
			if c.Verified != tc.verified {
				t.Errorf("verified %v, want %v", c.Verified, tc.verified)
			}
		})
	}
}

func TestSearchTermReadsPhonesInAnyFormat(t *testing.T) {
	for in, want := range map[string]string{
		"030 1234567":     "0301234567",
		"+49 30 1234567":  "+49301234567",
		"(512) 555-0100":  "5125550100",
		"  Müller ":       "müller",
		"ADA@Example.com": "ada@example.com",
		"12":              "12",
	} {
		if got := domain.SearchTerm(in); got != want {
			t.Errorf("SearchTerm(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCustomerInputNormalizesPhoneAndEmail(t *testing.T) {
	sa := &domain.Subaccount{Country: "DE", Regions: []string{"Mitte"}}
	in := domain.CustomerCreate{Name: " Ada ", Email: " Ada@Example.COM ", Phone: "030 1234567", Region: "Mitte"}
	in.Normalize(sa.Country)
	if in.Name != "Ada" || in.Email != "ada@example.com" || in.Phone != "+49301234567" {
		t.Errorf("normalized %+v", in)
	}
	if err := in.Validate(sa); err != nil {
		t.Errorf("valid input refused: %v", err)
	}
	bad := domain.CustomerCreate{Email: "nope", Phone: "12", Region: "Atlantis", DeviceOS: "symbian", Locale: "klingon!"}
	bad.Normalize("DE")
	err := bad.Validate(sa)
	de, _ := err.(*domain.Error)
	if de == nil {
		t.Fatal("invalid input accepted")
	}
	fields := map[string]bool{}
	for _, f := range de.Fields {
		fields[f.Field] = true
	}
	for _, want := range []string{"name", "email", "phone", "region", "device_os", "locale"} {
		if !fields[want] {
			t.Errorf("no error for %s in %v", want, de.Fields)
		}
	}
}

func TestCustomerUpdateRefusesIdentifiers(t *testing.T) {
	sa := &domain.Subaccount{Country: "DE"}
	c := &domain.Customer{Name: "Ada", Email: "ada@example.com", CustomerNumber: 7}
	email, num := "new@example.com", int64(9)
	err := (&domain.CustomerUpdate{Email: &email, CustomerNumber: &num}).Apply(c, sa)
	if domain.ErrorCode(err) != domain.ECodeValidation || c.Email != "ada@example.com" || c.CustomerNumber != 7 {
		t.Errorf("identifiers edited: %v %+v", err, c)
	}
	phone := "+1 512 555 0100"
	if err := (&domain.CustomerUpdate{Phone: &phone}).Apply(c, sa); err != nil || c.Phone != "+15125550100" {
		t.Errorf("phone edit: %v %q", err, c.Phone)
	}
}

func TestMoneyDecimalsRoundTripExactly(t *testing.T) {
	for _, c := range []struct {
		minor int64
		exp   int
		s     string
	}{{1234, 2, "12.34"}, {-5, 2, "-0.05"}, {0, 2, "0.00"}, {100, 0, "100"}, {1, 3, "0.001"}, {123456789, 2, "1234567.89"}} {
		if got := domain.FormatDecimal(c.minor, c.exp); got != c.s {
			t.Errorf("FormatDecimal(%d, %d) = %q, want %q", c.minor, c.exp, got, c.s)
		}
		if got, err := domain.ParseDecimal(c.s, c.exp, '.'); err != nil || got != c.minor {
			t.Errorf("ParseDecimal(%q) = %d, %v", c.s, got, err)
		}
	}
	for s, want := range map[string]int64{"12,50": 1250, "1.234,56": 123456, "0,1": 10, "7": 700} {
		if got, err := domain.ParseDecimal(s, 2, ','); err != nil || got != want {
			t.Errorf("German %q = %d, %v; want %d", s, got, err, want)
		}
	}
	// 0.1 + 0.2 is exactly 30 minor units, whatever floats would say.
	a, _ := domain.ParseDecimal("0.1", 2, '.')
	b, _ := domain.ParseDecimal("0.2", 2, '.')
	if a+b != 30 {
		t.Errorf("0.1 + 0.2 = %d", a+b)
	}
	for _, s := range []string{"", "abc", "1.234", "1..2", "1.", "--1", "12e3", "99999999999999999"} {
		if _, err := domain.ParseDecimal(s, 2, '.'); err == nil {
			t.Errorf("ParseDecimal(%q) accepted", s)
		}
	}
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "@x": "'@x", "ok": "ok", "": ""} {
		if got := domain.CSVSafe(in); got != want {
			t.Errorf("CSVSafe(%q) = %q", in, got)
		}
	}
}
