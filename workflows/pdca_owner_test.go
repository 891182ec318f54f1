package workflows_test

import (
	"github.com/complaintflow/complaintflow/workflows"
)

// A committee (000 §8.1): the plan names two approvers; someone outside it cannot
// decide, a member cannot approve twice, and the cycle moves to Do only when the
// last member has approved. Each partial approval is recorded and tells whoever is
// still to approve.
func (s *PDCASuite) TestCommitteeApproval() {
	plan := s.plan("qin", 75, cst(1, 31, 9), measure("Route enquiries", "ann", cst(1, 25, 18)))
	plan.Approvers = []string{"lee", "dora"}
	plan.Resources, plan.Risks = "two agents for a week", "the courier desk is short-staffed"

	s.newRun(cst(1, 5, 9))
	s.at(cst(1, 5, 10), func() {
		self := plan
		self.Approvers = []string{"lee", "qin", "lee"}
		s.reject(workflows.UpdateSubmitPlan, self)
		s.update(workflows.UpdateSubmitPlan, plan)
	})
	s.at(cst(1, 5, 11), func() {
		s.reject(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "bob", Decision: workflows.PlanApprove})
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
	})
	s.at(cst(1, 5, 12), func() {
		st := s.query()
		s.Equal("plan", st.Stage, "one of two approvals leaves the plan awaiting the committee")
		s.Equal("submitted", st.PlanStatus)
		s.Equal([]string{"dora"}, st.Plan.Pending())
		s.Equal("two agents for a week", st.Plan.Resources)
		s.Equal("the courier desk is short-staffed", st.Plan.Risks)
		s.reject(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "dora", Decision: workflows.PlanApprove})
	})
	s.at(cst(1, 5, 13), func() {
		st := s.query()
		s.Equal("do", st.Stage)
		s.Equal("approved", st.PlanStatus)
		s.Len(st.Plan.Approvals, 2)
		s.update(workflows.UpdateWithdraw, workflows.WithdrawRequest{By: "lee", Reason: "end of test"})
	})
	s.env.ExecuteWorkflow(workflows.PDCACycleWorkflow, workflows.PDCAInput{CycleID: "c-1"})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())

	s.Equal([]string{
		"approvers[1] must not be the plan's submitter: nobody approves their own plan; approvers[2] is named twice",
		"bob is not on the plan's committee (lee, dora)",
		"lee has already approved the plan",
	}, s.rejections)
	s.Equal([]string{"1:plan_submitted", "1:plan_approval_recorded", "1:plan_approved", "1:withdrawn", "1:closed"},
		s.acts.kinds())
	submitted := s.acts.eventsOf("plan_submitted")[0]
	s.Equal([]string{"lee", "dora"}, s.acts.recipientsOf(submitted.Key), "the lead and the committee hear of the plan")
	partial := s.acts.eventsOf("plan_approval_recorded")[0]
	s.Equal("lee", partial.Actor)
	s.Equal([]string{"dora"}, s.acts.recipientsOf(partial.Key), "whoever is still to approve is told")
}

// A check on demand (POST /v1/pdca-cycles/{id}/check) measures from the approval to
// now and leaves the schedule alone; the next scheduled check's window starts at it.
// The snapshot written to the row carries the next check time; in Plan a check is
// refused.
func (s *PDCASuite) TestCheckNow() {
	s.acts.values[cst(1, 10, 15).UTC()] = 66
	s.acts.values[cst(1, 15, 9).UTC()] = 70
	s.newRun(cst(1, 5, 9))
	s.at(cst(1, 5, 10), func() {
		s.reject(workflows.UpdateCheckNow, workflows.CheckNowRequest{By: "lee"})
		s.update(workflows.UpdateSubmitPlan, s.plan("qin", 75, cst(1, 31, 9), measure("Route enquiries", "ann", cst(1, 25, 18))))
	})
	s.at(cst(1, 6, 10), func() {
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
	})
	s.at(cst(1, 10, 15), func() {
		s.reject(workflows.UpdateCheckNow, workflows.CheckNowRequest{})
		s.update(workflows.UpdateCheckNow, workflows.CheckNowRequest{By: "lee"})
	})
	s.at(cst(1, 10, 16), func() {
		st := s.query()
		s.Equal("do", st.Stage)
		s.Require().Len(st.Checks, 1)
		s.Equal(cst(1, 15, 9).UTC(), st.NextCheckAt.UTC(), "a check on demand leaves the schedule alone")
	})
	s.at(cst(1, 15, 10), func() {
		s.Len(s.query().Checks, 2)
		s.update(workflows.UpdateWithdraw, workflows.WithdrawRequest{By: "lee", Reason: "end of test"})
	})
	s.env.ExecuteWorkflow(workflows.PDCACycleWorkflow, workflows.PDCAInput{CycleID: "c-1"})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())

	s.Equal([]string{"a check runs in stage do; the cycle is in stage plan", "by is required"}, s.rejections)
	s.Require().Len(s.acts.measured, 2)
	s.Equal(cst(1, 6, 10).UTC(), s.acts.measured[0].From.UTC(), "the first window starts at the approval")
	s.Equal(cst(1, 10, 15).UTC(), s.acts.measured[0].To.UTC())
	s.False(s.acts.measured[0].Final)
	s.Equal(cst(1, 10, 15).UTC(), s.acts.measured[1].From.UTC(), "the scheduled check's window starts at the check on demand")
	s.Equal(cst(1, 15, 9).UTC(), s.acts.measured[1].To.UTC())
	checked := s.acts.eventsOf("checked")
	s.Require().Len(checked, 2)
	s.Equal("lee", checked[0].Actor)
	s.Equal(true, checked[0].Data["on_demand"])
	s.Equal(cst(1, 15, 9).UTC(), checked[0].State.NextCheckAt.UTC(), "the row learns the next scheduled check")
	s.Equal("system", checked[1].Actor)
	s.Equal(cst(2, 1, 9).UTC(), checked[1].State.NextCheckAt.UTC())
	approved := s.acts.eventsOf("plan_approved")[0]
	s.Equal(cst(1, 15, 9).UTC(), approved.State.NextCheckAt.UTC())
}
