package quality

import (
	"slices"
	"testing"
)

// Each stage takes its own updates: a plan's submission, then its decision; in do
// progress and checks; the act decision once the final check is in; a withdrawal
// until the cycle closes.
func TestCycleTakes(t *testing.T) {
	tests := []struct {
		stage, plan string
		final       bool
		want        []string
	}{
		{StagePlan, PlanDraft, false, []string{CycleSubmitPlan, CycleWithdraw}},
		{StagePlan, PlanSentBack, false, []string{CycleSubmitPlan, CycleWithdraw}},
		{StagePlan, PlanSubmitted, false, []string{CycleDecidePlan, CycleWithdraw}},
		{StageDo, PlanApproved, false, []string{CycleProgress, CycleCheckNow, CycleWithdraw}},
		{StageAct, PlanApproved, false, []string{CycleWithdraw}},
		{StageAct, PlanApproved, true, []string{CycleAct, CycleWithdraw}},
		{StageClosed, PlanApproved, true, nil},
	}
	all := []string{CycleCheckNow, CycleSubmitPlan, CycleDecidePlan, CycleProgress, CycleAct, CycleWithdraw, "unknown"}
	for _, tt := range tests {
		for _, u := range all {
			if got, want := CycleTakes(u, tt.stage, tt.plan, tt.final), slices.Contains(tt.want, u); got != want {
				t.Errorf("CycleTakes(%s, %s, %s, final %v) = %v, want %v", u, tt.stage, tt.plan, tt.final, got, want)
			}
		}
	}
}
