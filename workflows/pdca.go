package workflows

import (
	"fmt"
	"slices"
	"time"

	"github.com/robfig/cron/v3"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// PDCA timings: a reminder after a week without the awaited plan, decision,
// progress report or act decision, then weekly; a plan may run at most this far ahead.
const (
	PDCAReminderInterval = 7 * 24 * time.Hour
	PDCAMaxPlanHorizon   = 183 * 24 * time.Hour
)

// Decisions on a submitted plan.
const (
	PlanApprove  = "approve"
	PlanSendBack = "send_back"
)

// PDCAInput starts a PDCA cycle. A review starts it with CycleID only: the cycle's
// row (written by the ProposeCycle activity) holds the rest. The other fields carry
// the spiral across continue-as-new; zero values are a fresh start.
type PDCAInput struct {
	CycleID string
	// The iteration this run starts (0: the first, from the proposal).
	Iteration int
	// Previous iterations, oldest first.
	History []activities.CycleIteration `json:",omitempty"`
	// The adjusted plan the last act decided, submitted and awaiting approval.
	Plan *quality.CyclePlan `json:",omitempty"`
	// The baseline the cycle is measured against (the first approved plan's).
	Baseline *float64 `json:",omitempty"`
	// The sequence number of the last recorded event, so the stored state only
	// moves forward.
	Seq int64 `json:",omitempty"`
}

// ProgressReport is a progress update of the Do stage.
type ProgressReport struct {
	By      string
	At      time.Time
	Note    string
	Measure *int `json:",omitempty"`
	Percent *int `json:",omitempty"`
}

// PDCAState is what the state query and every PDCA update return.
type PDCAState struct {
	CycleID        string
	Title          string
	Metric         quality.Metric
	Category       string `json:",omitempty"`
	Keyword        string `json:",omitempty"`
	Stage          string // plan, do, act, closed
	Iteration      int
	MaxIterations  int
	Baseline       *float64
	Target         *float64
	Plan           *quality.CyclePlan
	PlanStatus     string
	ApprovedAt     *time.Time
	DueAt          *time.Time // the current plan's due: the iteration's deadline
	LastProgressAt *time.Time
	Progress       []ProgressReport        `json:",omitempty"`
	Checks         []activities.CycleCheck // this iteration's
	NextCheckAt    *time.Time
	NextReminderAt *time.Time
	History        []activities.CycleIteration `json:",omitempty"`
	SOPChange      string                      `json:",omitempty"`
	RootCause      string                      `json:",omitempty"`
	// The fishbone category of the root cause (quality.RootCauseCategories).
	RootCauseCategory string `json:",omitempty"`
	Outcome           string `json:",omitempty"`
	ClosedAt          *time.Time
}

// PDCACycleWorkflow runs a PDCA cycle (DOMAIN.md §3): Plan — a SMART plan is
// submitted and approved or sent back by someone other than its submitter; Do —
// progress reports, a reminder after a week without one; Check — at every fire time
// of the cycle's cron spec the metric is measured against the target, the first
// check at or after the plan's due date being final; Act — standardise (the SOP
// change) and close, or record the root cause and continue as new with the adjusted
// plan awaiting approval (the spiral), closing not_met at the iteration limit.
// Every stage change and decision is recorded in PostgreSQL.
func PDCACycleWorkflow(ctx workflow.Context, in PDCAInput) error {
	if in.CycleID == "" {
		return temporal.NewNonRetryableApplicationError("CycleID is required", "InvalidInput", nil)
	}
	c := &pdcaCycle{
		in:     in,
		id:     workflow.GetInfo(ctx).WorkflowExecution.ID,
		seq:    in.Seq,
		counts: map[string]int{},
		logger: log.With(workflow.GetLogger(ctx), "CycleID", in.CycleID, "Iteration", max(in.Iteration, 1)),
	}
	c.state = PDCAState{CycleID: in.CycleID, Iteration: max(in.Iteration, 1), Stage: quality.StagePlan}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (PDCAState, error) { return c.state, nil }); err != nil {
		return err
	}
	handlers := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateSubmitPlan, c.submitPlan, c.validateSubmitPlan},
		{UpdateDecidePlan, c.decidePlan, c.validateDecidePlan},
		{UpdateReportProgress, c.reportProgress, c.validateReportProgress},
		{UpdateAct, c.act, c.validateAct},
		{UpdateWithdraw, c.withdraw, c.validateWithdraw},
		{UpdateCheckNow, c.checkNow, c.validateCheckNow},
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler,
			workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return err
		}
	}
	return c.run(ctx)
}

type pdcaCycle struct {
	in     PDCAInput
	id     string
	def    activities.CycleDefinition
	spec   *cron.SpecSchedule
	loaded bool
	state  PDCAState
	// seq numbers recorded events; counts numbers each kind within the iteration.
	seq    int64
	counts map[string]int
	// changes counts what the update handlers did, to wake the main loop.
	changes int
	// remindFrom is when the awaited action last became due (or was last reminded of).
	remindFrom time.Time
	// windowFrom starts the next check's window: the approval or the last check.
	windowFrom time.Time
	// measuring is set while a check's measurement runs, so a scheduled check and a
	// check on demand never measure the same window at once.
	measuring bool
	next      *PDCAInput // set by an act that continues the spiral
	notices   []workflow.Future
	logger    log.Logger
}

func (c *pdcaCycle) run(ctx workflow.Context) error {
	if err := workflow.ExecuteActivity(activityContext(ctx), acts.LoadCycle, c.in.CycleID).Get(ctx, &c.def); err != nil {
		return fmt.Errorf("load cycle: %w", err)
	}
	if c.def.Stage == quality.StageClosed {
		c.state.Stage, c.state.Outcome = quality.StageClosed, c.def.Outcome
		return nil // started again after it ended: nothing to do
	}
	spec, err := quality.ParseSpec(c.def.CheckSpec, c.def.TimeZone)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("cycle %s: check spec %q in %q: %v", c.in.CycleID, c.def.CheckSpec, c.def.TimeZone, err), "InvalidInput", nil)
	}
	c.spec = spec
	now := workflow.Now(ctx)
	s := &c.state
	s.Title, s.Metric, s.Category, s.Keyword = c.def.Title, c.def.Metric, c.def.Category, c.def.Keyword
	s.MaxIterations = c.def.MaxIterations
	s.Baseline, s.Target, s.PlanStatus = c.def.Baseline, c.def.Target, quality.PlanDraft
	if c.in.Iteration > 0 { // continued: the adjusted plan awaits approval
		s.History, s.Plan, s.Baseline = c.in.History, c.in.Plan, c.in.Baseline
		s.PlanStatus = quality.PlanSubmitted
		if s.Plan != nil {
			due := s.Plan.Due
			s.DueAt = &due
		}
		if n := len(s.History); n > 0 {
			s.RootCause, s.RootCauseCategory = s.History[n-1].RootCause, s.History[n-1].RootCauseCategory
		}
	}
	c.setRemindFrom(now)
	c.loaded = true

	for s.Stage != quality.StageClosed && c.next == nil {
		at, what := c.nextWake()
		changes := c.changes
		fired, err := c.sleepUntil(ctx, at, what, func() bool {
			return c.changes != changes || c.next != nil || s.Stage == quality.StageClosed
		})
		if err != nil {
			return err
		}
		if !fired {
			continue
		}
		if what == "check" {
			err = c.check(ctx)
		} else {
			err = c.remind(ctx)
		}
		if err != nil {
			return err
		}
	}
	// An update may still be recording what it decided.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	for _, n := range c.notices {
		_ = n.Get(ctx, nil) // failures are kept in the notification's row
	}
	if c.next != nil {
		next := *c.next
		next.Seq = c.seq
		return workflow.NewContinueAsNewError(ctx, PDCACycleWorkflow, next)
	}
	return nil
}

// nextWake is the next moment the cycle acts by itself: a check of the Do stage or
// the reminder of whatever is awaited (a check first when both fall together).
func (c *pdcaCycle) nextWake() (time.Time, string) {
	reminder := c.remindFrom.Add(PDCAReminderInterval)
	if c.state.Stage == quality.StageDo && c.state.NextCheckAt != nil && !c.state.NextCheckAt.After(reminder) {
		return *c.state.NextCheckAt, "check"
	}
	return reminder, "reminder"
}

// sleepUntil waits on a durable timer until at, or until woken() (an update changed
// what the cycle waits for); it reports whether the timer fired.
func (c *pdcaCycle) sleepUntil(ctx workflow.Context, at time.Time, what string, woken func() bool) (bool, error) {
	wait := at.Sub(workflow.Now(ctx))
	if wait <= 0 {
		return true, nil
	}
	ok, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
		Timeout: wait, TimerOptions: workflow.TimerOptions{Summary: what},
	}, woken)
	return !ok, err
}

func (c *pdcaCycle) setRemindFrom(t time.Time) {
	c.remindFrom = t
	next := t.Add(PDCAReminderInterval)
	c.state.NextReminderAt = &next
}

// check measures the metric over [windowFrom, check time); the first check at or
// after the plan's due date is final and moves the cycle to Act.
func (c *pdcaCycle) check(ctx workflow.Context) error {
	if c.measuring { // a check on demand is measuring; the schedule waits for it
		if err := workflow.Await(ctx, func() bool { return !c.measuring }); err != nil {
			return err
		}
		if c.state.Stage != quality.StageDo {
			return nil
		}
	}
	_, err := c.measure(ctx, *c.state.NextCheckAt, complaint.ActorSystem, true)
	return err
}

// measure checks the metric over [windowFrom, at) and records the check, by actor;
// scheduled says whether at is a fire time of the spec (the next check then moves
// to the following one; a check on demand leaves the schedule as it is).
func (c *pdcaCycle) measure(ctx workflow.Context, at time.Time, actor string, scheduled bool) (activities.CycleCheck, error) {
	s := &c.state
	final := s.DueAt != nil && !at.Before(*s.DueAt)
	var chk activities.CycleCheck
	c.measuring = true
	defer func() { c.measuring = false }()
	err := workflow.ExecuteActivity(activityContext(ctx), acts.MeasureCycleMetric, activities.MeasureInput{
		CycleID: c.in.CycleID, Iteration: s.Iteration, Metric: s.Metric, Category: s.Category, Keyword: s.Keyword,
		From: c.windowFrom, To: at, Baseline: s.Baseline, Target: s.Plan.Target, Final: final,
	}).Get(ctx, &chk)
	if err != nil {
		return chk, fmt.Errorf("measure %s: %w", s.Metric, err)
	}
	if s.Stage != quality.StageDo { // withdrawn while measuring
		return chk, nil
	}
	s.Checks = append(s.Checks, chk)
	c.windowFrom = at
	if scheduled {
		next := c.spec.Next(at).UTC()
		s.NextCheckAt = &next
	}
	if final {
		s.Stage, s.NextCheckAt = quality.StageAct, nil
		c.setRemindFrom(workflow.Now(ctx))
	}
	data := map[string]any{"check": chk}
	if !scheduled {
		data["on_demand"] = true
	}
	c.changes++ // the main loop re-reads what it waits for
	key, err := c.record(ctx, "checked", actor, data)
	if err != nil || !final {
		return chk, err
	}
	verdict := "missed"
	switch {
	case chk.Met:
		verdict = "met"
	case !chk.Judged():
		verdict = fmt.Sprintf("could not judge (%s) against", quality.SamplesText(chk.Samples, chk.MinSamples))
	}
	team := c.team(ctx)
	c.notify(ctx, key, "pdca_checked", append([]string{team.lead()}, team.Recipients()...),
		fmt.Sprintf("PDCA cycle %q: final check %s the target — act now", s.Title, verdict),
		fmt.Sprintf("The final check of iteration %d of cycle %q measured %s = %s against the target %g. %s",
			s.Iteration, s.Title, s.Metric, pdcaValue(chk.Value), chk.Target, c.actAdvice(chk)))
	return chk, nil
}

func (c *pdcaCycle) actAdvice(chk activities.CycleCheck) string {
	switch {
	case chk.Met:
		return "Record the SOP change to standardise the measures."
	case !chk.Judged():
		return "Too few samples to judge: record the root cause (why) with the SOP change to standardise anyway, or with an adjusted plan to go on."
	case c.state.Iteration >= c.state.MaxIterations:
		return "This was the last iteration: record the root cause to close the cycle."
	default:
		return "Record the root cause and an adjusted plan for the next iteration."
	}
}

func pdcaValue(v *float64) string {
	if v == nil {
		return "no data"
	}
	return fmt.Sprintf("%g", *v)
}

// remind tells whoever the cycle waits for: the quality lead for a plan or a
// decision on one, the measure owners and the lead for progress, the lead for the
// act decision.
func (c *pdcaCycle) remind(ctx workflow.Context) error {
	s := &c.state
	now := workflow.Now(ctx)
	team := c.team(ctx)
	if s.Stage == quality.StageClosed || c.next != nil {
		return nil // an update ended the iteration while the team was read
	}
	var what, subject string
	recipients := []string{team.lead()}
	switch {
	case s.Stage == quality.StageDo:
		what, subject = "progress", "no progress reported for a week"
		owners := make([]string, 0, len(s.Plan.Measures)+1)
		for _, m := range s.Plan.Measures {
			owners = append(owners, m.Owner)
		}
		recipients = append(owners, recipients...)
	case s.Stage == quality.StageAct:
		what, subject = "act", "the act decision is awaited"
	case s.PlanStatus == quality.PlanSubmitted:
		what, subject = "decision", "the plan awaits a decision"
	default:
		what, subject = "plan", "a plan is awaited"
	}
	c.setRemindFrom(now)
	key, err := c.record(ctx, "reminded", complaint.ActorSystem, map[string]any{"what": what, "recipients": pdcaUnique(recipients)})
	if err != nil {
		return err
	}
	c.notify(ctx, key, "pdca_reminder", recipients, fmt.Sprintf("Reminder: PDCA cycle %q — %s", s.Title, subject),
		fmt.Sprintf("Iteration %d of cycle %q (%s): %s since %s.", s.Iteration, s.Title, s.Metric, subject,
			formatTime(now.Add(-PDCAReminderInterval))))
	return nil
}

// --- recording and notices ---------------------------------------------------------

// record writes an event with the state after it, keyed
// "pdca:<cycle>/<iteration>/<kind>/<n>" (n counts the kind within the iteration).
// The sequence number is taken before the activity runs, so of two events recorded
// concurrently the later one's state wins.
func (c *pdcaCycle) record(ctx workflow.Context, kind, actor string, data map[string]any) (string, error) {
	s := &c.state
	iteration := s.Iteration
	if kind == "continued" {
		iteration-- // the state already is the next iteration's
	}
	c.counts[fmt.Sprintf("%d/%s", iteration, kind)]++
	n := c.counts[fmt.Sprintf("%d/%s", iteration, kind)]
	key := fmt.Sprintf("%s/%d/%s/%d", c.id, iteration, kind, n)
	c.seq++
	err := workflow.ExecuteActivity(activityContext(ctx), acts.RecordCycleEvent, activities.CycleRecord{
		CycleID: c.in.CycleID, Key: key, Kind: kind, Iteration: iteration, Actor: actor, At: workflow.Now(ctx),
		Data: data, State: c.snapshot(),
	}).Get(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("record %s: %w", kind, err)
	}
	return key, nil
}

func (c *pdcaCycle) snapshot() activities.CycleSnapshot {
	s := c.state
	return activities.CycleSnapshot{
		Seq: c.seq, Stage: s.Stage, Iteration: s.Iteration, Plan: s.Plan, PlanStatus: s.PlanStatus,
		DueAt: s.DueAt, LastProgressAt: s.LastProgressAt, Baseline: s.Baseline, Target: s.Target,
		SOPChange: s.SOPChange, RootCause: s.RootCause, History: s.History, ClosedAt: s.ClosedAt, Outcome: s.Outcome,
		RootCauseCategory: s.RootCauseCategory, NextCheckAt: s.NextCheckAt,
	}
}

// pdcaTeam is the quality team as read for one notice.
type pdcaTeam struct{ activities.QualityTeam }

// lead is whom a decision is asked of: the team's lead, or the quality role.
func (q pdcaTeam) lead() string {
	if q.LeadID == "" {
		return activities.QualityRecipient
	}
	return q.LeadID
}

// team reads the quality team now (it may change over a months-long cycle); if the
// directory cannot be read, notices go to the quality role's log.
func (c *pdcaCycle) team(ctx workflow.Context) pdcaTeam {
	var q activities.QualityTeam
	if err := workflow.ExecuteActivity(noticeContext(ctx), acts.LoadQualityTeam).Get(ctx, &q); err != nil {
		c.logger.Error("loading the quality team failed; notifying the quality role", "Error", err)
	}
	return pdcaTeam{q}
}

// notify sends one notice per distinct recipient, keyed by the event it is about;
// the workflow does not wait for delivery until it ends.
func (c *pdcaCycle) notify(ctx workflow.Context, key, kind string, recipients []string, subject, body string) {
	var ns []activities.Notice
	for _, r := range pdcaUnique(recipients) {
		ns = append(ns, activities.Notice{
			EventKey: key, EventKind: complaint.EventKind(kind), Recipient: r, Subject: subject, Body: body,
		})
	}
	if len(ns) > 0 {
		c.notices = append(c.notices, workflow.ExecuteActivity(noticeContext(ctx), acts.NotifyAll, ns))
	}
}

// unique drops empty and repeated names, keeping the first occurrence's order.
func pdcaUnique(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
