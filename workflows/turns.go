package workflows

import "go.temporal.io/sdk/workflow"

// versionOrderedEvents writes a complaint's events one at a time, in the order the
// workflow decided them. The main loop and update handlers record by local
// activities, which run at once when two are scheduled in one workflow task, and
// commit in any order; each event sets the complaint row to its own snapshot
// (status, owner …), so two actions taken in the same moment could leave the row at
// the earlier one's.
var versionOrderedEvents = change{"ordered-events", 4}

// turns serialises a workflow's writes: each takes a ticket and waits for its turn,
// so they run in the order they were asked for.
type turns struct{ next, current int }

// take waits for the caller's turn when ordered says the execution orders its
// writes, and returns what ends the turn. ordered is asked only when another write
// is under way, so an execution that never has two at once never asks (and one of
// an older revision records no version marker for it).
func (t *turns) take(ctx workflow.Context, ordered func() bool) (done func(), err error) {
	ticket := t.next
	t.next++
	done = func() { t.current++ }
	if t.current == ticket || !ordered() {
		return done, nil
	}
	if err := workflow.Await(ctx, func() bool { return t.current == ticket }); err != nil {
		return nil, err
	}
	return done, nil
}
