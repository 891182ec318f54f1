package api_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

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
		// The person is looked up whatever else is wrong, so both are named at once.
		{"to nobody, no reason", "/handover", `{"to_person_id":"ghost"}`, []string{"reason", "to_person_id"}},
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

// Issue 14 "limits at their boundaries", through HTTP on the real store with the
// seeded limits (002 §3.1: compensation under 200, refunds under 500, in CNY): ann,
// an agent, gets strictly-under amounts granted at once and the limit itself as an
// escalation to her manager; a currency with no limit of hers is no authority; a
// missing currency is refused naming it and records nothing. Each case is its own
// complaint, since a complaint waits on one escalation at a time.
func TestCompensationLimitsAtTheirBoundariesThroughHTTP(t *testing.T) {
	a := newComplaintAPI(t)
	limit := func(v float64) *float64 { return &v }
	tests := []struct {
		name     string
		body     string
		status   string   // granted at once or requested from the manager
		limit    *float64 // the limit recorded with it (nil: none applied)
		currency string
	}{
		{"compensation just under 200", `{"kind":"compensation","amount":199.99,"currency":"CNY"}`, "granted", limit(200), "CNY"},
		// 以下 includes the number (Civil Code Art. 1259): 200 and 500 are within.
		{"compensation at 200", `{"kind":"compensation","amount":200,"currency":"CNY"}`, "granted", limit(200), "CNY"},
		{"compensation just over 200", `{"kind":"compensation","amount":200.01,"currency":"CNY"}`, "requested", limit(200), "CNY"},
		{"refund just under 500", `{"kind":"refund","amount":499.99,"currency":"CNY"}`, "granted", limit(500), "CNY"},
		{"refund at 500", `{"kind":"refund","amount":500,"currency":"CNY"}`, "granted", limit(500), "CNY"},
		{"refund just over 500", `{"kind":"refund","amount":500.01,"currency":"CNY"}`, "requested", limit(500), "CNY"},
		{"a currency without a limit", `{"kind":"compensation","amount":1,"currency":"USD"}`, "requested", nil, "USD"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := a.fileLogistics(fmt.Sprintf("limit-%d", i), "medium")
			c := a.as(asAnn, "POST", "/v1/complaints/"+id+"/compensations", tt.body, 201).body
			gotLimit, _ := c["limit"].(float64)
			if c["status"] != tt.status || c["currency"] != tt.currency || (c["limit"] == nil) != (tt.limit == nil) ||
				tt.limit != nil && gotLimit != *tt.limit {
				t.Fatalf("compensation %v, want %s with limit %v %s", c, tt.status, tt.limit, tt.currency)
			}
			escalations := func() []any {
				return a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+id+"/escalations", "", 200).body["items"].([]any)
			}
			if tt.status == "granted" {
				// The workflow records a grant before the update returns, and no escalation.
				if c["escalation_seq"] != nil || c["decided_by"] != "ann" || len(escalations()) != 0 {
					t.Errorf("granted at once: %v; escalations %v, want none", c, escalations())
				}
				return
			}
			if c["escalation_seq"] != 1.0 || c["decided_by"] != nil {
				t.Fatalf("over the limit: %v, want requested through escalation 1", c)
			}
			var e map[string]any
			for deadline := time.Now().Add(30 * time.Second); e == nil; time.Sleep(50 * time.Millisecond) {
				if items := escalations(); len(items) == 1 {
					e = items[0].(map[string]any)
				} else if time.Now().After(deadline) {
					t.Fatalf("escalations %v, want escalation 1", items)
				}
			}
			if e["seq"] != 1.0 || e["status"] != "pending" || e["automatic"] != true || e["approver"] != "max" ||
				!strings.Contains(e["reason"].(string), "asks for approval") {
				t.Errorf("the escalation to the manager: %v", e)
			}
		})
	}

	t.Run("a missing currency", func(t *testing.T) {
		id := a.fileLogistics("limit-no-currency", "medium")
		r := a.as(asAnn, "POST", "/v1/complaints/"+id+"/compensations", `{"kind":"compensation","amount":199.99}`, 400)
		if got := r.fields(); !slices.Equal(got, []string{"currency"}) {
			t.Errorf("fields %v, want [currency]", got)
		}
		if cs, err := a.store.Compensations(t.Context(), id); err != nil || len(cs) != 0 {
			t.Errorf("the refused request recorded %+v, %v", cs, err)
		}
	})
}
