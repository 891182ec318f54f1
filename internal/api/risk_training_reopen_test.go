package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// A training gap on the customers' reopenings (bob: 3 of his 10 judged resolutions) is
// listed with its reopen evidence under the OpenAPI document's checks, and the
// reopen rule's thresholds are read and changed like the others, out of range refused.
func TestTrainingGapOnReopeningsInTheRiskList(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	var reopened []string
	for i := range 10 {
		id, at := uuid.NewString(), riskAPIAt.Add(-time.Duration(i+1)*48*time.Hour)
		if _, err := a.store.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel,
				customer_id, customer_name, customer_tier, category, urgency, subject, description,
				sla_first_response_seconds, created_at, first_response_due_at, owner)
			VALUES ($1::uuid, $1::text, 'hash', $1::text, 'web', 'cust', 'name', 'medium', 'service', 'medium', 's', 'd', 86400, $2, $2, 'bob')`,
			id, at.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		events := `INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			VALUES ($1::uuid, $1::text || '/resolved', 'resolved', 'bob', $2, '{"owner": "bob"}')`
		// The customer's verdict: 3 reopened, the other fixes held (closed verified).
		if i < 3 {
			events += `, ($1::uuid, $1::text || '/reopened', 'reopened', $3, $2::timestamptz + interval '1 hour', '{"round": 1}')`
			reopened = append([]string{id}, reopened...)
		} else {
			events += `, ($1::uuid, $1::text || '/closed', 'closed', $3, $2::timestamptz + interval '1 hour', '{}')`
		}
		if _, err := a.store.DB().Exec(events, id, at, complaint.ActorCustomer); err != nil {
			t.Fatal(err)
		}
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
	if _, _, err := a.store.OpenRiskAlert(ctx, quality.NewRiskAlert{ID: uuid.NewString(), Key: "run-1/training_gap/agent:bob",
		MonitorRun: "run-1", Check: gap, At: riskAPIAt, OwnerID: "lee"}); err != nil {
		t.Fatal(err)
	}

	r := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-alerts?condition=training_gap", "")
	if r.status != http.StatusOK || len(r.body["items"].([]any)) != 1 {
		t.Fatalf("training gaps: %d %v", r.status, r.body)
	}
	item := r.body["items"].([]any)[0].(map[string]any)
	tr := item["details"].(map[string]any)["training"].(map[string]any)
	re := tr["reopens"].(map[string]any)
	if item["subject"] != "agent:bob" || item["observed"] != 30.0 || item["threshold"] != 20.0 ||
		fmt.Sprint(tr["signals"]) != "[reopen_rate]" || re["resolved"] != 10.0 || re["reopened"] != 3.0 ||
		fmt.Sprint(re["complaints"]) != fmt.Sprint(reopened) {
		t.Errorf("item %v", item)
	}

	th := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-thresholds", "")
	if th.body["training_reopen_pct"] != 20.0 || th.body["training_min_resolutions"] != 10.0 {
		t.Errorf("reopen defaults %v", th.body)
	}
	put := a.call(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"training_reopen_pct": 25, "training_min_resolutions": 20}`)
	if put.status != http.StatusOK || put.body["training_reopen_pct"] != 25.0 || put.body["training_min_resolutions"] != 20.0 ||
		put.body["training_criterion_pct"] != 60.0 {
		t.Errorf("put %d %v", put.status, put.body)
	}
	bad := a.call(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"training_reopen_pct": 0, "training_min_resolutions": 0}`)
	if bad.status != http.StatusBadRequest || fmt.Sprint(bad.fields()) != "[training_reopen_pct training_min_resolutions]" {
		t.Errorf("bad: %d %v", bad.status, bad.body)
	}
}
