// Package quality holds the vocabulary of continuous improvement (DOMAIN.md §3–4)
// shared by the API, the store, the activities and the workflows: review schedule
// kinds and their cron specs, the metrics improvement work is measured by, PDCA
// stages, statuses and plans (pdca.go), the review rules and risk thresholds with
// their defaults (thresholds.go), risk checks, alerts and their events (risk.go)
// and the rules that grade risks from counts (grading.go). Like package complaint
// it does no I/O beyond loading time zones, so the deterministic workflow code can
// use it freely; the store reads and writes these types but they do not need it.
package quality

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ScheduleKind is what a review schedule starts.
type ScheduleKind string

// The review schedules quality teams run (DOMAIN.md §3 Plan/Do, §4).
const (
	// MonthlyPlanning reviews last month's metrics and proposes PDCA cycles.
	MonthlyPlanning ScheduleKind = "monthly_planning"
	// WeeklyTracking reviews last week and the progress of the cycles under way.
	WeeklyTracking ScheduleKind = "weekly_tracking"
	// RiskMonitor checks the risk thresholds and opens graded alerts.
	RiskMonitor ScheduleKind = "risk_monitor"
)

// ScheduleKinds lists every kind.
var ScheduleKinds = []ScheduleKind{MonthlyPlanning, WeeklyTracking, QuarterlyPlanning, RiskMonitor, QASampling}

// Valid reports whether k is a known kind.
func (k ScheduleKind) Valid() bool { return slices.Contains(ScheduleKinds, k) }

// DefaultSpec is the cron spec a schedule of the kind gets when none is given.
func (k ScheduleKind) DefaultSpec() string {
	switch k {
	case MonthlyPlanning:
		return "0 9 1 * *" // 09:00 on the 1st
	case WeeklyTracking:
		return "0 9 * * MON"
	case QASampling:
		return "0 6 * * MON"
	case QuarterlyPlanning:
		return "0 9 1 1,4,7,10 *" // 09:00 on the first day of each quarter
	default:
		return "*/15 * * * *"
	}
}

// cronParser accepts the five standard fields (minute hour day-of-month month
// day-of-week) and the @yearly … @hourly descriptors. @every is refused: a review
// runs at wall-clock times its team can plan around, and Temporal aligns intervals
// differently from robfig, so a preview could not be trusted.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec parses a cron spec in an IANA time zone. The error carries the parser's
// own reason ("expected exactly 5 fields, found 4: …").
func ParseSpec(spec, timeZone string) (*cron.SpecSchedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		return nil, fmt.Errorf("give the time zone in time_zone, not in the spec")
	}
	if strings.HasPrefix(spec, "@every") {
		return nil, fmt.Errorf("@every is not supported: give wall-clock times (e.g. */15 * * * *)")
	}
	loc, err := LoadZone(timeZone)
	if err != nil {
		return nil, err
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, err
	}
	spec2, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("unsupported spec %q", spec)
	}
	spec2.Location = loc
	return spec2, nil
}

// LoadZone loads an IANA time zone; "" is UTC.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return loc, nil
}

// NextRuns returns the next n times the schedule fires after t, in UTC.
func NextRuns(s cron.Schedule, after time.Time, n int) []time.Time {
	runs := make([]time.Time, 0, n)
	for t := after; len(runs) < n; {
		t = s.Next(t)
		if t.IsZero() { // a spec that never fires, like 0 0 30 2 *
			break
		}
		runs = append(runs, t.UTC())
	}
	return runs
}

// Metric names a figure improvement work is measured by. Each is computed over the
// complaints opened in a period (see store.Metrics), optionally limited to one
// category or, for KeywordVolume, to complaints carrying one keyword.
type Metric string

// The metrics a PDCA cycle can target.
const (
	ResolutionRate Metric = "resolution_rate_pct" // resolved of those due (MetricsGroup.ResolutionDue), %
	SLACompliance  Metric = "sla_compliance_pct"
	CSATSatisfied  Metric = "csat_satisfied_pct"
	FCR            Metric = "fcr_pct"
	LoopClosure    Metric = "loop_closure_pct"
	NPS            Metric = "nps"
	ReopenRate     Metric = "reopen_rate_pct"
	EscalationRate Metric = "escalation_rate_pct"
	Volume         Metric = "complaint_volume"
	KeywordVolume  Metric = "keyword_volume" // complaints carrying the cycle's keyword
)

// Metrics lists every metric.
var Metrics = []Metric{ResolutionRate, SLACompliance, CSATSatisfied, FCR, LoopClosure, NPS, ReopenRate, EscalationRate, Volume, KeywordVolume}

// Valid reports whether m is a known metric.
func (m Metric) Valid() bool { return slices.Contains(Metrics, m) }

// HigherIsBetter reports the metric's direction: rates of good outcomes rise,
// reopenings, escalations and complaint counts fall.
func (m Metric) HigherIsBetter() bool {
	switch m {
	case ReopenRate, EscalationRate, Volume, KeywordVolume:
		return false
	}
	return true
}

// Met reports whether value reaches target in the metric's direction.
func (m Metric) Met(value, target float64) bool {
	if m.HigherIsBetter() {
		return value >= target
	}
	return value <= target
}

// Improves reports whether target is better than baseline, as a SMART target must be.
func (m Metric) Improves(baseline, target float64) bool {
	if m.HigherIsBetter() {
		return target > baseline
	}
	return target < baseline
}

// Grade is a risk alert's severity (DOMAIN.md §4).
type Grade string

// Red: outage or major complaint, contingency plan within an hour, an executive
// leads. Yellow: satisfaction sliding or a KPI missed, analysis report within 4 h.
// Blue: training gaps or stale knowledge, rectification plan within 24 h.
const (
	Red    Grade = "red"
	Yellow Grade = "yellow"
	Blue   Grade = "blue"
)

// Grades lists the grades, most severe first.
var Grades = []Grade{Red, Yellow, Blue}

// Valid reports whether g is a known grade.
func (g Grade) Valid() bool { return slices.Contains(Grades, g) }

// DefaultHandling is the grade's default handling deadline.
func (g Grade) DefaultHandling() time.Duration {
	switch g {
	case Red:
		return time.Hour
	case Yellow:
		return 4 * time.Hour
	default:
		return 24 * time.Hour
	}
}

// Condition is a risk the monitor watches for; at most one alert per condition and
// subject (a training gap's agent or team, stale knowledge's owner; none for the
// others) is open at a time.
// Manual alerts are the exception: any number may be open.
type Condition string

// The conditions of DOMAIN.md §4 and 002 §9.1.
const (
	CSATDrop       Condition = "csat_drop"       // CSAT % satisfied down week on week
	VolumeSpike    Condition = "volume_spike"    // complaints of the last 24 h over the trailing daily average
	SLAShortfall   Condition = "sla_compliance"  // SLA compliance under target
	SlowResponse   Condition = "slow_response"   // the API's requests taking over 5 s
	StaffTurnover  Condition = "staff_turnover"  // people leaving the directory, over 15 % in a month
	KPIMissed      Condition = "kpi_target"      // a standing KPI target missed
	TrainingGap    Condition = "training_gap"    // an agent's or a team's QA scores under the threshold on a criterion
	StaleKnowledge Condition = "stale_knowledge" // knowledge base articles past their review date, per owner
	Manual         Condition = "manual"          // opened by hand with a grade and a description
)

// Conditions lists every condition the monitor checks, in the order it checks them.
var Conditions = []Condition{CSATDrop, VolumeSpike, SLAShortfall, SlowResponse, StaffTurnover, KPIMissed, TrainingGap,
	StaleKnowledge}
