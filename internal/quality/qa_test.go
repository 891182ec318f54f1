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
		{"a name of 100 characters", QAScorecard{SamplePct: 5, Criteria: []QACriterion{{Key: "speed", Name: strings.Repeat("响", 100), Points: 100}}}, "[]"},
		{"a name of 101 characters", QAScorecard{SamplePct: 5, Criteria: []QACriterion{{Key: "speed", Name: strings.Repeat("响", 101), Points: 100}}},
			"[{criteria[0].name is required, at most 100 characters}]"},
		{"bad", QAScorecard{SamplePct: 0, Criteria: []QACriterion{{Key: "Speed", Name: "s", Points: 50}, {Key: "a", Points: 0}, {Key: "a", Name: "b", Points: 40}}},
			"[{criteria[0].key must be snake_case: a lower-case letter, then letters, digits or _ (at most 40)} {criteria[1].name is required, at most 100 characters} {criteria[1].points must be at least 1} {criteria[2].key is named twice} {criteria points add up to 90, not 100} {sample_pct must be from 1 to 100}]"},
	} {
		if got := fmt.Sprint(CheckQAScorecard(tc.sc)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// sourceCard is a card shaped as the seed's template (002 §10.1): four dimensions
// worth 20, 30, 25 and 25, four items each (服务态度: 语气语调, 同理心表达, 主动关怀, …).
func sourceCard() QAScorecard {
	sc := QAScorecard{SamplePct: 10}
	for _, d := range []struct {
		key    string
		points []int
	}{{"response_speed", []int{5, 5, 5, 5}}, {"resolution", []int{10, 10, 5, 5}},
		{"attitude", []int{7, 6, 6, 6}}, {"expertise", []int{7, 6, 6, 6}}} {
		for i, p := range d.points {
			key := fmt.Sprintf("%s_%d", d.key, i+1)
			sc.Criteria = append(sc.Criteria, QACriterion{Key: key, Name: key, Points: p, Dimension: d.key})
		}
	}
	return sc
}

func TestQAScorecardDimensions(t *testing.T) {
	card := sourceCard()
	if got := fmt.Sprint(CheckQAScorecard(card)); got != "[]" {
		t.Fatalf("the source's 4×4 card: %s, want no problem", got)
	}
	if got := fmt.Sprint(QADimensionsOf(card.Criteria)); got != "[{response_speed 4 20 0} {resolution 4 30 0} {attitude 4 25 0} {expertise 4 25 0}]" {
		t.Errorf("dimensions of the card: %s", got)
	}
	scores := map[string]int{}
	for _, c := range card.Criteria {
		scores[c.Key] = c.Points
	}
	scores["attitude_2"], scores["resolution_1"] = 0, 4 // 同理心表达 missed; a resolution item in part
	total, problems := CheckQAScores(card, scores)
	dims := fmt.Sprint(QADimensionScores(card.Criteria, scores))
	if total != 88 || len(problems) != 0 || dims != "[{response_speed 4 20 20} {resolution 4 30 24} {attitude 4 25 19} {expertise 4 25 25}]" {
		t.Errorf("scored: total %d %v, dimensions %s", total, problems, dims)
	}
	if got := QADimensionScores(DefaultQAScorecard().Criteria, scores); len(got) != 0 {
		t.Errorf("a card without dimensions has none: %v", got)
	}

	// 25 criteria fit: five dimensions of five, 4 points each.
	var five QAScorecard
	five.SamplePct = 10
	for i := range 25 {
		five.Criteria = append(five.Criteria, QACriterion{Key: fmt.Sprintf("c%d", i), Name: "c", Points: 4, Dimension: fmt.Sprintf("d%d", i/5)})
	}
	if got := fmt.Sprint(CheckQAScorecard(five)); got != "[]" {
		t.Errorf("25 criteria in 5 dimensions: %s", got)
	}
	five.Criteria = append(five.Criteria, QACriterion{Key: "c25", Name: "c", Points: 1, Dimension: "d5"})
	if got := fmt.Sprint(CheckQAScorecard(five)); !strings.HasPrefix(got, "[{criteria must hold 1 to 25 criteria}") {
		t.Errorf("26 criteria: %s", got)
	}

	// Every bad criterion is named at its field, every bad dimension in the criteria.
	bad := sourceCard()
	bad.Criteria[1].Dimension = ""           // the others name theirs
	bad.Criteria[5].Dimension = "Resolution" // not a key, and a dimension of one
	bad.Criteria = append(bad.Criteria, QACriterion{Key: "attitude_5", Name: "a", Points: 1, Dimension: "attitude"},
		QACriterion{Key: "attitude_6", Name: "a", Points: 1, Dimension: "attitude"}) // six items
	want := "[{criteria[1].dimension is required: the other criteria name their dimension}" +
		" {criteria[5].dimension must be snake_case: a lower-case letter, then letters, digits or _ (at most 40)}" +
		" {criteria points add up to 102, not 100}" +
		" {criteria dimension Resolution must hold 3 to 5 criteria, not 1}" +
		" {criteria dimension attitude must hold 3 to 5 criteria, not 6}]"
	if got := fmt.Sprint(CheckQAScorecard(bad)); got != want {
		t.Errorf("bad dimensions:\n%s\nwant\n%s", got, want)
	}
}
