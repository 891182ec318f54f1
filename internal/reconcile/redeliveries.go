package reconcile

import (
	"context"
	"log/slog"
	"time"

	"github.com/complaintflow/complaintflow/internal/service"
)

// Redeliver sends the callbacks asked to be sent again (activities.Redeliver)
// and says how many it settled.
type Redeliver func(ctx context.Context) (int, error)

// Redeliveries polls for callbacks an intake system or an admin asked to be sent
// again. A loop in the worker process, as Notices is: the API only marks the
// delivery (store.RequestRedelivery), and the worker, which holds the channels,
// sends it. Every worker polls; a delivery is claimed by one statement, so it is
// sent once. Each send is counted by the send counter, as every attempt is.
type Redeliveries struct {
	redeliver Redeliver
	log       *slog.Logger
	// Every is the pause between polls: how long a redelivery waits at most.
	Every time.Duration
}

// NewRedeliveries polls every 5 seconds: a person asked and waits for it, and a
// poll that finds none reads the few pending callbacks of one index.
func NewRedeliveries(redeliver Redeliver, log *slog.Logger) *Redeliveries {
	return &Redeliveries{redeliver: redeliver, log: log, Every: 5 * time.Second}
}

// Run polls every Every until ctx ends; a failed poll is logged and tried again
// next time.
func (r *Redeliveries) Run(ctx context.Context) {
	service.Every(ctx, r.Every, func() {
		n, err := r.redeliver(ctx)
		switch {
		case err != nil:
			r.log.Warn("redeliveries: poll incomplete", "settled", n, "error", err)
		case n > 0:
			r.log.Info("redeliveries: callbacks sent again", "settled", n)
		}
	})
}
