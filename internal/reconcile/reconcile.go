// Package reconcile finishes what an interrupted process left half done. The
// Reconciler gives complaints their workflows when intake could not (issue 17,
// defect 1): a row is written before its workflow is started, so Temporal being
// down at filing — or the API dying between the two — leaves a complaint with no
// clock unless someone starts it. Notices settles the deliveries of notices that no
// attempt will finish (activities.SettleAbandoned), in the worker process, which
// holds the channels.
//
// The same sweep starts the workflows of risk alerts and PDCA cycles opened through
// the API (NewQuality), written before their workflows for the same reason.
//
// It is a sweep in the API process, not a Temporal Schedule: what it repairs is a
// start Temporal did not take, and a schedule lives in Temporal and runs on a
// worker, so it would add a third part that must be up to what a start needs anyway
// (PostgreSQL and Temporal), and a workflow history per sweep. Every API replica
// sweeps; starting is idempotent (the workflow ID is the complaint's, an existing
// workflow is joined), so two replicas starting the same row do no harm.
package reconcile

import (
	"context"
	"log/slog"
	"time"

	"github.com/complaintflow/complaintflow/internal/service"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Pending lists complaints whose workflow start is not confirmed (see
// store.PendingWorkflowStarts).
type Pending interface {
	PendingWorkflowStarts(ctx context.Context, grace time.Duration, limit int) ([]store.Complaint, error)
}

// Start starts a complaint's workflow idempotently and confirms it on the row
// (api.Server.StartComplaintWorkflow).
type Start func(ctx context.Context, c store.Complaint) error

// QualityPending lists the risk alerts and PDCA cycles opened through the API whose
// workflow start is not confirmed (see store.PendingQualityStarts).
type QualityPending interface {
	PendingQualityStarts(ctx context.Context, grace time.Duration, limit int) ([]store.QualityStart, error)
}

// StartQuality starts a marked alert's or cycle's workflow idempotently and clears
// its mark (api.Server.StartQualityWorkflow).
type StartQuality func(ctx context.Context, st store.QualityStart) error

// Reconciler starts the workflows the API could not, of one kind of row (T).
type Reconciler[T any] struct {
	sweep   string // its name in the metrics
	what    string // the workflows it starts, for the log
	pending func(ctx context.Context, grace time.Duration, limit int) ([]T, error)
	start   func(ctx context.Context, row T) error
	log     *slog.Logger
	metrics *Metrics
	// Every is the pause between sweeps.
	Every time.Duration
	// Grace leaves rows younger than it to the API, which is still starting them.
	Grace time.Duration
}

// batch bounds one query; a sweep reads batches until one is short, at most
// batches of them (a row whose mark cannot be cleared must not hold it forever).
const batch, batches = 100, 10

// New is the complaints' reconciler, sweeping every 10 s for rows older than 15 s
// (longer than intake waits for Temporal), so an orphan gets its workflow within
// about half a minute of Temporal's return. Its sweeps are counted in m.
func New(pending Pending, start Start, log *slog.Logger, m *Metrics) *Reconciler[store.Complaint] {
	return newReconciler(sweepWorkflowStarts, "complaint", pending.PendingWorkflowStarts, start, log, m)
}

// NewQuality is the same for the risk alerts and PDCA cycles opened through the API.
func NewQuality(pending QualityPending, start StartQuality, log *slog.Logger, m *Metrics) *Reconciler[store.QualityStart] {
	return newReconciler(sweepQualityStarts, "risk alert and PDCA cycle", pending.PendingQualityStarts, start, log, m)
}

func newReconciler[T any](sweep, what string, pending func(context.Context, time.Duration, int) ([]T, error),
	start func(context.Context, T) error, log *slog.Logger, m *Metrics) *Reconciler[T] {
	m.zero(sweep, outcomeStarted)
	return &Reconciler[T]{sweep: sweep, what: what, pending: pending, start: start, log: log, metrics: m,
		Every: 10 * time.Second, Grace: 15 * time.Second}
}

// Run sweeps until ctx ends. A failed sweep (a dependency down) is logged and
// tried again on the next tick.
func (r *Reconciler[T]) Run(ctx context.Context) {
	service.Every(ctx, r.Every, func() {
		started, err := r.Sweep(ctx)
		r.metrics.ran(r.sweep, err, map[string]int{outcomeStarted: started})
		if err != nil {
			r.log.Warn("reconciler: sweep incomplete", "sweep", r.sweep, "started", started, "error", err)
		} else if started > 0 {
			r.log.Info("reconciler: started orphaned "+r.what+" workflows", "started", started)
		}
	})
}

// Sweep starts the workflow of every pending row and returns how many it started.
// It stops at the first failure: the dependency that failed is most likely down
// for the rest too.
func (r *Reconciler[T]) Sweep(ctx context.Context) (started int, err error) {
	for range batches {
		rows, err := r.pending(ctx, r.Grace, batch)
		if err != nil {
			return started, err
		}
		for _, row := range rows {
			if err := r.start(ctx, row); err != nil {
				return started, err
			}
			started++
		}
		if len(rows) < batch {
			break
		}
	}
	return started, nil
}
