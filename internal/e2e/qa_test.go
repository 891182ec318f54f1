package e2e_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/workflows"
)

// Quality inspection on the real stack: a qa_sampling schedule, triggered, samples
// 10 % (rounded up) of each agent's complaints closed last week into the QA queue;
// a second run adds nothing; QA staff score a sample on the scorecard (bad points
// named field by field, a second score refused) and the agent's QA score follows.
func TestQASamplingAndScoring(t *testing.T) {
	s := newStack(t)
	from, _ := workflows.QAPeriod(time.Now(), time.UTC)
	closeAs := func(agent string, n int) {
		for range n {
			id := s.seedComplaint("logistics", from.Add(-time.Hour), nil)
			if _, err := s.store.DB().Exec(`UPDATE complaints SET status = 'closed', owner = $2, closed_at = $3 WHERE id = $1`,
				id, agent, from.Add(36*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	closeAs("ann", 20)
	closeAs("bob", 3)

	quality := s.token("quality")
	card := s.must(200, s.do("GET", "/v1/qa-scorecard", quality, nil)).body
	if card["sample_pct"] != 10.0 || len(card["criteria"].([]any)) != 4 {
		t.Fatalf("seed scorecard %v", card)
	}
	bad := s.do("PUT", "/v1/qa-scorecard", quality, map[string]any{"criteria": []any{map[string]any{"key": "speed", "name": "Speed", "points": 50}}})
	if bad.status != 400 || fieldsOf(bad)[0] != "criteria" {
		t.Fatalf("scorecard of 50 points: %d %s", bad.status, bad.raw)
	}

	id := scheduleID("qa")
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &id, Kind: apiclient.ReviewScheduleKindQaSampling, Paused: ptr(true)})
	s.trigger(id)
	eventually(t, 60*time.Second, "the sampling run fills the QA queue", func() bool {
		return s.countWhere("qa_samples", "true") == 3
	})
	if ann, bob := s.countWhere("qa_samples", "agent = 'ann'"), s.countWhere("qa_samples", "agent = 'bob'"); ann != 2 || bob != 1 {
		t.Fatalf("samples: ann %d bob %d, want 2 and 1", ann, bob)
	}
	var runID string
	if err := s.store.DB().Get(&runID, `SELECT run_id FROM qa_samples LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the sampling run ends", func() bool {
		d, err := s.temporal.DescribeWorkflowExecution(context.Background(), runID, "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Completed"
	})
	s.checkHistory(runID, "qa_sampling_run")
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) // a run of its own
	s.trigger(id)
	eventually(t, 60*time.Second, "the second run ends", func() bool {
		res, err := s.temporal.ScheduleClient().GetHandle(context.Background(), workflows.ReviewScheduleID(id)).Describe(context.Background())
		if err != nil || len(res.Info.RecentActions) < 2 {
			return false
		}
		d, err := s.temporal.DescribeWorkflowExecution(context.Background(), res.Info.RecentActions[1].StartWorkflowResult.WorkflowID, "")
		return err == nil && d.WorkflowExecutionInfo.GetStatus().String() == "Completed"
	})
	if n := s.countWhere("qa_samples", "true"); n != 3 {
		t.Fatalf("%d samples after a second run over the same week, want 3", n)
	}

	queue := items(s.must(200, s.do("GET", "/v1/qa-queue?status=pending&agent=bob", quality, nil)))
	if len(queue) != 1 || queue[0]["scores"] != nil {
		t.Fatalf("bob's pending samples %v", queue)
	}
	path := "/v1/qa-queue/" + queue[0]["id"].(string) + "/score"
	bad = s.do("POST", path, quality, map[string]any{"scores": map[string]any{"response_speed": 21, "resolution": 30, "attitude": 25}})
	if bad.status != 400 || len(fieldsOf(bad)) != 2 || fieldsOf(bad)[0] != "scores.response_speed" || fieldsOf(bad)[1] != "scores.expertise" {
		t.Fatalf("bad scores: %d %s", bad.status, bad.raw)
	}
	scored := s.must(200, s.do("POST", path, quality, map[string]any{
		"scores": map[string]any{"response_speed": 15, "resolution": 30, "attitude": 20, "expertise": 25}, "note": "clear answer"})).body
	if scored["total"] != 90.0 || scored["scored_by"] == nil {
		t.Fatalf("scored %v", scored)
	}
	if again := s.do("POST", path, quality, map[string]any{
		"scores": map[string]any{"response_speed": 15, "resolution": 30, "attitude": 20, "expertise": 25}}); again.status != 409 {
		t.Fatalf("second score: %d %s", again.status, again.raw)
	}
	scores, err := s.store.QAScores(context.Background(), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(scores) != 1 || scores[0].Agent != "bob" || scores[0].Scored != 1 || *scores[0].Average != 90 {
		t.Fatalf("QA scores %+v %v", scores, err)
	}

	s.checkQAScoreInMetrics(quality, from, scored["scored_at"].(string))

	// The scores feed the month's insight report, as JSON and CSV; its KPI gaps
	// measure the KPI register's targets (77: no review rule has that number).
	s.must(200, s.do("PUT", "/v1/kpi-targets", quality, map[string]any{"targets": []any{
		map[string]any{"kpi": "resolution_rate_pct", "target": 77}, map[string]any{"kpi": "nps", "target": 45, "enabled": false}}}))
	month := time.Now().UTC().Format("2006-01")
	report := s.must(200, s.do("GET", "/v1/insight-report?period="+month, quality, nil)).body
	if got := fmt.Sprint(report["qa_scores"]); got != "[map[agent:bob average:90 scored:1]]" {
		t.Errorf("insight report's QA scores %s", got)
	}
	gaps := report["kpi_gaps"].([]any)
	for _, g := range gaps {
		if g := g.(map[string]any); g["kpi"] != "resolution_rate_pct" || g["target"] != 77.0 {
			t.Errorf("KPI gap not from the register: %v", g)
		}
	}
	if len(gaps) == 0 {
		t.Error("no KPI gaps")
	}
	rows, err := csv.NewReader(strings.NewReader(s.do("GET", "/v1/insight-report?format=csv&period="+month, quality, nil).raw)).ReadAll()
	if err != nil || !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r[:6], []string{"qa_score", "bob", "", "1", "", "90"}) }) {
		t.Errorf("insight CSV without bob's QA score: %v %v", rows, err)
	}
}

// checkQAScoreInMetrics reads bob's QA score of 90 (one sample, scored at
// scoredAt) where per-agent performance shows it: the metrics grouped by owner, as
// JSON and CSV, and the daily efficiency view of the day it was scored, for which
// bob is given a complaint filed that day. ann's samples are unscored: 0 and null.
func (s *stack) checkQAScoreInMetrics(token string, sampledFrom time.Time, scoredAt string) {
	s.t.Helper()
	at, err := time.Parse(time.RFC3339Nano, scoredAt)
	if err != nil {
		s.t.Fatalf("scored_at %q: %v", scoredAt, err)
	}
	day := at.UTC().Truncate(24 * time.Hour)
	today := s.seedComplaint("service", day.Add(time.Second), nil)
	if _, err := s.store.DB().Exec(`UPDATE complaints SET owner = 'bob' WHERE id = $1`, today); err != nil {
		s.t.Fatal(err)
	}

	period := "from=" + sampledFrom.Add(-2*time.Hour).UTC().Format(time.RFC3339) +
		"&to=" + at.Add(time.Hour).UTC().Format(time.RFC3339) + "&group_by=owner"
	m := s.must(200, s.do("GET", "/v1/metrics?"+period, token, nil)).body
	qa := map[string]string{}
	for _, g := range m["groups"].([]any) {
		g := g.(map[string]any)
		qa[g["key"].(string)] = fmt.Sprint(g["qa_scored"], " ", g["qa_score"])
	}
	if got := fmt.Sprint(qa); got != "map[ann:0 <nil> bob:1 90]" {
		s.t.Errorf("metrics by owner: QA %s, want ann 0 null, bob 1 90", got)
	}
	if tot := m["total"].(map[string]any); tot["qa_scored"] != 1.0 || tot["qa_score"] != 90.0 {
		s.t.Errorf("metrics total QA %v %v, want 1 90", tot["qa_scored"], tot["qa_score"])
	}
	rows, err := csv.NewReader(strings.NewReader(s.do("GET", "/v1/metrics?format=csv&"+period, token, nil).raw)).ReadAll()
	if err != nil || len(rows) < 2 {
		s.t.Fatalf("metrics CSV: %v %v", rows, err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	if !slices.ContainsFunc(rows[1:], func(r []string) bool {
		return r[col("row")] == "group" && r[col("key")] == "bob" && r[col("qa_scored")] == "1" && r[col("qa_score")] == "90"
	}) {
		s.t.Errorf("metrics CSV without bob's QA score: %v", rows)
	}

	date := day.Format(time.DateOnly)
	eff := s.must(200, s.do("GET", "/v1/metrics/efficiency?date="+date, token, nil)).body
	if got := fmt.Sprint(eff["agents"]); !strings.Contains(got, "owner:bob") || !strings.Contains(got, "qa_score:90") {
		s.t.Errorf("efficiency of %s: %s, want bob with QA score 90", date, got)
	}
	// The same day's metrics by owner carry the same figure as the efficiency view.
	dayPeriod := "from=" + day.Format(time.RFC3339) + "&to=" + day.AddDate(0, 0, 1).Format(time.RFC3339) + "&group_by=owner"
	groups := s.must(200, s.do("GET", "/v1/metrics?"+dayPeriod, token, nil)).body["groups"].([]any)
	if len(groups) != 1 || groups[0].(map[string]any)["key"] != "bob" || groups[0].(map[string]any)["qa_score"] != 90.0 {
		s.t.Errorf("metrics of %s by owner: %v, want bob alone with QA score 90", date, groups)
	}
}
