package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/complaintflow/complaintflow/internal/devenv"
	"github.com/complaintflow/complaintflow/workflows"
)

const (
	targetRatio = 0.9
	targetP99   = 100 * time.Millisecond
)

type roundResult struct {
	round int
	runResult
}

type env struct {
	cpus       int
	gomaxprocs int
	cpuModel   string
	goVersion  string
	platform   string
	postgres   string
	temporal   string
	dbPool     int
	loadStart  string // /proc/loadavg's 1, 5 and 15 minute averages when the stack was up
}

// loadAverage is the machine's 1, 5 and 15 minute load averages ("n/a" off Linux):
// the machine is shared, and what else ran is part of a figure.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(raw)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " / ")
	}
	return "n/a"
}

// loadLine says what else loaded the machine (its load averages at the start and
// at the end of the run) and how often that made a filing wait for a retry.
func (e env) loadLine() string {
	return fmt.Sprintf("load average (1 / 5 / 15 min) %s at the start, %s at the end, on %d CPUs; %d filings retried after a 503 (workflow start timed out)",
		e.loadStart, loadAverage(), e.cpus, intakeRetries.Load())
}

// serverFlags are the flags that chose the Temporal server, for a report's command.
func (c config) serverFlags() string {
	switch {
	case c.temporalServer == "real":
		flags := fmt.Sprintf(" -temporal-server real -shards %d", c.shards)
		if c.historyCache > 0 {
			flags += fmt.Sprintf(" -temporal-history-cache %d", c.historyCache)
		}
		if c.sqlPlugin != devenv.DefaultSQLPlugin {
			flags += " -temporal-sql-plugin " + c.sqlPlugin
		}
		return flags
	case c.temporalAddr != "":
		return " -temporal " + c.temporalAddr
	}
	return ""
}

// schedFlags are the diagnostic flags that changed how the kernel schedules the
// stack's processes, for a report's command.
func (c config) schedFlags() string {
	flags := ""
	if c.niceFlag != "" {
		flags += " -nice " + c.niceFlag
	}
	for _, v := range c.cpusFlag {
		flags += " -cpus " + v
	}
	return flags
}

type report struct {
	cfg   config
	runID string
	env   env

	phase1               []roundResult
	medianAPI, medianRaw float64
	e2eAPI, e2eRaw       float64 // medians of the end-to-end rates
	ratio                float64

	rate   float64
	phase2 []runResult

	idle    cpuUsage // CPU used by the idle stack over idleFor
	idleFor time.Duration

	// From the store after the run.
	filed, opened int
	mix           map[[2]string]int
}

func describeEnv(s *stack) env {
	e := env{
		cpus: runtime.NumCPU(), gomaxprocs: runtime.GOMAXPROCS(0), cpuModel: cpuModel(),
		goVersion: runtime.Version(), platform: runtime.GOOS + "/" + runtime.GOARCH,
		postgres:  "PostgreSQL " + s.postgresVersion,
		temporal:  "Temporal server " + s.temporalVersion,
		dbPool:    s.store.DB().Stats().MaxOpenConnections,
		loadStart: loadAverage(),
	}
	if s.pg != nil {
		e.postgres += " (private, fsync/synchronous_commit off)"
	} else {
		e.postgres += " (-database-url)"
	}
	if s.cfg.temporalServer == "real" {
		e.temporal += fmt.Sprintf(" (private real server, %d history shards, persistence and SQL visibility in their own databases on the private PostgreSQL through %s)", s.cfg.shards, s.cfg.sqlPlugin)
		if s.cfg.historyCache > 0 {
			e.temporal += fmt.Sprintf(", history workflow cache bounded at %d (-temporal-history-cache)", s.cfg.historyCache)
		}
	} else if s.temporal != nil {
		storage := "in-memory SQLite"
		if s.cfg.temporalDB {
			storage = "SQLite file"
		}
		e.temporal += " (private `temporal server start-dev`, " + storage + cliVersion() + ")"
	} else {
		e.temporal += " (-temporal " + s.hostPort + ")"
	}
	return e
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func cliVersion() string {
	path, err := devenv.FindTemporalCLI()
	if err != nil {
		return ""
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return ""
	}
	v := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(out)), "temporal version "))
	v, _, _ = strings.Cut(v, " (")
	return ", CLI " + v
}

func (r *report) computePhase1() {
	var api, raw, apiE2E, rawE2E []float64
	for _, rr := range r.phase1 {
		switch rr.contender {
		case "api":
			api, apiE2E = append(api, rr.throughput()), append(apiE2E, rr.endToEnd())
		case "raw":
			raw, rawE2E = append(raw, rr.throughput()), append(rawE2E, rr.endToEnd())
		}
	}
	r.medianAPI, r.medianRaw = median(api), median(raw)
	r.e2eAPI, r.e2eRaw = median(apiE2E), median(rawE2E)
	r.ratio = r.medianAPI / r.medianRaw
}

func (r *report) checkStore(ctx context.Context, s *stack) error {
	db := s.store.DB()
	prefix := "bench-" + r.runID + "-%"
	if err := db.GetContext(ctx, &r.filed, `SELECT count(*) FROM complaints WHERE external_id LIKE $1`, prefix); err != nil {
		return err
	}
	if err := db.GetContext(ctx, &r.opened, `SELECT count(*) FROM complaints c
		WHERE c.external_id LIKE $1 AND EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.kind = 'opened')`, prefix); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT urgency, customer_tier, count(*) FROM complaints WHERE external_id LIKE $1 GROUP BY 1, 2`, prefix)
	if err != nil {
		return err
	}
	defer rows.Close()
	r.mix = map[[2]string]int{}
	for rows.Next() {
		var u, t string
		var n int
		if err := rows.Scan(&u, &t, &n); err != nil {
			return err
		}
		r.mix[[2]string{u, t}] = n
	}
	return rows.Err()
}

func (r *report) apiOK() int {
	n := 0
	for _, rr := range r.phase1 {
		if rr.contender == "api" {
			n += rr.ok()
		}
	}
	for _, rr := range r.phase2 {
		if rr.contender == "api" {
			n += rr.ok()
		}
	}
	return n + r.cfg.warmup
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func verdict(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}

func (r *report) phase2Of(name string) (runResult, latencySummary) {
	for _, rr := range r.phase2 {
		if rr.contender == name {
			return rr, summarize(rr.latencies)
		}
	}
	return runResult{}, latencySummary{}
}

func (r *report) ratioMet() bool { return r.ratio >= targetRatio }

func (r *report) p99Met() bool {
	rr, lat := r.phase2Of("api")
	return rr.errors == 0 && lat.n > 0 && lat.p99 < targetP99
}

// idleCores is the idle stack's CPU use, in cores.
func (r *report) idleCores() float64 {
	if r.idleFor <= 0 {
		return 0
	}
	return r.idle.total().Seconds() / r.idleFor.Seconds()
}

// netCPUPerRequest is the CPU a run and its drain used per request, less what the
// idle stack would have used over the same time.
func (r *report) netCPUPerRequest(rr runResult) string {
	if len(rr.cpu) == 0 || rr.ok() == 0 {
		return "n/a"
	}
	net := rr.cpu.total().Seconds() - r.idleCores()*(rr.elapsed+rr.drain).Seconds()
	return fmt.Sprintf("%.2f", net*1000/float64(rr.ok()))
}

// cpuPerRequest formats CPU ms per successful request by process group.
func cpuPerRequest(u cpuUsage, ok int) string {
	if len(u) == 0 || ok == 0 {
		return "n/a"
	}
	var parts []string
	for _, g := range u.groups() {
		parts = append(parts, fmt.Sprintf("%s %.2f", g, float64(u[g])/float64(time.Millisecond)/float64(ok)))
	}
	return fmt.Sprintf("%.2f (%s)", float64(u.total())/float64(time.Millisecond)/float64(ok), strings.Join(parts, ", "))
}

// tasksPerRequest formats the worker's tasks per successful request by kind.
func tasksPerRequest(c taskCounts, ok int) string {
	if ok == 0 {
		return "n/a"
	}
	n := float64(ok)
	return fmt.Sprintf("%.2f / %.2f / %.2f", c.workflow/n, c.local/n, c.activity/n)
}

// split is where a request's time went, as means: what the client saw, then
// handlerStart.
func split(rr runResult, lat latencySummary) string {
	return fmt.Sprintf("%.1f / %s", float64(lat.mean)/float64(time.Millisecond), handlerStart(rr))
}

// handlerStart is the mean time in the API handler (api only) and in the SDK's
// StartWorkflowExecution call.
func handlerStart(rr runResult) string {
	handler := "-"
	if rr.timings.handler.count > 0 {
		handler = fmt.Sprintf("%.1f", float64(rr.timings.handler.mean())/float64(time.Millisecond))
	}
	return fmt.Sprintf("%s / %.1f ms", handler, float64(rr.timings.start.mean())/float64(time.Millisecond))
}

func (r *report) print(out io.Writer) {
	e := r.env
	fmt.Fprintf(out, "\n=== complaintflow intake benchmark — run %s ===\n\n", r.runID)
	fmt.Fprintf(out, "machine   %d CPUs (%s), GOMAXPROCS %d, %s %s\n", e.cpus, e.cpuModel, e.gomaxprocs, e.goVersion, e.platform)
	fmt.Fprintf(out, "servers   %s\n          %s\n", e.postgres, e.temporal)
	fmt.Fprintf(out, "load      %s\n", e.loadLine())
	fmt.Fprintf(out, "in proc   API (net/http on 127.0.0.1, DB pool max %d), worker (complaint workflow + activities + bare workflow, task queue %q), load generator\n",
		e.dbPool, r.cfg.taskQueue)
	fmt.Fprintf(out, "contenders  api = POST /v1/complaints (expects 201), raw = client.ExecuteWorkflow(%s) with a unique ID%s\n", BareWorkflowName, r.rawNote())
	fmt.Fprintf(out, "            both through one Temporal client, onto one worker; the worker runs what each starts while the run goes on\n\n")

	if len(r.idle) > 0 {
		var parts []string
		for _, g := range r.idle.groups() {
			parts = append(parts, fmt.Sprintf("%s %.3f", g, r.idle[g].Seconds()/r.idleFor.Seconds()))
		}
		fmt.Fprintf(out, "idle CPU  %.3f cores with no load (%s), sampled over %s after the warm-up\n\n",
			r.idleCores(), strings.Join(parts, ", "), r.idleFor.Round(100*time.Millisecond))
	}
	fmt.Fprintf(out, "Phase 1 — sustainable throughput: closed loop, %d callers, %d requests per contender per round, %d rounds, after %d warm-up each\n",
		r.cfg.conc, r.cfg.n, r.cfg.rounds, r.cfg.warmup)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "round\tcontender\tok\terrors\telapsed\treq/s\tp50\tp99\tworker drain\tend-to-end/s\tmean: client / handler / start RPC\tCPU ms/req during run (by process)\tCPU ms/req incl. drain, net of idle\tincl. drain, gross (by process)\tworker tasks/req incl. drain: workflow / local act. / act.")
	for _, rr := range r.phase1 {
		lat := summarize(rr.latencies)
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%.2fs\t%.1f\t%s\t%s\t%.1fs\t%.1f\t%s\t%s\t%s\t%s\t%s\n", rr.round, rr.contender, rr.ok(), rr.errors,
			rr.elapsed.Seconds(), rr.throughput(), ms(lat.p50), ms(lat.p99), rr.drain.Seconds(), rr.endToEnd(), split(rr.runResult, lat),
			cpuPerRequest(rr.cpuRun, rr.ok()), r.netCPUPerRequest(rr.runResult), cpuPerRequest(rr.cpu, rr.ok()), tasksPerRequest(rr.tasks, rr.ok()))
	}
	tw.Flush()
	for _, rr := range r.phase1 {
		if rr.server != nil {
			fmt.Fprintf(out, "  round %d %s, Temporal server: %s\n", rr.round, rr.contender, rr.server.describeStarts())
		}
	}
	for _, rr := range r.phase1 {
		if rr.pgCPU.total() > 0 { // a private PostgreSQL
			fmt.Fprintf(out, "  round %d %s, PostgreSQL CPU ms/req incl. drain by database: %s\n", rr.round, rr.contender, pgPerRequest(rr.runResult))
		}
	}
	for _, rr := range r.phase1 {
		if rr.errors > 0 {
			fmt.Fprintf(out, "  round %d %s: first error: %s\n", rr.round, rr.contender, rr.firstErr)
		}
	}
	fmt.Fprintf(out, "median    api %.1f req/s, raw %.1f req/s\n", r.medianAPI, r.medianRaw)
	fmt.Fprintf(out, "ratio     api/raw = %.3f   (target ≥ %.1f: %s)\n", r.ratio, targetRatio, verdict(r.ratioMet()))
	fmt.Fprintf(out, "worker    end-to-end (first request until the worker caught up): api %.1f/s, raw %.1f/s (medians)\n", r.e2eAPI, r.e2eRaw)
	if api, raw := r.medianTemporalSide("api"), r.medianTemporalSide("raw"); api > 0 {
		fmt.Fprintf(out, "temporal  Temporal alone (server and its databases), incl. drain: api %.2f, raw %.2f ms/req (medians) — ratio %.3f where Temporal is the limit\n", api, raw, raw/api)
	}
	fmt.Fprintln(out)

	fmt.Fprintf(out, "Phase 2 — latency at a fixed rate: open loop at %.1f req/s (%s) for %s per contender,\n", r.rate, r.rateSource(), r.cfg.duration)
	fmt.Fprintf(out, "          latency from each request's scheduled send time\n")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "contender\tsent\tok\terrors\tp50\tp90\tp99\tmax\tmean\tp99 from actual send\tmax send lag\tmean: handler / start RPC\tworker drain\tCPU ms/req during run (by process)")
	for _, rr := range r.phase2 {
		lat, svc := summarize(rr.latencies), summarize(rr.serviceLats)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", rr.contender, rr.requests, rr.ok(), rr.errors,
			ms(lat.p50), ms(lat.p90), ms(lat.p99), ms(lat.pmax), ms(lat.mean), ms(svc.p99), ms(rr.maxLag),
			handlerStart(rr), fmt.Sprintf("%.1fs", rr.drain.Seconds()),
			cpuPerRequest(rr.cpuRun, rr.ok()))
	}
	tw.Flush()
	for _, rr := range r.phase2 {
		if rr.errors > 0 {
			fmt.Fprintf(out, "  %s: first error: %s\n", rr.contender, rr.firstErr)
		}
	}
	_, apiLat := r.phase2Of("api")
	if r.cfg.rate > 0 {
		fmt.Fprintf(out, "target    api p99 %s < %s at the -rate given, not half the measured rate: %s\n\n", ms(apiLat.p99), ms(targetP99), verdict(r.p99Met()))
	} else {
		fmt.Fprintf(out, "target    api p99 %s < %s at half rate: %s\n\n", ms(apiLat.p99), ms(targetP99), verdict(r.p99Met()))
	}

	if r.cfg.noWorker {
		fmt.Fprintf(out, "-no-worker: no worker ran; the started workflows never ran, so drains and end-to-end rates are meaningless\n")
	}
	fmt.Fprintf(out, "Store check: %d complaints filed by this run (%d successful api requests incl. warm-up), %d opened by their workflow\n",
		r.filed, r.apiOK(), r.opened)
	fmt.Fprintf(out, "mix (urgency × tier):")
	for _, u := range []string{"high", "medium", "low"} {
		for _, t := range []string{"high", "medium", "low"} {
			fmt.Fprintf(out, " %s/%s %d", u, t, r.mix[[2]string{u, t}])
		}
	}
	fmt.Fprintf(out, "\n\n--- Markdown ---\n\n%s", r.markdown())
}

func (r *report) markdown() string {
	var b strings.Builder
	e := r.env
	apiP2, apiLat := r.phase2Of("api")
	rawP2, rawLat := r.phase2Of("raw")
	var apiRounds, rawRounds []string
	for _, rr := range r.phase1 {
		s := fmt.Sprintf("%.0f", rr.throughput())
		if rr.contender == "api" {
			apiRounds = append(apiRounds, s)
		} else {
			rawRounds = append(rawRounds, s)
		}
	}
	flags := ""
	if r.cfg.rawOptions != "api" {
		flags += " -raw-options " + r.cfg.rawOptions
	}
	if r.cfg.rate > 0 {
		flags += fmt.Sprintf(" -rate %g", r.cfg.rate)
	}
	if r.cfg.noWorker {
		flags += " -no-worker"
	}
	if r.cfg.workerPollers > 0 {
		flags += fmt.Sprintf(" -worker-pollers %d", r.cfg.workerPollers)
	}
	if r.cfg.taskTimeout > 0 {
		flags += fmt.Sprintf(" -workflow-task-timeout %s", r.cfg.taskTimeout)
	}
	if r.cfg.compression != "" {
		flags += " -temporal-grpc-compression " + r.cfg.compression
	}
	if r.cfg.pgStatements > 0 {
		flags += fmt.Sprintf(" -pg-statements %d", r.cfg.pgStatements)
	}
	flags += workerSizingArgs(r.cfg.worker)
	flags += r.cfg.schedFlags()
	flags += r.cfg.serverFlags()
	fmt.Fprintf(&b, "Intake benchmark (`go run ./scripts/bench -c %d -n %d -rounds %d -d %s%s`), run %s; raw = SDK start of a bare one-timer workflow%s.\n\n",
		r.cfg.conc, r.cfg.n, r.cfg.rounds, r.cfg.duration, flags, r.runID, r.rawNote())
	fmt.Fprintf(&b, "Machine: %d CPUs (%s), %s %s; %s; %s. Everything — load generator, API, worker and both servers — shares this machine; %s.\n\n",
		e.cpus, e.cpuModel, e.goVersion, e.platform, e.postgres, e.temporal, e.loadLine())
	fmt.Fprintf(&b, "| | api: `POST /v1/complaints` | raw: SDK `ExecuteWorkflow` (bare workflow) | target |\n")
	fmt.Fprintf(&b, "|---|---|---|---|\n")
	fmt.Fprintf(&b, "| Sustainable throughput, closed loop, %d callers, %d rounds × %d (req/s per round) | %s | %s | |\n",
		r.cfg.conc, r.cfg.rounds, r.cfg.n, strings.Join(apiRounds, " / "), strings.Join(rawRounds, " / "))
	fmt.Fprintf(&b, "| Median throughput (req/s) | **%.1f** | **%.1f** | |\n", r.medianAPI, r.medianRaw)
	fmt.Fprintf(&b, "| Ratio api / raw | **%.3f** | | ≥ %.1f — **%s** |\n", r.ratio, targetRatio, verdict(r.ratioMet()))
	fmt.Fprintf(&b, "| Worker end-to-end rate, same runs, until the worker caught up (median req/s) | %.1f | %.1f | |\n", r.e2eAPI, r.e2eRaw)
	fmt.Fprintf(&b, "| CPU per request incl. the worker's catch-up, net of idle (ms per round) | %s | %s | |\n",
		r.perRound("api", r.netCPUPerRequest), r.perRound("raw", r.netCPUPerRequest))
	if len(r.phase1) > 0 && r.phase1[0].pgCPU.total() > 0 { // a private PostgreSQL
		fmt.Fprintf(&b, "| Of it PostgreSQL's, by database (ms per round; other: its own processes and backends that exited) | %s | %s | |\n",
			r.perRound("api", pgPerRequest), r.perRound("raw", pgPerRequest))
	}
	if api, raw := r.medianTemporalSide("api"), r.medianTemporalSide("raw"); api > 0 {
		fmt.Fprintf(&b, "| Of it Temporal's alone: its server and its databases (median ms) — the ratio if Temporal, on machines of its own, were the limit | %.2f | %.2f | %.3f |\n", api, raw, raw/api)
	}
	fmt.Fprintf(&b, "| First workflow tasks the server lost and timed out (per round; [#11733](https://github.com/temporalio/temporal/issues/11733)) | %s | %s | |\n",
		r.perRound("api", lostStarts), r.perRound("raw", lostStarts))
	fmt.Fprintf(&b, "| Phase 2 rate, open loop (%s), %s each | %.1f req/s | %.1f req/s | |\n", r.rateSource(), r.cfg.duration, r.rate, r.rate)
	fmt.Fprintf(&b, "| p50 latency at that rate | %s | %s | |\n", ms(apiLat.p50), ms(rawLat.p50))
	fmt.Fprintf(&b, "| p99 latency at that rate | **%s** | %s | api < %s — **%s** |\n", ms(apiLat.p99), ms(rawLat.p99), ms(targetP99), verdict(r.p99Met()))
	fmt.Fprintf(&b, "| max latency at that rate | %s | %s | |\n", ms(apiLat.pmax), ms(rawLat.pmax))
	fmt.Fprintf(&b, "| Errors (phase 1 / phase 2) | %d / %d | %d / %d | |\n",
		r.errorsOf("api"), apiP2.errors, r.errorsOf("raw"), rawP2.errors)
	for _, rr := range r.phase1 {
		if len(rr.statements) > 0 {
			fmt.Fprintf(&b, "\nPostgreSQL's costliest statements in round %d's %s run, %d requests and the worker's catch-up (pg_stat_statements):\n\n%s",
				rr.round, rr.contender, rr.ok(), describeStatements(rr.statements))
		}
	}
	return b.String()
}

// pgPerRequest is a run's PostgreSQL CPU per request by database, with the run's
// work and the worker's catch-up; databases the run did not touch are left out.
func pgPerRequest(rr runResult) string { return pgPer(rr.pgCPU, rr.ok()) }

// pgPer is PostgreSQL's CPU by database per unit of work (a request, a deadline),
// leaving out databases with none.
func pgPer(pg cpuUsage, n int) string {
	used := cpuUsage{}
	for db, d := range pg {
		if d > 0 {
			used[db] = d
		}
	}
	return cpuPerRequest(used, n)
}

// temporalSide is a run's CPU per request, in ms, of Temporal alone — its server
// and, for the real server, its databases' backends — with the worker's catch-up.
// In production Temporal runs on machines of its own: where it is what limits
// intake, a complaint keeps up with the bare starts at the ratio of these.
func temporalSide(rr runResult) float64 {
	t := rr.cpu["temporal-server"] + rr.cpu["temporal"]
	for db, d := range rr.pgCPU {
		if strings.HasPrefix(db, temporalDatabase) {
			t += d
		}
	}
	return float64(t) / float64(time.Millisecond) / float64(max(rr.ok(), 1))
}

// medianTemporalSide is temporalSide's median over a contender's phase-1 rounds.
func (r *report) medianTemporalSide(contender string) float64 {
	var xs []float64
	for _, rr := range r.phase1 {
		if rr.contender == contender {
			xs = append(xs, temporalSide(rr.runResult))
		}
	}
	return median(xs)
}

// perRound is a figure of each phase-1 round of a contender, joined.
func (r *report) perRound(contender string, figure func(runResult) string) string {
	var out []string
	for _, rr := range r.phase1 {
		if rr.contender == contender {
			out = append(out, figure(rr.runResult))
		}
	}
	return strings.Join(out, " / ")
}

// lostStarts is how many workflow tasks the server timed out start-to-close in a
// run: under the closed loop, starts matching gave up on (the worker never had them).
func lostStarts(rr runResult) string {
	if rr.server == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.0f", rr.server.c["taskStartToClose"])
}

func (r *report) rateSource() string {
	if r.cfg.rate > 0 {
		return "set by -rate"
	}
	if !r.cfg.noWorker && r.e2eAPI > 0 && r.e2eAPI < r.medianAPI {
		return "0.5 × api end-to-end median, the sustainable rate"
	}
	return "0.5 × api median"
}

func (r *report) rawNote() string {
	n := workflows.StartSearchAttributes("", "", "", "").Size()
	switch r.cfg.rawOptions {
	case "search-attributes":
		return fmt.Sprintf(" plus the API's %d search attributes (-raw-options search-attributes)", n)
	case "id-policies":
		return " plus the API's ID conflict/reuse policies (-raw-options id-policies)"
	case "api":
		return fmt.Sprintf(" with the API's start options (%d search attributes, ID conflict/reuse policies), as the API starts a complaint", n)
	}
	return " and no other start options (-raw-options none)"
}

func (r *report) errorsOf(name string) int {
	n := 0
	for _, rr := range r.phase1 {
		if rr.contender == name {
			n += rr.errors
		}
	}
	return n
}
