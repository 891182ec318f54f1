package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/api/serviceerror"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/reconcile"
	"github.com/complaintflow/complaintflow/internal/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// counted is a fresh registry's sweep metrics.
func counted(t *testing.T) *reconcile.Metrics {
	t.Helper()
	m, err := reconcile.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

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
	}, quiet, counted(t))
	n, err := r.Sweep(t.Context())
	if err != nil || n != (reconcile.Swept{Started: 250}) || len(starts) != 250 || len(p.ids) != 0 {
		t.Fatalf("Sweep = %+v, %v; started %d, left %d; want all 250 started", n, err, len(starts), len(p.ids))
	}
	if p.reads != 3 || p.grace != 15*time.Second {
		t.Errorf("read %d batches with grace %v, want 3 with 15s", p.reads, p.grace)
	}
}

// A row whose start fails is passed over, so it cannot starve the rows behind it;
// the sweep's error names it.
func TestSweepGoesPastAFailedStart(t *testing.T) {
	p := &pending{ids: []string{"a", "poison", "c"}}
	bad := errors.New("invalid search attribute")
	r := reconcile.New(p, func(_ context.Context, c store.Complaint) error {
		if c.ID == "poison" {
			return bad
		}
		p.started(c.ID)
		return nil
	}, quiet, counted(t))
	n, err := r.Sweep(t.Context())
	if !errors.Is(err, bad) || !strings.Contains(err.Error(), "complaint poison") ||
		n != (reconcile.Swept{Started: 2, Failed: 1}) || len(p.ids) != 1 {
		t.Fatalf("Sweep = %+v, %v, left %v; want a and c started, the poisoned row's error", n, err, p.ids)
	}
}

// A whole batch of failing rows does not hold back the rows behind it either, and
// each failing row is tried once a sweep.
func TestAFullBatchOfFailingRowsStarvesNothingBehind(t *testing.T) {
	p := &pending{}
	for i := range 100 {
		p.ids = append(p.ids, "poison"+strconv.Itoa(i))
	}
	for i := range 130 {
		p.ids = append(p.ids, "ok"+strconv.Itoa(i))
	}
	tries := map[string]int{}
	r := reconcile.New(p, func(_ context.Context, c store.Complaint) error {
		if tries[c.ID]++; strings.HasPrefix(c.ID, "poison") {
			return errors.New("poisoned")
		}
		p.started(c.ID)
		return nil
	}, quiet, counted(t))
	n, err := r.Sweep(t.Context())
	if err == nil || n != (reconcile.Swept{Started: 130, Failed: 100}) || len(p.ids) != 100 {
		t.Fatalf("Sweep = %+v, %v, left %d; want the 130 behind started", n, err, len(p.ids))
	}
	for id, n := range tries {
		if n != 1 {
			t.Errorf("%s tried %d times in one sweep, want once", id, n)
		}
	}
}

// An outage stops the sweep: every row after it would fail too, each after a
// timeout. So does the end of the sweep's context.
func TestSweepStopsAtAnOutage(t *testing.T) {
	for name, fail := range map[string]error{
		"temporal unavailable": serviceerror.NewUnavailable("connection refused"),
		"temporal too slow":    fmt.Errorf("start: %w", context.DeadlineExceeded),
	} {
		p := &pending{ids: []string{"a", "poison", "b", "c"}}
		calls := 0
		r := reconcile.New(p, func(_ context.Context, c store.Complaint) error {
			switch calls++; c.ID {
			case "poison":
				return errors.New("poisoned")
			case "b":
				return fail
			}
			p.started(c.ID)
			return nil
		}, quiet, counted(t))
		n, err := r.Sweep(t.Context())
		if !errors.Is(err, fail) || n != (reconcile.Swept{Started: 1, Failed: 2}) || calls != 3 {
			t.Errorf("%s: Sweep = %+v, %v after %d starts; want a started, the outage's error, c not tried", name, n, err, calls)
		}
	}
}

// A row whose mark is never cleared must not hold a sweep forever.
func TestSweepIsBoundedWhenMarksStay(t *testing.T) {
	p := &pending{}
	for i := range 100 {
		p.ids = append(p.ids, "stuck"+strconv.Itoa(i))
	}
	r := reconcile.New(p, func(context.Context, store.Complaint) error { return nil }, quiet, counted(t))
	n, err := r.Sweep(t.Context())
	if err != nil || p.reads != 10 || n.Started != 1000 {
		t.Fatalf("Sweep = %+v, %v after %d reads; want it to stop after 10 batches", n, err, p.reads)
	}
}

// The notices' sweep runs once at start, then on every tick, and stops with its
// context; a failed sweep does not stop the next.
func TestNoticesSweepAtStartThenEveryTick(t *testing.T) {
	calls := make(chan struct{}, 100)
	n := reconcile.NewNotices(func(context.Context) (activities.Abandoned, error) {
		calls <- struct{}{}
		return activities.Abandoned{Settled: 1}, errors.New("store down")
	}, quiet, counted(t))
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

// series reads one counter series from reg; found is false when the series does
// not exist.
func series(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) (v float64, found bool) {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue metrics
				}
			}
			return m.GetCounter().GetValue(), true
		}
	}
	return 0, false
}

// eventually polls cond until it holds or 10 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
	}
}

// An operator alerts on the sweeps' counters: each series exists at 0 from the
// start, a failed sweep counts as failed with the rows it did repair, and the rows
// add up across sweeps.
func TestSweepsAreCounted(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := reconcile.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	p := &pending{ids: []string{"a", "b", "c", "d"}}
	down := true
	r := reconcile.New(p, func(_ context.Context, c store.Complaint) error {
		if c.ID == "b" && down {
			down = false
			return errors.New("bad row")
		}
		p.started(c.ID)
		return nil
	}, quiet, m)
	settles := 0
	n := reconcile.NewNotices(func(context.Context) (activities.Abandoned, error) {
		if settles++; settles == 1 {
			return activities.Abandoned{Settled: 1}, errors.New("store down")
		}
		return activities.Abandoned{Settled: 2, Held: 1}, nil
	}, quiet, m)

	for _, s := range []struct {
		sweep, label, value string
	}{
		{"workflow_starts", "result", "ok"}, {"workflow_starts", "result", "failed"},
		{"notices", "result", "ok"}, {"notices", "result", "failed"},
		{"workflow_starts", "outcome", "started"},
		{"workflow_starts", "outcome", "failed"},
		{"notices", "outcome", "settled"}, {"notices", "outcome", "held"},
	} {
		name := "complaintflow_sweep_runs_total"
		if s.label == "outcome" {
			name = "complaintflow_sweep_rows_total"
		}
		if v, found := series(t, reg, name, map[string]string{"sweep": s.sweep, s.label: s.value}); !found || v != 0 {
			t.Errorf("before any sweep %s{sweep=%q,%s=%q} = %v, found %v; want 0 and present", name, s.sweep, s.label, s.value, v, found)
		}
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r.Every, n.Every = 5*time.Millisecond, 5*time.Millisecond
	go r.Run(ctx)
	go n.Run(ctx)
	// Sweeps run concurrently with the reads; the reads only wait for the counts.
	runs := func(sweep, result string) float64 {
		v, _ := series(t, reg, "complaintflow_sweep_runs_total", map[string]string{"sweep": sweep, "result": result})
		return v
	}
	eventually(t, "the reconciler's sweeps were not counted", func() bool {
		return runs("workflow_starts", "failed") == 1 && runs("workflow_starts", "ok") >= 1
	})
	eventually(t, "the notices' sweeps were not counted", func() bool {
		return runs("notices", "failed") == 1 && runs("notices", "ok") >= 2
	})
	cancel()
	for outcome, want := range map[string]float64{"started": 4, "failed": 1} {
		if v, _ := series(t, reg, "complaintflow_sweep_rows_total", map[string]string{"sweep": "workflow_starts", "outcome": outcome}); v != want {
			t.Errorf("workflow starts %s counted %v, want %v (a, c and d past b's failure, b on the next sweep)", outcome, v, want)
		}
	}
	ok := runs("notices", "ok")
	settled, _ := series(t, reg, "complaintflow_sweep_rows_total", map[string]string{"sweep": "notices", "outcome": "settled"})
	held, _ := series(t, reg, "complaintflow_sweep_rows_total", map[string]string{"sweep": "notices", "outcome": "held"})
	if settled != 1+2*ok || held != ok {
		t.Errorf("notices settled %v, held %v after 1 failed and %v ok sweeps; want %v and %v", settled, held, ok, 1+2*ok, ok)
	}
}

// Two sweeps in one process share one registry's counters.
func TestMetricsRegisterTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, err := reconcile.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := reconcile.NewMetrics(reg)
	if err != nil {
		t.Fatalf("second registration: %v", err)
	}
	reconcile.NewNotices(func(context.Context) (activities.Abandoned, error) { return activities.Abandoned{}, nil }, quiet, a)
	reconcile.New(&pending{}, func(context.Context, store.Complaint) error { return nil }, quiet, b)
	for _, sweep := range []string{"workflow_starts", "notices"} {
		if _, found := series(t, reg, "complaintflow_sweep_runs_total", map[string]string{"sweep": sweep, "result": "ok"}); !found {
			t.Errorf("no %s series in the one registry", sweep)
		}
	}
}

// qualityPending is a queue of marked risk alerts and cycles.
type qualityPending struct{ marks []store.QualityStart }

func (q *qualityPending) PendingQualityStarts(_ context.Context, _ time.Duration, limit int) ([]store.QualityStart, error) {
	return q.marks[:min(limit, len(q.marks))], nil
}

// The risk alerts' and cycles' sweep hands every mark to its start and counts the
// starts under its own name.
func TestQualitySweepStartsEveryMarkedAlertAndCycle(t *testing.T) {
	alert, cycle := "a1", "c1"
	q := &qualityPending{marks: []store.QualityStart{{RiskAlertID: &alert}, {CycleID: &cycle}}}
	reg := prometheus.NewRegistry()
	m, err := reconcile.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	var started []string
	r := reconcile.NewQuality(q, func(_ context.Context, st store.QualityStart) error {
		if st.RiskAlertID != nil {
			started = append(started, "alert "+*st.RiskAlertID)
		} else {
			started = append(started, "cycle "+*st.CycleID)
		}
		q.marks = q.marks[1:]
		return nil
	}, quiet, m)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r.Every = 5 * time.Millisecond
	stopped := make(chan struct{})
	go func() { r.Run(ctx); close(stopped) }()
	eventually(t, "the quality sweep's starts were not counted", func() bool {
		v, _ := series(t, reg, "complaintflow_sweep_rows_total", map[string]string{"sweep": "quality_workflow_starts", "outcome": "started"})
		return v == 2
	})
	cancel()
	<-stopped
	if len(started) != 2 || started[0] != "alert a1" || started[1] != "cycle c1" {
		t.Errorf("started %v, want alert a1 then cycle c1", started)
	}
}
