package quality

import (
	"cmp"
	"math"
	"slices"
)

// Per-agent performance (002 §3.3, §7.2): the daily efficiency view and the monthly
// "service star" (服务之星) ranking, both over the complaints each agent owns.

// Unassigned is the owner key of complaints nobody owns; it is not an agent, so it
// is neither in the efficiency view nor ranked.
const Unassigned = "unassigned"

// StarWeights weigh the service-star inputs, as the seed's performance bonus does
// (002 §3.3: service quality 40 %, customer satisfaction 30 %, resolution rate 20 %,
// teamwork 10 %). They need not add up to 100: a score divides by the weights of
// the inputs it has.
type StarWeights struct {
	Quality      float64 `json:"quality"`
	Satisfaction float64 `json:"satisfaction"`
	Resolution   float64 `json:"resolution"`
	Teamwork     float64 `json:"teamwork"`
}

// DefaultStarWeights are the seed's weights.
func DefaultStarWeights() StarWeights {
	return StarWeights{Quality: 40, Satisfaction: 30, Resolution: 20, Teamwork: 10}
}

// StarInputs are one agent's inputs to the ranking, each 0–100 or nil when there
// is nothing to measure it by:
//
//   - Quality: the agent's mean QA score (quality inspection, issue 15 item 6); nil
//     until QA scores exist.
//   - Satisfaction: CSAT % satisfied of the answers to the agent's complaints.
//   - Resolution: the resolution rate of the agent's complaints (resolved of those
//     due, MetricsGroup.Value).
//   - Teamwork: always nil — nothing the system records measures one agent helping
//     another (docs/metrics.md says why no stand-in is used).
type StarInputs struct {
	Quality      *float64 `json:"quality"`
	Satisfaction *float64 `json:"satisfaction"`
	Resolution   *float64 `json:"resolution"`
	Teamwork     *float64 `json:"teamwork"`
}

// StarEntry is one agent in the ranking.
type StarEntry struct {
	Rank   int        `json:"rank"`
	Owner  string     `json:"owner"`
	Volume int64      `json:"volume"`
	Inputs StarInputs `json:"inputs"`
	// Score is Σ weight × input ÷ Σ weight over the inputs the agent has (a weight
	// of 0 leaves its input out), rounded to 2 decimals; nil without any.
	Score *float64 `json:"score"`
}

// StarScore is the weighted mean of the inputs that are present.
func StarScore(in StarInputs, w StarWeights) *float64 {
	var sum, weight float64
	for _, p := range []struct {
		v *float64
		w float64
	}{{in.Quality, w.Quality}, {in.Satisfaction, w.Satisfaction}, {in.Resolution, w.Resolution}, {in.Teamwork, w.Teamwork}} {
		if p.v != nil && p.w > 0 {
			sum += p.w * *p.v
			weight += p.w
		}
	}
	if weight == 0 {
		return nil
	}
	score := math.Round(sum/weight*100) / 100
	return &score
}

// RankStars ranks the agents of a month's report grouped by owner: each agent's
// inputs from its group and qa (mean QA score per owner, possibly empty), scored by
// w; highest score first, then more complaints, then owner. Agents without a score
// come last, unranked (Rank 0). Equal scores share a rank (1, 1, 3).
func RankStars(groups []MetricsGroup, qa map[string]float64, w StarWeights) []StarEntry {
	out := []StarEntry{}
	for _, g := range groups {
		if g.Key == Unassigned {
			continue
		}
		in := StarInputs{Satisfaction: g.CSATSatisfiedPct, Resolution: g.Value(ResolutionRate)}
		if q, ok := qa[g.Key]; ok {
			in.Quality = &q
		}
		out = append(out, StarEntry{Owner: g.Key, Volume: g.Volume, Inputs: in, Score: StarScore(in, w)})
	}
	slices.SortFunc(out, func(a, b StarEntry) int {
		switch {
		case a.Score == nil && b.Score != nil:
			return 1
		case a.Score != nil && b.Score == nil:
			return -1
		case a.Score != nil && *a.Score != *b.Score:
			return cmp.Compare(*b.Score, *a.Score)
		}
		return cmp.Or(cmp.Compare(b.Volume, a.Volume), cmp.Compare(a.Owner, b.Owner))
	})
	for i := range out {
		switch {
		case out[i].Score == nil:
		case i > 0 && out[i-1].Score != nil && *out[i-1].Score == *out[i].Score:
			out[i].Rank = out[i-1].Rank
		default:
			out[i].Rank = i + 1
		}
	}
	return out
}

// Efficiency is one agent's row of the daily efficiency view (002 §7.2 《效能分析
// 仪表盘》: per-agent volume and handling time), over the complaints the agent owns
// that were filed in the period.
type Efficiency struct {
	Owner string `json:"owner"`
	// Handled is how many complaints the agent owns; Resolved how many of them are resolved.
	Handled  int64 `json:"handled"`
	Resolved int64 `json:"resolved"`
	// HandlingSeconds is the median resolution time, net of pauses (resolution_seconds p50).
	HandlingSeconds  *float64 `json:"handling_seconds"`
	SLACompliancePct *float64 `json:"sla_compliance_pct"`
	CSATSatisfiedPct *float64 `json:"csat_satisfied_pct"`
	// QAScore is the agent's mean QA score (0–100); nil until quality inspection
	// (issue 15 item 6) scores the agent's complaints.
	QAScore *float64 `json:"qa_score"`
}

// EfficiencyOf is the efficiency view of a report grouped by owner, agents sorted by
// owner, with qa the mean QA score per owner (possibly empty).
func EfficiencyOf(groups []MetricsGroup, qa map[string]float64) []Efficiency {
	out := []Efficiency{}
	for _, g := range groups {
		if g.Key == Unassigned {
			continue
		}
		e := Efficiency{Owner: g.Key, Handled: g.Volume, Resolved: g.Resolved, HandlingSeconds: g.ResolutionSeconds.P50,
			SLACompliancePct: g.SLACompliancePct, CSATSatisfiedPct: g.CSATSatisfiedPct}
		if q, ok := qa[g.Key]; ok {
			e.QAScore = &q
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Efficiency) int { return cmp.Compare(a.Owner, b.Owner) })
	return out
}
