package api_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// TestBadTokensAreThrottled sends bad tokens from one client until its budget is
// spent: then 429 with Retry-After, no lookup in PostgreSQL, good (cached) tokens
// unaffected; and the budget recovers.
func TestBadTokensAreThrottled(t *testing.T) {
	a := newDirectoryAPI(t)
	const burst = 5
	a.srv.UseLimits(api.Limits{BadTokensPerMinute: 6, BadTokenBurst: burst}) // one back every 10 s
	a.accepts(string(auth.RoleAgent))                                        // cached from now on

	for i := range burst {
		a.tokens["bad"] = "cf_wrong-" + strconv.Itoa(i) // fresh secrets: no negative-cache help
		if got := a.call("bad", "GET", "/v1/sla-policies", ""); got.status != http.StatusUnauthorized {
			t.Fatalf("bad token %d within the budget: got %d, want 401", i, got.status)
		}
	}
	before := a.srv.TokenLookups()
	var throttled response
	for i := range 20 {
		a.tokens["bad"] = "cf_guess-" + strconv.Itoa(i)
		throttled = a.call("bad", "GET", "/v1/sla-policies", "")
		if throttled.status != http.StatusTooManyRequests {
			t.Fatalf("bad token %d past the budget: got %d, want 429", i, throttled.status)
		}
	}
	if after := a.srv.TokenLookups(); after != before {
		t.Errorf("20 throttled bad tokens ran %v token lookups, want 0", after-before)
	}
	retry, err := strconv.Atoi(throttled.header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 10 {
		t.Errorf("Retry-After %q, want 1 to 10 seconds", throttled.header.Get("Retry-After"))
	}
	if throttled.body["code"] != "too_many_requests" || !strings.Contains(throttled.body["detail"].(string), "too many invalid tokens") {
		t.Errorf("429 body %v", throttled.body)
	}
	a.accepts(string(auth.RoleAgent)) // a good token from the same client is served

	// The budget recovers: after Retry-After, a bad token is looked up (401) again.
	time.Sleep(time.Duration(retry) * time.Second)
	if got := a.call("bad", "GET", "/v1/sla-policies", ""); got.status != http.StatusUnauthorized {
		t.Errorf("after Retry-After: got %d, want 401", got.status)
	}
}

// TestRepeatedBadTokenIsRefusedFromTheNegativeCache: the same bad secret again is
// refused without another lookup.
func TestRepeatedBadTokenIsRefusedFromTheNegativeCache(t *testing.T) {
	a := newDirectoryAPI(t)
	a.srv.UseLimits(api.Limits{}) // no budgets: only the cache is at work
	a.tokens["bad"] = "cf_stale-token"
	if got := a.call("bad", "GET", "/v1/sla-policies", ""); got.status != http.StatusUnauthorized {
		t.Fatalf("got %d, want 401", got.status)
	}
	before := a.srv.TokenLookups()
	for range 20 {
		if got := a.call("bad", "GET", "/v1/sla-policies", ""); got.status != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", got.status)
		}
	}
	if after := a.srv.TokenLookups(); after != before {
		t.Errorf("20 repeats of one bad token ran %v lookups, want 0", after-before)
	}
}

// TestIntakeIsRateLimitedPerToken files past one token's intake burst: 429 with
// Retry-After for that token, another token unaffected, and the budget recovers.
func TestIntakeIsRateLimitedPerToken(t *testing.T) {
	a := newDirectoryAPI(t)
	a.srv.UseLimits(api.Limits{IntakePerSecond: 1, IntakeBurst: 3})
	a.newSecret("intake-2", `{"role":"intake","name":"second-intake"}`)
	// An invalid body is refused after the limiter, so each call spends from the
	// budget without reaching Temporal.
	file := func(who auth.Role) response { return a.call(who, "POST", "/v1/feedback", `{}`) }
	for i := range 3 {
		if got := file(auth.RoleIntake); got.status != http.StatusBadRequest {
			t.Fatalf("filing %d within the burst: got %d, want 400", i, got.status)
		}
	}
	got := file(auth.RoleIntake)
	if got.status != http.StatusTooManyRequests || got.header.Get("Retry-After") != "1" {
		t.Fatalf("filing past the burst: got %d Retry-After %q, want 429 and 1", got.status, got.header.Get("Retry-After"))
	}
	if got := a.call(auth.RoleIntake, "POST", "/v1/complaints", `{}`); got.status != http.StatusTooManyRequests {
		t.Errorf("complaints share the token's intake budget: got %d, want 429", got.status)
	}
	if got := file("intake-2"); got.status != http.StatusBadRequest {
		t.Errorf("another token: got %d, want 400", got.status)
	}
	a.accepts(string(auth.RoleIntake)) // reading is not intake
	time.Sleep(time.Second)
	if got := file(auth.RoleIntake); got.status != http.StatusBadRequest {
		t.Errorf("a second later: got %d, want 400", got.status)
	}
}

// TestBadTokensAreThrottledPerPrefix: one token prefix tried from many addresses
// runs out of budget as one address would; another prefix from another address is
// looked up as usual.
func TestBadTokensAreThrottledPerPrefix(t *testing.T) {
	a := newDirectoryAPI(t)
	const burst = 3
	a.srv.UseLimits(api.Limits{BadTokensPerMinute: 6, BadTokenBurst: burst})
	h := a.srv.Handler()
	try := func(addr, secret string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/v1/sla-policies", nil)
		r.RemoteAddr = addr + ":40000"
		r.Header.Set("Authorization", "Bearer "+secret)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i := range burst {
		if got := try("203.0.113."+strconv.Itoa(i+1), "cf_samepref-"+strconv.Itoa(i)); got.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d, want 401", i, got.Code)
		}
	}
	if got := try("203.0.113.99", "cf_samepref-x"); got.Code != http.StatusTooManyRequests || got.Header().Get("Retry-After") == "" {
		t.Errorf("the same prefix from a new address: got %d Retry-After %q, want 429 with Retry-After", got.Code, got.Header().Get("Retry-After"))
	}
	if got := try("198.51.100.7", "cf_otherpre-x"); got.Code != http.StatusUnauthorized {
		t.Errorf("another prefix from another address: got %d, want 401", got.Code)
	}
}
