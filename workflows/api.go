// Package workflows holds the deterministic Temporal workflow code of complaintflow.
// Everything a caller needs to address a workflow (task queue, IDs, update, query and
// search-attribute names) lives in this file, so the API, the worker and the tests
// agree on one spelling.
package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// TaskQueue is the task queue the worker polls and the API starts workflows on.
const TaskQueue = "complaintflow"

// SurveyWorkflowName is the registered type of SurveyWorkflow: the name it had when
// it was called the feedback loop, kept because recorded and running histories
// carry it.
const SurveyWorkflowName = "FeedbackLoopWorkflow"

// Registry is where workflows are registered: a worker, a replayer or a test
// environment.
type Registry interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}

// Register registers every workflow under the type name histories record, so the
// worker, the replay tests and the test environments agree.
func Register(r Registry) {
	for _, w := range []struct {
		name string
		fn   any
	}{
		{"ComplaintWorkflow", ComplaintWorkflow},
		{SurveyWorkflowName, SurveyWorkflow},
		{"ReviewWorkflow", ReviewWorkflow},
		{"PDCACycleWorkflow", PDCACycleWorkflow},
		{"RiskMonitorWorkflow", RiskMonitorWorkflow},
		{"RiskAlertWorkflow", RiskAlertWorkflow},
		{"QASamplingWorkflow", QASamplingWorkflow},
		{"SuggestionDoneWorkflow", SuggestionDoneWorkflow},
	} {
		r.RegisterWorkflowWithOptions(w.fn, workflow.RegisterOptions{Name: w.name})
	}
}

// ComplaintWorkflowID is the workflow ID of the complaint with the given ID: one
// execution per complaint, so a second start for the same complaint is a no-op.
func ComplaintWorkflowID(complaintID string) string { return "complaint:" + complaintID }

// Update names for agent actions on a complaint. Each has a validator: an invalid
// action is rejected with a reason and never enters the workflow history.
const (
	UpdateAcknowledge       = "acknowledge"
	UpdateResolve           = "resolve"
	UpdateClose             = "close"
	UpdatePause             = "pause"
	UpdateResume            = "resume"
	UpdateReopen            = "reopen"
	UpdateRequestEscalation = "request_escalation"
	UpdateDecideEscalation  = "decide_escalation"
	// UpdateCompensate records a front-line refund or compensation: granted within
	// the actor's limit, else an escalation to the manager.
	UpdateCompensate = "compensate"
	// UpdateHandover hands the complaint to another member of its team.
	UpdateHandover = "handover"
	// UpdateSendProgress sends the customer a progress update.
	UpdateSendProgress = "send_progress"
	// UpdateAnswerSurvey delivers a customer's survey answer to the survey workflow.
	UpdateAnswerSurvey = "answer_survey"
)

// SurveyWorkflowID is the workflow ID of a complaint's survey after its resolution
// round (0 for the first resolution, then one per reopening). "feedback" in the ID
// is the survey loop's old name, kept for running executions.
func SurveyWorkflowID(complaintID string, round int) string {
	return fmt.Sprintf("%s/feedback/%d", ComplaintWorkflowID(complaintID), round)
}

// QueryState returns the complaint's current ComplaintState.
const QueryState = "state"

// Typed search attributes, so operators can find work with
// `temporal workflow list --query 'SLABreached = true'`.
var (
	SearchAttrStatus   = temporal.NewSearchAttributeKeyKeyword("ComplaintStatus")
	SearchAttrUrgency  = temporal.NewSearchAttributeKeyKeyword("ComplaintUrgency")
	SearchAttrCategory = temporal.NewSearchAttributeKeyKeyword("ComplaintCategory")
	SearchAttrTier     = temporal.NewSearchAttributeKeyKeyword("CustomerTier")
	SearchAttrBreached = temporal.NewSearchAttributeKeyBool("SLABreached")
	// The highest breach level of the escalation ladder that fired (0: none).
	SearchAttrEscalationLevel = temporal.NewSearchAttributeKeyInt64("EscalationLevel")
	// An escalation request awaits a manager's decision.
	SearchAttrEscalationPending = temporal.NewSearchAttributeKeyBool("EscalationPending")
	SearchAttrOwner             = temporal.NewSearchAttributeKeyKeyword("ComplaintOwner")
)

// StartSearchAttributes are a filed complaint's search attributes, set when its
// workflow starts so that it is listed from the first moment; the workflow upserts
// them as they change.
func StartSearchAttributes(urgency, tier complaint.Level, category, owner string) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		SearchAttrStatus.ValueSet(string(complaint.StatusOpen)),
		SearchAttrUrgency.ValueSet(string(urgency)),
		SearchAttrTier.ValueSet(string(tier)),
		SearchAttrCategory.ValueSet(category),
		SearchAttrBreached.ValueSet(false),
		SearchAttrEscalationLevel.ValueSet(0),
		SearchAttrEscalationPending.ValueSet(false),
		SearchAttrOwner.ValueSet(owner),
	)
}

// SearchAttributeDefinitions lists the custom search attributes as NAME=TYPE pairs,
// the form `temporal server start-dev --search-attribute` and
// `temporal operator search-attribute create` take.
func SearchAttributeDefinitions() []string {
	return []string{
		"ComplaintStatus=Keyword",
		"ComplaintUrgency=Keyword",
		"ComplaintCategory=Keyword",
		"CustomerTier=Keyword",
		"SLABreached=Bool",
		"EscalationLevel=Int",
		"EscalationPending=Bool",
		"ComplaintOwner=Keyword",
	}
}

// Continuous improvement (DOMAIN.md §3–4): review schedules start ReviewWorkflow
// (monthly planning, weekly tracking) or RiskMonitorWorkflow; a review proposes
// PDCA cycles, the monitor opens risk alerts, each its own workflow.

// ReviewScheduleID is the ID of the Temporal Schedule of a review schedule. The
// workflows it starts get IDs "<schedule ID>-<scheduled time>" from Temporal.
func ReviewScheduleID(scheduleID string) string { return "review-schedule:" + scheduleID }

// PDCAWorkflowID is the workflow ID of a PDCA cycle; every iteration of the spiral
// continues as new under the same ID.
func PDCAWorkflowID(cycleID string) string { return "pdca:" + cycleID }

// RiskAlertWorkflowID is the workflow ID of a risk alert's handling.
func RiskAlertWorkflowID(alertID string) string { return "risk-alert:" + alertID }

// Updates of a PDCA cycle (quality team), each with a validator.
const (
	UpdateSubmitPlan     = "submit_plan"
	UpdateDecidePlan     = "decide_plan"
	UpdateReportProgress = "report_progress"
	UpdateAct            = "act"
	UpdateWithdraw       = "withdraw"
	// UpdateCheckNow runs a check of the Do stage now, outside the schedule.
	UpdateCheckNow = "check_now"
)

// Updates of a risk alert: the owner responds (contingency plan, analysis report or
// rectification plan, by grade), then closes it with a ledger entry.
const (
	UpdateRespondAlert = "respond_alert"
	UpdateCloseAlert   = "close_alert"
)
