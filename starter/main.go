// Command starter is complaintflow's front door: the HTTP API that files complaints,
// starts, updates and queries their workflows, and reads PostgreSQL.
//
//	starter [serve]   run the API on HTTP_ADDR (the default)
//	starter migrate   apply database migrations and exit
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

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/codec"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/console"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/reconcile"
	"github.com/complaintflow/complaintflow/internal/schedules"
	"github.com/complaintflow/complaintflow/internal/service"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/telemetry"
	"github.com/complaintflow/complaintflow/migrations"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx)
	case "migrate":
		err = migrate(ctx)
	default:
		fmt.Fprintf(os.Stderr, "usage: starter [serve|migrate]\n")
		os.Exit(2)
	}
	if err != nil {
		slog.Error("starter "+cmd+" failed", "error", err)
		os.Exit(1)
	}
}

func migrate(ctx context.Context) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := migrations.Up(ctx, st.DB().DB); err != nil {
		return err
	}
	version, err := migrations.Version(ctx, st.DB().DB)
	if err != nil {
		return err
	}
	slog.Info("database migrated", "version", version)
	return nil
}

func serve(ctx context.Context) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	log := telemetry.NewLogger(cfg.LogLevel)
	metrics, err := telemetry.NewMetrics()
	if err != nil {
		return err
	}
	// Neither dependency is needed to start: the API comes up unready while one is
	// down (see /readyz), answers 503 with Retry-After meanwhile, and needs no
	// restart when it returns.
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

	srv := api.New(st, tc, cfg.TaskQueue, log, metrics.Registry)
	srv.UseSurveySecret(cfg.SurveySigningSecret)
	srv.UseCustomerLocale(cfg.CustomerLocale, cfg.CustomerZone)
	srv.UseQualityTeam(cfg.QualityTeam)
	srv.UseLimits(api.Limits{BadTokensPerMinute: cfg.AuthFailuresPerMinute, BadTokenBurst: cfg.AuthFailuresBurst,
		IntakePerSecond: cfg.IntakePerSecond, IntakeBurst: cfg.IntakeBurst})
	srv.UseWorkflowTaskTimeout(cfg.WorkflowTaskTimeout)
	srv.UseEgress(notify.Egress{Allow: cfg.OutboundAllow})
	// Start-up steps wait for their dependency; /readyz names them until done.
	bootstrapped := srv.Starting("bootstrap_admin_token")
	go func() {
		if service.Retry(ctx, log, "seed the bootstrap admin token", func(ctx context.Context) error {
			return srv.Bootstrap(ctx, cfg.BootstrapAdminToken)
		}) == nil {
			bootstrapped()
		}
	}()
	if cfg.RiskMonitorSchedule != "off" {
		monitored := srv.Starting("risk_monitor")
		go func() {
			defer monitored()
			_ = service.Retry(ctx, log, "create the default risk monitor (RISK_MONITOR_SCHEDULE)", func(ctx context.Context) error {
				return schedules.New(st, tc, cfg.TaskQueue, log).EnsureRiskMonitor(ctx, cfg.RiskMonitorSchedule)
			})
		}()
	}
	// Complaints, risk alerts and PDCA cycles whose workflow start failed when they
	// were opened get it here.
	sweeps, err := reconcile.NewMetrics(metrics.Registry)
	if err != nil {
		return err
	}
	go reconcile.New(st, srv.StartComplaintWorkflow, log, sweeps).Run(ctx)
	go reconcile.NewQuality(st, srv.StartQualityWorkflow, log, sweeps).Run(ctx)
	con, err := console.New(srv, st, log)
	if err != nil {
		return fmt.Errorf("web console: %w", err)
	}
	con.LinkWorkflows(cfg.TemporalUIURL, cfg.TemporalNamespace)
	con.WatchWorkers(ctx, tc, cfg.TaskQueue)
	httpServer := &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           con.Beside(srv.Handler()),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 2)
	go func() { errc <- httpServer.ListenAndServe() }()
	if cfg.CodecAddr != "" {
		codecServer := codecServer(cfg, srv)
		go func() { errc <- codecServer.ListenAndServe() }()
		defer codecServer.Close()
		log.Info("Temporal codec listening", "addr", cfg.CodecAddr, "origins", cfg.CodecOrigins)
	}
	log.Info("API listening", "addr", cfg.HTTPAddr, "temporal", cfg.TemporalAddress, "namespace", cfg.TemporalNamespace)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("API stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	defer func() {
		if err := srv.FlushLatencies(shutdownCtx); err != nil {
			log.Warn("last request latencies not stored", "err", err)
		}
		if err := srv.FlushStarted(shutdownCtx); err != nil {
			log.Warn("last workflow-start marks not cleared; the reconciler will start those workflows again (no-ops)", "err", err)
		}
	}()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// codecServer serves the payload keys' codec to the Temporal Web UI, to admins
// (docs/privacy.md).
func codecServer(cfg config.Config, srv *api.Server) *http.Server {
	return &http.Server{
		Addr:              cfg.CodecAddr,
		Handler:           codec.Handler(cfg.PayloadKeys, cfg.CodecOrigins, srv.RequireAdmin),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
	}
}
