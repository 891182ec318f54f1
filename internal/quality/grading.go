package quality

import (
	"fmt"
	"math"
	"time"
)

// The risk monitor's grading rules (DOMAIN.md §4): pure functions of the counts the
// store takes from the event log, kept apart from the SQL so the rules can be read
// and tested without a database.

// RiskCounts are what the checks need from the event log. The store counts them in
// one query over the windows of RiskWindowsAt; the db tags name its columns.
type RiskCounts struct {
	CSATAnswers           int64 `db:"csat_answers"`
	CSATSatisfied         int64 `db:"csat_satisfied"`
	PreviousCSATAnswers   int64 `db:"previous_csat_answers"`
	PreviousCSATSatisfied int64 `db:"previous_csat_satisfied"`
	// Touch-point ratings (POST /v1/feedback, kind rating) in the same weeks, and
	// those of 4–5: 002 §9.1 names the instant post-service rating a satisfaction source.
	Ratings                  int64 `db:"ratings"`
	RatingsSatisfied         int64 `db:"ratings_satisfied"`
	PreviousRatings          int64 `db:"previous_ratings"`
	PreviousRatingsSatisfied int64 `db:"previous_ratings_satisfied"`

	Opened         int64 `db:"opened"`
	TrailingOpened int64 `db:"trailing_opened"`
	SLAKnown       int64 `db:"sla_known"`
	SLAMet         int64 `db:"sla_met"`
	// The API's requests in the slow-response window, those over 5 s and the slowest.
	Requests     int64 `db:"requests"`
	SlowRequests int64 `db:"slow_requests"`
	MaxMillis    int64 `db:"max_ms"`
	// People active at the start of the turnover window, and those deactivated in it.
	Headcount int64 `db:"headcount"`
	Departed  int64 `db:"departed"`
}

// RiskWindows are the windows an evaluation at one moment counts over, all ending
// at At: the last 24 h start at Day, the last 7 days at Week, the 7 days before
// them at TwoWeeks, and the trailing days before the last 24 h at Trailing.
// Slow starts the slow-response window, Month the turnover window (30 days), KPI the
// KPI targets' window, Training the training-gap window.
type RiskWindows struct{ At, Day, Week, TwoWeeks, Trailing, Slow, Month, KPI, Training time.Time }

// RiskWindowsAt are the windows of an evaluation at the moment at (in UTC) under
// the thresholds t, whose VolumeTrailingDays sets the trailing window.
func RiskWindowsAt(at time.Time, t RiskThresholds) RiskWindows {
	at = at.UTC()
	day, week := at.Add(-24*time.Hour), at.Add(-7*24*time.Hour)
	trailing := day.Add(-time.Duration(t.VolumeTrailingDays) * 24 * time.Hour)
	twoWeeks := at.Add(-14 * 24 * time.Hour)
	slow := at.Add(-time.Duration(t.SlowWindowMinutes) * time.Minute)
	month := at.Add(-TurnoverWindow)
	kpi := at.Add(-time.Duration(t.KPIWindowDays) * 24 * time.Hour)
	training := at.Add(-time.Duration(t.TrainingWindowDays) * 24 * time.Hour)
	return RiskWindows{At: at, Day: day, Week: week, TwoWeeks: twoWeeks, Trailing: trailing, Slow: slow, Month: month, KPI: kpi,
		Training: training}
}

// TurnoverWindow is the "month" of 002 §9.1's monthly turnover: the 30 days before
// the run, so every run judges a whole month.
const TurnoverWindow = 30 * 24 * time.Hour

// SlowRequest is how long a request may take before it counts as slow: 002 §9.1
// 「系统故障(响应时间>5秒)」. The API's latency aggregates count requests over it.
const SlowRequest = 5 * time.Second

// EvaluateRisks grades every condition of DOMAIN.md §4 and 002 §9.1 from the counts
// of the windows w, the KPI window's metrics, the training window's QA scores and
// reopenings, and the live knowledge articles under the thresholds t and the
// targets: one check per condition (per subject found for a training gap or stale
// knowledge), in Conditions order.
func EvaluateRisks(n RiskCounts, kpi MetricsGroup, targets KPITargets, qa []TrainingScores, reopens []TrainingReopens,
	kb []KnowledgeDue, t RiskThresholds, w RiskWindows) RiskEvaluation {
	checks := []RiskCheck{
		CheckCSAT(n, t, w), CheckVolume(n, t, w), CheckSLA(n, t, w),
		CheckSlowResponse(n, t, w), CheckTurnover(n, t, w), CheckKPITargets(kpi, targets, t, w),
	}
	checks = append(checks, CheckTrainingGaps(qa, reopens, t, w)...)
	return RiskEvaluation{At: w.At, Thresholds: t, Checks: append(checks, CheckStaleKnowledge(kb, t, w)...)}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func pct(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return round2(100 * float64(part) / float64(whole))
}

func graded(c RiskCheck, t RiskThresholds, g Grade, threshold float64) RiskCheck {
	c.Grade, c.Threshold, c.HandlingSeconds = g, threshold, t.HandlingSeconds(g)
	return c
}

// CheckCSAT grades the drop of % satisfied (4–5 of 5) week on week, over survey
// answers and touch-point ratings together: previous % − current %, in points
// rounded to 2 decimals; too few of them in either week is no verdict.
func CheckCSAT(n RiskCounts, t RiskThresholds, w RiskWindows) RiskCheck {
	answers, satisfied := n.CSATAnswers+n.Ratings, n.CSATSatisfied+n.RatingsSatisfied
	previous, previousSatisfied := n.PreviousCSATAnswers+n.PreviousRatings, n.PreviousCSATSatisfied+n.PreviousRatingsSatisfied
	c := RiskCheck{
		Condition: CSATDrop,
		Observed:  pct(satisfied, answers), Baseline: pct(previousSatisfied, previous),
		Details: RiskDetails{From: w.Week, To: w.At, BaselineFrom: &w.TwoWeeks, BaselineTo: &w.Week, Counts: map[string]int64{
			"answers": n.CSATAnswers, "satisfied": n.CSATSatisfied,
			"previous_answers": n.PreviousCSATAnswers, "previous_satisfied": n.PreviousCSATSatisfied,
			"ratings": n.Ratings, "ratings_satisfied": n.RatingsSatisfied,
			"previous_ratings": n.PreviousRatings, "previous_ratings_satisfied": n.PreviousRatingsSatisfied,
		}},
	}
	c.Threshold = round2(c.Baseline - t.CSATDropPoints)
	if answers < t.CSATMinAnswers || previous < t.CSATMinAnswers {
		c.Note = fmt.Sprintf("too few survey answers and touch-point ratings for a verdict: %d this week and %d the week before, %d needed in each",
			answers, previous, t.CSATMinAnswers)
		return c
	}
	drop := round2(c.Baseline - c.Observed)
	switch {
	case drop >= t.CSATDropRedPoints:
		return graded(c, t, Red, round2(c.Baseline-t.CSATDropRedPoints))
	case drop >= t.CSATDropPoints:
		return graded(c, t, Yellow, c.Threshold)
	}
	return c
}

// CheckVolume grades the complaints of the last 24 h against the trailing daily
// average. It compares in whole numbers (opened × 100 × days against trailing ×
// (100 + spike %)), so a count exactly at the threshold triggers.
func CheckVolume(n RiskCounts, t RiskThresholds, w RiskWindows) RiskCheck {
	days := float64(t.VolumeTrailingDays)
	c := RiskCheck{
		Condition: VolumeSpike,
		Observed:  float64(n.Opened), Baseline: round2(float64(n.TrailingOpened) / days),
		Details: RiskDetails{From: w.Day, To: w.At, BaselineFrom: &w.Trailing, BaselineTo: &w.Day, Counts: map[string]int64{
			"opened": n.Opened, "trailing_opened": n.TrailingOpened, "trailing_days": int64(t.VolumeTrailingDays),
		}},
	}
	over := func(spikePct float64) bool {
		return float64(n.Opened)*100*days >= float64(n.TrailingOpened)*(100+spikePct)
	}
	threshold := func(spikePct float64) float64 {
		return round2(float64(n.TrailingOpened) * (100 + spikePct) / (100 * days))
	}
	c.Threshold = threshold(t.VolumeSpikePct)
	if float64(n.TrailingOpened) < t.VolumeMinDailyAverage*days {
		c.Note = fmt.Sprintf("the trailing daily average (%d complaints in %d days) is under %g, too low for a verdict",
			n.TrailingOpened, t.VolumeTrailingDays, t.VolumeMinDailyAverage)
		return c
	}
	switch {
	case over(t.VolumeSpikeRedPct):
		return graded(c, t, Red, threshold(t.VolumeSpikeRedPct))
	case over(t.VolumeSpikePct):
		return graded(c, t, Yellow, c.Threshold)
	}
	return c
}

// CheckSLA grades the shortfall under target (points, rounded to 2 decimals): any
// shortfall is a missed KPI, yellow (002 §9.1 「关键指标未达标」); from the red points
// on red.
func CheckSLA(n RiskCounts, t RiskThresholds, w RiskWindows) RiskCheck {
	c := RiskCheck{
		Condition: SLAShortfall,
		Observed:  pct(n.SLAMet, n.SLAKnown), Baseline: t.SLATargetPct, Threshold: t.SLATargetPct,
		Details: RiskDetails{From: w.Day, To: w.At, Counts: map[string]int64{"known": n.SLAKnown, "met": n.SLAMet}},
	}
	if n.SLAKnown < t.SLAMinKnown {
		c.Note = fmt.Sprintf("too few SLA outcomes for a verdict: %d in the last 24 h, %d needed", n.SLAKnown, t.SLAMinKnown)
		return c
	}
	shortfall := round2(t.SLATargetPct - c.Observed)
	switch {
	case shortfall >= t.SLARedPoints:
		return graded(c, t, Red, round2(t.SLATargetPct-t.SLARedPoints))
	case shortfall > 0:
		return graded(c, t, Yellow, t.SLATargetPct)
	}
	return c
}

// CheckSlowResponse grades the share of the API's requests in the window that took
// over 5 s (%, rounded to 2 decimals): from SlowPct yellow, from SlowRedPct red. It
// compares in whole numbers (slow × 100 against requests × %), so a share exactly
// at the threshold triggers.
func CheckSlowResponse(n RiskCounts, t RiskThresholds, w RiskWindows) RiskCheck {
	c := RiskCheck{
		Condition: SlowResponse,
		Observed:  pct(n.SlowRequests, n.Requests), Baseline: 0, Threshold: t.SlowPct,
		Details: RiskDetails{From: w.Slow, To: w.At, Counts: map[string]int64{
			"requests": n.Requests, "slow": n.SlowRequests, "max_ms": n.MaxMillis,
			"slow_over_ms": int64(SlowRequest / time.Millisecond),
		}},
	}
	if n.Requests < t.SlowMinRequests {
		c.Note = fmt.Sprintf("too few requests for a verdict: %d in the last %d minutes, %d needed",
			n.Requests, t.SlowWindowMinutes, t.SlowMinRequests)
		return c
	}
	over := func(p float64) bool { return float64(n.SlowRequests)*100 >= float64(n.Requests)*p }
	switch {
	case over(t.SlowRedPct):
		return graded(c, t, Red, t.SlowRedPct)
	case over(t.SlowPct):
		return graded(c, t, Yellow, t.SlowPct)
	}
	return c
}

// CheckTurnover grades the people deactivated in the last 30 days against those
// active at its start (%, rounded to 2 decimals): strictly over TurnoverPct is
// yellow — a missed people KPI; the seed names no red for it.
func CheckTurnover(n RiskCounts, t RiskThresholds, w RiskWindows) RiskCheck {
	c := RiskCheck{
		Condition: StaffTurnover,
		Observed:  pct(n.Departed, n.Headcount), Baseline: 0, Threshold: t.TurnoverPct,
		Details: RiskDetails{From: w.Month, To: w.At, Counts: map[string]int64{
			"headcount": n.Headcount, "departed": n.Departed,
		}},
	}
	if n.Headcount < t.TurnoverMinHeadcount {
		c.Note = fmt.Sprintf("too few people for a verdict: %d active at the start of the month, %d needed",
			n.Headcount, t.TurnoverMinHeadcount)
		return c
	}
	// departed/headcount > pct/100, in whole numbers.
	if float64(n.Departed)*100 > float64(n.Headcount)*t.TurnoverPct {
		return graded(c, t, Yellow, t.TurnoverPct)
	}
	return c
}
