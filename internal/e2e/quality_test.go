package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/workflows"
)

// seedComplaint writes a complaint and its events straight into the tables, as if it
// had been handled at those times: events at the given offsets from opened.
func (s *stack) seedComplaint(category string, opened time.Time, events map[time.Duration]complaint.Event) string {
	s.t.Helper()
	id := uuid.NewString()
	_, err := s.store.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
			customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
			created_at, first_response_due_at)
		VALUES ($1, $2, 'hash', $2, 'web', 'cust', 'name', 'medium', $3, 'medium', 's', 'd', 86400, $4, $4)`,
		id, "seed-"+id, category, opened)
	if err != nil {
		s.t.Fatal(err)
	}
	all := map[time.Duration]complaint.Event{0: {Kind: complaint.EventOpened}}
	for at, e := range events {
		all[at] = e
	}
	for at, e := range all {
		e.ComplaintID, e.Key, e.Actor, e.At = id, fmt.Sprintf("%s/%v", id, at), "seed", opened.Add(at)
		data, err := json.Marshal(e)
		if err != nil {
			s.t.Fatal(err)
		}
		if _, err := s.store.DB().Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, e.Key, e.Kind, e.Actor, e.At, string(data)); err != nil {
			s.t.Fatal(err)
		}
	}
	return id
}

// lateResolution is the history of a complaint left unresolved past its 24 h
// resolution deadline: only then does it count against the resolution rate
// (docs/metrics.md "Resolution rate").
func lateResolution() map[time.Duration]complaint.Event {
	return map[time.Duration]complaint.Event{24 * time.Hour: {Kind: complaint.EventSLABreached, Clock: complaint.ClockResolution}}
}

// resolutionRuleOnly switches the planning review's SLA compliance rule off: the
// complaints a test leaves unresolved are past their deadline, so they miss the SLA
// too, and the test follows the resolution-rate opportunity alone.
func (s *stack) resolutionRuleOnly() {
	s.t.Helper()
	s.must(200, s.do("PUT", "/v1/review-rules", s.token("quality"), map[string]any{"sla_compliance_enabled": false}))
}

// qualityTeam puts a quality team in the directory: its lead qin reports to the
// director dora.
func (s *stack) qualityTeam() {
	s.t.Helper()
	ctx, admin := context.Background(), s.api(adminToken)
	team, err := admin.PutTeamWithResponse(ctx, "quality", nil, apiclient.PutTeamRequest{Name: "Quality"})
	s.want(201, team, err)
	for _, p := range []struct {
		id     string
		person apiclient.PutPersonRequest
	}{
		{"dora", apiclient.PutPersonRequest{Name: "Dora", Role: apiclient.PersonRoleDirector, Email: ptr("dora@example.com")}},
		{"qin", apiclient.PutPersonRequest{Name: "Qin", Role: apiclient.PersonRoleManager, TeamId: ptr("quality"), ManagerId: ptr("dora"), Email: ptr("qin@example.com")}},
		{"quinn", apiclient.PutPersonRequest{Name: "Quinn", Role: apiclient.PersonRoleAgent, TeamId: ptr("quality"), ManagerId: ptr("qin"), Email: ptr("quinn@example.com")}},
	} {
		res, err := admin.PutPersonWithResponse(ctx, p.id, nil, p.person)
		s.want(201, res, err)
	}
	team, err = admin.PutTeamWithResponse(ctx, "quality", nil, apiclient.PutTeamRequest{Name: "Quality", LeadId: ptr("qin")})
	s.want(200, team, err)
}

// scheduleID is unique per run: schedules live in the shared dev server's namespace.
func scheduleID(prefix string) string { return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()) }

// createSchedule creates a review schedule and deletes it (through the API, then
// directly as a fallback) when the test ends.
func (s *stack) createSchedule(body apiclient.CreateReviewScheduleRequest) apiclient.ReviewSchedule {
	s.t.Helper()
	res, err := s.api(s.token("quality")).CreateReviewScheduleWithResponse(context.Background(), body)
	s.want(201, res, err)
	id := res.JSON201.Id
	s.t.Cleanup(func() {
		if res := s.do("DELETE", "/v1/review-schedules/"+id, adminToken, nil); res.status != 204 && res.status != 404 {
			_ = s.temporal.ScheduleClient().GetHandle(context.Background(), workflows.ReviewScheduleID(id)).Delete(context.Background())
		}
	})
	return *res.JSON201
}

// trigger runs a review schedule now, as the quality team, through the client.
func (s *stack) trigger(id string) {
	s.t.Helper()
	res, err := s.api(s.token("quality")).TriggerReviewScheduleWithResponse(context.Background(), id)
	s.want(202, res, err)
}

// count_ counts a table's rows that match a condition.
func (s *stack) countWhere(table, where string) int {
	s.t.Helper()
	var n int
	if err := s.store.DB().Get(&n, `SELECT count(*) FROM `+table+` WHERE `+where); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// fieldsOf names the fields a problem response blames.
func fieldsOf(res response) []string {
	var names []string
	errs, _ := res.body["errors"].([]any)
	for _, e := range errs {
		names = append(names, e.(map[string]any)["field"].(string))
	}
	return names
}

func items(res response) []map[string]any {
	var out []map[string]any
	for _, it := range res.body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestScheduledPlanningReviewOpensACycleFromLastMonthsData(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Now().In(shanghai)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, shanghai)
	lastMonth := thisMonth.AddDate(0, -1, 0)

	// Last month: logistics resolved 6 of 12, the other 6 past their deadline (50 %,
	// under the 80 % target); product resolved all 12. This month's logistics
	// complaints are outside the period.
	s.resolutionRuleOnly()
	for i := range 12 {
		opened := lastMonth.Add(48*time.Hour + time.Duration(i)*time.Hour)
		resolved := map[time.Duration]complaint.Event{2 * time.Hour: {Kind: complaint.EventResolved}}
		s.seedComplaint("product", opened, resolved)
		if i%2 == 0 {
			s.seedComplaint("logistics", opened, resolved)
		} else {
			s.seedComplaint("logistics", opened, lateResolution())
		}
		s.seedComplaint("logistics", thisMonth.Add(time.Duration(i)*time.Minute), nil)
	}

	// A bad spec is refused with robfig's reason and creates nothing.
	bad := s.do("POST", "/v1/review-schedules", s.token("quality"), map[string]any{
		"kind": "monthly_planning", "cron_spec": "0 9 1 *", "time_zone": "Asia/Shanghai"})
	if bad.status != 400 || !slices.Contains(fieldsOf(bad), "cron_spec") || !strings.Contains(bad.raw, "expected exactly 5 fields") {
		t.Fatalf("bad spec: %d %s", bad.status, bad.raw)
	}

	id := scheduleID("planning")
	created := s.createSchedule(apiclient.CreateReviewScheduleRequest{
		Id: &id, Kind: apiclient.ReviewScheduleKindMonthlyPlanning, CronSpec: ptr("0 9 1 * *"), TimeZone: ptr("Asia/Shanghai")})
	preview := created.NextRuns
	nextFirst := thisMonth.AddDate(0, 1, 0).Add(9 * time.Hour)
	if len(preview) != 5 || !preview[0].Equal(nextFirst) || !preview[4].Equal(nextFirst.AddDate(0, 4, 0)) {
		t.Fatalf("preview %v, want 5 runs from %v", preview, nextFirst)
	}
	if s.countWhere("review_schedules", "id = '"+id+"'") != 1 {
		t.Fatal("no schedule row")
	}
	// Temporal's own schedule agrees with the preview.
	handle := s.temporal.ScheduleClient().GetHandle(context.Background(), workflows.ReviewScheduleID(id))
	desc, err := handle.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := desc.Info.NextActionTimes; len(n) == 0 || !n[0].Equal(preview[0]) {
		t.Fatalf("Temporal's next action times %v, preview %v", n, preview)
	}

	// Trigger now: the review reads last month and proposes one cycle.
	s.trigger(id)
	var review map[string]any
	eventually(t, 60*time.Second, "the review recorded", func() bool {
		list := items(s.must(200, s.do("GET", "/v1/reviews?kind=monthly_planning", s.token("quality"), nil)))
		if len(list) == 1 && list[0]["finished_at"] != nil {
			review = list[0]
			return true
		}
		return false
	})
	from, to := review["period_from"].(string), review["period_to"].(string)
	if from != lastMonth.UTC().Format(time.RFC3339) || to != thisMonth.UTC().Format(time.RFC3339) {
		t.Fatalf("period %s – %s, want last month in Shanghai", from, to)
	}
	opportunities := review["opportunities"].([]any)
	if len(opportunities) != 1 {
		t.Fatalf("opportunities %v, want the logistics resolution rate only", opportunities)
	}
	opp := opportunities[0].(map[string]any)
	cycleID, _ := opp["cycle_id"].(string)
	if opp["metric"] != "resolution_rate_pct" || opp["category"] != "logistics" || cycleID == "" {
		t.Fatalf("opportunity %v", opp)
	}

	cycle := s.must(200, s.do("GET", "/v1/pdca-cycles/"+cycleID, s.token("quality"), nil)).body
	if cycle["stage"] != "plan" || cycle["metric"] != "resolution_rate_pct" || cycle["category"] != "logistics" ||
		cycle["baseline"] != 50.0 || cycle["target"] != 80.0 {
		t.Fatalf("cycle %v", cycle)
	}
	eventually(t, 30*time.Second, "the cycle's workflow runs", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(context.Background(), workflows.PDCAWorkflowID(cycleID), "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Running"
	})
	// The quality team heard of it: lead and member, once each.
	eventually(t, 30*time.Second, "the quality team notified", func() bool {
		return s.countWhere("notifications", "recipient IN ('qin', 'quinn') AND complaint_id IS NULL AND status = 'sent'") == 2
	})

	// A second review of the same month finds the same opportunity, already covered.
	// Temporal names a triggered run after the trigger's second, so two triggers in
	// one second start one run.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	s.trigger(id)
	defer func() {
		if t.Failed() {
			d, err := handle.Describe(context.Background())
			t.Logf("describe err=%v", err)
			if err == nil {
				for _, a := range d.Info.RecentActions {
					wd, err := s.temporal.DescribeWorkflowExecution(context.Background(), a.StartWorkflowResult.WorkflowID, "")
					t.Logf("action %v %s err=%v status=%v", a.ScheduleTime, a.StartWorkflowResult.WorkflowID, err, wd.GetWorkflowExecutionInfo().GetStatus())
				}
			}
			t.Logf("reviews: %s", s.do("GET", "/v1/reviews", s.token("quality"), nil).raw)
		}
	}()
	eventually(t, 60*time.Second, "the second review recorded", func() bool {
		list := items(s.must(200, s.do("GET", "/v1/reviews?kind=monthly_planning", s.token("quality"), nil)))
		return len(list) == 2 && list[0]["finished_at"] != nil && list[1]["finished_at"] != nil
	})
	if n := s.countWhere("pdca_cycles", "true"); n != 1 {
		t.Fatalf("%d cycles after two reviews of one month, want 1", n)
	}
	s.checkHistory(review["id"].(string), "review_planning_opened_cycle")

	// Quinn plans, the quality lead qin sends the plan back once, then approves it
	// (nobody approves their own plan).
	qin, quinn := s.personToken("quality", "qin"), s.personToken("quality", "quinn")
	due := time.Now().UTC().AddDate(0, 1, 0).Truncate(time.Second)
	badPlan := s.do("POST", "/v1/pdca-cycles/"+cycleID+"/plan", quinn, map[string]any{"measures": []any{}, "target": 80, "due": due.Format(time.RFC3339)})
	if badPlan.status != 400 || !slices.Contains(fieldsOf(badPlan), "measures") {
		t.Fatalf("plan without measures: %d %s", badPlan.status, badPlan.raw)
	}
	ctx, cid := context.Background(), uuid.MustParse(cycleID)
	planner, lead, reader := s.api(quinn), s.api(qin), s.api(s.token("quality"))
	plan := apiclient.CyclePlanRequest{
		Measures: &[]apiclient.CycleMeasure{{Description: ptr("daily courier SLA review"), Owner: ptr("quinn"),
			Due: ptr(due.AddDate(0, 0, -7).Format(time.RFC3339))}},
		Target: ptr(80.0), Due: ptr(due.Format(time.RFC3339)),
	}
	acted, err := planner.SubmitCyclePlanWithResponse(ctx, cid, nil, plan)
	s.want(200, acted, err)
	decided, err := lead.DecideCyclePlanWithResponse(ctx, cid, nil, apiclient.CycleDecisionRequest{
		Decision: apiclient.CycleDecisionRequestDecisionSendBack, Reason: ptr("name a second measure")})
	s.want(200, decided, err)
	acted, err = planner.SubmitCyclePlanWithResponse(ctx, cid, nil, plan)
	s.want(200, acted, err)
	decided, err = lead.DecideCyclePlanWithResponse(ctx, cid, nil, apiclient.CycleDecisionRequest{Decision: apiclient.CycleDecisionRequestDecisionApprove})
	s.want(200, decided, err)
	progressed, err := planner.ReportCycleProgressWithResponse(ctx, cid, nil,
		apiclient.CycleProgressRequest{Note: "courier reviews started", Measure: ptr(0), Percent: ptr(10)})
	s.want(200, progressed, err)
	got, err := reader.GetCycleWithResponse(ctx, cid)
	s.want(200, got, err)
	if got.JSON200.Stage != apiclient.CycleStageDo {
		t.Fatalf("cycle after approval %s", got.Body)
	}
	events, err := reader.ListCycleEventsWithResponse(ctx, cid)
	s.want(200, events, err)
	var kinds []string
	for _, e := range events.JSON200.Items {
		kinds = append(kinds, e.Kind)
	}
	want := []string{"proposed", "plan_submitted", "plan_sent_back", "plan_submitted", "plan_approved", "progress_reported"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("cycle events %v, want %v", kinds, want)
	}
	// Deciding again is refused by the workflow's validator: nothing awaits a decision.
	decided, err = lead.DecideCyclePlanWithResponse(ctx, cid, nil, apiclient.CycleDecisionRequest{Decision: apiclient.CycleDecisionRequestDecisionApprove})
	s.want(409, decided, err)
	s.checkHistory(workflows.PDCAWorkflowID(cycleID), "pdca_plan_sent_back_approved_in_progress")

	// Weekly tracking lists the cycle under way, with its stage and progress.
	weekly := scheduleID("weekly")
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &weekly, Kind: apiclient.ReviewScheduleKindWeeklyTracking, TimeZone: ptr("Asia/Shanghai")})
	s.trigger(weekly)
	eventually(t, 60*time.Second, "the weekly tracking review recorded", func() bool {
		list := items(s.must(200, s.do("GET", "/v1/reviews?kind=weekly_tracking", s.token("quality"), nil)))
		return len(list) == 1 && list[0]["finished_at"] != nil
	})
	tracking := items(s.must(200, s.do("GET", "/v1/reviews?kind=weekly_tracking", s.token("quality"), nil)))[0]
	tracked, _ := s.must(200, s.do("GET", "/v1/reviews/"+tracking["id"].(string), s.token("quality"), nil)).body["cycles"].([]any)
	if len(tracked) != 1 || tracked[0].(map[string]any)["id"] != cycleID || tracked[0].(map[string]any)["stage"] != "do" ||
		tracked[0].(map[string]any)["last_progress_at"] == nil {
		t.Fatalf("weekly tracking cycles %v, want the cycle in do with its progress", tracked)
	}
	s.checkHistory(tracking["id"].(string), "review_weekly_tracking")

	// A cycle opened by hand runs the same workflow; withdrawing it closes it.
	opened, err := reader.OpenCycleWithResponse(ctx, nil, apiclient.OpenCycleRequest{
		Title: "Fewer reopenings", Metric: apiclient.ReopenRatePct, Baseline: ptr(12.0), Target: ptr(8.0), TimeZone: "Asia/Shanghai"})
	s.want(201, opened, err)
	manualID := opened.JSON201.Id.String()
	eventually(t, 30*time.Second, "the manual cycle's workflow takes a withdrawal", func() bool {
		res, err := lead.WithdrawCycleWithResponse(ctx, opened.JSON201.Id, nil, apiclient.ReasonRequest{Reason: "covered by the logistics cycle"})
		return err == nil && res.StatusCode() == 200
	})
	manual, err := reader.GetCycleWithResponse(ctx, opened.JSON201.Id)
	s.want(200, manual, err)
	if m := manual.JSON200; m.Stage != apiclient.CycleStageClosed || null.Value(m.Outcome) != "withdrawn" {
		t.Fatalf("withdrawn cycle %s", manual.Body)
	}
	eventually(t, 30*time.Second, "the manual cycle's workflow completes", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(context.Background(), workflows.PDCAWorkflowID(manualID), "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Completed"
	})

	// Pause, unpause and delete reach Temporal.
	patched, err := reader.PatchReviewScheduleWithResponse(ctx, id, nil, apiclient.PatchReviewScheduleRequest{Paused: ptr(true)})
	s.want(200, patched, err)
	if desc, err = handle.Describe(context.Background()); err != nil || !desc.Schedule.State.Paused {
		t.Fatalf("paused: %v %v", err, desc)
	}
	// A change against the version before the pause is refused and reaches neither
	// the row nor Temporal; against the version now, it is made.
	stale, err := reader.PatchReviewScheduleWithResponse(ctx, id, &apiclient.PatchReviewScheduleParams{
		IfMatch: ptr(`"` + created.UpdatedAt.UTC().Format(time.RFC3339Nano) + `"`)},
		apiclient.PatchReviewScheduleRequest{Paused: ptr(false)})
	s.want(412, stale, err)
	if desc, err = handle.Describe(context.Background()); err != nil || !desc.Schedule.State.Paused {
		t.Fatalf("after a stale change: %v %v, want still paused", err, desc)
	}
	patched, err = reader.PatchReviewScheduleWithResponse(ctx, id, &apiclient.PatchReviewScheduleParams{IfMatch: ptr(patched.HTTPResponse.Header.Get("ETag"))},
		apiclient.PatchReviewScheduleRequest{Paused: ptr(false), CronSpec: ptr("30 8 * * MON")})
	s.want(200, patched, err)
	if desc, err = handle.Describe(context.Background()); err != nil || desc.Schedule.State.Paused ||
		desc.Info.NextActionTimes[0].In(shanghai).Weekday() != time.Monday || desc.Info.NextActionTimes[0].In(shanghai).Hour() != 8 {
		t.Fatalf("after unpause and a new spec: %v %+v", err, desc.Info.NextActionTimes)
	}
	// A delete against the version before that change is refused and Temporal's
	// schedule stays; against the version now, both go.
	staleDelete, err := reader.DeleteReviewScheduleWithResponse(ctx, id, &apiclient.DeleteReviewScheduleParams{
		IfMatch: ptr(`"` + created.UpdatedAt.UTC().Format(time.RFC3339Nano) + `"`)})
	s.want(412, staleDelete, err)
	if _, err := handle.Describe(context.Background()); err != nil {
		t.Fatalf("after a stale delete Temporal's schedule: %v, want it still there", err)
	}
	deleted, err := reader.DeleteReviewScheduleWithResponse(ctx, id, &apiclient.DeleteReviewScheduleParams{
		IfMatch: ptr(patched.HTTPResponse.Header.Get("ETag"))})
	s.want(204, deleted, err)
	var notFound *serviceerror.NotFound
	if _, err := handle.Describe(context.Background()); !errors.As(err, &notFound) {
		t.Fatalf("describe after delete: %v", err)
	}
	gone, err := reader.GetReviewScheduleWithResponse(ctx, id)
	s.want(404, gone, err)
}

func TestRiskConditionOpensExactlyOneAlert(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	now := time.Now().UTC()
	// Two complaints a day for the seven days before the last 24 h, then ten in the
	// last 20 hours: 400 % over the trailing daily average, a red volume spike.
	for day := 1; day <= 7; day++ {
		for i := range 2 {
			s.seedComplaint("product", now.Add(-time.Duration(day)*24*time.Hour-time.Duration(i+1)*time.Hour), nil)
		}
	}
	for i := range 10 {
		s.seedComplaint("logistics", now.Add(-time.Duration(i+1)*2*time.Hour), nil)
	}

	id := scheduleID("risk")
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &id, Kind: apiclient.ReviewScheduleKindRiskMonitor, TimeZone: ptr("UTC")})
	runs := func() []client.ScheduleActionResult {
		desc, err := s.temporal.ScheduleClient().GetHandle(context.Background(), workflows.ReviewScheduleID(id)).Describe(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return desc.Info.RecentActions
	}
	monitorDone := func(n int) {
		eventually(t, 60*time.Second, fmt.Sprintf("risk monitor run %d finished", n), func() bool {
			rs := runs()
			if len(rs) < n {
				return false
			}
			for _, r := range rs {
				var result any
				if err := s.temporal.GetWorkflow(context.Background(), r.StartWorkflowResult.WorkflowID, r.StartWorkflowResult.FirstExecutionRunID).Get(context.Background(), &result); err != nil {
					return false
				}
			}
			return true
		})
	}
	s.trigger(id)
	monitorDone(1)
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) // see the planning test
	s.trigger(id)
	monitorDone(2)

	ctx, quality := context.Background(), s.api(s.token("quality"))
	alerts, err := quality.ListRiskAlertsWithResponse(ctx, &apiclient.ListRiskAlertsParams{Status: ptr(apiclient.RiskAlertStatusOpen)})
	s.want(200, alerts, err)
	if n := len(alerts.JSON200.Items); n != 1 {
		t.Fatalf("%d open alerts after two runs, want exactly 1: %s", n, alerts.Body)
	}
	alert := alerts.JSON200.Items[0]
	alertID := alert.Id.String()
	if alert.Condition != apiclient.VolumeSpike || alert.Grade != apiclient.Red || alert.HandlingDueAt.Sub(alert.OpenedAt) != time.Hour {
		t.Fatalf("alert %+v: want a red volume spike due within 1 h", alert)
	}
	if n := s.countWhere("risk_alerts", "true"); n != 1 {
		t.Fatalf("%d alert rows, want 1", n)
	}
	// The owner (quality lead) and, for red, the director are told at once.
	eventually(t, 30*time.Second, "owner and director notified", func() bool {
		return s.countWhere("notifications", "recipient IN ('qin', 'dora') AND complaint_id IS NULL AND status = 'sent'") == 2
	})

	// Closing needs the whole ledger entry; a missing field changes nothing.
	ledger := map[string]any{
		"root_cause": "a courier depot closed", "solution": "rerouted to the north depot", "executor": "quinn",
		"action_deadline": now.Add(48 * time.Hour).Format(time.RFC3339), "verification": "volume back to 2/day on day 3",
	}
	partial := map[string]any{}
	for k, v := range ledger {
		if k != "verification" {
			partial[k] = v
		}
	}
	res := s.do("POST", "/v1/risk-alerts/"+alertID+"/close", s.token("quality"), partial)
	if res.status != 400 || !slices.Contains(fieldsOf(res), "verification") {
		t.Fatalf("close without verification: %d %s", res.status, res.raw)
	}
	responded, err := quality.RespondRiskAlertWithResponse(ctx, alert.Id, nil,
		apiclient.RespondRiskAlertRequest{Response: "contingency plan started: depot reroute"})
	s.want(200, responded, err)
	closed, err := quality.CloseRiskAlertWithResponse(ctx, alert.Id, nil, apiclient.CloseRiskAlertRequest{
		RootCause: ledger["root_cause"].(string), Solution: ledger["solution"].(string), Executor: ledger["executor"].(string),
		ActionDeadline: ledger["action_deadline"].(string), Verification: ledger["verification"].(string)})
	s.want(200, closed, err)
	if l := closed.JSON200.Ledger; l == nil || l.Executor != "quinn" {
		t.Fatalf("closed alert without its ledger: %s", closed.Body)
	}
	eventually(t, 30*time.Second, "the alert's workflow completes", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(context.Background(), workflows.RiskAlertWorkflowID(alertID), "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Completed"
	})
	s.checkHistory(workflows.RiskAlertWorkflowID(alertID), "risk_alert_responded_closed")
	s.checkHistory(runs()[0].StartWorkflowResult.WorkflowID, "risk_monitor_opened_alert")
	s.checkHistory(runs()[1].StartWorkflowResult.WorkflowID, "risk_monitor_alert_already_open")
	entries, err := quality.RiskLedgerWithResponse(ctx, nil)
	s.want(200, entries, err)
	if e := entries.JSON200.Items; len(e) != 1 || e[0].RootCause != ledger["root_cause"] || e[0].Verification != ledger["verification"] ||
		e[0].Executor != "quinn" {
		t.Fatalf("ledger %s", entries.Body)
	}
}
