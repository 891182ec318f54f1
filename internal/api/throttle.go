package api

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttling (docs/tokens.md, "Throttling"): a client that keeps sending bad tokens
// is answered 429 with Retry-After before its token is looked up, so guessing costs
// no PostgreSQL query once its budget is spent; and each intake token files at a
// bounded rate. Token buckets from golang.org/x/time/rate.

// Limits are the budgets; a zero rate or burst disables that limit.
type Limits struct {
	// BadTokensPerMinute refills a client's budget of refused tokens, per address and
	// per token prefix (AUTH_FAILURES_PER_MINUTE).
	BadTokensPerMinute float64
	// BadTokenBurst is how many refused tokens a client may send at once (AUTH_FAILURES_BURST).
	BadTokenBurst int
	// IntakePerSecond is how fast one token may file complaints and feedback
	// (INTAKE_RATE_PER_SECOND).
	IntakePerSecond float64
	// IntakeBurst is how many it may file at once (INTAKE_BURST).
	IntakeBurst int
}

// DefaultLimits let a person mistype a token now and then and an intake system file
// steadily, and stop a script: 20 bad tokens, then one every 2 s; 20 filings a
// second per token, 40 at once.
var DefaultLimits = Limits{BadTokensPerMinute: 30, BadTokenBurst: 20, IntakePerSecond: 20, IntakeBurst: 40}

// UseLimits replaces the throttling budgets (DefaultLimits until called).
func (s *Server) UseLimits(l Limits) {
	s.badByAddr.reset(rate.Limit(l.BadTokensPerMinute/60), l.BadTokenBurst)
	s.badByPrefix.reset(rate.Limit(l.BadTokensPerMinute/60), l.BadTokenBurst)
	s.intake.reset(rate.Limit(l.IntakePerSecond), l.IntakeBurst)
}

// tokenPrefixLen is how much of a secret names it for the per-prefix budget: enough
// to tell tokens apart ("cf_" and 9 random characters), never the secret itself.
const tokenPrefixLen = 12

// buckets holds a token bucket per key (a client address, a token prefix, a token
// ID). Keys whose bucket is full again are forgotten once there are many, so the map
// stays as small as the clients currently over their budget.
type buckets struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	entries map[string]*rate.Limiter
}

// maxBuckets bounds the map: beyond it, full buckets are dropped (they would start
// full again anyway).
const maxBuckets = 10000

func (b *buckets) reset(limit rate.Limit, burst int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.limit, b.burst, b.entries = limit, burst, map[string]*rate.Limiter{}
}

func (b *buckets) enabled() bool { return b.limit > 0 && b.burst > 0 }

// wait is how long key must wait before it may spend one from its budget; 0 when it
// may now. It spends nothing.
func (b *buckets) wait(key string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.enabled() {
		return 0
	}
	l, ok := b.entries[key]
	if !ok {
		return 0
	}
	missing := 1 - l.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(missing / float64(b.limit) * float64(time.Second)))
}

// take spends one from key's budget; false (and nothing spent) when it is empty.
func (b *buckets) take(key string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.enabled() {
		return true
	}
	l, ok := b.entries[key]
	if !ok {
		if len(b.entries) >= maxBuckets {
			b.prune(now)
		}
		l = rate.NewLimiter(b.limit, b.burst)
		b.entries[key] = l
	}
	return l.AllowN(now, 1)
}

// prune drops full buckets; if every bucket is in use it drops them all rather than
// grow without bound.
func (b *buckets) prune(now time.Time) {
	for k, l := range b.entries {
		if l.TokensAt(now) >= float64(b.burst) {
			delete(b.entries, k)
		}
	}
	if len(b.entries) >= maxBuckets {
		b.entries = map[string]*rate.Limiter{}
	}
}

// clientAddr is the address a request came from: the connection's peer, without
// its port. Forwarding headers are not trusted (anyone may send them).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func prefixOf(secret string) string {
	if len(secret) > tokenPrefixLen {
		return secret[:tokenPrefixLen]
	}
	return secret
}

// guessing is how long the client behind r, sending secret, must wait before a
// token of theirs is looked up again; 0 when it may be now.
func (s *Server) guessing(r *http.Request, secret string) time.Duration {
	now := time.Now()
	return max(s.badByAddr.wait(clientAddr(r), now), s.badByPrefix.wait(prefixOf(secret), now))
}

// refused charges a refused token to its client's address and prefix.
func (s *Server) refused(r *http.Request, secret string) {
	now := time.Now()
	s.badByAddr.take(clientAddr(r), now)
	s.badByPrefix.take(prefixOf(secret), now)
}

// tooMany answers 429 with the seconds to wait, rounded up, in Retry-After.
func tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, detail string) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeProblem(w, r, problem(http.StatusTooManyRequests, detail+"; retry after "+strconv.Itoa(secs)+" s"))
}

// rateLimited serves h only while the caller's token is within the intake rate
// (Limits.IntakePerSecond), else answers 429; it runs behind authorize.
func (s *Server) rateLimited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r.Context())
		now := time.Now()
		if !s.intake.take(p.TokenID, now) {
			tooMany(w, r, s.intake.wait(p.TokenID, now), "this token files faster than INTAKE_RATE_PER_SECOND allows")
			return
		}
		h(w, r)
	}
}
