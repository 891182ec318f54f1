package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	appconfig "github.com/complaintflow/complaintflow/internal/config"
)

// workerSize is one of the worker's sizes an operator sets (docs/operations.md,
// "Sizing the worker"): the bench's flag and the production environment variable
// name the same setting, so a run's command says what to set in production.
type workerSize struct {
	flag, env, usage string
	field            func(*appconfig.WorkerSizing) *int
}

var workerSizes = []workerSize{
	{"worker-sticky-cache", "WORKER_STICKY_CACHE_SIZE", "workflows kept in the sticky cache between tasks (0: the SDK's default, 10,000). Smaller than the complaints a run touches, every wake-up replays its workflow's history, as in production once open complaints outnumber the cache",
		func(s *appconfig.WorkerSizing) *int { return &s.StickyCacheSize }},
	{"worker-workflow-task-slots", "WORKER_WORKFLOW_TASK_SLOTS", "workflow tasks the worker runs at once (0: the SDK's default, 1,000)",
		func(s *appconfig.WorkerSizing) *int { return &s.WorkflowTaskSlots }},
	{"worker-activity-slots", "WORKER_ACTIVITY_SLOTS", "activity tasks the worker runs at once (0: the SDK's default, 1,000)",
		func(s *appconfig.WorkerSizing) *int { return &s.ActivitySlots }},
	{"worker-local-activity-slots", "WORKER_LOCAL_ACTIVITY_SLOTS", "local activities the worker runs at once (0: the SDK's default, 1,000)",
		func(s *appconfig.WorkerSizing) *int { return &s.LocalActivitySlots }},
	{"worker-max-pollers", "WORKER_MAX_POLLERS", "ceiling of the worker's autoscaling pollers per task kind (0: the SDK's default, 100)",
		func(s *appconfig.WorkerSizing) *int { return &s.MaxPollers }},
}

// workerSizingFlags registers one flag per size, for the scale mode's worker process
// and the other modes' in-process worker alike.
func workerSizingFlags(fs *flag.FlagSet, s *appconfig.WorkerSizing) {
	for _, w := range workerSizes {
		fs.IntVar(w.field(s), w.flag, 0, "the worker's "+w.env+": "+w.usage)
	}
}

// checkWorkerSizing refuses a negative size; 0 keeps the SDK's default.
func checkWorkerSizing(s appconfig.WorkerSizing) error {
	var bad []string
	for _, w := range workerSizes {
		if *w.field(&s) < 0 {
			bad = append(bad, "-"+w.flag)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s must be ≥ 0", strings.Join(bad, ", "))
	}
	return nil
}

// workerSizingArgs is the sizes set, as the flags that set them (for a report's
// command line), each with a leading space.
func workerSizingArgs(s appconfig.WorkerSizing) string {
	var b strings.Builder
	for _, w := range workerSizes {
		if v := *w.field(&s); v > 0 {
			fmt.Fprintf(&b, " -%s %d", w.flag, v)
		}
	}
	return b.String()
}

// workerSizingEnv is the sizes set, as the environment a worker process reads.
func workerSizingEnv(s appconfig.WorkerSizing) []string {
	var env []string
	for _, w := range workerSizes {
		if v := *w.field(&s); v > 0 {
			env = append(env, w.env+"="+strconv.Itoa(v))
		}
	}
	return env
}

// workerSizingNote says how the worker was sized, for a report's header.
func workerSizingNote(s appconfig.WorkerSizing) string {
	env := workerSizingEnv(s)
	if len(env) == 0 {
		return "the SDK's default sizes (sticky cache 10,000, 1,000 slots per task kind, up to 100 pollers)"
	}
	return strings.Join(env, ", ") + ", the SDK's defaults otherwise"
}
