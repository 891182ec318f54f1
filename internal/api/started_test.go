package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
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

// A FlushStarted that returns has seen through a timer's flush already under way
// (the starter's shutdown relies on it): here the timer's DELETE is held on the
// mark's row lock, and FlushStarted must not return before it commits.
func TestFlushStartedWaitsForAFlushUnderWay(t *testing.T) {
	ctx := context.Background()
	a := newComplaintAPI(t)
	db := a.store.DB()
	var lock *sqlx.Tx
	for i := 0; lock == nil; i++ {
		if i == 20 {
			t.Fatal("the batch's timer cleared every mark before the test could lock its row")
		}
		id := a.fileLogistics(fmt.Sprintf("under-way-%d", i), "medium")
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var marks int
		if err := tx.GetContext(ctx, &marks, `SELECT count(*) FROM (SELECT FROM workflow_starts_pending WHERE complaint_id = $1 FOR UPDATE) m`, id); err != nil {
			t.Fatal(err)
		}
		if marks == 1 {
			lock = tx
		} else {
			_ = tx.Rollback()
		}
	}
	defer func() { _ = lock.Rollback() }()
	// The timer fires within 100 ms and its DELETE waits for the lock.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var waiting int
		if err := db.GetContext(ctx, &waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM workflow_starts_pending%'`); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the batch's DELETE never waited on the locked row")
		}
	}
	done := make(chan error, 1)
	go func() { done <- a.srv.FlushStarted(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("FlushStarted returned (%v) while the flush under way was still waiting to commit", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	cs, err := a.store.PendingWorkflowStarts(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 0 {
		t.Errorf("after FlushStarted: %d complaints still marked pending, want 0", len(cs))
	}
}
