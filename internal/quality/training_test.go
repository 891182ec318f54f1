package quality_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// Training gaps at their edges (defaults: under 60 % of a criterion's points over at
// least 5 scorecards, a team's of two agents or more), from the aggregated scores.
func TestCheckTrainingGapsGradesBlueUnderTheThreshold(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	everyone := []quality.TrainingScores{
		{Subject: quality.TrainingAll, Criterion: "attitude", Scorecards: 40, Agents: 8, AveragePct: 81.5},
		{Subject: quality.TrainingAll, Criterion: "expertise", Scorecards: 40, Agents: 8, AveragePct: 77},
	}
	row := func(subject, team, criterion string, n, agents int64, avg float64) quality.TrainingScores {
		return quality.TrainingScores{Subject: subject, Team: team, Criterion: criterion, Scorecards: n, Agents: agents,
			AveragePct: avg, Samples: []string{"s1", "s2", "s3", "s4", "s5"}[:min(n, 5)]}
	}
	cases := []struct {
		name     string
		rows     []quality.TrainingScores
		subjects []string // with a blue check
		want     gradingWant
	}{
		{"59.99 % on expertise is blue", []quality.TrainingScores{
			row("agent:ann", "north", "attitude", 5, 1, 90), row("agent:ann", "north", "expertise", 5, 1, 59.99)},
			[]string{"agent:ann"}, gradingWant{quality.Blue, 59.99, 77, 60, 24 * 3600, true}},
		{"60 % is nothing", []quality.TrainingScores{row("agent:ann", "north", "expertise", 5, 1, 60)},
			nil, gradingWant{"", 0, 0, 60, 0, true}},
		{"4 scorecards is no verdict", []quality.TrainingScores{row("agent:ann", "north", "expertise", 4, 1, 20)},
			nil, gradingWant{"", 0, 0, 60, 0, true}},
		{"one agent's team is that agent's gap", []quality.TrainingScores{
			row("agent:ann", "north", "expertise", 6, 1, 40), row("team:north", "north", "expertise", 6, 1, 40)},
			[]string{"agent:ann"}, gradingWant{quality.Blue, 40, 77, 60, 24 * 3600, true}},
		{"two agents' team under it is the team's gap too", []quality.TrainingScores{
			row("agent:ann", "north", "attitude", 3, 1, 50), row("agent:bob", "north", "attitude", 3, 1, 50),
			row("team:north", "north", "attitude", 6, 2, 50)},
			[]string{"team:north"}, gradingWant{quality.Blue, 50, 81.5, 60, 24 * 3600, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checks := quality.CheckTrainingGaps(append(everyone, c.rows...), nil, th, w)
			var subjects []string
			for _, ch := range checks {
				require.Equal(t, quality.TrainingGap, ch.Condition)
				if ch.Holds() {
					subjects = append(subjects, ch.Subject)
				}
			}
			require.Equal(t, c.subjects, subjects)
			assertGrading(t, checks[0], c.want)
		})
	}
}

// The evidence names the criteria under the threshold (lowest first), every judged
// criterion's average beside everyone's, and each scorecard once.
func TestCheckTrainingGapsEvidence(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	checks := quality.CheckTrainingGaps([]quality.TrainingScores{
		{Subject: quality.TrainingAll, Criterion: "attitude", Scorecards: 9, Agents: 2, AveragePct: 70},
		{Subject: quality.TrainingAll, Criterion: "expertise", Scorecards: 9, Agents: 2, AveragePct: 65},
		{Subject: quality.TrainingAll, Criterion: "resolution", Scorecards: 9, Agents: 2, AveragePct: 90},
		{Subject: "agent:ann", Team: "north", Criterion: "attitude", Scorecards: 5, Agents: 1, AveragePct: 52, Samples: []string{"a", "b", "c", "d", "e"}},
		{Subject: "agent:ann", Team: "north", Criterion: "expertise", Scorecards: 5, Agents: 1, AveragePct: 44, Samples: []string{"a", "b", "c", "d", "e"}},
		{Subject: "agent:ann", Team: "north", Criterion: "resolution", Scorecards: 5, Agents: 1, AveragePct: 96, Samples: []string{"a", "b", "c", "d", "e"}},
	}, nil, th, w)
	require.Len(t, checks, 1)
	c := checks[0]
	require.Equal(t, "agent:ann", c.Subject)
	require.Equal(t, w.Training, c.Details.From)
	require.Equal(t, &quality.TrainingEvidence{Agent: "ann", Team: "north", Scorecards: []string{"a", "b", "c", "d", "e"},
		Averages: map[string]float64{"attitude": 52, "expertise": 44, "resolution": 96},
		Everyone: map[string]float64{"attitude": 70, "expertise": 65, "resolution": 90},
		Below:    []string{"expertise", "attitude"}, Signals: []string{quality.TrainingSignalQA}}, c.Details.Training)
	require.Equal(t, map[string]int64{"scorecards": 5, "agents": 1, "min_scorecards": 5}, c.Details.Counts)
	require.Equal(t, 44.0, c.Observed)
	require.Equal(t, 65.0, c.Baseline)
}
