package e2e_test

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
)

// Negative checks ("exactly one notice", "nothing reached Temporal") wait on a
// positive signal, never on a sleep: a sleep that is too short on a loaded machine
// lets a duplicate arrive after the count, and the test passes when it should fail.

// settled waits until none of the workflows has an activity or a workflow task
// pending or running: every notice they scheduled has finished its delivery (rows
// claimed, channels sent), and no task is left that could schedule another, so
// counting what was delivered or recorded is final — a duplicate could only come
// from another attempt, which would be pending.
func (s *stack) settled(workflowIDs ...string) {
	s.t.Helper()
	s.settledWithin(60*time.Second, workflowIDs...)
}

// settledWithin is settled with a deadline of the caller's (a loaded fault scenario
// has many workflows to settle).
func (s *stack) settledWithin(timeout time.Duration, workflowIDs ...string) {
	s.t.Helper()
	ctx := context.Background()
	eventually(s.t, timeout, fmt.Sprintf("the activities and workflow tasks of %d workflows to finish", len(workflowIDs)), func() bool {
		for _, id := range workflowIDs {
			d, err := s.temporal.DescribeWorkflowExecution(ctx, id, "")
			if err != nil {
				s.t.Fatalf("describe %s: %v", id, err)
			}
			if len(d.GetPendingActivities()) > 0 || d.GetPendingWorkflowTask() != nil {
				return false
			}
		}
		return true
	})
}

// visibleBesides starts a sentinel workflow on the stack's task queue after
// whatever the test did, waits until visibility lists it under query, and then
// counts the other executions query lists. The dev server indexes visibility in
// the order executions start, so one started before the sentinel shows by then.
func (s *stack) visibleBesides(query string) int64 {
	s.t.Helper()
	ctx := context.Background()
	id := fmt.Sprintf("visibility-sentinel-%d", time.Now().UnixNano())
	// No worker knows the type: it waits, untouched, until terminated.
	run, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: s.queue}, "VisibilitySentinel")
	if err != nil {
		s.t.Fatal(err)
	}
	defer func() { _ = s.temporal.TerminateWorkflow(ctx, id, run.GetRunID(), "sentinel done") }()
	eventually(s.t, 30*time.Second, "visibility to list the sentinel", func() bool {
		return s.countWorkflows(query+fmt.Sprintf(" AND WorkflowId = '%s'", id)) == 1
	})
	return s.countWorkflows(query + fmt.Sprintf(" AND WorkflowId != '%s'", id))
}
