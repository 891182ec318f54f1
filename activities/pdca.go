package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// CycleStore is what the PDCA activities need of the system of record.
type CycleStore interface {
	ProposeCycle(ctx context.Context, c quality.NewCycle) (quality.Cycle, bool, error)
	Cycle(ctx context.Context, id string) (quality.Cycle, error)
	RecordCycleEvent(ctx context.Context, e quality.CycleEvent, st quality.CycleState) (bool, error)
	RecordCycleCheck(ctx context.Context, c quality.CycleCheck) (quality.CycleCheck, error)
	CycleChecks(ctx context.Context, cycleID string) ([]quality.CycleCheck, error)
	ReviewRules(ctx context.Context) (quality.ReviewRules, error)
	Metrics(ctx context.Context, from, to time.Time, groupBy string) (quality.MetricsReport, error)
	KeywordVolume(ctx context.Context, keyword, category string, from, to time.Time) (int64, error)
}

// Proposal is an improvement opportunity a review found, to become a proposed PDCA
// cycle (DOMAIN.md §3 Plan).
type Proposal struct {
	// Key names the opportunity: "<rule>/<subject>", e.g.
	// "resolution_rate/category:logistics". While a cycle with the key is still
	// open, proposing it again returns that cycle instead of a second one.
	Key      string
	ReviewID string // the review workflow's ID ("" for a cycle opened by hand)
	Title    string
	Rule     string // the opportunity rule that found it
	Evidence string // for people: "logistics resolution rate 60 % < 80 % (41 of 68)"
	Metric   quality.Metric
	Category string // "" = all categories
	Keyword  string // KeywordVolume only
	Baseline *float64
	Target   *float64 // the rule's target, if it has one; the plan sets the final one
	// How the cycle checks: a cron spec (robfig, standard five fields) in TimeZone,
	// and how many iterations the spiral may take.
	CheckSpec     string
	TimeZone      string
	MaxIterations int
	PeriodFrom    time.Time
	PeriodTo      time.Time
}

// ProposeCycle records a proposed PDCA cycle, once per open opportunity: created is
// false when a cycle with the same Key is still open (its ID is returned). The
// caller then starts PDCACycleWorkflow for a created cycle.
//
// A review's proposal gets an ID derived from the review and the key, so a retry
// of this activity after its first attempt committed still answers created=true
// and the review starts the workflow (starting it twice is harmless: one ID).
func (a *Activities) ProposeCycle(ctx context.Context, p Proposal) (ProposedCycle, error) {
	if p.Key == "" || !p.Metric.Valid() {
		return ProposedCycle{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid proposal: key %q, metric %q", p.Key, p.Metric), "InvalidInput", nil)
	}
	id := uuid.NewString()
	if p.ReviewID != "" {
		id = uuid.NewSHA1(uuid.NameSpaceURL, []byte("complaintflow:pdca:"+p.ReviewID+"|"+p.Key)).String()
	}
	c, created, err := a.Cycles.ProposeCycle(ctx, quality.NewCycle{
		ID: id, WorkflowID: CycleWorkflowID(id), ReviewID: p.ReviewID, OpportunityKey: p.Key,
		Title: p.Title, Rule: p.Rule, Evidence: p.Evidence, Metric: p.Metric, Category: p.Category,
		Keyword: p.Keyword, Baseline: p.Baseline, Target: p.Target, TimeZone: p.TimeZone,
		CheckSpec: p.CheckSpec, MaxIterations: p.MaxIterations, PeriodFrom: cycleTime(p.PeriodFrom),
		PeriodTo: cycleTime(p.PeriodTo), OpenedAt: a.now().UTC(), Actor: cycleProposer(p.ReviewID),
		// The review's run starts it; marked, the API's reconciler starts it should
		// the run fail first (a later review finds the cycle open and starts nothing).
		StartPending: true,
	})
	if err != nil {
		return ProposedCycle{}, err
	}
	return ProposedCycle{CycleID: c.ID, Created: created}, nil
}

// ProposedCycle is ProposeCycle's answer.
type ProposedCycle struct {
	CycleID string
	Created bool
}

// CycleWorkflowID is workflows.PDCAWorkflowID, which this package cannot import.
func CycleWorkflowID(cycleID string) string { return "pdca:" + cycleID }

func cycleProposer(reviewID string) string {
	if reviewID == "" {
		return complaint.ActorSystem
	}
	return reviewID
}

// cycleTime is t, or nil (NULL) for the zero time.
func cycleTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// CycleDefinition is what a cycle was proposed with: the workflow's starting point.
type CycleDefinition struct {
	CycleID       string
	Title         string
	Metric        quality.Metric
	Category      string
	Keyword       string
	Baseline      *float64
	Target        *float64
	TimeZone      string
	CheckSpec     string
	MaxIterations int
	OpenedAt      time.Time
	Stage         string
	Outcome       string // set once closed
}

// LoadCycle reads a cycle's definition; a missing cycle is a non-retryable NotFound.
func (a *Activities) LoadCycle(ctx context.Context, cycleID string) (CycleDefinition, error) {
	c, err := a.Cycles.Cycle(ctx, cycleID)
	if notFound(err) {
		return CycleDefinition{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	if err != nil {
		return CycleDefinition{}, err
	}
	return CycleDefinition{
		CycleID: c.ID, Title: c.Title, Metric: c.Metric, Category: c.Category, Keyword: c.Keyword,
		Baseline: c.Baseline, Target: c.Target, TimeZone: c.TimeZone, CheckSpec: c.CheckSpec,
		MaxIterations: c.MaxIterations, OpenedAt: c.OpenedAt.UTC(), Stage: c.Stage, Outcome: null.Value(c.Outcome),
	}, nil
}

// CycleCheck is one comparison of the metric with the target, over the complaints
// opened in [WindowFrom, WindowTo). Value is nil when there were none to compute a
// rate over; such a check does not meet the target. Samples is how many the value
// rests on, MinSamples how many a verdict needs: with fewer the check is not judged
// (Judged) and Met is false, though nothing was missed.
type CycleCheck struct {
	Iteration  int       `json:"iteration"`
	CheckedAt  time.Time `json:"checked_at"`
	WindowFrom time.Time `json:"window_from"`
	WindowTo   time.Time `json:"window_to"`
	Value      *float64  `json:"value"`
	Baseline   *float64  `json:"baseline"`
	Target     float64   `json:"target"`
	Met        bool      `json:"met"`
	Final      bool      `json:"final"`
	// Absent from checks recorded before samples were counted: those are judged.
	Samples    *int64 `json:"samples,omitempty"`
	MinSamples *int64 `json:"min_samples,omitempty"`
}

// Judged reports whether the check is a verdict, met or missed (quality.CheckJudged).
func (c CycleCheck) Judged() bool { return quality.CheckJudged(c.Samples, c.MinSamples) }

// CycleIteration is a finished iteration of the spiral, kept in the cycle's history.
type CycleIteration struct {
	Iteration int               `json:"iteration"`
	Plan      quality.CyclePlan `json:"plan"`
	Checks    []CycleCheck      `json:"checks"`
	RootCause string            `json:"root_cause"`
	// The root cause's fishbone category (quality.RootCauseCategories).
	RootCauseCategory string    `json:"root_cause_category,omitempty"`
	DecidedBy         string    `json:"decided_by"`
	DecidedAt         time.Time `json:"decided_at"`
}

// CycleSnapshot is the cycle's state after an event, written to its row.
type CycleSnapshot struct {
	Seq            int64
	Stage          string
	Iteration      int
	Plan           *quality.CyclePlan
	PlanStatus     string
	DueAt          *time.Time
	LastProgressAt *time.Time
	Baseline       *float64
	Target         *float64
	SOPChange      string
	RootCause      string
	History        []CycleIteration
	ClosedAt       *time.Time
	Outcome        string
	// The fishbone category of the root cause.
	RootCauseCategory string `json:",omitempty"`
	// When the Do stage checks next (nil outside Do), projected to the row.
	NextCheckAt *time.Time `json:",omitempty"`
}

// CycleRecord is an event of a cycle and the state after it.
type CycleRecord struct {
	CycleID   string
	Key       string // "pdca:<cycle>/<iteration>/<kind>/<n>"
	Kind      string
	Iteration int
	Actor     string
	At        time.Time
	Data      map[string]any
	State     CycleSnapshot
}

// RecordCycleEvent appends the event to the cycle's log and stores the state after
// it, once per key.
func (a *Activities) RecordCycleEvent(ctx context.Context, r CycleRecord) error {
	data, err := json.Marshal(r.Data)
	if err != nil {
		return temporal.NewNonRetryableApplicationError("event data: "+err.Error(), "InvalidInput", err)
	}
	st := quality.CycleState{
		Seq: r.State.Seq, Stage: r.State.Stage, Iteration: r.State.Iteration, PlanStatus: r.State.PlanStatus,
		Baseline: r.State.Baseline, Target: r.State.Target, SOPChange: null.IfEmpty(r.State.SOPChange),
		RootCause: null.IfEmpty(r.State.RootCause), Outcome: null.IfEmpty(r.State.Outcome),
		DueAt: r.State.DueAt, LastProgressAt: r.State.LastProgressAt, ClosedAt: r.State.ClosedAt,
		RootCauseCategory: null.IfEmpty(r.State.RootCauseCategory), NextCheckAt: r.State.NextCheckAt,
	}
	if r.State.Plan != nil {
		plan, err := json.Marshal(r.State.Plan)
		if err != nil {
			return err
		}
		st.Plan = null.IfEmpty(string(plan))
	}
	history := r.State.History
	if history == nil {
		history = []CycleIteration{}
	}
	h, err := json.Marshal(history)
	if err != nil {
		return err
	}
	st.History = string(h)
	recorded, err := a.Cycles.RecordCycleEvent(ctx, quality.CycleEvent{
		CycleID: r.CycleID, Key: r.Key, Kind: r.Kind, Iteration: r.Iteration, Actor: r.Actor,
		OccurredAt: r.At, Data: string(data),
	}, st)
	if notFound(err) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	if err != nil {
		return err
	}
	if !recorded {
		activity.GetLogger(ctx).Info("cycle event already recorded", "key", r.Key)
	}
	return nil
}

// MeasureInput asks for a check of a cycle's metric over [From, To).
type MeasureInput struct {
	CycleID   string
	Iteration int
	Metric    quality.Metric
	Category  string
	Keyword   string
	From, To  time.Time // To is the check's time
	Baseline  *float64
	Target    float64
	Final     bool
}

// MeasureCycleMetric computes the cycle's metric over the complaints opened in
// [From, To) — within its category, or all of them — and records the check. The
// final check measures the Do period as a whole, from the iteration's first check
// window (the plan's approval) on, not only the time since the last check: the
// verdict compares what the measures achieved with the baseline (002 §9.2 「通过对比
// 改进前后的关键指标变化」). A check on fewer samples than the review rules'
// min_volume is not judged. A retry returns the check the first attempt recorded.
func (a *Activities) MeasureCycleMetric(ctx context.Context, in MeasureInput) (CycleCheck, error) {
	if in.Final {
		from, err := a.doStart(ctx, in)
		if err != nil {
			return CycleCheck{}, err
		}
		in.From = from
	}
	rules, err := a.Cycles.ReviewRules(ctx)
	if err != nil {
		return CycleCheck{}, err
	}
	var value *float64
	var samples int64
	if in.Metric == quality.KeywordVolume {
		n, err := a.Cycles.KeywordVolume(ctx, in.Keyword, in.Category, in.From, in.To)
		if err != nil {
			return CycleCheck{}, err
		}
		v := float64(n)
		value, samples = &v, n
	} else {
		groupBy := ""
		if in.Category != "" {
			groupBy = "category"
		}
		report, err := a.Cycles.Metrics(ctx, in.From, in.To, groupBy)
		if err != nil {
			return CycleCheck{}, err
		}
		group := report.Total
		if in.Category != "" {
			group = quality.MetricsGroup{Key: in.Category} // no complaints of the category: empty
			for _, g := range report.Groups {
				if g.Key == in.Category {
					group = g
				}
			}
		}
		value, samples = group.Value(in.Metric), group.Samples(in.Metric)
	}
	minSamples := quality.CycleMinSamples(in.Metric, rules.MinVolume)
	met := value != nil && quality.CheckJudged(&samples, &minSamples) && in.Metric.Met(*value, in.Target)
	c, err := a.Cycles.RecordCycleCheck(ctx, quality.CycleCheck{
		CycleID: in.CycleID, Iteration: in.Iteration, CheckedAt: in.To, WindowFrom: in.From, WindowTo: in.To,
		Value: value, Baseline: in.Baseline, Target: in.Target, Met: met, Final: in.Final,
		Samples: &samples, MinSamples: &minSamples,
	})
	if notFound(err) {
		return CycleCheck{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	if err != nil {
		return CycleCheck{}, err
	}
	return CycleCheck{
		Iteration: c.Iteration, CheckedAt: c.CheckedAt.UTC(), WindowFrom: c.WindowFrom.UTC(), WindowTo: c.WindowTo.UTC(),
		Value: c.Value, Baseline: c.Baseline, Target: c.Target, Met: c.Met, Final: c.Final,
		Samples: c.Samples, MinSamples: c.MinSamples,
	}, nil
}

// doStart is where the iteration's Do period began: the window of its first check,
// which opens at the plan's approval, or in.From when this is the first check.
func (a *Activities) doStart(ctx context.Context, in MeasureInput) (time.Time, error) {
	checks, err := a.Cycles.CycleChecks(ctx, in.CycleID)
	if err != nil {
		return time.Time{}, err
	}
	from := in.From
	for _, k := range checks {
		if k.Iteration == in.Iteration && k.WindowFrom.Before(from) {
			from = k.WindowFrom
		}
	}
	return from, nil
}
