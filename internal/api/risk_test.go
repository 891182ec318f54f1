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
	"github.com/complaintflow/complaintflow/internal/store"
)

func TestRiskThresholdsRoundTripAndBadInput(t *testing.T) {
	a := newDirectoryAPI(t)
	got := a.call(auth.RoleManager, http.MethodGet, "/v1/risk-thresholds", "")
	if got.status != http.StatusOK || got.body["csat_drop_points"] != 5.0 || got.body["csat_drop_red_points"] != 15.0 ||
		got.body["volume_spike_pct"] != 30.0 || got.body["volume_trailing_days"] != 7.0 || got.body["sla_target_pct"] != 90.0 ||
		got.body["red_handling"] != "1h0m0s" || got.body["yellow_handling_seconds"] != 14400.0 ||
		got.body["blue_handling"] != "24h0m0s" || got.body["updated_at"] != nil {
		t.Fatalf("defaults: %d %v", got.status, got.body)
	}
	if r := a.call(auth.RoleAgent, http.MethodGet, "/v1/risk-thresholds", ""); r.status != http.StatusForbidden {
		t.Fatalf("agent read: %d", r.status)
	}
	if r := a.call(auth.RoleManager, http.MethodPut, "/v1/risk-thresholds", `{"sla_target_pct": 95}`); r.status != http.StatusForbidden {
		t.Fatalf("manager write: %d, want 403", r.status)
	}

	put := a.call(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"sla_target_pct": 95, "red_handling": "30m", "csat_min_answers": 20}`)
	if put.status != http.StatusOK || put.body["sla_target_pct"] != 95.0 || put.body["red_handling"] != "30m0s" ||
		put.body["red_handling_seconds"] != 1800.0 || put.body["csat_min_answers"] != 20.0 || put.body["updated_by"] != "quality-token" ||
		put.body["csat_drop_points"] != 5.0 {
		t.Fatalf("put: %d %v", put.status, put.body)
	}
	stored, err := a.store.RiskThresholds(context.Background())
	if err != nil || stored.SLATargetPct != 95 || stored.RedHandlingSeconds != 1800 || stored.CSATMinAnswers != 20 {
		t.Fatalf("stored %+v %v", stored, err)
	}

	for _, c := range []struct {
		body   string
		fields []string
	}{
		{`{"csat_drop_points": 0, "csat_drop_red_points": 200, "volume_trailing_days": 0, "red_handling": "soon",
			"sla_red_points": 0, "volume_min_daily_average": 0, "blue_handling": "30s"}`,
			[]string{"csat_drop_points", "csat_drop_red_points", "volume_trailing_days", "volume_min_daily_average",
				"sla_red_points", "red_handling", "blue_handling"}},
		{`{"csat_drop_red_points": 4}`, []string{"csat_drop_red_points"}}, // under the yellow drop
		{`{"volume_spike_pct": 150}`, []string{"volume_spike_red_pct"}},   // yellow above red
		{`{"sla_target_pct": 101, "sla_min_known": 0}`, []string{"sla_target_pct", "sla_min_known"}},
		{`{"csat_min_answers": 1.5}`, []string{"csat_min_answers"}},
		{`{"slow_window_minutes": 0, "slow_pct": 0, "turnover_pct": 101, "turnover_min_headcount": 0, "kpi_window_days": 400, "kpi_min_volume": 0}`,
			[]string{"slow_window_minutes", "slow_pct", "turnover_pct", "turnover_min_headcount", "kpi_window_days", "kpi_min_volume"}},
		{`{"slow_pct": 60}`, []string{"slow_red_pct"}}, // yellow above red
		{`{"red_handling": 3600}`, []string{"red_handling"}},
		{`{"threshold": 5}`, []string{"threshold"}},
	} {
		r := a.call(auth.RoleAdmin, http.MethodPut, "/v1/risk-thresholds", c.body)
		if r.status != http.StatusBadRequest || r.header.Get("Content-Type") != "application/problem+json" ||
			fmt.Sprint(r.fields()) != fmt.Sprint(c.fields) {
			t.Errorf("%s: got %d %v, want 400 naming %v", c.body, r.status, r.body, c.fields)
		}
	}
	after, _ := a.store.RiskThresholds(context.Background())
	if fmt.Sprintf("%+v", after) != fmt.Sprintf("%+v", stored) {
		t.Fatalf("bad input changed the thresholds: %+v, was %+v", after, stored)
	}
}

// riskIDs returns the "id" of each item of a listing.
func riskIDs(items any) []string {
	var out []string
	list, _ := items.([]any)
	for _, it := range list {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

var riskAPIAt = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// riskAlertRow opens an alert through the store, as the monitor does.
func riskAlertRow(t *testing.T, st *store.Store, c quality.Condition, g quality.Grade, at time.Time) quality.RiskAlert {
	t.Helper()
	alert, created, err := st.OpenRiskAlert(context.Background(), quality.NewRiskAlert{
		ID: uuid.NewString(), Key: "run-" + at.String() + "/" + string(c), MonitorRun: "run-" + at.String(), At: at, OwnerID: "lee",
		Check: quality.RiskCheck{Condition: c, Grade: g, Observed: 20, Baseline: 10, Threshold: 13, HandlingSeconds: 3600,
			Details: quality.RiskDetails{From: at.Add(-24 * time.Hour), To: at, Counts: map[string]int64{"opened": 20}}},
	})
	if err != nil || !created {
		t.Fatalf("open alert: %v %v", created, err)
	}
	return alert
}

func riskRecord(t *testing.T, st *store.Store, e quality.RiskAlertEvent) {
	t.Helper()
	if _, err := st.RecordRiskAlertEvent(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

// Three alerts: a closed volume spike (in the ledger), a responded CSAT drop and an
// open SLA shortfall.
func seedRiskAlerts(t *testing.T, st *store.Store) (volume, csat, sla quality.RiskAlert) {
	volume = riskAlertRow(t, st, quality.VolumeSpike, quality.Red, riskAPIAt)
	csat = riskAlertRow(t, st, quality.CSATDrop, quality.Yellow, riskAPIAt.Add(time.Hour))
	sla = riskAlertRow(t, st, quality.SLAShortfall, quality.Blue, riskAPIAt.Add(2*time.Hour))
	riskRecord(t, st, quality.RiskAlertEvent{AlertID: volume.ID, Key: "v/escalated/1", Kind: quality.RiskEventEscalated,
		At: riskAPIAt.Add(time.Hour), Actor: "system", Data: quality.RiskEventData{Level: 1, To: "max", Recipients: []string{"max", "lee"}}})
	riskRecord(t, st, quality.RiskAlertEvent{AlertID: volume.ID, Key: "v/closed", Kind: quality.RiskEventClosed,
		At: riskAPIAt.Add(3 * time.Hour), Actor: "dora", Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{
			RootCause: "快递罢工", Solution: "second courier", Executor: "logistics team",
			ActionDeadline: riskAPIAt.Add(72 * time.Hour), Verification: "volume back to 10 a day"}}})
	riskRecord(t, st, quality.RiskAlertEvent{AlertID: csat.ID, Key: "c/responded", Kind: quality.RiskEventResponded,
		At: riskAPIAt.Add(90 * time.Minute), Actor: "lee", Data: quality.RiskEventData{Response: "analysis report"}})
	return volume, csat, sla
}

func TestRiskAlertListingDetailAndLedger(t *testing.T) {
	a := newDirectoryAPI(t)
	volume, csat, sla := seedRiskAlerts(t, a.store)

	all := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-alerts", "")
	if all.status != http.StatusOK || fmt.Sprint(riskIDs(all.body["items"])) != fmt.Sprint([]string{sla.ID, csat.ID, volume.ID}) {
		t.Fatalf("all alerts: %d %v", all.status, all.body)
	}
	first := all.body["items"].([]any)[0].(map[string]any)
	if first["workflow_id"] != "risk-alert:"+sla.ID || first["status"] != "open" || first["grade"] != "blue" ||
		first["opened_at"] != "2026-03-15T14:00:00Z" || first["handling_due_at"] != "2026-03-15T15:00:00Z" ||
		first["handling"] != "1h0m0s" || first["owner_id"] != "lee" || first["ledger"] != nil || first["seen_count"] != 1.0 {
		t.Errorf("first item %v", first)
	}
	for query, want := range map[string][]string{
		"status=open":                       {sla.ID},
		"status=responded":                  {csat.ID},
		"grade=red":                         {volume.ID},
		"condition=csat_drop&status=closed": nil,
	} {
		r := a.call(auth.RoleManager, http.MethodGet, "/v1/risk-alerts?"+query, "")
		if r.status != http.StatusOK || fmt.Sprint(riskIDs(r.body["items"])) != fmt.Sprint(want) {
			t.Errorf("%s: %d %v, want %v", query, r.status, r.body, want)
		}
	}
	page1 := a.call(auth.RoleAdmin, http.MethodGet, "/v1/risk-alerts?limit=2", "")
	cursor, _ := page1.body["next_cursor"].(string)
	page2 := a.call(auth.RoleAdmin, http.MethodGet, "/v1/risk-alerts?limit=2&cursor="+url.QueryEscape(cursor), "")
	if fmt.Sprint(riskIDs(page2.body["items"])) != fmt.Sprint([]string{volume.ID}) {
		t.Errorf("second page %v", page2.body)
	}
	// An unknown parameter is refused before the values are read (declaredQuery).
	bad := a.call(auth.RoleAdmin, http.MethodGet, "/v1/risk-alerts?grade=purple&status=gone&colour=red", "")
	if bad.status != http.StatusBadRequest || fmt.Sprint(bad.fields()) != "[colour]" {
		t.Errorf("bad filters: %d %v", bad.status, bad.body)
	}
	bad = a.call(auth.RoleAdmin, http.MethodGet, "/v1/risk-alerts?grade=purple&status=gone", "")
	if bad.status != http.StatusBadRequest || len(bad.fields()) != 2 {
		t.Errorf("bad filters: %d %v", bad.status, bad.body)
	}
	if r := a.call(auth.RoleAgent, http.MethodGet, "/v1/risk-alerts", ""); r.status != http.StatusForbidden {
		t.Errorf("agent listing: %d, want 403", r.status)
	}

	detail := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-alerts/"+volume.ID, "")
	if detail.status != http.StatusOK || detail.body["status"] != "closed" || detail.body["escalation_level"] != 1.0 ||
		detail.body["escalated_to"] != "max" || detail.body["closed_by"] != "dora" || detail.body["response"] != "second courier" {
		t.Fatalf("detail: %d %v", detail.status, detail.body)
	}
	ledger := detail.body["ledger"].(map[string]any)
	if ledger["root_cause"] != "快递罢工" || ledger["action_deadline"] != "2026-03-18T12:00:00Z" || ledger["executor"] != "logistics team" {
		t.Errorf("detail ledger %v", ledger)
	}
	var kinds []string
	for _, e := range detail.body["events"].([]any) {
		kinds = append(kinds, e.(map[string]any)["kind"].(string))
	}
	if fmt.Sprint(kinds) != "[opened escalated closed]" {
		t.Errorf("events %v", kinds)
	}
	if counts := detail.body["details"].(map[string]any)["counts"].(map[string]any); counts["opened"] != 20.0 {
		t.Errorf("details %v", detail.body["details"])
	}
	for _, id := range []string{uuid.NewString(), "not-a-uuid"} {
		if r := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-alerts/"+id, ""); r.status != http.StatusNotFound {
			t.Errorf("alert %s: %d, want 404", id, r.status)
		}
	}

	l := a.call(auth.RoleManager, http.MethodGet, "/v1/risk-ledger", "")
	if l.status != http.StatusOK || fmt.Sprint(riskIDs(l.body["items"])) != fmt.Sprint([]string{volume.ID}) {
		t.Fatalf("ledger: %d %v", l.status, l.body)
	}
	entry := l.body["items"].([]any)[0].(map[string]any)
	for field, want := range map[string]any{
		"condition": "volume_spike", "grade": "red", "opened_at": "2026-03-15T12:00:00Z", "root_cause": "快递罢工",
		"solution": "second courier", "executor": "logistics team", "action_deadline": "2026-03-18T12:00:00Z",
		"verification": "volume back to 10 a day", "closed_at": "2026-03-15T15:00:00Z", "closed_by": "dora",
		"escalation_level": 1.0, "observed": 20.0,
	} {
		if entry[field] != want {
			t.Errorf("ledger %s = %v, want %v", field, entry[field], want)
		}
	}
	for query, n := range map[string]int{
		"from=2026-03-15T12:00:00Z":                         1,
		"to=2026-03-15T12:00:00Z":                           0,
		"from=2026-03-15T12:00:01Z&to=2026-03-16T00:00:00Z": 0,
	} {
		r := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-ledger?"+query, "")
		if r.status != http.StatusOK || len(r.body["items"].([]any)) != n {
			t.Errorf("ledger %s: %d %v, want %d entries", query, r.status, r.body, n)
		}
	}
	for query, fields := range map[string]string{
		"from=yesterday": "[from]",
		"from=2026-03-16T00:00:00Z&to=2026-03-15T00:00:00Z": "[from]",
		"since=2026-03-16T00:00:00Z":                        "[since]",
	} {
		r := a.call(auth.RoleQuality, http.MethodGet, "/v1/risk-ledger?"+query, "")
		if r.status != http.StatusBadRequest || fmt.Sprint(r.fields()) != fields {
			t.Errorf("ledger %s: %d %v, want 400 naming %s", query, r.status, r.body, fields)
		}
	}
}

// Bad bodies are 400s naming each field, unknown alerts 404, and actions the
// alert's status forbids 409 — all decided before Temporal is asked (this server
// has no Temporal client), and none changes anything.
func TestRiskAlertActionsAreCheckedBeforeTheWorkflow(t *testing.T) {
	a := newDirectoryAPI(t)
	volume, csat, sla := seedRiskAlerts(t, a.store)
	events := func() int {
		var n int
		if err := a.store.DB().Get(&n, `SELECT count(*) FROM risk_alert_events`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := events()
	for _, c := range []struct {
		role   auth.Role
		path   string
		body   string
		status int
		fields string
	}{
		{auth.RoleQuality, "/v1/risk-alerts/" + sla.ID + "/respond", `{"response": "  "}`, 400, "[response]"},
		{auth.RoleQuality, "/v1/risk-alerts/" + sla.ID + "/respond", `{"plan": "x"}`, 400, "[plan response]"},
		{auth.RoleManager, "/v1/risk-alerts/" + sla.ID + "/close", `{"solution": "s"}`, 400,
			"[root_cause executor action_deadline verification]"},
		{auth.RoleAdmin, "/v1/risk-alerts/" + sla.ID + "/close", `{"root_cause": "r", "solution": "s", "executor": "e",
			"action_deadline": "next week", "verification": "v"}`, 400, "[action_deadline]"},
		{auth.RoleQuality, "/v1/risk-alerts/" + uuid.NewString() + "/respond", `{"response": "plan"}`, 404, "[]"},
		{auth.RoleQuality, "/v1/risk-alerts/" + csat.ID + "/respond", `{"response": "again"}`, 409, "[]"},
		{auth.RoleQuality, "/v1/risk-alerts/" + volume.ID + "/respond", `{"response": "late"}`, 409, "[]"},
		{auth.RoleQuality, "/v1/risk-alerts/" + volume.ID + "/close", `{"root_cause": "r", "solution": "s", "executor": "e",
			"action_deadline": "2026-04-01T00:00:00Z", "verification": "v"}`, 409, "[]"},
		{auth.RoleAgent, "/v1/risk-alerts/" + sla.ID + "/respond", `{"response": "plan"}`, 403, "[]"},
	} {
		r := a.call(c.role, http.MethodPost, c.path, c.body)
		if r.status != c.status || fmt.Sprint(r.fields()) != c.fields {
			t.Errorf("%s %s: got %d %v, want %d naming %s", c.path, c.body, r.status, r.body, c.status, c.fields)
		}
	}
	if after := events(); after != before {
		t.Fatalf("rejected actions recorded %d events", after-before)
	}
}
