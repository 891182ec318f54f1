package console

import (
	"context"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/service"
)

// workerGone is how long the task queue may go unpolled before the console says no
// worker runs. A worker's long poll lasts up to a minute and Temporal records a
// poller when the poll starts, so a live but idle worker can look a minute old;
// twice that is surely gone.
const workerGone = 2 * time.Minute

// workerCheckEvery is the pause between two looks at the task queue's pollers.
const workerCheckEvery = 15 * time.Second

// noWorker is what the banner says: since when no worker has polled (zero: never,
// as far as Temporal remembers).
type noWorker struct{ Since time.Time }

// WatchWorkers looks at the task queue's workflow pollers in Temporal every 15 s
// until ctx ends, so every page can say when no worker has polled for two minutes:
// actions are then not confirmed and deadlines fire late, and the people using the
// console should hear it before they act. A failed look changes nothing (Temporal
// away is the API's 503s to tell).
func (c *Console) WatchWorkers(ctx context.Context, tc client.Client, queue string) {
	look := func() {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		// The enhanced describe: the queue's partitions together (the plain one
		// reports the root partition's pollers only, and a worker's polls are
		// spread over all of them).
		res, err := tc.DescribeTaskQueueEnhanced(lctx, client.DescribeTaskQueueEnhancedOptions{
			TaskQueue: queue, TaskQueueTypes: []client.TaskQueueType{client.TaskQueueTypeWorkflow}, ReportPollers: true,
		})
		if err != nil {
			c.log.DebugContext(ctx, "console: task queue not described", "queue", queue, "error", err)
			return
		}
		var last []time.Time
		for _, version := range res.VersionsInfo {
			for _, p := range version.TypesInfo[client.TaskQueueTypeWorkflow].Pollers {
				last = append(last, p.LastAccessTime)
			}
		}
		c.noWorker.Store(workersGone(last, time.Now()))
	}
	go func() {
		look()
		service.Every(ctx, workerCheckEvery, look)
	}()
}

// workersGone is the banner for pollers last seen at last, or nil while one polled
// within workerGone of now.
func workersGone(last []time.Time, now time.Time) *noWorker {
	var newest time.Time
	for _, at := range last {
		if at.After(newest) {
			newest = at
		}
	}
	if !newest.IsZero() && now.Sub(newest) <= workerGone {
		return nil
	}
	return &noWorker{Since: newest}
}
