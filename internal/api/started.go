package api

import (
	"context"
	"sync"
	"time"
)

// Intake marks every new complaint "workflow start pending" and clears the mark
// once Temporal has accepted the start (the reconciler starts what stays marked,
// store.PendingWorkflowStarts). Clearing it was one statement per filing; now the
// filings started within startedFlushAfter share one. A mark still held when the
// process dies costs the reconciler one no-op start of a running workflow, after
// its grace (15 s) — far longer than the wait here.

// startedFlushAfter is how long a cleared mark may wait for others to share its
// statement.
const startedFlushAfter = 100 * time.Millisecond

// startedMarks holds the complaints whose workflow intake started and whose mark
// is not yet cleared.
type startedMarks struct {
	mu    sync.Mutex
	ids   []string
	timer *time.Timer // the pending flush; nil when none is due
	// flushing is held through a flush's statement, so a FlushStarted that returns has
	// also seen a timer's flush already under way through to its end.
	flushing sync.Mutex
}

// markStarted queues the clearing of the complaint's mark, flushed within
// startedFlushAfter.
func (s *Server) markStarted(id string) {
	m := &s.started
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ids = append(m.ids, id)
	if m.timer == nil {
		m.timer = time.AfterFunc(startedFlushAfter, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := s.FlushStarted(ctx); err != nil {
				s.log.Warn("clearing workflow-start marks failed; the reconciler will start those workflows again (no-ops)", "error", err)
			}
		})
	}
}

// FlushStarted clears the marks queued so far, those a concurrent flush took
// included; the starter calls it on shutdown.
func (s *Server) FlushStarted(ctx context.Context) error {
	m := &s.started
	m.flushing.Lock()
	defer m.flushing.Unlock()
	m.mu.Lock()
	ids := m.ids
	m.ids = nil
	if m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
	m.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	return s.store.WorkflowsStarted(ctx, ids...)
}
