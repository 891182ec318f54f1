package quality

import (
	"fmt"
	"strings"
	"testing"
)

func TestQASampleSize(t *testing.T) {
	for _, tc := range []struct{ n, pct, want int }{
		{0, 10, 0}, {1, 10, 1}, {5, 10, 1}, {10, 10, 1}, {11, 10, 2}, {20, 10, 2}, {25, 10, 3}, {30, 10, 3}, {7, 100, 7},
	} {
		if got := QASampleSize(tc.n, tc.pct); got != tc.want {
			t.Errorf("QASampleSize(%d, %d) = %d, want %d", tc.n, tc.pct, got, tc.want)
		}
	}
}

func TestCheckQAScores(t *testing.T) {
	sc := DefaultQAScorecard()
	for _, tc := range []struct {
		name      string
		scores    map[string]int
		wantTotal int
		want      string
	}{
		{"full marks", map[string]int{"response_speed": 20, "resolution": 30, "attitude": 25, "expertise": 25}, 100, "[]"},
		{"some", map[string]int{"response_speed": 10, "resolution": 21, "attitude": 0, "expertise": 25}, 56, "[]"},
		{"over, missing, unknown", map[string]int{"response_speed": 21, "resolution": -1, "attitude": 25, "tone": 3}, 25,
			"[{scores.response_speed must be from 0 to 20} {scores.resolution must be from 0 to 30} {scores.expertise is required} {scores.tone is not a criterion of the scorecard}]"},
	} {
		total, problems := CheckQAScores(sc, tc.scores)
		if got := fmt.Sprint(problems); got != tc.want || total != tc.wantTotal {
			t.Errorf("%s: total %d problems %s, want %d %s", tc.name, total, got, tc.wantTotal, tc.want)
		}
	}
}

func TestCheckQAScorecard(t *testing.T) {
	for _, tc := range []struct {
		name string
		sc   QAScorecard
		want string
	}{
		{"the seed's", DefaultQAScorecard(), "[]"},
		// Characters, not bytes: 100 Chinese characters are 300 bytes.
		{"a name of 100 characters", QAScorecard{SamplePct: 5, Criteria: []QACriterion{{"speed", strings.Repeat("响", 100), 100}}}, "[]"},
		{"a name of 101 characters", QAScorecard{SamplePct: 5, Criteria: []QACriterion{{"speed", strings.Repeat("响", 101), 100}}},
			"[{criteria[0].name is required, at most 100 characters}]"},
		{"bad", QAScorecard{SamplePct: 0, Criteria: []QACriterion{{"Speed", "s", 50}, {"a", "", 0}, {"a", "b", 40}}},
			"[{criteria[0].key must be snake_case: a lower-case letter, then letters, digits or _ (at most 40)} {criteria[1].name is required, at most 100 characters} {criteria[1].points must be at least 1} {criteria[2].key is named twice} {criteria points add up to 90, not 100} {sample_pct must be from 1 to 100}]"},
	} {
		if got := fmt.Sprint(CheckQAScorecard(tc.sc)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
