package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
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

// A card shaped as the seed's template (002 §10.1: dimensions of 3–5 items) is
// taken; a bad one is refused naming every bad field, and nothing changes. A sample
// scored on it reports its points per dimension beside the total, and the insight
// report the agent's average per dimension.
func TestQAScorecardDimensions(t *testing.T) {
	a := newDirectoryAPI(t)
	var criteria []string
	for d, dim := range []string{"response_speed", "resolution", "attitude", "expertise"} {
		for i, points := range [][]int{{10, 5, 5}, {10, 10, 10}, {10, 10, 5}, {10, 10, 5}}[d] {
			criteria = append(criteria, fmt.Sprintf(`{"key":"%s_%d","name":"n","points":%d,"dimension":"%s"}`, dim, i, points, dim))
		}
	}
	card := `{"criteria":[` + strings.Join(criteria, ",") + `]}`
	if got := a.admin("PUT", "/v1/qa-scorecard", card, http.StatusOK).body; len(got["criteria"].([]any)) != 12 {
		t.Fatalf("the 4×3 card: %v", got)
	}
	bad := strings.Replace(strings.Replace(card, `,"dimension":"response_speed"}`, `}`, 1), `"dimension":"attitude"`, `"dimension":"Attitude"`, 1)
	refused := a.admin("PUT", "/v1/qa-scorecard", bad, http.StatusBadRequest)
	if want := []string{"criteria[0].dimension", "criteria[6].dimension", "criteria", "criteria", "criteria"}; !slices.Equal(refused.fields(), want) {
		t.Errorf("a bad card names %v, want %v", refused.fields(), want)
	}
	// A dimension of the wrong size is out of range, as a wrong number of criteria is.
	var codes []string
	for _, e := range refused.body["errors"].([]any) {
		codes = append(codes, fmt.Sprint(e.(map[string]any)["code"]))
	}
	if len(codes) != 5 || !slices.Equal(codes[2:], []string{"out_of_range", "out_of_range", "out_of_range"}) {
		t.Errorf("a bad card's codes %v, want the dimensions' sizes out_of_range", codes)
	}
	if got := a.admin("GET", "/v1/qa-scorecard", "", http.StatusOK).body; !strings.Contains(fmt.Sprint(got["criteria"]), "dimension:response_speed") ||
		strings.Contains(fmt.Sprint(got["criteria"]), "Attitude") {
		t.Errorf("the refused card changed the scorecard: %v", got["criteria"])
	}

	id, sample, at := uuid.NewString(), uuid.NewString(), time.Now().UTC().Add(-time.Hour)
	if _, err := a.store.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel,
			customer_id, customer_name, customer_tier, category, urgency, subject, description,
			sla_first_response_seconds, created_at, first_response_due_at)
		VALUES ($1::uuid, $1::text, 'hash', $1::text, 'web', 'cust', 'name', 'medium', 'service', 'medium', 's', 'd', 86400, $2, $2)`,
		id, at); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.DB().Exec(`INSERT INTO qa_samples (id, complaint_id, agent, closed_at, run_id, period_from, period_to)
		VALUES ($1, $2, 'ann', $3, 'qa-run', $3, $3)`, sample, id, at); err != nil {
		t.Fatal(err)
	}
	scores := `{"scores":{"response_speed_0":10,"response_speed_1":0,"response_speed_2":5,"resolution_0":10,"resolution_1":10,` +
		`"resolution_2":10,"attitude_0":3,"attitude_1":0,"attitude_2":5,"expertise_0":10,"expertise_1":10,"expertise_2":5}}`
	scored := a.call(auth.RoleQuality, "POST", "/v1/qa-queue/"+sample+"/score", scores)
	want := "[map[dimension:response_speed items:3 points:20 scored:15] map[dimension:resolution items:3 points:30 scored:30]" +
		" map[dimension:attitude items:3 points:25 scored:8] map[dimension:expertise items:3 points:25 scored:25]]"
	if got := fmt.Sprint(scored.body["dimensions"]); scored.status != http.StatusOK || got != want || scored.body["total"] != 78.0 {
		t.Errorf("scored: %d %v, want dimensions %s", scored.status, scored.body, want)
	}
	if got := fmt.Sprint(a.call(auth.RoleQuality, "GET", "/v1/qa-queue/"+sample, "").body["dimensions"]); got != want {
		t.Errorf("read: dimensions %s", got)
	}

	report := a.call(auth.RoleQuality, "GET", "/v1/insight-report?period="+at.AddDate(0, 0, -2).Format("2006-01-02")+"/"+at.AddDate(0, 0, 2).Format("2006-01-02"), "")
	want = "[map[agent:ann average:78 dimensions:[map[average:15 dimension:response_speed points:20 scored:1]" +
		" map[average:30 dimension:resolution points:30 scored:1] map[average:8 dimension:attitude points:25 scored:1]" +
		" map[average:25 dimension:expertise points:25 scored:1]] scored:1]]"
	if got := fmt.Sprint(report.body["qa_scores"]); got != want {
		t.Errorf("insight report QA scores %d %s, want %s", report.status, got, want)
	}
}
