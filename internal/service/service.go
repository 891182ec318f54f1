// Package service assembles complaintflow's processes from their parts: the Temporal
// client, the worker with its workflows and activities, and the store. The commands
// in worker/ and starter/ and the end-to-end tests all build them here, so tests run
// exactly what production runs.
package service

import (
	"context"
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// DialTemporal connects to Temporal with the configured address, namespace and
// credentials.
func DialTemporal(ctx context.Context, cfg config.Config, log *slog.Logger, metrics client.MetricsHandler) (client.Client, error) {
	opts, err := cfg.TemporalClientOptions()
	if err != nil {
		return nil, err
	}
	opts.Logger = tlog.NewStructuredLogger(log)
	opts.MetricsHandler = metrics
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// NewWorker registers every workflow and activity on the task queue.
func NewWorker(c client.Client, taskQueue string, st *store.Store, n notify.Notifier) worker.Worker {
	// Autoscaling pollers follow the backlog: a burst of filings does not wait behind
	// the SDK's fixed default of two pollers.
	w := worker.New(c, taskQueue, worker.Options{
		WorkflowTaskPollerBehavior: worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{}),
		ActivityTaskPollerBehavior: worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{}),
	})
	w.RegisterWorkflow(workflows.ComplaintWorkflow)
	w.RegisterActivity(&activities.Activities{Store: st, Notifier: n})
	return w
}
