package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// The Do, Act and withdraw updates of a PDCA cycle: progress reports, the act
// after the final check, closing and withdrawing.

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
	// The root cause's fishbone category (quality.RootCauseCategories), optional.
	RootCauseCategory string `json:",omitempty"`
}

// WithdrawRequest abandons a cycle.
type WithdrawRequest struct {
	By     string
	Reason string
}

func (c *pdcaCycle) open() error {
	switch {
	case !c.loaded:
		return notReady("the cycle is still loading; try again")
	case c.state.Stage == quality.StageClosed:
		return invalidAction("the cycle is closed: " + c.state.Outcome)
	case c.next != nil:
		return notReady("the cycle is moving to its next iteration; try again")
	}
	return nil
}

// takes reports whether the cycle's stage takes the update now: the rule the
// console offers its forms by (quality.CycleTakes).
func (c *pdcaCycle) takes(update string) bool {
	return quality.CycleTakes(update, c.state.Stage, c.state.PlanStatus, c.finalCheck() != nil)
}

func pdcaRequireBy(by string) error {
	if strings.TrimSpace(by) == "" {
		return invalidAction("by is required")
	}
	return nil
}

func (c *pdcaCycle) validateReportProgress(_ workflow.Context, req ProgressRequest) error {
	if err := c.open(); err != nil {
		return err
	}
	if err := pdcaRequireBy(req.By); err != nil {
		return err
	}
	switch {
	case !c.takes(quality.CycleProgress):
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
	case !c.takes(quality.CycleAct):
		return invalidAction("no act decision is awaited; the cycle is in stage " + c.state.Stage)
	case req.RootCauseCategory != "" && !slices.Contains(quality.RootCauseCategories, req.RootCauseCategory):
		return invalidAction(fmt.Sprintf("root_cause_category %q is not one of %s", req.RootCauseCategory,
			strings.Join(quality.RootCauseCategories, ", ")))
	}
	// One rule with the API's (quality.CheckAct); a final check on too few samples
	// (Judged) neither met nor missed the target. Checks recorded before samples were
	// counted are judged, as they were.
	if faults := quality.CheckAct(final.Met, final.Samples, final.MinSamples, strings.TrimSpace(req.SOPChange),
		strings.TrimSpace(req.RootCause), req.AdjustedPlan != nil, c.state.Iteration >= c.state.MaxIterations); len(faults) > 0 {
		return invalidAction(faults[0].String())
	}
	if req.AdjustedPlan == nil || final.Met || c.state.Iteration >= c.state.MaxIterations ||
		(!final.Judged() && strings.TrimSpace(req.SOPChange) != "") {
		return nil // no plan taken: the cycle closes
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
	// Standardised on a final check too thin to judge, with the team's reason
	// (validateAct). Never for a check recorded before samples were counted.
	thin := !final.Met && !final.Judged() && strings.TrimSpace(req.SOPChange) != ""
	if final.Met || thin {
		s.SOPChange = strings.TrimSpace(req.SOPChange)
		decided := map[string]any{"met": true, "sop_change": s.SOPChange}
		closing := "the target was met and the measures are standardised: " + s.SOPChange
		if thin {
			s.RootCause, s.RootCauseCategory = strings.TrimSpace(req.RootCause), req.RootCauseCategory
			done.RootCause, done.RootCauseCategory = s.RootCause, s.RootCauseCategory
			decided = map[string]any{"met": false, "judged": false, "sop_change": s.SOPChange, "root_cause": s.RootCause}
			closing = fmt.Sprintf("the final check was not judged (%s); the measures are standardised: %s (why: %s)",
				quality.SamplesText(final.Samples, final.MinSamples), s.SOPChange, s.RootCause)
		}
		s.History = append(slices.Clone(s.History), done)
		c.close(now, quality.OutcomeStandardised)
		c.changes++
		if _, err := c.record(ctx, "act_decided", req.By, decided); err != nil {
			return c.state, err
		}
		if _, err := c.record(ctx, "standardised", req.By, map[string]any{"sop_change": s.SOPChange}); err != nil {
			return c.state, err
		}
		return c.closed(ctx, req.By, closing)
	}
	s.RootCause, s.RootCauseCategory = strings.TrimSpace(req.RootCause), req.RootCauseCategory
	done.RootCause, done.RootCauseCategory = s.RootCause, s.RootCauseCategory
	history := append(slices.Clone(s.History), done)
	if s.Iteration >= s.MaxIterations {
		s.History = history
		c.close(now, quality.OutcomeNotMet)
		c.changes++
		if _, err := c.record(ctx, "act_decided", req.By, map[string]any{"met": false, "root_cause": s.RootCause, "root_cause_category": s.RootCauseCategory}); err != nil {
			return c.state, err
		}
		return c.closed(ctx, req.By, fmt.Sprintf("the target was not met after %d iterations; root cause: %s",
			s.Iteration, s.RootCause))
	}
	plan := c.planOf(*req.AdjustedPlan, now)
	c.next = &PDCAInput{CycleID: c.in.CycleID, Iteration: s.Iteration + 1, History: history, Plan: &plan, Baseline: s.Baseline}
	c.changes++
	if _, err := c.record(ctx, "act_decided", req.By, map[string]any{
		"met": false, "root_cause": s.RootCause, "root_cause_category": s.RootCauseCategory, "adjusted_plan": plan,
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

// Change IDs of the PDCA workflow (workflow.GetVersion): a check on demand and a
// committee member's approval are commands older code never gave.
const (
	pdcaCheckNowChange  = "pdca-check-now"
	pdcaCommitteeChange = "pdca-committee"
)

// CheckNowRequest asks for a check of the Do stage now, outside the cycle's
// schedule (the check_now update).
type CheckNowRequest struct {
	By string
}

func (c *pdcaCycle) validateCheckNow(_ workflow.Context, req CheckNowRequest) error {
	if err := c.open(); err != nil {
		return err
	}
	if err := pdcaRequireBy(req.By); err != nil {
		return err
	}
	switch {
	case !c.takes(quality.CycleCheckNow):
		return invalidAction("a check runs in stage do; the cycle is in stage " + c.state.Stage)
	case c.measuring:
		return notReady("a check is being measured; try again")
	}
	return nil
}

// checkNow measures the metric over [the approval or the last check, now) and
// records the check; the scheduled checks keep their times. A check on or after
// the plan's due date is final, as a scheduled one would be.
func (c *pdcaCycle) checkNow(ctx workflow.Context, req CheckNowRequest) (PDCAState, error) {
	if workflow.GetVersion(ctx, pdcaCheckNowChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return c.state, invalidAction("this cycle's workflow predates checks on demand")
	}
	_, err := c.measure(ctx, workflow.Now(ctx).UTC(), req.By, false)
	return c.state, err
}
