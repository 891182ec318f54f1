package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// ReviewInput is what a review schedule's Temporal Schedule starts ReviewWorkflow with.
type ReviewInput struct {
	ScheduleID string
	Kind       quality.ScheduleKind
	TimeZone   string
}

// ReviewWorkflow runs one monthly planning or weekly tracking review.
func ReviewWorkflow(ctx workflow.Context, in ReviewInput) error {
	return nil // TODO(issue 5): reviews
}
