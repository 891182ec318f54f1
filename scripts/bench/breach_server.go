package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The Temporal dev server's own metrics show where a timer waits inside the server:
// its timer queue loads due tasks (user timers, and the workflow-task and activity
// timeouts every task schedules) with reader 0, and moves a range it is stuck on to
// a slower reader. Read only from a private server: the dev server's log names the
// URL; the real server serves it where the bench configured it.

// timerQueueStats are counters of the history service's timer queue and of the
// server's parts a wake-up passes through, from its Prometheus metrics.
type timerQueueStats struct {
	// Summed samples by serverCounters' key.
	c map[string]float64
	// By timer task type (user timer, workflow-task timeout, activity timeout) and
	// queue reader: tasks loaded and their summed load latency (seconds from due to
	// loaded).
	loaded  map[[2]string]float64
	loadSum map[[2]string]float64
}

var (
	userTimerLabels    = map[string]string{"task_type": "TimerActiveTaskUserTimer", "namespace": "default"}
	historyLabels      = map[string]string{"service_name": "history"}
	mutableStateLabels = map[string]string{"cache_type": "mutablestate"}
	taskTimeoutLabels  = map[string]string{"operation": "TimerActiveTaskWorkflowTaskTimeout", "namespace": "default"}
	transferTaskLabels = map[string]string{"task_type": "TransferActiveTaskWorkflowTask", "namespace": "default"}
	workflowPollLabels = map[string]string{"service_name": "matching", "task_type": "Workflow", "namespace": "default"}
	// Matching asking history to record a workflow task as started, for a poller.
	recordStartLabels = map[string]string{"operation": "HistoryClientRecordWorkflowTaskStarted", "service_name": "matching"}
)

// serverCounters are the samples summed as they are: a key, the metric's name, and
// the labels a sample must carry.
var serverCounters = []struct {
	key, name string
	labels    map[string]string
}{
	{"readerStuck", "queue_actions", map[string]string{"operation": "TimerQueueProcessor", "queue_action": "reader_stuck"}},
	// User timers processed and their summed queue latency (seconds from due to
	// processed: loading, waiting in the scheduler, running the task).
	{"userTimers", "task_latency_queue_count", userTimerLabels},
	{"userTimerSum", "task_latency_queue_sum", userTimerLabels},
	// The history service's persistence calls and their summed latency (seconds):
	// how fast its database answers.
	{"persistence", "persistence_latency_count", historyLabels},
	{"persistenceSum", "persistence_latency_sum", historyLabels},
	// A history shard lets history.shardIOConcurrency writes at a time reach the
	// database (its I/O semaphore): the writes, their summed wait for a turn, and
	// those that waited no more than 1 s.
	{"shardIO", "semaphore_latency_count", map[string]string{"operation": "ShardInfo"}},
	{"shardIOSum", "semaphore_latency_sum", map[string]string{"operation": "ShardInfo"}},
	{"shardIOWithin1s", "semaphore_latency_bucket", map[string]string{"operation": "ShardInfo", "le": "1"}},
	// The history service's workflow cache: lookups, and those that missed and so
	// read the workflow's mutable state back from the database.
	{"cacheRequests", "cache_requests", mutableStateLabels},
	{"cacheMisses", "cache_miss", mutableStateLabels},
	// Workflow tasks that timed out: started but not completed within the task
	// timeout (a worker that took a task and never answered), or not picked up from
	// a worker's sticky queue in time (then moved to the shared queue).
	{"taskStartToClose", "start_to_close_timeout", taskTimeoutLabels},
	{"taskScheduleToStart", "schedule_to_start_timeout", taskTimeoutLabels},
	// A scheduled workflow task's transfer task: from written to done (loading,
	// waiting, and processing: handing the task to matching, which for a task
	// matched to a waiting poller includes recording its start).
	{"transferTasks", "task_latency_queue_count", transferTaskLabels},
	{"transferTaskSum", "task_latency_queue_sum", transferTaskLabels},
	{"transferTaskProcessingSum", "task_latency_processing_sum", transferTaskLabels},
	// Workflow tasks matching handed to pollers, and those handed straight to a
	// waiting poller rather than from the task queue's backlog.
	{"polled", "poll_success", workflowPollLabels},
	{"polledSync", "poll_success_sync", workflowPollLabels},
	// Starts matching asked history to record, those that failed, and those within
	// 1 s: a task matched to a waiting poller gets 1 s, after which matching drops
	// it while history may still record it — a start no worker receives.
	{"recordStarts", "client_latency_count", recordStartLabels},
	{"recordStartsFailed", "client_errors", recordStartLabels},
	{"recordStartsWithin1s", "client_latency_bucket", map[string]string{"operation": "HistoryClientRecordWorkflowTaskStarted", "service_name": "matching", "le": "1"}},
}

var metricsURLPattern = regexp.MustCompile(`Metrics:\s+(http://\S+/metrics)`)

// temporalMetricsURL is the private server's metrics URL: the real server's as
// configured, the dev server's from its log.
func (s *stack) temporalMetricsURL() string {
	if s.temporal == nil {
		return ""
	}
	if url := s.temporal.MetricsURL(); url != "" {
		return url
	}
	raw, err := os.ReadFile(s.temporal.LogFile())
	if err != nil {
		return ""
	}
	if m := metricsURLPattern.FindSubmatch(raw); m != nil {
		return string(m[1])
	}
	return ""
}

// scrapeTimerQueue reads the timer queue's counters; nil when there is no URL or
// the scrape fails (the report then says n/a).
func scrapeTimerQueue(ctx context.Context, url string) *timerQueueStats {
	st := &timerQueueStats{c: map[string]float64{}, loaded: map[[2]string]float64{}, loadSum: map[[2]string]float64{}}
	err := eachSample(ctx, url, func(name string, labels map[string]string, value float64) {
		for _, c := range serverCounters {
			if name == c.name && hasLabels(labels, c.labels) {
				st.c[c.key] += value
			}
		}
		// Timer tasks loaded, by type and reader.
		typ := labels["task_type"]
		if (name != "task_latency_load_count" && name != "task_latency_load_sum") ||
			!strings.HasPrefix(typ, "TimerActiveTask") || labels["namespace"] != "default" {
			return
		}
		key := [2]string{strings.TrimPrefix(typ, "TimerActiveTask"), labels["queue_reader_id"]}
		if name == "task_latency_load_count" {
			st.loaded[key] += value
		} else {
			st.loadSum[key] += value
		}
	})
	if err != nil {
		return nil
	}
	return st
}

// eachSample scrapes a Prometheus text exposition and calls fn with every sample.
func eachSample(ctx context.Context, url string, fn func(name string, labels map[string]string, value float64)) error {
	if url == "" {
		return errors.New("no metrics URL")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d", url, res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if name, labels, value, ok := parseSample(sc.Text()); ok {
			fn(name, labels, value)
		}
	}
	return sc.Err()
}

// hasLabels reports whether a sample carries every one of want's labels.
func hasLabels(labels, want map[string]string) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// parseSample parses one line of the Prometheus text format, for the simple label
// values the server uses (no quotes, commas or escapes inside them).
func parseSample(line string) (string, map[string]string, float64, bool) {
	if line == "" || line[0] == '#' {
		return "", nil, 0, false
	}
	sp := strings.LastIndexByte(line, ' ')
	if sp < 0 {
		return "", nil, 0, false
	}
	value, err := strconv.ParseFloat(line[sp+1:], 64)
	if err != nil {
		return "", nil, 0, false
	}
	series := line[:sp]
	name, rest, found := strings.Cut(series, "{")
	labels := map[string]string{}
	if found {
		for _, kv := range strings.Split(strings.TrimSuffix(rest, "}"), ",") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				labels[k] = strings.Trim(v, `"`)
			}
		}
	}
	return name, labels, value, true
}

func (t *timerQueueStats) sub(before *timerQueueStats) *timerQueueStats {
	if t == nil || before == nil {
		return nil
	}
	out := &timerQueueStats{c: map[string]float64{}, loaded: map[[2]string]float64{}, loadSum: map[[2]string]float64{}}
	for k, v := range t.c {
		out.c[k] = v - before.c[k]
	}
	for k, v := range t.loaded {
		out.loaded[k] = v - before.loaded[k]
	}
	for k, v := range t.loadSum {
		out.loadSum[k] = v - before.loadSum[k]
	}
	return out
}

// tasks is how many timer tasks of a type (UserTimer, WorkflowTaskTimeout,
// ActivityTimeout) were loaded, by any reader.
func (t *timerQueueStats) tasks(typ string) float64 {
	var n float64
	for k, v := range t.loaded {
		if k[0] == typ {
			n += v
		}
	}
	return n
}

// lateUserTimers is how many user timers a reader other than the default one
// loaded (a range split off as stuck), and their mean load latency.
func (t *timerQueueStats) lateUserTimers() (float64, time.Duration) {
	var n, sum float64
	for k, v := range t.loaded {
		if k[0] == "UserTimer" && k[1] != "0" {
			n += v
			sum += t.loadSum[k]
		}
	}
	if n == 0 {
		return 0, 0
	}
	return n, time.Duration(sum / n * float64(time.Second))
}

// describe is the timer queue's work over a window, for the report.
func (t *timerQueueStats) describe() string {
	if t == nil {
		return "n/a"
	}
	late, mean := t.lateUserTimers()
	meanMS := func(sum, n float64) float64 {
		if n == 0 {
			return 0
		}
		return sum / n * 1000
	}
	c := t.c
	return fmt.Sprintf("%.0f user timers, %.0f workflow-task and %.0f activity timeouts loaded; reader stuck %.0f×; %.0f user timers loaded by a split-off reader, %.1f s after due on average; user timers due → processed %.0f ms on average; %.0f history persistence calls, %.1f ms on average; %.0f shard writes waited %.1f ms on average for their shard's turn, %.0f over 1 s; %.0f of %.0f workflow-cache lookups missed; %.0f workflow tasks handed to matching %.0f ms after they were written on average (%.0f ms of it handing over); %s",
		t.tasks("UserTimer"), t.tasks("WorkflowTaskTimeout"), t.tasks("ActivityTimeout"), c["readerStuck"], late, mean.Seconds(),
		meanMS(c["userTimerSum"], c["userTimers"]), c["persistence"], meanMS(c["persistenceSum"], c["persistence"]),
		c["shardIO"], meanMS(c["shardIOSum"], c["shardIO"]), c["shardIO"]-c["shardIOWithin1s"], c["cacheMisses"], c["cacheRequests"],
		c["transferTasks"], meanMS(c["transferTaskSum"], c["transferTasks"]), meanMS(c["transferTaskProcessingSum"], c["transferTasks"]), t.describeStarts())
}

// describeStarts is how matching handed workflow tasks out and how many starts
// were lost on the way (a start-to-close timeout of a task no worker had).
func (t *timerQueueStats) describeStarts() string {
	if t == nil {
		return "n/a"
	}
	c := t.c
	return fmt.Sprintf("matching gave pollers %.0f workflow tasks, %.0f of them straight from history; matching asked history to record %.0f workflow-task starts, %.0f failed, %.0f took over 1 s; workflow tasks timed out: %.0f start-to-close, %.0f sticky schedule-to-start",
		c["polled"], c["polledSync"], c["recordStarts"], c["recordStartsFailed"], c["recordStarts"]-c["recordStartsWithin1s"], c["taskStartToClose"], c["taskScheduleToStart"])
}
