package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// A PDCA cycle opened for a risk alert names it, and the alert lists the cycles
// opened for it, in the list and on its own: the quality lead goes from an alert
// to the cycle carrying out its solution and back (002 §9.1 《风险处置台账》, §9.2). An
// alert that does not exist is refused and opens nothing.
func TestACycleOpenedForARiskAlertAndTheAlertNameEachOther(t *testing.T) {
	a := newComplaintAPI(t)
	alert := a.as(auth.RoleQuality, "POST", "/v1/risk-alerts", `{"grade":"yellow","description":"the courier strikes"}`, http.StatusCreated).body
	alertID := alert["id"].(string)
	if ids, _ := alert["cycle_ids"].([]any); ids == nil || len(ids) != 0 {
		t.Errorf("a new alert's cycle_ids %v, want []", alert["cycle_ids"])
	}
	cycle := a.as(auth.RoleQuality, "POST", "/v1/pdca-cycles",
		fmt.Sprintf(`{"title":"A second courier","metric":"nps","risk_alert_id":%q}`, alertID), http.StatusCreated).body
	if cycle["risk_alert_id"] != alertID {
		t.Errorf("the cycle's risk_alert_id %v, want %s", cycle["risk_alert_id"], alertID)
	}
	other := a.as(auth.RoleQuality, "POST", "/v1/pdca-cycles", `{"title":"Unrelated","metric":"nps"}`, http.StatusCreated).body
	if _, named := other["risk_alert_id"]; !named || other["risk_alert_id"] != nil {
		t.Errorf("a cycle for no alert: risk_alert_id %v, want null", other["risk_alert_id"])
	}
	got := a.as(auth.RoleQuality, "GET", "/v1/pdca-cycles/"+cycle["id"].(string), "", http.StatusOK).body
	if got["risk_alert_id"] != alertID {
		t.Errorf("GET the cycle: risk_alert_id %v, want %s", got["risk_alert_id"], alertID)
	}
	want := []any{cycle["id"]}
	if one := a.as(auth.RoleQuality, "GET", "/v1/risk-alerts/"+alertID, "", http.StatusOK).body; !slices.Equal(one["cycle_ids"].([]any), want) {
		t.Errorf("GET the alert: cycle_ids %v, want %v", one["cycle_ids"], want)
	}
	list := a.as(auth.RoleQuality, "GET", "/v1/risk-alerts", "", http.StatusOK).body["items"].([]any)
	if len(list) != 1 || !slices.Equal(list[0].(map[string]any)["cycle_ids"].([]any), want) {
		t.Errorf("the alerts' list: %v, want the alert with cycle_ids %v", list, want)
	}
	// Closed, it goes to the ledger with its cycles: where its solution was carried
	// out and checked (002 §9.1 「验证结果」).
	path := "/v1/risk-alerts/" + alertID
	a.as(auth.RoleQuality, "POST", path+"/respond", `{"response":"a second courier"}`, http.StatusOK)
	a.eventually(auth.RoleQuality, path, "the response", func(v map[string]any) bool { return v["status"] == "responded" })
	a.as(auth.RoleQuality, "POST", path+"/close", `{"root_cause":"strike","solution":"second courier","executor":"logistics",`+
		`"action_deadline":"2026-04-01T00:00:00Z","verification":"see the cycle"}`, http.StatusOK)
	a.eventually(auth.RoleQuality, path, "the closing", func(v map[string]any) bool { return v["status"] == "closed" })
	ledger := a.as(auth.RoleQuality, "GET", "/v1/risk-ledger", "", http.StatusOK).body["items"].([]any)
	if ids, _ := ledger[0].(map[string]any)["cycle_ids"].([]any); len(ledger) != 1 || !slices.Equal(ids, want) {
		t.Errorf("the ledger: %v, want the alert with cycle_ids %v", ledger, want)
	}

	for _, id := range []string{uuid.NewString(), "not-an-id"} {
		r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles", fmt.Sprintf(`{"title":"Ghost","metric":"nps","risk_alert_id":%q}`, id))
		if r.status != http.StatusBadRequest || !slices.Equal(r.fields(), []string{"risk_alert_id"}) {
			t.Errorf("risk_alert_id %s: got %d fields %v, want 400 naming risk_alert_id", id, r.status, r.fields())
		}
	}
	if n := a.count("pdca_cycles"); n != 2 {
		t.Errorf("%d cycles, want 2", n)
	}
}
