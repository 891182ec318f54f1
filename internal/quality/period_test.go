package quality

import (
	"testing"
	"time"
)

func TestParsePeriodAndPreviousPeriod(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sh) }
	for _, tc := range []struct {
		in               string
		from, to, before time.Time
	}{
		{"2026-10", day(2026, 10, 1), day(2026, 11, 1), day(2026, 9, 1)},
		{"2026-01", day(2026, 1, 1), day(2026, 2, 1), day(2025, 12, 1)},
		{"2026-Q3", day(2026, 7, 1), day(2026, 10, 1), day(2026, 4, 1)},
		{"2026-Q1", day(2026, 1, 1), day(2026, 4, 1), day(2025, 10, 1)},
		{"2026-W01", day(2025, 12, 29), day(2026, 1, 5), day(2025, 12, 22)},
		{"2026-W42", day(2026, 10, 12), day(2026, 10, 19), day(2026, 10, 5)},
		{"2026-10-01/2026-10-15", day(2026, 10, 1), day(2026, 10, 16), day(2026, 9, 16)},
		{"2026-10-05/2026-10-05", day(2026, 10, 5), day(2026, 10, 6), day(2026, 10, 4)},
	} {
		from, to, err := ParsePeriod(tc.in, sh)
		if err != nil || !from.Equal(tc.from) || !to.Equal(tc.to) {
			t.Errorf("ParsePeriod(%q) = %v, %v, %v; want %v, %v", tc.in, from, to, err, tc.from, tc.to)
			continue
		}
		if got := PreviousPeriod(from, to, sh); !got.Equal(tc.before) {
			t.Errorf("PreviousPeriod(%q) = %v, want %v", tc.in, got, tc.before)
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-Q5", "2026-W54", "2025-W53", "2026-10-15/2026-10-01", "2026-02-30/2026-03-01", "last month"} {
		if _, _, err := ParsePeriod(bad, sh); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

// The insight report's KPI gaps judge a figure as the risk monitor's KPI check
// does: on at least kpi_min_volume of its own samples. A category whose figures
// miss their targets on too few samples has no gap, and the KPI check finds as many
// targets missed in each group as the gaps say.
func TestKPIGaps(t *testing.T) {
	// The register's enabled targets, in its order; the disabled one is left out.
	targets := KPITargets{Targets: []KPITarget{
		{KPI: KPI(ResolutionRate), Target: 80, Enabled: true},
		{KPI: KPI(SLACompliance), Target: 90, Enabled: false},
		{KPI: KPI(ReopenRate), Target: 5, Enabled: true},
		{KPI: FirstResponseMinutes, Target: 30, Enabled: true},
	}}
	const minSamples = 3
	pct := func(v float64) *float64 { return &v }
	r := MetricsReport{
		// p90 first response 1440 s = 24 min: 6 under the 30-minute target. Resolution:
		// 3 resolved of the 4 due (one past its deadline; the fifth not due yet) = 75 %.
		Total: MetricsGroup{Volume: 5, Resolved: 3, ResolutionDue: 4, ReopenRatePct: pct(7.5),
			FirstResponseSeconds: Percentiles{Count: 5, P90: pct(1440)}},
		Groups: []MetricsGroup{{Key: "logistics", Volume: 0},
			// Every figure misses its target, each on fewer than 3 of its own samples:
			// 1 resolved of the 2 due (50 %), 1 resolution reopened, 2 first responses.
			{Key: "product", Volume: 4, Resolved: 1, ResolutionDue: 2, ReopenRatePct: pct(100),
				FirstResponseSeconds: Percentiles{Count: 2, P90: pct(7200)}}},
	}
	got := KPIGaps(targets, r, minSamples)
	// Samples tells the figures judged on too few (product's) from those with none
	// (logistics').
	want := []KPIGap{
		{KPI: KPI(ResolutionRate), Value: pct(75), Target: 80, Gap: pct(5), Missed: true, Samples: 4},
		{KPI: KPI(ResolutionRate), Category: "logistics", Target: 80},
		{KPI: KPI(ResolutionRate), Category: "product", Target: 80, Samples: 2},
		{KPI: KPI(ReopenRate), Value: pct(7.5), Target: 5, Gap: pct(2.5), Missed: true, Samples: 3},
		{KPI: KPI(ReopenRate), Category: "logistics", Target: 5},
		{KPI: KPI(ReopenRate), Category: "product", Target: 5, Samples: 1},
		{KPI: FirstResponseMinutes, Value: pct(24), Target: 30, Gap: pct(-6), Samples: 5},
		{KPI: FirstResponseMinutes, Category: "logistics", Target: 30},
		{KPI: FirstResponseMinutes, Category: "product", Target: 30, Samples: 2},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d gaps, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.KPI != w.KPI || g.Category != w.Category || g.Missed != w.Missed || g.Samples != w.Samples || (g.Value == nil) != (w.Value == nil) ||
			(g.Gap == nil) != (w.Gap == nil) || g.Value != nil && *g.Value != *w.Value || g.Gap != nil && *g.Gap != *w.Gap {
			t.Errorf("gap %d: got %+v, want %+v", i, g, w)
		}
	}
	for _, g := range append([]MetricsGroup{r.Total}, r.Groups...) {
		missed := 0
		for _, gap := range got {
			if gap.Missed && (gap.Category == g.Key) {
				missed++
			}
		}
		check := CheckKPITargets(g, targets, RiskThresholds{KPIMinVolume: minSamples}, RiskWindows{})
		if check.Observed != float64(missed) {
			t.Errorf("group %q: the KPI check finds %g targets missed, the gaps %d", g.Key, check.Observed, missed)
		}
	}
}
