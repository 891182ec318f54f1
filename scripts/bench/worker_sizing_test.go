package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	appconfig "github.com/complaintflow/complaintflow/internal/config"
)

// The bench's worker flags set the sizes production reads from the environment, and
// a report's command and header say which were set.
func TestWorkerSizingFlagsNameTheProductionSettings(t *testing.T) {
	var s appconfig.WorkerSizing
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	workerSizingFlags(fs, &s)
	if err := fs.Parse([]string{"-worker-workflow-task-slots", "8", "-worker-max-pollers", "4", "-worker-min-pollers", "2", "-worker-sticky-cache", "2000",
		"-worker-sticky-schedule-to-start-timeout", "30s", "-worker-activity-slots", "0"}); err != nil {
		t.Fatal(err)
	}
	want := appconfig.WorkerSizing{StickyCacheSize: 2000, WorkflowTaskSlots: 8, MaxPollers: 4, MinPollers: 2, StickyScheduleToStartTimeout: 30 * time.Second}
	if s != want {
		t.Fatalf("sizing = %+v, want %+v", s, want)
	}
	if got := workerSizingArgs(s); got != " -worker-sticky-cache 2000 -worker-workflow-task-slots 8 -worker-max-pollers 4 -worker-min-pollers 2 -worker-sticky-schedule-to-start-timeout 30s" {
		t.Errorf("args = %q", got)
	}
	env := workerSizingEnv(s)
	if !slices.Equal(env, []string{"WORKER_STICKY_CACHE_SIZE=2000", "WORKER_WORKFLOW_TASK_SLOTS=8", "WORKER_MAX_POLLERS=4", "WORKER_MIN_POLLERS=2", "WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT=30s"}) {
		t.Errorf("env = %q", env)
	}
	// What the worker process reads back from that environment is what was set.
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	c, err := appconfig.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	// Plus the drain SHUTDOWN_TIMEOUT gives every worker on stop (not a size: the
	// bench's own worker stops at once).
	read := want
	read.StopTimeout = c.ShutdownTimeout
	if c.Worker != read {
		t.Errorf("the worker reads %+v, want %+v", c.Worker, read)
	}
	if note := workerSizingNote(s); !strings.Contains(note, "WORKER_MAX_POLLERS=4") {
		t.Errorf("note = %q", note)
	}
	if note := workerSizingNote(appconfig.WorkerSizing{}); !strings.Contains(note, "default") {
		t.Errorf("note without sizes = %q", note)
	}
	if workerSizingArgs(appconfig.WorkerSizing{}) != "" {
		t.Error("no sizes set, yet args")
	}
}

// Every size production reads has a flag, and no two share one.
func TestEveryWorkerSizeHasAFlag(t *testing.T) {
	seen := map[string]bool{}
	for _, w := range appconfig.WorkerSizes {
		f, ok := workerFlags[w.Env]
		if !ok || f.flag == "" {
			t.Errorf("%s has no flag", w.Env)
		}
		if seen[f.flag] {
			t.Errorf("flag -%s names two sizes", f.flag)
		}
		seen[f.flag] = true
	}
	if len(workerFlags) != len(appconfig.WorkerSizes) {
		t.Errorf("%d flags for %d sizes", len(workerFlags), len(appconfig.WorkerSizes))
	}
}

// A flag refuses what the environment variable refuses, naming the variable.
func TestWorkerSizingFlagsRefuseWhatTheEnvironmentRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"-worker-activity-slots", "-1"},
		{"-worker-max-pollers", "many"},
		{"-worker-sticky-schedule-to-start-timeout", "30"},
	} {
		var s appconfig.WorkerSizing
		fs := flag.NewFlagSet("bench", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		workerSizingFlags(fs, &s)
		err := fs.Parse(args)
		if err == nil || !strings.Contains(err.Error(), args[0]) || !strings.Contains(err.Error(), "WORKER_") {
			t.Errorf("%q: err = %v, want a refusal naming the flag and its variable", args, err)
		}
		if s != (appconfig.WorkerSizing{}) {
			t.Errorf("%q: refused, yet set %+v", args, s)
		}
	}
}
