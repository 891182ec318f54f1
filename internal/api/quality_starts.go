package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// A risk alert or PDCA cycle opened through the API is written, marked, before its
// workflow is started (the workflow reads the row); the mark is cleared once
// Temporal holds the workflow. A start that failed — Temporal down, or this process
// dying between the two — is finished by the reconciler (StartQualityWorkflow), as
// a complaint's is, so the alert's owner is told and the cycle runs whether or not
// the caller retries.

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

// StartQualityWorkflow starts the workflow of a marked risk alert or cycle unless
// Temporal holds it already, and clears the mark: the reconciler's call. A mark
// whose row is gone is cleared.
func (s *Server) StartQualityWorkflow(ctx context.Context, st store.QualityStart) error {
	var start func(context.Context) error
	switch {
	case st.RiskAlertID != nil:
		a, err := s.store.RiskAlert(ctx, *st.RiskAlertID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		start = func(ctx context.Context) error {
			if err != nil || a.Status == quality.RiskClosed {
				return nil // nothing to start
			}
			return s.startRiskAlertWorkflow(ctx, a)
		}
	case st.CycleID != nil:
		c, err := s.store.Cycle(ctx, *st.CycleID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		start = func(ctx context.Context) error {
			if err != nil {
				return nil
			}
			return s.startCycleWorkflow(ctx, c)
		}
	default:
		return fmt.Errorf("start quality workflow: the mark names neither a risk alert nor a cycle")
	}
	return s.startQualityWorkflow(ctx, st, start)
}

// startFailed answers a start of what was recorded that failed: with Temporal
// down, a 503 saying the row stands (Location names it) and its workflow follows
// once Temporal is back, so the caller need not file it again.
func (s *Server) startFailed(w http.ResponseWriter, r *http.Request, err error, what, location string) {
	if !unavailable(err) {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Location", location)
	s.writeUnavailable(w, r, err, what+" was recorded ("+location+") but its workflow could not be started: "+
		"it starts once Temporal is back; retry the same request with the same Idempotency-Key to learn its outcome")
}
