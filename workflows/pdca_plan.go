package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The Plan stage of a PDCA cycle: the plan's shape, the SMART rules both the API
// and the workflow check it by (CheckPlan), and the submit and decide updates.

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
	// What the plan needs and its risks (001's action-plan template).
	Resources string `json:",omitempty"`
	Risks     string `json:",omitempty"`
	// The committee that must each approve the plan (000 §8.1); empty: one approval.
	Approvers []string `json:",omitempty"`
}

// DecidePlanRequest approves a submitted plan or sends it back with a reason.
type DecidePlanRequest struct {
	By       string
	Decision string // PlanApprove or PlanSendBack
	Reason   string
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
// direction; a deadline in the future within PDCAMaxPlanHorizon; and a committee,
// if any, of distinct people other than the submitter. The API runs
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
	for i, a := range p.Approvers {
		field := fmt.Sprintf("approvers[%d]", i)
		switch {
		case strings.TrimSpace(a) == "":
			add(field, "is required")
		case strings.TrimSpace(a) == p.By:
			add(field, "must not be the plan's submitter: nobody approves their own plan")
		case slices.Contains(p.Approvers[:i], a):
			add(field, "is named twice")
		}
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
	case !c.takes(quality.CycleSubmitPlan):
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
	c.notify(ctx, key, "pdca_plan_submitted", append([]string{team.lead()}, plan.Approvers...),
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
		Resources: strings.TrimSpace(req.Resources), Risks: strings.TrimSpace(req.Risks),
	}
	for _, a := range req.Approvers {
		plan.Approvers = append(plan.Approvers, strings.TrimSpace(a))
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
	case !c.takes(quality.CycleDecidePlan):
		return invalidAction("no plan awaits a decision")
	case req.Decision != PlanApprove && req.Decision != PlanSendBack:
		return invalidAction(fmt.Sprintf("decision %q is not %s or %s", req.Decision, PlanApprove, PlanSendBack))
	case req.Decision == PlanSendBack && strings.TrimSpace(req.Reason) == "":
		return invalidAction("send_back needs a reason")
	case req.Decision == PlanApprove && req.By == c.state.Plan.SubmittedBy:
		return invalidAction("the plan's submitter cannot approve it; another member of the quality team must")
	case len(c.state.Plan.Approvers) > 0 && !slices.Contains(c.state.Plan.Approvers, req.By):
		return invalidAction(fmt.Sprintf("%s is not on the plan's committee (%s)", req.By, strings.Join(c.state.Plan.Approvers, ", ")))
	case req.Decision == PlanApprove && len(c.state.Plan.Approvers) > 0 && !slices.Contains(c.state.Plan.Pending(), req.By):
		return invalidAction(req.By + " has already approved the plan")
	}
	return nil
}

// approveAsMember records one committee member's approval; it reports whether the
// committee is still incomplete (the plan then stays submitted).
func (c *pdcaCycle) approveAsMember(ctx workflow.Context, req DecidePlanRequest, now time.Time) (bool, error) {
	s := &c.state
	if len(s.Plan.Approvers) == 0 {
		return false, nil
	}
	// Recording a member's approval is a command older code did not give.
	if workflow.GetVersion(ctx, pdcaCommitteeChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return false, nil
	}
	plan := *s.Plan
	plan.Approvals = append(slices.Clone(plan.Approvals), quality.CycleApproval{By: req.By, At: now})
	s.Plan = &plan
	pending := plan.Pending()
	if len(pending) == 0 {
		return false, nil
	}
	c.setRemindFrom(now)
	c.changes++
	key, err := c.record(ctx, "plan_approval_recorded", req.By, map[string]any{"pending": pending})
	if err != nil {
		return true, err
	}
	c.notify(ctx, key, "pdca_plan_submitted", pending,
		fmt.Sprintf("PDCA cycle %q: the plan awaits your approval", s.Title),
		fmt.Sprintf("%s approved the plan of iteration %d; still to approve: %s.", req.By, s.Iteration, strings.Join(pending, ", ")))
	return true, nil
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
	if waiting, err := c.approveAsMember(ctx, req, now); waiting || err != nil {
		return c.state, err
	}
	plan = *s.Plan
	plan.SentBackReason = ""
	s.Plan = &plan
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
