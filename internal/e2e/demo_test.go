package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/demo"
)

// TestDemoHistoryOpensCyclesAndAnAlert seeds the history `make demo` seeds and
// creates and triggers what the demo does at start (demo.Schedules and a risk
// monitor): within two minutes the monthly planning review opens PDCA cycles (SLA
// compliance of logistics, the CSAT drop), the risk monitor opens a CSAT alert and
// QA sampling fills the QA queue with samples of both agents.
func TestDemoHistoryOpensCyclesAndAnAlert(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	complaints, feedback := demo.History(time.Now(), shanghai)
	for range 2 { // seeding twice adds nothing
		if err := s.store.SeedHistory(ctx, complaints, feedback); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.countWhere("complaints", "external_id LIKE 'demo-%'"); n != len(complaints) {
		t.Fatalf("%d complaints after seeding twice, want %d", n, len(complaints))
	}
	if n := s.countWhere("feedback", "external_id LIKE 'demo-%'"); n != len(feedback) {
		t.Fatalf("%d feedback after seeding twice, want %d", n, len(feedback))
	}

	start := time.Now()
	within := func() time.Duration { return time.Until(start.Add(2 * time.Minute)) } // the "within two minutes of start"
	kinds := map[string]bool{}
	for _, sch := range demo.Schedules {
		id := scheduleID("demo-" + sch.ID) // schedule IDs are global in the namespace
		s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &id, Kind: apiclient.ReviewScheduleKind(sch.Kind),
			CronSpec: &sch.CronSpec, TimeZone: &sch.TimeZone})
		s.trigger(id)
		kinds[sch.Kind] = true
	}
	if !kinds["monthly_planning"] || !kinds["qa_sampling"] {
		t.Fatalf("the demo's schedules %v: no planning review or no QA sampling", demo.Schedules)
	}
	monitor := scheduleID("demo-risk")
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &monitor, Kind: apiclient.ReviewScheduleKindRiskMonitor, TimeZone: ptr("UTC")})
	s.trigger(monitor)

	var opps []string
	eventually(t, within(), "the planning review opened cycles", func() bool {
		list := items(s.must(200, s.do("GET", "/v1/reviews?kind=monthly_planning", s.token("quality"), nil)))
		if len(list) != 1 || list[0]["finished_at"] == nil {
			return false
		}
		opps = nil
		for _, o := range list[0]["opportunities"].([]any) {
			o := o.(map[string]any)
			if id, _ := o["cycle_id"].(string); id != "" {
				opps = append(opps, fmt.Sprintf("%v/%v", o["rule"], o["category"]))
			}
		}
		return true
	})
	if got := strings.Join(opps, " "); !strings.Contains(got, "sla_compliance/logistics") || !strings.Contains(got, "csat_drop") {
		t.Fatalf("opportunities with cycles %q, want logistics SLA compliance and the CSAT drop", got)
	}
	if n := s.countWhere("pdca_cycles", "true"); n != len(opps) {
		t.Fatalf("%d cycles for %d opportunities", n, len(opps))
	}
	eventually(t, within(), "the monitor opened a CSAT alert", func() bool {
		alerts, err := s.api(s.token("quality")).ListRiskAlertsWithResponse(ctx, &apiclient.ListRiskAlertsParams{Status: ptr(apiclient.RiskAlertStatusOpen)})
		s.want(200, alerts, err)
		for _, a := range alerts.JSON200.Items {
			if a.Condition == apiclient.CsatDrop && a.Grade == apiclient.Red {
				return true
			}
		}
		return false
	})

	eventually(t, within(), "QA sampling filled the QA queue", func() bool {
		queue := items(s.must(200, s.do("GET", "/v1/qa-queue?status=pending", s.token("quality"), nil)))
		agents := map[any]bool{}
		for _, q := range queue {
			agents[q["agent"]] = true
		}
		return agents["ann"] && agents["ben"]
	})

	// The history splits between the agents: group_by=owner shows both.
	r := s.must(200, s.do("GET", "/v1/metrics?group_by=owner&interval=month&time_zone=Asia%2FShanghai&from="+
		time.Now().AddDate(0, -3, 0).UTC().Format(time.RFC3339), s.token("quality"), nil))
	var owners []string
	for _, g := range r.body["groups"].([]any) {
		owners = append(owners, g.(map[string]any)["key"].(string))
	}
	if fmt.Sprint(owners) != "[ann ben]" {
		t.Errorf("owners %v, want [ann ben]", owners)
	}
}
