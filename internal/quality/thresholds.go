package quality

import "time"

// RiskThresholds are the risk monitor's thresholds (DOMAIN.md §4). Points are
// percentage points; handling periods are seconds.
type RiskThresholds struct {
	// CSAT: % of survey answers and touch-point ratings of 4–5 in the last 7 days
	// against the 7 days before.
	CSATDropPoints    float64 `json:"csat_drop_points"`     // drop ≥ this: yellow
	CSATDropRedPoints float64 `json:"csat_drop_red_points"` // drop ≥ this: red
	CSATMinAnswers    int64   `json:"csat_min_answers"`     // per week; fewer: no verdict
	// Volume: complaints opened in the last 24 h against the daily average of the
	// trailing days before them.
	VolumeSpikePct        float64 `json:"volume_spike_pct"`     // ≥ this % over the average: yellow
	VolumeSpikeRedPct     float64 `json:"volume_spike_red_pct"` // ≥ this % over: red
	VolumeTrailingDays    int     `json:"volume_trailing_days"`
	VolumeMinDailyAverage float64 `json:"volume_min_daily_average"` // below: no verdict
	// SLA compliance of the complaints whose SLA outcome became known in the last 24 h.
	// Under target is a missed KPI, yellow (002 §9.1); far under it, red.
	SLATargetPct float64 `json:"sla_target_pct"`
	SLARedPoints float64 `json:"sla_red_points"` // under target by this or more: red
	SLAMinKnown  int64   `json:"sla_min_known"`  // fewer outcomes: no verdict
	// System response (002 §9.1 「系统故障(响应时间>5秒)」): of the API's requests in
	// the last window minutes, the % that took over 5 s.
	SlowWindowMinutes int     `json:"slow_window_minutes"`
	SlowPct           float64 `json:"slow_pct"`          // ≥ this % of requests over 5 s: yellow
	SlowRedPct        float64 `json:"slow_red_pct"`      // ≥ this %: red, the system is as good as down
	SlowMinRequests   int64   `json:"slow_min_requests"` // fewer requests in the window: no verdict
	// Staff turnover (002 §9.1 「人员流失率(单月>15%)」): people deactivated in the last
	// 30 days of those active at its start.
	TurnoverPct          float64 `json:"turnover_pct"`           // over this %: yellow
	TurnoverMinHeadcount int64   `json:"turnover_min_headcount"` // fewer people at the start: no verdict
	// KPI targets (000 §3.1, 002 §2.1): judged over the last KPI window days, each
	// figure only on at least KPIMinVolume of its own samples (complaints due,
	// answers, waits…: KPI.samples).
	KPIWindowDays int   `json:"kpi_window_days"`
	KPIMinVolume  int64 `json:"kpi_min_volume"`
	// Training gaps (002 §9.1 blue, from the QA scorecards of 002 §10.1): an agent's or
	// a team's average on a criterion, as % of its points, over the samples scored in
	// the last window days.
	TrainingWindowDays    int     `json:"training_window_days"`
	TrainingCriterionPct  float64 `json:"training_criterion_pct"`  // under this % on any criterion: blue
	TrainingMinScorecards int64   `json:"training_min_scorecards"` // fewer scorecards on the criterion: no verdict
	// The customer's verdict over the same window (002 §7.1 reopen rate): of the
	// complaints an agent (or a team) resolved, the % the customer's survey reopened.
	TrainingReopenPct      float64 `json:"training_reopen_pct"`      // at or over this %: blue
	TrainingMinResolutions int64   `json:"training_min_resolutions"` // fewer resolutions: no verdict
	// Stale knowledge (002 §9.1 blue 「知识库更新滞后」): an owner keeping at least this many
	// live articles past their review date. KnowledgeReviewDays is the review interval
	// of an article created without one.
	KnowledgeStaleMin   int64 `json:"knowledge_stale_min"`
	KnowledgeReviewDays int   `json:"knowledge_review_days"`
	// Handling deadlines by grade.
	RedHandlingSeconds    int64 `json:"red_handling_seconds"`
	YellowHandlingSeconds int64 `json:"yellow_handling_seconds"`
	BlueHandlingSeconds   int64 `json:"blue_handling_seconds"`

	UpdatedAt *time.Time `json:"updated_at,omitempty"` // nil: the defaults, never stored
	UpdatedBy string     `json:"updated_by,omitempty"`
}

// DefaultRiskThresholds are the thresholds in force until someone stores others.
func DefaultRiskThresholds() RiskThresholds {
	return RiskThresholds{
		CSATDropPoints: 5, CSATDropRedPoints: 15, CSATMinAnswers: 10,
		VolumeSpikePct: 30, VolumeSpikeRedPct: 100, VolumeTrailingDays: 7, VolumeMinDailyAverage: 1,
		SLATargetPct: 90, SLARedPoints: 20, SLAMinKnown: 10,
		SlowWindowMinutes: 15, SlowPct: 5, SlowRedPct: 50, SlowMinRequests: 20,
		TurnoverPct: 15, TurnoverMinHeadcount: 10,
		KPIWindowDays: 30, KPIMinVolume: 10,
		TrainingWindowDays: 30, TrainingCriterionPct: 60, TrainingMinScorecards: 5,
		TrainingReopenPct: 20, TrainingMinResolutions: 10,
		KnowledgeStaleMin: 1, KnowledgeReviewDays: 90,
		RedHandlingSeconds:    int64(Red.DefaultHandling() / time.Second),
		YellowHandlingSeconds: int64(Yellow.DefaultHandling() / time.Second),
		BlueHandlingSeconds:   int64(Blue.DefaultHandling() / time.Second),
	}
}

// HandlingSeconds is the handling period of a grade.
func (t RiskThresholds) HandlingSeconds(g Grade) int64 {
	switch g {
	case Red:
		return t.RedHandlingSeconds
	case Yellow:
		return t.YellowHandlingSeconds
	default:
		return t.BlueHandlingSeconds
	}
}

// ReviewRules are the monthly planning review's opportunity rules (DOMAIN.md §3 Plan):
// which figures make an improvement opportunity, and how the cycles it proposes check.
type ReviewRules struct {
	// A category's resolution rate (resolved of those due, %) under the target.
	ResolutionRateEnabled   bool    `json:"resolution_rate_enabled"`
	ResolutionRateTargetPct float64 `json:"resolution_rate_target_pct"`
	// A category's SLA compliance under the target.
	SLAComplianceEnabled   bool    `json:"sla_compliance_enabled"`
	SLAComplianceTargetPct float64 `json:"sla_compliance_target_pct"`
	// A keyword carried by at least this many complaints of the period.
	KeywordClusterEnabled bool `json:"keyword_cluster_enabled"`
	KeywordClusterMin     int  `json:"keyword_cluster_min"`
	// CSAT % satisfied down at least this many points from the period before.
	CSATDropEnabled bool    `json:"csat_drop_enabled"`
	CSATDropPoints  float64 `json:"csat_drop_points"`
	// Categories with fewer complaints in the period are not judged.
	MinVolume int `json:"min_volume"`
	// How the proposed cycles check (robfig spec in the schedule's zone) and how many
	// iterations their spiral may take.
	CheckSpec     string `json:"check_spec"`
	MaxIterations int    `json:"max_iterations"`
}

// DefaultReviewRules are the rules until a quality team sets its own: DOMAIN.md's
// example "logistics enquiries resolved only 60 %" is under an 80 % target.
func DefaultReviewRules() ReviewRules {
	return ReviewRules{
		ResolutionRateEnabled: true, ResolutionRateTargetPct: 80,
		SLAComplianceEnabled: true, SLAComplianceTargetPct: 90,
		KeywordClusterEnabled: true, KeywordClusterMin: 20,
		CSATDropEnabled: true, CSATDropPoints: 5,
		MinVolume: 10, CheckSpec: "0 9 1,15 * *", MaxIterations: 6,
	}
}
