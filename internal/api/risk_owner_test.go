package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
		case c.want == 403 && detail != refusal:
			t.Errorf("%s %s %s: refused with %q, want %q", c.caller, c.method, c.path, detail, refusal)
		case r.status == 200 && r.body["id"] != alert.ID:
			t.Errorf("%s %s: got alert %v", c.caller, c.path, r.body["id"])
		}
	}
	if r := a.call("ann", http.MethodGet, "/v1/risk-alerts/"+uuid.NewString(), ""); r.status != http.StatusNotFound {
		t.Errorf("an unknown alert: got %d, want 404", r.status)
	}
}

// An agent's list and ledger hold the alerts they own alone (002 §9.1 推送至责任人:
// a team lead with an agent's token sees what was pushed to them). The filter is
// the query's: a page of two of ann's is full although bob's newest lies between,
// its cursor leads to her last, and that page is the end. Another owner, or a
// token for no person, is refused; managers list all, or with owner=me their own.
func TestRiskAlertListsOfTheirOwner(t *testing.T) {
	a, _, _, _ := actingAPI(t)
	n := 0
	open := func(owner string, closed bool) string {
		n++
		alert, _, err := a.store.OpenRiskAlert(context.Background(), quality.NewRiskAlert{ID: uuid.NewString(),
			Key: fmt.Sprintf("run-%d/training_gap", n), MonitorRun: fmt.Sprintf("run-%d", n), At: riskAPIAt.Add(time.Duration(n) * time.Hour),
			OwnerID: owner, Check: quality.RiskCheck{Condition: quality.TrainingGap, Grade: quality.Blue,
				Subject: fmt.Sprintf("agent:a%d", n), HandlingSeconds: 86400}})
		if err != nil {
			t.Fatal(err)
		}
		if closed {
			riskRecord(t, a.store, quality.RiskAlertEvent{AlertID: alert.ID, Key: alert.ID + "/closed", Kind: quality.RiskEventClosed,
				At: riskAPIAt.Add(24 * time.Hour), Actor: owner, Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{
					RootCause: "rc", Solution: "s", Executor: owner, ActionDeadline: riskAPIAt, Verification: "v"}}})
		}
		return alert.ID
	}
	ann1, _, ann2, ann3, _, lee1 := open("ann", true), open("bob", true), open("ann", false), open("ann", false), open("bob", false), open("lee", false)

	ids := func(r response) []string {
		t.Helper()
		items, ok := r.body["items"].([]any)
		if r.status != http.StatusOK || !ok {
			t.Fatalf("got %d %v, want a page", r.status, r.body)
		}
		out := []string{}
		for _, it := range items {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return out
	}
	first := a.call("ann", "GET", "/v1/risk-alerts?limit=2", "")
	if got, want := fmt.Sprint(ids(first)), fmt.Sprint([]string{ann3, ann2}); got != want {
		t.Errorf("ann's first page of 2: %s, want %s", got, want)
	}
	cursor, _ := first.body["next_cursor"].(string)
	next := a.call("ann", "GET", "/v1/risk-alerts?limit=2&cursor="+url.QueryEscape(cursor), "")
	if got := ids(next); cursor == "" || fmt.Sprint(got) != fmt.Sprint([]string{ann1}) || next.body["next_cursor"] != nil {
		t.Errorf("ann's second page (cursor %q): %v, next %v; want [%s] and the end", cursor, got, next.body["next_cursor"], ann1)
	}
	for _, c := range []struct {
		caller auth.Role
		path   string
		want   []string
	}{
		{"ann", "/v1/risk-alerts?owner=me", []string{ann3, ann2, ann1}},
		{"ann", "/v1/risk-alerts?owner=ann&status=closed", []string{ann1}},
		{"ann", "/v1/risk-ledger", []string{ann1}},
		{"oz", "/v1/risk-alerts", []string{}},
		{"lee", "/v1/risk-alerts?owner=me", []string{lee1}},
		{"max", "/v1/risk-alerts?owner=ann&limit=2", []string{ann3, ann2}},
		{auth.RoleManager, "/v1/risk-ledger?owner=ann", []string{ann1}},
	} {
		if got := ids(a.call(c.caller, "GET", c.path, "")); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s %s: %v, want %v", c.caller, c.path, got, c.want)
		}
	}
	if got := ids(a.call("max", "GET", "/v1/risk-alerts", "")); len(got) != 6 {
		t.Errorf("a manager lists %d alerts, want all 6", len(got))
	}
	for _, c := range []struct {
		caller auth.Role
		path   string
		want   int
	}{
		{"ann", "/v1/risk-alerts?owner=bob", 403},
		{"ann", "/v1/risk-ledger?owner=bob", 403},
		{"named-ann", "/v1/risk-alerts", 403},
		{"named-ann", "/v1/risk-alerts?owner=me", 400},
		{auth.RoleIntake, "/v1/risk-alerts", 403},
	} {
		if r := a.call(c.caller, "GET", c.path, ""); r.status != c.want {
			t.Errorf("%s %s: got %d %v, want %d", c.caller, c.path, r.status, r.body, c.want)
		}
	}
}
