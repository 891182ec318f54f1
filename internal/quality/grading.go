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
	Opened                int64 `db:"opened"`
	TrailingOpened        int64 `db:"trailing_opened"`
	SLAKnown              int64 `db:"sla_known"`
	SLAMet                int64 `db:"sla_met"`
}

// RiskWindows are the windows an evaluation at one moment counts over, all ending
// at At: the last 24 h start at Day, the last 7 days at Week, the 7 days before
// them at TwoWeeks, and the trailing days before the last 24 h at Trailing.
type RiskWindows struct{ At, Day, Week, TwoWeeks, Trailing time.Time }

// RiskWindowsAt are the windows of an evaluation at the moment at (in UTC) under
// the thresholds t, whose VolumeTrailingDays sets the trailing window.
func RiskWindowsAt(at time.Time, t RiskThresholds) RiskWindows {
	at = at.UTC()
	day, week := at.Add(-24*time.Hour), at.Add(-7*24*time.Hour)
	trailing := day.Add(-time.Duration(t.VolumeTrailingDays) * 24 * time.Hour)
	twoWeeks := at.Add(-14 * 24 * time.Hour)
	return RiskWindows{At: at, Day: day, Week: week, TwoWeeks: twoWeeks, Trailing: trailing}
}

// EvaluateRisks grades every condition of DOMAIN.md §4 from the counts of the
// windows w under the thresholds t: one check per condition, in Conditions order.
func EvaluateRisks(n RiskCounts, t RiskThresholds, w RiskWindows) RiskEvaluation {
	return RiskEvaluation{At: w.At, Thresholds: t, Checks: []RiskCheck{
		CheckCSAT(n, t, w), CheckVolume(n, t, w), CheckSLA(n, t, w),
	}}
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

// CheckCSAT grades the drop of CSAT % satisfied week on week: previous % − current
// %, in points rounded to 2 decimals; too few answers in either week is no verdict.
func CheckCSAT(n RiskCounts, t RiskThresholds, w RiskWindows) RiskCheck {
	c := RiskCheck{
		Condition: CSATDrop,
		Observed:  pct(n.CSATSatisfied, n.CSATAnswers), Baseline: pct(n.PreviousCSATSatisfied, n.PreviousCSATAnswers),
		Details: RiskDetails{From: w.Week, To: w.At, BaselineFrom: &w.TwoWeeks, BaselineTo: &w.Week, Counts: map[string]int64{
			"answers": n.CSATAnswers, "satisfied": n.CSATSatisfied,
			"previous_answers": n.PreviousCSATAnswers, "previous_satisfied": n.PreviousCSATSatisfied,
		}},
	}
	c.Threshold = round2(c.Baseline - t.CSATDropPoints)
	if n.CSATAnswers < t.CSATMinAnswers || n.PreviousCSATAnswers < t.CSATMinAnswers {
		c.Note = fmt.Sprintf("too few survey answers for a verdict: %d this week and %d the week before, %d needed in each",
			n.CSATAnswers, n.PreviousCSATAnswers, t.CSATMinAnswers)
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

// CheckSLA grades the shortfall under target (points, rounded to 2 decimals): up to
// the blue band blue, beyond it yellow, from the red points on red.
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
	case shortfall > t.SLABlueBandPoints:
		return graded(c, t, Yellow, round2(t.SLATargetPct-t.SLABlueBandPoints))
	case shortfall > 0:
		return graded(c, t, Blue, t.SLATargetPct)
	}
	return c
}
