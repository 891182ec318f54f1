package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Targets of issue 18 for open-complaint scale: worker memory at 100,000 open
// complaints with the sticky cache sized on purpose, and the queries over them.
const (
	scaleWorkerTarget  = 512 << 20 // bytes of worker RSS at 100,000 open complaints
	scaleListTarget    = 100 * time.Millisecond
	scaleMetricsTarget = time.Second
)

// scaleLongSLA is the SLA every policy cell gets in -mode scale: long enough that no
// warning, breach or escalation fires during the run, so the worker holds only idle,
// timer-waiting workflows — what most open complaints are most of the time.
const (
	scaleFirstResponse = 7 * 24 * time.Hour
	scaleResolution    = 30 * 24 * time.Hour
)

// scaleRow is what one step measured, at one count of open complaints.
type scaleRow struct {
	open      int           // open complaints when measured (all opened by their workflows)
	fillRate  float64       // complaints filed per second while filling up to this step (closed loop)
	fillTook  time.Duration // filling plus the worker catching up
	intake    latencySummary
	intakeErr int
	// 503s answered "recorded, workflow not started; retry" (the Temporal start
	// timed out), retried with the same body as an intake system does: in the
	// sample window (counted in its latency), and since the start of the run.
	intakeRetries, retries int
	worker                 procMem
	api                    procMem
	temporal               procMem
	server                 serverMem // the real server's own gauges; zero for the dev server
	cached                 float64   // temporal_sticky_cache_size from the worker's metrics
	pgBytes                int64     // pg_database_size of complaintflow's database
	pgTables               int64     // complaints + complaint_events, with indexes and TOAST
	tdbBytes               int64     // the dev server's SQLite file (+ WAL, SHM); 0 when in memory
	queries                []queryResult
	load                   string // 1-minute load average when measured
}

// serverMem is what the real Temporal server's own metrics say of its memory: its
// Go heap, and the entries of its host-level workflow cache (at most
// history.hostLevelCacheMaxSize; two per workflow started: its run's mutable state
// and the lock on its ID's current run). Its events caches are per shard, 512 KiB
// each by default, and left out.
type serverMem struct {
	heapInuse int64   // memory_heapinuse: each service reports it once a minute, so up to a minute old
	entries   float64 // cache_usage{cache_type="mutablestate"}
	read      bool
}

// scrapeServerMem reads serverMem from the server's metrics; read is false when
// they could not be read. Every service of the one process reports the same runtime
// gauges, so the heap is the largest sample rather than their sum.
func scrapeServerMem(ctx context.Context, url string) serverMem {
	var m serverMem
	err := eachSample(ctx, url, func(name string, labels map[string]string, value float64) {
		switch {
		case name == "memory_heapinuse":
			m.heapInuse = max(m.heapInuse, int64(value))
		case name == "cache_usage" && labels["cache_type"] == "mutablestate":
			m.entries += value
		}
	})
	m.read = err == nil && m.heapInuse > 0
	return m
}

// procMem is a process's memory: RSS and peak RSS from /proc, the Go heap from its
// own Prometheus metrics (Go processes only).
type procMem struct {
	rss, hwm         int64
	heapInuse, heap  int64 // go_memstats_heap_inuse_bytes, go_memstats_heap_alloc_bytes
	goroutines       int64
	metricsAvailable bool
}

type queryResult struct {
	name   string
	target time.Duration
	lats   []time.Duration
}

// runScale files complaints with a long SLA through POST /v1/complaints in steps
// and, at each step, measures what growing the number of open complaints costs:
// intake latency, worker and API memory, database sizes and query latency. The
// worker and the API run as separate processes (the real ./worker and ./starter
// binaries), so their RSS is theirs alone; the load generator is this process.
func runScale(ctx context.Context, cfg config) error {
	steps, err := parseSteps(cfg.scaleSteps)
	if err != nil {
		return err
	}
	cfg.noWorker = true // the worker is a process of its own, started below
	s := &stack{cfg: cfg, log: slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}))}
	defer s.stop()
	startCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	err = s.start(startCtx)
	cancel()
	if err != nil {
		return err
	}
	restore, err := savePolicies(ctx, s.store.DB())
	if err != nil {
		return err
	}
	defer restore()
	if err := setPolicy(ctx, s.store.DB(), scaleFirstResponse, scaleResolution, "50,75,90"); err != nil {
		return err
	}

	procs, err := startScaleProcesses(ctx, s, cfg)
	if err != nil {
		return err
	}
	defer procs.stop(s)
	s.baseURL = procs.apiURL // tokens live in PostgreSQL: the in-process API's work here too

	runID := time.Now().UTC().Format("20060102t150405") + "-" + randomHex(3)
	httpClient := newHTTPClient(max(4*cfg.conc, 256))
	defer httpClient.CloseIdleConnections()
	var retries atomic.Int64
	apiC := retrying(newAPIContender(s, runID, httpClient), &retries)
	manager, err := s.createToken(ctx, "manager", "bench-manager")
	if err != nil {
		return err
	}
	quality, err := s.createToken(ctx, "quality", "bench-quality")
	if err != nil {
		return err
	}

	e := describeEnv(s)
	head := scaleHeader(cfg, e, procs)
	fmt.Print(head)
	var out strings.Builder
	out.WriteString(head)
	flush := func(rows []scaleRow) {
		table := scaleTable(rows, cfg)
		fmt.Print("\n" + table)
		if cfg.markdownOut != "" {
			_ = os.WriteFile(cfg.markdownOut, []byte(out.String()+"\n"+table), 0o644)
		}
	}

	var rows []scaleRow
	begin := time.Now()
	sample := int(cfg.scaleSampleRate * cfg.scaleSample.Seconds())
	for i, target := range steps {
		open, err := openCount(ctx, s)
		if err != nil {
			return err
		}
		last := i == len(steps)-1
		// Fill in chunks, so a run out of time still measures where it got to.
		fillStart := time.Now()
		want := target - sample - open
		filled := 0
		for filled < want {
			if cfg.scaleBudget > 0 && time.Since(begin) > cfg.scaleBudget {
				last = true
				if filled == 0 && len(rows) > 0 {
					s.say("time budget %s spent before filling towards %d", cfg.scaleBudget, target)
					return nil // the last step measured is where it got to
				}
				s.say("time budget %s spent: measuring at %d instead of %d", cfg.scaleBudget, open+filled+sample, target)
				break
			}
			n := min(2000, want-filled)
			r := closedLoop(ctx, apiC, n, cfg.conc, cfg.timeout)
			if err := ctx.Err(); err != nil {
				return err
			}
			if r.errors > 0 {
				return fmt.Errorf("filing: %d of %d failed after retries; first: %s", r.errors, r.requests, r.firstErr)
			}
			filled += n
			s.say("filed %d/%d towards %d (%.0f/s, %d retried 503s so far), worker RSS %s", open+filled, target-sample, target, r.throughput(), retries.Load(), mib(rssOf(procs.worker.Pid())))
		}
		fillElapsed := time.Since(fillStart)
		if err := waitOpened(ctx, s, cfg.drainTimeout); err != nil {
			return err
		}
		row := scaleRow{fillTook: time.Since(fillStart)}
		if filled > 0 {
			row.fillRate = float64(filled) / fillElapsed.Seconds()
		}

		// Intake latency at this count: a fixed-rate open loop, timed from each
		// request's scheduled send (no coordinated omission).
		s.say("sample: %.0f/s for %s", cfg.scaleSampleRate, cfg.scaleSample)
		retriesBefore := retries.Load()
		r := openLoop(ctx, apiC, cfg.scaleSampleRate, cfg.scaleSample, cfg.timeout, cfg.maxInFlight)
		row.intake, row.intakeErr, row.intakeRetries = summarize(r.latencies), r.errors, int(retries.Load()-retriesBefore)
		row.retries = int(retries.Load())
		if err := waitOpened(ctx, s, cfg.drainTimeout); err != nil {
			return err
		}
		if row.open, err = openCount(ctx, s); err != nil {
			return err
		}
		if err := measureScale(ctx, s, procs, &row); err != nil {
			return err
		}
		row.queries, err = scaleQueries(ctx, s, httpClient, cfg, manager, quality)
		if err != nil {
			return err
		}
		row.load = loadAvg()
		rows = append(rows, row)
		s.say("at %d open: worker RSS %s, heap %s, %0.f cached; API RSS %s; Temporal server RSS %s (heap %s, %.0f entries in its workflow cache); PostgreSQL %s, Temporal file %s",
			row.open, mib(row.worker.rss), mib(row.worker.heapInuse), row.cached, mib(row.api.rss),
			mib(row.temporal.rss), mib(row.server.heapInuse), row.server.entries, mib(row.pgBytes), mib(row.tdbBytes))
		flush(rows)
		if last {
			break
		}
	}
	return nil
}

// retrying retries a request the API answered 503 with the same body (so the same
// external ID): the API recorded the complaint but could not start its workflow in
// time, and an intake system retries it; so is one whose connection was closed. A retried request's latency runs from its
// first send.
func retrying(c *contender, retries *atomic.Int64) *contender {
	return &contender{name: c.name, do: func(ctx context.Context, seq int64) error {
		for attempt := 1; ; attempt++ {
			err := c.do(ctx, seq)
			if err != nil && attempt > 1 && strings.HasPrefix(err.Error(), "HTTP 200") {
				return nil // the retry found the complaint the first request recorded
			}
			// Retry a 503, and a connection the server closed (its write timeout
			// on a slow start): both may have recorded the complaint.
			retry := err != nil && (strings.HasPrefix(err.Error(), "HTTP 503") || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF))
			if !retry || attempt == 10 || ctx.Err() != nil {
				return err
			}
			retries.Add(1)
			select {
			case <-ctx.Done():
				return err
			case <-time.After(time.Second):
			}
		}
	}}
}

func parseSteps(raw string) ([]int, error) {
	var steps []int
	for _, f := range strings.Split(raw, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 || (len(steps) > 0 && n <= steps[len(steps)-1]) {
			return nil, fmt.Errorf("-scale-steps: %q is not a rising list of counts ≥ 100", raw)
		}
		steps = append(steps, n)
	}
	return steps, nil
}

// openCount is the number of complaints the worker has opened that are not
// resolved or closed: in this mode, every complaint filed.
func openCount(ctx context.Context, s *stack) (int, error) {
	var n int
	err := s.store.DB().GetContext(ctx, &n, `SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'closed')`)
	return n, err
}

// waitOpened waits until every filed complaint has its "opened" event (written by
// its workflow) and the task queue has no backlog: the worker has caught up.
func waitOpened(ctx context.Context, s *stack, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var filed, opened int
		if err := s.store.DB().GetContext(ctx, &filed, `SELECT count(*) FROM complaints`); err != nil {
			return err
		}
		if err := s.store.DB().GetContext(ctx, &opened, `SELECT count(*) FROM complaint_events WHERE kind = 'opened'`); err != nil {
			return err
		}
		if opened >= filed {
			bl, err := s.backlog(ctx)
			if err != nil {
				return err
			}
			if bl == 0 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the worker has opened %d of %d complaints after %s", opened, filed, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// measureScale reads the processes' memory and the databases' sizes.
func measureScale(ctx context.Context, s *stack, p *scaleProcesses, row *scaleRow) error {
	var err error
	if row.worker, err = memOf(ctx, p.worker.Pid(), p.workerMetrics); err != nil {
		return err
	}
	if row.api, err = memOf(ctx, p.api.Pid(), p.apiURL+"/metrics"); err != nil {
		return err
	}
	// The CLI's dev server ("temporal"), or the real server (its binary is "server").
	for _, comm := range []string{"temporal", "server"} {
		if pid := childPid(comm); pid > 0 {
			row.temporal, _ = memOf(ctx, pid, "")
		}
	}
	if s.cfg.temporalServer == "real" {
		row.server = scrapeServerMem(ctx, s.temporalMetricsURL())
	}
	if m, err := scrape(ctx, p.workerMetrics); err == nil {
		row.cached = m["temporal_sticky_cache_size"]
	}
	db := s.store.DB()
	if err := db.GetContext(ctx, &row.pgBytes, `SELECT pg_database_size(current_database())`); err != nil {
		return err
	}
	if err := db.GetContext(ctx, &row.pgTables, `SELECT pg_total_relation_size('complaints') + pg_total_relation_size('complaint_events')`); err != nil {
		return err
	}
	if s.cfg.temporalServer == "real" {
		// Its persistence and visibility databases, beside complaintflow's.
		if err := db.GetContext(ctx, &row.tdbBytes, `SELECT sum(pg_database_size(datname))::bigint FROM pg_database WHERE datname LIKE $1 || '%'`, temporalDatabase); err != nil {
			return err
		}
	} else if s.cfg.temporalDB && len(s.tempDirs) > 0 {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if fi, err := os.Stat(s.tempDirs[0] + "/temporal.db" + suffix); err == nil {
				row.tdbBytes += fi.Size()
			}
		}
	}
	return nil
}

// apiListProbes are the listings an agent's or a manager's screen, or an
// integration, sends to GET /v1/complaints; the console mode times them too.
func apiListProbes(bearer string) []consoleProbe {
	fixed := func(p string) func(int) string { return func(int) string { return p } }
	return []consoleProbe{
		{name: "list: open, newest first", path: fixed("/v1/complaints?status=open&limit=50"), bearer: bearer, target: scaleListTarget, want: `"items"`},
		{name: "list: still to do, nearest deadline first", path: fixed("/v1/complaints?status=open,in_progress,waiting_on_customer,backlog&sort=due&limit=50"), bearer: bearer, target: scaleListTarget, want: `"items"`},
		{name: "list: open, high urgency, one category", path: fixed("/v1/complaints?status=open&urgency=high&category=logistics&limit=50"), bearer: bearer, target: scaleListTarget, want: `"items"`},
		{name: "list: one customer", path: fixed("/v1/complaints?customer_id=cust-4242"), bearer: bearer, target: scaleListTarget, want: `"items"`},
		{name: "list: text search", path: fixed("/v1/complaints?q=refund&limit=50"), bearer: bearer, target: scaleListTarget, want: `"items"`},
	}
}

// scaleQueries times the listings and the dashboard's month of metrics, one
// request at a time, after two unmeasured ones.
func scaleQueries(ctx context.Context, s *stack, hc *http.Client, cfg config, manager, quality string) ([]queryResult, error) {
	to := time.Now().UTC().Truncate(time.Second)
	month := "from=" + url.QueryEscape(to.Add(-30*24*time.Hour).Format(time.RFC3339)) + "&to=" + url.QueryEscape(to.Format(time.RFC3339))
	fixed := func(p string) func(int) string { return func(int) string { return p } }
	probes := append(apiListProbes(manager),
		consoleProbe{name: "metrics: month, total", path: fixed("/v1/metrics?" + month), bearer: quality, target: scaleMetricsTarget, want: `"volume"`},
		consoleProbe{name: "metrics: month by category", path: fixed("/v1/metrics?" + month + "&group_by=category"), bearer: quality, target: scaleMetricsTarget, want: `"groups"`},
	)
	var out []queryResult
	for _, p := range probes {
		n := cfg.scaleListRequests
		if p.target == scaleMetricsTarget {
			n = cfg.scaleMetricsRequests
		}
		q := queryResult{name: p.name, target: p.target}
		for i := range n + 2 {
			ttfb, _, _, err := fetch(ctx, hc, s.baseURL+p.path(i), p, cfg.timeout)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p.name, err)
			}
			if i >= 2 {
				q.lats = append(q.lats, ttfb)
			}
		}
		out = append(out, q)
	}
	return out, nil
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// rssOf is a process's resident set size from /proc, in bytes (0 if unknown).
func rssOf(pid int) int64 {
	rss, _ := procStatus(pid)
	return rss
}

// procStatus reads VmRSS and VmHWM (peak RSS) of a process, in bytes.
func procStatus(pid int) (rss, hwm int64) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) < 1 {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// childPid is the pid of this process's child with that command name, or 0.
func childPid(comm string) int {
	self := os.Getpid()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := readProcStat("/proc/" + e.Name() + "/stat"); ok && st.ppid == self && st.comm == comm {
			return pid
		}
	}
	return 0
}

// memOf is a process's memory; metricsURL ("" for none) adds its Go heap.
func memOf(ctx context.Context, pid int, metricsURL string) (procMem, error) {
	var m procMem
	m.rss, m.hwm = procStatus(pid)
	if m.rss == 0 {
		return m, fmt.Errorf("process %d: no RSS in /proc (exited?)", pid)
	}
	if metricsURL == "" {
		return m, nil
	}
	vals, err := scrape(ctx, metricsURL)
	if err != nil {
		return m, err
	}
	m.heapInuse, m.heap = int64(vals["go_memstats_heap_inuse_bytes"]), int64(vals["go_memstats_heap_alloc_bytes"])
	m.goroutines, m.metricsAvailable = int64(vals["go_goroutines"]), true
	return m, nil
}

// scrape reads a Prometheus text exposition and sums each metric's samples over
// their labels; enough for the gauges read here.
func scrape(ctx context.Context, u string) (map[string]float64, error) {
	out := map[string]float64{}
	if err := eachSample(ctx, u, func(name string, _ map[string]string, v float64) { out[name] += v }); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("GET " + u + ": no metrics")
	}
	return out, nil
}

func scaleHeader(cfg config, e env, p *scaleProcesses) string {
	load := ""
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(raw))[:3], " ")
	}
	return fmt.Sprintf("\nopen-complaint scale: steps %s, worker: %s; long SLA (first response %s, resolution %s)\n"+
		"worker: ./worker pid %d; API: ./starter serve pid %d; load generator: this process\n"+
		"%s; %s\n%s (%d CPUs, GOMAXPROCS %d), %s; load average at start %s\n"+
		"filling: closed loop, %d callers; intake sample: open loop %.0f/s for %s at each step\n",
		cfg.scaleSteps, workerSizingNote(cfg.worker), scaleFirstResponse, scaleResolution, p.worker.Pid(), p.api.Pid(),
		e.postgres, e.temporal, e.cpuModel, e.cpus, e.gomaxprocs, e.goVersion, load,
		cfg.conc, cfg.scaleSampleRate, cfg.scaleSample)
}

// scaleTable is the report: memory and sizes, then query latency, one row per step.
func scaleTable(rows []scaleRow, cfg config) string {
	var b strings.Builder
	b.WriteString("| open complaints | filing rate | intake p50 / p95 / p99 | worker RSS (peak) | worker Go heap in use | cached workflows | API RSS / heap | Temporal server RSS / Go heap in use | entries in the server's workflow cache | PostgreSQL DB (complaints + events) | Temporal DB (file, or its PostgreSQL databases) | load avg |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fill := "—"
		if r.fillRate > 0 {
			fill = fmt.Sprintf("%.0f/s", r.fillRate)
		}
		if r.retries > 0 {
			fill += fmt.Sprintf(" (%d retried 503s so far)", r.retries)
		}
		intake := fmt.Sprintf("%s / %s / %s", ms(r.intake.p50), ms(r.intake.p95), ms(r.intake.p99))
		if r.intakeErr > 0 {
			intake += fmt.Sprintf(" (%d errors)", r.intakeErr)
		}
		if r.intakeRetries > 0 {
			intake += fmt.Sprintf(" (%d retried 503s)", r.intakeRetries)
		}
		tdb := "in memory"
		if r.tdbBytes > 0 {
			tdb = mib(r.tdbBytes)
		}
		server, caches := mib(r.temporal.rss), "—"
		if r.server.read {
			server += " / " + mib(r.server.heapInuse)
			caches = fmt.Sprintf("%.0f", r.server.entries)
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s (%s) | %s | %.0f | %s / %s | %s | %s | %s (%s) | %s | %s |\n",
			r.open, fill, intake, mib(r.worker.rss), mib(r.worker.hwm), mib(r.worker.heapInuse), r.cached,
			mib(r.api.rss), mib(r.api.heapInuse), server, caches, mib(r.pgBytes), mib(r.pgTables), tdb, r.load)
	}
	b.WriteString("\n| open complaints |")
	if len(rows) == 0 {
		return b.String()
	}
	for _, q := range rows[0].queries {
		fmt.Fprintf(&b, " %s p50 / p95 (target < %s) |", q.name, ms(q.target))
	}
	b.WriteString("\n|---:|" + strings.Repeat("---:|", len(rows[0].queries)) + "\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %d |", r.open)
		for _, q := range r.queries {
			s := summarize95(q.lats)
			met := ""
			if s.p95 >= q.target {
				met = " **missed**"
			}
			fmt.Fprintf(&b, " %s / %s%s |", ms(s.p50), ms(s.p95), met)
		}
		b.WriteString("\n")
	}
	if last := rows[len(rows)-1]; last.worker.rss > 0 {
		verdict := "within"
		if last.worker.rss > scaleWorkerTarget {
			verdict = "OVER"
		}
		fmt.Fprintf(&b, "\nworker RSS at %d open: %s, %s the %s target (stated for 100,000 open).\n", last.open, mib(last.worker.rss), verdict, mib(scaleWorkerTarget))
	}
	return b.String()
}

func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(raw))[0]
}
