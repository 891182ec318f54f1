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
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/api/serviceerror"

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
	key     func(row T) string // names a row in the log and within a sweep
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
	return newReconciler(sweepWorkflowStarts, "complaint", pending.PendingWorkflowStarts, start,
		func(c store.Complaint) string { return "complaint " + c.ID }, log, m)
}

// NewQuality is the same for the risk alerts and PDCA cycles opened through the API.
func NewQuality(pending QualityPending, start StartQuality, log *slog.Logger, m *Metrics) *Reconciler[store.QualityStart] {
	return newReconciler(sweepQualityStarts, "risk alert and PDCA cycle", pending.PendingQualityStarts, start, qualityKey, log, m)
}

func qualityKey(st store.QualityStart) string {
	switch {
	case st.RiskAlertID != nil:
		return "risk alert " + *st.RiskAlertID
	case st.CycleID != nil:
		return "cycle " + *st.CycleID
	case st.BacklogItemID != nil:
		return "backlog item " + *st.BacklogItemID
	}
	return "empty mark"
}

func newReconciler[T any](sweep, what string, pending func(context.Context, time.Duration, int) ([]T, error),
	start func(context.Context, T) error, key func(T) string, log *slog.Logger, m *Metrics) *Reconciler[T] {
	m.zero(sweep, outcomeStarted, outcomeFailed)
	return &Reconciler[T]{sweep: sweep, what: what, pending: pending, start: start, key: key, log: log, metrics: m,
		Every: 10 * time.Second, Grace: 15 * time.Second}
}

// Run sweeps until ctx ends. A failed sweep (a dependency down, or rows whose start
// failed) is logged and tried again on the next tick.
func (r *Reconciler[T]) Run(ctx context.Context) {
	service.Every(ctx, r.Every, func() {
		done, err := r.Sweep(ctx)
		r.metrics.ran(r.sweep, err, map[string]int{
			outcomeStarted: done.Started, outcomeFailed: done.Failed})
		if err != nil {
			r.log.Warn("reconciler: sweep incomplete", "sweep", r.sweep, "started", done.Started,
				"failed", done.Failed, "error", err)
		} else if done.Started > 0 {
			r.log.Info("reconciler: started orphaned "+r.what+" workflows", "started", done.Started)
		}
	})
}

// Swept is what a sweep did with the rows it tried.
type Swept struct {
	// Started counts the rows whose start succeeded. Temporal does not tell a start
	// from one that found the workflow running (a mark intake had not cleared yet).
	Started int
	Failed  int // rows whose start failed; they stay marked for the next sweep
}

// Sweep starts the workflow of every pending row. A row whose start fails is logged,
// counted and passed over, so one bad row cannot starve the rows behind it; the
// error then sums the failures up. Only an outage — the dependency down or too
// slow, which every row after it would meet too, at the cost of a timeout each —
// or the end of ctx stops the sweep early.
func (r *Reconciler[T]) Sweep(ctx context.Context) (Swept, error) {
	var done Swept
	var failures failures
	// A failed row stays marked and is read again: each read asks for that many more
	// rows, so the window moves past failed rows, and skips them rather than retry.
	failed := map[string]bool{}
	for range batches {
		limit := batch + len(failed)
		rows, err := r.pending(ctx, r.Grace, limit)
		if err != nil {
			return done, errors.Join(err, failures.err(r.sweep, done.Failed))
		}
		for _, row := range rows {
			key := r.key(row)
			if failed[key] {
				continue
			}
			err := r.start(ctx, row)
			switch {
			case err == nil:
				done.Started++
			default:
				done.Failed++
				failed[key] = true
				failures.add(key, err)
				r.log.Warn("reconciler: start failed", "sweep", r.sweep, "row", key, "error", err)
				if outage(ctx, err) {
					return done, fmt.Errorf("%s: %d start(s) failed; stopped at %s, a dependency is unavailable: %w",
						r.sweep, done.Failed, key, err)
				}
			}
		}
		if len(rows) < limit {
			break
		}
	}
	return done, failures.err(r.sweep, done.Failed)
}

// failures keeps a sweep's first failed start, to name in its error.
type failures struct {
	first    error
	firstRow string
}

func (f *failures) add(row string, err error) {
	if f.first == nil {
		f.first, f.firstRow = err, row
	}
}

func (f *failures) err(sweep string, n int) error {
	if f.first == nil {
		return nil
	}
	return fmt.Errorf("%s: %d start(s) failed, the first (%s): %w", sweep, n, f.firstRow, f.first)
}

// outage reports whether a start failed because PostgreSQL or Temporal is down or
// did not answer in time (as api's unavailable), or because ctx ended.
func outage(ctx context.Context, err error) bool {
	var down *serviceerror.Unavailable
	var late *serviceerror.DeadlineExceeded
	return ctx.Err() != nil || store.Unavailable(err) || errors.As(err, &down) || errors.As(err, &late) ||
		errors.Is(err, context.DeadlineExceeded)
}
