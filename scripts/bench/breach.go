package main

// Breach mode (-mode breach): how late an SLA breach lands in PostgreSQL after its
// deadline. One run, one private PostgreSQL and Temporal dev server, three arms one
// after the other (never sharing the CPU), each with -n deadlines spread the same
// way: created open loop at -breach-rate per second, each due -breach-first-response
// after it was created.
//
//   - complaintflow: a seconds-long first-response SLA is set for every policy cell
//     (SQL, so columns added by other work keep their defaults: warnings, escalation
//     ladder), N complaints are filed through POST /v1/complaints and the real worker
//     runs the real ComplaintWorkflow. Lateness = complaint_events.recorded_at −
//     data->>'due_at' of each first-response sla_breached event; due_at is checked
//     to equal the complaint's first_response_due_at.
//   - timer: a bare workflow (this worker only) sleeps on one durable timer until a
//     deadline stamped just before its start, then runs one activity that inserts
//     (deadline, recorded_at now()) into bench_breaches. The engine's floor.
//   - cron: N open items with due times in bench_breach_items, and a robfig/cron job
//     "* * * * *" (every minute, as Zammad, GLPI and osTicket poll) that inserts a
//     breach row for every overdue item without one, in one SQL statement per scan.
//     It runs until all N are recorded; its lateness is ~uniform over 0–60 s.
//
// Before the first round, -warmup complaints and bare timers due in 2 s warm both
// Temporal arms' breach paths. Every arm must record exactly N breaches, else the
// run fails. Deadlines are taken as each system stored them (the complaint's
// first_response_due_at, checked equal to its event's due_at; the timer's input,
// stamped here before the start; the item's due_at); recorded_at is PostgreSQL's
// now(). Every clock involved is this host's.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// The arms, in the order the report shows them.
const (
	armComplaintflow = "complaintflow"
	armTimer         = "timer"
	armCron          = "cron"
)

var arms = []string{armComplaintflow, armTimer, armCron}

const (
	// BreachTimerWorkflowName is the bare timer workflow of the timer arm.
	BreachTimerWorkflowName = "BenchBreachTimerWorkflow"
	breachActivityName      = "BenchRecordBreach"
	// cronSpec is the poller's schedule: every minute, standard cron syntax.
	cronSpec = "* * * * *"

	breachTargetP99   = time.Second // issue 18's, for ≥ 10,000 open complaints
	breachTargetRatio = 1.5
)

// breachSchema holds the timer and cron arms' rows, next to complaintflow's tables.
const breachSchema = `
CREATE TABLE IF NOT EXISTS bench_breach_items (
    run_id     text        NOT NULL,
    seq        bigint      NOT NULL,
    due_at     timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS bench_breaches (
    arm         text        NOT NULL,
    run_id      text        NOT NULL,
    seq         bigint      NOT NULL,
    due_at      timestamptz NOT NULL,
    fired_at    timestamptz, -- timer arm: workflow.Now() when the timer's task ran
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (arm, run_id, seq)
);`

// cronScan is the poller's one statement: every overdue open item without a breach
// gets one, stamped now().
const cronScan = `INSERT INTO bench_breaches (arm, run_id, seq, due_at)
	SELECT 'cron', i.run_id, i.seq, i.due_at FROM bench_breach_items i
	WHERE i.due_at <= now()
		AND NOT EXISTS (SELECT 1 FROM bench_breaches b WHERE b.arm = 'cron' AND b.run_id = i.run_id AND b.seq = i.seq)
	ON CONFLICT DO NOTHING`

func (cfg config) checkBreach() error {
	if cfg.n < 1 || cfg.rounds < 1 || cfg.maxInFlight < 1 || cfg.breachRate <= 0 {
		return errors.New("-n, -rounds, -max-in-flight and -breach-rate must be positive")
	}
	if cfg.noWorker {
		return errors.New("-no-worker: breach mode needs the worker")
	}
	for _, a := range cfg.breachArms {
		if !slices.Contains(arms, a) {
			return fmt.Errorf("-breach-arms: %q is not one of %s", a, strings.Join(arms, ", "))
		}
	}
	if cfg.breachFirstResponse < time.Second || cfg.breachFirstResponse%time.Second != 0 {
		return errors.New("-breach-first-response must be a whole number of seconds, at least 1s")
	}
	if cfg.breachResolution <= cfg.breachFirstResponse || cfg.breachResolution%time.Second != 0 {
		return errors.New("-breach-resolution must be a whole number of seconds, longer than -breach-first-response")
	}
	// All N must be open before the first deadline, with room for the API to lag.
	if filing := time.Duration(float64(cfg.n) / cfg.breachRate * float64(time.Second)); filing+15*time.Second > cfg.breachFirstResponse {
		return fmt.Errorf("filing %d at %g/s takes %s: -breach-first-response %s must exceed that by 15s, so every complaint is open before the first deadline",
			cfg.n, cfg.breachRate, filing.Round(time.Second), cfg.breachFirstResponse)
	}
	return nil
}

// armResult is one arm of one round.
type armResult struct {
	arm   string
	round int
	runID string

	load        paceResult
	openAtStart int64         // complaints open in PostgreSQL as the arm began (-breach-open's and earlier arms')
	firstDue    time.Time     // the first and last deadline, as stored
	lastDue     time.Time     //
	margin      time.Duration // from the end of the load to the first deadline
	window      time.Duration // first deadline until every breach was recorded
	cpu         cpuUsage      // over window
	pgCPU       cpuUsage      // over window, a private PostgreSQL's by database
	sessions    string        // over window: sessions PostgreSQL opened, by database
	coreWait    coreWait      // over window: who waited for a core, and steal
	sdk         sdkStats      // over window
	breaches    int
	lateness    []time.Duration // recorded_at − due
	toTask      []time.Duration // timer arms: fired_at − due (timer to the workflow task that saw it)
	toRecorded  []time.Duration // timer arms: recorded_at − fired_at
	scans       []scanResult    // cron arm
	// Temporal arms: the most tasks waiting on the task queue (normal queue, not the
	// workers' sticky queues) at any poll in the window.
	maxBacklogWFT, maxBacklogAct   int64
	lastBacklogWFT, lastBacklogAct int64
	workerLoad                     workerLoad // Temporal arms: the worker's pollers and slots in use, sampled likewise
	// complaintflow: complaints whose first-response warning was recorded only after
	// the deadline (the workflow records a warning before it arms the next timer).
	lateWarnings int
	// missing breaches were not recorded by the end of -breach-wait; each counts in
	// lateness as missingBound (the wait after the last deadline, less than any of
	// theirs), so the arm's percentiles are lower bounds.
	missing       int
	missingBound  time.Duration
	timerQueue    *timerQueueStats // the dev server's timer queue over the window; nil if unknown
	dbWaits       dbWaits          // Temporal arms: PostgreSQL's busy backends over the window
	txGoroutines  txGoroutines     // complaintflow with -temporal-goroutines: the server's goroutines in a transaction
	statements    []pgStatement    // Temporal arms with -pg-statements: PostgreSQL's costliest statements over the window
	rows          []breachRow      // every breach, for -breach-csv
	events        map[string]int   // complaintflow: events of the run's complaints by kind
	notifications int              // complaintflow: notices of the run's complaints
	traces        []string         // complaintflow: the latest breaches' workflow tasks (traceSlowest)
}

type scanResult struct {
	at   time.Time
	rows int64
	took time.Duration
	err  error
}

// breachBench runs the arms against one stack.
type breachBench struct {
	s          *stack
	metricsURL string // the private Temporal dev server's Prometheus endpoint
	cfg        config
	db         *sqlx.DB
	http       *http.Client
	runID      string
}

func runBreach(ctx context.Context, cfg config) error {
	s := &stack{cfg: cfg, log: slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}))}
	defer s.stop()
	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	err := s.start(startCtx)
	cancel()
	if err != nil {
		return err
	}
	db := s.store.DB()
	if _, err := db.ExecContext(ctx, breachSchema); err != nil {
		return fmt.Errorf("create bench tables: %w", err)
	}
	restore, err := savePolicies(ctx, db)
	if err != nil {
		return err
	}
	defer restore()

	b := &breachBench{
		s: s, cfg: cfg, db: db, http: newHTTPClient(256),
		runID: "breach-" + time.Now().UTC().Format("20060102t150405") + "-" + randomHex(3),
	}
	defer b.http.CloseIdleConnections()
	rep := &breachReport{cfg: cfg, runID: b.runID, env: describeEnv(s), code: codeState()}
	s.say("run %s: API at %s, Temporal at %s, task queue %q; %d per arm at %g/s, first-response SLA %s",
		b.runID, s.baseURL, s.hostPort, cfg.taskQueue, cfg.n, cfg.breachRate, cfg.breachFirstResponse)

	// Warm-up: both Temporal arms' whole breach path (connections, pools, pollers,
	// caches) under a 2-second SLA, so neither arm's first deadlines pay for it.
	if cfg.warmup > 0 {
		if err := setPolicy(ctx, db, warmupSLA, cfg.breachResolution, cfg.breachWarnings); err != nil {
			return err
		}
		for _, arm := range []string{armComplaintflow, armTimer} {
			if !slices.Contains(cfg.breachArms, arm) {
				continue
			}
			s.say("warm-up: %d × %s due in %s", cfg.warmup, arm, warmupSLA)
			if err := b.warm(ctx, arm); err != nil {
				return fmt.Errorf("warm-up %s: %w", arm, err)
			}
		}
	}
	if cfg.breachOpen > 0 {
		if err := b.fileOpen(ctx); err != nil {
			return err
		}
	}
	if err := setPolicy(ctx, db, cfg.breachFirstResponse, cfg.breachResolution, cfg.breachWarnings); err != nil {
		return err
	}

	for round := 1; round <= cfg.rounds; round++ {
		// The bare timer goes first in odd rounds, on the emptier server; the cron arm
		// needs no Temporal, so it goes last.
		order := []string{armTimer, armComplaintflow, armCron}
		if round%2 == 0 {
			order = []string{armComplaintflow, armTimer, armCron}
		}
		for _, arm := range order {
			if !slices.Contains(cfg.breachArms, arm) {
				continue
			}
			if _, err := s.quiesce(ctx); err != nil {
				if ctx.Err() != nil {
					return err
				}
				// An incomplete arm before this one: its work goes on beside this arm.
				s.say("round %d %s: %v; starting anyway", round, arm, err)
			}
			r, err := b.runArm(ctx, arm, round)
			if err != nil {
				if len(rep.results) > 0 {
					rep.print(os.Stdout) // the arms that finished are still a measurement
				}
				return fmt.Errorf("round %d, %s arm: %w", round, arm, err)
			}
			lat := summarize(r.lateness)
			s.say("round %d %-13s: %d breaches, lateness p50 %s p90 %s p99 %s max %s",
				round, arm, r.breaches, fmtLate(lat.p50), fmtLate(lat.p90), fmtLate(lat.p99), fmtLate(lat.pmax))
			rep.results = append(rep.results, r)
		}
	}
	rep.print(os.Stdout)
	if cfg.breachCSV != "" {
		if err := writeCSV(cfg.breachCSV, rep.results); err != nil {
			return err
		}
	}
	if cfg.markdownOut != "" {
		if err := os.WriteFile(cfg.markdownOut, []byte(rep.markdown()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// warmupSLA is the deadline of the warm-up's complaints and timers.
const warmupSLA = 2 * time.Second

// warm runs -warmup deadlines of an arm due warmupSLA after creation, waits for
// their breaches and for the worker to go quiet.
func (b *breachBench) warm(ctx context.Context, arm string) error {
	runID := b.runID + "-warmup"
	var dues dueRange
	create := b.fileComplaint(runID)
	if arm == armTimer {
		create = b.startTimer(runID, warmupSLA, &dues)
	}
	load := pace(ctx, b.cfg.warmup, b.cfg.breachRate, b.cfg.maxInFlight, b.cfg.timeout, create)
	if load.errors > 0 || load.sent != b.cfg.warmup {
		return fmt.Errorf("%d of %d sent, %d failed; first error: %s", load.sent, b.cfg.warmup, load.errors, load.firstErr)
	}
	giveUp := time.Now().Add(3 * time.Minute)
	for {
		got, err := b.countBreaches(ctx, arm, runID)
		if err != nil {
			return err
		}
		if got >= b.cfg.warmup {
			break
		}
		if time.Now().After(giveUp) {
			// Warm enough to measure; a machine this loaded is part of the finding.
			b.s.say("warm-up %s: only %d of %d breaches recorded 3 minutes after it; going on", arm, got, b.cfg.warmup)
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	if _, err := b.s.quiesce(ctx); err != nil && ctx.Err() == nil {
		b.s.say("warm-up %s: %v; going on", arm, err)
	}
	return ctx.Err()
}

// savePolicies reads the SLA policy matrix and returns a function that puts it
// back (for -database-url; a private PostgreSQL goes away anyway).
func savePolicies(ctx context.Context, db *sqlx.DB) (func(), error) {
	type cell struct {
		Urgency       string `db:"urgency"`
		Tier          string `db:"tier"`
		FirstResponse int64  `db:"first_response_seconds"`
		Resolution    *int64 `db:"resolution_seconds"`
		Warnings      string `db:"warning_percents"`
	}
	var old []cell
	if err := db.SelectContext(ctx, &old, `SELECT urgency, tier, first_response_seconds, resolution_seconds,
		warning_percents::text AS warning_percents FROM sla_policies`); err != nil {
		return nil, fmt.Errorf("read SLA policies: %w", err)
	}
	if len(old) == 0 {
		return nil, errors.New("no SLA policies")
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, c := range old {
			if _, err := db.ExecContext(ctx, `UPDATE sla_policies SET first_response_seconds = $3, resolution_seconds = $4,
				warning_percents = $5::integer[], updated_at = now(), updated_by = 'bench-breach' WHERE urgency = $1 AND tier = $2`,
				c.Urgency, c.Tier, c.FirstResponse, c.Resolution, c.Warnings); err != nil {
				fmt.Fprintf(os.Stderr, "bench: restoring SLA policy %s/%s: %v\n", c.Urgency, c.Tier, err)
			}
		}
	}, nil
}

// setPolicy sets the first-response SLA and the warnings of every cell, and the
// resolution SLA of every cell that has one, by SQL; the escalation ladder and the
// rest keep their defaults.
func setPolicy(ctx context.Context, db *sqlx.DB, firstResponse, resolution time.Duration, warnings string) error {
	percents := "{" + warnings + "}"
	if warnings == "none" {
		percents = "{}"
	}
	res, err := db.ExecContext(ctx, `UPDATE sla_policies SET first_response_seconds = $1,
		resolution_seconds = CASE WHEN resolution_seconds IS NULL THEN NULL ELSE $2::bigint END,
		warning_percents = $3::integer[], updated_at = now(), updated_by = 'bench-breach'`,
		int64(firstResponse/time.Second), int64(resolution/time.Second), percents)
	if err != nil {
		return fmt.Errorf("set the breach policy: %w", err)
	}
	var cells int64
	if err := db.GetContext(ctx, &cells, `SELECT count(*) FROM sla_policies`); err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != cells || n == 0 {
		return fmt.Errorf("set the breach policy: %d of %d cells updated", n, cells)
	}
	return nil
}

// runArm creates N deadlines for one arm, waits until every breach is recorded, and
// reads the lateness back from PostgreSQL.
func (b *breachBench) runArm(ctx context.Context, arm string, round int) (armResult, error) {
	r := armResult{arm: arm, round: round, runID: b.runID + "-r" + strconv.Itoa(round)}
	n := b.cfg.n
	var create func(ctx context.Context, seq int64) error
	var what string
	var timerDues dueRange
	stopCron := func() {}
	switch arm {
	case armComplaintflow:
		what, create = "complaints filed through the API", b.fileComplaint(r.runID)
	case armTimer:
		what, create = "bare timer workflows started", b.startTimer(r.runID, b.cfg.breachFirstResponse, &timerDues)
	case armCron:
		what, create = "open items inserted", b.insertItem(r.runID)
		// The poller runs all along, as a helpdesk's does, until every breach is in.
		var err error
		if stopCron, err = b.startCron(&r); err != nil {
			return r, err
		}
		defer stopCron()
	}

	open, err := b.openComplaints(ctx)
	if err != nil {
		return r, fmt.Errorf("count open complaints: %w", err)
	}
	r.openAtStart = open
	b.s.say("round %d %s: %d %s at %g/s, %d complaints open…", round, arm, n, what, b.cfg.breachRate, open)
	r.load = pace(ctx, n, b.cfg.breachRate, b.cfg.maxInFlight, b.cfg.timeout, create)
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if r.load.errors > 0 || r.load.sent != n {
		return r, fmt.Errorf("%d of %d sent, %d failed; first error: %s", r.load.sent, n, r.load.errors, r.load.firstErr)
	}

	// The deadlines as stored (the timer arm's in the workflows' inputs); every one
	// must still be ahead.
	if arm == armTimer {
		r.firstDue, r.lastDue, r.margin = timerDues.first, timerDues.last, time.Until(timerDues.first)
	} else {
		var span struct {
			N     int       `db:"n"`
			First time.Time `db:"first"`
			Last  time.Time `db:"last"`
			Now   time.Time `db:"now"`
		}
		if err := b.db.GetContext(ctx, &span, b.spanQuery(arm), b.spanArgs(arm, r.runID)...); err != nil {
			return r, fmt.Errorf("read deadlines: %w", err)
		}
		if span.N != n {
			return r, fmt.Errorf("%d deadlines stored with the %s SLA, want %d", span.N, b.cfg.breachFirstResponse, n)
		}
		r.firstDue, r.lastDue, r.margin = span.First, span.Last, span.First.Sub(span.Now)
	}
	if r.margin <= 0 {
		return r, fmt.Errorf("the first deadline passed %s before all %d were created; raise -breach-first-response", -r.margin, n)
	}
	b.s.say("round %d %s: all %d open; deadlines from %s to %s (first in %s)", round, arm, n,
		r.firstDue.Local().Format("15:04:05.000"), r.lastDue.Local().Format("15:04:05.000"), r.margin.Round(100*time.Millisecond))

	select {
	case <-ctx.Done():
		return r, ctx.Err()
	case <-time.After(r.margin):
	}
	cpuBefore, waitBefore, sdkBefore, t0 := sampleCPU(), sampleCoreWait(), b.s.sdkStats(), time.Now()
	pgBefore, sessionsBefore := samplePG(), b.sessionCounts(ctx)
	if b.metricsURL == "" {
		b.metricsURL = b.s.temporalMetricsURL() // the dev server prints it once it is up
	}
	tqBefore := scrapeTimerQueue(ctx, b.metricsURL)
	statements := arm != armCron && b.s.resetStatements(ctx)
	giveUp := time.Now().Add(r.lastDue.Sub(r.firstDue) + b.cfg.breachWait)
	lastSay, cpuLast, waitLast := time.Now(), cpuBefore, waitBefore
	var got int
	for poll := 0; ; poll++ {
		// The count reads every breach of the run so far, on the PostgreSQL under
		// test — 49 ms a time at 5,000 saturated — so it runs every fourth poll
		// (2 s), the samples below every poll; the window's end is known to 2 s.
		if poll%4 == 0 || time.Now().After(giveUp) {
			var err error
			if got, err = b.countBreaches(ctx, arm, r.runID); err != nil {
				return r, err
			}
		}
		if arm != armCron {
			if wft, act, err := b.backlogs(ctx); err == nil {
				r.maxBacklogWFT, r.maxBacklogAct = max(r.maxBacklogWFT, wft), max(r.maxBacklogAct, act)
				r.lastBacklogWFT, r.lastBacklogAct = wft, act
			}
			b.s.sampleWorkerLoad(&r.workerLoad)
			b.sampleDBWaits(ctx, &r.dbWaits)
			b.sampleTxGoroutines(ctx, arm, round, &r.txGoroutines)
		}
		if got >= n {
			break
		}
		if time.Now().After(giveUp) {
			// Report what was recorded, with the rest as at least this late, rather
			// than nothing: on an overloaded machine that is the finding.
			r.missing, r.missingBound = n-got, time.Since(r.lastDue)
			b.s.say("round %d %s: only %d of %d breaches recorded %s after the last deadline; reporting lower bounds",
				round, arm, got, n, b.cfg.breachWait)
			break
		}
		if time.Since(lastSay) >= 10*time.Second {
			now, nowWait := sampleCPU(), sampleCoreWait()
			b.s.say("round %d %s: %d of %d breaches recorded; last %.0fs: CPU %s cores, waiting for a core %s, task queue backlog %d WFT / %d activity",
				round, arm, got, n, time.Since(lastSay).Seconds(), cpuCores(now.sub(cpuLast), time.Since(lastSay)),
				nowWait.sub(waitLast).describe(time.Since(lastSay)), r.lastBacklogWFT, r.lastBacklogAct)
			lastSay, cpuLast, waitLast = time.Now(), now, nowWait
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	r.window, r.cpu, r.sdk = time.Since(t0), sampleCPU().sub(cpuBefore), b.s.sdkStats().sub(sdkBefore)
	r.pgCPU, r.sessions = samplePG().sub(pgBefore), sessionsOpened(sessionsBefore, b.sessionCounts(ctx))
	r.coreWait = sampleCoreWait().sub(waitBefore)
	r.timerQueue = scrapeTimerQueue(ctx, b.metricsURL).sub(tqBefore)
	if statements {
		r.statements = b.s.readStatements(ctx)
	}
	stopCron() // every breach is in

	// Let the worker finish what the breaches started (notifications, escalation
	// notices) before counting, so a duplicate would show; an incomplete arm's
	// worker is still busy, so read what is there.
	if r.missing == 0 {
		if _, err := b.s.quiesce(ctx); err != nil {
			return r, err
		}
	}
	if err := b.readLateness(ctx, &r); err != nil {
		return r, err
	}
	if r.missing > 0 {
		r.missing = n - r.breaches
		for range r.missing {
			r.lateness = append(r.lateness, r.missingBound)
		}
	}
	if r.breaches+r.missing != n || (r.missing == 0 && r.breaches != n) {
		return r, fmt.Errorf("%d breaches recorded, want exactly %d", r.breaches, n)
	}
	if arm == armComplaintflow {
		if err := b.readEvents(ctx, &r); err != nil {
			return r, err
		}
		b.traceSlowest(ctx, &r)
	}
	return r, nil
}

// backlogs is the approximate number of workflow and of activity tasks waiting on
// the bench's task queue.
func (b *breachBench) backlogs(ctx context.Context) (wft, act int64, err error) {
	for _, typ := range []enumspb.TaskQueueType{enumspb.TASK_QUEUE_TYPE_WORKFLOW, enumspb.TASK_QUEUE_TYPE_ACTIVITY} {
		res, err := b.s.tc.WorkflowService().DescribeTaskQueue(ctx, &workflowservice.DescribeTaskQueueRequest{
			Namespace:     b.cfg.namespace,
			TaskQueue:     &taskqueuepb.TaskQueue{Name: b.cfg.taskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
			TaskQueueType: typ,
			ReportStats:   true,
		})
		if err != nil {
			return 0, 0, err
		}
		if typ == enumspb.TASK_QUEUE_TYPE_WORKFLOW {
			wft = res.GetStats().GetApproximateBacklogCount()
		} else {
			act = res.GetStats().GetApproximateBacklogCount()
		}
	}
	return wft, act, nil
}

// readEvents counts what the run's complaints recorded, by kind, and their notices:
// the work a breach comes with.
func (b *breachBench) readEvents(ctx context.Context, r *armResult) error {
	prefix := "bench-" + r.runID + "-%"
	var rows []struct {
		Kind string `db:"kind"`
		N    int    `db:"n"`
	}
	if err := b.db.SelectContext(ctx, &rows, `SELECT e.kind, count(*) AS n FROM complaint_events e
		JOIN complaints c ON c.id = e.complaint_id WHERE c.external_id LIKE $1 GROUP BY e.kind`, prefix); err != nil {
		return fmt.Errorf("count events: %w", err)
	}
	r.events = map[string]int{}
	for _, x := range rows {
		r.events[x.Kind] = x.N
	}
	if err := b.db.GetContext(ctx, &r.notifications, `SELECT count(*) FROM notifications n
		JOIN complaints c ON c.id = n.complaint_id WHERE c.external_id LIKE $1`, prefix); err != nil {
		return fmt.Errorf("count notifications: %w", err)
	}
	if err := b.db.GetContext(ctx, &r.lateWarnings, `SELECT count(*) FROM complaints c
		WHERE c.external_id LIKE $1 AND EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id
			AND e.kind = 'sla_warning' AND e.data->>'clock' = 'first_response' AND e.recorded_at > c.first_response_due_at)`, prefix); err != nil {
		return fmt.Errorf("count late warnings: %w", err)
	}
	return nil
}

// breachRow is one breach as read back, for -breach-csv.
type breachRow struct {
	key                  string
	due, fired, recorded time.Time // fired is zero when the arm has none
}
