package quality_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The wait target (002 §7.1 「WT目标缩短至90秒」) is a standing KPI like the others: the
// p90 wait in seconds, lower is better, judged by the risk monitor's KPI check (a
// miss is yellow, 002 §9.1 「关键指标未达标」) and not judged without waits filed.
func TestTheWaitIsAStandingKPI(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	g := quality.MetricsGroup{Volume: 10}
	g.WaitSeconds.Count, g.WaitSeconds.P50, g.WaitSeconds.P90 = 10, ptr(40), ptr(90)

	assertGrading(t, quality.CheckKPITargets(g, quality.DefaultKPITargets(), th, w), gradingWant{"", 0, 1, 1, 0, false})
	g.WaitSeconds.P90 = ptr(90.5)
	c := quality.CheckKPITargets(g, quality.DefaultKPITargets(), th, w)
	assertGrading(t, c, gradingWant{quality.Yellow, 1, 1, 1, 4 * 3600, true})
	require.True(t, strings.Contains(c.Note, "wait_seconds 90.5 (target 90)"), c.Note)
	require.Equal(t, int64(9050), c.Details.Counts["wait_seconds_x100"])

	// Waits are filed on queue channels only: one slow call among ten complaints is
	// too few waits to judge, however slow.
	g.WaitSeconds.Count, g.WaitSeconds.P50, g.WaitSeconds.P90 = 1, ptr(200), ptr(200)
	c = quality.CheckKPITargets(g, quality.DefaultKPITargets(), th, w)
	assertGrading(t, c, gradingWant{"", 0, 0, 1, 0, true})
	require.Contains(t, c.Note, "wait_seconds 1")

	// No wait filed: nothing to judge.
	c = quality.CheckKPITargets(quality.MetricsGroup{Volume: 10}, quality.DefaultKPITargets(), th, w)
	assertGrading(t, c, gradingWant{"", 0, 0, 1, 0, true})
	require.Contains(t, c.Note, "wait_seconds 0")
}

// The share within target counts up to the register's wait target, enabled or not;
// a register stored before the figure existed has none, and the seeds' 90 s holds.
func TestWaitTarget(t *testing.T) {
	require.Equal(t, 90.0, quality.DefaultKPITargets().WaitTarget())
	r := quality.KPITargets{Targets: []quality.KPITarget{{KPI: quality.WaitSeconds, Target: 45, Enabled: false}}}
	require.Equal(t, 45.0, r.WaitTarget())
	old := quality.KPITargets{Targets: []quality.KPITarget{{KPI: quality.FirstResponseMinutes, Target: 30, Enabled: true}}}
	require.Equal(t, 90.0, old.WaitTarget())
}
