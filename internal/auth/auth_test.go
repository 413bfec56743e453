package auth_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobidesk/mobidesk/internal/auth"
)

func TestPasswordRoundTrip(t *testing.T) {
	t.Parallel()
	// Each argon2id check costs 64 MiB and real time: keep the cases few.
	for _, pw := range []string{"correct horse battery staple", "ünïcødé pässwörd 🔑"} {
		hash, err := auth.HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(hash, pw) {
			t.Fatalf("the hash contains the password: %s", hash)
		}
		if !strings.HasPrefix(hash, "$argon2id$") {
			t.Errorf("hash %q is not in the argon2id PHC format", hash)
		}
		ok, err := auth.CheckPassword(hash, pw)
		if err != nil || !ok {
			t.Fatalf("CheckPassword(right password) = %v, %v", ok, err)
		}
		for _, wrong := range []string{pw + " ", strings.ToUpper(pw)} {
			ok, err := auth.CheckPassword(hash, wrong)
			if err != nil || ok {
				t.Fatalf("CheckPassword(%q) = %v, %v; want false, nil", wrong, ok, err)
			}
		}
	}
}

func TestHashPasswordSaltsEveryHash(t *testing.T) {
	t.Parallel()
	a, err := auth.HashPassword("same password here")
	if err != nil {
		t.Fatal(err)
	}
	b, err := auth.HashPassword("same password here")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if ok, err := auth.CheckPassword(b, "same password here"); !ok || err != nil {
		t.Fatalf("CheckPassword = %v, %v", ok, err)
	}
}

func TestCheckPasswordRejectsGarbageHashes(t *testing.T) {
	t.Parallel()
	good, err := auth.HashPassword("a good password")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", argon2id, v=, params, salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for name, hash := range map[string]string{
		"empty":           "",
		"plain text":      "a good password",
		"bcrypt":          "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":         with(1, "argon2i"),
		"bad version":     with(2, "v=16"),
		"bad params":      with(3, "m=lots,t=3,p=2"),
		"zero time":       with(3, "m=65536,t=0,p=2"),
		"zero threads":    with(3, "m=65536,t=3,p=0"),
		"zero memory":     with(3, "m=0,t=3,p=2"),
		"bad salt":        with(4, "***"),
		"bad key":         with(5, "***"),
		"empty key":       with(5, ""),
		"empty salt":      with(4, ""),
		"too many fields": good + "$extra",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var ok bool
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("CheckPassword panicked: %v", r)
					}
				}()
				ok, err = auth.CheckPassword(hash, "a good password")
			}()
			if ok {
				t.Fatalf("a garbage hash accepted the password")
			}
			if err == nil {
				t.Fatalf("no error for a garbage hash")
			}
		})
	}
}

func TestCheckNoOperatorNeverPanics(t *testing.T) {
	t.Parallel()
	auth.CheckNoOperator("anything") // spends time, returns nothing; must not blow up
}

func TestNewTokenHasPrefixAndDisplay(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		secret, display := auth.NewToken()
		if !strings.HasPrefix(secret, auth.TokenPrefix) {
			t.Fatalf("token %q does not start with %q", secret, auth.TokenPrefix)
		}
		if !strings.HasPrefix(secret, display) || len(display) <= len(auth.TokenPrefix) || len(display) >= len(secret)/2 {
			t.Fatalf("display %q of %q should be a short head of it", display, secret)
		}
		if len(secret)-len(auth.TokenPrefix) < 40 { // 32 random bytes, encoded
			t.Fatalf("token %q is too short to be unguessable", secret)
		}
		if strings.ContainsAny(secret, "+/= \n") {
			t.Fatalf("token %q is not URL and header safe", secret)
		}
		if seen[secret] {
			t.Fatalf("token %q came twice", secret)
		}
		seen[secret] = true
	}
}

func TestNewSecretIsRandom(t *testing.T) {
	t.Parallel()
	a, b := auth.NewSecret(), auth.NewSecret()
	if a == b || len(a) < 40 {
		t.Fatalf("secrets %q and %q", a, b)
	}
}

func TestHashSecretIsDeterministicAndDistinct(t *testing.T) {
	t.Parallel()
	s := auth.NewSecret()
	h := auth.HashSecret(s)
	if h != auth.HashSecret(s) {
		t.Fatal("HashSecret is not deterministic")
	}
	if h == s || strings.Contains(h, s) {
		t.Fatal("HashSecret returned the secret")
	}
	if h == auth.HashSecret(s+"x") || h == auth.HashSecret(auth.NewSecret()) {
		t.Fatal("different secrets hash alike")
	}
	// SHA-256 of "abc", from FIPS 180-2.
	if got := auth.HashSecret("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashSecret(abc) = %s, want its SHA-256", got)
	}
}

// clock is a settable time source for the limiter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newLimiter() (*auth.LoginLimiter, *clock) {
	c := &clock{t: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
	l := auth.NewLoginLimiter()
	l.Now = c.Now
	return l, c
}

func failN(l *auth.LoginLimiter, email, addr string, n int) {
	for range n {
		l.Fail(email, addr)
	}
}

func TestLoginLimiterDefaults(t *testing.T) {
	t.Parallel()
	l := auth.NewLoginLimiter()
	if l.PerPair <= 0 || l.PerAddr <= l.PerPair || l.Window <= 0 || l.Now == nil {
		t.Fatalf("defaults %+v make no sense", l)
	}
}

func TestLoginLimiterBlocksPairAfterFailures(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter()
	for i := range l.PerPair {
		if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); !ok {
			t.Fatalf("attempt %d was blocked before the limit", i+1)
		}
		l.Fail("jo@fleet.example", "203.0.113.7")
	}
	ok, wait := l.Allow("jo@fleet.example", "203.0.113.7")
	if ok {
		t.Fatalf("allowed after %d failures", l.PerPair)
	}
	if wait <= 0 || wait > l.Window {
		t.Fatalf("wait %v, want within (0, %v]", wait, l.Window)
	}
}

func TestLoginLimiterCannotLockOutTheRealUser(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter()
	failN(l, "jo@fleet.example", "198.51.100.66", l.PerPair*3) // the attacker
	if ok, _ := l.Allow("jo@fleet.example", "198.51.100.66"); ok {
		t.Fatal("the attacker's address is not blocked")
	}
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); !ok {
		t.Fatal("the real user, at another address, is locked out by the attacker")
	}
	if ok, _ := l.Allow("kim@fleet.example", "203.0.113.7"); !ok {
		t.Fatal("an uninvolved user is blocked")
	}
}

func TestLoginLimiterLimitsOneAddressSprayingManyEmails(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter()
	for i := range l.PerAddr {
		email := fmt.Sprintf("user%d@fleet.example", i)
		if ok, _ := l.Allow(email, "198.51.100.66"); !ok {
			t.Fatalf("attempt %d was blocked before the address limit", i+1)
		}
		l.Fail(email, "198.51.100.66")
	}
	if ok, _ := l.Allow("fresh@fleet.example", "198.51.100.66"); ok {
		t.Fatalf("the address may go on after %d failures across accounts", l.PerAddr)
	}
	if ok, _ := l.Allow("fresh@fleet.example", "203.0.113.7"); !ok {
		t.Fatal("another address is blocked by the sprayer")
	}
}

func TestLoginLimiterSucceedClearsThePair(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter()
	failN(l, "jo@fleet.example", "203.0.113.7", l.PerPair-1)
	l.Succeed("jo@fleet.example", "203.0.113.7")
	// After a success the full allowance is back.
	failN(l, "jo@fleet.example", "203.0.113.7", l.PerPair-1)
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); !ok {
		t.Fatal("a success did not clear earlier failures")
	}
	l.Fail("jo@fleet.example", "203.0.113.7")
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); ok {
		t.Fatal("not blocked after the limit was reached again")
	}
	// Succeed on a blocked pair (an operator who got in elsewhere in the
	// process, e.g. a reset) unblocks it; it does not touch other pairs.
	failN(l, "kim@fleet.example", "203.0.113.7", l.PerPair)
	l.Succeed("jo@fleet.example", "203.0.113.7")
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); !ok {
		t.Fatal("Succeed did not clear the pair")
	}
	if ok, _ := l.Allow("kim@fleet.example", "203.0.113.7"); ok {
		t.Fatal("Succeed for jo cleared kim's failures")
	}
}

func TestLoginLimiterForgetsFailuresAfterWindow(t *testing.T) {
	t.Parallel()
	l, c := newLimiter()
	failN(l, "jo@fleet.example", "203.0.113.7", l.PerPair)
	ok, wait := l.Allow("jo@fleet.example", "203.0.113.7")
	if ok {
		t.Fatal("not blocked")
	}
	c.Advance(wait - time.Second)
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); ok {
		t.Fatal("unblocked before the announced wait")
	}
	c.Advance(time.Second)
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); !ok {
		t.Fatalf("still blocked after the announced wait of %v", wait)
	}
}

func TestLoginLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	l, c := newLimiter()
	// Failures spread out: the oldest drop off one by one.
	step := l.Window / time.Duration(l.PerPair)
	for range l.PerPair {
		l.Fail("jo@fleet.example", "203.0.113.7")
		c.Advance(step - time.Second)
	}
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); ok {
		t.Fatal("not blocked with every failure inside the window")
	}
	c.Advance(5 * time.Second) // the first failure leaves the window
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); !ok {
		t.Fatal("blocked although only PerPair-1 failures are in the window")
	}
	l.Fail("jo@fleet.example", "203.0.113.7")
	if ok, _ := l.Allow("jo@fleet.example", "203.0.113.7"); ok {
		t.Fatal("not blocked after one more failure")
	}
}

func TestLoginLimiterIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				email := fmt.Sprintf("u%d@fleet.example", i%7)
				addr := fmt.Sprintf("10.0.0.%d", g)
				l.Allow(email, addr)
				l.Fail(email, addr)
				if i%11 == 0 {
					l.Succeed(email, addr)
				}
			}
		})
	}
	wg.Wait()
	if ok, _ := l.Allow("u1@fleet.example", "10.0.0.1"); ok {
		t.Fatal("200 failures from one address left it unblocked")
	}
}
