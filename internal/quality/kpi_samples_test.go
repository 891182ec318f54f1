package quality_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// Each KPI target is judged on its own figure's denominator, not on the volume: of
// 200 complaints filed, a resolution rate over 9 complaints due, a CSAT over 9
// answers, an SLA compliance over 9 judged clocks is no verdict (kpi_min_volume 10),
// however far off the target; over 10 it is a miss (yellow).
func TestEachKPIIsJudgedOnItsOwnSamples(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	cases := []struct {
		kpi    quality.KPI
		target float64
		set    func(g *quality.MetricsGroup, n int64) // a value off the target, taken from n
	}{
		{quality.FirstResponseMinutes, 30, func(g *quality.MetricsGroup, n int64) {
			g.FirstResponseSeconds = quality.Percentiles{Count: n, P90: ptr(3600)}
		}},
		{quality.CSATScore, 85, func(g *quality.MetricsGroup, n int64) {
			g.Survey.OverallSatisfaction = quality.Mean{Answers: n, Sum: 3 * n, Mean: ptr(3)}
		}},
		{quality.KPI(quality.CSATSatisfied), 90, func(g *quality.MetricsGroup, n int64) {
			g.CSATAnswers, g.CSATSatisfiedPct = n, ptr(50)
		}},
		{quality.KPI(quality.NPS), 45, func(g *quality.MetricsGroup, n int64) { g.NPSAnswers, g.NPS = n, ptr(0) }},
		{quality.KPI(quality.FCR), 80, func(g *quality.MetricsGroup, n int64) { g.Resolved, g.FCRPct = n, ptr(50) }},
		{quality.KPI(quality.SLACompliance), 90, func(g *quality.MetricsGroup, n int64) {
			g.SLAKnown, g.SLACompliancePct = n, ptr(50)
		}},
		{quality.WaitSeconds, 90, func(g *quality.MetricsGroup, n int64) {
			g.WaitSeconds.Count, g.WaitSeconds.P90 = n, ptr(200)
		}},
		{quality.KPI(quality.ResolutionRate), 80, func(g *quality.MetricsGroup, n int64) {
			g.ResolutionDue, g.Resolved = n, n/2
		}},
		{quality.KPI(quality.LoopClosure), 80, func(g *quality.MetricsGroup, n int64) {
			g.Resolved, g.LoopClosurePct = n, ptr(50)
		}},
		{quality.KPI(quality.ReopenRate), 10, func(g *quality.MetricsGroup, n int64) {
			g.Resolved, g.ReopenRatePct = n, ptr(50)
		}},
		{quality.KPI(quality.EscalationRate), 10, func(g *quality.MetricsGroup, n int64) {
			g.Volume, g.EscalationRatePct = n, ptr(50)
		}},
	}
	require.Len(t, cases, len(quality.KPIs), "every KPI")
	for _, c := range cases {
		r := quality.KPITargets{Targets: []quality.KPITarget{{KPI: c.kpi, Target: c.target, Enabled: true}}}
		t.Run(string(c.kpi), func(t *testing.T) {
			for n := th.KPIMinVolume - 1; n <= th.KPIMinVolume; n++ {
				g := quality.MetricsGroup{Volume: 200}
				c.set(&g, n)
				got := quality.CheckKPITargets(g, r, th, w)
				standing := r.Standings(g, th.KPIMinVolume)[0]
				// The standing says how thin the figure was, so a reader tells it from no data.
				require.Equal(t, [2]int64{n, th.KPIMinVolume}, [2]int64{standing.Samples, standing.MinSamples})
				if n < th.KPIMinVolume {
					assertGrading(t, got, gradingWant{"", 0, 0, 1, 0, true})
					require.Contains(t, got.Note, fmt.Sprintf("%s %d", c.kpi, n))
					require.Nil(t, standing.Met)
					continue
				}
				assertGrading(t, got, gradingWant{quality.Yellow, 1, 1, 1, 4 * 3600, true})
				require.Contains(t, got.Note, "missed: "+string(c.kpi))
				require.False(t, *standing.Met)
			}
		})
	}
}
