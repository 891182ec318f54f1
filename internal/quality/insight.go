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
// period: Value is nil when the period had nothing to measure, or too little
// (Samples, the figure's own, fewer than kpi_min_volume); Missed when a value
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
	Samples  int64    `json:"samples"`
}

// KPIGaps measures the report's total and each group against each enabled target
// of the register, in the register's order, the total first. The register is the
// one source of targets: the metrics, the risk monitor and this report read it. A
// figure is judged as the risk monitor's KPI check judges it (Standings): on at
// least minSamples (kpi_min_volume) of its own samples, else it has no value and no
// gap. It is the KPI alert's rule, not its verdict: the alert judges the total of
// its own window (kpi_window_days), the report its period and each category.
func KPIGaps(targets KPITargets, r MetricsReport, minSamples int64) []KPIGap {
	groups := append([]MetricsGroup{r.Total}, r.Groups...)
	standings := make([][]KPIStanding, len(groups))
	for i, g := range groups {
		standings[i] = targets.Standings(g, minSamples)
	}
	out := []KPIGap{}
	for k := range standings[0] {
		for i, g := range groups {
			s := standings[i][k]
			gap := KPIGap{KPI: s.KPI, Target: s.Target, Value: s.Actual, Samples: s.Samples}
			if i > 0 {
				gap.Category = g.Key
			}
			if s.Actual != nil {
				d := s.Target - *s.Actual
				if !s.KPI.HigherIsBetter() {
					d = -d
				}
				d = math.Round(d*100) / 100
				gap.Gap, gap.Missed = &d, !*s.Met
			}
			out = append(out, gap)
		}
	}
	return out
}
