package quality_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The reopen rule at its edges (defaults: the customer reopened 20 % or more of at
// least 10 resolutions; a team's of two agents or more), from the store's counts:
// Resolved is the resolutions whose customer's verdict is known, Reopened those the
// customer reopened (an agent's own reopening is not the customer's verdict).
func TestCheckTrainingGapsGradesBlueOnTheReopenRate(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	all := quality.TrainingReopens{Subject: quality.TrainingAll, Resolved: 4000, Reopened: 400, Agents: 40}
	row := func(subject string, resolved, reopened, agents int64) quality.TrainingReopens {
		return quality.TrainingReopens{Subject: subject, Team: "north", Resolved: resolved, Reopened: reopened,
			Agents: agents, Complaints: []string{"c1", "c2", "c3"}[:min(reopened, 3)]}
	}
	cases := []struct {
		name     string
		rows     []quality.TrainingReopens
		subjects []string // with a blue check
		want     gradingWant
	}{
		{"2 of 10 (20 %) is blue", []quality.TrainingReopens{row("agent:ann", 10, 2, 1)},
			[]string{"agent:ann"}, gradingWant{quality.Blue, 20, 10, 20, 24 * 3600, true}},
		{"2 of 9 resolutions is no verdict", []quality.TrainingReopens{row("agent:ann", 9, 2, 1)},
			nil, gradingWant{"", 0, 0, 60, 0, true}},
		{"199 of 1000 (19.9 %) is nothing", []quality.TrainingReopens{row("agent:ann", 1000, 199, 1)},
			nil, gradingWant{"", 0, 0, 60, 0, true}},
		{"200 of 1000 (20 %) is blue", []quality.TrainingReopens{row("agent:ann", 1000, 200, 1)},
			[]string{"agent:ann"}, gradingWant{quality.Blue, 20, 10, 20, 24 * 3600, true}},
		{"one agent's team is that agent's gap", []quality.TrainingReopens{
			row("agent:ann", 12, 6, 1), row("team:north", 12, 6, 1)},
			[]string{"agent:ann"}, gradingWant{quality.Blue, 50, 10, 20, 24 * 3600, true}},
		{"two agents' team at it is the team's gap too", []quality.TrainingReopens{
			row("agent:ann", 6, 2, 1), row("agent:bob", 6, 1, 1), row("team:north", 12, 3, 2)},
			[]string{"team:north"}, gradingWant{quality.Blue, 25, 10, 20, 24 * 3600, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checks := quality.CheckTrainingGaps(nil, append([]quality.TrainingReopens{all}, c.rows...), th, w)
			var subjects []string
			for _, ch := range checks {
				require.Equal(t, quality.TrainingGap, ch.Condition)
				if ch.Holds() {
					subjects = append(subjects, ch.Subject)
					require.Equal(t, []string{quality.TrainingSignalReopens}, ch.Details.Training.Signals)
				}
			}
			require.Equal(t, c.subjects, subjects)
			assertGrading(t, checks[0], c.want)
		})
	}
}

// Both signals on one subject are one check: the QA figures lead, the evidence and
// the note name both; the reopen figures are evidence even when they do not fire.
func TestCheckTrainingGapsNamesBothSignals(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	qa := []quality.TrainingScores{
		{Subject: quality.TrainingAll, Criterion: "expertise", Scorecards: 9, Agents: 2, AveragePct: 65},
		{Subject: "agent:ann", Team: "north", Criterion: "expertise", Scorecards: 5, Agents: 1, AveragePct: 44, Samples: []string{"a", "b", "c", "d", "e"}},
	}
	all := quality.TrainingReopens{Subject: quality.TrainingAll, Resolved: 50, Reopened: 5, Agents: 4}
	both := quality.CheckTrainingGaps(qa, []quality.TrainingReopens{all,
		{Subject: "agent:ann", Team: "north", Resolved: 12, Reopened: 3, Agents: 1, Complaints: []string{"c1", "c2", "c1"}},
	}, th, w)
	require.Len(t, both, 1)
	c := both[0]
	require.Equal(t, []string{quality.TrainingSignalQA, quality.TrainingSignalReopens}, c.Details.Training.Signals)
	require.Equal(t, &quality.ReopenEvidence{Resolved: 12, Reopened: 3, RatePct: 25, Everyone: 10, Threshold: 20,
		Complaints: []string{"c1", "c2"}}, c.Details.Training.Reopens)
	require.Equal(t, 44.0, c.Observed, "the QA figures lead")
	require.Equal(t, 60.0, c.Threshold)
	require.Equal(t, "under 60% of the points over 5 scorecards: expertise 44%; "+
		"the customer reopened 3 of 12 resolutions (25%, all agents 10%), at or over 20%", c.Note)
	require.Equal(t, map[string]int64{"scorecards": 5, "agents": 1, "min_scorecards": 5,
		"resolutions": 12, "reopened": 3, "min_resolutions": 10}, c.Details.Counts)

	qaOnly := quality.CheckTrainingGaps(qa, []quality.TrainingReopens{all,
		{Subject: "agent:ann", Team: "north", Resolved: 12, Reopened: 1, Agents: 1, Complaints: []string{"c1"}},
	}, th, w)
	require.Len(t, qaOnly, 1)
	require.Equal(t, []string{quality.TrainingSignalQA}, qaOnly[0].Details.Training.Signals)
	require.Equal(t, 8.33, qaOnly[0].Details.Training.Reopens.RatePct, "judged, not fired")

	reopenOnly := quality.CheckTrainingGaps(qa[:1], []quality.TrainingReopens{all,
		{Subject: "agent:ann", Team: "north", Resolved: 12, Reopened: 3, Agents: 1, Complaints: []string{"c1", "c2"}},
	}, th, w)
	require.Len(t, reopenOnly, 1)
	ev := reopenOnly[0].Details.Training
	require.Equal(t, "ann", ev.Agent)
	require.Equal(t, "north", ev.Team, "the team lead is found from it")
	require.Empty(t, ev.Below)
	require.Equal(t, "the customer reopened 3 of 12 resolutions (25%, all agents 10%), at or over 20%", reopenOnly[0].Note)
}
