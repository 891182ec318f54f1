package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// Every console page says when no worker polls the task queue — actions will not
// be confirmed, deadlines fire late — from Temporal's own record of the queue's
// pollers: nothing while the stack's worker polls, the banner over a queue no
// worker has polled.
func TestConsoleSaysWhenNoWorkerRuns(t *testing.T) {
	s := newStack(t)
	session := signedInConsole(t, s.url, adminToken)
	page := func() string {
		status, _, body := consolePage(t, session, s.url+"/console/")
		if status != 200 {
			t.Fatalf("the queue page: HTTP %d: %.300s", status, body)
		}
		return body
	}

	// Temporal lists the stack's worker among the queue's pollers first (it may be
	// starting its polls on a busy machine).
	eventually(t, 30*time.Second, "the worker's pollers in Temporal", func() bool {
		d, err := s.temporal.DescribeTaskQueueEnhanced(context.Background(), client.DescribeTaskQueueEnhancedOptions{
			TaskQueue: s.queue, TaskQueueTypes: []client.TaskQueueType{client.TaskQueueTypeWorkflow}, ReportPollers: true})
		if err != nil {
			return false
		}
		for _, v := range d.VersionsInfo {
			if len(v.TypesInfo[client.TaskQueueTypeWorkflow].Pollers) > 0 {
				return true
			}
		}
		return false
	})
	polled, stop := context.WithCancel(context.Background())
	s.console.WatchWorkers(polled, s.temporal, s.queue)
	time.Sleep(2 * time.Second) // the watch's first look
	if body := page(); strings.Contains(body, `id="no-worker"`) {
		t.Fatalf("a banner while the stack's worker polls: %.500s", body)
	}
	stop()
	time.Sleep(time.Second) // a look under way ends

	unpolled, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s.console.WatchWorkers(unpolled, s.temporal, "nobody-polls-"+s.queue)
	eventually(t, 20*time.Second, "the no-worker banner", func() bool {
		body := page()
		return strings.Contains(body, `id="no-worker"`) && strings.Contains(body, "No worker is running")
	})
}
