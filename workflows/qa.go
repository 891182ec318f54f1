package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// QASamplingInput starts a quality-inspection sampling run (a qa_sampling review
// schedule starts one).
type QASamplingInput struct {
	ScheduleID string
	TimeZone   string // IANA; "" is UTC
}

// QASamplingResult is what a sampling run did.
type QASamplingResult struct {
	From, To time.Time
	activities.QASampleResult
}

// QASamplingWorkflow samples the complaints closed in the previous ISO week (in the
// schedule's zone, from the run's start) into the QA queue (002 §3.4): the
// scorecard's share of each agent's, rounded up. Running it again over the same
// week adds nothing.
func QASamplingWorkflow(ctx workflow.Context, in QASamplingInput) (QASamplingResult, error) {
	zone := in.TimeZone
	if zone == "" {
		zone = "UTC"
	}
	loc, err := quality.LoadZone(zone)
	if err != nil {
		return QASamplingResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("time zone %q: %v", zone, err), "InvalidInput", nil)
	}
	from, to := QAPeriod(workflow.Now(ctx), loc)
	res := QASamplingResult{From: from, To: to}
	err = workflow.ExecuteActivity(reviewActivityContext(ctx), acts.SampleForQA, activities.QASampleInput{
		RunID: workflow.GetInfo(ctx).WorkflowExecution.ID, From: from, To: to,
	}).Get(ctx, &res.QASampleResult)
	if err != nil {
		return res, fmt.Errorf("sample for QA: %w", err)
	}
	return res, nil
}

// QAPeriod is the ISO week before the one now falls in, in loc: Monday 00:00 to
// Monday 00:00, in UTC.
func QAPeriod(now time.Time, loc *time.Location) (from, to time.Time) {
	local := now.In(loc)
	sinceMonday := (int(local.Weekday()) + 6) % 7
	y, m, d := local.Date()
	to = time.Date(y, m, d-sinceMonday, 0, 0, 0, 0, loc)
	from = time.Date(y, m, d-sinceMonday-7, 0, 0, 0, 0, loc)
	return from.UTC(), to.UTC()
}
