package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zone database

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// pdcaFakes stands in for the PDCA activities under their names, with the real
// ones' idempotency: an event key is recorded once, a notice once per (key, recipient).
type pdcaFakes struct {
	mu       sync.Mutex
	def      activities.CycleDefinition
	values   map[time.Time]float64 // metric value by check time (UTC)
	thin     map[time.Time]int64   // samples of a check on fewer than 10 (UTC check time)
	events   []activities.CycleRecord
	measured []activities.MeasureInput
	notices  []activities.Notice
}

func (f *pdcaFakes) LoadCycle(_ context.Context, id string) (activities.CycleDefinition, error) {
	if id != f.def.CycleID {
		return activities.CycleDefinition{}, temporal.NewNonRetryableApplicationError("no cycle "+id, activities.ErrTypeNotFound, nil)
	}
	return f.def, nil
}

func (f *pdcaFakes) RecordCycleEvent(_ context.Context, r activities.CycleRecord) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.events {
		if e.Key == r.Key {
			return nil
		}
	}
	f.events = append(f.events, r)
	return nil
}

func (f *pdcaFakes) MeasureCycleMetric(_ context.Context, in activities.MeasureInput) (activities.CycleCheck, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.measured = append(f.measured, in)
	v, ok := f.values[in.To.UTC()]
	if !ok {
		return activities.CycleCheck{}, fmt.Errorf("no metric value for a check at %s", in.To)
	}
	chk := activities.CycleCheck{
		Iteration: in.Iteration, CheckedAt: in.To, WindowFrom: in.From, WindowTo: in.To, Value: &v,
		Baseline: in.Baseline, Target: in.Target, Met: in.Metric.Met(v, in.Target), Final: in.Final,
	}
	if n, ok := f.thin[in.To.UTC()]; ok {
		// As the activity records one: not judged, so not met.
		minimum := int64(10)
		chk.Samples, chk.MinSamples, chk.Met = &n, &minimum, false
	}
	return chk, nil
}

func (f *pdcaFakes) LoadQualityTeam(context.Context) (activities.QualityTeam, error) {
	return activities.QualityTeam{TeamID: "quality", LeadID: "lee", Members: []string{"lee", "qin"}}, nil
}

func (f *pdcaFakes) NotifyAll(_ context.Context, ns []activities.Notice) error {
	f.mu.Lock()
	defer f.mu.Unlock()
next:
	for _, n := range ns {
		for _, old := range f.notices {
			if old.EventKey == n.EventKey && old.Recipient == n.Recipient {
				continue next
			}
		}
		f.notices = append(f.notices, n)
	}
	return nil
}

func (f *pdcaFakes) kinds() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.events))
	for i, e := range f.events {
		out[i] = fmt.Sprintf("%d:%s", e.Iteration, e.Kind)
	}
	return out
}

func (f *pdcaFakes) eventsOf(kind string) []activities.CycleRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []activities.CycleRecord
	for _, e := range f.events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func (f *pdcaFakes) recipientsOf(key string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, n := range f.notices {
		if n.EventKey == key {
			out = append(out, n.Recipient)
		}
	}
	return out
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// cst is a wall-clock time of 2026 in Shanghai (UTC+8, no daylight saving).
func cst(month time.Month, day, hour int) time.Time {
	return time.Date(2026, month, day, hour, 0, 0, 0, shanghai)
}

func f64(v float64) *float64 { return &v }

type PDCASuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env        *testsuite.TestWorkflowEnvironment
	envStart   time.Time
	acts       *pdcaFakes
	rejections []string
	updates    int
}

func TestPDCACycleWorkflow(t *testing.T) { suite.Run(t, new(PDCASuite)) }

func (s *PDCASuite) SetupTest() {
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	s.acts = &pdcaFakes{
		def: activities.CycleDefinition{
			CycleID: "c-1", Title: "Logistics resolution", Metric: quality.ResolutionRate, Category: "logistics",
			Baseline: f64(60), Target: f64(80), TimeZone: "Asia/Shanghai", CheckSpec: "0 9 1,15 * *",
			MaxIterations: 6, OpenedAt: cst(1, 5, 9).UTC(), Stage: "plan",
		},
		values: map[time.Time]float64{},
	}
	s.rejections = nil
}

// newRun starts a fresh test environment at start, as a continued run starts.
func (s *PDCASuite) newRun(start time.Time) {
	s.env = s.NewTestWorkflowEnvironment().SetWorkerOptions(underLoad)
	s.envStart = start
	s.env.SetStartTime(start)
	s.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.PDCAWorkflowID("c-1")})
	s.env.RegisterActivity(s.acts)
}

// at runs fn when the workflow clock reaches t.
func (s *PDCASuite) at(t time.Time, fn func()) {
	s.Require().True(t.After(s.envStart), "callback at %s is not after the run's start", t)
	s.env.RegisterDelayedCallback(fn, t.Sub(s.envStart))
}

func (s *PDCASuite) update(name string, arg any) {
	s.updates++
	s.env.UpdateWorkflow(name, fmt.Sprintf("%s-%d", name, s.updates), &testsuite.TestUpdateCallback{
		OnReject:   func(err error) { s.Fail("update rejected", "%s: %v", name, err) },
		OnAccept:   func() {},
		OnComplete: func(_ any, err error) { s.NoError(err, name) },
	}, arg)
}

func (s *PDCASuite) reject(name string, arg any) { s.refuse(workflows.ErrTypeInvalidAction, name, arg) }

// refuse sends an update the workflow must refuse with an error of type typ.
func (s *PDCASuite) refuse(typ, name string, arg any) {
	s.updates++
	s.env.UpdateWorkflow(name, fmt.Sprintf("refused-%d", s.updates), &testsuite.TestUpdateCallback{
		OnReject: func(err error) {
			var appErr *temporal.ApplicationError
			if s.True(errors.As(err, &appErr), "rejection %v is not an application error", err) {
				s.Equal(typ, appErr.Type(), appErr.Message())
				s.rejections = append(s.rejections, appErr.Message())
			}
		},
		OnAccept:   func() { s.Fail("update accepted", "%s %+v should have been rejected", name, arg) },
		OnComplete: func(any, error) {},
	}, arg)
}

func (s *PDCASuite) query() workflows.PDCAState {
	v, err := s.env.QueryWorkflow(workflows.QueryState)
	s.Require().NoError(err)
	var st workflows.PDCAState
	s.Require().NoError(v.Get(&st))
	return st
}

// continued runs the workflow to its continue-as-new and returns the next run's input.
func (s *PDCASuite) continued(in workflows.PDCAInput) workflows.PDCAInput {
	s.env.ExecuteWorkflow(workflows.PDCACycleWorkflow, in)
	s.Require().True(s.env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	s.Require().True(errors.As(s.env.GetWorkflowError(), &can), "want continue-as-new, got %v", s.env.GetWorkflowError())
	s.Equal("PDCACycleWorkflow", can.WorkflowType.Name)
	var next workflows.PDCAInput
	s.Require().NoError(converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	return next
}

func (s *PDCASuite) plan(by string, target float64, due time.Time, measures ...workflows.PlanMeasure) workflows.PlanRequest {
	return workflows.PlanRequest{By: by, Measures: measures, Target: &target, Due: due}
}

func measure(desc, owner string, due time.Time) workflows.PlanMeasure {
	return workflows.PlanMeasure{Description: desc, Owner: owner, Due: due}
}

func utc(ts ...time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}

func (s *PDCASuite) timesOf(kind string) []time.Time {
	var out []time.Time
	for _, e := range s.acts.eventsOf(kind) {
		out = append(out, e.At.UTC())
	}
	return out
}

func intPtr(n int) *int { return &n }

// A whole spiral of three months: proposed Monday 5 January 2026 09:00 in Shanghai;
// iteration 1's plan is sent back once, resubmitted and approved, progress reminders
// fire a week after the approval and after the last report, checks run at 09:00 on
// the 15th and the 1st, and the final check misses the target; the act's adjusted
// plan continues the spiral as new twice, and iteration 3 meets the target and is
// standardised.
func (s *PDCASuite) TestThreeMonthSpiral() {
	for t, v := range map[time.Time]float64{
		cst(1, 15, 9): 65, cst(2, 1, 9): 70, // iteration 1: target 75
		cst(2, 15, 9): 72, cst(3, 1, 9): 74, // iteration 2: target 78
		cst(3, 15, 9): 79, cst(4, 1, 9): 82, // iteration 3: target 80
	} {
		s.acts.values[t.UTC()] = v
	}
	good := s.plan("qin", 75, cst(1, 31, 9),
		measure("Route logistics enquiries to the courier desk", "ann", cst(1, 25, 18)),
		measure("Train agents on the tracking tool", "bob", cst(1, 30, 18)))

	// Iteration 1.
	s.newRun(cst(1, 5, 9))
	s.at(cst(1, 5, 10), func() {
		s.reject(workflows.UpdateSubmitPlan, s.plan("qin", 75, cst(1, 31, 9)))
		s.reject(workflows.UpdateSubmitPlan, s.plan("qin", 75, cst(1, 31, 9), measure("Route enquiries", "", cst(1, 25, 18))))
		s.reject(workflows.UpdateSubmitPlan, s.plan("qin", 55, cst(1, 31, 9), measure("Route enquiries", "ann", cst(1, 25, 18))))
		s.reject(workflows.UpdateSubmitPlan, s.plan("qin", 75, cst(1, 4, 9), measure("Route enquiries", "ann", cst(1, 25, 18))))
		s.reject(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
		s.reject(workflows.UpdateReportProgress, workflows.ProgressRequest{By: "ann", Note: "started"})
		s.reject(workflows.UpdateAct, workflows.ActRequest{By: "lee", SOPChange: "x"})
	})
	s.at(cst(1, 5, 10).Add(30*time.Minute), func() { s.update(workflows.UpdateSubmitPlan, good) })
	s.at(cst(1, 5, 11), func() {
		s.reject(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanSendBack})
		s.reject(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "qin", Decision: workflows.PlanApprove})
		s.reject(workflows.UpdateSubmitPlan, good)
		st := s.query()
		s.Equal("plan", st.Stage)
		s.Equal("submitted", st.PlanStatus)
		s.Equal(utc(cst(1, 12, 10).Add(30*time.Minute)), utc(*st.NextReminderAt), "a decision is due a week after the submission")
	})
	s.at(cst(1, 5, 11).Add(30*time.Minute), func() {
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanSendBack,
			Reason: "each measure needs a measurable output"})
	})
	s.at(cst(1, 6, 9), func() { s.update(workflows.UpdateSubmitPlan, good) })
	s.at(cst(1, 6, 10), func() {
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
	})
	s.at(cst(1, 6, 11), func() {
		st := s.query()
		s.Equal("do", st.Stage)
		s.Equal("approved", st.PlanStatus)
		s.Equal(cst(1, 15, 9).UTC(), st.NextCheckAt.UTC(), "the first check is the 15th at 09:00 in Shanghai")
		s.Equal(cst(1, 13, 10).UTC(), st.NextReminderAt.UTC(), "a progress reminder a week after the approval")
		s.Equal(75.0, *st.Target)
	})
	s.at(cst(1, 14, 10), func() {
		s.reject(workflows.UpdateReportProgress, workflows.ProgressRequest{By: "ann", Note: "half", Measure: intPtr(0), Percent: intPtr(120)})
		s.reject(workflows.UpdateReportProgress, workflows.ProgressRequest{By: "ann", Note: "half", Measure: intPtr(5)})
		s.update(workflows.UpdateReportProgress, workflows.ProgressRequest{By: "ann", Note: "half the enquiries routed",
			Measure: intPtr(0), Percent: intPtr(50)})
	})
	s.at(cst(2, 2, 9), func() {
		s.reject(workflows.UpdateAct, workflows.ActRequest{By: "qin", SOPChange: "make it standard"})
		s.reject(workflows.UpdateAct, workflows.ActRequest{By: "qin", RootCause: "night shift uncovered",
			AdjustedPlan: &workflows.PlanRequest{By: "qin", Target: f64(78), Due: cst(2, 28, 9),
				Measures: []workflows.PlanMeasure{measure("Cover the night shift", "", cst(2, 20, 18))}}})
		s.reject(workflows.UpdateAct, workflows.ActRequest{By: "qin", RootCause: "night shift uncovered"})
		st := s.query()
		s.Equal("act", st.Stage)
		s.Len(st.Checks, 2)
		s.update(workflows.UpdateAct, workflows.ActRequest{By: "qin", RootCause: "night shift uncovered",
			AdjustedPlan: &workflows.PlanRequest{By: "qin", Target: f64(78), Due: cst(2, 28, 9),
				Measures: []workflows.PlanMeasure{measure("Cover the night shift", "bob", cst(2, 20, 18))}}})
	})
	next := s.continued(workflows.PDCAInput{CycleID: "c-1"})
	s.Equal(cst(2, 2, 9).UTC(), s.env.Now().UTC())

	s.Equal([]string{
		"measures must hold at least one measure",
		"measures[0].owner is required",
		"target 55 does not improve on the baseline 60 (resolution_rate_pct: higher is better)",
		"due must be in the future",
		"no plan awaits a decision",
		"progress is reported in stage do; the cycle is in stage plan",
		"no act decision is awaited; the cycle is in stage plan",
		"send_back needs a reason",
		"the plan's submitter cannot approve it; another member of the quality team must",
		"a submitted plan awaits a decision",
		"percent 120 is not from 0 to 100",
		"measure 5 is not a measure of the plan (0 to 1)",
		"the final check missed the target: root_cause is required",
		"adjusted_plan.measures[0].owner is required",
		"the final check missed the target: adjusted_plan is required",
	}, s.rejections)

	// The state continue-as-new carries.
	s.Equal("c-1", next.CycleID)
	s.Equal(2, next.Iteration)
	s.Equal(60.0, *next.Baseline)
	s.Equal(int64(12), next.Seq, "twelve events recorded in iteration 1")
	s.Require().Len(next.History, 1)
	h := next.History[0]
	s.Equal(1, h.Iteration)
	s.Equal("night shift uncovered", h.RootCause)
	s.Equal("qin", h.DecidedBy)
	s.Equal(75.0, h.Plan.Target)
	s.Equal("lee", h.Plan.DecidedBy)
	s.Equal(50, *h.Plan.Measures[0].Percent)
	s.Require().Len(h.Checks, 2)
	s.Equal([]bool{false, true}, []bool{h.Checks[0].Final, h.Checks[1].Final})
	s.Require().NotNil(next.Plan)
	s.Equal(78.0, next.Plan.Target)
	s.Equal(60.0, next.Plan.Baseline, "the adjusted plan keeps the cycle's baseline")
	s.Equal("qin", next.Plan.SubmittedBy)
	s.Equal(cst(2, 28, 9).UTC(), next.Plan.Due)

	// Iteration 2: the adjusted plan is approved again by someone other than its author.
	s.rejections = nil
	s.newRun(cst(2, 2, 9))
	s.at(cst(2, 2, 10), func() {
		st := s.query()
		s.Equal(2, st.Iteration)
		s.Equal("plan", st.Stage)
		s.Equal("submitted", st.PlanStatus)
		s.reject(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "qin", Decision: workflows.PlanApprove})
	})
	s.at(cst(2, 3, 9), func() {
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
	})
	s.at(cst(3, 2, 9), func() {
		s.update(workflows.UpdateAct, workflows.ActRequest{By: "qin", RootCause: "courier capacity at month end",
			AdjustedPlan: &workflows.PlanRequest{By: "qin", Target: f64(80), Due: cst(3, 31, 9),
				Measures: []workflows.PlanMeasure{measure("Second courier at month end", "ann", cst(3, 25, 18))}}})
	})
	next = s.continued(next)
	s.Equal([]string{"the plan's submitter cannot approve it; another member of the quality team must"}, s.rejections)
	s.Equal(3, next.Iteration)
	s.Equal(60.0, *next.Baseline)
	s.Require().Len(next.History, 2)
	s.Equal("courier capacity at month end", next.History[1].RootCause)
	s.Equal(int64(12+8), next.Seq)

	// Iteration 3: a decision reminder after a week, then the target is met.
	s.rejections = nil
	s.newRun(cst(3, 2, 9))
	s.at(cst(3, 10, 9), func() {
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
	})
	for _, day := range []int{11, 17, 23, 29} {
		s.at(cst(3, day, 9), func() {
			s.update(workflows.UpdateReportProgress, workflows.ProgressRequest{By: "ann", Note: fmt.Sprintf("day %d", day)})
		})
	}
	s.at(cst(4, 2, 9), func() {
		s.reject(workflows.UpdateAct, workflows.ActRequest{By: "qin", RootCause: "none"})
		s.update(workflows.UpdateAct, workflows.ActRequest{By: "qin", SOPChange: "Month-end second courier is in the logistics SOP"})
	})
	s.env.ExecuteWorkflow(workflows.PDCACycleWorkflow, next)
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	s.Equal([]string{"the final check met the target: sop_change is required"}, s.rejections)
	final := s.query()
	s.Equal("closed", final.Stage)
	s.Equal("standardised", final.Outcome)
	s.Equal(cst(4, 2, 9).UTC(), final.ClosedAt.UTC())
	s.Len(final.History, 3)

	// Checks: the 15th and the 1st at 09:00 Shanghai, each over the complaints since
	// the approval or the previous check; the first at or after the due date is final.
	type check struct {
		From, To time.Time
		Target   float64
		Final    bool
	}
	var got []check
	for _, m := range s.acts.measured {
		s.Equal("logistics", m.Category)
		s.Equal(60.0, *m.Baseline)
		got = append(got, check{m.From.UTC(), m.To.UTC(), m.Target, m.Final})
	}
	s.Equal([]check{
		{cst(1, 6, 10).UTC(), cst(1, 15, 9).UTC(), 75, false},
		{cst(1, 15, 9).UTC(), cst(2, 1, 9).UTC(), 75, true},
		{cst(2, 3, 9).UTC(), cst(2, 15, 9).UTC(), 78, false},
		{cst(2, 15, 9).UTC(), cst(3, 1, 9).UTC(), 78, true},
		{cst(3, 10, 9).UTC(), cst(3, 15, 9).UTC(), 80, false},
		{cst(3, 15, 9).UTC(), cst(4, 1, 9).UTC(), 80, true},
	}, got)

	// Reminders: a week without progress (after the approval or the last report),
	// then weekly; in iteration 3 a week without a decision on the adjusted plan.
	s.Equal(utc(cst(1, 13, 10), cst(1, 21, 10), cst(1, 28, 10), cst(2, 10, 9), cst(2, 17, 9), cst(2, 24, 9), cst(3, 9, 9)),
		s.timesOf("reminded"))
	var what []any
	for _, e := range s.acts.eventsOf("reminded") {
		what = append(what, e.Data["what"])
	}
	s.Equal([]any{"progress", "progress", "progress", "progress", "progress", "progress", "decision"}, what)
	s.Equal([]string{"ann", "bob", "lee"}, s.acts.recipientsOf("pdca:c-1/1/reminded/1"), "owners and the lead")
	s.Equal([]string{"lee"}, s.acts.recipientsOf("pdca:c-1/3/reminded/1"), "the lead decides")

	s.Equal([]string{
		"1:plan_submitted", "1:plan_sent_back", "1:plan_submitted", "1:plan_approved", "1:reminded",
		"1:progress_reported", "1:checked", "1:reminded", "1:reminded", "1:checked", "1:act_decided", "1:continued",
		"2:plan_approved", "2:reminded", "2:checked", "2:reminded", "2:reminded", "2:checked", "2:act_decided", "2:continued",
		"3:reminded", "3:plan_approved", "3:progress_reported", "3:checked", "3:progress_reported", "3:progress_reported",
		"3:progress_reported", "3:checked", "3:act_decided", "3:standardised", "3:closed",
	}, s.acts.kinds())
	s.Equal(utc(cst(1, 5, 10).Add(30*time.Minute), cst(1, 6, 9)), s.timesOf("plan_submitted"))
	s.Equal(utc(cst(1, 6, 10), cst(2, 3, 9), cst(3, 10, 9)), s.timesOf("plan_approved"))

	// Keys and the state each event stores.
	events := s.acts.eventsOf("plan_submitted")
	s.Equal("pdca:c-1/1/plan_submitted/2", events[1].Key)
	s.Equal("qin", events[1].Actor)
	cont := s.acts.eventsOf("continued")
	s.Equal("pdca:c-1/1/continued/1", cont[0].Key)
	s.Equal(2, cont[0].State.Iteration)
	s.Equal("plan", cont[0].State.Stage)
	s.Equal("submitted", cont[0].State.PlanStatus)
	s.Len(cont[0].State.History, 1)
	closed := s.acts.eventsOf("closed")[0]
	s.Equal("closed", closed.State.Stage)
	s.Equal("standardised", closed.State.Outcome)
	s.Equal("Month-end second courier is in the logistics SOP", closed.State.SOPChange)
	s.Equal(int64(31), closed.State.Seq)
	var seqs []int64
	for _, e := range s.acts.events {
		seqs = append(seqs, e.State.Seq)
	}
	for i := range seqs {
		s.Equal(int64(i+1), seqs[i], "event %d's sequence number", i)
	}
	s.Equal([]string{"lee", "qin"}, s.acts.recipientsOf(closed.Key), "the quality team hears of the closing")
}

// At the iteration limit an unmet target closes the cycle not_met with its root
// cause; there is no next iteration.
func (s *PDCASuite) TestMaxIterationsClosesNotMet() {
	s.acts.def.MaxIterations = 1
	s.acts.values[cst(1, 15, 9).UTC()] = 61
	s.newRun(cst(1, 5, 9))
	s.at(cst(1, 5, 10), func() {
		s.update(workflows.UpdateSubmitPlan, s.plan("qin", 70, cst(1, 10, 9), measure("Route enquiries", "ann", cst(1, 9, 9))))
	})
	s.at(cst(1, 5, 11), func() {
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
	})
	s.at(cst(1, 23, 10), func() {
		s.reject(workflows.UpdateAct, workflows.ActRequest{By: "lee"})
		// No adjusted plan is needed at the limit.
		s.update(workflows.UpdateAct, workflows.ActRequest{By: "lee", RootCause: "the courier contract caps capacity"})
	})
	s.env.ExecuteWorkflow(workflows.PDCACycleWorkflow, workflows.PDCAInput{CycleID: "c-1"})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	s.Equal([]string{"the final check missed the target: root_cause is required"}, s.rejections)
	s.Equal([]string{"1:plan_submitted", "1:plan_approved", "1:reminded", "1:checked", "1:reminded", "1:act_decided", "1:closed"}, s.acts.kinds())
	s.Equal(utc(cst(1, 12, 11), cst(1, 22, 9)), s.timesOf("reminded"), "a week after the approval without progress, a week after the final check")
	reminded := s.acts.eventsOf("reminded")
	s.Equal("act", reminded[1].Data["what"])
	s.Equal([]string{"lee"}, s.acts.recipientsOf(reminded[1].Key), "the lead decides the act")
	closed := s.acts.eventsOf("closed")[0]
	s.Equal("not_met", closed.State.Outcome)
	s.Equal("the courier contract caps capacity", closed.State.RootCause)
	s.Equal(cst(1, 23, 10).UTC(), closed.State.ClosedAt.UTC())
	checked := s.acts.eventsOf("checked")
	s.Equal(cst(1, 15, 9).UTC(), checked[0].At.UTC(), "due the 10th: the check of the 15th is final")
	s.Equal("act", checked[0].State.Stage)
}

// A cycle can be withdrawn in any stage before it closes; a reason is required,
// and nothing is taken afterwards.
// While the cycle's definition loads, an action is refused as not ready — the API
// tries it again rather than answering 409 — and the same action is taken once the
// cycle has loaded; what the cycle refuses after that is an invalid action.
func (s *PDCASuite) TestNotReadyWhileLoading() {
	s.newRun(cst(1, 5, 9))
	s.env.OnActivity("LoadCycle", mock.Anything, "c-1").After(time.Hour).Return(s.acts.def, nil)
	good := s.plan("qin", 70, cst(2, 10, 9), measure("Route enquiries", "ann", cst(2, 9, 9)))
	s.at(cst(1, 5, 9).Add(time.Minute), func() {
		s.refuse(workflows.ErrTypeNotReady, workflows.UpdateSubmitPlan, good)
		s.refuse(workflows.ErrTypeNotReady, workflows.UpdateWithdraw, workflows.WithdrawRequest{By: "lee", Reason: "early"})
		s.Equal("", s.query().PlanStatus, "nothing is recorded while the cycle loads")
	})
	s.at(cst(1, 5, 11), func() {
		s.update(workflows.UpdateSubmitPlan, good)
		s.reject(workflows.UpdateSubmitPlan, good)
	})
	s.at(cst(1, 5, 12), func() {
		s.update(workflows.UpdateWithdraw, workflows.WithdrawRequest{By: "lee", Reason: "end of test"})
	})
	s.env.ExecuteWorkflow(workflows.PDCACycleWorkflow, workflows.PDCAInput{CycleID: "c-1"})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	s.Require().Len(s.rejections, 3)
	s.Equal([]string{"the cycle is still loading; try again", "the cycle is still loading; try again"}, s.rejections[:2])
	s.Equal([]string{"1:plan_submitted", "1:withdrawn", "1:closed"}, s.acts.kinds())
}

func (s *PDCASuite) TestWithdraw() {
	s.newRun(cst(1, 5, 9))
	s.at(cst(1, 13, 10), func() {
		s.update(workflows.UpdateSubmitPlan, s.plan("qin", 70, cst(2, 10, 9), measure("Route enquiries", "ann", cst(2, 9, 9))))
	})
	s.at(cst(1, 13, 11), func() {
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
	})
	s.at(cst(1, 14, 9), func() {
		s.reject(workflows.UpdateWithdraw, workflows.WithdrawRequest{By: "lee"})
		s.update(workflows.UpdateWithdraw, workflows.WithdrawRequest{By: "lee", Reason: "the courier was replaced"})
		s.reject(workflows.UpdateReportProgress, workflows.ProgressRequest{By: "ann", Note: "late"})
	})
	s.env.ExecuteWorkflow(workflows.PDCACycleWorkflow, workflows.PDCAInput{CycleID: "c-1"})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	s.Equal(cst(1, 14, 9).UTC(), s.env.Now().UTC(), "the workflow ends at the withdrawal, no timer left")
	s.Equal([]string{"reason is required", "the cycle is closed: withdrawn"}, s.rejections)
	s.Equal([]string{"1:reminded", "1:plan_submitted", "1:plan_approved", "1:withdrawn", "1:closed"}, s.acts.kinds())
	reminded := s.acts.eventsOf("reminded")
	s.Equal(cst(1, 12, 9).UTC(), reminded[0].At.UTC(), "no plan a week after the proposal")
	s.Equal("plan", reminded[0].Data["what"])
	s.Equal([]string{"lee"}, s.acts.recipientsOf(reminded[0].Key))
	s.Empty(s.acts.measured)
	closed := s.acts.eventsOf("closed")[0]
	s.Equal("withdrawn", closed.State.Outcome)
	s.Equal(map[string]any{"reason": "the courier was replaced"}, s.acts.eventsOf("withdrawn")[0].Data)
}
