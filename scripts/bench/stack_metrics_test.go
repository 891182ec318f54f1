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
