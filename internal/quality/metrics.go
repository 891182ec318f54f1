package quality

import (
	"math"
	"time"
)

// MetricsReport is the service's performance over the complaints opened in [From, To):
// the whole cohort, and the cohort split by GroupBy ("" = not split, Groups empty).
type MetricsReport struct {
	From    time.Time      `json:"from"`
	To      time.Time      `json:"to"`
	GroupBy string         `json:"group_by,omitempty"`
	Total   MetricsGroup   `json:"total"`
	Groups  []MetricsGroup `json:"groups"`
	// WaitTarget is the wait, in seconds, the groups' WaitSeconds.WithinTarget
	// counts up to: the register's wait_seconds target (KPITargets.WaitTarget).
	WaitTarget float64 `json:"wait_target_seconds"`
}

// Percentiles summarises a duration, in seconds, over the complaints that have one.
// P50 and P90 are interpolated (percentile_cont) and nil when Count is 0.
type Percentiles struct {
	Count int64    `json:"count"`
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
}

// WaitTime is the customers' wait (002 §7.1 wait time) over the complaints filed
// with one (Count), and how many of them waited no longer than the report's target
// — their share of Count, nil when Count is 0.
type WaitTime struct {
	Percentiles
	WithinTarget    int64    `json:"within_target"`
	WithinTargetPct *float64 `json:"within_target_pct"`
}

// MetricsGroup holds the metrics of one group of the cohort (or of all of it, with an
// empty Key). Every rate comes with the counts it divides, so a reader can check it;
// a rate whose denominator is 0 is nil (JSON null), never 0. Percentages are 0–100,
// rounded to 2 decimals.
type MetricsGroup struct {
	Key    string `json:"key,omitempty"`
	Volume int64  `json:"volume"`
	// From the opened event to the first acknowledged or resolved event.
	FirstResponseSeconds Percentiles `json:"first_response_seconds"`
	// From the opened event to the first resolved event, less the time paused before it.
	ResolutionSeconds Percentiles `json:"resolution_seconds"`
	// The customer's wait before reaching a person, over the complaints filed with one.
	WaitSeconds WaitTime `json:"wait_seconds"`
	// Complaints with a resolved event: the denominator of reopen, FCR and loop closure.
	Resolved int64 `json:"resolved"`
	// Complaints due for resolution: resolved, or with their resolution deadline
	// breached (any round). The resolution rate is Resolved of ResolutionDue, so a
	// complaint still within its deadline, or without a resolution clock (a backlog
	// item), is not counted unresolved.
	ResolutionDue int64 `json:"resolution_due"`
	// Complaints whose SLA outcome is known (resolved or breached), and those of them never breached.
	SLAKnown         int64    `json:"sla_known"`
	SLAMet           int64    `json:"sla_met"`
	SLACompliancePct *float64 `json:"sla_compliance_pct"`
	// Complaints with an sla_escalated or escalation_requested event, of Volume.
	Escalated         int64    `json:"escalated"`
	EscalationRatePct *float64 `json:"escalation_rate_pct"`
	// Resolved complaints reopened at least once, of Resolved.
	Reopened      int64    `json:"reopened"`
	ReopenRatePct *float64 `json:"reopen_rate_pct"`
	// Resolved complaints resolved without an acknowledgement first and never reopened, of Resolved.
	FirstContactResolved int64    `json:"first_contact_resolved"`
	FCRPct               *float64 `json:"fcr_pct"`
	// Survey answers of the cohort, and those with CSAT 4 or 5.
	CSATAnswers      int64    `json:"csat_answers"`
	CSATSatisfied    int64    `json:"csat_satisfied"`
	CSATSatisfiedPct *float64 `json:"csat_satisfied_pct"`
	// Answers with an NPS score: promoters 9–10, detractors 0–6; NPS = %promoters − %detractors.
	NPSAnswers    int64    `json:"nps_answers"`
	NPSPromoters  int64    `json:"nps_promoters"`
	NPSDetractors int64    `json:"nps_detractors"`
	NPS           *float64 `json:"nps"`
	// Answers with a CES score (1–7, lower is better), and their mean.
	CESAnswers int64    `json:"ces_answers"`
	CES        *float64 `json:"ces"`
	// Survey is the mean of each of the seeds' survey dimensions (002 §10.1).
	Survey SurveyDimensions `json:"survey"`
	// Resolved complaints closed as verified by the customer, of Resolved.
	Verified       int64    `json:"verified"`
	LoopClosurePct *float64 `json:"loop_closure_pct"`
	// The cost of recovery (002 §3.1): compensations granted to the cohort, summed
	// per currency (sorted); nil when none was granted.
	RecoveryCost []RecoveryCost `json:"recovery_cost"`
	// QA samples (002 §3.4 quality inspection) scored in the period — by their
	// scored time, not the cohort, as QA scores are read everywhere — and their mean
	// total, 0–100 (nil when none was scored). Grouped by owner, a group holds the
	// samples of its agent, so it equals the efficiency view's qa_score.
	QAScored int64    `json:"qa_scored"`
	QAScore  *float64 `json:"qa_score"`
}

// RecoveryCost is what was granted in one currency: the sum and how many grants.
type RecoveryCost struct {
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
	Granted  int64   `json:"granted"`
}

// Mean is the mean of a 1–5 survey question over the answers that have it; nil
// when none does.
type Mean struct {
	Answers int64 `json:"answers"`
	// Sum is the answers' sum: a figure derived from the mean (CSATScore) is
	// computed from it and rounded once, not from the rounded Mean.
	Sum  int64    `json:"-"`
	Mean *float64 `json:"mean"` // rounded to 2 decimals
}

// SurveyDimensions are the seeds' survey questions on 5-point scales (002 §10.1:
// 整体满意度、响应速度、问题解决、服务态度); overall satisfaction is CSAT.
type SurveyDimensions struct {
	OverallSatisfaction Mean `json:"overall_satisfaction"`
	ResponseSpeed       Mean `json:"response_speed"`
	ProblemSolved       Mean `json:"problem_solved"`
	ServiceAttitude     Mean `json:"service_attitude"`
}

// Samples is how many of the group's complaints or answers the metric m is taken
// from — its own denominator, not the volume — so that a rule judges a figure only on
// enough of them (the KPI check, the planning review): the resolution rate's
// complaints due, SLA compliance's complaints whose clocks were judged, the survey
// figures' answers, the resolutions; the volume for the rest.
func (g MetricsGroup) Samples(m Metric) int64 {
	switch m {
	case ResolutionRate:
		return g.ResolutionDue
	case SLACompliance:
		return g.SLAKnown
	case CSATSatisfied:
		return g.CSATAnswers
	case NPS:
		return g.NPSAnswers
	case FCR, LoopClosure, ReopenRate:
		return g.Resolved
	}
	return g.Volume
}

// Value returns one of the group's metrics by name: nil when the group has no
// denominator for it, or for KeywordVolume, which is not a column of the report
// (the store counts it on its own: store.KeywordVolume).
func (g MetricsGroup) Value(m Metric) *float64 {
	switch m {
	case ResolutionRate:
		if g.ResolutionDue == 0 {
			return nil
		}
		pct := math.Round(float64(g.Resolved)*10000/float64(g.ResolutionDue)) / 100
		return &pct
	case SLACompliance:
		return g.SLACompliancePct
	case CSATSatisfied:
		return g.CSATSatisfiedPct
	case FCR:
		return g.FCRPct
	case LoopClosure:
		return g.LoopClosurePct
	case NPS:
		return g.NPS
	case ReopenRate:
		return g.ReopenRatePct
	case EscalationRate:
		return g.EscalationRatePct
	case Volume:
		v := float64(g.Volume)
		return &v
	}
	return nil
}
