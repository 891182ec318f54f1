package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"
)

// CurrentRevision is the revision of the complaint workflow's code: the API stamps
// it on every complaint it starts (ComplaintInput.Revision). An execution takes every
// change introduced at or before its revision without asking workflow.GetVersion,
// which would record a marker and upsert the TemporalChangeVersion search attribute
// (a visibility write nobody reads; the SDK cannot be told not to) the first time it
// meets each change ID. Executions started before the revision existed carry 0 and
// ask GetVersion exactly as they always did, so their histories replay unchanged.
//
// To add a change: give it a change ID with since = CurrentRevision+1, raise
// CurrentRevision to that, and branch on w.changed (see docs/workflows.md).
const CurrentRevision = 9

// change is a versioned change of the complaint workflow: its GetVersion change ID,
// and the first revision that always has it.
type change struct {
	id    string
	since int
}

// changed reports whether this execution runs the behaviour the change introduced.
// Executions of an older revision decide it with workflow.GetVersion (marker and
// all), as before the revision existed.
func changed(ctx workflow.Context, revision int, c change) bool {
	if revision >= c.since {
		return true
	}
	return workflow.GetVersion(ctx, c.id, workflow.DefaultVersion, 1) == 1
}

// checkRevision refuses an execution started by an API newer than this worker's
// code: a panic fails the workflow task, which Temporal retries until a worker that
// knows the revision takes it, instead of running it without changes it was promised
// and then failing replay on the newer worker. Deploy workers before API processes.
func checkRevision(revision int) {
	if revision > CurrentRevision {
		panic(fmt.Sprintf("complaint workflow of revision %d started, this worker knows up to %d: deploy the newer worker", revision, CurrentRevision))
	}
}
