package workflows

import "go.temporal.io/sdk/workflow"

// RiskMonitorInput is what a risk-monitor schedule starts RiskMonitorWorkflow with.
type RiskMonitorInput struct {
	ScheduleID string
}

// RiskMonitorWorkflow checks the risk thresholds once and opens alerts.
func RiskMonitorWorkflow(ctx workflow.Context, in RiskMonitorInput) error {
	return nil // TODO(issue 5): risk monitor
}

// RiskAlertInput starts the handling of one risk alert.
type RiskAlertInput struct {
	AlertID string
}

// RiskAlertWorkflow enforces a risk alert's handling deadline and escalates it.
func RiskAlertWorkflow(ctx workflow.Context, in RiskAlertInput) error {
	return nil // TODO(issue 5): risk alerts
}
