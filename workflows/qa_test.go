package workflows_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// qaFakes is the QA store in memory, with the table's rule: one sample per complaint.
type qaFakes struct {
	mu      sync.Mutex
	closed  []quality.ClosedComplaint
	samples map[string]string // complaint ID → the run that added it
}

func (f *qaFakes) QAScorecard(context.Context) (quality.QAScorecard, *time.Time, string, error) {
	return quality.DefaultQAScorecard(), nil, "", nil
}

func (f *qaFakes) ClosedComplaints(_ context.Context, from, to time.Time) ([]quality.ClosedComplaint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []quality.ClosedComplaint
	for _, c := range f.closed {
		if !c.ClosedAt.Before(from) && c.ClosedAt.Before(to) {
			_, c.Sampled = f.samples[c.ID]
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *qaFakes) AddQASamples(_ context.Context, runID string, _, _ time.Time, cs []quality.ClosedComplaint) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	added := 0
	for _, c := range cs {
		if _, ok := f.samples[c.ID]; !ok {
			f.samples[c.ID] = runID
			added++
		}
	}
	return added, nil
}

// The weekly sampling run, on the seed's scorecard: exactly 10 % of each agent's
// complaints closed last week (rounded up: 5 closed → 1), none closed outside the
// week, and a second run over the same week samples nothing more — never the same
// complaint twice.
func TestQASampling(t *testing.T) {
	f := &qaFakes{samples: map[string]string{}}
	week := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday
	add := func(agent string, n int, at time.Time) {
		for i := range n {
			f.closed = append(f.closed, quality.ClosedComplaint{
				ID: fmt.Sprintf("%s-%s-%02d", agent, at.Format("0102"), i), Agent: agent, ClosedAt: at.Add(time.Duration(i) * time.Hour)})
		}
	}
	add("ann", 20, week.Add(24*time.Hour))
	add("bob", 30, week.Add(48*time.Hour))
	add("cat", 5, week.Add(72*time.Hour))
	add("dan", 40, week.Add(-48*time.Hour)) // the week before: not this run's

	var suite testsuite.WorkflowTestSuite
	run := func(id string) workflows.QASamplingResult {
		env := suite.NewTestWorkflowEnvironment().SetWorkerOptions(underLoad)
		env.SetStartTime(week.AddDate(0, 0, 7).Add(6 * time.Hour)) // Monday 12 January, 06:00
		env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: id})
		env.RegisterActivity(&activities.Activities{QA: f})
		env.ExecuteWorkflow(workflows.QASamplingWorkflow, workflows.QASamplingInput{ScheduleID: "qa"})
		if err := env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		var res workflows.QASamplingResult
		if err := env.GetWorkflowResult(&res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := run("review:qa-1")
	if !first.From.Equal(week) || !first.To.Equal(week.AddDate(0, 0, 7)) {
		t.Errorf("period [%s, %s), want the week from %s", first.From, first.To, week)
	}
	if first.Closed != 55 || first.Agents != 3 || first.Added != 6 || first.SamplePct != 10 {
		t.Errorf("first run %+v, want 55 closed by 3 agents, 6 added at 10 %%", first.QASampleResult)
	}
	perAgent := func() map[string]int {
		got := map[string]int{}
		for id := range f.samples {
			for _, c := range f.closed {
				if c.ID == id {
					got[c.Agent]++
				}
			}
		}
		return got
	}
	want := map[string]int{"ann": 2, "bob": 3, "cat": 1}
	if got := perAgent(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("samples per agent %v, want %v", got, want)
	}
	second := run("review:qa-2")
	if second.Added != 0 || len(f.samples) != 6 {
		t.Errorf("second run over the same week added %d (queue %d), want 0 (6)", second.Added, len(f.samples))
	}
	for id, runID := range f.samples {
		if runID != "review:qa-1" {
			t.Errorf("%s sampled by %s", id, runID)
		}
	}
}
