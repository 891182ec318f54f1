package main

// What the stack's metrics registry says: the Temporal SDK's worker and client
// metrics and the API's own, read as counts and sums for a window's figures.

import (
	"fmt"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// taskCounts is how many tasks the worker has executed, by kind, from the Temporal
// SDK's own metrics.
type taskCounts struct{ workflow, activity, local float64 }

func (c taskCounts) total() float64 { return c.workflow + c.activity + c.local }

func (c taskCounts) sub(o taskCounts) taskCounts {
	return taskCounts{c.workflow - o.workflow, c.activity - o.activity, c.local - o.local}
}

// workerTaskCounts reads taskCounts from the stack's registry.
func (s *stack) workerTaskCounts() (taskCounts, error) {
	families, err := s.metrics.Registry.Gather()
	if err != nil {
		return taskCounts{}, err
	}
	var c taskCounts
	for _, f := range families {
		var into *float64
		switch name := f.GetName(); {
		case strings.Contains(name, "workflow_task_execution_latency"):
			into = &c.workflow
		case strings.Contains(name, "local_activity_execution_latency"):
			into = &c.local
		case strings.Contains(name, "activity_execution_latency"):
			into = &c.activity
		default:
			continue
		}
		for _, m := range f.GetMetric() {
			*into += float64(sampleCount(m))
		}
	}
	return c, nil
}

// workerTasks is how many workflow and activity tasks the worker has executed.
func (s *stack) workerTasks() (float64, error) {
	c, err := s.workerTaskCounts()
	return c.total(), err
}

func sampleCount(m *dto.Metric) uint64 {
	if h := m.GetHistogram(); h != nil {
		return h.GetSampleCount()
	}
	if c := m.GetCounter(); c != nil {
		return uint64(c.GetValue())
	}
	return 0
}

// histogram is a count and sum read from the metrics registry.
type histogram struct {
	count uint64
	sum   float64
}

func (h histogram) sub(before histogram) histogram {
	return histogram{count: h.count - before.count, sum: h.sum - before.sum}
}

// mean is the mean observation, in the histogram's unit (seconds) as a Duration.
func (h histogram) mean() time.Duration {
	if h.count == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.count) * float64(time.Second))
}

// timings are the histograms that split an intake request's time: the API
// handler's own latency and the SDK's StartWorkflowExecution calls.
type timings struct {
	handler, start histogram
}

func (t timings) sub(before timings) timings {
	return timings{handler: t.handler.sub(before.handler), start: t.start.sub(before.start)}
}

func (s *stack) timings() timings {
	var t timings
	families, err := s.metrics.Registry.Gather()
	if err != nil {
		return t
	}
	for _, f := range families {
		switch name := f.GetName(); {
		case name == "complaintflow_http_request_duration_seconds":
			for _, m := range f.GetMetric() {
				if label(m, "route") == "POST /v1/complaints" {
					t.handler.count += m.GetHistogram().GetSampleCount()
					t.handler.sum += m.GetHistogram().GetSampleSum()
				}
			}
		case strings.HasPrefix(name, "temporal_request_latency"):
			for _, m := range f.GetMetric() {
				if label(m, "operation") == "StartWorkflowExecution" {
					t.start.count += m.GetHistogram().GetSampleCount()
					t.start.sum += m.GetHistogram().GetSampleSum()
				}
			}
		}
	}
	return t
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// sdkStats are the Temporal SDK's worker histograms (count and sum), by short name.
type sdkStats map[string]histogram

var sdkHistograms = []struct{ key, prefix string }{
	{"la-exec", "temporal_local_activity_execution_latency"},
	{"wft-sched", "temporal_workflow_task_schedule_to_start_latency"},
	{"wft-exec", "temporal_workflow_task_execution_latency"},
	{"act-sched", "temporal_activity_schedule_to_start_latency"},
	{"act-exec", "temporal_activity_execution_latency"},
}

// sdkCounters are counters kept as a histogram's count: the sticky cache's hits
// and misses (a miss replays the workflow's whole history), workflow tasks that
// failed in the worker, and failed calls to the server (long polls apart): a
// task whose completion did not reach the server waits out its timeout.
var sdkCounters = []struct{ key, prefix string }{
	{"sticky-hit", "temporal_sticky_cache_hit"},
	{"sticky-miss", "temporal_sticky_cache_miss"},
	{"wft-failed", "temporal_workflow_task_execution_failed"},
	{"request-failed", "temporal_request_failure"},
	{"poll-failed", "temporal_long_request_failure"},
	{"wft-polled", "temporal_workflow_task_queue_poll_succeed"},
	{"la-total", "temporal_local_activity_total"},
	{"la-failed", "temporal_local_activity_execution_failed"},
	{"la-canceled", "temporal_local_activity_execution_cancelled"},
}

func (s *stack) sdkStats() sdkStats {
	out := sdkStats{}
	families, err := s.metrics.Registry.Gather()
	if err != nil {
		return out
	}
	for _, f := range families {
		for _, c := range sdkCounters {
			if strings.HasPrefix(f.GetName(), c.prefix) {
				acc := out[c.key]
				for _, m := range f.GetMetric() {
					acc.count += uint64(m.GetCounter().GetValue())
				}
				out[c.key] = acc
			}
		}
		for _, h := range sdkHistograms {
			if !strings.HasPrefix(f.GetName(), h.prefix) {
				continue
			}
			acc := out[h.key]
			for _, m := range f.GetMetric() {
				acc.count += m.GetHistogram().GetSampleCount()
				acc.sum += m.GetHistogram().GetSampleSum()
			}
			out[h.key] = acc
		}
	}
	return out
}

func (u sdkStats) sub(before sdkStats) sdkStats {
	out := sdkStats{}
	for k, v := range u {
		out[k] = v.sub(before[k])
	}
	return out
}

// workerLoad is what the worker had going at once over a window, from the SDK's
// gauges sampled with the task-queue backlog: its workflow-task pollers (the
// normal and sticky queues') and its workflow-task slots in use — how much of the
// server's and the machine's work the worker's sizes let in at a time.
type workerLoad struct {
	samples              int
	pollers, slots       float64 // sums over the samples
	maxPollers, maxSlots float64
}

func (s *stack) sampleWorkerLoad(w *workerLoad) {
	families, err := s.metrics.Registry.Gather()
	if err != nil {
		return
	}
	var pollers, slots float64
	for _, f := range families {
		for _, m := range f.GetMetric() {
			switch {
			case strings.HasPrefix(f.GetName(), "temporal_num_pollers"):
				if t := label(m, "poller_type"); t == "workflow_task" || t == "workflow_sticky_task" {
					pollers += m.GetGauge().GetValue()
				}
			case strings.HasPrefix(f.GetName(), "temporal_worker_task_slots_used"):
				if label(m, "worker_type") == "WorkflowWorker" {
					slots += m.GetGauge().GetValue()
				}
			}
		}
	}
	w.samples++
	w.pollers, w.slots = w.pollers+pollers, w.slots+slots
	w.maxPollers, w.maxSlots = max(w.maxPollers, pollers), max(w.maxSlots, slots)
}

func (w workerLoad) describe() string {
	if w.samples == 0 {
		return "not sampled"
	}
	n := float64(w.samples)
	return fmt.Sprintf("workflow-task pollers %.1f on average (max %.0f), workflow-task slots in use %.1f (max %.0f), %d samples",
		w.pollers/n, w.maxPollers, w.slots/n, w.maxSlots, w.samples)
}
