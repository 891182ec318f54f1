package workflows

// The plumbing every workflow here shares: how activities are retried and timed out,
// and how a refused update is reported. Area files (complaint, escalation, survey,
// PDCA, review, risk) pick from these rather than setting options of their own.

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
)

// ErrTypeInvalidAction is the application-error type of a rejected agent action, so
// callers can tell a business rejection from an infrastructure failure.
const ErrTypeInvalidAction = "InvalidAction"

// ErrTypeNotReady is the type of a refusal that is about the moment, not the
// action: the workflow is still loading, or busy with a step it finishes on its
// own within seconds. The API tries such an action again for as long as it waits
// for any update (the caller sees the outcome, not a 409 to retry by hand).
const ErrTypeNotReady = "NotReady"

// acts is only used to name activity methods; the worker registers the real ones.
var acts *activities.Activities

// localActivityContext is activityContext for local activities: retried with the
// same backoff for as long as it takes, so a database outage delays an event, never
// loses it and never fails the complaint. (Without a schedule-to-close timeout the
// SDK would stop retrying once the start-to-close timeout had passed in total.)
func localActivityContext(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: localActivityRetryLimit,
		StartToCloseTimeout:    10 * time.Second,
		RetryPolicy:            activityRetryPolicy,
	})
}

// DefaultWorkflowTaskTimeout is the workflow-task timeout the API starts complaints
// with (WORKFLOW_TASK_TIMEOUT overrides it). It is what a lost task costs: under load
// Temporal 1.29 can record a task as started and never deliver it
// (temporalio/temporal#11733), and at 30 s such tasks set a burst's tail
// (docs/performance.md, "Lost workflow-task starts"). Slow tasks are not at risk:
// the SDK heartbeats long local activities at 80 % of it.
const DefaultWorkflowTaskTimeout = 10 * time.Second

// localActivityRetryLimit bounds a local activity's retries: far beyond any outage
// someone would wait out rather than fix.
const localActivityRetryLimit = 365 * 24 * time.Hour

var activityRetryPolicy = &temporal.RetryPolicy{
	InitialInterval:        time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        time.Minute,
	NonRetryableErrorTypes: []string{activities.ErrTypeNotFound},
}

// activityContext applies the activity options all complaint activities share: a
// short start-to-close timeout and retries without a cap, so a database outage delays
// an event but never loses it. A missing complaint is not retried.
func activityContext(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         activityRetryPolicy,
	})
}

// noticeContext is for notices: retried with backoff for about an hour and a half,
// then given up (the notification row keeps the last error), so a dead webhook never
// holds up a complaint.
func noticeContext(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    2 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
			MaximumAttempts:    25,
		},
	})
}

// invalidAction refuses an update with a reason the caller can show as is; it is
// non-retryable so the SDK never retries a business refusal.
func invalidAction(reason string) error {
	return temporal.NewNonRetryableApplicationError(reason, ErrTypeInvalidAction, nil)
}

// notReady refuses an update the workflow will take in a moment (ErrTypeNotReady).
// A validator's refusal is not recorded in the history, so its type can change
// without a new workflow revision.
func notReady(reason string) error {
	return temporal.NewNonRetryableApplicationError(reason, ErrTypeNotReady, nil)
}
