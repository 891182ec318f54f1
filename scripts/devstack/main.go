// Command devstack runs complaintflow locally with real servers — what `make run`
// and `make cluster` run:
//
//	go run ./scripts/devstack [-demo] [-cluster]
//
// It starts PostgreSQL (data in .data/postgres) and a Temporal dev server (state
// in .data/temporal.db, Web UI on :8233) unless DATABASE_URL / TEMPORAL_ADDRESS
// point at existing ones, builds and runs the worker and the API, and stops
// everything on Ctrl-C. -demo tightens the high-urgency SLA to seconds and files
// sample complaints, so a breach shows up within half a minute.
//
// -cluster is the production shape (docs/cluster.md): the real Temporal server
// with TEMPORAL_SHARDS history shards (default 16) on the stack's PostgreSQL (its
// own databases; everything in .data/cluster), two workers and two API processes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/complaintflow/complaintflow/internal/devenv"
	"github.com/complaintflow/complaintflow/workflows"
)

const (
	binDir       = ".data/bin"
	databaseName = "complaintflow"
	readyTimeout = 90 * time.Second
	// Longer than the binaries' default SHUTDOWN_TIMEOUT (20s), so they can drain.
	childGrace = 25 * time.Second
)

func main() {
	demo := flag.Bool("demo", false, "after start, set seconds-long SLAs for urgency high and file sample complaints")
	cluster := flag.Bool("cluster", false, "the production shape: the real Temporal server on PostgreSQL, two workers, two APIs")
	var soak soakConfig
	flag.IntVar(&soak.n, "soak", 0, "soak test (make soak): start a fresh stack in .data/soak on free ports, file this many complaints at its sustainable rate, check it never wedges, report and stop")
	flag.Float64Var(&soak.rate, "soak-rate", 0, "soak: complaints per second (0: measure the sustainable rate first and take -soak-fraction of it)")
	flag.Float64Var(&soak.fraction, "soak-fraction", 0.5, "soak: share of the measured sustainable rate to file at (half, as the intake benchmark's latency phase: a shared machine's capacity varies during a run)")
	flag.IntVar(&soak.inFlight, "soak-in-flight", 64, "soak: most filings outstanding at once (the schedule waits beyond, and the wait counts in the latency)")
	flag.DurationVar(&soak.grace, "soak-grace", 60*time.Second, "soak: how long /readyz, the Temporal server or workflow opening may fail in a row before it is a wedge")
	flag.DurationVar(&soak.drain, "soak-drain", 10*time.Minute, "soak: longest wait after intake for every accepted complaint's workflow to open")
	flag.DurationVar(&soak.timeout, "soak-timeout", 30*time.Second, "soak: per-request timeout")
	flag.Parse()
	if soak.n < 0 || soak.rate < 0 || soak.fraction <= 0 || soak.inFlight < 1 || soak.grace <= 0 {
		fmt.Fprintln(os.Stderr, "devstack: -soak, -soak-rate must not be negative; -soak-fraction, -soak-in-flight and -soak-grace must be positive")
		os.Exit(2)
	}

	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	s := &stack{out: newConsole(), demo: *demo, cluster: *cluster, soak: soak}
	code := s.run(ctx, stopSignals)
	os.Exit(code)
}

// stack is everything devstack started, stopped in reverse order.
type stack struct {
	out     *console
	demo    bool
	cluster bool
	soak    soakConfig // soak.n > 0: run a soak instead of waiting for Ctrl-C
	cfg     settings

	pg       *devenv.Postgres
	temporal *devenv.Temporal
	workers  []*devenv.Process
	starters []*devenv.Process // the API processes
}

// run starts the stack, waits for Ctrl-C or a crash, and returns the exit code.
func (s *stack) run(ctx context.Context, stopSignals func()) int {
	s.cfg = settingsFromEnv(s.cluster)
	var err error
	if s.soak.n > 0 {
		err = s.cfg.forSoak()
	}
	if err == nil {
		err = s.start(ctx)
	}
	soaked := false
	if err == nil && s.soak.n > 0 {
		err = s.runSoak(ctx, s.soak)
		soaked = err == nil
	} else if err == nil {
		err = s.wait(ctx)
	}
	interrupted := ctx.Err() != nil // read first: stopSignals cancels ctx too
	// From here a second Ctrl-C kills us at once; the children then die too (Pdeathsig).
	stopSignals()
	switch {
	case soaked:
		s.out.Say("soak passed; stopping everything…")
	case interrupted:
		s.out.Say("stopping (press Ctrl-C again to force)…")
	default:
		s.out.Say("error: %v", err)
		s.out.Say("stopping everything…")
	}
	s.stop()
	if soaked || (interrupted && s.soak.n == 0) {
		return 0
	}
	return 1
}

func (s *stack) start(ctx context.Context) error {
	if err := s.ensureTemporalCLI(ctx); err != nil {
		return err
	}
	// Build first: a compile error should not wait for servers to start.
	if err := s.build(ctx); err != nil {
		return err
	}
	if err := s.startPostgres(ctx); err != nil {
		return err
	}
	if err := s.startTemporal(ctx); err != nil {
		return err
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if err := s.startApps(ctx); err != nil {
		return err
	}
	s.printWelcome()
	if s.demo {
		if err := runDemo(ctx, s.cfg, s.out); err != nil {
			// The stack itself is fine; keep it running so the user can look around.
			s.out.Say("demo failed: %v", err)
		}
	}
	return nil
}

// ensureTemporalCLI installs the pinned Temporal CLI if we are to run the dev
// server and it is not installed.
func (s *stack) ensureTemporalCLI(ctx context.Context) error {
	if s.cfg.externalTemporal {
		return nil
	}
	if s.cluster {
		// The real server's binaries are the Makefile's to install (`make cluster`).
		_, err := devenv.FindTemporalServer()
		return err
	}
	if _, err := devenv.FindTemporalCLI(); err == nil {
		return nil
	}
	s.out.Say("Temporal CLI not found; running `%s` (takes ~4 minutes the first time)…", devenv.TemporalInstallCommand)
	cmd := exec.CommandContext(ctx, "make", "temporal-cli")
	cmd.Stdout, cmd.Stderr = s.out.Prefixed("[go install] "), s.out.Prefixed("[go install] ")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install Temporal CLI: %w", err)
	}
	_, err := devenv.FindTemporalCLI()
	return err
}

func (s *stack) build(ctx context.Context) error {
	s.out.Say("building ./worker and ./starter into %s/…", binDir)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", binDir+"/", "./worker", "./starter")
	cmd.Stdout, cmd.Stderr = s.out.Prefixed("[build] "), s.out.Prefixed("[build] ")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	return nil
}

func (s *stack) startPostgres(ctx context.Context) error {
	if s.cfg.databaseURL != "" {
		s.out.Say("using DATABASE_URL from the environment")
		return nil
	}
	s.out.Say("starting PostgreSQL on 127.0.0.1:%d (data in %s/postgres)…", s.cfg.pgPort, s.cfg.dataDir)
	pg, err := devenv.StartPostgres(ctx, devenv.PostgresOptions{
		DataDir: filepath.Join(s.cfg.dataDir, "postgres"),
		Port:    s.cfg.pgPort,
		LogFile: filepath.Join(s.cfg.dataDir, "postgres.log"),
	})
	if err != nil {
		return err
	}
	s.pg = pg
	if err := pg.CreateDatabase(ctx, databaseName); err != nil {
		return err
	}
	s.cfg.databaseURL = pg.DSN(databaseName)
	return nil
}

func (s *stack) startTemporal(ctx context.Context) error {
	if s.cfg.externalTemporal {
		s.out.Say("using TEMPORAL_ADDRESS=%s from the environment", s.cfg.temporalAddress)
		return nil
	}
	if s.cluster {
		return s.startTemporalServer(ctx)
	}
	s.out.Say("starting Temporal dev server on 127.0.0.1:%d (state in %s/temporal.db)…", s.cfg.temporalPort, s.cfg.dataDir)
	t, err := devenv.StartTemporal(ctx, devenv.TemporalOptions{
		Port:             s.cfg.temporalPort,
		UIPort:           s.cfg.temporalUIPort,
		DBFile:           filepath.Join(s.cfg.dataDir, "temporal.db"),
		Namespace:        s.cfg.namespace,
		SearchAttributes: workflows.SearchAttributeDefinitions(),
		LogFile:          filepath.Join(s.cfg.dataDir, "temporal.log"),
	})
	if err != nil {
		return err
	}
	s.temporal = t
	s.cfg.temporalAddress = t.Address()
	s.cfg.temporalUI = t.UIURL()
	return nil
}

// startTemporalServer runs the real Temporal server on the stack's PostgreSQL.
func (s *stack) startTemporalServer(ctx context.Context) error {
	if s.pg == nil {
		return fmt.Errorf("-cluster keeps Temporal's databases on the stack's own PostgreSQL; unset DATABASE_URL")
	}
	s.out.Say("starting Temporal server %s on 127.0.0.1:%d (%d history shards, databases temporal and temporal_visibility)…",
		devenv.TemporalServerVersion, s.cfg.temporalPort, s.cfg.shards)
	t, err := devenv.StartTemporalServer(ctx, devenv.TemporalServerOptions{
		Postgres:         s.pg,
		Dir:              filepath.Join(s.cfg.dataDir, "temporal"),
		Port:             s.cfg.temporalPort,
		Shards:           s.cfg.shards,
		Namespace:        s.cfg.namespace,
		SearchAttributes: workflows.SearchAttributeDefinitions(),
		LogFile:          filepath.Join(s.cfg.dataDir, "temporal.log"),
	})
	if err != nil {
		return err
	}
	s.temporal = t
	s.cfg.temporalAddress = t.Address()
	return nil
}

// migrate applies the schema before the apps start, so neither races the other.
func (s *stack) migrate(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "starter"), "migrate")
	cmd.Env = s.cfg.appEnv(false, 0)
	cmd.Stdout, cmd.Stderr = s.out.Prefixed("[migrate] "), s.out.Prefixed("[migrate] ")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("starter migrate: %w", err)
	}
	return nil
}

// startApps starts the workers, then the API processes one at a time, each ready
// before the next starts, so their start-up writes (the bootstrap token, the risk
// monitor's schedule) never race.
func (s *stack) startApps(ctx context.Context) error {
	for i := range s.cfg.workers {
		p, err := s.startApp("worker", i, false)
		if err != nil {
			return err
		}
		s.workers = append(s.workers, p)
	}
	for i := range s.cfg.apis {
		p, err := s.startApp("starter", i, true, "serve")
		if err != nil {
			return err
		}
		s.starters = append(s.starters, p)
		if err := s.waitReady(ctx, s.cfg.apiURL(i)); err != nil {
			return err
		}
	}
	return nil
}

func (s *stack) startApp(name string, i int, isAPI bool, args ...string) (*devenv.Process, error) {
	cmd := exec.Command(filepath.Join(binDir, name), args...)
	cmd.Env = s.cfg.appEnv(!isAPI, i)
	prefix := "[" + name + "] "
	if s.cluster {
		prefix = fmt.Sprintf("[%s-%d] ", name, i+1)
	}
	cmd.Stdout, cmd.Stderr = s.out.Prefixed(prefix), s.out.Prefixed(prefix)
	p, err := devenv.StartProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return p, nil
}

// waitReady polls the API's /readyz (PostgreSQL and Temporal answer, the Chinese
// dictionary is loaded: docs/tokens.md).
func (s *stack) waitReady(ctx context.Context, api string) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	url := api + "/readyz"
	for {
		if httpStatus(ctx, url) == 200 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("API not ready at %s within %s: %w", url, readyTimeout, ctx.Err())
		case name := <-s.anyExit():
			return fmt.Errorf("%s exited while the stack was starting", name)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// wait blocks until Ctrl-C (nil) or until a child exits on its own (error).
func (s *stack) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case name := <-s.anyExit():
		return fmt.Errorf("%s exited unexpectedly", name)
	}
}

// anyExit reports the name of the first of our children to exit.
func (s *stack) anyExit() <-chan string {
	exited := make(chan string, 2+len(s.workers)+len(s.starters))
	watch := func(name string, done <-chan struct{}) {
		go func() { <-done; exited <- name }()
	}
	watchApp := func(name string, p *devenv.Process) {
		go func() {
			<-p.Done()
			if err := p.Err(); err != nil {
				name += " (" + err.Error() + ")"
			}
			exited <- name
		}()
	}
	for i, p := range s.starters {
		watchApp(s.appName("starter", i), p)
	}
	for i, p := range s.workers {
		watchApp(s.appName("worker", i), p)
	}
	if s.temporal != nil {
		watch("Temporal server (log: "+s.temporal.LogFile()+")", s.temporal.Done())
	}
	if s.pg != nil {
		watch("PostgreSQL (log: "+s.pg.LogFile()+")", s.pg.Done())
	}
	return exited
}

// stop takes the stack down front to back: the API first so no new work arrives,
// then the worker, then the servers they use.
func (s *stack) stop() {
	steps := []struct {
		name string
		stop func() error
	}{
		{"starter", func() error { return stopAll(s.starters) }},
		{"worker", func() error { return stopAll(s.workers) }},
		{"Temporal", func() error {
			if s.temporal == nil {
				return nil
			}
			return s.temporal.Stop()
		}},
		{"PostgreSQL", func() error {
			if s.pg == nil {
				return nil
			}
			return s.pg.Stop()
		}},
	}
	for _, step := range steps {
		if err := step.stop(); err != nil {
			s.out.Say("stop %s: %v", step.name, err)
		}
	}
	s.out.Flush()
	s.out.Say("stopped")
}

// stopAll stops processes of one kind together, so their grace periods overlap.
func stopAll(ps []*devenv.Process) error {
	errs := make(chan error, len(ps))
	for _, p := range ps {
		go func() { errs <- p.Stop(syscall.SIGTERM, childGrace) }()
	}
	var all []error
	for range ps {
		all = append(all, <-errs)
	}
	return errors.Join(all...)
}

// appName is "worker" for make run, "worker-2" in the cluster's second worker.
func (s *stack) appName(name string, i int) string {
	if !s.cluster {
		return name
	}
	return fmt.Sprintf("%s-%d", name, i+1)
}

func (s *stack) printWelcome() {
	c := s.cfg
	ui := c.temporalUI
	switch {
	case s.cluster && !c.externalTemporal:
		ui = "(none: the bare server has no Web UI; use `temporal --address " + c.temporalAddress + " workflow list`)"
	case ui == "":
		ui = "(external Temporal at " + c.temporalAddress + ")"
	}
	apis := c.apiURL(0)
	for i := 1; i < c.apis; i++ {
		apis += " and " + c.apiURL(i) + " (any serves any complaint)"
	}
	if s.cluster {
		s.out.Say("production shape: Temporal server %s at %s, %d workers, %d API processes",
			devenv.TemporalServerVersion, c.temporalAddress, c.workers, c.apis)
	}
	s.out.Say(`complaintflow is running — Ctrl-C stops everything.

  API:          %s
  Temporal UI:  %s
  Admin token:  %s
  Database:     %s

Next: the quick start in README.md — in another terminal, with curl and jq:
  CF=%s ADMIN=%s
then paste its blocks: a directory, tokens, a complaint filed, acknowledged,
escalated, decided, resolved and verified by the customer's survey answer.
`, apis, ui, c.adminToken, c.databaseURL, c.apiURL(0), c.adminToken)
}
