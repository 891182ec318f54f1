package api_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

func TestCompensationLimitsReadAndReplace(t *testing.T) {
	a := newDirectoryAPI(t)
	got := a.call(auth.RoleAgent, "GET", "/v1/compensation-limits", "")
	if got.status != http.StatusOK {
		t.Fatalf("agent reads the limits: %d %v", got.status, got.body)
	}
	var seeded []string
	for _, it := range got.body["items"].([]any) {
		l := it.(map[string]any)
		seeded = append(seeded, l["role"].(string)+"/"+l["kind"].(string)+"/"+l["currency"].(string))
		if l["kind"] == "refund" && l["amount"] != 500.0 || l["kind"] == "compensation" && l["amount"] != 200.0 {
			t.Errorf("seeded limit %v", l)
		}
	}
	if want := []string{"agent/compensation/CNY", "agent/refund/CNY"}; !reflect.DeepEqual(seeded, want) {
		t.Errorf("seeded %v, want %v", seeded, want)
	}
	if r := a.call(auth.RoleAgent, "PUT", "/v1/compensation-limits", `{"items":[]}`); r.status != http.StatusForbidden {
		t.Errorf("an agent changes the limits: %d, want 403", r.status)
	}

	tests := []struct {
		name   string
		body   string
		fields []string
	}{
		{"no items", `{}`, []string{"items"}},
		{"every field wrong", `{"items":[{"role":"boss","kind":"gift","currency":"yuan","amount":0}]}`,
			[]string{"items[0].role", "items[0].kind", "items[0].currency", "items[0].amount"}},
		{"missing amount and a duplicate", `{"items":[{"role":"agent","kind":"refund","currency":"CNY"},
			{"role":"agent","kind":"refund","currency":"CNY","amount":1},{"role":"agent","kind":"refund","currency":"CNY","amount":2}]}`,
			[]string{"items[0].amount", "items[2].currency"}},
		{"a fraction of a cent", `{"items":[{"role":"agent","kind":"refund","currency":"CNY","amount":1.001}]}`, []string{"items[0].amount"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.admin("PUT", "/v1/compensation-limits", tt.body, http.StatusBadRequest)
			if got := r.fields(); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
		})
	}
	if ls, _ := a.store.CompensationLimits(t.Context()); len(ls) != 2 {
		t.Fatalf("a refused PUT changed the limits: %+v", ls)
	}
	r := a.admin("PUT", "/v1/compensation-limits", `{"items":[{"role":"team_lead","kind":"refund","currency":"CNY","amount":1000},
		{"role":"agent","kind":"refund","currency":"USD","amount":70.5}]}`, http.StatusOK)
	if items := r.body["items"].([]any); len(items) != 2 || items[0].(map[string]any)["amount"] != 70.5 {
		t.Errorf("replaced limits %v", items)
	}
	limit, err := a.store.CompensationLimit(t.Context(), complaint.RoleAgent, complaint.RecoveryCompensation, "CNY")
	if err != nil || limit != nil {
		t.Errorf("a limit left out of the set: %v, %v; want none", limit, err)
	}
}

// Bad compensations and hand-overs are refused with every bad field named, before
// the workflow is asked (this server has no Temporal client).
func TestCompensationAndHandoverBadInput(t *testing.T) {
	a := newDirectoryAPI(t)
	c := a.fileDirect("comp-bad", "cust-1", "late", complaint.Medium)
	tests := []struct {
		name   string
		path   string
		body   string
		fields []string
	}{
		{"empty compensation", "/compensations", `{}`, []string{"kind", "amount", "currency"}},
		{"wrong values", "/compensations", `{"kind":"coupon","amount":-1,"currency":"cny"}`, []string{"kind", "amount", "currency"}},
		{"zero amount", "/compensations", `{"kind":"refund","amount":0,"currency":"CNY"}`, []string{"amount"}},
		{"wrong type", "/compensations", `{"kind":"refund","amount":"150","currency":"CNY"}`, []string{"amount"}},
		{"empty hand-over", "/handover", `{}`, []string{"to_person_id", "reason"}},
		{"to nobody", "/handover", `{"to_person_id":"ghost","reason":"leave"}`, []string{"to_person_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.call(auth.RoleAgent, "POST", "/v1/complaints/"+c.ID+tt.path, tt.body)
			if r.status != http.StatusBadRequest {
				t.Fatalf("got %d %v, want 400", r.status, r.body)
			}
			if got := r.fields(); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
		})
	}
	if r := a.call(auth.RoleQuality, "POST", "/v1/complaints/"+c.ID+"/compensations", `{}`); r.status != http.StatusForbidden {
		t.Errorf("quality compensates: %d, want 403", r.status)
	}
	r := a.call(auth.RoleIntake, "GET", "/v1/complaints/"+c.ID+"/compensations", "")
	if r.status != http.StatusOK || len(r.body["items"].([]any)) != 0 {
		t.Errorf("list: %d %v", r.status, r.body)
	}
}
