package workflows

import (
	"fmt"
	"slices"
	"strings"
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
	Outcome        string                      `json:",omitempty"`
	ClosedAt       *time.Time
}

// PlanMeasure is a measure of a submitted plan.
type PlanMeasure struct {
	Description string
	Owner       string // a directory person
	Due         time.Time
}

// PlanRequest submits a SMART plan (the submit_plan update, and an act's adjusted
// plan): measures with owners and due dates, the target, the iteration's deadline,
// and optionally a baseline other than the cycle's.
type PlanRequest struct {
	By       string
	Measures []PlanMeasure
	Target   *float64
	Due      time.Time
	Baseline *float64
}

// DecidePlanRequest approves a submitted plan or sends it back with a reason.
type DecidePlanRequest struct {
	By       string
	Decision string // PlanApprove or PlanSendBack
	Reason   string
}

// ProgressRequest reports progress in the Do stage, optionally on one measure
// (its index in the plan) with a percentage done.
type ProgressRequest struct {
	By      string
	Note    string
	Measure *int
	Percent *int
}

// ActRequest decides the Act stage: the SOP change when the final check met the
// target; otherwise the root cause and, below the iteration limit, the adjusted plan
// of the next iteration.
type ActRequest struct {
	By           string
	SOPChange    string
	RootCause    string
	AdjustedPlan *PlanRequest
}

// WithdrawRequest abandons a cycle.
type WithdrawRequest struct {
	By     string
	Reason string
}

// PlanProblem names a field of a plan and what is wrong with it.
type PlanProblem struct {
	Field  string
	Detail string
}

func (p PlanProblem) String() string { return p.Field + " " + p.Detail }

// CheckPlan checks a plan is SMART at now: at least one measure, each with a
// description, an owner and a due date in the future but not after the plan's; a
// target that improves on the baseline (the plan's, else baseline) in the metric's
// direction; and a deadline in the future within PDCAMaxPlanHorizon. The API runs
// the same checks before asking the workflow.
func CheckPlan(p PlanRequest, metric quality.Metric, baseline *float64, now time.Time) []PlanProblem {
	var out []PlanProblem
	add := func(field, detail string) { out = append(out, PlanProblem{field, detail}) }
	if len(p.Measures) == 0 {
		add("measures", "must hold at least one measure")
	}
	dueValid := !p.Due.IsZero() && p.Due.After(now)
	for i, m := range p.Measures {
		field := fmt.Sprintf("measures[%d]", i)
		if strings.TrimSpace(m.Description) == "" {
			add(field+".description", "is required")
		}
		if strings.TrimSpace(m.Owner) == "" {
			add(field+".owner", "is required")
		}
		switch {
		case m.Due.IsZero():
			add(field+".due", "is required")
		case !m.Due.After(now):
			add(field+".due", "must be in the future")
		case dueValid && m.Due.After(p.Due):
			add(field+".due", "must not be after the plan's due")
		}
	}
	if p.Baseline != nil {
		baseline = p.Baseline
	}
	switch {
	case p.Target == nil:
		add("target", "is required")
	case baseline == nil:
		add("baseline", "is required: the cycle has no baseline")
	case !metric.Improves(*baseline, *p.Target):
		direction := "higher"
		if !metric.HigherIsBetter() {
			direction = "lower"
		}
		add("target", fmt.Sprintf("%g does not improve on the baseline %g (%s: %s is better)",
			*p.Target, *baseline, metric, direction))
	}
	switch {
	case p.Due.IsZero():
		add("due", "is required")
	case !p.Due.After(now):
		add("due", "must be in the future")
	case p.Due.After(now.Add(PDCAMaxPlanHorizon)):
		add("due", fmt.Sprintf("must be within %d days", int(PDCAMaxPlanHorizon/(24*time.Hour))))
	}
	return out
}

func pdcaPlanError(prefix string, problems []PlanProblem) error {
	if len(problems) == 0 {
		return nil
	}
	reasons := make([]string, len(problems))
	for i, p := range problems {
		reasons[i] = prefix + p.String()
	}
	return invalidAction(strings.Join(reasons, "; "))
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
	next       *PDCAInput // set by an act that continues the spiral
	notices    []workflow.Future
	logger     log.Logger
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
			s.RootCause = s.History[n-1].RootCause
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
	s := &c.state
	at := *s.NextCheckAt
	final := s.DueAt != nil && !at.Before(*s.DueAt)
	var chk activities.CycleCheck
	err := workflow.ExecuteActivity(activityContext(ctx), acts.MeasureCycleMetric, activities.MeasureInput{
		CycleID: c.in.CycleID, Iteration: s.Iteration, Metric: s.Metric, Category: s.Category, Keyword: s.Keyword,
		From: c.windowFrom, To: at, Baseline: s.Baseline, Target: s.Plan.Target, Final: final,
	}).Get(ctx, &chk)
	if err != nil {
		return fmt.Errorf("measure %s: %w", s.Metric, err)
	}
	if s.Stage != quality.StageDo { // withdrawn while measuring
		return nil
	}
	s.Checks = append(s.Checks, chk)
	c.windowFrom = at
	next := c.spec.Next(at).UTC()
	s.NextCheckAt = &next
	if final {
		s.Stage, s.NextCheckAt = quality.StageAct, nil
		c.setRemindFrom(workflow.Now(ctx))
	}
	key, err := c.record(ctx, "checked", "system", map[string]any{"check": chk})
	if err != nil || !final {
		return err
	}
	verdict := "missed"
	if chk.Met {
		verdict = "met"
	}
	team := c.team(ctx)
	c.notify(ctx, key, "pdca_checked", append([]string{team.lead()}, team.Recipients()...),
		fmt.Sprintf("PDCA cycle %q: final check %s the target — act now", s.Title, verdict),
		fmt.Sprintf("The final check of iteration %d of cycle %q measured %s = %s against the target %g. %s",
			s.Iteration, s.Title, s.Metric, pdcaValue(chk.Value), chk.Target, c.actAdvice(chk.Met)))
	return nil
}

func (c *pdcaCycle) actAdvice(met bool) string {
	switch {
	case met:
		return "Record the SOP change to standardise the measures."
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
	key, err := c.record(ctx, "reminded", "system", map[string]any{"what": what, "recipients": pdcaUnique(recipients)})
	if err != nil {
		return err
	}
	c.notify(ctx, key, "pdca_reminder", recipients, fmt.Sprintf("Reminder: PDCA cycle %q — %s", s.Title, subject),
		fmt.Sprintf("Iteration %d of cycle %q (%s): %s since %s.", s.Iteration, s.Title, s.Metric, subject,
			formatTime(now.Add(-PDCAReminderInterval))))
	return nil
}

// --- updates ---------------------------------------------------------------------

func (c *pdcaCycle) open() error {
	switch {
	case !c.loaded:
		return invalidAction("the cycle is still loading; try again")
	case c.state.Stage == quality.StageClosed:
		return invalidAction("the cycle is closed: " + c.state.Outcome)
	case c.next != nil:
		return invalidAction("the cycle is moving to its next iteration; try again")
	}
	return nil
}

func pdcaRequireBy(by string) error {
	if strings.TrimSpace(by) == "" {
		return invalidAction("by is required")
	}
	return nil
}

func (c *pdcaCycle) validateSubmitPlan(ctx workflow.Context, req PlanRequest) error {
	if err := c.open(); err != nil {
		return err
	}
	if err := pdcaRequireBy(req.By); err != nil {
		return err
	}
	switch {
	case c.state.Stage != quality.StagePlan:
		return invalidAction("a plan is submitted in stage plan; the cycle is in stage " + c.state.Stage)
	case c.state.PlanStatus == quality.PlanSubmitted:
		return invalidAction("a submitted plan awaits a decision")
	}
	return pdcaPlanError("", CheckPlan(req, c.state.Metric, c.state.Baseline, workflow.Now(ctx)))
}

func (c *pdcaCycle) submitPlan(ctx workflow.Context, req PlanRequest) (PDCAState, error) {
	s := &c.state
	now := workflow.Now(ctx)
	plan := c.planOf(req, now)
	due := plan.Due
	s.Plan, s.PlanStatus, s.DueAt = &plan, quality.PlanSubmitted, &due
	c.setRemindFrom(now)
	c.changes++
	key, err := c.record(ctx, "plan_submitted", req.By, map[string]any{"plan": plan})
	if err != nil {
		return c.state, err
	}
	team := c.team(ctx)
	c.notify(ctx, key, "pdca_plan_submitted", []string{team.lead()},
		fmt.Sprintf("PDCA cycle %q: a plan awaits your decision", s.Title),
		fmt.Sprintf("%s submitted the plan of iteration %d: %d measure(s), target %g (baseline %g), due %s.",
			req.By, s.Iteration, len(plan.Measures), plan.Target, plan.Baseline, formatTime(plan.Due)))
	return c.state, nil
}

func (c *pdcaCycle) planOf(req PlanRequest, now time.Time) quality.CyclePlan {
	baseline := req.Baseline
	if baseline == nil {
		baseline = c.state.Baseline
	}
	plan := quality.CyclePlan{
		Baseline: *baseline, Target: *req.Target, Due: req.Due.UTC(), SubmittedBy: req.By, SubmittedAt: now,
	}
	for _, m := range req.Measures {
		plan.Measures = append(plan.Measures, quality.CycleMeasure{
			Description: strings.TrimSpace(m.Description), Owner: strings.TrimSpace(m.Owner), Due: m.Due.UTC(),
		})
	}
	return plan
}

func (c *pdcaCycle) validateDecidePlan(_ workflow.Context, req DecidePlanRequest) error {
	if err := c.open(); err != nil {
		return err
	}
	if err := pdcaRequireBy(req.By); err != nil {
		return err
	}
	switch {
	case c.state.Stage != quality.StagePlan || c.state.PlanStatus != quality.PlanSubmitted:
		return invalidAction("no plan awaits a decision")
	case req.Decision != PlanApprove && req.Decision != PlanSendBack:
		return invalidAction(fmt.Sprintf("decision %q is not %s or %s", req.Decision, PlanApprove, PlanSendBack))
	case req.Decision == PlanSendBack && strings.TrimSpace(req.Reason) == "":
		return invalidAction("send_back needs a reason")
	case req.Decision == PlanApprove && req.By == c.state.Plan.SubmittedBy:
		return invalidAction("the plan's submitter cannot approve it; another member of the quality team must")
	}
	return nil
}

func (c *pdcaCycle) decidePlan(ctx workflow.Context, req DecidePlanRequest) (PDCAState, error) {
	s := &c.state
	now := workflow.Now(ctx)
	plan := *s.Plan
	plan.DecidedBy, plan.DecidedAt = req.By, &now
	s.Plan = &plan
	c.setRemindFrom(now)
	if req.Decision == PlanSendBack {
		plan.SentBackReason = strings.TrimSpace(req.Reason)
		s.PlanStatus = quality.PlanSentBack
		c.changes++
		key, err := c.record(ctx, "plan_sent_back", req.By, map[string]any{"reason": plan.SentBackReason})
		if err == nil {
			team := c.team(ctx)
			c.notify(ctx, key, "pdca_plan_sent_back", []string{plan.SubmittedBy, team.lead()},
				fmt.Sprintf("PDCA cycle %q: the plan was sent back", s.Title),
				fmt.Sprintf("%s sent back the plan of iteration %d: %s", req.By, s.Iteration, plan.SentBackReason))
		}
		return c.state, err
	}
	plan.SentBackReason = ""
	s.PlanStatus, s.Stage, s.ApprovedAt = quality.PlanApproved, quality.StageDo, &now
	due := plan.Due
	target := plan.Target
	s.DueAt, s.Target = &due, &target
	if s.Baseline == nil || s.Iteration == 1 {
		baseline := plan.Baseline // the cycle is measured against its first approved plan's baseline
		s.Baseline = &baseline
	}
	c.windowFrom = now
	next := c.spec.Next(now).UTC()
	s.NextCheckAt = &next
	c.changes++
	key, err := c.record(ctx, "plan_approved", req.By, map[string]any{"plan": plan, "next_check_at": next})
	if err != nil {
		return c.state, err
	}
	recipients := []string{}
	for _, m := range plan.Measures {
		recipients = append(recipients, m.Owner)
	}
	team := c.team(ctx)
	c.notify(ctx, key, "pdca_plan_approved", append(recipients, team.Recipients()...),
		fmt.Sprintf("PDCA cycle %q: plan approved — Do", s.Title),
		fmt.Sprintf("%s approved the plan of iteration %d (target %g by %s). Report progress weekly; the next check is %s.",
			req.By, s.Iteration, plan.Target, formatTime(plan.Due), formatTime(next)))
	return c.state, nil
}

func (c *pdcaCycle) validateReportProgress(_ workflow.Context, req ProgressRequest) error {
	if err := c.open(); err != nil {
		return err
	}
	if err := pdcaRequireBy(req.By); err != nil {
		return err
	}
	switch {
	case c.state.Stage != quality.StageDo:
		return invalidAction("progress is reported in stage do; the cycle is in stage " + c.state.Stage)
	case strings.TrimSpace(req.Note) == "":
		return invalidAction("note is required")
	case req.Measure != nil && (*req.Measure < 0 || *req.Measure >= len(c.state.Plan.Measures)):
		return invalidAction(fmt.Sprintf("measure %d is not a measure of the plan (0 to %d)", *req.Measure, len(c.state.Plan.Measures)-1))
	case req.Percent != nil && (*req.Percent < 0 || *req.Percent > 100):
		return invalidAction(fmt.Sprintf("percent %d is not from 0 to 100", *req.Percent))
	case req.Percent != nil && req.Measure == nil:
		return invalidAction("percent needs the measure it is about")
	}
	return nil
}

func (c *pdcaCycle) reportProgress(ctx workflow.Context, req ProgressRequest) (PDCAState, error) {
	s := &c.state
	now := workflow.Now(ctx)
	report := ProgressReport{By: req.By, At: now, Note: strings.TrimSpace(req.Note), Measure: req.Measure, Percent: req.Percent}
	s.Progress = append(s.Progress, report)
	s.LastProgressAt = &now
	if req.Measure != nil && req.Percent != nil {
		plan := *s.Plan
		plan.Measures = slices.Clone(plan.Measures)
		pct := *req.Percent
		plan.Measures[*req.Measure].Percent = &pct
		s.Plan = &plan
	}
	c.setRemindFrom(now)
	c.changes++
	_, err := c.record(ctx, "progress_reported", req.By, map[string]any{
		"note": report.Note, "measure": req.Measure, "percent": req.Percent,
	})
	return c.state, err
}

func (c *pdcaCycle) finalCheck() *activities.CycleCheck {
	if n := len(c.state.Checks); n > 0 && c.state.Checks[n-1].Final {
		return &c.state.Checks[n-1]
	}
	return nil
}

func (c *pdcaCycle) validateAct(ctx workflow.Context, req ActRequest) error {
	if err := c.open(); err != nil {
		return err
	}
	if err := pdcaRequireBy(req.By); err != nil {
		return err
	}
	final := c.finalCheck()
	switch {
	case c.state.Stage != quality.StageAct || final == nil:
		return invalidAction("no act decision is awaited; the cycle is in stage " + c.state.Stage)
	case final.Met && strings.TrimSpace(req.SOPChange) == "":
		return invalidAction("the final check met the target: sop_change is required")
	case final.Met && req.AdjustedPlan != nil:
		return invalidAction("the final check met the target: no adjusted_plan is taken")
	case final.Met:
		return nil
	case strings.TrimSpace(req.RootCause) == "":
		return invalidAction("the final check missed the target: root_cause is required")
	case c.state.Iteration >= c.state.MaxIterations:
		return nil // the last iteration: the cycle closes not_met
	case req.AdjustedPlan == nil:
		return invalidAction("the final check missed the target: adjusted_plan is required")
	}
	return pdcaPlanError("adjusted_plan.", CheckPlan(*req.AdjustedPlan, c.state.Metric, c.state.Baseline, workflow.Now(ctx)))
}

func (c *pdcaCycle) act(ctx workflow.Context, req ActRequest) (PDCAState, error) {
	s := &c.state
	now := workflow.Now(ctx)
	final := *c.finalCheck()
	done := activities.CycleIteration{
		Iteration: s.Iteration, Plan: *s.Plan, Checks: s.Checks, DecidedBy: req.By, DecidedAt: now,
	}
	if final.Met {
		s.SOPChange = strings.TrimSpace(req.SOPChange)
		s.History = append(slices.Clone(s.History), done)
		c.close(now, quality.OutcomeStandardised)
		c.changes++
		if _, err := c.record(ctx, "act_decided", req.By, map[string]any{"met": true, "sop_change": s.SOPChange}); err != nil {
			return c.state, err
		}
		if _, err := c.record(ctx, "standardised", req.By, map[string]any{"sop_change": s.SOPChange}); err != nil {
			return c.state, err
		}
		return c.closed(ctx, req.By, "the target was met and the measures are standardised: "+s.SOPChange)
	}
	s.RootCause = strings.TrimSpace(req.RootCause)
	done.RootCause = s.RootCause
	history := append(slices.Clone(s.History), done)
	if s.Iteration >= s.MaxIterations {
		s.History = history
		c.close(now, quality.OutcomeNotMet)
		c.changes++
		if _, err := c.record(ctx, "act_decided", req.By, map[string]any{"met": false, "root_cause": s.RootCause}); err != nil {
			return c.state, err
		}
		return c.closed(ctx, req.By, fmt.Sprintf("the target was not met after %d iterations; root cause: %s",
			s.Iteration, s.RootCause))
	}
	plan := c.planOf(*req.AdjustedPlan, now)
	c.next = &PDCAInput{CycleID: c.in.CycleID, Iteration: s.Iteration + 1, History: history, Plan: &plan, Baseline: s.Baseline}
	c.changes++
	if _, err := c.record(ctx, "act_decided", req.By, map[string]any{
		"met": false, "root_cause": s.RootCause, "adjusted_plan": plan,
	}); err != nil {
		return c.state, err
	}
	// The state of the next iteration, as its run starts.
	s.Iteration, s.History, s.Plan, s.PlanStatus, s.Stage = s.Iteration+1, history, &plan, quality.PlanSubmitted, quality.StagePlan
	due := plan.Due
	s.Checks, s.Progress, s.ApprovedAt, s.DueAt, s.NextCheckAt, s.LastProgressAt = nil, nil, nil, &due, nil, nil
	c.setRemindFrom(now)
	key, err := c.record(ctx, "continued", req.By, map[string]any{"next_iteration": s.Iteration, "plan": plan})
	if err != nil {
		return c.state, err
	}
	team := c.team(ctx)
	c.notify(ctx, key, "pdca_continued", []string{team.lead()},
		fmt.Sprintf("PDCA cycle %q: iteration %d's adjusted plan awaits your decision", s.Title, s.Iteration),
		fmt.Sprintf("%s recorded the root cause (%s) and an adjusted plan: target %g, due %s.",
			req.By, s.RootCause, plan.Target, formatTime(plan.Due)))
	return c.state, nil
}

// close ends the cycle with an outcome.
func (c *pdcaCycle) close(now time.Time, outcome string) {
	s := &c.state
	s.Stage, s.Outcome, s.ClosedAt = quality.StageClosed, outcome, &now
	s.NextCheckAt, s.NextReminderAt = nil, nil
}

func (c *pdcaCycle) closed(ctx workflow.Context, by string, why string) (PDCAState, error) {
	key, err := c.record(ctx, "closed", by, map[string]any{"outcome": c.state.Outcome})
	if err != nil {
		return c.state, err
	}
	team := c.team(ctx)
	c.notify(ctx, key, "pdca_closed", team.Recipients(),
		fmt.Sprintf("PDCA cycle %q closed: %s", c.state.Title, c.state.Outcome),
		fmt.Sprintf("Cycle %q closed after iteration %d: %s.", c.state.Title, c.state.Iteration, why))
	return c.state, nil
}

func (c *pdcaCycle) validateWithdraw(_ workflow.Context, req WithdrawRequest) error {
	if err := c.open(); err != nil {
		return err
	}
	if err := pdcaRequireBy(req.By); err != nil {
		return err
	}
	if strings.TrimSpace(req.Reason) == "" {
		return invalidAction("reason is required")
	}
	return nil
}

func (c *pdcaCycle) withdraw(ctx workflow.Context, req WithdrawRequest) (PDCAState, error) {
	now := workflow.Now(ctx)
	reason := strings.TrimSpace(req.Reason)
	c.close(now, quality.OutcomeWithdrawn)
	c.changes++
	if _, err := c.record(ctx, "withdrawn", req.By, map[string]any{"reason": reason}); err != nil {
		return c.state, err
	}
	return c.closed(ctx, req.By, "withdrawn by "+req.By+": "+reason)
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
