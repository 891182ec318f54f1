package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"
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
