package activities_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// reviewSideEffects stands in for the review's other activities: it records the
// cycles proposed.
type reviewSideEffects struct {
	mu       sync.Mutex
	proposed []activities.Proposal
}

func (f *reviewSideEffects) ProposeCycle(_ context.Context, p activities.Proposal) (activities.ProposedCycle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.proposed = append(f.proposed, p)
	return activities.ProposedCycle{CycleID: "cycle-" + p.Key, Created: true}, nil
}

func (f *reviewSideEffects) LoadQualityTeam(context.Context) (activities.QualityTeam, error) {
	return activities.QualityTeam{TeamID: "quality", LeadID: "qa-lead"}, nil
}

func (f *reviewSideEffects) NotifyAll(context.Context, []activities.Notice) error { return nil }

func (f *reviewSideEffects) FinishReview(context.Context, activities.FinishReviewInput) error {
	return nil
}

// 002 §6.3 「客户满意度连续两个月低于目标值10%」, run as the scheduled monthly review on
// 1 March over the real store: complaint-handling satisfaction (target 90 %, so 81 %
// is the line) in January and February. Both under 81 % proposes a cycle; one month
// at 81 % does not.
func TestMonthlyReviewProposesACycleWhenSatisfactionSlipsTwoMonthsRunning(t *testing.T) {
	cases := []struct {
		name          string
		jan, feb      int // satisfied of 10 answers
		want          bool
		evidence      string
		baseline, tgt float64
	}{
		{"80 % then 80 %", 8, 8, true,
			"satisfaction 80 % then 80 % (8 of 10 answers): two periods running under 90 % of the 90 % target (81 %)", 80, 90},
		{"90 % then 70 %", 9, 7, false, "", 0, 0},
		{"70 % then 90 %", 7, 9, false, "", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, real := reviewStore(t)
			rules := quality.DefaultReviewRules()
			rules.ResolutionRateEnabled, rules.SLAComplianceEnabled, rules.CSATDropEnabled = false, false, false
			if _, err := st.PutReviewRules(context.Background(), rules, "test", time.Now(), nil); err != nil {
				t.Fatal(err)
			}
			month := func(start time.Time, satisfied int) {
				seedReviewComplaints(t, st, reviewMany(10, reviewSeed{category: "service", opened: start.Add(24 * time.Hour),
					resolved: true, csat: 5}, func(i int, s *reviewSeed) {
					if i >= satisfied {
						s.csat = 2
					}
				})...)
			}
			month(reviewJan, c.jan)
			month(reviewFeb, c.feb)

			var ts testsuite.WorkflowTestSuite
			env := ts.NewTestWorkflowEnvironment().SetWorkerOptions(underLoad)
			env.SetStartTime(reviewMar.Add(9 * time.Hour))
			env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: "review:monthly-2026-03-01T09:00:00Z"})
			fakes := &reviewSideEffects{}
			env.RegisterActivity(fakes)
			env.RegisterActivityWithOptions(real.PlanningReview, activity.RegisterOptions{Name: "PlanningReview"})
			var started []string
			env.RegisterWorkflow(workflows.PDCACycleWorkflow)
			env.OnWorkflow(workflows.PDCACycleWorkflow, mock.Anything, mock.Anything).Return(
				func(ctx workflow.Context, _ workflows.PDCAInput) error {
					started = append(started, workflow.GetInfo(ctx).WorkflowExecution.ID)
					return nil
				})
			env.ExecuteWorkflow(workflows.ReviewWorkflow, workflows.ReviewInput{
				ScheduleID: "monthly", Kind: quality.MonthlyPlanning, TimeZone: "UTC"})
			require.True(t, env.IsWorkflowCompleted())
			require.NoError(t, env.GetWorkflowError())

			if !c.want {
				require.Empty(t, fakes.proposed)
				require.Empty(t, started)
				return
			}
			require.Len(t, fakes.proposed, 1)
			p := fakes.proposed[0]
			require.Equal(t, "satisfaction_slipping/all", p.Key)
			require.Equal(t, quality.CSATSatisfied, p.Metric)
			require.Equal(t, c.evidence, p.Evidence)
			require.Equal(t, reviewFP(c.baseline), p.Baseline)
			require.Equal(t, reviewFP(c.tgt), p.Target)
			require.Equal(t, reviewFeb, p.PeriodFrom)
			require.Len(t, started, 1)
		})
	}
}
