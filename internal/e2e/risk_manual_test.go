package e2e_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// 002 §9.1: a quality lead or a manager opens an alert by hand; an outage is red at
// once, and a red alert tells the director at once (an executive leads).
func TestManualRedAlertNotifiesTheDirectorAtOnce(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	ctx, qin := context.Background(), s.api(s.personToken("quality", "qin"))

	// Bad input names every bad field and opens nothing.
	res := s.do("POST", "/v1/risk-alerts", s.token("quality"), map[string]any{"grade": "purple", "description": " "})
	if res.status != 400 || !slices.Contains(fieldsOf(res), "grade") || !slices.Contains(fieldsOf(res), "description") {
		t.Fatalf("bad manual alert: %d %s", res.status, res.raw)
	}
	if n := s.countWhere("risk_alerts", "true"); n != 0 {
		t.Fatalf("%d alerts after a refused request", n)
	}
	// An agent may not open one.
	if res := s.do("POST", "/v1/risk-alerts", s.token("agent"), map[string]any{"grade": "red", "description": "x"}); res.status != 403 {
		t.Fatalf("agent opening an alert: %d %s", res.status, res.raw)
	}

	key := "outage-" + time.Now().Format(time.RFC3339Nano)
	body := apiclient.OpenRiskAlertRequest{Grade: apiclient.Red, Description: "Ticket system down\nThe complaint intake answers 502 since 09:10."}
	opened, err := qin.OpenRiskAlertWithResponse(ctx, &apiclient.OpenRiskAlertParams{IdempotencyKey: &key}, body)
	s.want(201, opened, err)
	alert := opened.JSON201
	if alert.Condition != apiclient.Manual || alert.Grade != apiclient.Red || alert.OpenedBy != "qin" ||
		alert.OwnerId == nil || *alert.OwnerId != "qin" || alert.HandlingDueAt.Sub(alert.OpenedAt) != time.Hour {
		t.Fatalf("manual alert %s: want red, opened by and owned by qin, due within 1 h", opened.Body)
	}
	// The same key again is the same alert; a second manual alert may be open beside it.
	again, err := qin.OpenRiskAlertWithResponse(ctx, &apiclient.OpenRiskAlertParams{IdempotencyKey: &key}, body)
	s.want(200, again, err)
	if again.JSON200.Id != alert.Id {
		t.Fatalf("retry opened %s, want %s", again.JSON200.Id, alert.Id)
	}
	yellow, err := qin.OpenRiskAlertWithResponse(ctx, nil, apiclient.OpenRiskAlertRequest{Grade: apiclient.Yellow,
		Description: "Complaint handling satisfaction slipping"})
	s.want(201, yellow, err)

	// At once: the owner and the director; the yellow one tells the owner only.
	eventually(t, 30*time.Second, "owner and director notified of the red alert", func() bool {
		return s.countWhere("notifications", "recipient = 'dora' AND complaint_id IS NULL AND status = 'sent'") == 1 &&
			s.countWhere("notifications", "recipient = 'qin' AND complaint_id IS NULL AND status = 'sent'") == 2
	})
	var subject, text string
	if err := s.store.DB().QueryRow(`SELECT subject, body FROM notifications WHERE recipient = 'dora'`).Scan(&subject, &text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(subject, "[RED]") || !strings.Contains(subject, "Ticket system down") ||
		!strings.Contains(text, "The complaint intake answers 502") || !strings.Contains(text, "contingency plan") {
		t.Fatalf("director's notice %q: %q", subject, text)
	}

	listed, err := qin.ListRiskAlertsWithResponse(ctx, &apiclient.ListRiskAlertsParams{Condition: ptr(apiclient.Manual)})
	s.want(200, listed, err)
	if n := len(listed.JSON200.Items); n != 2 {
		t.Fatalf("%d manual alerts listed, want 2", n)
	}
	for _, a := range []apiclient.RiskAlert{*alert, *yellow.JSON201} {
		closed, err := qin.CloseRiskAlertWithResponse(ctx, a.Id, nil, apiclient.CloseRiskAlertRequest{
			RootCause: "load balancer certificate expired", Solution: "certificate renewed", Executor: "it",
			ActionDeadline: time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339), Verification: "intake answers 201 again"})
		s.want(200, closed, err)
	}
	eventually(t, 30*time.Second, "the red alert's workflow completes", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(ctx, workflows.RiskAlertWorkflowID(alert.Id.String()), "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Completed"
	})
	s.checkHistory(workflows.RiskAlertWorkflowID(alert.Id.String()), "risk_alert_manual_red_closed")
}

// The standing KPI targets: the seeds' numbers until changed; a bad register names
// every bad field and changes nothing.
func TestKPITargetsRegister(t *testing.T) {
	s := newStack(t)
	ctx, quality := context.Background(), s.api(s.token("quality"))
	got, err := quality.GetKPITargetsWithResponse(ctx)
	s.want(200, got, err)
	want := map[string]float64{"first_response_minutes": 30, "csat_score": 85, "csat_satisfied_pct": 90, "nps": 45, "fcr_pct": 80}
	for _, tg := range got.JSON200.Targets {
		if v, ok := want[string(tg.Kpi)]; ok && tg.Target != v {
			t.Errorf("default %s target %g, want %g", tg.Kpi, tg.Target, v)
		}
		delete(want, string(tg.Kpi))
	}
	if len(want) != 0 || got.JSON200.UpdatedAt != nil {
		t.Fatalf("defaults %s: missing %v", got.Body, want)
	}

	// Metrics show each target against the period: two complaints resolved without
	// an acknowledgement, one reopened: FCR 50 % < 80 %; no survey, so no NPS. Two
	// samples are a verdict once the KPI check's minimum (kpi_min_volume) is two.
	if res := s.do("PUT", "/v1/risk-thresholds", s.token("quality"), map[string]any{"kpi_min_volume": 2}); res.status != 200 {
		t.Fatalf("thresholds: %d %s", res.status, res.raw)
	}
	now := time.Now().UTC()
	s.seedComplaint("product", now.Add(-48*time.Hour), map[time.Duration]complaint.Event{time.Hour: {Kind: complaint.EventResolved}})
	s.seedComplaint("product", now.Add(-47*time.Hour), map[time.Duration]complaint.Event{
		time.Hour: {Kind: complaint.EventResolved}, 2 * time.Hour: {Kind: complaint.EventReopened}})
	metrics := s.do("GET", "/v1/metrics", s.token("quality"), nil)
	if metrics.status != 200 {
		t.Fatalf("metrics: %d %s", metrics.status, metrics.raw)
	}
	standings := map[string]map[string]any{}
	for _, st := range metrics.body["kpi_targets"].([]any) {
		m := st.(map[string]any)
		standings[m["kpi"].(string)] = m
	}
	if fcr := standings["fcr_pct"]; fcr["actual"] != 50.0 || fcr["target"] != 80.0 || fcr["met"] != false {
		t.Errorf("fcr standing %v, want 50 against 80, missed", fcr)
	}
	if nps := standings["nps"]; nps["actual"] != nil || nps["met"] != nil {
		t.Errorf("nps standing %v, want no data", nps)
	}

	bad := s.do("PUT", "/v1/kpi-targets", s.token("quality"), map[string]any{"targets": []any{
		map[string]any{"kpi": "nps", "target": 101},
		map[string]any{"kpi": "mood", "target": 1},
		map[string]any{"kpi": "fcr_pct"},
		map[string]any{"kpi": "nps", "target": 40},
	}})
	if bad.status != 400 {
		t.Fatalf("bad register: %d %s", bad.status, bad.raw)
	}
	for _, f := range []string{"targets[0].target", "targets[1].kpi", "targets[2].target", "targets[3].kpi"} {
		if !slices.Contains(fieldsOf(bad), f) {
			t.Errorf("bad register does not name %s: %s", f, bad.raw)
		}
	}
	if n := s.countWhere("settings", "name = 'kpi_targets'"); n != 0 {
		t.Fatalf("a refused register was stored")
	}
	if res := s.do("PUT", "/v1/kpi-targets", s.token("manager"), map[string]any{"targets": []any{}}); res.status != 403 {
		t.Fatalf("manager changing targets: %d", res.status)
	}

	put, err := quality.PutKPITargetsWithResponse(ctx, nil, apiclient.PutKPITargetsRequest{Targets: []struct {
		Enabled *bool    `json:"enabled,omitempty"`
		Kpi     string   `json:"kpi"`
		Note    *string  `json:"note,omitempty"`
		Target  *float64 `json:"target"`
	}{{Kpi: "nps", Target: ptr(50.0)}, {Kpi: "first_response_minutes", Target: ptr(20.0), Enabled: ptr(false)}}})
	s.want(200, put, err)
	if ts := put.JSON200.Targets; len(ts) != 2 || ts[0].Target != 50 || !ts[0].Enabled || ts[1].Enabled ||
		put.JSON200.UpdatedBy == nil {
		t.Fatalf("stored register %s", put.Body)
	}
}
