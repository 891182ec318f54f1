package api_test

import (
	"net/http"
	"testing"
)

// The scorecard's PUT keeps what it leaves out: the share alone keeps the
// criteria, the criteria alone keep the share; an empty list is refused.
func TestQAScorecardPutKeepsWhatItLeavesOut(t *testing.T) {
	a := newDirectoryAPI(t)
	seed := a.admin("GET", "/v1/qa-scorecard", "", http.StatusOK).body
	share := a.admin("PUT", "/v1/qa-scorecard", `{"sample_pct":20}`, http.StatusOK).body
	if share["sample_pct"] != 20.0 || len(share["criteria"].([]any)) != len(seed["criteria"].([]any)) {
		t.Fatalf("the share alone: %v, want the seed's %d criteria kept", share, len(seed["criteria"].([]any)))
	}
	crit := a.admin("PUT", "/v1/qa-scorecard", `{"criteria":[{"key":"speed","name":"响应速度","points":100}]}`, http.StatusOK).body
	if crit["sample_pct"] != 20.0 || len(crit["criteria"].([]any)) != 1 {
		t.Fatalf("the criteria alone: %v, want the share 20 kept", crit)
	}
	if got := a.admin("PUT", "/v1/qa-scorecard", `{"criteria":[]}`, http.StatusBadRequest).fields(); len(got) != 1 || got[0] != "criteria" {
		t.Errorf("no criteria names %v", got)
	}
}
