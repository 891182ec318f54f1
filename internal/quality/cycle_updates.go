package quality

// The updates of a PDCA cycle, as the API's paths name them.
const (
	CycleCheckNow   = "check"
	CycleSubmitPlan = "plan"
	CycleDecidePlan = "decision"
	CycleProgress   = "progress"
	CycleAct        = "act"
	CycleWithdraw   = "withdraw"
)

// CycleTakes reports whether a cycle in stage, its plan in planStatus, takes the
// update, so the console offers only what the workflow would take: a plan is
// submitted in stage plan unless one awaits a decision, and decided while one
// does; progress and checks on demand are of stage do; the act decision follows
// the iteration's final check (finalChecked); a cycle is withdrawn until it is
// closed. The workflow may refuse an update for more than this (its fields, who
// sends it, a check being measured, the cycle still loading).
func CycleTakes(update, stage, planStatus string, finalChecked bool) bool {
	switch update {
	case CycleSubmitPlan:
		return stage == StagePlan && planStatus != PlanSubmitted
	case CycleDecidePlan:
		return stage == StagePlan && planStatus == PlanSubmitted
	case CycleProgress, CycleCheckNow:
		return stage == StageDo
	case CycleAct:
		return stage == StageAct && finalChecked
	case CycleWithdraw:
		return stage != StageClosed
	}
	return false
}
