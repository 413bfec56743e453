package auth

import (
	"sync"
	"time"
)

// LoginLimiter slows password guessing without letting an attacker lock a
// real operator out. It counts failures per (account, client address) pair,
// so guesses from one address do not block the same account elsewhere, and
// per address, so one address cannot spray many accounts. A success clears
// the pair.
//
// Counts live in the process: with several instances the effective limit is
// multiplied by their number, which still bounds guessing.
type LoginLimiter struct {
	PerPair int           // failures per account and address within Window
	PerAddr int           // failures per address within Window
	Window  time.Duration //
	Now     func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time
}

// NewLoginLimiter returns the defaults: 5 failures per account and address
// and 50 per address in 15 minutes.
func NewLoginLimiter() *LoginLimiter {
	return &LoginLimiter{PerPair: 5, PerAddr: 50, Window: 15 * time.Minute, Now: time.Now, hits: map[string][]time.Time{}}
}

// Allow reports whether a login attempt may be checked now, and if not, how
// long until it may.
func (l *LoginLimiter) Allow(email, addr string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	if wait := l.wait(pairKey(email, addr), l.PerPair, now); wait > 0 {
		return false, wait
	}
	if wait := l.wait("a\x00"+addr, l.PerAddr, now); wait > 0 {
		return false, wait
	}
	return true, 0
}

// Fail records a failed attempt.
func (l *LoginLimiter) Fail(email, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	for _, k := range []string{pairKey(email, addr), "a\x00" + addr} {
		l.hits[k] = append(l.prune(k, now), now)
	}
	if len(l.hits) > 100_000 { // bound memory under a flood of addresses
		for k := range l.hits {
			if len(l.prune(k, now)) == 0 {
				delete(l.hits, k)
			}
		}
	}
}

// Succeed clears the failures of a pair after a good password.
func (l *LoginLimiter) Succeed(email, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, pairKey(email, addr))
}

func (l *LoginLimiter) wait(key string, limit int, now time.Time) time.Duration {
	hits := l.prune(key, now)
	if len(hits) < limit {
		return 0
	}
	return hits[len(hits)-limit].Add(l.Window).Sub(now)
}

func (l *LoginLimiter) prune(key string, now time.Time) []time.Time {
	hits := l.hits[key]
	i := 0
	for i < len(hits) && now.Sub(hits[i]) >= l.Window {
		i++
	}
	hits = hits[i:]
	if len(hits) == 0 {
		delete(l.hits, key)
		return nil
	}
	l.hits[key] = hits
	return hits
}

func pairKey(email, addr string) string { return "p\x00" + email + "\x00" + addr }
