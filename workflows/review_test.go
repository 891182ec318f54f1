package workflows_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// fakeReviewActivities stands in for the review activities under their names: it
// records what the workflow asked and answers from its fields.
type fakeReviewActivities struct {
	mu        sync.Mutex
	periods   []activities.ReviewPeriod
	planning  activities.PlanningResult
	tracking  activities.TrackingResult
	existing  map[string]string // opportunity key → open cycle ID: ProposeCycle answers created false
	proposed  []activities.Proposal
	notices   []activities.Notice
	finished  []activities.FinishReviewInput
	teamFails bool
}

func (f *fakeReviewActivities) PlanningReview(_ context.Context, in activities.ReviewPeriod) (activities.PlanningResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.periods = append(f.periods, in)
	return f.planning, nil
}

func (f *fakeReviewActivities) TrackingReview(_ context.Context, in activities.ReviewPeriod) (activities.TrackingResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.periods = append(f.periods, in)
	return f.tracking, nil
}

func (f *fakeReviewActivities) ProposeCycle(_ context.Context, p activities.Proposal) (activities.ProposedCycle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.proposed = append(f.proposed, p)
	if id, ok := f.existing[p.Key]; ok {
		return activities.ProposedCycle{CycleID: id}, nil
	}
	return activities.ProposedCycle{CycleID: "cycle-" + p.Key, Created: true}, nil
}

func (f *fakeReviewActivities) LoadQualityTeam(context.Context) (activities.QualityTeam, error) {
	if f.teamFails {
		return activities.QualityTeam{}, temporal.NewNonRetryableApplicationError("no team", "NotFound", nil)
	}
	return activities.QualityTeam{TeamID: "quality", LeadID: "qa-lead", Members: []string{"qa-1", "qa-lead"}}, nil
}

func (f *fakeReviewActivities) NotifyAll(_ context.Context, ns []activities.Notice) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notices = append(f.notices, ns...)
	return nil
}

func (f *fakeReviewActivities) FinishReview(_ context.Context, in activities.FinishReviewInput) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finished = append(f.finished, in)
	return nil
}

type reviewTestRun struct {
	env      *testsuite.TestWorkflowEnvironment
	acts     *fakeReviewActivities
	children []string // workflow IDs of the PDCA cycles started, in order
	inputs   []workflows.PDCAInput
}

// newReviewRun prepares a review started by a schedule at start, with the PDCA
// cycle workflow mocked to record each start.
func newReviewRun(t *testing.T, start time.Time, workflowID string, acts *fakeReviewActivities) *reviewTestRun {
	var ts testsuite.WorkflowTestSuite
	r := &reviewTestRun{env: ts.NewTestWorkflowEnvironment().SetWorkerOptions(underLoad), acts: acts}
	r.env.SetStartTime(start)
	r.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflowID})
	r.env.RegisterActivity(acts)
	r.env.RegisterWorkflow(workflows.PDCACycleWorkflow)
	r.env.OnWorkflow(workflows.PDCACycleWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in workflows.PDCAInput) error {
			r.children = append(r.children, workflow.GetInfo(ctx).WorkflowExecution.ID)
			r.inputs = append(r.inputs, in)
			return nil
		})
	return r
}

func reviewZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func reviewFloat(v float64) *float64 { return &v }

func TestMonthlyPlanningJudgesLastMonthAndStartsOneCycleEachCreated(t *testing.T) {
	shanghai := reviewZone(t, "Asia/Shanghai")
	logistics := activities.Proposal{Key: "resolution_rate/category:logistics", Rule: "resolution_rate",
		Title: "Raise the logistics resolution rate to 80 %", Evidence: "logistics resolution rate 60 % < 80 % (6 of 10 resolved)",
		Metric: quality.ResolutionRate, Category: "logistics", Baseline: reviewFloat(60), Target: reviewFloat(80)}
	keyword := activities.Proposal{Key: "keyword_cluster/keyword:物流慢", Rule: "keyword_cluster",
		Title: `Reduce complaints about "物流慢"`, Evidence: `keyword "物流慢" in 25 complaints (cluster at 20)`,
		Metric: quality.KeywordVolume, Keyword: "物流慢", Baseline: reviewFloat(25), Target: reviewFloat(19)}
	csat := activities.Proposal{Key: "csat_drop/all", Rule: "csat_drop", Title: "Recover CSAT to 80 % satisfied",
		Evidence: "CSAT 70 % satisfied (7 of 10 answers) vs 80 % the period before: down 10 points (threshold 5)",
		Metric:   quality.CSATSatisfied, Baseline: reviewFloat(70), Target: reviewFloat(80)}
	acts := &fakeReviewActivities{
		planning: activities.PlanningResult{Volume: 120, Proposals: []activities.Proposal{logistics, keyword, csat}},
		existing: map[string]string{"keyword_cluster/keyword:物流慢": "cycle-open"},
	}
	// The schedule fires at 09:00 on 1 March in Shanghai (01:00 UTC).
	id := "review:monthly-2026-03-01T01:00:00Z"
	r := newReviewRun(t, time.Date(2026, 3, 1, 9, 0, 0, 0, shanghai), id, acts)

	r.env.ExecuteWorkflow(workflows.ReviewWorkflow, workflows.ReviewInput{
		ScheduleID: "monthly", Kind: quality.MonthlyPlanning, TimeZone: "Asia/Shanghai"})

	require.True(t, r.env.IsWorkflowCompleted())
	require.NoError(t, r.env.GetWorkflowError())
	require.Len(t, acts.periods, 1)
	p := acts.periods[0]
	require.Equal(t, time.Date(2026, 2, 1, 0, 0, 0, 0, shanghai).UTC(), p.From, "1 February 00:00 Shanghai")
	require.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai).UTC(), p.To, "1 March 00:00 Shanghai")
	require.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai).UTC(), p.PrevFrom)
	require.Equal(t, "2026-01-31T16:00:00Z", p.From.Format(time.RFC3339))
	require.Equal(t, activities.ReviewPeriod{ReviewID: id, ScheduleID: "monthly", Kind: quality.MonthlyPlanning,
		TimeZone: "Asia/Shanghai", PrevFrom: p.PrevFrom, From: p.From, To: p.To,
		StartedAt: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)}, p)

	// Every proposal is proposed, in order; only the two created cycles start, once each.
	require.Equal(t, []activities.Proposal{logistics, keyword, csat}, acts.proposed)
	require.Equal(t, []string{"pdca:cycle-resolution_rate/category:logistics", "pdca:cycle-csat_drop/all"}, r.children)
	require.Equal(t, []workflows.PDCAInput{{CycleID: "cycle-resolution_rate/category:logistics"}, {CycleID: "cycle-csat_drop/all"}}, r.inputs)

	// The review records which cycle took on each opportunity.
	require.Len(t, acts.finished, 1)
	fin := acts.finished[0]
	require.Equal(t, id, fin.ReviewID)
	require.Equal(t, time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), fin.FinishedAt)
	opened, covered := true, false
	require.Equal(t, []activities.Opportunity{
		activities.OpportunityOf(logistics, &activities.ProposedCycle{CycleID: "cycle-resolution_rate/category:logistics", Created: true}),
		activities.OpportunityOf(keyword, &activities.ProposedCycle{CycleID: "cycle-open"}),
		activities.OpportunityOf(csat, &activities.ProposedCycle{CycleID: "cycle-csat_drop/all", Created: true}),
	}, fin.Opportunities)
	require.Equal(t, &opened, fin.Opportunities[0].CycleOpened)
	require.Equal(t, &covered, fin.Opportunities[1].CycleOpened)

	// Each member of the quality team hears once, with every opportunity, its evidence and its cycle.
	require.Len(t, acts.notices, 2)
	require.Equal(t, []string{"qa-1", "qa-lead"}, []string{acts.notices[0].Recipient, acts.notices[1].Recipient})
	n := acts.notices[0]
	require.Equal(t, "review:"+id+"/summary", n.EventKey)
	require.Equal(t, id, n.ReviewID) // its console link
	require.Equal(t, workflows.EventPlanningReview, n.EventKind)
	require.Empty(t, n.ComplaintID)
	require.Equal(t, "Monthly planning review February 2026: 3 opportunities", n.Subject)
	require.Equal(t, `Monthly planning review of 2026-02-01 to 2026-02-28 (Asia/Shanghai): 120 complaints opened.

3 improvement opportunities:

1. Raise the logistics resolution rate to 80 %
   logistics resolution rate 60 % < 80 % (6 of 10 resolved)
   Proposed PDCA cycle cycle-resolution_rate/category:logistics: it awaits its plan.

2. Reduce complaints about "物流慢"
   keyword "物流慢" in 25 complaints (cluster at 20)
   Already taken on by open PDCA cycle cycle-open.

3. Recover CSAT to 80 % satisfied
   CSAT 70 % satisfied (7 of 10 answers) vs 80 % the period before: down 10 points (threshold 5)
   Proposed PDCA cycle cycle-csat_drop/all: it awaits its plan.
`, n.Body)
	require.Equal(t, n.Subject+"\n\n"+n.Body, fin.Summary)
}

func TestMonthlyPlanningWithNoOpportunitiesStillRecordsAndTells(t *testing.T) {
	acts := &fakeReviewActivities{planning: activities.PlanningResult{Volume: 7}, teamFails: true}
	r := newReviewRun(t, time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), "review:m-2026-01-01T09:00:00Z", acts)

	r.env.ExecuteWorkflow(workflows.ReviewWorkflow, workflows.ReviewInput{ScheduleID: "m", Kind: quality.MonthlyPlanning})

	require.NoError(t, r.env.GetWorkflowError())
	// January's review judges December of the year before.
	require.Equal(t, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), acts.periods[0].From)
	require.Equal(t, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), acts.periods[0].PrevFrom)
	require.Equal(t, "UTC", acts.periods[0].TimeZone)
	require.Empty(t, acts.proposed)
	require.Empty(t, r.children)
	require.Len(t, acts.finished, 1)
	require.NotNil(t, acts.finished[0].Opportunities, "an empty list is recorded, not left as it was")
	require.Empty(t, acts.finished[0].Opportunities)
	// Without a quality team in the directory, the log channel's role:quality hears.
	require.Len(t, acts.notices, 1)
	require.Equal(t, activities.QualityRecipient, acts.notices[0].Recipient)
	require.Equal(t, "Monthly planning review December 2025: no opportunities", acts.notices[0].Subject)
	require.Contains(t, acts.notices[0].Body, "7 complaints opened.\n\nNo improvement opportunities: every review rule is met.")
}

// New York springs forward on Sunday 8 March 2026: the week before Monday 9 March
// runs from Monday 2 March 00:00 EST to Monday 9 March 00:00 EDT, 167 hours.
func TestWeeklyTrackingJudgesTheLastISOWeekAcrossDST(t *testing.T) {
	ny := reviewZone(t, "America/New_York")
	for _, start := range []time.Time{
		time.Date(2026, 3, 9, 9, 0, 0, 0, ny),    // the Monday the schedule fires
		time.Date(2026, 3, 15, 23, 59, 0, 0, ny), // late on the Sunday after: still the same week before
	} {
		acts := &fakeReviewActivities{}
		r := newReviewRun(t, start, "review:weekly-x", acts)
		r.env.ExecuteWorkflow(workflows.ReviewWorkflow, workflows.ReviewInput{
			ScheduleID: "weekly", Kind: quality.WeeklyTracking, TimeZone: "America/New_York"})
		require.NoError(t, r.env.GetWorkflowError())
		p := acts.periods[0]
		require.Equal(t, "2026-03-02T05:00:00Z", p.From.Format(time.RFC3339), start)
		require.Equal(t, "2026-03-09T04:00:00Z", p.To.Format(time.RFC3339), start)
		require.Equal(t, "2026-02-23T05:00:00Z", p.PrevFrom.Format(time.RFC3339), start)
		require.Equal(t, 167*time.Hour, p.To.Sub(p.From))
	}
}

func TestWeeklyTrackingFlagsCyclesWithoutProgressAndOpensNone(t *testing.T) {
	berlin := reviewZone(t, "Europe/Berlin")
	progress := time.Date(2026, 6, 10, 8, 30, 0, 0, time.UTC)
	acts := &fakeReviewActivities{tracking: activities.TrackingResult{
		Total: activities.WeekTrend{
			Now:    activities.PeriodFigures{Volume: 40, ResolutionRatePct: reviewFloat(70), SLACompliancePct: reviewFloat(90), CSATSatisfiedPct: reviewFloat(75.5)},
			Before: activities.PeriodFigures{Volume: 35, ResolutionRatePct: reviewFloat(80), SLACompliancePct: reviewFloat(95)},
		},
		Categories: []activities.WeekTrend{{Category: "logistics",
			Now:    activities.PeriodFigures{Volume: 10, ResolutionRatePct: reviewFloat(60)},
			Before: activities.PeriodFigures{Volume: 5, ResolutionRatePct: reviewFloat(100)}}},
		Cycles: []activities.TrackedCycle{
			{ID: "c-1", Title: "Faster logistics", Metric: "resolution_rate_pct", Stage: "do", Iteration: 1, LastProgressAt: &progress},
			{ID: "c-2", Title: "Fewer 物流慢", Metric: "keyword_volume", Stage: "plan", Iteration: 2, Stalled: true},
		},
	}}
	// Wednesday 17 June 2026: the week before is 8–14 June.
	r := newReviewRun(t, time.Date(2026, 6, 17, 9, 0, 0, 0, berlin), "review:weekly-2026-06-17T07:00:00Z", acts)

	r.env.ExecuteWorkflow(workflows.ReviewWorkflow, workflows.ReviewInput{
		ScheduleID: "weekly", Kind: quality.WeeklyTracking, TimeZone: "Europe/Berlin"})

	require.NoError(t, r.env.GetWorkflowError())
	require.Equal(t, time.Date(2026, 6, 8, 0, 0, 0, 0, berlin).UTC(), acts.periods[0].From)
	require.Equal(t, time.Date(2026, 6, 15, 0, 0, 0, 0, berlin).UTC(), acts.periods[0].To)
	require.Empty(t, acts.proposed, "weekly tracking opens no cycles")
	require.Empty(t, r.children)
	require.Len(t, acts.finished, 1)
	require.Nil(t, acts.finished[0].Opportunities)
	require.Len(t, acts.notices, 2)
	n := acts.notices[1]
	require.Equal(t, "qa-lead", n.Recipient)
	require.Equal(t, workflows.EventTrackingReview, n.EventKind)
	require.Equal(t, "review:weekly-2026-06-17T07:00:00Z", n.ReviewID)
	require.Equal(t, "Weekly tracking review 2026-06-08: 2 open cycles, 1 without progress", n.Subject)
	require.Equal(t, `Weekly tracking review of 2026-06-08 to 2026-06-14 (Europe/Berlin), against the week before.

All complaints: 40 opened (before 35); resolution rate 70 % (before 80 %); SLA compliance 90 % (before 95 %); CSAT satisfied 75.5 % (before n/a)

By category:
- logistics: 10 opened (before 5); resolution rate 60 % (before 100 %); SLA compliance n/a (before n/a); CSAT satisfied n/a (before n/a)

2 open PDCA cycles, 1 without progress this week:
- Faster logistics (c-1): resolution_rate_pct, iteration 1, do; last progress 2026-06-10 10:30
- Fewer 物流慢 (c-2): keyword_volume, iteration 2, plan; NO PROGRESS THIS WEEK; last progress never
`, n.Body)
}

func TestReviewRefusesARiskMonitorInput(t *testing.T) {
	acts := &fakeReviewActivities{}
	r := newReviewRun(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "review:x", acts)
	r.env.ExecuteWorkflow(workflows.ReviewWorkflow, workflows.ReviewInput{ScheduleID: "x", Kind: quality.RiskMonitor})
	err := r.env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.True(t, appErr.NonRetryable())
	require.Contains(t, appErr.Error(), `kind "risk_monitor" is not a review`)
	require.Empty(t, acts.periods)
}

// A quarterly review judges the previous calendar quarter, compared with the one
// before; a review on demand judges the period it names, compared with the period
// of the same length before it; both propose cycles as planning does.
func TestQuarterlyAndOnDemandReviewsJudgeTheirPeriod(t *testing.T) {
	sh := reviewZone(t, "Asia/Shanghai")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sh).UTC() }
	from, to := day(2026, 10, 1), day(2026, 10, 16)
	for _, tc := range []struct {
		name               string
		in                 workflows.ReviewInput
		from, to, prevFrom time.Time
		subject            string
	}{
		{"quarterly", workflows.ReviewInput{ScheduleID: "q", Kind: quality.QuarterlyPlanning, TimeZone: "Asia/Shanghai"},
			day(2026, 7, 1), day(2026, 10, 1), day(2026, 4, 1), "Quarterly planning review July 2026: 1 opportunity"},
		{"on demand", workflows.ReviewInput{ScheduleID: workflows.OnDemandScheduleID, Kind: quality.MonthlyPlanning, TimeZone: "Asia/Shanghai", From: &from, To: &to},
			from, to, day(2026, 9, 16), "Planning review on demand 2026-10-01 to 2026-10-15 (Asia/Shanghai): 1 opportunity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acts := &fakeReviewActivities{planning: activities.PlanningResult{Volume: 3, Proposals: []activities.Proposal{{Key: "csat_drop/all", Title: "Recover CSAT"}},
				FeedbackKeywords: []quality.KeywordTrend{{Keyword: "夜间配送", Now: 3, Before: 1}},
				Backlog:          &quality.BacklogTracking{Open: 2, Overdue: 1, Unassigned: 1},
				QAScores:         []quality.AgentQAScore{{Agent: "ann", Scored: 3, Average: ptrTo(83.33)}, {Agent: "ben", Scored: 1, Average: ptrTo(90.0)}}}}
			r := newReviewRun(t, time.Date(2026, 11, 20, 9, 0, 0, 0, sh), "review:x", acts)
			r.env.ExecuteWorkflow(workflows.ReviewWorkflow, tc.in)
			require.NoError(t, r.env.GetWorkflowError())
			p := acts.periods[0]
			require.Equal(t, tc.from, p.From)
			require.Equal(t, tc.to, p.To)
			require.Equal(t, tc.prevFrom, p.PrevFrom)
			require.Equal(t, []string{"pdca:cycle-csat_drop/all"}, r.children)
			require.Equal(t, tc.subject, acts.notices[0].Subject)
			// It read the feedback and the improvement list, not only complaints.
			require.Contains(t, acts.notices[0].Body, "\nMost frequent feedback keywords (this period, the period before):\n- 夜间配送: 3 (1)\n")
			require.Contains(t, acts.notices[0].Body, "\nImprovement list: 2 open, 1 overdue, 1 without an owner; 0 done this period.\n")
			// And the QA scores of the period, per agent.
			require.Contains(t, acts.notices[0].Body, "\nQA scores by agent (samples scored this period, average of 100):\n- ann: 83.33 (3 scored)\n- ben: 90 (1 scored)\n")
		})
	}
	acts := &fakeReviewActivities{}
	r := newReviewRun(t, time.Date(2026, 11, 20, 9, 0, 0, 0, sh), "review:bad", acts)
	r.env.ExecuteWorkflow(workflows.ReviewWorkflow, workflows.ReviewInput{ScheduleID: "x", Kind: quality.MonthlyPlanning, From: &to, To: &from})
	require.ErrorContains(t, r.env.GetWorkflowError(), "From before To")
}

func ptrTo[T any](v T) *T { return &v }
