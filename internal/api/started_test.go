package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Intake clears its complaints' workflow-start marks by itself, in batches, so the
// reconciler (not running here) finds nothing to start again: within moments by
// the batch's timer, and at once by FlushStarted (the starter's shutdown).
func TestIntakeClearsItsWorkflowStartMarks(t *testing.T) {
	ctx := context.Background()
	a := newComplaintAPI(t)
	pending := func() int {
		t.Helper()
		cs, err := a.store.PendingWorkflowStarts(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	for i := range 3 {
		a.fileLogistics(fmt.Sprintf("marks-%d", i), "medium")
	}
	if err := a.srv.FlushStarted(ctx); err != nil {
		t.Fatal(err)
	}
	if n := pending(); n != 0 {
		t.Errorf("after FlushStarted: %d complaints still marked pending, want 0", n)
	}
	for i := range 3 {
		a.fileLogistics(fmt.Sprintf("marks-timer-%d", i), "medium")
	}
	deadline := time.Now().Add(5 * time.Second)
	for pending() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("5 s after filing: %d complaints still marked pending, want 0 (the batch flushes within 100 ms)", pending())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
