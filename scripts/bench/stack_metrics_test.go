package main

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/internal/telemetry"
)

// The worker's load counts the workflow-task pollers of both queues and the
// workflow worker's slots, not the activity side's.
func TestWorkerLoadReadsTheSDKGauges(t *testing.T) {
	reg := prometheus.NewRegistry()
	pollers := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "temporal_num_pollers"}, []string{"poller_type"})
	slots := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "temporal_worker_task_slots_used"}, []string{"worker_type"})
	reg.MustRegister(pollers, slots)
	s := &stack{metrics: &telemetry.Metrics{Registry: reg}}

	var w workerLoad
	pollers.WithLabelValues("workflow_task").Set(3)
	pollers.WithLabelValues("workflow_sticky_task").Set(2)
	pollers.WithLabelValues("activity_task").Set(40)
	slots.WithLabelValues("WorkflowWorker").Set(4)
	slots.WithLabelValues("LocalActivityWorker").Set(9)
	s.sampleWorkerLoad(&w)
	pollers.WithLabelValues("workflow_task").Set(1)
	pollers.WithLabelValues("workflow_sticky_task").Set(2)
	slots.WithLabelValues("WorkflowWorker").Set(0)
	s.sampleWorkerLoad(&w)

	want := "workflow-task pollers 4.0 on average (max 5), workflow-task slots in use 2.0 (max 4), 2 samples"
	if got := w.describe(); got != want {
		t.Fatalf("describe = %q, want %q", got, want)
	}
	if got := (workerLoad{}).describe(); got != "not sampled" {
		t.Errorf("unsampled = %q", got)
	}
}

// The worker's tasks are counted by kind — a local activity is not an activity —
// and a drain waits for a workflow task per start, however quiet the worker is.
func TestWorkerTaskCountsByKind(t *testing.T) {
	reg := prometheus.NewRegistry()
	hist := func(name string) prometheus.Histogram {
		h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name})
		reg.MustRegister(h)
		return h
	}
	wft := hist("temporal_workflow_task_execution_latency")
	local := hist("temporal_local_activity_execution_latency")
	act := hist("temporal_activity_execution_latency")
	s := &stack{metrics: &telemetry.Metrics{Registry: reg}}

	before, err := s.workerTaskCounts()
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		wft.Observe(0.01)
	}
	local.Observe(0.01)
	local.Observe(0.01)
	act.Observe(0.01)
	now, err := s.workerTaskCounts()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := now.sub(before), (taskCounts{workflow: 3, local: 2, activity: 1}); got != want {
		t.Fatalf("counts = %+v, want %+v", got, want)
	}
	if got := tasksPerRequest(now.sub(before), 2); got != "1.50 / 1.00 / 0.50" {
		t.Errorf("per request = %q", got)
	}
	if !s.ranAtLeast(before, 3) || s.ranAtLeast(before, 4) || !s.ranAtLeast(now, 0) {
		t.Errorf("ranAtLeast: 3 workflow tasks ran; want true for 3 and 0, false for 4")
	}
	if total, _ := s.workerTasks(); total != 6 {
		t.Errorf("workerTasks = %v, want 6", total)
	}
}
