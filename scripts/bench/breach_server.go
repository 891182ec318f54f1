package main

import (
	"bufio"
	"context"
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

// timerQueueStats are counters of the history service's timer queue.
type timerQueueStats struct {
	readerStuck float64
	// By timer task type (user timer, workflow-task timeout, activity timeout) and
	// queue reader: tasks loaded and their summed load latency (seconds from due to
	// loaded).
	loaded  map[[2]string]float64
	loadSum map[[2]string]float64
	// User timers processed and their summed queue latency (seconds from due to
	// processed: loading, waiting in the scheduler, running the task).
	userTimers, userTimerSum float64
	// The history service's persistence calls and their summed latency (seconds):
	// how fast its database answers.
	persistence, persistenceSum float64
	// The history service's workflow cache: lookups, and those that missed and so
	// read the workflow's mutable state back from the database.
	cacheRequests, cacheMisses float64
	// Workflow tasks that timed out: started but not completed within the task
	// timeout (a worker that took a task and never answered), or not picked up from
	// a worker's sticky queue in time (then moved to the shared queue).
	taskStartToClose, taskScheduleToStart float64
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
	if url == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil
	}
	st := &timerQueueStats{loaded: map[[2]string]float64{}, loadSum: map[[2]string]float64{}}
	userTimers := map[string]string{"task_type": "TimerActiveTaskUserTimer", "namespace": "default"}
	history := map[string]string{"service_name": "history"}
	mutableState := map[string]string{"cache_type": "mutablestate"}
	taskTimeouts := map[string]string{"operation": "TimerActiveTaskWorkflowTaskTimeout", "namespace": "default"}
	// The samples summed as they are: a name, the labels a sample must carry, and
	// the counter it adds to.
	counters := []struct {
		name   string
		labels map[string]string
		to     *float64
	}{
		{"queue_actions", map[string]string{"operation": "TimerQueueProcessor", "queue_action": "reader_stuck"}, &st.readerStuck},
		{"task_latency_queue_count", userTimers, &st.userTimers},
		{"task_latency_queue_sum", userTimers, &st.userTimerSum},
		{"persistence_latency_count", history, &st.persistence},
		{"persistence_latency_sum", history, &st.persistenceSum},
		{"cache_requests", mutableState, &st.cacheRequests},
		{"cache_miss", mutableState, &st.cacheMisses},
		{"start_to_close_timeout", taskTimeouts, &st.taskStartToClose},
		{"schedule_to_start_timeout", taskTimeouts, &st.taskScheduleToStart},
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		name, labels, value, ok := parseSample(sc.Text())
		if !ok {
			continue
		}
		for _, c := range counters {
			if name == c.name && hasLabels(labels, c.labels) {
				*c.to += value
			}
		}
		// Timer tasks loaded, by type and reader.
		typ := labels["task_type"]
		if (name != "task_latency_load_count" && name != "task_latency_load_sum") ||
			!strings.HasPrefix(typ, "TimerActiveTask") || labels["namespace"] != "default" {
			continue
		}
		key := [2]string{strings.TrimPrefix(typ, "TimerActiveTask"), labels["queue_reader_id"]}
		if name == "task_latency_load_count" {
			st.loaded[key] += value
		} else {
			st.loadSum[key] += value
		}
	}
	if sc.Err() != nil {
		return nil
	}
	return st
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
	out := &timerQueueStats{readerStuck: t.readerStuck - before.readerStuck, loaded: map[[2]string]float64{}, loadSum: map[[2]string]float64{},
		userTimers: t.userTimers - before.userTimers, userTimerSum: t.userTimerSum - before.userTimerSum,
		persistence: t.persistence - before.persistence, persistenceSum: t.persistenceSum - before.persistenceSum,
		cacheRequests: t.cacheRequests - before.cacheRequests, cacheMisses: t.cacheMisses - before.cacheMisses,
		taskStartToClose: t.taskStartToClose - before.taskStartToClose, taskScheduleToStart: t.taskScheduleToStart - before.taskScheduleToStart}
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
	return fmt.Sprintf("%.0f user timers, %.0f workflow-task and %.0f activity timeouts loaded; reader stuck %.0f×; %.0f user timers loaded by a split-off reader, %.1f s after due on average; user timers due → processed %.0f ms on average; %.0f history persistence calls, %.1f ms on average; %.0f of %.0f workflow-cache lookups missed; workflow tasks timed out: %.0f start-to-close, %.0f sticky schedule-to-start",
		t.tasks("UserTimer"), t.tasks("WorkflowTaskTimeout"), t.tasks("ActivityTimeout"), t.readerStuck, late, mean.Seconds(),
		meanMS(t.userTimerSum, t.userTimers), t.persistence, meanMS(t.persistenceSum, t.persistence), t.cacheMisses, t.cacheRequests, t.taskStartToClose, t.taskScheduleToStart)
}
