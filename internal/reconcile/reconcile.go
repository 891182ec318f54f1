// Package reconcile finishes what an interrupted process left half done. The
// Reconciler gives complaints their workflows when intake could not (issue 17,
// defect 1): a row is written before its workflow is started, so Temporal being
// down at filing — or the API dying between the two — leaves a complaint with no
// clock unless someone starts it. Notices settles the deliveries of notices that no
// attempt will finish (activities.SettleAbandoned), in the worker process, which
// holds the channels.
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

// Reconciler starts the workflows intake could not.
type Reconciler struct {
	pending Pending
	start   Start
	log     *slog.Logger
	metrics *Metrics
	// Every is the pause between sweeps.
	Every time.Duration
	// Grace leaves rows younger than it to intake, which is still starting them.
	Grace time.Duration
}

// batch bounds one query; a sweep reads batches until one is short, at most
// batches of them (a row whose mark cannot be cleared must not hold it forever).
const batch, batches = 100, 10

// New is a reconciler sweeping every 10 s for rows older than 15 s (longer than
// intake waits for Temporal), so an orphan gets its workflow within about half a
// minute of Temporal's return. Its sweeps are counted in m.
func New(pending Pending, start Start, log *slog.Logger, m *Metrics) *Reconciler {
	m.zero(sweepWorkflowStarts, outcomeStarted)
	return &Reconciler{pending: pending, start: start, log: log, metrics: m, Every: 10 * time.Second, Grace: 15 * time.Second}
}

// Run sweeps until ctx ends. A failed sweep (a dependency down) is logged and
// tried again on the next tick.
func (r *Reconciler) Run(ctx context.Context) {
	service.Every(ctx, r.Every, func() {
		started, err := r.Sweep(ctx)
		r.metrics.ran(sweepWorkflowStarts, err, map[string]int{outcomeStarted: started})
		if err != nil {
			r.log.Warn("reconciler: sweep incomplete", "started", started, "error", err)
		} else if started > 0 {
			r.log.Info("reconciler: started orphaned complaint workflows", "started", started)
		}
	})
}

// Sweep starts the workflow of every pending complaint and returns how many it
// started. It stops at the first failure: the dependency that failed is most
// likely down for the rest too.
func (r *Reconciler) Sweep(ctx context.Context) (started int, err error) {
	for range batches {
		cs, err := r.pending.PendingWorkflowStarts(ctx, r.Grace, batch)
		if err != nil {
			return started, err
		}
		for _, c := range cs {
			if err := r.start(ctx, c); err != nil {
				return started, err
			}
			started++
		}
		if len(cs) < batch {
			break
		}
	}
	return started, nil
}
