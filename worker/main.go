// Command worker runs complaintflow's Temporal worker: it polls the task queue and
// executes the complaint workflows and their activities. Configuration comes from the
// environment (see internal/config and the README).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/worker"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/reconcile"
	"github.com/complaintflow/complaintflow/internal/service"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		slog.Error("worker stopped", "error", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	log := telemetry.NewLogger(cfg.LogLevel)
	metrics, err := telemetry.NewMetrics()
	if err != nil {
		return err
	}
	// Neither dependency is needed to start: the worker comes up unready while
	// one is down and becomes ready when it returns (see /readyz).
	st, err := store.Dial(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	tc, err := service.DialTemporal(cfg, log, metrics.Temporal)
	if err != nil {
		return err
	}
	defer tc.Close()

	ready := &service.WorkerReadiness{Store: st, Temporal: tc}
	metricsServer := &http.Server{
		Addr:              cfg.MetricsAddr,
		Handler:           service.WorkerEndpoints(promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{}), ready),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() {
		if err := metricsServer.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "error", err)
		}
	}()
	defer metricsServer.Close()

	// Starting checks the namespace with Temporal, so it waits for Temporal; a
	// failed start leaves a worker that cannot be started again, hence a new one
	// each attempt.
	acts := service.NewActivities(st, service.SurveyLinks(cfg), service.CustomerMessages(cfg, st), cfg.QualityTeam, service.Notifiers(cfg, log)...)
	if err := service.CountSends(acts, metrics.Registry); err != nil {
		return err
	}
	var w worker.Worker
	err = service.Retry(ctx, log, "start worker", func(context.Context) error {
		w = service.NewWorker(tc, cfg.TaskQueue, cfg.Worker, acts)
		return w.Start()
	})
	if err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	ready.Polling.Store(true)
	sweeps, err := reconcile.NewMetrics(metrics.Registry)
	if err != nil {
		return err
	}
	go service.WarnUnkeyedWebhooks(ctx, cfg, st.UnkeyedWebhooks, log)
	go reconcile.NewNotices(func(ctx context.Context) (activities.Abandoned, error) {
		return activities.SettleAbandoned(ctx, acts, activities.AbandonedIdle, log)
	}, log, sweeps).Run(ctx)
	go reconcile.NewRedeliveries(func(ctx context.Context) (int, error) {
		return activities.Redeliver(ctx, acts, log)
	}, log).Run(ctx)
	log.Info("worker started", "task_queue", cfg.TaskQueue, "temporal", cfg.TemporalAddress,
		"namespace", cfg.TemporalNamespace, "metrics", cfg.MetricsAddr, "sizing", fmt.Sprintf("%+v", cfg.Worker),
		"sticky_schedule_to_start_timeout", cfg.Worker.StickyTimeout(), "min_pollers", cfg.Worker.PollerFloor())
	<-ctx.Done()
	// Stop lets running activities finish for SHUTDOWN_TIMEOUT, then cancels them;
	// workflows need no draining, their state is in Temporal.
	log.Info("worker stopping")
	w.Stop()
	return nil
}
