package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

func newCycle(key string, opened time.Time) quality.NewCycle {
	id := uuid.NewString()
	return quality.NewCycle{
		ID: id, WorkflowID: "pdca:" + id, ReviewID: "review-1", OpportunityKey: key, Title: "Logistics resolution",
		Rule: "resolution_rate", Evidence: "logistics resolution rate 60 % < 80 %", Metric: quality.ResolutionRate,
		Category: "logistics", Baseline: pdcaPtr(60.0), OpenedAt: opened,
	}
}

func closeCycle(t *testing.T, st *store.Store, c quality.Cycle, at time.Time) {
	t.Helper()
	_, err := st.RecordCycleEvent(context.Background(), quality.CycleEvent{
		CycleID: c.ID, Key: c.WorkflowID + "/1/closed/1", Kind: "closed", Iteration: 1, Actor: "lee", OccurredAt: at,
	}, quality.CycleState{Seq: 1, Stage: quality.StageClosed, Iteration: 1, PlanStatus: quality.PlanDraft,
		ClosedAt: pdcaPtr(at), Outcome: pdcaPtr(quality.OutcomeWithdrawn)})
	if err != nil {
		t.Fatal(err)
	}
}

func TestProposeCycleOncePerOpenOpportunity(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	opened := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
	first := newCycle("resolution_rate/category:logistics", opened)

	c, created, err := st.ProposeCycle(ctx, first)
	if err != nil || !created {
		t.Fatalf("first proposal: created=%v err=%v", created, err)
	}
	if c.Stage != quality.StagePlan || c.PlanStatus != quality.PlanDraft || c.Iteration != 1 || c.CheckSpec != "0 9 1,15 * *" ||
		c.TimeZone != "UTC" || c.MaxIterations != 6 || c.History != "[]" || c.ClosedAt != nil || !c.OpenedAt.Equal(opened) {
		t.Errorf("proposed cycle: %+v", c)
	}

	// The same proposal retried (same ID) learns it created the cycle.
	again, created, err := st.ProposeCycle(ctx, first)
	if err != nil || !created || again.ID != first.ID {
		t.Fatalf("retry: id=%s created=%v err=%v, want %s created", again.ID, created, err, first.ID)
	}
	// Another review proposing the same opportunity gets the open cycle.
	other := newCycle(first.OpportunityKey, opened.Add(time.Hour))
	other.ReviewID = "review-2"
	dup, created, err := st.ProposeCycle(ctx, other)
	if err != nil || created || dup.ID != first.ID {
		t.Fatalf("second review: id=%s created=%v err=%v, want %s not created", dup.ID, created, err, first.ID)
	}
	if n := count(t, st, "pdca_cycles"); n != 1 {
		t.Errorf("got %d cycles, want 1", n)
	}
	events, err := st.CycleEvents(ctx, first.ID)
	if err != nil || len(events) != 1 || events[0].Kind != "proposed" || events[0].Actor != "review-1" ||
		events[0].Key != "pdca:"+first.ID+"/1/proposed/1" {
		t.Fatalf("events: %+v err %v, want one proposed event", events, err)
	}

	// Once the cycle is closed, the opportunity may be proposed again.
	closeCycle(t, st, c, opened.Add(24*time.Hour))
	next, created, err := st.ProposeCycle(ctx, other)
	if err != nil || !created || next.ID != other.ID {
		t.Fatalf("after closing: id=%s created=%v err=%v, want a new cycle %s", next.ID, created, err, other.ID)
	}
	// A retry of the first proposal now finds its closed cycle, and did not create the open one.
	old, created, err := st.ProposeCycle(ctx, first)
	if err != nil || created || old.ID != other.ID {
		t.Fatalf("late retry of the first proposal: id=%s created=%v err=%v", old.ID, created, err)
	}

	open := true
	listed, err := st.Cycles(ctx, store.CycleFilter{Open: &open, Limit: 10})
	if err != nil || len(listed) != 1 || listed[0].ID != other.ID {
		t.Errorf("open cycles: %v err %v", listed, err)
	}
}

func TestRecordCycleEventIsIdempotentAndOnlyMovesTheStateForward(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	at := time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC)
	c, _, err := st.ProposeCycle(ctx, newCycle("k", at.Add(-time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	plan := `{"measures":[{"description":"Route","owner":"ann","due":"2026-01-25T10:00:00Z"}],"target":75}`
	approved := quality.CycleEvent{CycleID: c.ID, Key: c.WorkflowID + "/1/plan_approved/1", Kind: "plan_approved",
		Iteration: 1, Actor: "lee", OccurredAt: at, Data: `{"plan":` + plan + `}`}
	doing := quality.CycleState{Seq: 2, Stage: quality.StageDo, Iteration: 1, PlanStatus: quality.PlanApproved,
		Plan: pdcaPtr(plan), DueAt: pdcaPtr(at.AddDate(0, 0, 25)),
		Baseline: pdcaPtr(60.0), Target: pdcaPtr(75.0)}
	for i, want := range []bool{true, false} {
		got, err := st.RecordCycleEvent(ctx, approved, doing)
		if err != nil || got != want {
			t.Fatalf("attempt %d: recorded=%v err=%v, want %v", i+1, got, err, want)
		}
	}
	// An event recorded concurrently with an older state: logged, but the state stays.
	stale := quality.CycleState{Seq: 1, Stage: quality.StagePlan, Iteration: 1, PlanStatus: quality.PlanSubmitted}
	if ok, err := st.RecordCycleEvent(ctx, quality.CycleEvent{CycleID: c.ID, Key: c.WorkflowID + "/1/plan_submitted/1",
		Kind: "plan_submitted", Iteration: 1, Actor: "qin", OccurredAt: at.Add(-time.Minute)}, stale); err != nil || !ok {
		t.Fatalf("stale event: recorded=%v err=%v", ok, err)
	}
	got, err := st.Cycle(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != quality.StageDo || got.PlanStatus != quality.PlanApproved || got.StateSeq != 2 || *got.Target != 75 ||
		!got.DueAt.Equal(at.AddDate(0, 0, 25)) || got.Plan == nil {
		t.Errorf("state after the stale event: %+v", got)
	}
	events, _ := st.CycleEvents(ctx, c.ID)
	if len(events) != 3 {
		t.Errorf("got %d events, want proposed, plan_approved, plan_submitted", len(events))
	}

	if _, err := st.DB().Exec(`UPDATE pdca_events SET actor = 'forger'`); err == nil {
		t.Error("updating the cycle log succeeded; it must be append-only")
	}
	if _, err := st.DB().Exec(`DELETE FROM pdca_events`); err == nil {
		t.Error("deleting from the cycle log succeeded; it must be append-only")
	}
	unknown := approved
	unknown.CycleID, unknown.Key = uuid.NewString(), "other"
	if _, err := st.RecordCycleEvent(ctx, unknown, doing); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("event of an unknown cycle: got %v, want ErrNotFound", err)
	}
	if _, err := st.Cycle(ctx, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown cycle: got %v, want ErrNotFound", err)
	}
}

func TestRecordCycleCheckKeepsTheFirstMeasurement(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.ProposeCycle(ctx, newCycle("k", time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 15, 1, 0, 0, 0, time.UTC)
	check := quality.CycleCheck{CycleID: c.ID, Iteration: 1, CheckedAt: at, WindowFrom: at.AddDate(0, 0, -9), WindowTo: at,
		Value: pdcaPtr(65.5), Baseline: pdcaPtr(60.0), Target: 75}
	first, err := st.RecordCycleCheck(ctx, check)
	if err != nil {
		t.Fatal(err)
	}
	retry := check
	retry.Value, retry.Met = pdcaPtr(80.0), true // the data moved between attempts
	second, err := st.RecordCycleCheck(ctx, retry)
	if err != nil {
		t.Fatal(err)
	}
	if *first.Value != 65.5 || *second.Value != 65.5 || second.Met || !second.CheckedAt.Equal(at) {
		t.Errorf("first %+v, retry %+v: want the first measurement both times", first, second)
	}
	noData := check
	noData.CheckedAt, noData.Value = at.AddDate(0, 0, 17), nil
	if _, err := st.RecordCycleCheck(ctx, noData); err != nil {
		t.Fatal(err)
	}
	checks, err := st.CycleChecks(ctx, c.ID)
	if err != nil || len(checks) != 2 || checks[1].Value != nil {
		t.Errorf("checks: %+v err %v, want two, the second without a value", checks, err)
	}
	unknown := check
	unknown.CycleID = uuid.NewString()
	if _, err := st.RecordCycleCheck(ctx, unknown); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("check of an unknown cycle: got %v, want ErrNotFound", err)
	}
}

func pdcaPtr[T any](v T) *T { return &v }
