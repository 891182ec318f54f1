package quality

// Defaults of a proposed PDCA cycle: checks on the 1st and 15th at 09:00 (every two
// weeks, DOMAIN.md §3 Check), in UTC, and a spiral of at most six iterations.
const (
	DefaultCycleCheckSpec     = "0 9 1,15 * *"
	DefaultCycleTimeZone      = "UTC"
	DefaultCycleMaxIterations = 6
)

// PDCA stages, plan statuses and outcomes, as the pdca_cycles columns hold them.
// They are untyped strings: the workflow's state, its recorded history and the API
// carry them as plain strings.
const (
	StagePlan   = "plan"
	StageDo     = "do"
	StageAct    = "act"
	StageClosed = "closed"

	PlanDraft     = "draft"
	PlanSubmitted = "submitted"
	PlanSentBack  = "sent_back"
	PlanApproved  = "approved"

	OutcomeStandardised = "standardised"
	OutcomeNotMet       = "not_met"
	OutcomeWithdrawn    = "withdrawn"
)
