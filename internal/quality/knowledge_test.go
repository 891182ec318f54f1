package quality_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// Stale knowledge at its edges (002 §9.1 blue 「知识库更新滞后」; default: one live
// article past its review date): an article due exactly now is stale, one due a
// second later is not; each owner is their own subject, with the articles longest
// overdue first and the knowledge update rate (002 「知識更新率」), theirs and everyone's.
func TestCheckStaleKnowledgeGradesEachOwnerBlue(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	article := func(id, owner string, dueIn time.Duration) quality.KnowledgeDue {
		due := gradingAt.Add(dueIn)
		return quality.KnowledgeDue{ID: id, Title: "title " + id, Owner: owner, OwnerActive: owner != "gone",
			ReviewedAt: due.Add(-90 * 24 * time.Hour), DueAt: due}
	}
	cases := []struct {
		name     string
		live     []quality.KnowledgeDue
		min      int64
		subjects []string // with a blue check
		articles []string // of the first
		want     gradingWant
	}{
		{"due now is stale", []quality.KnowledgeDue{article("a1", "ann", 0), article("a2", "ann", time.Hour)}, 1,
			[]string{"agent:ann"}, []string{"a1"}, gradingWant{quality.Blue, 1, 2, 1, 24 * 3600, true}},
		{"due in a second is current", []quality.KnowledgeDue{article("a1", "ann", time.Second)}, 1,
			nil, nil, gradingWant{"", 0, 0, 1, 0, true}},
		{"under the minimum is nothing", []quality.KnowledgeDue{article("a1", "ann", -time.Hour), article("a2", "ann", time.Hour)}, 2,
			nil, nil, gradingWant{"", 0, 0, 2, 0, true}},
		{"each owner is a subject, longest overdue first", []quality.KnowledgeDue{
			article("b1", "bob", -time.Hour), article("a1", "ann", -time.Hour), article("a2", "ann", -48*time.Hour),
			article("c1", "cy", time.Hour)}, 1,
			[]string{"agent:ann", "agent:bob"}, []string{"a2", "a1"}, gradingWant{quality.Blue, 2, 2, 1, 24 * 3600, true}},
		{"no live articles is nothing", nil, 1, nil, nil, gradingWant{"", 0, 0, 1, 0, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th.KnowledgeStaleMin = c.min
			checks := quality.CheckStaleKnowledge(c.live, th, w)
			var subjects []string
			for _, k := range checks {
				require.Equal(t, quality.StaleKnowledge, k.Condition)
				if k.Holds() {
					subjects = append(subjects, k.Subject)
				}
			}
			require.Equal(t, c.subjects, subjects)
			assertGrading(t, checks[0], c.want)
			if c.articles == nil {
				require.Len(t, checks, 1)
				require.Nil(t, checks[0].Details.Knowledge)
				return
			}
			ev := checks[0].Details.Knowledge
			var ids []string
			for _, a := range ev.Articles {
				ids = append(ids, a.ID)
			}
			require.Equal(t, c.articles, ids)
			require.True(t, ev.OwnerActive)
		})
	}
}

// The update rate: of 4 live articles, 1 past its review — 75 % reviewed within
// their interval; ann's 1 of 2 is 50 %. A departed owner's alert says so, for the
// monitor to give it to the quality lead.
func TestKnowledgeUpdateRate(t *testing.T) {
	th := quality.DefaultRiskThresholds()
	w := quality.RiskWindowsAt(gradingAt, th)
	live := []quality.KnowledgeDue{
		{ID: "a1", Owner: "ann", OwnerActive: true, DueAt: gradingAt.Add(-time.Hour)},
		{ID: "a2", Owner: "ann", OwnerActive: true, DueAt: gradingAt.Add(time.Hour)},
		{ID: "b1", Owner: "bob", OwnerActive: true, DueAt: gradingAt.Add(time.Hour)},
		{ID: "g1", Owner: "gone", DueAt: gradingAt.Add(time.Hour)},
	}
	rate, current := quality.KnowledgeUpdateRate(live, gradingAt)
	require.Equal(t, 75.0, rate)
	require.Equal(t, int64(3), current)
	checks := quality.CheckStaleKnowledge(live, th, w)
	require.Len(t, checks, 1)
	require.Equal(t, 50.0, checks[0].Details.Knowledge.UpdateRatePct)
	require.Equal(t, 75.0, checks[0].Details.Knowledge.OverallUpdateRatePct)

	live[3].DueAt = gradingAt
	checks = quality.CheckStaleKnowledge(live, th, w)
	require.Len(t, checks, 2)
	require.Equal(t, "agent:gone", checks[1].Subject)
	require.False(t, checks[1].Details.Knowledge.OwnerActive)
	rate, _ = quality.KnowledgeUpdateRate(nil, gradingAt)
	require.Equal(t, 100.0, rate, "no article is none stale")
}
