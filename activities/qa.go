package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// QAStore is what quality inspection needs of the system of record.
type QAStore interface {
	QAScorecard(ctx context.Context) (quality.QAScorecard, *time.Time, string, error)
	ClosedComplaints(ctx context.Context, from, to time.Time) ([]quality.ClosedComplaint, error)
	AddQASamples(ctx context.Context, runID string, from, to time.Time, cs []quality.ClosedComplaint) (int, error)
}

// QASampleInput asks for the QA sample of the complaints closed in [From, To).
type QASampleInput struct {
	RunID    string // the sampling workflow's ID
	From, To time.Time
}

// QASampleResult says what a sampling run found and added.
type QASampleResult struct {
	Closed    int // complaints closed in the period, with an owner
	Agents    int
	SamplePct int
	Added     int // new samples in the QA queue
}

// SampleForQA puts the scorecard's share (quality.PickQASample: rounded up, per
// agent) of the complaints closed in the period into the QA queue. Idempotent: the
// complaints already sampled count toward each agent's share, and a complaint is
// never sampled twice (the queue holds one sample per complaint).
func (a *Activities) SampleForQA(ctx context.Context, in QASampleInput) (QASampleResult, error) {
	sc, _, _, err := a.QA.QAScorecard(ctx)
	if err != nil {
		return QASampleResult{}, err
	}
	closed, err := a.QA.ClosedComplaints(ctx, in.From, in.To)
	if err != nil {
		return QASampleResult{}, err
	}
	agents := map[string]bool{}
	for _, c := range closed {
		agents[c.Agent] = true
	}
	picked := quality.PickQASample(closed, sc.SamplePct)
	added, err := a.QA.AddQASamples(ctx, in.RunID, in.From, in.To, picked)
	if err != nil {
		return QASampleResult{}, err
	}
	activity.GetLogger(ctx).Info("QA sample taken", "closed", len(closed), "agents", len(agents), "added", added)
	return QASampleResult{Closed: len(closed), Agents: len(agents), SamplePct: sc.SamplePct, Added: added}, nil
}
