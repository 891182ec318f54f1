package workflows

import "go.temporal.io/sdk/workflow"

// PDCAInput starts a PDCA cycle. A review starts it with CycleID only: the cycle's
// row (written by the ProposeCycle activity) holds the rest.
type PDCAInput struct {
	CycleID string
}

// PDCACycleWorkflow runs a PDCA cycle: plan, approval, do, check, act.
func PDCACycleWorkflow(ctx workflow.Context, in PDCAInput) error {
	return nil // TODO(issue 5): PDCA cycles
}
