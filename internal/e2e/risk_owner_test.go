package e2e_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/workflows"
)

// A training gap on the real stack, handled by the team lead who holds an agent's
// token (002 §9.1: blue 培训覆盖率不足, the alert 推送至责任人). Quality samples every
// complaint ann and bob closed last week and scores ann's under 60 % on attitude,
// bob's in full; the risk monitor opens one blue training_gap alert about ann,
// owned by nina, the lead of their team. Nina, with an agent token, finds it in
// her list and on her console's risk page (with its forms, without the one that
// opens alerts), reads it, responds, closes it with the ledger entry and finds
// that entry in her ledger; bob, another agent, neither lists nor reads it.
func TestATrainingGapIsListedAndHandledByTheTeamLeadsAgentToken(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	s.must(201, s.do("PUT", "/v1/teams/north", adminToken, map[string]any{"name": "North"}))
	for _, p := range []struct {
		id   string
		body map[string]any
	}{
		{"nina", map[string]any{"name": "Nina", "role": "team_lead", "team_id": "north", "manager_id": "qin"}},
		{"ann", map[string]any{"name": "Ann", "role": "agent", "team_id": "north", "manager_id": "nina"}},
		{"bob", map[string]any{"name": "Bob", "role": "agent", "team_id": "north", "manager_id": "nina"}},
	} {
		s.must(201, s.do("PUT", "/v1/people/"+p.id, adminToken, p.body))
	}
	s.must(200, s.do("PUT", "/v1/teams/north", adminToken, map[string]any{"name": "North", "lead_id": "nina"}))

	// Five complaints each closed last week, all sampled (sample_pct 100).
	from, _ := workflows.QAPeriod(time.Now(), time.UTC)
	for _, agent := range []string{"ann", "bob"} {
		for range 5 {
			id := s.seedComplaint("logistics", from.Add(-time.Hour), nil)
			if _, err := s.store.DB().Exec(`UPDATE complaints SET status = 'closed', owner = $2, closed_at = $3 WHERE id = $1`,
				id, agent, from.Add(36*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	quality := s.token("quality")
	s.must(200, s.do("PUT", "/v1/qa-scorecard", quality, map[string]any{"sample_pct": 100}))
	sampling := scheduleID("qa")
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &sampling, Kind: apiclient.ReviewScheduleKindQaSampling, Paused: ptr(true)})
	s.trigger(sampling)
	eventually(t, 60*time.Second, "every closed complaint sampled", func() bool { return s.countWhere("qa_samples", "true") == 10 })
	// Attitude 10 of 25 (40 %) for ann, under the 60 % default; full marks for bob,
	// so the team's average (70 %) is no gap.
	for agent, attitude := range map[string]int{"ann": 10, "bob": 25} {
		queue := items(s.must(200, s.do("GET", "/v1/qa-queue?status=pending&agent="+agent, quality, nil)))
		if len(queue) != 5 {
			t.Fatalf("%s's pending samples: %d, want 5", agent, len(queue))
		}
		for _, q := range queue {
			s.must(200, s.do("POST", "/v1/qa-queue/"+q["id"].(string)+"/score", quality, map[string]any{
				"scores": map[string]any{"response_speed": 20, "resolution": 30, "attitude": attitude, "expertise": 25}}))
		}
	}

	monitor := scheduleID("risk")
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &monitor, Kind: apiclient.ReviewScheduleKindRiskMonitor, TimeZone: ptr("UTC")})
	s.trigger(monitor)
	var alertID string
	eventually(t, 90*time.Second, "the monitor opens ann's training gap", func() bool {
		return s.store.DB().Get(&alertID, `SELECT id FROM risk_alerts WHERE condition = 'training_gap'`) == nil
	})
	eventually(t, 30*time.Second, "the alert's workflow runs", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(context.Background(), workflows.RiskAlertWorkflowID(alertID), "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Running"
	})
	if n := s.countWhere("risk_alerts", "condition = 'training_gap'"); n != 1 {
		t.Fatalf("%d training gaps, want ann's alone", n)
	}

	nina, bob := s.personToken("agent", "nina"), s.personToken("agent", "bob")
	listed := items(s.must(200, s.do("GET", "/v1/risk-alerts", nina, nil)))
	if len(listed) != 1 || listed[0]["id"] != alertID || listed[0]["condition"] != "training_gap" || listed[0]["grade"] != "blue" ||
		listed[0]["subject"] != "agent:ann" || listed[0]["owner_id"] != "nina" {
		t.Fatalf("nina's alerts: %v, want ann's blue training gap alone", listed)
	}
	if theirs := items(s.must(200, s.do("GET", "/v1/risk-alerts", bob, nil))); len(theirs) != 0 {
		t.Errorf("bob lists %v, want none: he owns no alert", theirs)
	}
	s.must(403, s.do("GET", "/v1/risk-alerts/"+alertID, bob, nil))
	s.must(403, s.do("GET", "/v1/risk-alerts?owner=nina", bob, nil))

	// The console: nina's nav offers the risk page, which shows her alert with the
	// forms she may send.
	b := newBrowser(t, s.url)
	b.signInAs(nina)
	b.run("nina's risk page", chromedp.WaitVisible(chromedp.CSS(`#nav-risk`)))
	b.navigate(s.url + "/console/risk")
	article := `#alert-` + alertID
	b.run("her alert", chromedp.WaitVisible(chromedp.CSS(article+` .form-respond`)), chromedp.WaitVisible(chromedp.CSS(`#ledger`)))
	if n := get(b, "count the open-alert forms", chromedp.Evaluate[int](`document.querySelectorAll("#open-alert").length`)); n != 0 {
		t.Error("nina's risk page offers the form that opens an alert, which the API refuses an agent")
	}
	b.screenshot("risk-owner-agent")

	s.must(200, s.do("GET", "/v1/risk-alerts/"+alertID, nina, nil))
	if got := s.must(200, s.do("POST", "/v1/risk-alerts/"+alertID+"/respond", nina, map[string]any{
		"response": "attitude coaching for ann booked this week"})).body; got["status"] != "responded" {
		t.Fatalf("responded: %v", got)
	}
	closed := s.must(200, s.do("POST", "/v1/risk-alerts/"+alertID+"/close", nina, map[string]any{
		"root_cause": "new to complaints", "solution": "two coaching sessions", "executor": "nina",
		"action_deadline": time.Now().UTC().Add(7 * 24 * time.Hour).Format(time.RFC3339), "verification": "next five scorecards ≥ 80 %"})).body
	if l, _ := closed["ledger"].(map[string]any); closed["status"] != "closed" || l["executor"] != "nina" {
		t.Fatalf("closed: %v", closed)
	}
	var kinds []string
	for _, e := range s.must(200, s.do("GET", "/v1/risk-alerts/"+alertID, nina, nil)).body["events"].([]any) {
		kinds = append(kinds, e.(map[string]any)["kind"].(string))
	}
	for _, want := range []string{"opened", "responded", "closed"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("the alert's events %v lack %s", kinds, want)
		}
	}
	ledger := items(s.must(200, s.do("GET", "/v1/risk-ledger", nina, nil)))
	if len(ledger) != 1 || ledger[0]["id"] != alertID || ledger[0]["subject"] != "agent:ann" || ledger[0]["root_cause"] != "new to complaints" {
		t.Errorf("nina's ledger: %v, want the closed training gap", ledger)
	}
	if theirs := items(s.must(200, s.do("GET", "/v1/risk-ledger", bob, nil))); len(theirs) != 0 {
		t.Errorf("bob's ledger: %v, want none", theirs)
	}
}
