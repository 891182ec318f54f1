package reconcile_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/reconcile"
	"github.com/complaintflow/complaintflow/internal/store"
)

// pending is a queue of unstarted complaints that a successful start removes, as
// the store's mark does.
type pending struct {
	ids   []string
	grace time.Duration
	reads int
}

func (p *pending) PendingWorkflowStarts(_ context.Context, grace time.Duration, limit int) ([]store.Complaint, error) {
	p.reads++
	p.grace = grace
	var out []store.Complaint
	for _, id := range p.ids[:min(limit, len(p.ids))] {
		out = append(out, store.Complaint{ID: id})
	}
	return out, nil
}

func (p *pending) started(id string) {
	for i, x := range p.ids {
		if x == id {
			p.ids = append(p.ids[:i], p.ids[i+1:]...)
			return
		}
	}
}

func TestSweepStartsEveryPendingComplaintAcrossBatches(t *testing.T) {
	p := &pending{}
	for i := range 250 {
		p.ids = append(p.ids, "c"+strconv.Itoa(i))
	}
	var starts []string
	r := reconcile.New(p, func(_ context.Context, c store.Complaint) error {
		starts = append(starts, c.ID)
		p.started(c.ID)
		return nil
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	n, err := r.Sweep(t.Context())
	if err != nil || n != 250 || len(starts) != 250 || len(p.ids) != 0 {
		t.Fatalf("Sweep = %d, %v; started %d, left %d; want all 250 started", n, err, len(starts), len(p.ids))
	}
	if p.reads != 3 || p.grace != 15*time.Second {
		t.Errorf("read %d batches with grace %v, want 3 with 15s", p.reads, p.grace)
	}
}

func TestSweepStopsAtTheFirstFailedStart(t *testing.T) {
	p := &pending{ids: []string{"a", "b", "c"}}
	down := errors.New("temporal unavailable")
	calls := 0
	r := reconcile.New(p, func(_ context.Context, c store.Complaint) error {
		calls++
		if c.ID == "b" {
			return down
		}
		p.started(c.ID)
		return nil
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	n, err := r.Sweep(t.Context())
	if !errors.Is(err, down) || n != 1 || calls != 2 {
		t.Fatalf("Sweep = %d, %v after %d starts; want 1 started, the error, no third try", n, err, calls)
	}
}

// A row whose mark is never cleared must not hold a sweep forever.
func TestSweepIsBoundedWhenMarksStay(t *testing.T) {
	p := &pending{}
	for i := range 100 {
		p.ids = append(p.ids, "stuck"+strconv.Itoa(i))
	}
	r := reconcile.New(p, func(context.Context, store.Complaint) error { return nil }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	n, err := r.Sweep(t.Context())
	if err != nil || p.reads != 10 || n != 1000 {
		t.Fatalf("Sweep = %d, %v after %d reads; want it to stop after 10 batches", n, err, p.reads)
	}
}

// The notices' sweep runs once at start, then on every tick, and stops with its
// context; a failed sweep does not stop the next.
func TestNoticesSweepAtStartThenEveryTick(t *testing.T) {
	calls := make(chan struct{}, 100)
	n := reconcile.NewNotices(func(context.Context) (activities.Abandoned, error) {
		calls <- struct{}{}
		return activities.Abandoned{Settled: 1}, errors.New("store down")
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	wait := func(what string) {
		t.Helper()
		select {
		case <-calls:
		case <-time.After(10 * time.Second):
			t.Fatal(what + " did not come")
		}
	}

	ctx, cancel := context.WithCancel(t.Context())
	n.Every = time.Hour
	stopped := make(chan struct{})
	go func() { n.Run(ctx); close(stopped) }()
	wait("the sweep at start")
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop with its context")
	}

	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	n.Every = 10 * time.Millisecond
	go n.Run(ctx)
	for range 3 {
		wait("a sweep after a failed one")
	}
}
