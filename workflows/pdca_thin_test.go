package workflows_test

import (
	"time"

	"github.com/complaintflow/complaintflow/workflows"
)

// A final check on too few samples is not judged: the team may standardise, giving
// the reason (a quality lead's cycle measured one complaint and was forced into
// another round, found by an audit), or re-plan; the notice says it could not judge.
func (s *PDCASuite) TestAThinFinalCheckIsStandardisedWithAReason() {
	s.acts.values[cst(1, 15, 9).UTC()] = 95
	s.acts.thin = map[time.Time]int64{cst(1, 15, 9).UTC(): 1}
	s.newRun(cst(1, 5, 9))
	s.at(cst(1, 5, 10), func() {
		s.update(workflows.UpdateSubmitPlan, s.plan("qin", 70, cst(1, 10, 9), measure("Route enquiries", "ann", cst(1, 9, 9))))
	})
	s.at(cst(1, 5, 11), func() {
		s.update(workflows.UpdateDecidePlan, workflows.DecidePlanRequest{By: "lee", Decision: workflows.PlanApprove})
	})
	s.at(cst(1, 16, 10), func() {
		s.reject(workflows.UpdateAct, workflows.ActRequest{By: "lee", SOPChange: "route by region"})
		plan := s.plan("lee", 70, cst(1, 30, 9), measure("Route enquiries", "ann", cst(1, 29, 9)))
		s.reject(workflows.UpdateAct, workflows.ActRequest{By: "lee", SOPChange: "route by region",
			RootCause: "one complaint in the period", AdjustedPlan: &plan})
		s.update(workflows.UpdateAct, workflows.ActRequest{By: "lee", SOPChange: "route by region",
			RootCause: "one complaint in the period; the measure is cheap and sound"})
	})
	s.env.ExecuteWorkflow(workflows.PDCACycleWorkflow, workflows.PDCAInput{CycleID: "c-1"})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	s.Equal([]string{
		"the final check was not judged (1 of 10 samples): root_cause is required",
		"the final check was not judged (1 of 10 samples) and sop_change standardises: no adjusted_plan is taken",
	}, s.rejections)
	decided := s.acts.eventsOf("act_decided")[0]
	s.Equal(false, decided.Data["judged"])
	s.Equal("route by region", decided.Data["sop_change"])
	closed := s.acts.eventsOf("closed")[0]
	s.Equal("standardised", closed.State.Outcome)
	s.Equal("one complaint in the period; the measure is cheap and sound", closed.State.RootCause)
	checked := s.acts.eventsOf("checked")
	s.Require().NotEmpty(checked)
	var told []string
	s.acts.mu.Lock()
	for _, n := range s.acts.notices {
		if n.EventKey == checked[len(checked)-1].Key {
			told = append(told, n.Subject)
		}
	}
	s.acts.mu.Unlock()
	s.Require().NotEmpty(told)
	s.Contains(told[0], "could not judge (1 of 10 samples)")
}
