package service

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// A worker told to stop (SIGTERM on a rolling deploy) lets an activity already
// running finish within SHUTDOWN_TIMEOUT — with the SDK's default it was cancelled
// at once, and a notice cut off after its send is uncertain and never resent.
func TestAStoppingWorkerLetsRunningActivitiesFinish(t *testing.T) {
	c, err := client.Dial(client.Options{HostPort: testenv.Temporal(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	started, finished := make(chan struct{}), make(chan error, 1)
	send := func(ctx context.Context) error {
		close(started)
		select {
		case <-time.After(2 * time.Second): // a slow SMTP server's answer
			finished <- nil
		case <-ctx.Done():
			finished <- ctx.Err()
		}
		return nil
	}
	notice := func(ctx workflow.Context) error {
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
			RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}})
		return workflow.ExecuteActivity(ctx, "send").Get(ctx, nil)
	}
	queue := "stop-" + t.Name()
	w := worker.New(c, queue, workerOptions(config.WorkerSizing{StopTimeout: 20 * time.Second}))
	w.RegisterWorkflowWithOptions(notice, workflow.RegisterOptions{Name: "notice"})
	w.RegisterActivityWithOptions(send, activity.RegisterOptions{Name: "send"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{TaskQueue: queue}, "notice"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the activity never started")
	}
	w.Stop()
	if err := <-finished; err != nil {
		t.Fatalf("the running activity was cut off by the stop: %v", err)
	}
}
