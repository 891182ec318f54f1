package reconcile

import (
	"context"
	"log/slog"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/service"
)

// Settle settles abandoned deliveries (activities.SettleAbandoned).
type Settle func(ctx context.Context) (activities.Abandoned, error)

// Notices sweeps for deliveries no attempt will finish. Like the Reconciler it
// is a sweep in a process, not a Temporal Schedule: the deliveries are sent by the
// worker's channels, and a sweep needs only PostgreSQL and those. Every worker
// sweeps; a row is claimed by one statement, so two workers settle it once.
type Notices struct {
	settle  Settle
	log     *slog.Logger
	metrics *Metrics
	// Every is the pause between sweeps.
	Every time.Duration
}

// NewNotices sweeps every 10 minutes: an abandoned row has waited hours
// (activities.AbandonedIdle), so minutes more cost nothing and the sweep's read of
// the status index stays rare. Its sweeps are counted in m.
func NewNotices(settle Settle, log *slog.Logger, m *Metrics) *Notices {
	m.zero(sweepNotices, outcomeSettled, outcomeHeld)
	return &Notices{settle: settle, log: log, metrics: m, Every: 10 * time.Minute}
}

// Run sweeps at once, then every Every until ctx ends: a worker started after an
// outage, or after an upgrade from a revision that left rows behind, settles them
// without waiting. A failed sweep is logged and tried again next time.
func (n *Notices) Run(ctx context.Context) {
	sweep := func() {
		done, err := n.settle(ctx)
		n.metrics.ran(sweepNotices, err, map[string]int{outcomeSettled: done.Settled, outcomeHeld: done.Held})
		switch {
		case err != nil:
			n.log.Warn("notices: sweep incomplete", "settled", done.Settled, "held", done.Held, "error", err)
		case done.Settled > 0 || done.Held > 0:
			n.log.Info("notices: settled abandoned deliveries", "settled", done.Settled, "held", done.Held)
		}
	}
	sweep()
	service.Every(ctx, n.Every, sweep)
}
