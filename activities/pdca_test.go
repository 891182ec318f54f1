package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

func cycleEnv(t *testing.T) (*store.Store, *testsuite.TestActivityEnvironment) {
	t.Helper()
	st, err := store.Open(context.Background(), testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	now := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
	env.RegisterActivity(&activities.Activities{Cycles: st, Now: func() time.Time { return now }})
	return st, env
}

func propose(t *testing.T, env *testsuite.TestActivityEnvironment, p activities.Proposal) activities.ProposedCycle {
	t.Helper()
	var a *activities.Activities
	v, err := env.ExecuteActivity(a.ProposeCycle, p)
	if err != nil {
		t.Fatal(err)
	}
	var out activities.ProposedCycle
	if err := v.Get(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestProposeCycleIsIdempotentPerReviewAndOpportunity(t *testing.T) {
	st, env := cycleEnv(t)
	baseline, target := 60.0, 80.0
	p := activities.Proposal{
		Key: "resolution_rate/category:logistics", ReviewID: "review-schedule:monthly-2026-01-01T01:00:00Z",
		Title: "Logistics resolution", Rule: "resolution_rate", Evidence: "60 % < 80 %", Metric: quality.ResolutionRate,
		Category: "logistics", Baseline: &baseline, Target: &target, TimeZone: "Asia/Shanghai",
	}
	first := propose(t, env, p)
	retry := propose(t, env, p) // the activity retried after its first attempt committed
	if !first.Created || !retry.Created || retry.CycleID != first.CycleID {
		t.Fatalf("first %+v, retry %+v: want the same cycle, created both times", first, retry)
	}
	other := p
	other.ReviewID = "review-schedule:monthly-2026-02-01T01:00:00Z"
	if got := propose(t, env, other); got.Created || got.CycleID != first.CycleID {
		t.Fatalf("next month's review: %+v, want the open cycle %s, not created", got, first.CycleID)
	}
	c, err := st.Cycle(context.Background(), first.CycleID)
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkflowID != "pdca:"+c.ID || c.TimeZone != "Asia/Shanghai" || c.CheckSpec != "0 9 1,15 * *" || c.MaxIterations != 6 ||
		c.Baseline == nil || *c.Baseline != 60 || c.Target == nil || *c.Target != 80 || !c.OpenedAt.Equal(time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("cycle: %+v", c)
	}
	// Marked for the API's reconciler, once: should the review fail before starting
	// it, the next review finds it open and starts nothing.
	marks, err := st.PendingQualityStarts(context.Background(), 0, 10)
	if err != nil || len(marks) != 1 || marks[0].CycleID == nil || *marks[0].CycleID != first.CycleID {
		t.Errorf("marks %+v (%v), want the proposed cycle's", marks, err)
	}

	manual := activities.Proposal{Key: "manual/1", Title: "By hand", Metric: quality.NPS}
	if a, b := propose(t, env, manual), propose(t, env, activities.Proposal{Key: "manual/2", Title: "By hand", Metric: quality.NPS}); !a.Created || !b.Created || a.CycleID == b.CycleID {
		t.Errorf("manual cycles: %+v %+v, want two", a, b)
	}

	var a *activities.Activities
	_, err = env.ExecuteActivity(a.ProposeCycle, activities.Proposal{Key: "x", Metric: "speed"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() {
		t.Errorf("unknown metric: got %v, want a non-retryable error", err)
	}
	_, err = env.ExecuteActivity(a.LoadCycle, uuid.NewString())
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeNotFound || !appErr.NonRetryable() {
		t.Errorf("unknown cycle: got %v, want a non-retryable NotFound", err)
	}
}

func TestRecordCycleEventWritesTheStateOnce(t *testing.T) {
	st, env := cycleEnv(t)
	c := propose(t, env, activities.Proposal{Key: "k", Title: "t", Metric: quality.ResolutionRate})
	at := time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC)
	due := at.AddDate(0, 0, 25)
	plan := &quality.CyclePlan{Measures: []quality.CycleMeasure{{Description: "Route", Owner: "ann", Due: due}},
		Baseline: 60, Target: 75, Due: due, SubmittedBy: "qin", SubmittedAt: at}
	baseline, target := 60.0, 75.0
	r := activities.CycleRecord{CycleID: c.CycleID, Key: "pdca:" + c.CycleID + "/1/plan_approved/1", Kind: "plan_approved",
		Iteration: 1, Actor: "lee", At: at, Data: map[string]any{"plan": plan},
		State: activities.CycleSnapshot{Seq: 1, Stage: "do", Iteration: 1, Plan: plan, PlanStatus: "approved", DueAt: &due,
			Baseline: &baseline, Target: &target},
	}
	var a *activities.Activities
	for range 2 {
		if _, err := env.ExecuteActivity(a.RecordCycleEvent, r); err != nil {
			t.Fatal(err)
		}
	}
	events, err := st.CycleEvents(context.Background(), c.CycleID)
	if err != nil || len(events) != 2 || events[1].Kind != "plan_approved" || events[1].Actor != "lee" {
		t.Fatalf("events %+v err %v, want proposed and one plan_approved", events, err)
	}
	row, _ := st.Cycle(context.Background(), c.CycleID)
	var stored quality.CyclePlan
	if err := json.Unmarshal([]byte(*row.Plan), &stored); err != nil {
		t.Fatal(err)
	}
	if row.Stage != "do" || row.PlanStatus != "approved" || !row.DueAt.Equal(due) || *row.Target != 75 ||
		stored.Measures[0].Owner != "ann" || row.History != "[]" || row.LastProgressAt != nil {
		t.Errorf("row after the event: %+v", row)
	}
	r.CycleID, r.Key = uuid.NewString(), "other"
	_, err = env.ExecuteActivity(a.RecordCycleEvent, r)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeNotFound {
		t.Errorf("event of an unknown cycle: got %v, want NotFound", err)
	}
}

// insertCycleComplaint writes a complaint opened at opened, carrying keywords:
// resolved an hour later if resolved, else past its resolution deadline (breached
// 24 h later), so that it counts unresolved in the resolution rate.
func insertCycleComplaint(t *testing.T, st *store.Store, category string, opened time.Time, resolved bool, keywords ...string) {
	t.Helper()
	id := uuid.NewString()
	_, err := st.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
			customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
			created_at, first_response_due_at, keywords)
		VALUES ($1, $2, 'hash', $2, 'web', 'cust', 'name', 'medium', $3, 'medium', 's', 'd', 86400, $4, $4, $5)`,
		id, "cycle-"+id, category, opened, pq.StringArray(append([]string{}, keywords...)))
	if err != nil {
		t.Fatal(err)
	}
	events := []complaint.Event{{Kind: complaint.EventOpened, At: opened}}
	if resolved {
		events = append(events, complaint.Event{Kind: complaint.EventResolved, At: opened.Add(time.Hour)})
	} else {
		events = append(events, complaint.Event{Kind: complaint.EventSLABreached, Clock: complaint.ClockResolution, At: opened.Add(24 * time.Hour)})
	}
	for i, e := range events {
		e.ComplaintID, e.Key, e.Actor = id, fmt.Sprintf("%s/%d", id, i), "test"
		data, _ := json.Marshal(e)
		if _, err := st.DB().Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, e.Key, e.Kind, e.Actor, e.At, string(data)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMeasureCycleMetricComputesOverTheWindowAndRecordsTheCheck(t *testing.T) {
	st, env := cycleEnv(t)
	ctx := context.Background()
	from := time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC)
	to := time.Date(2026, 1, 15, 1, 0, 0, 0, time.UTC)
	for i, resolved := range []bool{true, true, true, false} { // logistics: 3 of 4 resolved
		insertCycleComplaint(t, st, "logistics", from.Add(time.Duration(i+1)*time.Hour), resolved, "延误")
	}
	insertCycleComplaint(t, st, "service", from.Add(time.Hour), false, "延误")
	insertCycleComplaint(t, st, "logistics", from.Add(-time.Hour), false, "延误") // before the window
	insertCycleComplaint(t, st, "logistics", to, true, "延误")                    // at its end: the next window's

	rules := quality.DefaultReviewRules()
	rules.MinVolume = 4 // judged on 4 complaints due, so these few make a verdict
	if _, err := st.PutReviewRules(ctx, rules, "test", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	c := propose(t, env, activities.Proposal{Key: "k", Title: "t", Metric: quality.ResolutionRate, Category: "logistics"})
	baseline := 60.0
	in := activities.MeasureInput{CycleID: c.CycleID, Iteration: 1, Metric: quality.ResolutionRate, Category: "logistics",
		From: from, To: to, Baseline: &baseline, Target: 80}
	measure := func(in activities.MeasureInput) activities.CycleCheck { return measureCycle(t, env, in) }
	got := measure(in)
	if got.Value == nil || *got.Value != 75 || got.Met || !got.CheckedAt.Equal(to) || !got.WindowFrom.Equal(from) ||
		got.Target != 80 || *got.Baseline != 60 || got.Final || !got.Judged() || *got.Samples != 4 || *got.MinSamples != 4 {
		t.Errorf("logistics resolution rate: %+v, want 75 %% of 4 not meeting 80", got)
	}
	// A retry after the data moved returns the recorded check.
	insertCycleComplaint(t, st, "logistics", from.Add(5*time.Hour), true)
	insertCycleComplaint(t, st, "logistics", from.Add(6*time.Hour), true)
	if again := measure(in); *again.Value != 75 {
		t.Errorf("retry: %v, want the recorded 75", *again.Value)
	}

	all := in
	all.Category, all.To, all.Target = "", to.Add(time.Hour), 75
	if got := measure(all); *got.Value != 75 || !got.Met { // 6 of 8 across categories, the service one unresolved
		t.Errorf("all categories: %v, want 75 meeting 75", *got.Value)
	}
	kw := in
	kw.Metric, kw.Keyword, kw.Target, kw.To = quality.KeywordVolume, "延误", 3, to.Add(2*time.Hour)
	if got := measure(kw); *got.Value != 5 || got.Met || *got.Samples != 5 || *got.MinSamples != 0 { // lower is better: 5 > 3
		t.Errorf("keyword volume: %+v, want 5 not meeting 3, a count judged however small", got)
	}
	empty := in
	empty.Category, empty.To = "after_sales", to.Add(3*time.Hour)
	if got := measure(empty); got.Value != nil || got.Met || got.Judged() || *got.Samples != 0 {
		t.Errorf("a category without complaints: %+v, want no value, not judged on 0 samples", got)
	}
	checks, err := st.CycleChecks(ctx, c.CycleID)
	if err != nil || len(checks) != 4 {
		t.Errorf("got %d checks (err %v), want 4", len(checks), err)
	}
}

func measureCycle(t *testing.T, env *testsuite.TestActivityEnvironment, in activities.MeasureInput) activities.CycleCheck {
	t.Helper()
	var a *activities.Activities
	v, err := env.ExecuteActivity(a.MeasureCycleMetric, in)
	if err != nil {
		t.Fatal(err)
	}
	var out activities.CycleCheck
	if err := v.Get(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The quality lead's cycle: the measures worked during Do, then the final check
// came moments after a check on demand. It judges the Do period as a whole, not the
// empty moments since; and a rate on fewer complaints than the review rules'
// min_volume (10 by default) is no verdict either way.
func TestMeasureCycleMetricFinalJudgesTheWholeDoPeriodOnEnoughSamples(t *testing.T) {
	st, env := cycleEnv(t)
	ctx := context.Background()
	approved := time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC)
	checkedNow := approved.Add(20 * 24 * time.Hour)
	due := checkedNow.Add(90 * time.Second)
	for i := range 12 { // 11 of 12 resolved: 91.67 %
		insertCycleComplaint(t, st, "logistics", approved.Add(time.Duration(i+1)*time.Hour), i != 0)
	}
	baseline := 60.0
	c := propose(t, env, activities.Proposal{Key: "k", Title: "t", Metric: quality.ResolutionRate, Category: "logistics"})
	in := activities.MeasureInput{CycleID: c.CycleID, Iteration: 1, Metric: quality.ResolutionRate, Category: "logistics",
		From: approved, To: checkedNow, Baseline: &baseline, Target: 80}
	if got := measureCycle(t, env, in); !got.Met || !got.Judged() || *got.Samples != 12 {
		t.Fatalf("check on demand: %+v, want 91.67 %% of 12 meeting 80", got)
	}
	final := in
	final.From, final.To, final.Final = checkedNow, due, true // the workflow's window: since the last check
	got := measureCycle(t, env, final)
	if !got.WindowFrom.Equal(approved) || !got.WindowTo.Equal(due) || got.Value == nil || *got.Value != 91.67 ||
		!got.Met || !got.Judged() || *got.Samples != 12 || *got.MinSamples != 10 {
		t.Errorf("final check: %+v, want the Do period from the approval, 91.67 %% of 12 meeting 80", got)
	}
	// Another iteration's checks do not stretch this one's Do period.
	next := final
	next.Iteration, next.From, next.To = 2, due.Add(time.Hour), due.Add(2*time.Hour)
	if got := measureCycle(t, env, next); !got.WindowFrom.Equal(next.From) {
		t.Errorf("iteration 2's first, final check: window from %v, want %v", got.WindowFrom, next.From)
	}

	// One complaint, resolved: 100 %, but no verdict.
	lone := propose(t, env, activities.Proposal{Key: "lone", Title: "t", Metric: quality.ResolutionRate, Category: "returns"})
	insertCycleComplaint(t, st, "returns", approved.Add(time.Hour), true)
	one := activities.MeasureInput{CycleID: lone.CycleID, Iteration: 1, Metric: quality.ResolutionRate, Category: "returns",
		From: approved, To: due, Baseline: &baseline, Target: 80, Final: true}
	got = measureCycle(t, env, one)
	if got.Value == nil || *got.Value != 100 || got.Met || got.Judged() || *got.Samples != 1 || *got.MinSamples != 10 {
		t.Errorf("one complaint: %+v, want 100 %% not judged on 1 of 10 samples", got)
	}
	checks, err := st.CycleChecks(ctx, lone.CycleID)
	if err != nil || len(checks) != 1 || checks[0].Judged() || *checks[0].Samples != 1 || *checks[0].MinSamples != 10 {
		t.Errorf("stored: %+v (err %v), want the counts recorded", checks, err)
	}
}
