package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The server's counters are read by name and labels: a sample of another service,
// cache, namespace or task type is not counted.
func TestScrapeTimerQueue(t *testing.T) {
	const exposition = `# HELP persistence_latency persistence latency
persistence_latency_count{operation="UpdateWorkflowExecution",service_name="history"} 40
persistence_latency_count{operation="GetTasks",service_name="matching"} 1000
persistence_latency_sum{operation="UpdateWorkflowExecution",service_name="history"} 0.5
persistence_latency_count{operation="GetWorkflowExecution",service_name="history"} 2
queue_actions{operation="TimerQueueProcessor",queue_action="reader_stuck"} 3
queue_actions{operation="TransferQueueProcessor",queue_action="reader_stuck"} 7
task_latency_queue_count{namespace="default",task_type="TimerActiveTaskUserTimer"} 10
task_latency_queue_sum{namespace="default",task_type="TimerActiveTaskUserTimer"} 2
task_latency_queue_count{namespace="temporal-system",task_type="TimerActiveTaskUserTimer"} 99
cache_requests{cache_type="mutablestate",operation="x"} 100
cache_miss{cache_type="mutablestate",operation="x"} 4
cache_miss{cache_type="events",operation="x"} 50
start_to_close_timeout{namespace="default",operation="TimerActiveTaskWorkflowTaskTimeout"} 5
start_to_close_timeout{namespace="default",operation="TimerActiveTaskActivityTimeout"} 8
schedule_to_start_timeout{namespace="default",operation="TimerActiveTaskWorkflowTaskTimeout"} 6
task_latency_load_count{namespace="default",queue_reader_id="0",task_type="TimerActiveTaskUserTimer"} 9
task_latency_load_count{namespace="default",queue_reader_id="1",task_type="TimerActiveTaskUserTimer"} 1
task_latency_load_sum{namespace="default",queue_reader_id="1",task_type="TimerActiveTaskUserTimer"} 4
task_latency_load_count{namespace="default",queue_reader_id="0",task_type="TimerActiveTaskWorkflowTaskTimeout"} 12
task_latency_load_count{namespace="default",queue_reader_id="0",task_type="TransferActiveTaskWorkflowTask"} 77
`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(exposition))
	}))
	defer srv.Close()

	st := scrapeTimerQueue(context.Background(), srv.URL)
	if st == nil {
		t.Fatal("no stats")
	}
	for name, got := range map[string][2]float64{
		"history persistence calls":         {st.persistence, 42},
		"their latency":                     {st.persistenceSum, 0.5},
		"timer reader stuck":                {st.readerStuck, 3},
		"user timers":                       {st.userTimers, 10},
		"user timer latency":                {st.userTimerSum, 2},
		"mutable-state lookups":             {st.cacheRequests, 100},
		"mutable-state misses":              {st.cacheMisses, 4},
		"task start-to-close timeouts":      {st.taskStartToClose, 5},
		"task schedule-to-start timeouts":   {st.taskScheduleToStart, 6},
		"user timers loaded":                {st.tasks("UserTimer"), 10},
		"workflow-task timeouts loaded":     {st.tasks("WorkflowTaskTimeout"), 12},
		"user timers by a split-off reader": {st.loaded[[2]string{"UserTimer", "1"}], 1},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: got %v, want %v", name, got[0], got[1])
		}
	}
	if n, mean := st.lateUserTimers(); n != 1 || mean.Seconds() != 4 {
		t.Errorf("late user timers: got %v at %v, want 1 at 4s", n, mean)
	}
}
