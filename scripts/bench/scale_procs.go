package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/complaintflow/complaintflow/internal/devenv"
)

// scaleProcesses are the worker and the API as separate processes, built from
// ./worker and ./starter and configured through the environment as an operator
// would, so /proc reports each one's memory alone.
type scaleProcesses struct {
	worker, api   *devenv.Process
	workerMetrics string // the worker's METRICS_ADDR /metrics
	apiURL        string
	dir           string
	logs          []*os.File
}

func startScaleProcesses(ctx context.Context, s *stack, cfg config) (*scaleProcesses, error) {
	dir, err := os.MkdirTemp("", "bench-scale-")
	if err != nil {
		return nil, err
	}
	p := &scaleProcesses{dir: dir}
	s.say("building ./worker and ./starter…")
	for _, pkg := range []string{"worker", "starter"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, pkg), "./"+pkg)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			p.stop(s)
			return nil, fmt.Errorf("go build ./%s (run the bench from the repository root): %w", pkg, err)
		}
	}
	metricsPort, err := devenv.FreePort()
	if err != nil {
		return nil, err
	}
	apiPort, err := devenv.FreePort()
	if err != nil {
		return nil, err
	}
	common := []string{
		"DATABASE_URL=" + s.dsn, "TEMPORAL_ADDRESS=" + s.hostPort, "TEMPORAL_NAMESPACE=" + cfg.namespace,
		"TEMPORAL_TASK_QUEUE=" + cfg.taskQueue, "LOG_LEVEL=warn",
	}
	if cfg.compression != "" {
		common = append(common, "TEMPORAL_GRPC_COMPRESSION="+cfg.compression)
	}
	workerEnv := append(common, "METRICS_ADDR=127.0.0.1:"+strconv.Itoa(metricsPort))
	workerEnv = append(workerEnv, workerSizingEnv(cfg.worker)...)
	// The benchmark measures the service, not the intake throttle (docs/tokens.md);
	// no risk-monitor schedule, whose runs are not what is measured.
	apiEnv := append(common, "HTTP_ADDR=127.0.0.1:"+strconv.Itoa(apiPort), "INTAKE_RATE_PER_SECOND=0",
		"AUTH_FAILURES_PER_MINUTE=0", "RISK_MONITOR_SCHEDULE=off")
	if cfg.taskTimeout > 0 {
		apiEnv = append(apiEnv, "WORKFLOW_TASK_TIMEOUT="+cfg.taskTimeout.String())
	}
	if p.worker, err = p.start(filepath.Join(dir, "worker"), nil, workerEnv, "worker"); err != nil {
		p.stop(s)
		return nil, err
	}
	if p.api, err = p.start(filepath.Join(dir, "starter"), []string{"serve"}, apiEnv, "api"); err != nil {
		p.stop(s)
		return nil, err
	}
	p.workerMetrics = "http://127.0.0.1:" + strconv.Itoa(metricsPort) + "/metrics"
	p.apiURL = "http://127.0.0.1:" + strconv.Itoa(apiPort)
	for _, u := range []string{"http://127.0.0.1:" + strconv.Itoa(metricsPort) + "/readyz", p.apiURL + "/readyz"} {
		if err := waitReady(ctx, u, 2*time.Minute); err != nil {
			p.stop(s)
			return nil, err
		}
	}
	s.say("worker (pid %d, metrics %s) and API (pid %d, %s) ready; logs in %s", p.worker.Pid(), p.workerMetrics, p.api.Pid(), p.apiURL, dir)
	return p, nil
}

func (p *scaleProcesses) start(bin string, args, env []string, name string) (*devenv.Process, error) {
	logFile, err := os.Create(filepath.Join(p.dir, name+".log"))
	if err != nil {
		return nil, err
	}
	p.logs = append(p.logs, logFile)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	proc, err := devenv.StartProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return proc, nil
}

func waitReady(ctx context.Context, u string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s", u, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// stop ends the API, then the worker, and keeps their logs.
func (p *scaleProcesses) stop(s *stack) {
	for _, proc := range []*devenv.Process{p.api, p.worker} {
		if proc != nil {
			if err := proc.Stop(syscall.SIGTERM, 20*time.Second); err != nil {
				s.say("stopping pid %d: %v", proc.Pid(), err)
			}
		}
	}
	for _, f := range p.logs {
		f.Close()
	}
	for _, bin := range []string{"worker", "starter"} {
		os.Remove(filepath.Join(p.dir, bin))
	}
	s.say("the worker's and the API's logs are in %s", p.dir)
}
