package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// A training gap the monitor finds in hand-scored QA samples (ann: 5 scorecards at
// 10 of 25 on expertise) is listed as a blue training_gap alert about agent:ann,
// with its evidence, under the OpenAPI document's checks; closed, it is in the
// risk ledger. Its training thresholds are read and changed like the others.
func TestTrainingGapAlertInTheRiskListAndLedger(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	criteria, _ := json.Marshal(quality.DefaultQAScorecard().Criteria)
	scores, _ := json.Marshal(map[string]int{"response_speed": 20, "resolution": 30, "attitude": 25, "expertise": 10})
	var samples []string
	for i := range 5 {
		id, sample, scored := uuid.NewString(), uuid.NewString(), riskAPIAt.Add(-time.Duration(i+1)*time.Hour)
		if _, err := a.store.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel,
				customer_id, customer_name, customer_tier, category, urgency, subject, description,
				sla_first_response_seconds, created_at, first_response_due_at)
			VALUES ($1::uuid, $1::text, 'hash', $1::text, 'web', 'cust', 'name', 'medium', 'service', 'medium', 's', 'd', 86400, $2, $2)`,
			id, scored.Add(-24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.DB().Exec(`INSERT INTO qa_samples (id, complaint_id, agent, closed_at, run_id, period_from,
				period_to, scores, criteria, total, scored_by, scored_at)
			VALUES ($1, $2, 'ann', $3, 'qa-run', $3, $3, $4, $5, 85, 'qa', $3)`,
			sample, id, scored, string(scores), string(criteria)); err != nil {
			t.Fatal(err)
		}
		samples = append([]string{sample}, samples...)
	}
	ev, err := a.store.EvaluateRisks(ctx, riskAPIAt)
	if err != nil {
		t.Fatal(err)
	}
	var gap quality.RiskCheck
	for _, c := range ev.Findings() {
		if c.Condition == quality.TrainingGap {
			gap = c
		}
	}
	alert, created, err := a.store.OpenRiskAlert(ctx, quality.NewRiskAlert{ID: uuid.NewString(), Key: "run-1/training_gap/agent:ann",
		MonitorRun: "run-1", Check: gap, At: riskAPIAt, OwnerID: "lee"})
	if err != nil || !created {
		t.Fatalf("open: %v %v", created, err)
	}

	r := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-alerts?condition=training_gap", "")
	if r.status != http.StatusOK || fmt.Sprint(riskIDs(r.body["items"])) != fmt.Sprint([]string{alert.ID}) {
		t.Fatalf("training gaps: %d %v", r.status, r.body)
	}
	item := r.body["items"].([]any)[0].(map[string]any)
	if item["subject"] != "agent:ann" || item["grade"] != "blue" || item["handling"] != "24h0m0s" ||
		item["observed"] != 40.0 || item["threshold"] != 60.0 {
		t.Errorf("item %v", item)
	}
	tr := item["details"].(map[string]any)["training"].(map[string]any)
	if tr["agent"] != "ann" || fmt.Sprint(tr["scorecards"]) != fmt.Sprint(samples) || fmt.Sprint(tr["below"]) != "[expertise]" ||
		tr["averages"].(map[string]any)["expertise"] != 40.0 {
		t.Errorf("evidence %v", tr)
	}

	riskRecord(t, a.store, quality.RiskAlertEvent{AlertID: alert.ID, Key: "t/closed", Kind: quality.RiskEventClosed,
		At: riskAPIAt.Add(time.Hour), Actor: "lee", Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{
			RootCause: "new product line", Solution: "product training", Executor: "lee",
			ActionDeadline: riskAPIAt.Add(7 * 24 * time.Hour), Verification: "next month's scorecards"}}})
	l := a.call(auth.RoleManager, http.MethodGet, "/v1/risk-ledger", "")
	if l.status != http.StatusOK || fmt.Sprint(riskIDs(l.body["items"])) != fmt.Sprint([]string{alert.ID}) ||
		l.body["items"].([]any)[0].(map[string]any)["subject"] != "agent:ann" {
		t.Fatalf("ledger: %d %v", l.status, l.body)
	}

	th := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-thresholds", "")
	if th.body["training_window_days"] != 30.0 || th.body["training_criterion_pct"] != 60.0 || th.body["training_min_scorecards"] != 5.0 {
		t.Errorf("training defaults %v", th.body)
	}
	put := a.call(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"training_criterion_pct": 70, "training_min_scorecards": 8}`)
	if put.status != http.StatusOK || put.body["training_criterion_pct"] != 70.0 || put.body["training_min_scorecards"] != 8.0 {
		t.Errorf("put %d %v", put.status, put.body)
	}
	bad := a.call(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds",
		`{"training_window_days": 0, "training_criterion_pct": 0, "training_min_scorecards": 0}`)
	if bad.status != http.StatusBadRequest ||
		fmt.Sprint(bad.fields()) != "[training_window_days training_criterion_pct training_min_scorecards]" {
		t.Errorf("bad: %d %v", bad.status, bad.body)
	}
}
