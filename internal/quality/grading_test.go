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
		{"5 points under is blue", 100, 85, gradingWant{quality.Blue, 85, 90, 90, 24 * 3600, false}},
		{"6 points under is yellow", 100, 84, gradingWant{quality.Yellow, 84, 90, 85, 4 * 3600, false}},
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
	ev := quality.EvaluateRisks(quality.RiskCounts{}, th, w)
	require.Equal(t, gradingAt, ev.At)
	var conditions []quality.Condition
	for _, c := range ev.Checks {
		conditions = append(conditions, c.Condition)
	}
	require.Equal(t, quality.Conditions, conditions)
	require.Empty(t, ev.Findings())
}
