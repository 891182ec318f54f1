package quality

import (
	"fmt"
	"testing"
)

func pf(v float64) *float64 { return &v }

func TestStarScoreWeighsTheInputsPresent(t *testing.T) {
	w := DefaultStarWeights()
	tests := []struct {
		name string
		in   StarInputs
		want string
	}{
		// (40·90 + 30·80 + 20·50) / 90 = 7000/90 = 77.78 (teamwork absent)
		{"all but teamwork", StarInputs{Quality: pf(90), Satisfaction: pf(80), Resolution: pf(50)}, "77.78"},
		// (30·80 + 20·50) / 50 = 68 (no QA yet)
		{"before QA", StarInputs{Satisfaction: pf(80), Resolution: pf(50)}, "68"},
		{"resolution only", StarInputs{Resolution: pf(75)}, "75"},
		{"nothing", StarInputs{}, "<nil>"},
	}
	for _, tt := range tests {
		got := "<nil>"
		if s := StarScore(tt.in, w); s != nil {
			got = fmt.Sprint(*s)
		}
		if got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
	if s := StarScore(StarInputs{Quality: pf(10), Resolution: pf(50)}, StarWeights{Resolution: 20}); s == nil || *s != 50 {
		t.Errorf("a zero weight leaves its input out: got %v", s)
	}
}

func TestRankStars(t *testing.T) {
	groups := []MetricsGroup{
		{Key: "ann", Volume: 4, Resolved: 4, ResolutionDue: 4, CSATSatisfiedPct: pf(50)}, // (30·50 + 20·100)/50 = 70
		// One resolved, one past its deadline, one not due yet: resolution 1 of 2 = 50.
		{Key: "ben", Volume: 3, Resolved: 1, ResolutionDue: 2, CSATSatisfiedPct: pf(100)}, // (30·100 + 20·50)/50 = 80
		{Key: "cai", Volume: 5, Resolved: 5, ResolutionDue: 5, CSATSatisfiedPct: pf(50)},  // 70, more complaints than ann
		{Key: "dan", Volume: 0}, // nothing to score
		{Key: Unassigned, Volume: 9, Resolved: 9, ResolutionDue: 9, CSATSatisfiedPct: pf(100)}, // not an agent
	}
	var got []string
	for _, e := range RankStars(groups, map[string]float64{}, DefaultStarWeights()) {
		got = append(got, fmt.Sprintf("%d:%s", e.Rank, e.Owner))
	}
	if want := "[1:ben 2:cai 2:ann 0:dan]"; fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
	// A QA score counts with its weight 40: ann (40·100 + 30·50 + 20·100)/90 = 83.33.
	ranked := RankStars(groups, map[string]float64{"ann": 100}, DefaultStarWeights())
	if ranked[0].Owner != "ann" || *ranked[0].Score != 83.33 || *ranked[0].Inputs.Quality != 100 {
		t.Errorf("with QA: first %+v", ranked[0])
	}
}

func TestEfficiencyOf(t *testing.T) {
	groups := []MetricsGroup{
		{Key: "ben", Volume: 2, Resolved: 1, ResolutionSeconds: Percentiles{Count: 1, P50: pf(3600)}, SLACompliancePct: pf(100)},
		{Key: "ann", Volume: 1},
		{Key: Unassigned, Volume: 3},
	}
	got := EfficiencyOf(groups, map[string]float64{"ben": 92})
	if len(got) != 2 || got[0].Owner != "ann" || got[1].Owner != "ben" || *got[1].HandlingSeconds != 3600 ||
		got[1].Handled != 2 || got[1].Resolved != 1 || *got[1].QAScore != 92 || got[0].QAScore != nil {
		t.Errorf("got %+v", got)
	}
}
