package config

import (
	"strings"
	"testing"
	"time"
)

// The worker's sizes and the workflow-task timeout are read from the environment;
// unset keeps the SDK's and the server's defaults (zero), and a value that is not a
// positive number is refused with the variable named.
func TestWorkerSizingFromEnv(t *testing.T) {
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.Worker != (WorkerSizing{}) || c.WorkflowTaskTimeout != 0 {
		t.Fatalf("unset: %+v, %v; want zero values (the defaults)", c.Worker, c.WorkflowTaskTimeout)
	}

	t.Setenv("WORKER_STICKY_CACHE_SIZE", "2000")
	t.Setenv("WORKER_WORKFLOW_TASK_SLOTS", "8")
	t.Setenv("WORKER_ACTIVITY_SLOTS", "50")
	t.Setenv("WORKER_LOCAL_ACTIVITY_SLOTS", "40")
	t.Setenv("WORKER_MAX_POLLERS", "6")
	t.Setenv("WORKFLOW_TASK_TIMEOUT", "30s")
	c, err = FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := WorkerSizing{StickyCacheSize: 2000, WorkflowTaskSlots: 8, ActivitySlots: 50, LocalActivitySlots: 40, MaxPollers: 6}
	if c.Worker != want || c.WorkflowTaskTimeout != 30*time.Second {
		t.Fatalf("got %+v, %v; want %+v, 30s", c.Worker, c.WorkflowTaskTimeout, want)
	}

	for key, bad := range map[string]string{
		"WORKER_STICKY_CACHE_SIZE": "-1", "WORKER_WORKFLOW_TASK_SLOTS": "many", "WORKER_MAX_POLLERS": "0",
		"WORKFLOW_TASK_TIMEOUT": "5m",
	} {
		t.Run(key, func(t *testing.T) {
			t.Setenv(key, bad)
			if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), key) {
				t.Fatalf("%s=%s: err %v, want a refusal naming %s", key, bad, err, key)
			}
		})
	}
}
