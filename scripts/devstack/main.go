// Command devstack runs complaintflow locally with real servers — what `make run`
// runs:
//
//	go run ./scripts/devstack [-demo]
//
// It starts PostgreSQL (data in .data/postgres) and a Temporal dev server (state
// in .data/temporal.db, Web UI on :8233) unless DATABASE_URL / TEMPORAL_ADDRESS
// point at existing ones, builds and runs the worker and the API, and stops
// everything on Ctrl-C. -demo tightens the high-urgency SLA to seconds and files
// sample complaints, so a breach shows up within half a minute.
package main

import (
	"context"
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
	dataDir      = ".data"
	binDir       = ".data/bin"
	databaseName = "complaintflow"
	readyTimeout = 90 * time.Second
	// Longer than the binaries' default SHUTDOWN_TIMEOUT (20s), so they can drain.
	childGrace = 25 * time.Second
)

func main() {
	demo := flag.Bool("demo", false, "after start, set seconds-long SLAs for urgency high and file sample complaints")
	flag.Parse()

	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	s := &stack{out: newConsole(), demo: *demo}
	code := s.run(ctx, stopSignals)
	os.Exit(code)
}

// stack is everything devstack started, stopped in reverse order.
type stack struct {
	out  *console
	demo bool
	cfg  settings

	pg       *devenv.Postgres
	temporal *devenv.Temporal
	worker   *devenv.Process
	starter  *devenv.Process
}

// run starts the stack, waits for Ctrl-C or a crash, and returns the exit code.
func (s *stack) run(ctx context.Context, stopSignals func()) int {
	s.cfg = settingsFromEnv()
	err := s.start(ctx)
	if err == nil {
		err = s.wait(ctx)
	}
	interrupted := ctx.Err() != nil // read first: stopSignals cancels ctx too
	// From here a second Ctrl-C kills us at once; the children then die too (Pdeathsig).
	stopSignals()
	if interrupted {
		s.out.Say("stopping (press Ctrl-C again to force)…")
	} else {
		s.out.Say("error: %v", err)
		s.out.Say("stopping everything…")
	}
	s.stop()
	if interrupted {
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
	if err := s.startApps(); err != nil {
		return err
	}
	if err := s.waitReady(ctx); err != nil {
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
	if _, err := devenv.FindTemporalCLI(); err == nil {
		return nil
	}
	s.out.Say("Temporal CLI not found; running `%s` (takes ~4 minutes the first time)…", devenv.TemporalInstallCommand)
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/temporalio/cli/cmd/temporal@"+devenv.TemporalCLIVersion)
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
	s.out.Say("starting PostgreSQL on 127.0.0.1:%d (data in %s/postgres)…", s.cfg.pgPort, dataDir)
	pg, err := devenv.StartPostgres(ctx, devenv.PostgresOptions{
		DataDir: filepath.Join(dataDir, "postgres"),
		Port:    s.cfg.pgPort,
		LogFile: filepath.Join(dataDir, "postgres.log"),
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
	s.out.Say("starting Temporal dev server on 127.0.0.1:%d (state in %s/temporal.db)…", s.cfg.temporalPort, dataDir)
	t, err := devenv.StartTemporal(ctx, devenv.TemporalOptions{
		Port:             s.cfg.temporalPort,
		UIPort:           s.cfg.temporalUIPort,
		DBFile:           filepath.Join(dataDir, "temporal.db"),
		Namespace:        s.cfg.namespace,
		SearchAttributes: workflows.SearchAttributeDefinitions(),
		LogFile:          filepath.Join(dataDir, "temporal.log"),
	})
	if err != nil {
		return err
	}
	s.temporal = t
	s.cfg.temporalAddress = t.Address()
	s.cfg.temporalUI = t.UIURL()
	return nil
}

// migrate applies the schema before the apps start, so neither races the other.
func (s *stack) migrate(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "starter"), "migrate")
	cmd.Env = s.cfg.appEnv(false)
	cmd.Stdout, cmd.Stderr = s.out.Prefixed("[migrate] "), s.out.Prefixed("[migrate] ")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("starter migrate: %w", err)
	}
	return nil
}

func (s *stack) startApps() error {
	var err error
	if s.worker, err = s.startApp("worker", false); err != nil {
		return err
	}
	s.starter, err = s.startApp("starter", true, "serve")
	return err
}

func (s *stack) startApp(name string, isAPI bool, args ...string) (*devenv.Process, error) {
	cmd := exec.Command(filepath.Join(binDir, name), args...)
	cmd.Env = s.cfg.appEnv(!isAPI)
	prefix := "[" + name + "] "
	cmd.Stdout, cmd.Stderr = s.out.Prefixed(prefix), s.out.Prefixed(prefix)
	p, err := devenv.StartProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return p, nil
}

// waitReady polls the API's /readyz (PostgreSQL and Temporal answer, the Chinese
// dictionary is loaded: docs/tokens.md).
func (s *stack) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	url := s.cfg.apiURL() + "/readyz"
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
	exited := make(chan string, 4)
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
	if s.starter != nil {
		watchApp("starter", s.starter)
	}
	if s.worker != nil {
		watchApp("worker", s.worker)
	}
	if s.temporal != nil {
		watch("Temporal dev server (log: "+s.temporal.LogFile()+")", s.temporal.Done())
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
		{"starter", func() error { return stopProcess(s.starter) }},
		{"worker", func() error { return stopProcess(s.worker) }},
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

func stopProcess(p *devenv.Process) error {
	if p == nil {
		return nil
	}
	return p.Stop(syscall.SIGTERM, childGrace)
}

func (s *stack) printWelcome() {
	c := s.cfg
	ui := c.temporalUI
	if ui == "" {
		ui = "(external Temporal at " + c.temporalAddress + ")"
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
`, c.apiURL(), ui, c.adminToken, c.databaseURL, c.apiURL(), c.adminToken)
}
