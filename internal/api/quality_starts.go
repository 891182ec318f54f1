package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// A risk alert or PDCA cycle opened through the API, or a backlog item marked done
// (whose workflow tells the customer; a complaint's item resolves the complaint
// instead), is written, marked, before its workflow is started (the workflow reads
// the row); the mark is cleared once Temporal holds the workflow. A start that
// failed — Temporal down, or this process dying between the two — is finished by
// the reconciler (StartQualityWorkflow), as a complaint's is, so the alert's owner
// is told, the cycle runs and the customer hears whether or not the caller retries.

// startQualityWorkflow runs start within temporalCallWait, so an outage never holds
// the caller, and clears the mark of what it started.
func (s *Server) startQualityWorkflow(ctx context.Context, st store.QualityStart, start func(context.Context) error) error {
	callCtx, cancel := context.WithTimeout(ctx, temporalCallWait)
	err := start(callCtx)
	cancel()
	if err != nil {
		return err
	}
	if err := s.store.QualityWorkflowStarted(ctx, st); err != nil {
		// The workflow runs; the mark left behind costs the reconciler one no-op start.
		s.log.WarnContext(ctx, "quality workflow started but not recorded so", "start", st, "error", err)
	}
	return nil
}

// StartQualityWorkflow starts the workflow of a marked risk alert, cycle or done
// backlog item unless Temporal holds it already, and clears the mark: the
// reconciler's call. A mark whose row is gone, or no longer wants its workflow (an
// alert closed, an item taken back out of done), is cleared.
func (s *Server) StartQualityWorkflow(ctx context.Context, st store.QualityStart) error {
	var start func(context.Context) error
	var err error
	switch {
	case st.RiskAlertID != nil:
		start, err = markedStart(ctx, *st.RiskAlertID, s.store.RiskAlert,
			func(a quality.RiskAlert) bool { return a.Status != quality.RiskClosed }, s.startRiskAlertWorkflow)
	case st.BacklogItemID != nil:
		start, err = markedStart(ctx, *st.BacklogItemID, s.store.BacklogItem,
			func(it store.BacklogItem) bool { return it.Status == "done" }, s.startBacklogDone)
	case st.CycleID != nil:
		start, err = markedStart(ctx, *st.CycleID, s.store.Cycle,
			func(quality.Cycle) bool { return true }, s.startCycleWorkflow)
	default:
		err = fmt.Errorf("start quality workflow: the mark names no risk alert, cycle or backlog item")
	}
	if err != nil {
		return err
	}
	return s.startQualityWorkflow(ctx, st, start)
}

// markedStart reads the row id of a mark with load and answers the start of its
// workflow — nothing to start when the row is gone or no longer wants it.
func markedStart[T any](ctx context.Context, id string, load func(context.Context, string) (T, error),
	wants func(T) bool, start func(context.Context, T) error) (func(context.Context) error, error) {
	row, err := load(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return func(context.Context) error { return nil }, nil
	case err != nil:
		return nil, err
	case !wants(row):
		return func(context.Context) error { return nil }, nil
	}
	return func(ctx context.Context) error { return start(ctx, row) }, nil
}

// startFailed answers a start that failed after what it belongs to was written
// (done says what was): with Temporal down, a 503 saying that stands (location,
// when not empty, names it) and the workflow follows once Temporal is back, so the
// caller need not send it again.
func (s *Server) startFailed(w http.ResponseWriter, r *http.Request, err error, done, workflow, location string) {
	if !unavailable(err) {
		s.serverError(w, r, err)
		return
	}
	if location != "" {
		w.Header().Set("Location", location)
		done += " (" + location + ")"
	}
	s.writeUnavailable(w, r, err, done+" but "+workflow+" could not be started: it starts once Temporal is back; "+
		"retry the same request (with the same Idempotency-Key) to learn its outcome")
}
