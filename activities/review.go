package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// ReviewStore is what the review activities need of the system of record.
type ReviewStore interface {
	ReviewRules(ctx context.Context) (quality.ReviewRules, error)
	Metrics(ctx context.Context, from, to time.Time, groupBy string) (quality.MetricsReport, error)
	KeywordCounts(ctx context.Context, from, to time.Time, min int) ([]quality.KeywordCount, error)
	KeywordTrends(ctx context.Context, source string, prevFrom, from, to time.Time, limit int) ([]quality.KeywordTrend, error)
	BacklogTracking(ctx context.Context, from, to time.Time, zone string) (quality.BacklogTracking, error)
	OpenCycles(ctx context.Context) ([]quality.OpenCycle, error)
	RecordReview(ctx context.Context, r quality.Review) error
	FinishReview(ctx context.Context, id, opportunities, summary string, at time.Time) error
	KPITargets(ctx context.Context) (quality.KPITargets, error)
	QAScores(ctx context.Context, from, to time.Time) ([]quality.AgentQAScore, error)
}

// ReviewPeriod is one review run: the review's ID (its workflow ID), the schedule
// that started it, the period it judges, [From, To), and the period before,
// [PrevFrom, From), it compares with. The workflow computes the periods in the
// schedule's time zone.
type ReviewPeriod struct {
	ReviewID   string
	ScheduleID string
	Kind       quality.ScheduleKind
	TimeZone   string
	PrevFrom   time.Time
	From       time.Time
	To         time.Time
	StartedAt  time.Time
}

// Opportunity is an improvement opportunity a monthly planning review found, as the
// review row records it, with the PDCA cycle that takes it on.
type Opportunity struct {
	Key      string         `json:"key"`
	Rule     string         `json:"rule"`
	Title    string         `json:"title"`
	Evidence string         `json:"evidence"`
	Metric   quality.Metric `json:"metric"`
	Category string         `json:"category,omitempty"`
	Keyword  string         `json:"keyword,omitempty"`
	Baseline *float64       `json:"baseline"`
	Target   *float64       `json:"target"`
	CycleID  string         `json:"cycle_id,omitempty"`
	// CycleOpened is true when this review opened the cycle, false when a cycle
	// already open for the same opportunity covers it; nil before proposing.
	CycleOpened *bool `json:"cycle_opened,omitempty"`
}

// OpportunityOf is the record of a proposal and the cycle ProposeCycle answered.
func OpportunityOf(p Proposal, c *ProposedCycle) Opportunity {
	o := Opportunity{
		Key: p.Key, Rule: p.Rule, Title: p.Title, Evidence: p.Evidence, Metric: p.Metric,
		Category: p.Category, Keyword: p.Keyword, Baseline: p.Baseline, Target: p.Target,
	}
	if c != nil {
		created := c.Created
		o.CycleID, o.CycleOpened = c.CycleID, &created
	}
	return o
}

// PlanningResult is what a monthly planning review found: the period's volume and
// one proposal per opportunity, in rule order.
type PlanningResult struct {
	Volume    int64
	Proposals []Proposal
	// What customers said outside complaints (002 §3.4): the period's most frequent
	// feedback keywords against the period before, and the improvement list at the
	// period's end. Empty in histories recorded before the planning review read them.
	FeedbackKeywords []quality.KeywordTrend   `json:",omitempty"`
	Backlog          *quality.BacklogTracking `json:",omitempty"`
	// QAScores are each agent's QA samples scored in the period and their average
	// (quality inspection feeds the review, 002 §10.1). Empty in histories recorded
	// before the planning review read them, and when nothing was scored.
	QAScores []quality.AgentQAScore `json:",omitempty"`
}

// planningFeedbackKeywords is how many feedback keywords a planning review reports.
const planningFeedbackKeywords = 5

// The opportunity rules, as Proposal.Rule and the first part of Proposal.Key.
const (
	RuleResolutionRate = "resolution_rate"
	RuleSLACompliance  = "sla_compliance"
	RuleKeywordCluster = "keyword_cluster"
	RuleCSATDrop       = "csat_drop"
	// RuleSatisfactionSlipping is 002 §6.3's trigger: satisfaction 10 % under its
	// standing target two months running.
	RuleSatisfactionSlipping = "satisfaction_slipping"
)

// PlanningReview computes the period's metrics per category and in total, the
// period before (for the CSAT drop) and the recurring keywords, applies the review
// rules, and records the review with what it found. A retry recomputes and rewrites
// the same row.
func (a *Activities) PlanningReview(ctx context.Context, in ReviewPeriod) (PlanningResult, error) {
	rules, err := a.Reviews.ReviewRules(ctx)
	if err != nil {
		return PlanningResult{}, err
	}
	cur, err := a.Reviews.Metrics(ctx, in.From, in.To, "category")
	if err != nil {
		return PlanningResult{}, err
	}
	prev, err := a.Reviews.Metrics(ctx, in.PrevFrom, in.From, "")
	if err != nil {
		return PlanningResult{}, err
	}
	keywords := []quality.KeywordCount{}
	if rules.KeywordClusterEnabled {
		if keywords, err = a.Reviews.KeywordCounts(ctx, in.From, in.To, rules.KeywordClusterMin); err != nil {
			return PlanningResult{}, err
		}
	}
	feedback, err := a.Reviews.KeywordTrends(ctx, "feedback", in.PrevFrom, in.From, in.To, planningFeedbackKeywords)
	if err != nil {
		return PlanningResult{}, err
	}
	backlog, err := a.Reviews.BacklogTracking(ctx, in.From, in.To, in.TimeZone)
	if err != nil {
		return PlanningResult{}, err
	}
	qa, err := a.Reviews.QAScores(ctx, in.From, in.To)
	if err != nil {
		return PlanningResult{}, err
	}
	qa = quality.RoundedQAScores(qa)
	proposals := FindOpportunities(rules, in, cur, prev.Total, keywords)
	targets, err := a.Reviews.KPITargets(ctx)
	if err != nil {
		return PlanningResult{}, err
	}
	if p, ok := SatisfactionOpportunity(rules, in, targets, prev.Total, cur.Total); ok {
		proposals = append(proposals, p)
	}
	opps := make([]Opportunity, len(proposals))
	for i, p := range proposals {
		opps[i] = OpportunityOf(p, nil)
	}
	metrics, err := json.Marshal(map[string]any{"current": cur, "previous": prev, "keywords": keywords, "rules": rules,
		"feedback_keywords": feedback, "backlog": backlog, "qa_scores": qa})
	if err != nil {
		return PlanningResult{}, err
	}
	oppsJSON, err := json.Marshal(opps)
	if err != nil {
		return PlanningResult{}, err
	}
	err = a.Reviews.RecordReview(ctx, quality.Review{
		ID: in.ReviewID, ScheduleID: in.ScheduleID, Kind: in.Kind, TimeZone: in.TimeZone,
		PeriodFrom: in.From, PeriodTo: in.To, StartedAt: in.StartedAt,
		Metrics: string(metrics), Opportunities: string(oppsJSON),
	})
	if err != nil {
		return PlanningResult{}, err
	}
	return PlanningResult{Volume: cur.Total.Volume, Proposals: proposals, FeedbackKeywords: feedback, Backlog: &backlog, QAScores: qa}, nil
}

// FindOpportunities applies the rules to a period's metrics (cur, grouped by
// category), the previous period's total and the period's keyword counts:
//
//   - resolution_rate: a category with at least MinVolume complaints due resolved
//     under the target — resolved of those due, so complaints still within their
//     deadline do not count against it (baseline its rate, target the rule's);
//   - sla_compliance: the same for SLA compliance, on at least MinVolume complaints
//     whose clocks were judged;
//   - keyword_cluster: a keyword carried by at least KeywordClusterMin complaints
//     (metric keyword_volume, baseline the count, target KeywordClusterMin − 1: the
//     keyword no longer forms a cluster);
//   - csat_drop: CSAT % satisfied of all complaints down at least CSATDropPoints
//     from the period before, both periods with at least MinVolume answers (baseline
//     this period's, target the previous period's: recover what was lost).
//
// Strictly under a target is an opportunity; at the target is not.
func FindOpportunities(rules quality.ReviewRules, in ReviewPeriod, cur quality.MetricsReport, prev quality.MetricsGroup, keywords []quality.KeywordCount) []Proposal {
	common := func(p Proposal) Proposal {
		p.ReviewID, p.CheckSpec, p.TimeZone, p.MaxIterations = in.ReviewID, rules.CheckSpec, in.TimeZone, rules.MaxIterations
		p.PeriodFrom, p.PeriodTo = in.From, in.To
		return p
	}
	var out []Proposal
	categoryRule := func(rule string, m quality.Metric, enabled bool, target float64, what string, counts func(quality.MetricsGroup) string) {
		if !enabled {
			return
		}
		for _, g := range cur.Groups {
			v := g.Value(m)
			// Judged on the figure's own samples: 2 complaints due among 200 filed
			// are no resolution rate to plan on.
			if g.Samples(m) < int64(rules.MinVolume) || v == nil || *v >= target {
				continue
			}
			out = append(out, common(Proposal{
				Key: rule + "/category:" + g.Key, Rule: rule, Metric: m, Category: g.Key,
				Title:    fmt.Sprintf("Raise the %s %s to %s %%", g.Key, what, reviewNum(target)),
				Evidence: fmt.Sprintf("%s %s %s %% < %s %% (%s)", g.Key, what, reviewNum(*v), reviewNum(target), counts(g)),
				Baseline: reviewPtr(*v), Target: reviewPtr(target),
			}))
		}
	}
	categoryRule(RuleResolutionRate, quality.ResolutionRate, rules.ResolutionRateEnabled, rules.ResolutionRateTargetPct,
		"resolution rate", func(g quality.MetricsGroup) string {
			return fmt.Sprintf("%d resolved of %d due", g.Resolved, g.ResolutionDue)
		})
	categoryRule(RuleSLACompliance, quality.SLACompliance, rules.SLAComplianceEnabled, rules.SLAComplianceTargetPct,
		"SLA compliance", func(g quality.MetricsGroup) string { return fmt.Sprintf("%d of %d met", g.SLAMet, g.SLAKnown) })

	if rules.KeywordClusterEnabled {
		for _, k := range keywords {
			if k.Complaints < int64(rules.KeywordClusterMin) {
				continue
			}
			out = append(out, common(Proposal{
				Key: RuleKeywordCluster + "/keyword:" + k.Keyword, Rule: RuleKeywordCluster, Metric: quality.KeywordVolume,
				Keyword:  k.Keyword,
				Title:    fmt.Sprintf("Reduce complaints about %q", k.Keyword),
				Evidence: fmt.Sprintf("keyword %q in %d complaints (cluster at %d)", k.Keyword, k.Complaints, rules.KeywordClusterMin),
				Baseline: reviewPtr(float64(k.Complaints)), Target: reviewPtr(float64(rules.KeywordClusterMin - 1)),
			}))
		}
	}

	now, before := cur.Total.CSATSatisfiedPct, prev.CSATSatisfiedPct
	if rules.CSATDropEnabled && now != nil && before != nil &&
		cur.Total.CSATAnswers >= int64(rules.MinVolume) && prev.CSATAnswers >= int64(rules.MinVolume) {
		if drop := math.Round((*before-*now)*100) / 100; drop >= rules.CSATDropPoints {
			out = append(out, common(Proposal{
				Key: RuleCSATDrop + "/all", Rule: RuleCSATDrop, Metric: quality.CSATSatisfied,
				Title: fmt.Sprintf("Recover CSAT to %s %% satisfied", reviewNum(*before)),
				Evidence: fmt.Sprintf("CSAT %s %% satisfied (%d of %d answers) vs %s %% the period before: down %s points (threshold %s)",
					reviewNum(*now), cur.Total.CSATSatisfied, cur.Total.CSATAnswers, reviewNum(*before), reviewNum(drop), reviewNum(rules.CSATDropPoints)),
				Baseline: reviewPtr(*now), Target: reviewPtr(*before),
			}))
		}
	}
	return out
}

// SatisfactionOpportunity is 002 §6.3's adjustment trigger 「客户满意度连续两个月低于
// 目标值10%」: complaint-handling satisfaction (CSAT % satisfied) under 90 % of its
// standing KPI target in the period before and in the period, each with at least
// MinVolume answers. The cycle it proposes raises satisfaction from this period's
// value to the target.
func SatisfactionOpportunity(rules quality.ReviewRules, in ReviewPeriod, targets quality.KPITargets, prev, cur quality.MetricsGroup) (Proposal, bool) {
	t, v, ok := quality.SatisfactionSlipping(targets, [2]quality.MetricsGroup{prev, cur}, int64(rules.MinVolume))
	if !ok {
		return Proposal{}, false
	}
	return Proposal{
		Key: RuleSatisfactionSlipping + "/all", Rule: RuleSatisfactionSlipping, Metric: quality.CSATSatisfied,
		Title: fmt.Sprintf("Bring satisfaction back to its %s %% target", reviewNum(t.Target)),
		Evidence: fmt.Sprintf("satisfaction %s %% then %s %% (%d of %d answers): two periods running under 90 %% of the %s %% target (%s %%)",
			reviewNum(v[0]), reviewNum(v[1]), cur.CSATSatisfied, cur.CSATAnswers, reviewNum(t.Target), reviewNum(t.Target*0.9)),
		Baseline: reviewPtr(v[1]), Target: reviewPtr(t.Target),
		ReviewID: in.ReviewID, CheckSpec: rules.CheckSpec, TimeZone: in.TimeZone, MaxIterations: rules.MaxIterations,
		PeriodFrom: in.From, PeriodTo: in.To,
	}, true
}

func reviewNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func reviewPtr[T any](v T) *T { return &v }

// PeriodFigures are the headline figures of one period.
type PeriodFigures struct {
	Volume            int64    `json:"volume"`
	ResolutionRatePct *float64 `json:"resolution_rate_pct"`
	SLACompliancePct  *float64 `json:"sla_compliance_pct"`
	CSATSatisfiedPct  *float64 `json:"csat_satisfied_pct"`
}

func periodFiguresOf(g quality.MetricsGroup) PeriodFigures {
	return PeriodFigures{Volume: g.Volume, ResolutionRatePct: g.Value(quality.ResolutionRate),
		SLACompliancePct: g.SLACompliancePct, CSATSatisfiedPct: g.CSATSatisfiedPct}
}

// WeekTrend compares a week with the week before, for all complaints (Category "") or
// one category.
type WeekTrend struct {
	Category string        `json:"category,omitempty"`
	Now      PeriodFigures `json:"now"`
	Before   PeriodFigures `json:"before"`
}

// TrackedCycle is an open PDCA cycle as weekly tracking reports it: Stalled when no
// progress was reported in the week.
type TrackedCycle struct {
	ID             string     `json:"id"`
	Title          string     `json:"title"`
	Metric         string     `json:"metric"`
	Stage          string     `json:"stage"`
	Iteration      int        `json:"iteration"`
	LastProgressAt *time.Time `json:"last_progress_at"`
	Stalled        bool       `json:"stalled"`
	// The cycle's latest check, null before the first (never left out: a review
	// recorded before the field existed has no key, which says nothing of checks).
	LastCheck *TrackedCheck `json:"last_check"`
}

// TrackedCheck is a cycle's latest check as weekly tracking reports it: Judged
// false when it rested on fewer than MinSamples samples, so its Met is no verdict
// (quality.CheckJudged); the counts are nil on checks recorded before they were.
type TrackedCheck struct {
	Iteration  int       `json:"iteration"`
	CheckedAt  time.Time `json:"checked_at"`
	Value      *float64  `json:"value"`
	Target     float64   `json:"target"`
	Met        bool      `json:"met"`
	Final      bool      `json:"final"`
	Samples    *int64    `json:"samples"`
	MinSamples *int64    `json:"min_samples"`
	Judged     bool      `json:"judged"`
}

// TrackingResult is what a weekly tracking review found.
type TrackingResult struct {
	Total      WeekTrend
	Categories []WeekTrend // by category name
	Cycles     []TrackedCycle
}

// TrackingReview compares the week with the week before (in total and per
// category), lists the open PDCA cycles and flags those without progress in the
// week, and records the review. It opens no cycles.
func (a *Activities) TrackingReview(ctx context.Context, in ReviewPeriod) (TrackingResult, error) {
	cur, err := a.Reviews.Metrics(ctx, in.From, in.To, "category")
	if err != nil {
		return TrackingResult{}, err
	}
	prev, err := a.Reviews.Metrics(ctx, in.PrevFrom, in.From, "category")
	if err != nil {
		return TrackingResult{}, err
	}
	open, err := a.Reviews.OpenCycles(ctx)
	if err != nil {
		return TrackingResult{}, err
	}
	res := TrackingResult{Total: WeekTrend{Now: periodFiguresOf(cur.Total), Before: periodFiguresOf(prev.Total)}, Cycles: []TrackedCycle{}}
	byKey := map[string]*WeekTrend{}
	var keys []string
	for _, side := range []struct {
		groups []quality.MetricsGroup
		now    bool
	}{{cur.Groups, true}, {prev.Groups, false}} {
		for _, g := range side.groups {
			t, ok := byKey[g.Key]
			if !ok {
				t = &WeekTrend{Category: g.Key}
				byKey[g.Key] = t
				keys = append(keys, g.Key)
			}
			if side.now {
				t.Now = periodFiguresOf(g)
			} else {
				t.Before = periodFiguresOf(g)
			}
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		res.Categories = append(res.Categories, *byKey[k])
	}
	for _, c := range open {
		tc := TrackedCycle{ID: c.ID, Title: c.Title, Metric: c.Metric, Stage: c.Stage, Iteration: c.Iteration}
		if c.LastProgressAt != nil {
			at := c.LastProgressAt.UTC()
			tc.LastProgressAt = &at
		}
		tc.Stalled = tc.LastProgressAt == nil || tc.LastProgressAt.Before(in.From)
		if k := c.LastCheck; k != nil {
			tc.LastCheck = &TrackedCheck{Iteration: k.Iteration, CheckedAt: k.CheckedAt.UTC(), Value: k.Value, Target: k.Target,
				Met: k.Met, Final: k.Final, Samples: k.Samples, MinSamples: k.MinSamples, Judged: k.Judged()}
		}
		res.Cycles = append(res.Cycles, tc)
	}
	metrics, err := json.Marshal(map[string]any{"current": cur, "previous": prev})
	if err != nil {
		return res, err
	}
	cycles, err := json.Marshal(res.Cycles)
	if err != nil {
		return res, err
	}
	err = a.Reviews.RecordReview(ctx, quality.Review{
		ID: in.ReviewID, ScheduleID: in.ScheduleID, Kind: in.Kind, TimeZone: in.TimeZone,
		PeriodFrom: in.From, PeriodTo: in.To, StartedAt: in.StartedAt,
		Metrics: string(metrics), Cycles: string(cycles),
	})
	return res, err
}

// FinishReviewInput is a review's outcome: the opportunities with their cycles
// (monthly planning; nil keeps what was recorded), the summary sent to the quality
// team, and when it finished.
type FinishReviewInput struct {
	ReviewID      string
	Opportunities []Opportunity
	Summary       string
	FinishedAt    time.Time
}

// FinishReview records a review's outcome, once.
func (a *Activities) FinishReview(ctx context.Context, in FinishReviewInput) error {
	var opps string
	if in.Opportunities != nil {
		b, err := json.Marshal(in.Opportunities)
		if err != nil {
			return err
		}
		opps = string(b)
	}
	return a.Reviews.FinishReview(ctx, in.ReviewID, opps, in.Summary, in.FinishedAt)
}
