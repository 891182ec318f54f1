package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	_ "github.com/lib/pq" // database/sql driver "postgres"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/api"
	appconfig "github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/console"
	"github.com/complaintflow/complaintflow/internal/devenv"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/service"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/telemetry"
	"github.com/complaintflow/complaintflow/migrations"
	"github.com/complaintflow/complaintflow/workflows"
)

// BareWorkflowName is the name the bare workflow is registered under.
const BareWorkflowName = "BenchBareWorkflow"

// BareWorkflow is what a complaint workflow does minus complaintflow's code: it
// starts, then waits on one long durable timer. The raw contender starts it with
// client.ExecuteWorkflow, so it measures Temporal's own cost of a start.
func BareWorkflow(ctx workflow.Context, id string) error {
	return workflow.Sleep(ctx, 24*time.Hour)
}

// stack is the whole complaintflow, in process, against real servers.
type stack struct {
	cfg config
	log *slog.Logger

	pg       *devenv.Postgres
	temporal *devenv.Temporal
	dsn      string
	hostPort string
	// serverGoroutinesURL is the real server's goroutine dump (-temporal-goroutines).
	serverGoroutinesURL string

	store   *store.Store
	metrics *telemetry.Metrics
	tc      client.Client
	worker  worker.Worker
	http    *http.Server
	baseURL string

	adminSecret string
	intakeToken string
	tempDirs    []string

	// Versions of what we measure against, for the report.
	postgresVersion string
	temporalVersion string
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// start brings everything up; on error the caller still calls stop.
func (s *stack) start(ctx context.Context) error {
	if s.cfg.databaseURL == "" {
		s.say("starting a private PostgreSQL (fsync off)…")
		opts := devenv.PostgresOptions{Fast: true}
		if s.cfg.pgStatements > 0 {
			opts.Settings = pgStatementSettings
		}
		pg, err := devenv.StartPostgres(ctx, opts)
		if err != nil {
			return fmt.Errorf("start PostgreSQL: %w", err)
		}
		s.pg = pg
		if err := pg.CreateDatabase(ctx, "complaintflow_bench"); err != nil {
			return err
		}
		s.dsn = pg.DSN("complaintflow_bench")
	} else {
		s.dsn = s.cfg.databaseURL
	}
	if err := migrations.UpDSN(ctx, s.dsn); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	if s.cfg.temporalServer == "real" {
		if err := s.startTemporalServer(ctx); err != nil {
			return err
		}
	} else if s.cfg.temporalAddr == "" {
		s.say("starting a private Temporal dev server (headless)…")
		opts := devenv.TemporalOptions{
			Headless: true, Namespace: s.cfg.namespace,
			SearchAttributes: workflows.SearchAttributeDefinitions(), LogFile: s.cfg.temporalLog,
		}
		if s.cfg.temporalDB {
			dir, err := os.MkdirTemp("", "bench-temporal-")
			if err != nil {
				return err
			}
			s.tempDirs = append(s.tempDirs, dir)
			opts.DBFile = filepath.Join(dir, "temporal.db")
		}
		t, err := devenv.StartTemporal(ctx, opts)
		if err != nil {
			return fmt.Errorf("start Temporal: %w", err)
		}
		s.temporal = t
		s.hostPort = t.Address()
	} else {
		s.hostPort = s.cfg.temporalAddr
	}

	st, err := store.Open(ctx, s.dsn)
	if err != nil {
		return err
	}
	s.store = st
	if err := st.DB().GetContext(ctx, &s.postgresVersion, `SHOW server_version`); err != nil {
		return err
	}
	if s.cfg.mode != "breach" && s.cfg.mode != "scale" { // these modes set their own policy
		if err := s.checkPolicies(ctx); err != nil {
			return err
		}
	}

	metrics, err := telemetry.NewMetrics()
	if err != nil {
		return err
	}
	s.metrics = metrics
	compression, err := appconfig.GrpcCompression(s.cfg.compression)
	if err != nil {
		return fmt.Errorf("-temporal-grpc-compression: %w", err)
	}
	tc, err := client.DialContext(ctx, client.Options{
		HostPort: s.hostPort, Namespace: s.cfg.namespace,
		Logger: tlog.NewStructuredLogger(s.log), MetricsHandler: metrics.Temporal,
		ConnectionOptions: client.ConnectionOptions{GrpcCompression: compression},
	})
	if err != nil {
		return fmt.Errorf("connect to Temporal at %s: %w", s.hostPort, err)
	}
	s.tc = tc
	if info, err := tc.WorkflowService().GetSystemInfo(ctx, &workflowservice.GetSystemInfoRequest{}); err == nil {
		s.temporalVersion = info.GetServerVersion()
	}

	// The real worker (complaint workflow + activities) and the bare workflow, on
	// one worker, one task queue.
	if s.cfg.noWorker {
		// Diagnostic: starts only; what they start waits on the task queue.
	} else if s.cfg.workerPollers > 0 {
		// Diagnostic: what service.NewWorker registers, with more pollers.
		s.worker = worker.New(tc, s.cfg.taskQueue, worker.Options{
			MaxConcurrentWorkflowTaskPollers: s.cfg.workerPollers,
			MaxConcurrentActivityTaskPollers: s.cfg.workerPollers,
		})
		s.worker.RegisterWorkflow(workflows.ComplaintWorkflow)
		s.worker.RegisterActivity(&activities.Activities{Store: st, Directory: st, Notifications: st,
			Notifiers: []notify.Notifier{notify.Log{Logger: s.log}}})
	} else {
		s.worker = service.NewWorker(tc, s.cfg.taskQueue, s.cfg.worker,
			service.NewActivities(st, activities.SurveyLinks{} /* benchmarks never resolve */, activities.CustomerMessages{}, "quality", notify.Log{Logger: s.log}))
	}
	if s.worker != nil {
		s.worker.RegisterWorkflowWithOptions(BareWorkflow, workflow.RegisterOptions{Name: BareWorkflowName})
		registerBreachTimer(s.worker, st)
		if err := s.worker.Start(); err != nil {
			return fmt.Errorf("start worker: %w", err)
		}
	}

	// The API, configured as starter serves it, on a real loopback listener.
	srv := api.New(st, tc, s.cfg.taskQueue, s.log, metrics.Registry)
	// The benchmarks measure the service, not the intake throttle (docs/tokens.md).
	srv.UseLimits(api.Limits{})
	if s.cfg.taskTimeout > 0 {
		srv.UseWorkflowTaskTimeout(s.cfg.taskTimeout)
	}
	s.adminSecret = "bench-admin-" + randomHex(16)
	if err := srv.Bootstrap(ctx, s.adminSecret); err != nil {
		return fmt.Errorf("bootstrap admin token: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.baseURL = "http://" + ln.Addr().String()
	handler := srv.Handler()
	if s.cfg.mode == "console" {
		// As the starter serves them: the console under /console/, the API beside it.
		con, err := console.New(srv, st, s.log)
		if err != nil {
			return fmt.Errorf("web console: %w", err)
		}
		handler = con.Beside(handler)
	}
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server", "error", err)
		}
	}()

	if err := s.waitReady(ctx); err != nil {
		return err
	}

	tok, err := s.createToken(ctx, "intake", "bench-intake")
	if err != nil {
		return fmt.Errorf("create intake token: %w", err)
	}
	s.intakeToken = tok
	for group, n := range s.cfg.nice {
		s.say("setting the threads of %s to nice %d", group, n)
		if err := reniceGroup(group, n); err != nil {
			return err
		}
	}
	for group, set := range s.cfg.cpus {
		s.say("confining the threads of %s to CPUs %s", group, cpuList(set))
		if err := pinGroup(group, set); err != nil {
			return err
		}
	}
	return nil
}

// temporalDatabase is the real server's database on the private PostgreSQL; its
// visibility store is temporalDatabase+"_visibility".
const temporalDatabase = "temporal_bench"

// startTemporalServer starts the real Temporal server on the private PostgreSQL,
// with its Prometheus endpoint for the breach mode's timer-queue figures.
func (s *stack) startTemporalServer(ctx context.Context) error {
	if _, err := devenv.FindTemporalServer(); err != nil {
		return err // names make temporal-server
	}
	metricsPort, err := devenv.FreePort()
	if err != nil {
		return err
	}
	pprofPort := 0
	if s.cfg.serverGoroutines != "" {
		if pprofPort, err = devenv.FreePort(); err != nil {
			return err
		}
		s.serverGoroutinesURL = fmt.Sprintf("http://localhost:%d/debug/pprof/goroutine?debug=2", pprofPort)
	}
	s.say("starting a private Temporal server %s (%d history shards) on the private PostgreSQL…", devenv.TemporalServerVersion, s.cfg.shards)
	t, err := devenv.StartTemporalServer(ctx, devenv.TemporalServerOptions{
		Postgres: s.pg, Database: temporalDatabase, Shards: s.cfg.shards,
		Namespace: s.cfg.namespace, SearchAttributes: workflows.SearchAttributeDefinitions(),
		MetricsPort: metricsPort, PprofPort: pprofPort, LogFile: s.cfg.temporalLog, HistoryCacheSize: s.cfg.historyCache,
		SQLPlugin: s.cfg.sqlPlugin,
	})
	if err != nil {
		return fmt.Errorf("start Temporal server: %w", err)
	}
	s.temporal = t
	s.hostPort = t.Address()
	return nil
}

// waitReady waits until the API's /readyz answers 200: until then the API is
// still loading the Chinese dictionary, which the first complaints would wait on
// (on a loaded machine for longer than a request's timeout).
func (s *stack) waitReady(ctx context.Context) error {
	s.say("waiting for the API's /readyz…")
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	last := ""
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL+"/readyz", nil)
		if err != nil {
			return err
		}
		if res, err := http.DefaultClient.Do(req); err == nil {
			raw, _ := io.ReadAll(io.LimitReader(res.Body, 512))
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.say("API ready after %s", time.Since(start).Round(100*time.Millisecond))
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", res.StatusCode, raw)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("API not ready within 5 minutes; last /readyz: %s", last)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// checkPolicies makes sure no SLA policy is short enough for breaches to fire
// during the run (breach handling is not what we measure): it lengthens them in a
// private database, and refuses to run on -database-url.
func (s *stack) checkPolicies(ctx context.Context) error {
	var minSeconds int64
	if err := s.store.DB().GetContext(ctx, &minSeconds, `SELECT coalesce(min(first_response_seconds), 0) FROM sla_policies`); err != nil {
		return err
	}
	if minSeconds < 3600 && s.pg != nil {
		// A private database goes away with the run: give every cell a day, so
		// the default policies' shorter SLAs (15 minutes for some cells) neither
		// warn nor breach during a long run.
		_, err := s.store.DB().ExecContext(ctx, `UPDATE sla_policies SET first_response_seconds = greatest(first_response_seconds, 86400),
			resolution_seconds = CASE WHEN resolution_seconds IS NULL THEN NULL ELSE greatest(resolution_seconds, 172800) END,
			updated_at = now(), updated_by = 'bench'`)
		if err != nil {
			return fmt.Errorf("lengthen the SLA policies: %w", err)
		}
		return nil
	}
	if minSeconds < 3600 {
		return fmt.Errorf("the shortest first-response SLA is %ds; the benchmark wants the default hours-long policies so no breach fires during the run", minSeconds)
	}
	return nil
}

func (s *stack) createToken(ctx context.Context, role, name string) (string, error) {
	return s.createTokenFor(ctx, map[string]string{"role": role, "name": name})
}

// createTokenFor creates a token from the body of POST /v1/tokens (role, name,
// person_id, …) with the admin secret and returns its secret.
func (s *stack) createTokenFor(ctx context.Context, fields map[string]string) (string, error) {
	body, _ := json.Marshal(fields)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.baseURL+"/v1/tokens", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+s.adminSecret)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST /v1/tokens: HTTP %d: %s", res.StatusCode, raw)
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Token == "" {
		return "", fmt.Errorf("POST /v1/tokens: no token in %s", raw)
	}
	return out.Token, nil
}

func (s *stack) say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// stop tears down in reverse order; every step runs even if one fails.
func (s *stack) stop() {
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = s.http.Shutdown(ctx)
		cancel()
	}
	if s.worker != nil {
		s.worker.Stop()
	}
	if s.tc != nil {
		s.tc.Close()
	}
	if s.store != nil {
		s.store.Close()
	}
	if s.temporal != nil {
		if err := s.temporal.Stop(); err != nil {
			s.say("stopping Temporal: %v", err)
		}
	}
	if s.pg != nil {
		if err := s.pg.Stop(); err != nil {
			s.say("stopping PostgreSQL: %v", err)
		}
	}
	for _, dir := range s.tempDirs {
		os.RemoveAll(dir)
	}
}

// backlog is the approximate number of tasks waiting on the task queue, workflow
// and activity tasks together.
func (s *stack) backlog(ctx context.Context) (int64, error) {
	var total int64
	for _, typ := range []enumspb.TaskQueueType{enumspb.TASK_QUEUE_TYPE_WORKFLOW, enumspb.TASK_QUEUE_TYPE_ACTIVITY} {
		res, err := s.tc.WorkflowService().DescribeTaskQueue(ctx, &workflowservice.DescribeTaskQueueRequest{
			Namespace:     s.cfg.namespace,
			TaskQueue:     &taskqueuepb.TaskQueue{Name: s.cfg.taskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
			TaskQueueType: typ,
			ReportStats:   true,
		})
		if err != nil {
			return 0, err
		}
		total += res.GetStats().GetApproximateBacklogCount()
	}
	return total, nil
}

// quiesce waits until the worker has caught up with what the last run started (no
// backlog and no task executed for a whole second), so one contender's leftovers
// never load the next one's measurement. It returns how long that took.
func (s *stack) quiesce(ctx context.Context) (time.Duration, error) {
	return s.drainStarts(ctx, taskCounts{}, 0)
}

// drainStarts is quiesce for a run that started `started` workflows: the worker
// must also have run a workflow task for each of them since `since`. Quiet and an
// empty backlog alone can end the drain early: a workflow task whose start matching
// gave up on (temporalio/temporal#11733) is in no backlog and on no worker until
// its timeout hands it out again.
func (s *stack) drainStarts(ctx context.Context, since taskCounts, started int) (time.Duration, error) {
	if s.worker == nil {
		return 0, nil // -no-worker: nothing will catch up
	}
	start := time.Now()
	deadline := start.Add(s.cfg.drainTimeout)
	const poll = 250 * time.Millisecond
	const quietFor = time.Second
	last, err := s.workerTasks()
	if err != nil {
		return 0, err
	}
	quietSince := time.Now()
	for {
		select {
		case <-ctx.Done():
			return time.Since(start), ctx.Err()
		case <-time.After(poll):
		}
		now, err := s.workerTasks()
		if err != nil {
			return 0, err
		}
		if now != last {
			last, quietSince = now, time.Now()
		}
		if time.Since(quietSince) >= quietFor && s.ranAtLeast(since, started) {
			bl, err := s.backlog(ctx)
			if err != nil {
				return 0, err
			}
			if bl == 0 {
				return time.Since(start) - quietFor, nil
			}
		}
		if time.Now().After(deadline) {
			return time.Since(start), fmt.Errorf("worker still busy after %v", s.cfg.drainTimeout)
		}
	}
}

// ranAtLeast reports whether the worker has run n workflow tasks since `since`.
func (s *stack) ranAtLeast(since taskCounts, n int) bool {
	if n == 0 {
		return true
	}
	now, err := s.workerTaskCounts()
	return err == nil && now.sub(since).workflow >= float64(n)
}

// startTimeout bounds bringing the stack up: servers, migrations, and the API
// loading its dictionary, which takes minutes on a loaded machine.
const startTimeout = 8 * time.Minute
