package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// breachReport is the breach mode's result: every arm of every round.
type breachReport struct {
	cfg     config
	runID   string
	env     env
	code    string // the commit measured, and whether the tree had changes
	results []armResult
}

// codeState names the code under test; "" outside a git work tree. Read-only:
// GIT_OPTIONAL_LOCKS=0 keeps git status from refreshing the index.
func codeState() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	state := "commit " + strings.TrimSpace(string(out))
	cmd := exec.Command("git", "status", "--porcelain", "--untracked-files=no")
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
	if st, err := cmd.Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		state += " with uncommitted changes"
	}
	return state
}

var armTitles = map[string]string{
	armComplaintflow: "complaintflow: `ComplaintWorkflow` on the real worker, filed via `POST /v1/complaints`",
	armTimer:         "bare Temporal timer + one insert activity (the engine's floor)",
	armCron:          "cron poller: robfig/cron `" + cronSpec + "`, one SQL scan",
}

// armSummary is one arm over all rounds: per-round lateness and the medians.
type armSummary struct {
	rounds             []latencySummary
	cores              []float64
	p50, p90, p99, max time.Duration
}

func (r *breachReport) summary(arm string) armSummary {
	var s armSummary
	var p50, p90, p99, pmax []time.Duration
	for _, rr := range r.results {
		if rr.arm != arm {
			continue
		}
		lat := summarize(rr.lateness)
		s.rounds = append(s.rounds, lat)
		s.cores = append(s.cores, cores(rr.cpu.total(), rr.window))
		p50, p90, p99, pmax = append(p50, lat.p50), append(p90, lat.p90), append(p99, lat.p99), append(pmax, lat.pmax)
	}
	s.p50, s.p90, s.p99, s.max = medianDuration(p50), medianDuration(p90), medianDuration(p99), medianDuration(pmax)
	return s
}

func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func cores(cpu, wall time.Duration) float64 {
	if wall <= 0 {
		return 0
	}
	return cpu.Seconds() / wall.Seconds()
}

// ratioP99 is complaintflow's p99 over the bare timer's, of the medians over rounds.
func (r *breachReport) ratioP99() float64 {
	return ratio(r.summary(armComplaintflow).p99, r.summary(armTimer).p99)
}

func (r *breachReport) p99Met() bool {
	p99 := r.summary(armComplaintflow).p99
	return p99 > 0 && p99 <= breachTargetP99
}

func (r *breachReport) ratioMet() bool {
	q := r.ratioP99()
	return q == q && q <= breachTargetRatio
}

func (r *breachReport) command() string {
	c := r.cfg
	cmd := fmt.Sprintf("go run ./scripts/bench -mode breach -n %d -rounds %d -breach-rate %g -breach-first-response %s",
		c.n, c.rounds, c.breachRate, c.breachFirstResponse)
	if len(c.breachArms) != len(arms) {
		cmd += " -breach-arms " + strings.Join(c.breachArms, ",")
	}
	if c.warmup != 200 {
		cmd += fmt.Sprintf(" -warmup %d", c.warmup)
	}
	if c.breachWarnings != "50,75,90" {
		cmd += " -breach-warnings " + c.breachWarnings
	}
	if c.workerPollers > 0 {
		cmd += fmt.Sprintf(" -worker-pollers %d", c.workerPollers)
	}
	if c.taskTimeout > 0 {
		cmd += fmt.Sprintf(" -workflow-task-timeout %s", c.taskTimeout)
	}
	cmd += workerSizingArgs(c.worker)
	if c.breachOpen > 0 {
		cmd += fmt.Sprintf(" -breach-open %d -breach-open-rate %g", c.breachOpen, c.breachOpenRate)
	}
	cmd += c.schedFlags()
	if c.pgStatements > 0 {
		cmd += fmt.Sprintf(" -pg-statements %d", c.pgStatements)
	}
	return cmd + c.serverFlags()
}

// cpuCores formats CPU use over a window as cores, by process group.
func cpuCores(u cpuUsage, wall time.Duration) string {
	if len(u) == 0 || wall <= 0 {
		return "n/a"
	}
	var parts []string
	for _, g := range u.groups() {
		parts = append(parts, fmt.Sprintf("%s %.2f", g, cores(u[g], wall)))
	}
	return fmt.Sprintf("%.2f (%s)", cores(u.total(), wall), strings.Join(parts, ", "))
}

// sdkMeans formats the SDK's worker histograms over a window: mean schedule-to-start
// and execution time of workflow and activity tasks, and how many.
func sdkMeans(s sdkStats) string {
	msOf := func(h histogram) string {
		return fmt.Sprintf("%.1f", float64(h.mean())/float64(time.Millisecond))
	}
	if s["wft-exec"].count == 0 && s["act-exec"].count == 0 {
		return "-"
	}
	return fmt.Sprintf("WFT %s / %s ms ×%d (%d polled), act %s / %s ms ×%d, local activities %d run (%s ms), %d failed, %d cancelled, sticky cache %d hits / %d misses, %d workflow tasks failed, %d calls and %d polls to the server failed",
		msOf(s["wft-sched"]), msOf(s["wft-exec"]), s["wft-exec"].count, s["wft-polled"].count,
		msOf(s["act-sched"]), msOf(s["act-exec"]), s["act-exec"].count,
		s["la-total"].count, msOf(s["la-exec"]), s["la-failed"].count, s["la-canceled"].count,
		s["sticky-hit"].count, s["sticky-miss"].count, s["wft-failed"].count, s["request-failed"].count, s["poll-failed"].count)
}

// incomplete says an arm's percentiles are lower bounds.
func (rr armResult) incomplete(n int) string {
	return fmt.Sprintf("INCOMPLETE — %d of %d breaches not recorded by %s after the last deadline; they count as that late, so this arm's percentiles are lower bounds (and the worker was still busy when the next arm began)",
		rr.missing, n, fmtLate(rr.missingBound))
}

func p50p99(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	l := summarize(ds)
	return fmtLate(l.p50) + " / " + fmtLate(l.p99)
}

func scanList(scans []scanResult) string {
	var parts []string
	for _, s := range scans {
		if s.err != nil {
			parts = append(parts, fmt.Sprintf("%s error: %v", s.at.Format("15:04:05.000"), s.err))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d rows in %.0f ms", s.at.Format("15:04:05.000"), s.rows, float64(s.took)/float64(time.Millisecond)))
	}
	return strings.Join(parts, ", ")
}

func (r *breachReport) print(out io.Writer) {
	e, c := r.env, r.cfg
	fmt.Fprintf(out, "\n=== complaintflow breach-lateness benchmark — run %s ===\n\n", r.runID)
	fmt.Fprintf(out, "machine   %d CPUs (%s), GOMAXPROCS %d, %s %s\n", e.cpus, e.cpuModel, e.gomaxprocs, e.goVersion, e.platform)
	fmt.Fprintf(out, "servers   %s\n          %s\n", e.postgres, e.temporal)
	fmt.Fprintf(out, "load      %s\n", e.loadLine())
	if r.code != "" {
		fmt.Fprintf(out, "code      %s\n", r.code)
	}
	fmt.Fprintf(out, "in proc   API (net/http on 127.0.0.1, DB pool max %d), worker (service.NewWorker plus the bare timer workflow and activity, task queue %q, %s), load generator, cron poller\n",
		e.dbPool, c.taskQueue, workerSizingNote(c.worker))
	fmt.Fprintf(out, "policy    first response %s in every cell, resolution %s where the cell has one, warnings at %s %% (set by SQL; the ladder and the rest at their defaults)\n",
		c.breachFirstResponse, c.breachResolution, c.breachWarnings)
	fmt.Fprintf(out, "load      per arm %d deadlines, created open loop at %g/s, each due %s after it was created; arms one after another, after a warm-up of %d complaints and %d timers due in %s\n",
		c.n, c.breachRate, c.breachFirstResponse, c.warmup, c.warmup, warmupSLA)
	if c.breachOpen > 0 {
		fmt.Fprintf(out, "open      %d complaints filed through the API at %g/s before the arms, first-response SLA %s: open through the run\n", c.breachOpen, c.breachOpenRate, openSLA)
	}
	fmt.Fprintf(out, "lateness  breach row's recorded_at (PostgreSQL now()) − the deadline as stored; window = first deadline until all %d recorded\n\n", c.n)

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "round\tarm\topen at start\tcreated in\tmax send lag\tfirst deadline after\tbreaches\tp50\tp90\tp99\tmax\tmin\tmean\tdue→task p50/p99\ttask→recorded p50/p99\twindow\tCPU cores in window (by process)\tSDK in window: sched→start / exec (mean)\tmax backlog WFT / act")
	for _, rr := range r.results {
		lat := summarize(rr.lateness)
		fmt.Fprintf(tw, "%d\t%s\t%d\t%.1fs\t%s\t%.1fs\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1fs\t%s\t%s\t%s\n",
			rr.round, rr.arm, rr.openAtStart, rr.load.elapsed.Seconds(), ms(rr.load.maxLag), rr.margin.Seconds(), rr.breaches,
			fmtLate(lat.p50), fmtLate(lat.p90), fmtLate(lat.p99), fmtLate(lat.pmax), fmtLate(slices.Min(rr.lateness)), fmtLate(lat.mean),
			p50p99(rr.toTask), p50p99(rr.toRecorded), rr.window.Seconds(), cpuCores(rr.cpu, rr.window), sdkMeans(rr.sdk), backlog(rr))
	}
	tw.Flush()
	for _, rr := range r.results {
		if rr.missing > 0 {
			fmt.Fprintf(out, "round %d %s: %s\n", rr.round, rr.arm, rr.incomplete(c.n))
		}
	}
	for _, rr := range r.results {
		switch rr.arm {
		case armCron:
			fmt.Fprintf(out, "round %d cron scans (%s local): %s\n", rr.round, cronSpec, scanList(rr.scans))
		case armComplaintflow:
			fmt.Fprintf(out, "round %d complaintflow recorded: %s; %d complaints had a first-response warning recorded only after their deadline\n",
				rr.round, eventList(rr), rr.lateWarnings)
		}
		if rr.arm != armCron {
			fmt.Fprintf(out, "round %d %s, Temporal timer queue in the window: %s\n", rr.round, rr.arm, rr.timerQueue.describe())
			fmt.Fprintf(out, "round %d %s, PostgreSQL in the window: %s\n", rr.round, rr.arm, rr.dbWaits.describe())
			if rr.pgCPU.total() > 0 { // a private PostgreSQL
				fmt.Fprintf(out, "round %d %s, PostgreSQL CPU ms per deadline in the window by database: %s\n", rr.round, rr.arm, pgPer(rr.pgCPU, rr.breaches))
			}
			fmt.Fprintf(out, "round %d %s, PostgreSQL sessions opened in the window: %s\n", rr.round, rr.arm, rr.sessions)
		}
		if rr.txGoroutines.dumps > 0 {
			fmt.Fprintf(out, "round %d %s, the Temporal server's goroutines: %s\n", rr.round, rr.arm, rr.txGoroutines.describe())
		}
		if rr.window > 0 {
			fmt.Fprintf(out, "round %d %s, waiting for a core in the window: %s\n", rr.round, rr.arm, rr.coreWait.describe(rr.window))
		}
		if rr.arm != armCron {
			fmt.Fprintf(out, "round %d %s, the worker in the window: %s\n", rr.round, rr.arm, rr.workerLoad.describe())
		}
	}
	fmt.Fprintln(out)
	for _, arm := range r.arms() {
		s := r.summary(arm)
		fmt.Fprintf(out, "%-13s median of %d round(s): p50 %s, p90 %s, p99 %s, max %s\n", arm, len(s.rounds),
			fmtLate(s.p50), fmtLate(s.p90), fmtLate(s.p99), fmtLate(s.max))
	}
	if r.has(armComplaintflow) {
		fmt.Fprintf(out, "target    complaintflow p99 %s ≤ %s: %s\n", fmtLate(r.summary(armComplaintflow).p99), fmtLate(breachTargetP99), verdict(r.p99Met()))
	}
	if r.has(armComplaintflow) && r.has(armTimer) {
		fmt.Fprintf(out, "target    complaintflow p99 / bare timer p99 = %.2f ≤ %.1f: %s\n", r.ratioP99(), breachTargetRatio, verdict(r.ratioMet()))
	}
	fmt.Fprintf(out, "\n--- Markdown ---\n\n%s", r.markdown())
}

// openCounts lists the complaints open as each arm started, in run order.
func (r *breachReport) openCounts() string {
	var parts []string
	for _, rr := range r.results {
		parts = append(parts, fmt.Sprintf("%s %d", armTitles[rr.arm], rr.openAtStart))
	}
	return strings.Join(parts, ", ")
}

func (r *breachReport) markdown() string {
	var b strings.Builder
	e, c := r.env, r.cfg
	present := r.arms()
	sums := map[string]armSummary{}
	for _, a := range present {
		sums[a] = r.summary(a)
	}
	fmt.Fprintf(&b, "Breach-lateness benchmark (`%s`), run %s: per arm %d deadlines, created open loop at %g/s (a %s spread), each due %s after it was created "+
		"(complaintflow: first-response SLA %s in every policy cell, set by SQL; pre-breach warnings at %s %%; the escalation ladder at its defaults, level 1 at the breach). "+
		"Lateness = the breach row's `recorded_at` − the deadline as stored, both in PostgreSQL. The arms ran one after another on the same servers and worker, after a warm-up of %d complaints and %d timers due in %s.\n\n",
		r.command(), r.runID, c.n, c.breachRate, (time.Duration(float64(c.n) / c.breachRate * float64(time.Second))).Round(time.Second),
		c.breachFirstResponse, c.breachFirstResponse, c.breachWarnings, c.warmup, c.warmup, warmupSLA)
	if c.breachOpen > 0 {
		fmt.Fprintf(&b, "Before the arms, %d complaints were filed through the API at %g/s with a %s first-response SLA; they stayed open through the run, so each arm met servers and tables holding them (open complaints at each arm's start: %s).\n\n",
			c.breachOpen, c.breachOpenRate, openSLA, r.openCounts())
	}
	code := ""
	if r.code != "" {
		code = " Code: " + r.code + "."
	}
	fmt.Fprintf(&b, "Machine: %d CPUs (%s), GOMAXPROCS %d, %s %s; %s; %s. Everything — load generator, API, worker, poller and both servers — shares this machine; %s.%s\n\n",
		e.cpus, e.cpuModel, e.gomaxprocs, e.goVersion, e.platform, e.postgres, e.temporal, e.loadLine(), code)
	rounds := ""
	if c.rounds > 1 {
		rounds = fmt.Sprintf(" (median of %d rounds; per round)", c.rounds)
	}
	line := func(name string, cells func(arm string) string, target string) {
		fmt.Fprintf(&b, "| %s |", name)
		for _, a := range present {
			fmt.Fprintf(&b, " %s |", cells(a))
		}
		fmt.Fprintf(&b, " %s |\n", target)
	}
	line("Lateness, deadline → breach in PostgreSQL"+rounds, func(a string) string { return armTitles[a] }, "target")
	line("---", func(string) string { return "---" }, "---")
	line("Breaches recorded", r.breachCounts, fmt.Sprintf("exactly %d each", c.n))
	row := func(name string, pick func(latencySummary) time.Duration, med func(armSummary) time.Duration, bold bool, target string) {
		cell := func(s armSummary, strong bool) string {
			v := fmtLate(med(s))
			if strong {
				v = "**" + v + "**"
			}
			if len(s.rounds) > 1 {
				var per []string
				for _, l := range s.rounds {
					per = append(per, fmtLate(pick(l)))
				}
				v += " (" + strings.Join(per, " / ") + ")"
			}
			return v
		}
		line(name, func(a string) string { return cell(sums[a], bold && a == armComplaintflow) }, target)
	}
	row("p50", func(l latencySummary) time.Duration { return l.p50 }, func(s armSummary) time.Duration { return s.p50 }, false, "")
	row("p90", func(l latencySummary) time.Duration { return l.p90 }, func(s armSummary) time.Duration { return s.p90 }, false, "")
	p99Target := ""
	if r.has(armComplaintflow) {
		p99Target = fmt.Sprintf("complaintflow ≤ %s — **%s**", fmtLate(breachTargetP99), verdict(r.p99Met()))
	}
	row("p99", func(l latencySummary) time.Duration { return l.p99 }, func(s armSummary) time.Duration { return s.p99 }, true, p99Target)
	row("max", func(l latencySummary) time.Duration { return l.pmax }, func(s armSummary) time.Duration { return s.max }, false, "")
	if r.has(armTimer) {
		ratioTarget := ""
		if r.has(armComplaintflow) {
			ratioTarget = fmt.Sprintf("complaintflow ≤ %.1f — **%s**", breachTargetRatio, verdict(r.ratioMet()))
		}
		line("p99 ÷ bare-timer p99", func(a string) string {
			v := fmt.Sprintf("%.2f", ratio(sums[a].p99, sums[armTimer].p99))
			if a == armComplaintflow {
				v = "**" + v + "**"
			}
			return v
		}, ratioTarget)
	}
	line(fmt.Sprintf("CPU from the first deadline until all recorded (cores of %d)", e.cpus),
		func(a string) string { return fmtCores(sums[a].cores) }, "")
	for _, rr := range r.results {
		if rr.missing > 0 {
			fmt.Fprintf(&b, "\n**%s, round %d: %s.**\n", rr.arm, rr.round, rr.incomplete(c.n))
		}
		switch rr.arm {
		case armCron:
			fmt.Fprintf(&b, "\nCron scans, round %d (deadlines %s–%s local): %s.\n", rr.round,
				rr.firstDue.Local().Format("15:04:05"), rr.lastDue.Local().Format("15:04:05"), scanList(rr.scans))
		case armComplaintflow:
			fmt.Fprintf(&b, "\nComplaintflow, round %d: %s; %d complaints had a first-response warning recorded only after their deadline. "+
				"In the window the SDK saw %s (mean schedule-to-start / execution), up to %s tasks waited on the task queue (workflow / activity), "+
				"and the Temporal server's timer queue had %s. PostgreSQL: %s; its CPU, ms per deadline by database: %s; sessions opened: %s. Waiting for a core: %s. The worker: %s.\n",
				rr.round, eventList(rr), rr.lateWarnings, sdkMeans(rr.sdk), backlog(rr), rr.timerQueue.describe(), rr.dbWaits.describe(),
				pgPer(rr.pgCPU, rr.breaches), rr.sessions, rr.coreWait.describe(rr.window), rr.workerLoad.describe())
			if rr.txGoroutines.dumps > 0 {
				fmt.Fprintf(&b, "\nThe Temporal server's goroutines, round %d: %s.\n", rr.round, rr.txGoroutines.describe())
			}
			if len(rr.traces) > 0 {
				fmt.Fprintf(&b, "\nThe latest breaches of round %d, their workflow tasks from 31 s before the deadline on (seconds after it):\n\n", rr.round)
				for _, t := range rr.traces {
					fmt.Fprintf(&b, "- %s\n", t)
				}
			}
		case armTimer:
			fmt.Fprintf(&b, "\nBare timer, round %d: the SDK saw %s; the timer queue had %s; PostgreSQL: %s; its CPU, ms per deadline by database: %s; sessions opened: %s; waiting for a core: %s; the worker: %s.\n",
				rr.round, sdkMeans(rr.sdk), rr.timerQueue.describe(), rr.dbWaits.describe(), pgPer(rr.pgCPU, rr.breaches), rr.sessions, rr.coreWait.describe(rr.window), rr.workerLoad.describe())
		}
		if len(rr.statements) > 0 {
			fmt.Fprintf(&b, "\nPostgreSQL's costliest statements in round %d's %s window (pg_stat_statements):\n\n%s", rr.round, rr.arm, describeStatements(rr.statements))
		}
	}
	return b.String()
}

// arms are the arms that ran, in report order.
func (r *breachReport) arms() []string {
	var out []string
	for _, a := range arms {
		if r.has(a) {
			out = append(out, a)
		}
	}
	return out
}

func (r *breachReport) has(arm string) bool {
	for _, rr := range r.results {
		if rr.arm == arm {
			return true
		}
	}
	return false
}

func backlog(rr armResult) string {
	if rr.arm == armCron {
		return "-"
	}
	return fmt.Sprintf("%d / %d", rr.maxBacklogWFT, rr.maxBacklogAct)
}

// eventList is what the complaintflow arm's complaints recorded, by kind.
func eventList(rr armResult) string {
	kinds := make([]string, 0, len(rr.events))
	for k := range rr.events {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, rr.events[k]))
	}
	return fmt.Sprintf("events %s; notifications %d", strings.Join(parts, ", "), rr.notifications)
}

func (r *breachReport) breachCounts(arm string) string {
	var ns []string
	for _, rr := range r.results {
		if rr.arm == arm {
			ns = append(ns, fmt.Sprint(rr.breaches))
		}
	}
	return strings.Join(ns, " / ")
}

func fmtCores(cs []float64) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%.2f", c))
	}
	return strings.Join(parts, " / ")
}

// fmtLate formats a lateness: milliseconds under a second, seconds above.
func fmtLate(d time.Duration) string {
	if d < time.Second && d > -time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// ratio is a/b, NaN when b is zero.
func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// writeCSV writes every breach of every arm and round.
func writeCSV(path string, results []armResult) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"round", "arm", "key", "due_at", "fired_at", "recorded_at", "lateness_ms"})
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	for _, r := range results {
		for _, x := range r.rows {
			_ = w.Write([]string{strconv.Itoa(r.round), r.arm, x.key, stamp(x.due), stamp(x.fired), stamp(x.recorded),
				strconv.FormatFloat(float64(x.recorded.Sub(x.due))/float64(time.Millisecond), 'f', 3, 64)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
