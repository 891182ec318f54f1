package quality

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Training gaps: 002 §9.1 「蓝色风险(如培训覆盖率不足、知识库更新滞后)需24小时内完成整改方案」.
// The QA scorecards (002 §10.1: response speed 20, resolution 30, attitude 25,
// expertise 25) show what an agent — or a whole team — has not learnt yet: an
// average under the threshold on one criterion, over enough scorecards, is a blue
// alert for the team lead, who answers with a rectification (training) plan.
// Scorecards are a sample (002 「传统质检依赖人工抽检(平均抽检率10%)」), so the
// customer's own verdict is a second signal: the share of an agent's resolutions the
// customer reopened (training_reopen.go). Both grade the same alert of the subject.

// TrainingAll is the subject of the figures over every scored sample: the baseline
// a subject's averages are set against.
const TrainingAll = "all"

// TrainingScores are one subject's QA figures on one criterion over the training
// window, as the store aggregates the scored samples: how many scorecards scored the
// criterion (of how many agents), their average as % of the criterion's points on
// the scorecard each was scored on, and the samples, oldest first.
type TrainingScores struct {
	Subject    string   // "agent:<id>", "team:<id>" or TrainingAll
	Team       string   // the agent's team or the team; "" for an agent in none
	Criterion  string   // the criterion's key
	Scorecards int64    // samples that scored it
	Agents     int64    // distinct agents among them
	AveragePct float64  // rounded to 2 decimals
	Samples    []string // QA sample IDs; none for TrainingAll
}

// TrainingEvidence is what a training_gap check rests on. It names staff and QA
// samples only — never a customer — as it goes to team leads.
type TrainingEvidence struct {
	Agent      string             `json:"agent,omitempty"` // an agent's gap
	Team       string             `json:"team,omitempty"`  // the agent's team, or the team whose gap it is
	Scorecards []string           `json:"scorecards"`      // the QA samples judged (at most TrainingEvidenceMax)
	Averages   map[string]float64 `json:"averages"`        // criterion → average, % of its points
	Everyone   map[string]float64 `json:"everyone"`        // criterion → the average over every agent's samples
	Below      []string           `json:"below"`           // the criteria under the threshold, lowest first
	// The customer's reopenings of the subject's resolutions, when enough to judge.
	Reopens *ReopenEvidence `json:"reopens,omitempty"`
	// The signals that fired (TrainingSignalQA, TrainingSignalReopens), in that order.
	Signals []string `json:"signals,omitempty"`
}

// The signals a training gap rests on.
const (
	TrainingSignalQA      = "qa_criterion" // a QA criterion's average under the threshold
	TrainingSignalReopens = "reopen_rate"  // the customer reopened too many resolutions
)

// TrainingEvidenceMax bounds the scorecards an alert lists (a team's may be many);
// the counts say how many there were.
const TrainingEvidenceMax = 200

// CheckTrainingGaps grades each agent and team from the QA scores and the
// customers' reopenings of the training window: a criterion is judged over at least
// TrainingMinScorecards scorecards (a team's only when they are of two agents or
// more — one agent's gap is that agent's), and a subject whose average on a judged
// criterion is strictly under TrainingCriterionPct of its points is blue. Observed
// is the lowest such average, Threshold the %, Baseline everyone's average on that
// criterion. A subject without such a criterion is blue on its reopen rate as
// checkReopens says, which then sets the figures. One check per subject with a gap,
// ordered by subject; none found is one check without a grade.
func CheckTrainingGaps(qa []TrainingScores, reopens []TrainingReopens, t RiskThresholds, w RiskWindows) []RiskCheck {
	everyone := map[string]float64{}
	bySubject := map[string][]TrainingScores{}
	reopensOf := map[string]TrainingReopens{}
	var all TrainingReopens
	var subjects []string
	known := map[string]bool{}
	subject := func(s string) {
		if !known[s] {
			known[s] = true
			subjects = append(subjects, s)
		}
	}
	for _, s := range qa {
		if s.Subject == TrainingAll {
			everyone[s.Criterion] = s.AveragePct
			continue
		}
		subject(s.Subject)
		bySubject[s.Subject] = append(bySubject[s.Subject], s)
	}
	for _, r := range reopens {
		if r.Subject == TrainingAll {
			all = r
			continue
		}
		subject(r.Subject)
		reopensOf[r.Subject] = r
	}
	slices.Sort(subjects)
	var out []RiskCheck
	judged := 0
	for _, subject := range subjects {
		c, ok := checkTrainingSubject(subject, bySubject[subject], everyone, t, w)
		if r, found := reopensOf[subject]; found && checkReopens(&c, r, all, t) {
			ok = true
		}
		if ok {
			judged++
		}
		if c.Holds() {
			out = append(out, c)
		}
	}
	if len(out) > 0 {
		return out
	}
	return []RiskCheck{{Condition: TrainingGap, Threshold: t.TrainingCriterionPct,
		Details: RiskDetails{From: w.Training, To: w.At, Counts: map[string]int64{"judged": int64(judged)}},
		Note: fmt.Sprintf("no agent or team under %g%% on a criterion or with %g%% of its resolutions reopened; "+
			"%d of %d judged (%d scorecards needed on a criterion, %d resolutions)",
			t.TrainingCriterionPct, t.TrainingReopenPct, judged, len(subjects), t.TrainingMinScorecards, t.TrainingMinResolutions)}}
}

// checkTrainingSubject grades one subject's criteria; judged reports that at least
// one had enough scorecards.
func checkTrainingSubject(subject string, rows []TrainingScores, everyone map[string]float64, t RiskThresholds, w RiskWindows) (c RiskCheck, judged bool) {
	ev := &TrainingEvidence{Averages: map[string]float64{}, Everyone: map[string]float64{}}
	kind, id, _ := strings.Cut(subject, ":")
	if kind == "agent" {
		ev.Agent = id
	}
	var agents int64
	seen := map[string]bool{}
	for _, r := range rows {
		ev.Team = r.Team
		if r.Scorecards < t.TrainingMinScorecards || (kind == "team" && r.Agents < 2) {
			continue
		}
		judged = true
		ev.Averages[r.Criterion], ev.Everyone[r.Criterion] = r.AveragePct, everyone[r.Criterion]
		agents = max(agents, r.Agents)
		for _, id := range r.Samples {
			if !seen[id] && len(ev.Scorecards) < TrainingEvidenceMax {
				ev.Scorecards = append(ev.Scorecards, id)
			}
			seen[id] = true
		}
		if r.AveragePct < t.TrainingCriterionPct {
			ev.Below = append(ev.Below, r.Criterion)
		}
	}
	c = RiskCheck{Condition: TrainingGap, Subject: subject, Threshold: t.TrainingCriterionPct,
		Details: RiskDetails{From: w.Training, To: w.At, Training: ev, Counts: map[string]int64{
			"scorecards": int64(len(seen)), "agents": agents, "min_scorecards": t.TrainingMinScorecards,
		}}}
	if len(ev.Below) == 0 {
		return c, judged
	}
	slices.SortFunc(ev.Below, func(a, b string) int {
		return cmp.Or(cmp.Compare(ev.Averages[a], ev.Averages[b]), strings.Compare(a, b))
	})
	worst := ev.Below[0]
	c.Observed, c.Baseline = ev.Averages[worst], ev.Everyone[worst]
	var notes []string
	for _, k := range ev.Below {
		notes = append(notes, fmt.Sprintf("%s %g%%", k, ev.Averages[k]))
	}
	c.Note = fmt.Sprintf("under %g%% of the points over %d scorecards: %s", t.TrainingCriterionPct, len(seen), strings.Join(notes, ", "))
	ev.Signals = []string{TrainingSignalQA}
	return graded(c, t, Blue, t.TrainingCriterionPct), judged
}
