package service

import (
	"reflect"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/complaintflow/complaintflow/internal/config"
)

// The worker runs with complaintflow's defaults where it replaces the SDK's (the
// pollers' floor, the sticky timeout) and with what the operator set otherwise.
func TestWorkerOptionsApplyTheSizes(t *testing.T) {
	autoscaling := func(min, max int) worker.PollerBehavior {
		return worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{MinimumNumberOfPollers: min, MaximumNumberOfPollers: max})
	}
	for _, c := range []struct {
		sizing      config.WorkerSizing
		pollers     worker.PollerBehavior
		stickyAfter time.Duration
		slots       int
	}{
		{config.WorkerSizing{}, autoscaling(config.DefaultMinPollers, 0), config.DefaultStickyScheduleToStartTimeout, 0},
		{config.WorkerSizing{MinPollers: 1, MaxPollers: 6, StickyScheduleToStartTimeout: 5 * time.Second, WorkflowTaskSlots: 8},
			autoscaling(1, 6), 5 * time.Second, 8},
	} {
		o := workerOptions(c.sizing)
		if !reflect.DeepEqual(o.WorkflowTaskPollerBehavior, c.pollers) || !reflect.DeepEqual(o.ActivityTaskPollerBehavior, c.pollers) {
			t.Errorf("%+v: pollers %+v / %+v, want %+v", c.sizing, o.WorkflowTaskPollerBehavior, o.ActivityTaskPollerBehavior, c.pollers)
		}
		if o.StickyScheduleToStartTimeout != c.stickyAfter || o.MaxConcurrentWorkflowTaskExecutionSize != c.slots {
			t.Errorf("%+v: sticky timeout %v, workflow-task slots %d; want %v, %d", c.sizing,
				o.StickyScheduleToStartTimeout, o.MaxConcurrentWorkflowTaskExecutionSize, c.stickyAfter, c.slots)
		}
	}
	// The SDK's own floor is told apart from complaintflow's: the comparison can fail.
	if reflect.DeepEqual(workerOptions(config.WorkerSizing{}).WorkflowTaskPollerBehavior, autoscaling(0, 0)) {
		t.Fatal("the default options carry the SDK's floor of one poller")
	}
}
