package workflows_test

import (
	"time"

	"go.temporal.io/sdk/worker"
)

// underLoad gives the test environment's workflow tasks a minute before the SDK calls
// them deadlocked: its default second is what a task waits for a CPU under -race on
// a loaded CI machine, not a sign of blocking code.
var underLoad = worker.Options{DeadlockDetectionTimeout: time.Minute}
