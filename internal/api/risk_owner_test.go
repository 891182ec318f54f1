package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// A training gap goes to the agent's team lead (002 §9.1 推送至责任人), whose token
// may be an agent's: the alert's owner reads, answers and closes it whatever their
// token's role; another agent, or a token only named after the owner, gets a 403
// saying who may; the quality team and managers handle it as before. This server
// has no Temporal, so an admitted action is told by its answer before the workflow:
// an empty body's 400, or the 409 of an alert already responded to.
func TestRiskAlertOwnerHandlesItWhateverTheirRole(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	open := func(key string) quality.RiskAlert {
		alert, _, err := a.store.OpenRiskAlert(context.Background(), quality.NewRiskAlert{ID: uuid.NewString(),
			Key: "run-1/training_gap/" + key, MonitorRun: "run-1", At: riskAPIAt, OwnerID: "ann",
			Check: quality.RiskCheck{Condition: quality.TrainingGap, Grade: quality.Blue, Subject: key, HandlingSeconds: 86400,
				Details: quality.RiskDetails{From: riskAPIAt.Add(-24 * time.Hour), To: riskAPIAt}}})
		if err != nil {
			t.Fatal(err)
		}
		return alert
	}
	alert, answered := open("agent:bob"), open("team:care")
	riskRecord(t, a.store, quality.RiskAlertEvent{AlertID: answered.ID, Key: "a/responded", Kind: quality.RiskEventResponded,
		At: riskAPIAt.Add(time.Hour), Actor: "ann", Data: quality.RiskEventData{Response: "training plan"}})
	refusal := "only the alert's owner or quality, manager, admin may read, respond to or close it"
	for _, c := range []struct {
		caller       auth.Role
		method, path string
		body         string
		want         int
	}{
		{"ann", "GET", "/v1/risk-alerts/" + alert.ID, "", 200},
		{"ann", "POST", "/v1/risk-alerts/" + alert.ID + "/respond", `{}`, 400},
		{"ann", "POST", "/v1/risk-alerts/" + answered.ID + "/respond", `{"response": "again"}`, 409},
		{"ann", "POST", "/v1/risk-alerts/" + alert.ID + "/close", `{}`, 400},
		{"ann", "GET", "/v1/risk-alerts", "", 403}, // the list stays the handlers'
		{"bob", "GET", "/v1/risk-alerts/" + alert.ID, "", 403},
		{"bob", "POST", "/v1/risk-alerts/" + alert.ID + "/respond", `{"response": "plan"}`, 403},
		{"oz", "POST", "/v1/risk-alerts/" + alert.ID + "/close", `{}`, 403},
		{"named-ann", "GET", "/v1/risk-alerts/" + alert.ID, "", 403},
		{auth.RoleQuality, "GET", "/v1/risk-alerts/" + alert.ID, "", 200},
		{auth.RoleQuality, "POST", "/v1/risk-alerts/" + answered.ID + "/respond", `{"response": "again"}`, 409},
		{"max", "POST", "/v1/risk-alerts/" + alert.ID + "/close", `{}`, 400},
		{auth.RoleManager, "GET", "/v1/risk-alerts/" + alert.ID, "", 200},
	} {
		r := a.call(c.caller, c.method, c.path, c.body)
		detail, _ := r.body["detail"].(string)
		switch {
		case r.status != c.want:
			t.Errorf("%s %s %s: got %d %v, want %d", c.caller, c.method, c.path, r.status, r.body, c.want)
		case c.want == 403 && !strings.HasSuffix(c.path, "/risk-alerts") && detail != refusal:
			t.Errorf("%s %s %s: refused with %q, want %q", c.caller, c.method, c.path, detail, refusal)
		case r.status == 200 && r.body["id"] != alert.ID:
			t.Errorf("%s %s: got alert %v", c.caller, c.path, r.body["id"])
		}
	}
	if r := a.call("ann", http.MethodGet, "/v1/risk-alerts/"+uuid.NewString(), ""); r.status != http.StatusNotFound {
		t.Errorf("an unknown alert: got %d, want 404", r.status)
	}
}
