package e2e_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/internal/api"
)

// TestRevokedTokenIsRefusedEverywhereWithinFiveSeconds runs a second API process
// on the stack's database, as a second replica behind a load balancer: a token
// revoked through the first is refused by the second within 5 s, although the
// second has it cached.
func TestRevokedTokenIsRefusedEverywhereWithinFiveSeconds(t *testing.T) {
	s := newStack(t)
	other := api.New(s.store, s.temporal, s.queue, s.log, prometheus.NewRegistry())
	hs := httptest.NewServer(other.Handler())
	t.Cleanup(hs.Close)
	replica := &stack{t: t, url: hs.URL}

	created := s.must(201, s.do("POST", "/v1/tokens", adminToken, map[string]string{"role": "agent", "name": "leaked", "expires_in": "24h"}))
	secret, id := created.body["token"].(string), created.body["id"].(string)
	s.must(200, s.do("GET", "/v1/complaints", secret, nil))
	replica.must(200, replica.do("GET", "/v1/complaints", secret, nil))

	s.must(200, s.do("DELETE", "/v1/tokens/"+id, adminToken, nil))
	start := time.Now()
	s.must(401, s.do("GET", "/v1/complaints", secret, nil))
	for {
		res := replica.do("GET", "/v1/complaints", secret, nil)
		if res.status == 401 {
			t.Logf("refused by the replica %s after the revocation", time.Since(start).Round(time.Millisecond))
			break
		}
		replica.must(200, res)
		if time.Since(start) > 5*time.Second {
			t.Fatalf("revoked token still accepted by the replica after %s", time.Since(start))
		}
		time.Sleep(50 * time.Millisecond)
	}
	listed := s.must(200, s.do("GET", "/v1/tokens/"+id, adminToken, nil))
	if listed.body["state"] != "revoked" || listed.body["revoked_at"] == nil {
		t.Errorf("revoked token: %s", listed.raw)
	}
}
