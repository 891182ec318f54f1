package quality

import "math"

// KeywordTrend is how often a keyword was carried in a period and in the period
// before it (complaints or feedback), for the customer-needs insight report.
type KeywordTrend struct {
	Keyword string `db:"keyword" json:"keyword"`
	Now     int64  `db:"now" json:"now"`
	Before  int64  `db:"before" json:"before"`
}

// RootCauseCount is how many complaints of a category opened in a period were
// resolved with a root cause (compared trimmed and case-folded).
type RootCauseCount struct {
	Category   string `db:"category" json:"category"`
	RootCause  string `db:"root_cause" json:"root_cause"`
	Complaints int64  `db:"complaints" json:"complaints"`
}

// BacklogTracking is the improvement list's monthly tracking (002 §3.4): items
// still open at the period's end, those of them past their due date, those
// without an owner, and items done within the period.
type BacklogTracking struct {
	Open       int64 `db:"open" json:"open"`
	Overdue    int64 `db:"overdue" json:"overdue"`
	Unassigned int64 `db:"unassigned" json:"unassigned"`
	Done       int64 `db:"done" json:"done"`
}

// MetricTarget is a target a metric is held to in the insight report's KPI gaps.
type MetricTarget struct {
	Metric Metric  `json:"metric"`
	Target float64 `json:"target"`
}

// KPIGap is a metric of a period against its target: Value is nil when the period
// had nothing to measure; Missed when a value does not reach the target in the
// metric's direction; Gap is target − value for a metric where higher is better,
// value − target otherwise (positive: short of the target).
type KPIGap struct {
	Metric   Metric   `json:"metric"`
	Category string   `json:"category,omitempty"`
	Value    *float64 `json:"value"`
	Target   float64  `json:"target"`
	Gap      *float64 `json:"gap"`
	Missed   bool     `json:"missed"`
}

// InsightKPITargets are the targets the insight report measures a period's KPIs
// against. Until the standing KPI-target register exists (issue 15 item 2,
// GET/PUT /v1/kpi-targets) they are the review rules' thresholds that are on: the
// resolution-rate and SLA-compliance targets. At merge, point this function at the
// register and the report follows.
func InsightKPITargets(rules ReviewRules) []MetricTarget {
	var out []MetricTarget
	if rules.ResolutionRateEnabled {
		out = append(out, MetricTarget{Metric: ResolutionRate, Target: rules.ResolutionRateTargetPct})
	}
	if rules.SLAComplianceEnabled {
		out = append(out, MetricTarget{Metric: SLACompliance, Target: rules.SLAComplianceTargetPct})
	}
	return out
}

// KPIGaps measures the report's total and each group against each target, in the
// targets' order, the total first.
func KPIGaps(targets []MetricTarget, r MetricsReport) []KPIGap {
	out := []KPIGap{}
	for _, t := range targets {
		for i, g := range append([]MetricsGroup{r.Total}, r.Groups...) {
			gap := KPIGap{Metric: t.Metric, Target: t.Target, Value: g.Value(t.Metric)}
			if i > 0 {
				gap.Category = g.Key
			}
			if gap.Value != nil {
				d := t.Target - *gap.Value
				if !t.Metric.HigherIsBetter() {
					d = -d
				}
				d = math.Round(d*100) / 100
				gap.Gap, gap.Missed = &d, !t.Metric.Met(*gap.Value, t.Target)
			}
			out = append(out, gap)
		}
	}
	return out
}
