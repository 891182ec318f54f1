package quality_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
)

type gradingWant struct {
	grade                         quality.Grade
	observed, baseline, threshold float64
	handling                      int64
	note                          bool
}

func assertGrading(t *testing.T, got quality.RiskCheck, want gradingWant) {
	t.Helper()
	require.Equal(t, want, gradingWant{got.Grade, got.Observed, got.Baseline, got.Threshold, got.HandlingSeconds, got.Note != ""})
}

var gradingAt = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// The same edges as the store's tests over real events, from the counts alone.
func TestCheckCSATGradesExactlyAtItsThresholds(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	cases := []struct {
		name                                 string
		prevAnswers, prevGood, answers, good int64
		want                                 gradingWant
	}{
		{"drop of 5 points is yellow", 10, 10, 20, 19, gradingWant{quality.Yellow, 95, 100, 95, 4 * 3600, false}},
		{"drop of 4 points is nothing", 10, 10, 25, 24, gradingWant{"", 96, 100, 95, 0, false}},
		{"drop of 15 points is red", 10, 10, 20, 17, gradingWant{quality.Red, 85, 100, 85, 3600, false}},
		{"9 answers this week is no verdict", 10, 10, 9, 0, gradingWant{"", 0, 100, 95, 0, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := quality.RiskCounts{PreviousCSATAnswers: c.prevAnswers, PreviousCSATSatisfied: c.prevGood,
				CSATAnswers: c.answers, CSATSatisfied: c.good}
			assertGrading(t, quality.CheckCSAT(n, th, w), c.want)
		})
	}
}

func TestCheckVolumeGradesExactlyAtItsThresholds(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	cases := []struct {
		name             string
		trailing, recent int64
		want             gradingWant
	}{
		{"30 % over is yellow", 70, 13, gradingWant{quality.Yellow, 13, 10, 13, 4 * 3600, false}},
		{"20 % over is nothing", 70, 12, gradingWant{"", 12, 10, 13, 0, false}},
		{"100 % over is red", 70, 20, gradingWant{quality.Red, 20, 10, 20, 3600, false}},
		{"average under 1 a day is no verdict", 6, 50, gradingWant{"", 50, 0.86, 1.11, 0, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := quality.RiskCounts{TrailingOpened: c.trailing, Opened: c.recent}
			assertGrading(t, quality.CheckVolume(n, th, w), c.want)
		})
	}
}

func TestCheckSLAGradesExactlyAtItsThresholds(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	cases := []struct {
		name       string
		known, met int64
		want       gradingWant
	}{
		{"on target is nothing", 100, 90, gradingWant{"", 90, 90, 90, 0, false}},
		{"1 point under is a missed KPI, yellow", 100, 89, gradingWant{quality.Yellow, 89, 90, 90, 4 * 3600, false}},
		{"19 points under is yellow", 100, 71, gradingWant{quality.Yellow, 71, 90, 90, 4 * 3600, false}},
		{"20 points under is red", 100, 70, gradingWant{quality.Red, 70, 90, 70, 3600, false}},
		{"9 outcomes is no verdict", 9, 0, gradingWant{"", 0, 90, 90, 0, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertGrading(t, quality.CheckSLA(quality.RiskCounts{SLAKnown: c.known, SLAMet: c.met}, th, w), c.want)
		})
	}
}

func TestEvaluateRisksChecksEveryConditionOverItsWindows(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt.In(time.FixedZone("CST", 8*3600)), th)
	require.Equal(t, gradingAt, w.At)
	require.Equal(t, gradingAt.Add(-24*time.Hour), w.Day)
	require.Equal(t, gradingAt.Add(-8*24*time.Hour), w.Trailing)
	require.Equal(t, gradingAt.Add(-15*time.Minute), w.Slow)
	require.Equal(t, gradingAt.Add(-30*24*time.Hour), w.Month)
	require.Equal(t, gradingAt.Add(-30*24*time.Hour), w.KPI)
	require.Equal(t, gradingAt.Add(-30*24*time.Hour), w.Training)
	ev := quality.EvaluateRisks(quality.RiskCounts{}, quality.MetricsGroup{}, quality.DefaultKPITargets(), nil, nil, nil, th, w)
	require.Equal(t, gradingAt, ev.At)
	var conditions []quality.Condition
	for _, c := range ev.Checks {
		conditions = append(conditions, c.Condition)
	}
	require.Equal(t, quality.Conditions, conditions)
	require.Empty(t, ev.Findings())
}

// 002 §9.1 「系统故障(响应时间>5秒)」: the share of requests over 5 s, at its edges.
func TestCheckSlowResponseGradesExactlyAtItsThresholds(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	cases := []struct {
		name           string
		requests, slow int64
		want           gradingWant
	}{
		{"4 % slow is nothing", 100, 4, gradingWant{"", 4, 0, 5, 0, false}},
		{"5 % slow is yellow", 100, 5, gradingWant{quality.Yellow, 5, 0, 5, 4 * 3600, false}},
		{"49 % slow is yellow", 100, 49, gradingWant{quality.Yellow, 49, 0, 5, 4 * 3600, false}},
		{"half slow is red", 40, 20, gradingWant{quality.Red, 50, 0, 50, 3600, false}},
		{"19 requests is no verdict", 19, 19, gradingWant{"", 100, 0, 5, 0, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := quality.RiskCounts{Requests: c.requests, SlowRequests: c.slow}
			assertGrading(t, quality.CheckSlowResponse(n, th, w), c.want)
		})
	}
}

// 002 §9.1 「人员流失率(单月>15%)」: strictly over 15 %.
func TestCheckTurnoverGradesExactlyAtItsThreshold(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	cases := []struct {
		name                string
		headcount, departed int64
		want                gradingWant
	}{
		{"15 % is nothing", 20, 3, gradingWant{"", 15, 0, 15, 0, false}},
		{"over 15 % is yellow", 19, 3, gradingWant{quality.Yellow, 15.79, 0, 15, 4 * 3600, false}},
		{"9 people is no verdict", 9, 9, gradingWant{"", 100, 0, 15, 0, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := quality.RiskCounts{Headcount: c.headcount, Departed: c.departed}
			assertGrading(t, quality.CheckTurnover(n, th, w), c.want)
		})
	}
}

func ptr(v float64) *float64 { return &v }

// A missed KPI target is yellow (002 §9.1 「关键指标未达标」); a target without data is
// not judged.
func TestCheckKPITargets(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	// Ten of each figure's own samples: first responses, answers, resolutions, SLA outcomes.
	onTarget := quality.MetricsGroup{Volume: 10, FirstResponseSeconds: quality.Percentiles{Count: 10, P90: ptr(1800)},
		CSATAnswers: 10, CSATSatisfiedPct: ptr(90), NPSAnswers: 10, NPS: ptr(45), Resolved: 10, FCRPct: ptr(80),
		SLAKnown: 10, SLACompliancePct: ptr(90)}
	onTarget.Survey.OverallSatisfaction = quality.Mean{Answers: 12, Sum: 51, Mean: ptr(4.25)}
	late := onTarget
	late.FirstResponseSeconds.P90 = ptr(1801)
	cases := []struct {
		name string
		g    quality.MetricsGroup
		want gradingWant
	}{
		{"every target met is nothing", onTarget, gradingWant{"", 0, 6, 1, 0, false}},
		{"first response 30.02 min is yellow", late, gradingWant{quality.Yellow, 1, 6, 1, 4 * 3600, true}},
		{"9 complaints is no verdict", quality.MetricsGroup{Volume: 9}, gradingWant{"", 0, 0, 1, 0, true}},
		{"no survey data judges the rest", quality.MetricsGroup{Volume: 10, Resolved: 10, FCRPct: ptr(79.99)},
			gradingWant{quality.Yellow, 1, 1, 1, 4 * 3600, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertGrading(t, quality.CheckKPITargets(c.g, quality.DefaultKPITargets(), th, w), c.want)
		})
	}
}

// 002 §6.3 「客户满意度连续两个月低于目标值10%」: under 90 % of the target in both months.
func TestSatisfactionSlipping(t *testing.T) {
	month := func(pct float64) quality.MetricsGroup {
		return quality.MetricsGroup{CSATAnswers: 10, CSATSatisfiedPct: ptr(pct)}
	}
	// Complaint-handling satisfaction target 90 %: 90 % of it is 81.
	cases := []struct {
		name        string
		first, then quality.MetricsGroup
		want        bool
	}{
		{"both months under 81", month(80), month(80.99), true},
		{"exactly 81 is not under", month(81), month(70), false},
		{"one month only", month(90), month(60), false},
		{"a month with too few answers", quality.MetricsGroup{CSATAnswers: 9, CSATSatisfiedPct: ptr(10)}, month(60), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, got := quality.SatisfactionSlipping(quality.DefaultKPITargets(), [2]quality.MetricsGroup{c.first, c.then}, 10)
			require.Equal(t, c.want, got)
		})
	}
	off := quality.DefaultKPITargets()
	off.Targets[2].Enabled = false
	if _, _, got := quality.SatisfactionSlipping(off, [2]quality.MetricsGroup{month(10), month(10)}, 10); got {
		t.Error("a disabled target triggered")
	}
}
