// Command bench measures intake: complaints filed through POST /v1/complaints
// against raw SDK ExecuteWorkflow starts of an equivalent bare workflow (one long
// durable timer), on the same Temporal server, worker and task queue, in one run.
//
//	go run ./scripts/bench [flags]
//
// Unless -database-url / -temporal point at existing servers, it starts a private
// PostgreSQL (fsync off) and a headless, in-memory Temporal dev server, and stops
// them at the end. -temporal-server real starts the production shape instead: the
// real Temporal server (make temporal-server installs it) with -shards history
// shards, its persistence and SQL visibility in their own databases on the
// private PostgreSQL. The API, the worker (the real complaint workflow and activities
// plus the bare workflow) and the load generator run in this process; all traffic
// is on 127.0.0.1.
//
// Phase 1, sustainable throughput: after a warm-up, each contender sends -n
// requests from -c concurrent callers in a closed loop, alternating over -rounds
// rounds (api,raw then raw,api, …) to cancel drift; the worker is left to catch up
// between runs. ratio = median(api throughput) / median(raw throughput).
//
// The raw contender starts the bare workflow with the same start options the API
// uses (search attributes, ID conflict/reuse policies), so the ratio measures what
// the API adds to an equivalent start; -raw-options none drops them.
//
// Phase 2, latency: each contender in turn gets an open-loop schedule at half the
// sustainable rate for -d, and every request is timed from its scheduled send time
// (no coordinated omission). The sustainable rate is the lower of the api's median
// intake throughput and its median end-to-end rate (filing until the worker has
// opened every complaint): a rate the worker cannot keep up with builds a backlog
// without bound, so it is not sustainable however fast intake answers.
//
// Targets: ratio ≥ 0.9, and api p99 < 100 ms at half the sustainable rate.
//
// Besides throughput and latency, each run reports how long the worker took to
// catch up afterwards (and so the end-to-end rate), the mean time in the API
// handler and in the SDK's StartWorkflowExecution call, and CPU per request by
// process (this one, temporal, postgres; from /proc, Linux only). Diagnostic flags
// change what is compared, and the report says so: -raw-options chooses the raw
// starts' options, -no-worker runs no worker, -worker-pollers
// changes the worker's poller counts, -cpuprofile profiles this process. The
// worker's production sizes are flags named as their environment variables
// (-worker-sticky-cache for WORKER_STICKY_CACHE_SIZE, -worker-workflow-task-slots,
// -worker-max-pollers, …; worker_sizing.go), in every mode.
//
// -mode breach measures breach lateness instead (see breach.go): how long after each
// SLA deadline its breach is recorded in PostgreSQL, for complaintflow (N complaints
// under a seconds-long policy, filed through the API, the real worker and
// workflow), a bare Temporal timer workflow (the engine's floor) and a robfig/cron
// poller scanning PostgreSQL every minute, one after the other in one run.
//
//	go run ./scripts/bench -mode breach [-n 2000] [-rounds 1] [-breach-rate 60] [-breach-first-response 90s]
//
// Target: complaintflow p99 ≤ 1 s and ≤ 1.5 × the bare timer's p99.
//
// -mode console measures the web console's pages and the dashboard's data instead
// (see console.go): it seeds -console-open open and -console-closed resolved or
// closed complaints with a month of events straight into PostgreSQL, signs in
// through POST /console/login, and times GET /console/ (queue), /console/queue/rows
// and /console/complaints/{id} -console-requests times each, then GET /v1/metrics
// (over the month, total and grouped) and /v1/heatmap -console-data-requests times
// each, with the console mounted beside the API as the starter serves them.
//
//	go run ./scripts/bench -mode console [-console-requests 300] [-console-data-requests 50] [-console-c 1]
//
// Targets: pages p95 < 100 ms server time, the dashboard's data p95 < 500 ms.
//
// -mode risk seeds the same month, with QA samples, customer reopenings and
// knowledge articles (see risk.go), and times the risk monitor's store calls
// -console-data-requests times each, one at a time, with pg_stat_statements.
//
//	go run ./scripts/bench -mode risk [-console-open 100000] [-console-closed 100000]
//
// -mode scale measures what open complaints cost as they grow (see scale.go): it
// files complaints with a week-long SLA through POST /v1/complaints up to each of
// -scale-steps, and at each step samples intake latency at a fixed rate and reads
// the worker's and the API's memory (separate ./worker and ./starter processes,
// the worker's sticky cache set by -worker-sticky-cache), the sticky cache's fill, the
// PostgreSQL and Temporal database sizes, and the latency of listings and of a
// month of metrics.
//
//	go run ./scripts/bench -mode scale [-scale-steps 1000,10000,100000] [-worker-sticky-cache 2000] [-scale-budget 40m]
//
// Targets: worker RSS ≤ 512 MiB at 100,000 open, list p95 < 100 ms, metrics < 1 s.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	appconfig "github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/devenv"
)

type config struct {
	mode         string // intake, breach, console, risk or scale
	databaseURL  string
	temporalAddr string
	namespace    string
	taskQueue    string
	temporalDB   bool
	// temporalServer is the private Temporal server's kind: dev (start-dev, one
	// history shard, SQLite) or real (the production server on the private
	// PostgreSQL, shards history shards).
	temporalServer string
	shards         int
	historyCache   int                    // -temporal-server real: history.hostLevelCacheMaxSize override (0: the shipped one)
	sqlPlugin      string                 // -temporal-server real: the server's database driver
	niceFlag       string                 // -nice as given, for the report's command
	nice           map[string]int         // -nice: nice value by process group, set once the stack is up
	cpusFlag       cpusFlag               // -cpus as given, for the report's command
	cpus           map[string]unix.CPUSet // -cpus: the CPUs of each process group, set once the stack is up
	temporalLog    string                 // keep the private server's log here

	conc         int
	n            int
	warmup       int
	rounds       int
	duration     time.Duration
	rate         float64 // phase 2's rate; 0 means half the api's median throughput
	timeout      time.Duration
	drainTimeout time.Duration
	maxInFlight  int

	rawOptions    string
	workerPollers int
	worker        appconfig.WorkerSizing // the worker's WORKER_* sizes, every mode (0: SDK default; worker_sizing.go)
	taskTimeout   time.Duration          // the API's WORKFLOW_TASK_TIMEOUT (0: the product's default)
	compression   string                 // TEMPORAL_GRPC_COMPRESSION of the bench's client ("": the product's default)
	noWorker      bool
	cpuProfileDir string
	logLevel      slog.Level
	markdownOut   string

	// -mode breach.
	breachRate          float64       // complaints (timers, items) per second, open loop
	breachFirstResponse time.Duration // the first-response SLA set for every policy cell
	breachResolution    time.Duration // the resolution SLA set for cells that have one
	breachWait          time.Duration // longest wait for the breaches after the last deadline
	breachWarnings      string        // pre-breach warning percents for every cell: "50,75,90" or "none"
	breachArms          []string      // which arms run
	breachCSV           string        // write every breach to this file
	breachGoroutines    string        // write the process's goroutines here after a complaintflow arm
	serverGoroutines    string        // -temporal-server real: the server's goroutine dumps during complaintflow arms
	pgStatements        int           // breach and intake, diagnostic: report this many of PostgreSQL's costliest statements per arm or phase-1 run
	breachOpen          int           // complaints filed with a week-long SLA before the arms, open through the run
	breachOpenRate      float64       // their filing rate, open loop

	// -mode console.
	consoleOpen         int    // open complaints seeded
	consoleClosed       int    // resolved or closed complaints seeded, over the same month
	consoleRequests     int    // measured requests per page
	consoleDataRequests int    // measured requests per dashboard endpoint (each scans the month)
	consoleConc         int    // requests in flight at once
	jit                 string // -mode risk: "both" times each report with the sessions' jit on and off, interleaved

	// -mode scale.
	scaleSteps           string        // counts of open complaints to measure at, rising
	scaleSampleRate      float64       // intake sample's rate at each step
	scaleSample          time.Duration // intake sample's duration at each step
	scaleListRequests    int           // measured requests per listing at each step
	scaleMetricsRequests int           // measured requests per metrics query at each step
	scaleBudget          time.Duration // stop filling after this long and measure where it got to
}

// idleWindow is how long the idle CPU baseline is sampled.
const idleWindow = 5 * time.Second

func main() {
	var cfg config
	flag.StringVar(&cfg.mode, "mode", "intake", "what to measure: intake (filing throughput and latency), breach (breach lateness against a bare timer and a cron poller), console (console pages and dashboard data over a seeded month), risk (the risk monitor's queries over that month) or scale (memory, sizes and latency as open complaints grow)")
	flag.StringVar(&cfg.databaseURL, "database-url", "", "PostgreSQL to use (migrated by the bench); default: start a private one")
	flag.StringVar(&cfg.temporalAddr, "temporal", "", "Temporal frontend host:port to use; default: start a private dev server")
	flag.StringVar(&cfg.namespace, "namespace", "default", "Temporal namespace")
	flag.StringVar(&cfg.taskQueue, "task-queue", "bench", "task queue of the worker, the API and the raw starts")
	flag.BoolVar(&cfg.temporalDB, "temporal-db-file", false, "private dev server keeps state in a temp SQLite file instead of in memory")
	flag.StringVar(&cfg.temporalServer, "temporal-server", "dev", "private Temporal server: dev (`temporal server start-dev`, one history shard, SQLite) or real (the Temporal server "+devenv.TemporalServerVersion+" on the private PostgreSQL, in its own databases: the production shape; install it with `"+devenv.TemporalServerInstallCommand+"`)")
	flag.IntVar(&cfg.shards, "shards", devenv.DefaultHistoryShards, "-temporal-server real: history shards")
	flag.StringVar(&cfg.sqlPlugin, "temporal-sql-plugin", devenv.DefaultSQLPlugin, "-temporal-server real: the server's PostgreSQL driver, postgres12_pgx (prepares each statement once per connection) or postgres12 (lib/pq: parses and plans every statement)")
	flag.IntVar(&cfg.historyCache, "temporal-history-cache", 0, "-temporal-server real: the history service's workflow cache bound (history.hostLevelCacheMaxSize; 0: the shipped dynamic configuration's). Smaller than the complaints a run touches, every wake-up reads its workflow back from PostgreSQL, as in production once open complaints outnumber the cache")
	flag.StringVar(&cfg.niceFlag, "nice", "", "diagnostic: group=n,… sets every thread of a process group (bench: API and worker; postgres; temporal-server or temporal) to nice n once the stack is up (negative needs root or CAP_SYS_NICE), to see whether a group's wait for a core is what makes it slow")
	flag.Var(&cfg.cpusFlag, "cpus", "diagnostic, repeatable: group=cpus (a CPU list: 0, 1-3, 0,2) confines every thread of a process group (bench, postgres, temporal-server or temporal) to those CPUs once the stack is up, e.g. -cpus temporal-server=0 -cpus postgres=1 -cpus bench=1 to give the server a core of its own")
	flag.StringVar(&cfg.temporalLog, "temporal-log", "", "keep the private Temporal server's log in this file (default: a temporary file, removed at the end)")
	flag.IntVar(&cfg.conc, "c", 16, "phase 1: concurrent callers per contender")
	flag.IntVar(&cfg.n, "n", 2000, "intake: phase 1 requests per contender per round; breach: complaints, timers and poller items per arm")
	flag.IntVar(&cfg.warmup, "warmup", 200, "requests per contender before measuring")
	flag.IntVar(&cfg.rounds, "rounds", 0, "rounds, alternating the order of the contenders (intake phase 1, default 3) or of the Temporal arms (breach, default 1)")
	flag.DurationVar(&cfg.duration, "d", 20*time.Second, "phase 2: open-loop duration per contender")
	flag.Float64Var(&cfg.rate, "rate", 0, "phase 2: requests/s (default: half the api's median sustainable throughput)")
	flag.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "per-request timeout")
	flag.DurationVar(&cfg.drainTimeout, "drain-timeout", 3*time.Minute, "longest wait for the worker to catch up between runs")
	flag.IntVar(&cfg.maxInFlight, "max-in-flight", 1000, "open loops (intake phase 2, breach): most requests outstanding at once (the schedule waits beyond it)")
	flag.StringVar(&cfg.rawOptions, "raw-options", "api", "start options of the raw starts: api (the API's: search attributes and ID policies), search-attributes, id-policies, or none")
	flag.IntVar(&cfg.workerPollers, "worker-pollers", 0, "diagnostic: run the worker with this many workflow and activity task pollers (0: service.NewWorker's defaults, as production)")
	flag.BoolVar(&cfg.noWorker, "no-worker", false, "diagnostic: run no worker, so only the starts themselves load the servers (workflows never run)")
	flag.StringVar(&cfg.cpuProfileDir, "cpuprofile", "", "directory for a Go CPU profile of each phase-1 run (this process only)")
	flag.StringVar(&cfg.markdownOut, "markdown", "", "also write the Markdown table to this file")
	flag.Float64Var(&cfg.breachRate, "breach-rate", 60, "breach: complaints filed (timers started, items inserted) per second, open loop; sets the deadlines' spread")
	flag.DurationVar(&cfg.breachFirstResponse, "breach-first-response", 90*time.Second, "breach: first-response SLA for every policy cell; all N must be filed before the first deadline")
	flag.DurationVar(&cfg.breachResolution, "breach-resolution", time.Hour, "breach: resolution SLA for the cells that have one (kept beyond the run, so it neither warns nor breaches)")
	flag.StringVar(&cfg.breachWarnings, "breach-warnings", "50,75,90", `breach: pre-breach warning percents set for every policy cell ("none": breaches and the ladder only, like for like with the bare timer)`)
	flag.DurationVar(&cfg.breachWait, "breach-wait", 3*time.Minute, "breach: longest wait for the last breach after the last deadline (the cron arm needs up to a minute)")
	breachArms := flag.String("breach-arms", strings.Join(arms, ","), "breach: the arms to run, comma-separated (diagnostic; the report needs complaintflow and timer for the ratio)")
	flag.IntVar(&cfg.breachOpen, "breach-open", 0, "breach: complaints filed through the API with a week-long SLA before the arms, which stay open through the run (so the arms meet a server and database holding that many open complaints)")
	flag.Float64Var(&cfg.breachOpenRate, "breach-open-rate", 40, "breach: -breach-open's filing rate per second, open loop")
	flag.StringVar(&cfg.breachGoroutines, "breach-goroutines", "", "breach, diagnostic: after each complaintflow arm write every goroutine of the bench process (API and worker) to this file, to see what a workflow task the server timed out was waiting on")
	flag.IntVar(&cfg.pgStatements, "pg-statements", 0, "with the private PostgreSQL, diagnostic: load pg_stat_statements (nested statements too) and report the N statements, of every database, that took the most execution time in each Temporal arm's window (breach) or each phase-1 run (intake)")
	flag.StringVar(&cfg.serverGoroutines, "temporal-goroutines", "", "breach with -temporal-server real, diagnostic: every 5 s of a complaintflow arm's window append the server's goroutines (pprof, debug=2) to this file, and report what those inside a persistence transaction were doing")
	flag.StringVar(&cfg.breachCSV, "breach-csv", "", "breach: also write every breach (arm, deadline, fired, recorded, lateness) to this CSV file")
	flag.IntVar(&cfg.consoleOpen, "console-open", 10000, "console: open complaints seeded")
	flag.IntVar(&cfg.consoleClosed, "console-closed", 10000, "console: resolved or closed complaints seeded over the same month")
	flag.IntVar(&cfg.consoleRequests, "console-requests", 300, "console: measured requests per page")
	flag.IntVar(&cfg.consoleDataRequests, "console-data-requests", 50, "console: measured requests per dashboard endpoint (each scans the whole month)")
	flag.IntVar(&cfg.consoleConc, "console-c", 1, "console: requests in flight at once (1: server time unloaded by other requests)")
	flag.StringVar(&cfg.jit, "jit", "", `risk: "both" times each of the store's reports (the risk monitor's and the dashboard's) with the sessions' jit on and off, interleaved, instead of the evaluation's table`)
	flag.StringVar(&cfg.scaleSteps, "scale-steps", "1000,10000,25000,50000,100000", "scale: counts of open complaints to measure at")
	flag.StringVar(&cfg.compression, "temporal-grpc-compression", "", "gzip or none: compression of the calls to Temporal by the API, the worker and the raw starts, TEMPORAL_GRPC_COMPRESSION (empty: the product's default, none)")
	flag.DurationVar(&cfg.taskTimeout, "workflow-task-timeout", 0, "the workflow-task timeout the API starts complaints with, WORKFLOW_TASK_TIMEOUT, every mode (0: the product's default)")
	workerSizingFlags(flag.CommandLine, &cfg.worker)
	flag.Float64Var(&cfg.scaleSampleRate, "scale-sample-rate", 20, "scale: intake sample's rate (open loop, complaints/s) at each step")
	flag.DurationVar(&cfg.scaleSample, "scale-sample", 15*time.Second, "scale: intake sample's duration at each step")
	flag.IntVar(&cfg.scaleListRequests, "scale-list-requests", 60, "scale: measured requests per listing at each step")
	flag.IntVar(&cfg.scaleMetricsRequests, "scale-metrics-requests", 10, "scale: measured requests per metrics query at each step")
	flag.DurationVar(&cfg.scaleBudget, "scale-budget", 0, "scale: stop filling after this long and measure at the count reached (0: no limit)")
	logLevel := flag.String("log-level", "", "log level of the API and worker (debug, info, warn, error; default warn, error in breach mode); logs go to stderr")
	flag.Parse()
	if *logLevel == "" {
		*logLevel = "warn"
		if cfg.mode == "breach" {
			*logLevel = "error" // the workflow logs every breach at warn
		}
	}
	cfg.breachArms = strings.Split(*breachArms, ",")
	if cfg.rounds == 0 {
		cfg.rounds = 3
		if cfg.mode == "breach" {
			cfg.rounds = 1
		}
	}
	nice, err := parseNice(cfg.niceFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: -nice:", err)
		os.Exit(2)
	}
	cfg.nice = nice
	if cfg.cpus, err = parseCPUs(cfg.cpusFlag); err != nil {
		fmt.Fprintln(os.Stderr, "bench: -cpus:", err)
		os.Exit(2)
	}
	if err := cfg.worker.Check(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "bench: -log-level:", err)
		os.Exit(2)
	}
	switch cfg.rawOptions {
	case "none", "search-attributes", "id-policies", "api":
	default:
		fmt.Fprintln(os.Stderr, "bench: -raw-options must be api, search-attributes, id-policies or none")
		os.Exit(2)
	}
	if cfg.conc < 1 || cfg.n < 1 || cfg.rounds < 1 || cfg.duration <= 0 || cfg.warmup < 0 || cfg.maxInFlight < 1 {
		fmt.Fprintln(os.Stderr, "bench: -c, -n, -rounds, -d and -max-in-flight must be positive")
		os.Exit(2)
	}

	if err := cfg.checkServer(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}

	runMode := run
	if cfg.workerPollers > 0 && cfg.worker != (appconfig.WorkerSizing{}) {
		// That diagnostic worker is built without service.NewWorker, which applies them.
		fmt.Fprintln(os.Stderr, "bench: -worker-pollers takes none of the worker's sizes; set:"+workerSizingArgs(cfg.worker))
		os.Exit(2)
	}
	if !slices.Contains(devenv.SQLPlugins, cfg.sqlPlugin) {
		fmt.Fprintf(os.Stderr, "bench: -temporal-sql-plugin %q: want one of %s\n", cfg.sqlPlugin, strings.Join(devenv.SQLPlugins, ", "))
		os.Exit(2)
	}
	if cfg.historyCache < 0 {
		fmt.Fprintln(os.Stderr, "bench: -temporal-history-cache must be ≥ 0")
		os.Exit(2)
	}
	if cfg.jit != "" && (cfg.mode != "risk" || cfg.jit != "both") {
		fmt.Fprintln(os.Stderr, `bench: -jit takes "both", with -mode risk`)
		os.Exit(2)
	}
	switch cfg.mode {
	case "intake":
	case "breach":
		if err := cfg.checkBreach(); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		runMode = runBreach
	case "console", "risk":
		if cfg.consoleOpen < 100 || cfg.consoleClosed < 0 || cfg.consoleRequests < 1 || cfg.consoleDataRequests < 1 || cfg.consoleConc < 1 {
			fmt.Fprintln(os.Stderr, "bench: -console-open must be ≥ 100, -console-closed ≥ 0, -console-requests, -console-data-requests and -console-c positive")
			os.Exit(2)
		}
		if !isFlagSet("warmup") {
			cfg.warmup = 20
		}
		runMode = runConsole
		if cfg.mode == "risk" {
			runMode = runRisk
		}
	case "scale":
		if cfg.scaleSampleRate <= 0 || cfg.scaleSample <= 0 || cfg.scaleListRequests < 1 || cfg.scaleMetricsRequests < 1 {
			fmt.Fprintln(os.Stderr, "bench: -scale-sample-rate, -scale-sample, -scale-list-requests and -scale-metrics-requests must be positive")
			os.Exit(2)
		}
		if !isFlagSet("temporal-db-file") {
			cfg.temporalDB = true // the Temporal database's size is one of the figures
		}
		if !isFlagSet("drain-timeout") {
			cfg.drainTimeout = 15 * time.Minute
		}
		if !isFlagSet("timeout") {
			cfg.timeout = 2 * time.Minute // covers the retries of a 503 (see retrying)
		}
		runMode = runScale
	default:
		fmt.Fprintln(os.Stderr, "bench: -mode must be intake, breach, console, risk or scale")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runMode(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	s := &stack{cfg: cfg, log: slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}))}
	defer s.stop()
	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	err := s.start(startCtx)
	cancel()
	if err != nil {
		return err
	}
	runID := time.Now().UTC().Format("20060102t150405") + "-" + randomHex(3)
	httpClient := newHTTPClient(max(4*cfg.conc, 256))
	defer httpClient.CloseIdleConnections()
	apiC, rawC := newAPIContender(s, runID, httpClient), newRawContender(s, runID, cfg.rawOptions)
	rep := &report{cfg: cfg, runID: runID, env: describeEnv(s)}

	// Warm-up: connections, pools, caches (token, sticky workflows), server state.
	s.say("run %s: API at %s, Temporal at %s, task queue %q", runID, s.baseURL, s.hostPort, cfg.taskQueue)
	if cfg.warmup > 0 {
		for _, c := range []*contender{apiC, rawC} {
			s.say("warm-up: %d × %s", cfg.warmup, c.name)
			r := closedLoop(ctx, c, cfg.warmup, cfg.conc, cfg.timeout)
			if r.errors > 0 {
				return fmt.Errorf("warm-up %s: %d of %d failed; first: %s", c.name, r.errors, r.requests, r.firstErr)
			}
			if _, err := s.quiesce(ctx); err != nil {
				return err
			}
		}
	}

	// The stack's own background CPU, to tell it from the work a run causes.
	s.say("measuring idle CPU for %s", idleWindow)
	idleBefore, idleStart := sampleCPU(), time.Now()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(idleWindow):
	}
	rep.idle, rep.idleFor = sampleCPU().sub(idleBefore), time.Since(idleStart)

	// Phase 1.
	for round := 1; round <= cfg.rounds; round++ {
		order := []*contender{apiC, rawC}
		if round%2 == 0 {
			order = []*contender{rawC, apiC}
		}
		for _, c := range order {
			if err := ctx.Err(); err != nil {
				return err
			}
			stopProfile, err := startProfile(cfg.cpuProfileDir, fmt.Sprintf("phase1-%s-round%d.pprof", c.name, round))
			if err != nil {
				return err
			}
			before, tBefore, srvBefore := sampleCPU(), s.timings(), scrapeTimerQueue(ctx, s.temporalMetricsURL())
			pgBefore := samplePG()
			tasksBefore, err := s.workerTaskCounts()
			if err != nil {
				return err
			}
			statements := s.resetStatements(ctx)
			r := closedLoop(ctx, c, cfg.n, cfg.conc, cfg.timeout)
			r.cpuRun, r.timings = sampleCPU().sub(before), s.timings().sub(tBefore)
			stopProfile()
			drain, err := s.drainStarts(ctx, tasksBefore, r.ok())
			if err != nil {
				return err
			}
			r.drain = drain
			r.cpu, r.pgCPU = sampleCPU().sub(before), samplePG().sub(pgBefore)
			tasksAfter, err := s.workerTaskCounts()
			if err != nil {
				return err
			}
			r.tasks = tasksAfter.sub(tasksBefore)
			r.server = scrapeTimerQueue(ctx, s.temporalMetricsURL()).sub(srvBefore)
			if statements {
				r.statements = s.readStatements(ctx)
			}
			rep.phase1 = append(rep.phase1, roundResult{round: round, runResult: r})
			lat := summarize(r.latencies)
			s.say("round %d %-3s: %d ok, %d errors, %.1f/s, p50 %s p99 %s, worker caught up %s later",
				round, c.name, r.ok(), r.errors, r.throughput(), ms(lat.p50), ms(lat.p99), r.drain.Round(100*time.Millisecond))
		}
	}
	rep.computePhase1()

	// Phase 2.
	rate := rep.medianAPI / 2
	if !cfg.noWorker && rep.e2eAPI > 0 {
		rate = min(rep.medianAPI, rep.e2eAPI) / 2
	}
	if cfg.rate > 0 {
		rate = cfg.rate
	}
	if rate <= 0 || rate != rate {
		return errors.New("no api throughput measured; cannot pick phase 2's rate")
	}
	rep.rate = rate
	for _, c := range []*contender{apiC, rawC} {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.say("phase 2 %s: open loop at %.1f/s for %s", c.name, rate, cfg.duration)
		before, tBefore := sampleCPU(), s.timings()
		tasksBefore, err := s.workerTaskCounts()
		if err != nil {
			return err
		}
		r := openLoop(ctx, c, rate, cfg.duration, cfg.timeout, cfg.maxInFlight)
		r.cpuRun, r.timings = sampleCPU().sub(before), s.timings().sub(tBefore)
		drain, err := s.drainStarts(ctx, tasksBefore, r.ok())
		if err != nil {
			return err
		}
		r.drain = drain
		r.cpu = sampleCPU().sub(before)
		rep.phase2 = append(rep.phase2, r)
	}

	// Check the complaints really were filed and opened by their workflows.
	if err := rep.checkStore(ctx, s); err != nil {
		return err
	}
	rep.print(os.Stdout)
	if cfg.markdownOut != "" {
		if err := os.WriteFile(cfg.markdownOut, []byte(rep.markdown()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// checkServer refuses server flags, Temporal's and PostgreSQL's, that contradict
// each other or the mode.
func (cfg config) checkServer() error {
	if cfg.pgStatements < 0 || (cfg.pgStatements > 0 && (cfg.databaseURL != "" || (cfg.mode != "intake" && cfg.mode != "breach" && cfg.mode != "risk"))) {
		return errors.New("-pg-statements: a positive count, in intake, breach or risk mode, with the private PostgreSQL (it loads pg_stat_statements at start)")
	}
	switch cfg.temporalServer {
	case "dev":
		if isFlagSet("shards") {
			return errors.New("-shards is for -temporal-server real (the dev server has one history shard)")
		}
		if isFlagSet("temporal-goroutines") {
			return errors.New("-temporal-goroutines is for -temporal-server real (the dev server serves no profiles here)")
		}
	case "real":
		switch {
		case cfg.temporalAddr != "":
			return errors.New("-temporal-server real starts a private server; -temporal uses an existing one: choose one")
		case cfg.databaseURL != "":
			return errors.New("-temporal-server real keeps Temporal's databases on the bench's private PostgreSQL; drop -database-url")
		case cfg.temporalDB:
			return errors.New("-temporal-db-file is for the dev server; the real server keeps its state in PostgreSQL")
		case cfg.shards < 1:
			return errors.New("-shards must be positive")
		}
	default:
		return errors.New("-temporal-server must be dev or real")
	}
	return nil
}

// isFlagSet reports whether the command line gave the flag.
func isFlagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// startProfile starts a CPU profile of this process into dir/name; a no-op without dir.
func startProfile(dir, name string) (func(), error) {
	if dir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
