package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The QA fixture samples complaints of the metrics fixture and scores them at
// fixed times; the agent is whom the sample was taken of, which is not always the
// complaint's owner now (C7 has none).
//
//	sample  agent  scored             total  category   team
//	C1      ann    5 Mar              80     product    care
//	C3      ann    10 Mar             91     service    care
//	C5      ann    1 Apr 00:00        10     —          —      (at `to`: out)
//	C2      bob    31 Mar 23:59:59    70     product    care
//	C4      bob    1 Mar 00:00        65     service    logi   (at `from`: in)
//	C11     bob    31 Mar 23:00       71     logistics  logi
//	C6      bob    never              —                         (unscored: out)
//	C7      cid    20 Mar             50     product    (none)
//
// In March: ann 2 samples, (80+91)/2 = 85.5; bob 3, (70+65+71)/3 = 68.666…
// (68.67 rounded); cid 1, 50; all 6, 427/6 = 71.1666… (71.17).
var qaFixture = []struct {
	complaint, agent string
	scored           time.Time // zero: not scored
	total            int
}{
	{"C1", "ann", fxDay(5), 80},
	{"C3", "ann", fxDay(10), 91},
	{"C5", "ann", metricsTo, 10},
	{"C2", "bob", metricsTo.Add(-time.Second), 70},
	{"C4", "bob", metricsFrom, 65},
	{"C11", "bob", metricsTo.Add(-time.Hour), 71},
	{"C6", "bob", time.Time{}, 0},
	{"C7", "cid", fxDay(20), 50},
}

// insertQAFixture samples and scores the fixture through the store's own writes.
func insertQAFixture(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	sc := quality.DefaultQAScorecard()
	for _, f := range qaFixture {
		var id string
		if err := st.DB().Get(&id, `SELECT id FROM complaints WHERE external_id = $1`, "metrics-"+f.complaint); err != nil {
			t.Fatalf("%s: %v", f.complaint, err)
		}
		closed := []quality.ClosedComplaint{{ID: id, Agent: f.agent, ClosedAt: metricsFrom}}
		if n, err := st.AddQASamples(ctx, "run-1", metricsFrom, metricsTo, closed); err != nil || n != 1 {
			t.Fatalf("sample %s: added %d, %v", f.complaint, n, err)
		}
		if f.scored.IsZero() {
			continue
		}
		var sample string
		if err := st.DB().Get(&sample, `SELECT id FROM qa_samples WHERE complaint_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		// Spread the total over the scorecard's criteria, each up to its points.
		scores, left := map[string]int{}, f.total
		for _, c := range sc.Criteria {
			scores[c.Key] = min(left, c.Points)
			left -= scores[c.Key]
		}
		if _, err := st.ScoreQASample(ctx, sample, sc.Criteria, scores, f.total, nil, "qa1", f.scored); err != nil {
			t.Fatalf("score %s: %v", f.complaint, err)
		}
	}
}

func TestQAScoresMatchTheHandComputedFixture(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	insertMetricsFixture(t, st)
	insertQAFixture(t, st)

	scores, err := st.QAScores(ctx, metricsFrom, metricsTo)
	if err != nil {
		t.Fatal(err)
	}
	want := []quality.AgentQAScore{{Agent: "ann", Scored: 2, Average: fxNum(85.5)},
		{Agent: "bob", Scored: 3, Average: fxNum(206.0 / 3)}, {Agent: "cid", Scored: 1, Average: fxNum(50)}}
	if len(scores) != len(want) {
		t.Fatalf("QA scores %s, want %s", fmtQA(scores), fmtQA(want))
	}
	for i := range want {
		if scores[i].Agent != want[i].Agent || scores[i].Scored != want[i].Scored || scores[i].Average == nil ||
			!sameMetric(*scores[i].Average, *want[i].Average) {
			t.Errorf("QA scores %s, want %s", fmtQA(scores), fmtQA(want))
		}
	}
	if got := fmtQA(quality.RoundedQAScores(scores)); got != "[ann 2 85.5] [bob 3 68.67] [cid 1 50]" {
		t.Errorf("rounded: %s", got)
	}

	byAgent, err := st.AgentQAScores(ctx, metricsFrom, metricsTo)
	if err != nil {
		t.Fatal(err)
	}
	if len(byAgent) != 3 || !sameMetric(byAgent["ann"], 85.5) || !sameMetric(byAgent["bob"], 206.0/3) ||
		!sameMetric(byAgent["cid"], 50.0) {
		t.Errorf("AgentQAScores %v", byAgent)
	}

	// The bounds: from is in and to is out, for the samples' scored time.
	if s, err := st.QAScores(ctx, metricsTo, metricsTo.AddDate(0, 1, 0)); err != nil || fmtQA(s) != "[ann 1 10]" {
		t.Errorf("April: %s, %v", fmtQA(s), err)
	}
	// A period with none scored: no agent, not agents with null scores.
	if s, err := st.QAScores(ctx, metricsFrom.AddDate(-1, 0, 0), metricsFrom); err != nil || s == nil || len(s) != 0 {
		t.Errorf("a year before: %v, %v", s, err)
	}
	if m, err := st.AgentQAScores(ctx, metricsFrom.AddDate(-1, 0, 0), metricsFrom); err != nil || len(m) != 0 {
		t.Errorf("a year before: %v, %v", m, err)
	}
}

// TestMetricsCarryTheQAScores checks qa_scored and qa_score of the metrics: the
// total over every sample scored in the period, the owner groups by the sample's
// agent (cid owns no complaint of the cohort, so has no group; unassigned has no
// sample), other groupings by the sampled complaint's row.
func TestMetricsCarryTheQAScores(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	insertMetricsFixture(t, st)
	insertQAFixture(t, st)

	type qa struct {
		scored int64
		score  *float64
	}
	want := map[string]map[string]qa{
		"":      {},
		"owner": {"ann": {2, fxNum(85.5)}, "bob": {3, fxNum(68.67)}, "unassigned": {0, nil}},
		"category": {"logistics": {1, fxNum(71)}, "product": {3, fxNum(66.67)}, // (80+70+50)/3
			"service": {2, fxNum(78)}}, // (91+65)/2
		"team": {"care": {3, fxNum(80.33)}, "logi": {2, fxNum(68)}, "unassigned": {1, fxNum(50)}}, // (80+91+70)/3, (65+71)/2
	}
	for by, groups := range want {
		r, err := st.Metrics(ctx, metricsFrom, metricsTo, by)
		if err != nil {
			t.Fatal(err)
		}
		if r.Total.QAScored != 6 || r.Total.QAScore == nil || !sameMetric(*r.Total.QAScore, 71.17) {
			t.Errorf("group by %q: total %d %v, want 6 71.17", by, r.Total.QAScored, fmtNum(r.Total.QAScore))
		}
		if len(r.Groups) != len(groups) {
			t.Errorf("group by %q: %d groups, want %d", by, len(r.Groups), len(groups))
		}
		for _, g := range r.Groups {
			w, ok := groups[g.Key]
			if !ok {
				t.Errorf("group by %q: unexpected group %q", by, g.Key)
				continue
			}
			if g.QAScored != w.scored || fmtNum(g.QAScore) != fmtNum(w.score) {
				t.Errorf("group by %q = %s: QA %d %s, want %d %s", by, g.Key, g.QAScored, fmtNum(g.QAScore), w.scored, fmtNum(w.score))
			}
		}
	}

	// A month before: nothing scored, so 0 and null (not 0 points).
	r, err := st.Metrics(ctx, metricsFrom.AddDate(0, -1, 0), metricsFrom, "owner")
	if err != nil {
		t.Fatal(err)
	}
	if r.Total.QAScored != 0 || r.Total.QAScore != nil {
		t.Errorf("February: total QA %d %s", r.Total.QAScored, fmtNum(r.Total.QAScore))
	}
}

func fmtNum(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

func fmtQA(s []quality.AgentQAScore) string {
	out := ""
	for i, q := range s {
		if i > 0 {
			out += " "
		}
		out += fmt.Sprintf("[%s %d %s]", q.Agent, q.Scored, fmtNum(q.Average))
	}
	return out
}

// TestQAScoresAverageEachDimension: an agent's samples scored on a card with
// dimensions carry the agent's average per dimension, in the card's order; a
// sample scored on a card without dimensions counts in the total only.
func TestQAScoresAverageEachDimension(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	insertMetricsFixture(t, st)
	card := []quality.QACriterion{
		{Key: "first_reply", Name: "首次响应", Points: 10, Dimension: "speed"},
		{Key: "updates", Name: "进度告知", Points: 5, Dimension: "speed"},
		{Key: "tone", Name: "语气语调", Points: 10, Dimension: "care"},
		{Key: "empathy", Name: "同理心表达", Points: 10, Dimension: "care"},
		{Key: "closing", Name: "结束语", Points: 5, Dimension: "speed"},
		{Key: "proactive", Name: "主动关怀", Points: 10, Dimension: "care"},
		{Key: "fixed", Name: "问题解决", Points: 50, Dimension: "skill"},
	}
	score := func(complaint, agent string, criteria []quality.QACriterion, scores map[string]int) {
		t.Helper()
		var id string
		if err := st.DB().Get(&id, `SELECT id FROM complaints WHERE external_id = $1`, "metrics-"+complaint); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddQASamples(ctx, "run-1", metricsFrom, metricsTo, []quality.ClosedComplaint{{ID: id, Agent: agent, ClosedAt: metricsFrom}}); err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, v := range scores {
			total += v
		}
		if _, err := st.ScoreQASample(ctx, uuidOfSample(t, st, id), criteria, scores, total, nil, "qa1", fxDay(5)); err != nil {
			t.Fatal(err)
		}
	}
	score("C1", "ann", card, map[string]int{"first_reply": 10, "updates": 5, "closing": 5, "fixed": 50}) // no care
	score("C3", "ann", card, map[string]int{"first_reply": 5, "updates": 5, "closing": 0, "tone": 10, "empathy": 10, "proactive": 10, "fixed": 40})
	score("C2", "bob", quality.DefaultQAScorecard().Criteria, map[string]int{"response_speed": 20, "resolution": 30, "attitude": 25, "expertise": 5})

	plain, err := st.QAScores(ctx, metricsFrom, metricsTo)
	if err != nil || len(plain) != 2 || plain[0].Dimensions != nil || plain[1].Dimensions != nil {
		t.Errorf("QAScores, which no reader of dimensions calls, has them: %v %v", plain, err)
	}
	scores, err := st.QAScoresByDimension(ctx, metricsFrom, metricsTo)
	if err != nil {
		t.Fatal(err)
	}
	// ann: speed (20+10)/2 of 20, care (0+30)/2 of 30, skill (50+40)/2 of 50.
	if len(scores) != 2 || fmt.Sprint(scores[0].Dimensions) != "[{speed 2 15 20} {care 2 15 30} {skill 2 45 50}]" ||
		!sameMetric(*scores[0].Average, 75.0) || scores[1].Dimensions != nil || !sameMetric(*scores[1].Average, 80.0) {
		t.Errorf("QA scores by dimension: %s %v", fmtQA(scores), scores)
	}
}

func uuidOfSample(t *testing.T, st *store.Store, complaintID string) string {
	t.Helper()
	var id string
	if err := st.DB().Get(&id, `SELECT id FROM qa_samples WHERE complaint_id = $1`, complaintID); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestMergeQADimensionsSkipsAnAgentWithoutScores: a dimension row of an agent the
// scores do not hold (a sample scored between two reads) is dropped, not a panic.
func TestMergeQADimensionsSkipsAnAgentWithoutScores(t *testing.T) {
	scores := []quality.AgentQAScore{{Agent: "ann", Scored: 1}}
	got := store.MergeQADimensions(scores, [2]string{"ann", "speed"}, [2]string{"zoe", "care"})
	if len(got) != 1 || len(got[0].Dimensions) != 1 || got[0].Dimensions[0].Dimension != "speed" {
		t.Errorf("merged %v", got)
	}
}
