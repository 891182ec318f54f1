package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// soakConfig is what -soak and its companions ask for (docs/operations.md, "Soak").
type soakConfig struct {
	n        int           // complaints filed by the open loop
	rate     float64       // per second; 0 measures the stack's sustainable rate first
	fraction float64       // of the measured rate the open loop runs at
	inFlight int           // requests outstanding at most; the schedule waits beyond
	grace    time.Duration // how long a check may fail in a row before it is a wedge
	drain    time.Duration // longest wait, after intake, for every workflow to open
	timeout  time.Duration // per request
}

// soakProbeEvery is how often the soak looks at the stack besides intake.
const soakProbeEvery = 5 * time.Second

// soakBlock is how many complaints one line of the soak's report covers.
const soakBlock = 1000

// soakResult is one filing.
type soakResult struct {
	seq     int
	latency time.Duration // from its scheduled send time: no coordinated omission
	status  int           // 0: no answer
	err     string
	id      string
}

// soakProbe is what the stack looked like at one probe.
type soakProbe struct {
	at            time.Time
	ready         bool
	readyz        string // the 503's body or the request's error
	temporalErr   string // DescribeNamespace or a visibility list, "" when both answered
	complaints    int
	opened        int   // complaints with their workflow's 'opened' event
	sqliteBytes   int64 // the dev server's file and its WAL; 0 in the cluster
	accepted      int64 // answered 201 so far
	unreadyFor    time.Duration
	temporalFor   time.Duration
	stalledFor    time.Duration // opened has not moved while behind accepted
	probeDuration time.Duration
}

type soakRun struct {
	s       *stack
	cfg     soakConfig
	runID   string
	st      *store.Store
	tc      client.Client
	http    *http.Client
	token   string
	dbFile  string
	logFile string

	accepted atomic.Int64
	mu       sync.Mutex
	last     soakProbe
	wedge    chan error // the monitor's verdict, at most one
}

// runSoak files cfg.n complaints through POST /v1/complaints of the stack just
// started, at its sustainable rate, and fails on a wedge: a 5xx or any non-201
// from intake, /readyz or the Temporal server failing for longer than the grace,
// workflows that stop opening, or accepted complaints without their workflow.
func (s *stack) runSoak(ctx context.Context, cfg soakConfig) error {
	r := &soakRun{s: s, cfg: cfg, runID: time.Now().UTC().Format("150405"), wedge: make(chan error, 1),
		http: &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: cfg.inFlight,
		}}}
	if s.temporal != nil && !s.cluster {
		r.dbFile = filepath.Join(s.cfg.dataDir, "temporal.db")
	}
	if s.temporal != nil {
		r.logFile = s.temporal.LogFile()
	}
	st, err := store.Open(ctx, s.cfg.databaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	r.st = st
	tc, err := client.DialContext(ctx, client.Options{HostPort: s.cfg.temporalAddress, Namespace: s.cfg.namespace, Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return err
	}
	defer tc.Close()
	r.tc = tc
	admin := &apiClient{base: s.cfg.apiURL(0), token: s.cfg.adminToken}
	body, err := admin.do(ctx, http.MethodPost, "/v1/tokens", map[string]string{"role": "intake", "name": "soak-intake"})
	if err != nil {
		return err
	}
	var tok struct{ Token string }
	if err := json.Unmarshal(body, &tok); err != nil || tok.Token == "" {
		return fmt.Errorf("no intake token in %s", body)
	}
	r.token = tok.Token

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	exited := s.anyExit()
	go r.monitor(ctx)
	fail := make(chan error, 1)
	go func() {
		select {
		case err := <-r.wedge:
			fail <- err
		case name := <-exited:
			fail <- fmt.Errorf("%s exited during the soak", name)
		case <-ctx.Done():
			return
		}
		cancel() // stop filing
	}()
	failed := func() error {
		select {
		case err := <-fail:
			return r.wedged(err)
		default:
			return nil
		}
	}

	if cfg.rate == 0 {
		measured, err := r.calibrate(ctx)
		if err := failed(); err != nil {
			return err
		}
		if err != nil {
			return err
		}
		cfg.rate = measured * cfg.fraction
		r.cfg.rate = cfg.rate
		s.out.Say("soak: filing at %.1f/s (%.0f %% of %.1f/s)", cfg.rate, 100*cfg.fraction, measured)
	}

	start := time.Now()
	results := r.openLoop(ctx, "s", cfg.n, cfg.rate)
	blocks, all := r.collect(results, start)
	intake := time.Since(start)
	if err := failed(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var bad []soakResult
	for _, res := range all {
		if res.status != http.StatusCreated {
			bad = append(bad, res)
		}
	}
	s.out.Say("soak: %d filed in %s (%.1f/s), %d not accepted; waiting up to %s for every workflow to open…",
		len(all), intake.Round(time.Second), float64(len(all))/intake.Seconds(), len(bad), cfg.drain)
	recorded, drained, drainErr := r.waitOpened(ctx, cfg.drain)
	if err := failed(); err != nil {
		return err
	}
	workflows, countErr := r.countWorkflows(ctx, recorded)
	r.report(all, blocks, intake, drained, recorded)
	var problems []string
	if len(bad) > 0 {
		problems = append(problems, fmt.Sprintf("%d filings not answered 201, first: HTTP %d %s", len(bad), bad[0].status, bad[0].err))
	}
	if drainErr != nil {
		problems = append(problems, drainErr.Error())
	}
	if countErr != nil {
		problems = append(problems, countErr.Error())
	} else if workflows != recorded {
		problems = append(problems, fmt.Sprintf("Temporal lists %d complaint workflows for %d recorded complaints", workflows, recorded))
	}
	if err := r.checkOpened(ctx, all); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return fmt.Errorf("soak failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

// calibrate finds the stack's sustainable rate by a ramp: open-loop steps of
// soakStep at 2, 4, 6, … complaints per second until a step fails — a filing not
// answered 201, a p99 over a second, or workflows opening behind filing by more
// than two seconds' worth at the step's end — and returns the last step that
// passed. A closed loop would measure the rate at which the stack answers while
// overloaded, and an overloaded dev server is what the soak is to avoid.
func (r *soakRun) calibrate(ctx context.Context) (float64, error) {
	const stepEvery, maxRate = 2.0, 200.0
	r.s.out.Say("soak: measuring the sustainable rate: %s open-loop steps from %.0f/s up…", soakStep, stepEvery)
	passed := 0.0
	for rate := stepEvery; rate <= maxRate; rate += stepEvery {
		n := int(rate * soakStep.Seconds())
		var lats []time.Duration
		failed := ""
		for res := range r.openLoop(ctx, "cal"+strconv.Itoa(int(rate))+"-", n, rate) {
			if res.status != http.StatusCreated && failed == "" {
				failed = fmt.Sprintf("HTTP %d %s", res.status, truncate(res.err, 200))
			}
			lats = append(lats, res.latency)
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		_, _, p99, _ := percentiles(lats)
		time.Sleep(soakProbeEvery) // the worker's share of the step's end
		var opened int64
		if err := r.st.DB().QueryRowContext(ctx, `SELECT count(*) FROM complaint_events WHERE kind = 'opened'`).Scan(&opened); err != nil {
			return 0, err
		}
		behind := r.accepted.Load() - opened
		r.s.out.Say("soak: calibration %.0f/s: p99 %s, %d accepted complaints without their workflow yet%s", rate, ms(p99), max(behind, 0), map[bool]string{true: ", failed: " + failed, false: ""}[failed != ""])
		if failed != "" || p99 > time.Second || float64(behind) > 2*rate {
			break
		}
		passed = rate
	}
	if passed == 0 {
		return 0, fmt.Errorf("calibration: the stack does not sustain even %.0f complaints/s; give -soak-rate", stepEvery)
	}
	// Let what the failing step left behind drain before the soak proper.
	if _, _, err := r.waitOpened(ctx, 3*time.Minute); err != nil {
		return 0, fmt.Errorf("calibration: %w", err)
	}
	return passed, nil
}

// soakStep is how long each calibration step files.
const soakStep = 20 * time.Second

// openLoop sends cfg.n filings on a fixed schedule, at most cfg.inFlight at once
// (the schedule waits beyond it, and the wait counts in the latency).
func (r *soakRun) openLoop(ctx context.Context, kind string, n int, rate float64) <-chan soakResult {
	out := make(chan soakResult, r.cfg.inFlight)
	sem := make(chan struct{}, r.cfg.inFlight)
	go func() {
		var wg sync.WaitGroup
		defer func() { wg.Wait(); close(out) }()
		start := time.Now()
		interval := time.Duration(float64(time.Second) / rate)
		for seq := range n {
			at := start.Add(time.Duration(seq) * interval)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(at)):
			}
			select {
			case <-ctx.Done():
				return
			case sem <- struct{}{}:
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				out <- r.file(ctx, kind, seq, at)
				<-sem
			}()
		}
	}()
	return out
}

// file sends one complaint; its mix of channel, urgency, tier and category
// follows seq.
func (r *soakRun) file(ctx context.Context, kind string, seq int, at time.Time) soakResult {
	res := soakResult{seq: seq}
	body, _ := json.Marshal(map[string]any{
		"external_id": "soak-" + r.runID + "-" + kind + strconv.Itoa(seq),
		"channel":     complaint.Channels[seq%len(complaint.Channels)],
		"category":    complaint.Categories[seq/7%len(complaint.Categories)],
		"urgency":     []string{"high", "medium", "medium", "low", "low"}[seq/3%5],
		"customer": map[string]any{
			"id": "soak-c" + strconv.Itoa(seq%5000), "name": "张伟 " + strconv.Itoa(seq%5000),
			"tier": []string{"high", "medium", "low", "low"}[seq/11%4], "email": "c" + strconv.Itoa(seq%5000) + "@example.com",
		},
		"subject":     "包裹一周未到 / parcel a week late",
		"description": "物流慢，客服态度差 — the tracking page has not moved since the parcel left the depot.",
	})
	ctx, cancel := context.WithTimeout(ctx, r.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.s.cfg.apiURL(0)+"/v1/complaints", bytes.NewReader(body))
	if err != nil {
		res.err = err.Error()
		return res
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.http.Do(req)
	res.latency = time.Since(at)
	if err != nil {
		res.err = err.Error()
		return res
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	res.status = resp.StatusCode
	if res.status != http.StatusCreated {
		res.err = strings.TrimSpace(string(raw))
		return res
	}
	if res.id, err = complaintID(raw); err != nil {
		res.err = err.Error()
		res.status = 0
		return res
	}
	r.accepted.Add(1)
	return res
}

// soakBlockStats is one line of the report: soakBlock filings by send order.
type soakBlockStats struct {
	upTo                 int
	rate                 float64 // filings answered per second while the block was answered
	p50, p95, p99, worst time.Duration
	errors               int
	probe                soakProbe // the stack when the block's last answer came
}

// collect gathers the results, printing a line per soakBlock as each completes.
func (r *soakRun) collect(results <-chan soakResult, start time.Time) ([]soakBlockStats, []soakResult) {
	all := make([]soakResult, 0, r.cfg.n)
	pending := map[int][]soakResult{}
	var blocks []soakBlockStats
	lastDone := start
	for res := range results {
		all = append(all, res)
		b := res.seq / soakBlock
		pending[b] = append(pending[b], res)
		size := min(soakBlock, r.cfg.n-b*soakBlock)
		if len(pending[b]) < size {
			continue
		}
		now := time.Now()
		st := soakBlockStats{upTo: b*soakBlock + size, rate: float64(size) / now.Sub(lastDone).Seconds(), probe: r.snapshot()}
		lastDone = now
		var lats []time.Duration
		for _, x := range pending[b] {
			if x.status == http.StatusCreated {
				lats = append(lats, x.latency)
			} else {
				st.errors++
			}
		}
		st.p50, st.p95, st.p99, st.worst = percentiles(lats)
		delete(pending, b)
		blocks = append(blocks, st)
		r.s.out.Say("soak: %6d filed  %5.1f/s  p50 %s p95 %s p99 %s max %s  errors %d  opened %d  sqlite %s  readyz %s",
			st.upTo, st.rate, ms(st.p50), ms(st.p95), ms(st.p99), ms(st.worst), st.errors, st.probe.opened,
			mib(st.probe.sqliteBytes), readyWord(st.probe))
	}
	return blocks, all
}

// report prints the run's figures.
func (r *soakRun) report(all []soakResult, blocks []soakBlockStats, intake, drained time.Duration, recorded int64) {
	var lats []time.Duration
	errs := map[string]int{}
	for _, res := range all {
		if res.status == http.StatusCreated {
			lats = append(lats, res.latency)
		} else {
			errs[strconv.Itoa(res.status)]++
		}
	}
	p50, p95, p99, worst := percentiles(lats)
	var b strings.Builder
	fmt.Fprintf(&b, "soak report: %d complaints filed at %.1f/s scheduled, %.1f/s achieved (%s), at most %d in flight\n",
		len(all), r.cfg.rate, float64(len(all))/intake.Seconds(), intake.Round(time.Second), r.cfg.inFlight)
	fmt.Fprintf(&b, "  accepted %d (errors by status: %v); %d complaints recorded in all (the calibration's included), every workflow opened %s after intake\n",
		len(lats), errs, recorded, drained.Round(time.Second))
	fmt.Fprintf(&b, "  latency from the scheduled send: p50 %s p95 %s p99 %s max %s\n", ms(p50), ms(p95), ms(p99), ms(worst))
	fmt.Fprintf(&b, "  Temporal SQLite file (with WAL): %s\n", mib(r.sqliteSize()))
	if r.logFile != "" {
		fmt.Fprintf(&b, "  %s\n", logSummary(r.logFile))
	}
	b.WriteString("\n| filed | rate /s | p50 ms | p95 ms | p99 ms | max ms | errors | opened | SQLite MiB | /readyz |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, st := range blocks {
		fmt.Fprintf(&b, "| %d | %.1f | %s | %s | %s | %s | %d | %d | %s | %s |\n", st.upTo, st.rate,
			msNum(st.p50), msNum(st.p95), msNum(st.p99), msNum(st.worst), st.errors, st.probe.opened, mibNum(st.probe.sqliteBytes), readyWord(st.probe))
	}
	r.s.out.Say("%s", b.String())
}

// logSummary counts the dev server's error lines, and SQLite's interruptions
// among them (what the wedge of issue 18 logged on every operation).
func logSummary(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "server log: " + err.Error()
	}
	var errorLines, interrupted int
	var lastErr string
	for _, line := range strings.Split(string(data), "\n") {
		if lower := strings.ToLower(line); strings.Contains(lower, `"level":"error"`) || strings.Contains(lower, "level=error") {
			errorLines++
			lastErr = line
		}
		if strings.Contains(line, "interrupted (9)") {
			interrupted++
		}
	}
	s := fmt.Sprintf("server log %s: %d error lines, %d with SQLite 'interrupted (9)'", path, errorLines, interrupted)
	if lastErr != "" {
		s += "; last: " + truncate(lastErr, 600)
	}
	return s
}

func percentiles(d []time.Duration) (p50, p95, p99, worst time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	return at(0.50), at(0.95), at(0.99), d[len(d)-1]
}

func readyWord(p soakProbe) string {
	switch {
	case p.at.IsZero():
		return "-"
	case p.ready:
		return "ready"
	default:
		return "UNREADY " + truncate(p.readyz, 200)
	}
}

func ms(d time.Duration) string    { return msNum(d) + "ms" }
func msNum(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
func mib(n int64) string           { return mibNum(n) + " MiB" }
func mibNum(n int64) string        { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) }
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
