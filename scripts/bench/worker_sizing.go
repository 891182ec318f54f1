package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	appconfig "github.com/complaintflow/complaintflow/internal/config"
)

// workerFlags names the bench's flag for each of the worker's sizes
// (appconfig.WorkerSizes, docs/operations.md "Sizing the worker"), by the
// environment variable production reads, so a run's command says what to set there.
var workerFlags = map[string]struct{ flag, usage string }{
	"WORKER_STICKY_CACHE_SIZE":                {"worker-sticky-cache", "workflows kept in the sticky cache between tasks (0: the SDK's default, 10,000). Smaller than the complaints a run touches, every wake-up replays its workflow's history, as in production once open complaints outnumber the cache"},
	"WORKER_WORKFLOW_TASK_SLOTS":              {"worker-workflow-task-slots", "workflow tasks the worker runs at once (0: the SDK's default, 1,000)"},
	"WORKER_ACTIVITY_SLOTS":                   {"worker-activity-slots", "activity tasks the worker runs at once (0: the SDK's default, 1,000)"},
	"WORKER_LOCAL_ACTIVITY_SLOTS":             {"worker-local-activity-slots", "local activities the worker runs at once (0: the SDK's default, 1,000)"},
	"WORKER_MAX_POLLERS":                      {"worker-max-pollers", "ceiling of the worker's autoscaling pollers per task kind (0: the SDK's default, 100)"},
	"WORKER_MIN_POLLERS":                      {"worker-min-pollers", "floor of the worker's autoscaling pollers per task kind (unset: complaintflow's default, " + strconv.Itoa(appconfig.DefaultMinPollers) + "; the SDK's is 1)"},
	"WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT": {"worker-sticky-schedule-to-start-timeout", "how long a workflow task waits on the worker's sticky queue before the server moves it to the shared one (unset: complaintflow's default, " + appconfig.DefaultStickyScheduleToStartTimeout.String() + "; the SDK's is 5s)"},
}

// workerSizingFlags registers one flag per size, for the scale mode's worker process
// and the other modes' in-process worker alike. A flag takes what the environment
// variable takes, by the same rule (appconfig.WorkerSize.Set); 0 leaves it unset.
func workerSizingFlags(fs *flag.FlagSet, s *appconfig.WorkerSizing) {
	for _, w := range appconfig.WorkerSizes {
		f := workerFlags[w.Env]
		fs.Func(f.flag, "the worker's "+w.Env+": "+f.usage, func(raw string) error {
			if raw == "0" {
				return nil
			}
			return w.Set(s, raw)
		})
	}
}

// workerSizingArgs is the sizes set, as the flags that set them (for a report's
// command line), each with a leading space.
func workerSizingArgs(s appconfig.WorkerSizing) string {
	var b strings.Builder
	for _, w := range appconfig.WorkerSizes {
		if v := w.Format(s); v != "" {
			fmt.Fprintf(&b, " -%s %s", workerFlags[w.Env].flag, v)
		}
	}
	return b.String()
}

// workerSizingEnv is the sizes set, as the environment a worker process reads.
func workerSizingEnv(s appconfig.WorkerSizing) []string {
	var env []string
	for _, w := range appconfig.WorkerSizes {
		if v := w.Format(s); v != "" {
			env = append(env, w.Env+"="+v)
		}
	}
	return env
}

// workerSizingNote says how the worker was sized, for a report's header.
func workerSizingNote(s appconfig.WorkerSizing) string {
	env := workerSizingEnv(s)
	if len(env) == 0 {
		return "the default sizes (the SDK's: sticky cache 10,000, 1,000 slots per task kind, up to 100 pollers; complaintflow's sticky schedule-to-start timeout, " +
			appconfig.DefaultStickyScheduleToStartTimeout.String() + ", and pollers' floor, " + strconv.Itoa(appconfig.DefaultMinPollers) + ")"
	}
	return strings.Join(env, ", ") + ", the defaults otherwise"
}
