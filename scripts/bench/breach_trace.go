package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
)

// slowestTraced is how many of complaintflow's latest breaches the report traces.
const slowestTraced = 5

// traceBefore reaches back far enough to show a task that started before the
// deadline and timed out (WORKFLOW_TASK_TIMEOUT, at most 30 s in our runs).
const traceBefore = 31 * time.Second

// traceSlowest reads the workflow histories of the arm's latest breaches and says,
// for each, what its workflow tasks did around the deadline: when each was
// scheduled, started, completed, timed out or failed (seconds after the deadline).
// The tail of a burst is a handful of complaints; this names where their time went.
// With -breach-goroutines it also writes the process's goroutines, to show what a
// task the server timed out was waiting on in the worker.
func (b *breachBench) traceSlowest(ctx context.Context, r *armResult) {
	rows := slices.Clone(r.rows)
	slices.SortFunc(rows, func(x, y breachRow) int {
		return cmp.Compare(y.recorded.Sub(y.due), x.recorded.Sub(x.due))
	})
	for _, row := range rows[:min(slowestTraced, len(rows))] {
		r.traces = append(r.traces, fmt.Sprintf("%s (%s late): %s", row.key, fmtLate(row.recorded.Sub(row.due)),
			b.taskTimeline(ctx, "complaint:"+row.key, row.due)))
	}
	if path := b.cfg.breachGoroutines; path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.Lookup("goroutine").WriteTo(f, 2)
			err = errors.Join(err, f.Close())
		}
		if err != nil {
			b.s.say("goroutines not written: %v", err)
		}
	}
}

// taskTimeline is the workflow's task, timer and marker events from traceBefore
// before due, each as its type and seconds after due; timeouts and failures say
// which kind.
func (b *breachBench) taskTimeline(ctx context.Context, workflowID string, due time.Time) string {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	it := b.s.tc.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var parts []string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return "history unreadable: " + err.Error()
		}
		at := e.GetEventTime().AsTime()
		if at.Before(due.Add(-traceBefore)) {
			continue
		}
		name := strings.TrimPrefix(e.GetEventType().String(), "EVENT_TYPE_")
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
			name += "(" + strings.TrimPrefix(e.GetWorkflowTaskTimedOutEventAttributes().GetTimeoutType().String(), "TIMEOUT_TYPE_") + ")"
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
			name += "(" + strings.TrimPrefix(e.GetWorkflowTaskFailedEventAttributes().GetCause().String(), "WORKFLOW_TASK_FAILED_CAUSE_") + ")"
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
			enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, enumspb.EVENT_TYPE_TIMER_FIRED, enumspb.EVENT_TYPE_TIMER_STARTED,
			enumspb.EVENT_TYPE_MARKER_RECORDED:
		default:
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %+.2fs", name, at.Sub(due).Seconds()))
		if len(parts) == 24 {
			parts = append(parts, "…")
			break
		}
	}
	return strings.Join(parts, ", ")
}
