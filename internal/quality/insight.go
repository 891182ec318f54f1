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

// KPIGap is a standing KPI target (the register, GET /v1/kpi-targets) against a
// period: Value is nil when the period had nothing to measure; Missed when a value
// does not reach the target in the figure's direction; Gap is target − value for a
// figure where higher is better, value − target otherwise (positive: short of the
// target).
type KPIGap struct {
	KPI      KPI      `json:"kpi"`
	Category string   `json:"category,omitempty"`
	Value    *float64 `json:"value"`
	Target   float64  `json:"target"`
	Gap      *float64 `json:"gap"`
	Missed   bool     `json:"missed"`
}

// KPIGaps measures the report's total and each group against each enabled target
// of the register, in the register's order, the total first. The register is the
// one source of targets: the metrics, the risk monitor and this report read it.
func KPIGaps(targets KPITargets, r MetricsReport) []KPIGap {
	out := []KPIGap{}
	for _, t := range targets.Targets {
		if !t.Enabled {
			continue
		}
		for i, g := range append([]MetricsGroup{r.Total}, r.Groups...) {
			gap := KPIGap{KPI: t.KPI, Target: t.Target, Value: t.KPI.Value(g)}
			if i > 0 {
				gap.Category = g.Key
			}
			if gap.Value != nil {
				d := t.Target - *gap.Value
				if !t.KPI.HigherIsBetter() {
					d = -d
				}
				d = math.Round(d*100) / 100
				gap.Gap, gap.Missed = &d, !t.KPI.Met(*gap.Value, t.Target)
			}
			out = append(out, gap)
		}
	}
	return out
}
