package quality

import "time"

// Cycle is a row of pdca_cycles. Plan and History hold JSON; a nil pointer is a
// NULL column.
type Cycle struct {
	ID             string     `db:"id"`
	WorkflowID     string     `db:"workflow_id"`
	ReviewID       string     `db:"review_id"`
	OpportunityKey string     `db:"opportunity_key"`
	Title          string     `db:"title"`
	Rule           string     `db:"rule"`
	Evidence       string     `db:"evidence"`
	Metric         Metric     `db:"metric"`
	Category       string     `db:"category"`
	Keyword        string     `db:"keyword"`
	Baseline       *float64   `db:"baseline"`
	Target         *float64   `db:"target"`
	TimeZone       string     `db:"time_zone"`
	CheckSpec      string     `db:"check_spec"`
	MaxIterations  int        `db:"max_iterations"`
	PeriodFrom     *time.Time `db:"period_from"`
	PeriodTo       *time.Time `db:"period_to"`
	Stage          string     `db:"stage"`
	Iteration      int        `db:"iteration"`
	Plan           *string    `db:"plan"`
	PlanStatus     string     `db:"plan_status"`
	DueAt          *time.Time `db:"due_at"`
	LastProgressAt *time.Time `db:"last_progress_at"`
	SOPChange      *string    `db:"sop_change"`
	RootCause      *string    `db:"root_cause"`
	// The fishbone category of the root cause (RootCauseCategories).
	RootCauseCategory *string `db:"root_cause_category"`
	// When the Do stage checks next; nil outside Do.
	NextCheckAt *time.Time `db:"next_check_at"`
	History     string     `db:"history"`
	OpenedAt    time.Time  `db:"opened_at"`
	ClosedAt    *time.Time `db:"closed_at"`
	Outcome     *string    `db:"outcome"`
	StateSeq    int64      `db:"state_seq"`
	UpdatedAt   time.Time  `db:"updated_at"`
	// The risk alert the cycle was opened for; nil for a review's or one opened
	// for no alert.
	RiskAlertID *string `db:"risk_alert_id"`
}

// NewCycle is a proposed cycle. Zero CheckSpec, TimeZone and MaxIterations take
// the defaults; WorkflowID is derived by the caller (workflows.PDCAWorkflowID).
type NewCycle struct {
	ID             string
	WorkflowID     string
	ReviewID       string
	OpportunityKey string
	Title          string
	Rule           string
	Evidence       string
	Metric         Metric
	Category       string
	Keyword        string
	Baseline       *float64
	Target         *float64
	TimeZone       string
	CheckSpec      string
	MaxIterations  int
	PeriodFrom     *time.Time
	PeriodTo       *time.Time
	OpenedAt       time.Time
	RiskAlertID    string // the risk alert it is opened for; "" for none
	Actor          string // recorded on the proposed event; default the review, else complaint.ActorSystem
	// StartPending marks the new cycle's workflow as not yet started: the caller
	// starts it after the commit, and the API's reconciler starts what stays marked
	// (a review's proposal too: its run may fail before the start, and a later
	// review finds the cycle open and starts nothing).
	StartPending bool
}

// CycleState is the state of a cycle after an event, as the workflow holds it.
type CycleState struct {
	Seq            int64 // increases with every event of the cycle, across iterations
	Stage          string
	Iteration      int
	Plan           *string // JSON
	PlanStatus     string
	DueAt          *time.Time
	LastProgressAt *time.Time
	Baseline       *float64
	Target         *float64
	SOPChange      *string
	RootCause      *string
	// The fishbone category of the root cause.
	RootCauseCategory *string
	// When the Do stage checks next.
	NextCheckAt *time.Time
	History     string // JSON array
	ClosedAt    *time.Time
	Outcome     *string
}

// CycleEvent is a row of pdca_events.
type CycleEvent struct {
	ID         int64     `db:"id"`
	CycleID    string    `db:"cycle_id"`
	Key        string    `db:"idempotency_key"`
	Kind       string    `db:"kind"`
	Iteration  int       `db:"iteration"`
	Actor      string    `db:"actor"`
	OccurredAt time.Time `db:"occurred_at"`
	RecordedAt time.Time `db:"recorded_at"`
	Data       string    `db:"data"` // JSON object
}

// CycleCheck is a row of pdca_checks: the metric over [WindowFrom, WindowTo).
type CycleCheck struct {
	CycleID    string    `db:"cycle_id"`
	Iteration  int       `db:"iteration"`
	CheckedAt  time.Time `db:"checked_at"`
	WindowFrom time.Time `db:"window_from"`
	WindowTo   time.Time `db:"window_to"`
	Value      *float64  `db:"value"`
	Baseline   *float64  `db:"baseline"`
	Target     float64   `db:"target"`
	Met        bool      `db:"met"`
	Final      bool      `db:"final"`
	RecordedAt time.Time `db:"recorded_at"`
	// How many samples the value rests on and how many a verdict needs
	// (CycleMinSamples); nil on checks recorded before they were counted.
	Samples    *int64 `db:"samples"`
	MinSamples *int64 `db:"min_samples"`
}

// Judged reports whether the check rests on enough samples for its Met to be a
// verdict (CheckJudged).
func (c CycleCheck) Judged() bool { return CheckJudged(c.Samples, c.MinSamples) }

// CheckJudged reports whether a cycle's check with these counts is a verdict (met
// or missed) rather than "not judged"; a check recorded before samples were
// counted (nil) is taken as it was.
func CheckJudged(samples, min *int64) bool {
	return samples == nil || min == nil || *samples >= *min
}

// CycleMinSamples is how many samples a cycle's check needs for a verdict: a rate
// is judged on at least minVolume (the review rules' min_volume) of its own samples
// (MetricsGroup.Samples), as the reviews judge a category. A count is the figure
// itself, not a share of samples, and is judged however small: few complaints is
// what such a cycle aims at.
func CycleMinSamples(m Metric, minVolume int) int64 {
	if m == Volume || m == KeywordVolume {
		return 0
	}
	return int64(minVolume)
}

// OpenCycle is a PDCA cycle not yet closed, as weekly tracking reports it.
type OpenCycle struct {
	ID             string     `db:"id"`
	Title          string     `db:"title"`
	Metric         string     `db:"metric"`
	Stage          string     `db:"stage"`
	Iteration      int        `db:"iteration"`
	LastProgressAt *time.Time `db:"last_progress_at"`
	// The latest check, nil before the first: weekly tracking reports its verdict,
	// or that it was not judged (CycleCheck.Judged).
	LastCheck *CycleCheck `db:"-"`
}
