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
semaphore_latency_count{operation="ShardInfo",priority="0",service_name="history"} 30
semaphore_latency_count{operation="ShardInfo",priority="1",service_name="history"} 20
semaphore_latency_sum{operation="ShardInfo",priority="0",service_name="history"} 1.5
semaphore_latency_bucket{operation="ShardInfo",priority="0",service_name="history",le="1"} 29
semaphore_latency_bucket{operation="ShardInfo",priority="1",service_name="history",le="1"} 20
semaphore_latency_bucket{operation="ShardInfo",priority="1",service_name="history",le="10"} 20
client_latency_count{operation="HistoryClientRecordWorkflowTaskStarted",service_name="matching"} 70
client_latency_count{operation="HistoryClientRecordWorkflowTaskStarted",service_name="frontend"} 1
client_latency_count{operation="HistoryClientRecordActivityTaskStarted",service_name="matching"} 9
client_latency_bucket{le="0.5",operation="HistoryClientRecordWorkflowTaskStarted",service_name="matching"} 60
client_latency_bucket{le="1",operation="HistoryClientRecordWorkflowTaskStarted",service_name="matching"} 65
client_errors{error_type="context.DeadlineExceeded",operation="HistoryClientRecordWorkflowTaskStarted",service_name="matching"} 3
client_errors{error_type="serviceerrors.TaskAlreadyStarted",operation="HistoryClientRecordWorkflowTaskStarted",service_name="matching"} 1
task_latency_queue_count{namespace="default",queue_reader_id="0",task_priority="high",task_type="TransferActiveTaskWorkflowTask"} 11
task_latency_queue_sum{namespace="default",queue_reader_id="0",task_priority="high",task_type="TransferActiveTaskWorkflowTask"} 0.25
task_latency_processing_sum{namespace="default",task_type="TransferActiveTaskWorkflowTask"} 0.125
task_latency_processing_sum{namespace="default",task_type="TransferActiveTaskActivityTask"} 8
poll_success{namespace="default",partition="0",service_name="matching",task_type="Workflow",taskqueue="bench"} 13
poll_success{namespace="default",partition="__sticky__",service_name="matching",task_type="Workflow",taskqueue="bench"} 7
poll_success{namespace="default",partition="0",service_name="matching",task_type="Activity",taskqueue="bench"} 100
poll_success_sync{namespace="default",partition="0",service_name="matching",task_type="Workflow",taskqueue="bench"} 12
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
	c := st.c
	for name, got := range map[string][2]float64{
		"history persistence calls":           {c["persistence"], 42},
		"their latency":                       {c["persistenceSum"], 0.5},
		"timer reader stuck":                  {c["readerStuck"], 3},
		"user timers":                         {c["userTimers"], 10},
		"user timer latency":                  {c["userTimerSum"], 2},
		"shard I/O waits":                     {c["shardIO"], 50},
		"shard I/O wait":                      {c["shardIOSum"], 1.5},
		"shard I/O waits within 1 s":          {c["shardIOWithin1s"], 49},
		"mutable-state lookups":               {c["cacheRequests"], 100},
		"mutable-state misses":                {c["cacheMisses"], 4},
		"task start-to-close timeouts":        {c["taskStartToClose"], 5},
		"task schedule-to-start timeouts":     {c["taskScheduleToStart"], 6},
		"transfer tasks":                      {c["transferTasks"], 11},
		"transfer task latency":               {c["transferTaskSum"], 0.25},
		"transfer task processing":            {c["transferTaskProcessingSum"], 0.125},
		"workflow tasks polled":               {c["polled"], 20},
		"workflow tasks polled by sync match": {c["polledSync"], 12},
		"record-start calls":                  {c["recordStarts"], 70},
		"record-start failures":               {c["recordStartsFailed"], 4},
		"record-starts within 1 s":            {c["recordStartsWithin1s"], 65},
		"user timers loaded":                  {st.tasks("UserTimer"), 10},
		"workflow-task timeouts loaded":       {st.tasks("WorkflowTaskTimeout"), 12},
		"user timers by a split-off reader":   {st.loaded[[2]string{"UserTimer", "1"}], 1},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: got %v, want %v", name, got[0], got[1])
		}
	}
	if n, mean := st.lateUserTimers(); n != 1 || mean.Seconds() != 4 {
		t.Errorf("late user timers: got %v at %v, want 1 at 4s", n, mean)
	}
}

// The server's memory is read from its runtime gauges, which every service of the
// one process reports alike (taken once, not summed), and its workflow cache's entries.
func TestScrapeServerMem(t *testing.T) {
	const exposition = `cache_pinned_usage{cache_type="mutablestate",service_name="history"} 0
cache_usage{cache_type="events",service_name="history"} 9783
cache_usage{cache_type="mutablestate",service_name="history"} 792
memory_heap{service_name="frontend"} 5.5204512e+07
memory_heapinuse{service_name="frontend"} 7.7979648e+07
memory_heapinuse{service_name="history"} 7.7979648e+07
memory_heapinuse{service_name="matching"} 7.7979648e+07
memory_heapinuse{service_name="worker"} 7.7979648e+07
`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(exposition))
	}))
	defer srv.Close()
	m := scrapeServerMem(context.Background(), srv.URL)
	if !m.read || m.heapInuse != 77979648 || m.entries != 792 {
		t.Fatalf("scrapeServerMem = %+v, want read, heap 77979648, 792 entries", m)
	}
	if m := scrapeServerMem(context.Background(), ""); m.read {
		t.Fatalf("no URL: %+v, want unread", m)
	}
	// scrape, for the worker's and the API's gauges, sums a metric over its labels.
	vals, err := scrape(context.Background(), srv.URL)
	if err != nil || vals["cache_usage"] != 9783+792 || vals["memory_heap"] != 55204512 {
		t.Fatalf("scrape = %v, %v; want cache_usage %d, memory_heap 55204512", vals, err, 9783+792)
	}
}
