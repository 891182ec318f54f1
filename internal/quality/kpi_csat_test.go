package quality_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The CSAT score is the answers' mean × 20, rounded once: 188 points over 48 answers
// is 78.33, not the rounded mean 3.92 × 20 = 78.4 — near a target the second
// rounding flips the verdict (84.93 would read 85.0, met).
func TestTheCSATScoreIsRoundedOnce(t *testing.T) {
	for _, c := range []struct {
		answers, sum int64
		mean, want   float64
	}{{48, 188, 3.92, 78.33}, {71, 301, 4.24, 84.79}} {
		var g quality.MetricsGroup
		g.Survey.OverallSatisfaction = quality.Mean{Answers: c.answers, Sum: c.sum, Mean: ptr(c.mean)}
		v := quality.CSATScore.Value(g)
		require.NotNil(t, v)
		require.Equal(t, c.want, *v, "%d over %d answers", c.sum, c.answers)
	}
	require.Nil(t, quality.CSATScore.Value(quality.MetricsGroup{}), "no answers, no score")
}
