package quality

import "time"

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

// CycleMeasure is one measure of a plan: what, who (a directory person), by when.
type CycleMeasure struct {
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	Due         time.Time `json:"due"`
	// The latest progress reported on the measure, 0–100.
	Percent *int `json:"percent,omitempty"`
}

// CyclePlan is one iteration's SMART plan: measures with owners and due dates, the
// baseline and the target of the cycle's metric, and the iteration's deadline. It
// lives here because the workflow records it, the store keeps it as JSON and the API
// reads it back; its JSON names are the stored and recorded form.
type CyclePlan struct {
	Measures    []CycleMeasure `json:"measures"`
	Baseline    float64        `json:"baseline"`
	Target      float64        `json:"target"`
	Due         time.Time      `json:"due"`
	SubmittedBy string         `json:"submitted_by"`
	SubmittedAt time.Time      `json:"submitted_at"`
	DecidedBy   string         `json:"decided_by,omitempty"`
	DecidedAt   *time.Time     `json:"decided_at,omitempty"`
	// Why the plan was last sent back.
	SentBackReason string `json:"sent_back_reason,omitempty"`
	// What the plan needs and what may stop it (the action-plan template of 001:
	// 资源需求 and 风险).
	Resources string `json:"resources,omitempty"`
	Risks     string `json:"risks,omitempty"`
	// The committee (000 §8.1): the people who must each approve the plan before
	// it is carried out. Empty: one approval by anyone but the submitter.
	Approvers []string `json:"approvers,omitempty"`
	// The committee's approvals so far, in the order given.
	Approvals []CycleApproval `json:"approvals,omitempty"`
}

// CycleApproval is one committee member's approval of a plan.
type CycleApproval struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Pending lists the committee members who have not approved the plan yet.
func (p CyclePlan) Pending() []string {
	var out []string
	for _, a := range p.Approvers {
		approved := false
		for _, g := range p.Approvals {
			approved = approved || g.By == a
		}
		if !approved {
			out = append(out, a)
		}
	}
	return out
}

// Fishbone categories of a root cause (002 §6.3: 魚骨圖 over people, process,
// technology and environment).
const (
	CausePeople      = "people"
	CauseProcess     = "process"
	CauseTechnology  = "technology"
	CauseEnvironment = "environment"
)

// RootCauseCategories are the fishbone categories, in the seed's order.
var RootCauseCategories = []string{CausePeople, CauseProcess, CauseTechnology, CauseEnvironment}
