package quality

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Quality inspection (002 §3.4, §10.1): a share of each agent's closed complaints
// is sampled into a QA queue and scored on a scorecard.

// QASampling samples closed complaints into the QA queue (a review-schedule kind;
// default every Monday at 06:00, over the previous ISO week).
const QASampling ScheduleKind = "qa_sampling"

// QACriterion is one line of the scorecard: a key, a name, its maximum points and
// the dimension it scores, if the card has dimensions (002 §10.1 《客服質檢評分表模板》
// 「四大維度,每個維度細分為3-5個具體評分項,如"服務態度"包含"語氣語調"、"同理心表達"、
// "主動關懷"等評分項」).
type QACriterion struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	Points    int    `json:"points"`
	Dimension string `json:"dimension,omitempty"`
}

// QAScorecard is what QA staff score a sampled complaint on, and the share of each
// agent's closed complaints that is sampled.
type QAScorecard struct {
	Criteria  []QACriterion `json:"criteria"`
	SamplePct int           `json:"sample_pct"`
}

// DefaultQAScorecard is the seed's scorecard (002 §10.1 客服质检评分表: 响应速度 20,
// 问题解决 30, 服务态度 25, 专业能力 25) and its 10 % sample (002 §3.4).
func DefaultQAScorecard() QAScorecard {
	return QAScorecard{SamplePct: 10, Criteria: []QACriterion{
		{Key: "response_speed", Name: "Response speed", Points: 20},
		{Key: "resolution", Name: "Resolution", Points: 30},
		{Key: "attitude", Name: "Attitude", Points: 25},
		{Key: "expertise", Name: "Expertise", Points: 25},
	}}
}

// QAScorecardTotal is the points a scorecard's criteria add up to.
const QAScorecardTotal = 100

var qaKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Problem names a field and what is wrong with it.
type Problem struct {
	Field  string
	Detail string
}

// QAMaxCriteria bounds a scorecard: room for the seed's card, four to five
// dimensions of 3 to 5 items.
const QAMaxCriteria = 25

// The items a dimension holds (002 §10.1 「每個維度細分為3-5個具體評分項」).
const (
	QAMinDimensionItems = 3
	QAMaxDimensionItems = 5
)

// CheckQAScorecard checks a scorecard: 1 to QAMaxCriteria criteria with distinct
// snake_case keys, names, points from 1 that add up to QAScorecardTotal (so a score
// reads as a percentage), and a sample of 1 to 100 %. Dimensions are optional, but a
// card that names one names one on every criterion, each a snake_case key holding
// QAMinDimensionItems to QAMaxDimensionItems criteria: the seed's template is what
// makes a dimension's points comparable between agents, and a one-item dimension
// is only a criterion.
func CheckQAScorecard(sc QAScorecard) []Problem {
	var out []Problem
	add := func(field, detail string) { out = append(out, Problem{field, detail}) }
	if len(sc.Criteria) == 0 || len(sc.Criteria) > QAMaxCriteria {
		add("criteria", fmt.Sprintf("must hold 1 to %d criteria", QAMaxCriteria))
	}
	dimensioned := slices.ContainsFunc(sc.Criteria, func(c QACriterion) bool { return c.Dimension != "" })
	sum := 0
	for i, c := range sc.Criteria {
		field := fmt.Sprintf("criteria[%d]", i)
		switch {
		case !qaKey.MatchString(c.Key):
			add(field+".key", "must be snake_case: a lower-case letter, then letters, digits or _ (at most 40)")
		case slices.ContainsFunc(sc.Criteria[:i], func(o QACriterion) bool { return o.Key == c.Key }):
			add(field+".key", "is named twice")
		}
		if strings.TrimSpace(c.Name) == "" || utf8.RuneCountInString(c.Name) > 100 {
			add(field+".name", "is required, at most 100 characters")
		}
		if c.Points < 1 {
			add(field+".points", "must be at least 1")
		}
		switch {
		case dimensioned && c.Dimension == "":
			add(field+".dimension", "is required: the other criteria name their dimension")
		case c.Dimension != "" && !qaKey.MatchString(c.Dimension):
			add(field+".dimension", "must be snake_case: a lower-case letter, then letters, digits or _ (at most 40)")
		}
		sum += c.Points
	}
	if len(sc.Criteria) > 0 && sum != QAScorecardTotal {
		add("criteria", fmt.Sprintf("points add up to %d, not %d", sum, QAScorecardTotal))
	}
	for _, d := range QADimensionsOf(sc.Criteria) {
		if d.Items < QAMinDimensionItems || d.Items > QAMaxDimensionItems {
			add("criteria", fmt.Sprintf("dimension %s must hold %d to %d criteria, not %d",
				d.Dimension, QAMinDimensionItems, QAMaxDimensionItems, d.Items))
		}
	}
	if sc.SamplePct < 1 || sc.SamplePct > 100 {
		add("sample_pct", "must be from 1 to 100")
	}
	return out
}

// QADimension is one dimension of a scorecard, or of a scored sample: its criteria,
// the points they are worth and, on a sample, the points scored on them.
type QADimension struct {
	Dimension string `json:"dimension"`
	Items     int    `json:"items"`
	Points    int    `json:"points"`
	Scored    int    `json:"scored"`
}

// QADimensionsOf are the dimensions of criteria in the order they first appear;
// none on a card without dimensions.
func QADimensionsOf(criteria []QACriterion) []QADimension {
	return QADimensionScores(criteria, nil)
}

// QADimensionScores are the dimensions of the criteria a sample was scored on, each
// with the points scored on its criteria: where a quality lead sees which part of
// the work an agent misses (002 §10.1).
func QADimensionScores(criteria []QACriterion, scores map[string]int) []QADimension {
	out := []QADimension{}
	for _, c := range criteria {
		if c.Dimension == "" {
			continue
		}
		i := slices.IndexFunc(out, func(d QADimension) bool { return d.Dimension == c.Dimension })
		if i < 0 {
			out = append(out, QADimension{Dimension: c.Dimension})
			i = len(out) - 1
		}
		out[i].Items++
		out[i].Points += c.Points
		out[i].Scored += scores[c.Key]
	}
	return out
}

// CheckQAScores checks a sample's scores against the scorecard: every criterion
// scored, from 0 to its points, and no other key. It returns the total.
func CheckQAScores(sc QAScorecard, scores map[string]int) (int, []Problem) {
	var out []Problem
	total := 0
	for _, c := range sc.Criteria {
		field := "scores." + c.Key
		got, ok := scores[c.Key]
		switch {
		case !ok:
			out = append(out, Problem{field, "is required"})
		case got < 0 || got > c.Points:
			out = append(out, Problem{field, fmt.Sprintf("must be from 0 to %d", c.Points)})
		default:
			total += got
		}
	}
	keys := make([]string, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	slices.Sort(keys) // problems in a stable order
	for _, k := range keys {
		if !slices.ContainsFunc(sc.Criteria, func(c QACriterion) bool { return c.Key == k }) {
			out = append(out, Problem{"scores." + k, "is not a criterion of the scorecard"})
		}
	}
	return total, out
}

// QASampleSize is how many of n closed complaints are sampled at pct %: rounded
// up, so every agent with a closed complaint is inspected at least once (20 → 2,
// 25 → 3, 5 → 1, 0 → 0).
func QASampleSize(n, pct int) int {
	return (n*pct + 99) / 100
}

// ClosedComplaint is a complaint closed in a sampling period, by its owner.
type ClosedComplaint struct {
	ID       string    `db:"id"`
	Agent    string    `db:"owner"`
	ClosedAt time.Time `db:"closed_at"`
	// Sampled: already in the QA queue (by this period's run or an earlier one).
	Sampled bool `db:"sampled"`
}

// PickQASample picks, for each agent, QASampleSize of their closed complaints,
// counting the ones already sampled: a second run over the same period picks
// nothing more, and never a complaint twice. The choice is deterministic — the
// unsampled complaints in order of ID (random UUIDs, so an unbiased draw).
func PickQASample(closed []ClosedComplaint, pct int) []ClosedComplaint {
	byAgent := map[string][]ClosedComplaint{}
	var agents []string
	for _, c := range closed {
		if _, ok := byAgent[c.Agent]; !ok {
			agents = append(agents, c.Agent)
		}
		byAgent[c.Agent] = append(byAgent[c.Agent], c)
	}
	slices.Sort(agents)
	var out []ClosedComplaint
	for _, a := range agents {
		cs := slices.Clone(byAgent[a])
		slices.SortFunc(cs, func(x, y ClosedComplaint) int { return strings.Compare(x.ID, y.ID) })
		want := QASampleSize(len(cs), pct)
		for _, c := range cs {
			if c.Sampled {
				want--
			}
		}
		for _, c := range cs {
			if want <= 0 {
				break
			}
			if !c.Sampled {
				out = append(out, c)
				want--
			}
		}
	}
	return out
}

// QASample is a row of the QA queue.
type QASample struct {
	ID          string     `db:"id"`
	ComplaintID string     `db:"complaint_id"`
	Agent       string     `db:"agent"`
	ClosedAt    time.Time  `db:"closed_at"`
	RunID       string     `db:"run_id"`
	PeriodFrom  time.Time  `db:"period_from"`
	PeriodTo    time.Time  `db:"period_to"`
	SampledAt   time.Time  `db:"sampled_at"`
	Scores      *string    `db:"scores"`   // JSON object: criterion key → points
	Criteria    *string    `db:"criteria"` // JSON: the scorecard's criteria it was scored on
	Total       *int       `db:"total"`
	Note        *string    `db:"note"`
	ScoredBy    *string    `db:"scored_by"`
	ScoredAt    *time.Time `db:"scored_at"`
}

// AgentQAScore is one agent's QA figures over a period: samples scored in it and
// their average total (nil when none was scored).
type AgentQAScore struct {
	Agent   string   `db:"agent" json:"agent"`
	Scored  int      `db:"scored" json:"scored"`
	Average *float64 `db:"average" json:"average"`
	// Dimensions: the agent's average per dimension of the samples scored on a card
	// with dimensions, in the card's order — which part of the work to train.
	Dimensions []AgentQADimension `db:"-" json:"dimensions,omitempty"`
}

// AgentQADimension is an agent's average on one scorecard dimension: over how many
// samples, the mean points scored and the mean points the dimension was worth (the
// same unless the card changed in the period).
type AgentQADimension struct {
	Dimension string  `db:"dimension" json:"dimension"`
	Scored    int     `db:"scored" json:"scored"`
	Average   float64 `db:"average" json:"average"`
	Points    float64 `db:"points" json:"points"`
}

// RoundedQAScores are scores with each average rounded to two decimals, as reports
// show them.
func RoundedQAScores(scores []AgentQAScore) []AgentQAScore {
	out := make([]AgentQAScore, len(scores))
	for i, s := range scores {
		out[i] = s
		if s.Average != nil {
			v := round2(*s.Average)
			out[i].Average = &v
		}
		out[i].Dimensions = slices.Clone(s.Dimensions)
		for j, d := range out[i].Dimensions {
			out[i].Dimensions[j].Average, out[i].Dimensions[j].Points = round2(d.Average), round2(d.Points)
		}
	}
	return out
}
