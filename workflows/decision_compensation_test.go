package workflows_test

import (
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// A manager's "compensate" decision on an escalation that asked for none, and an
// agent's compensation within her limit, in the same moment: the decision's grant
// takes its seq before its event is written, so the agent's takes the next one —
// two rows, both in the cost of recovery — and the decision's event carries what it
// grants (its row granted with the decision; one callback, the grant's).
func (s *ComplaintSuite) TestADecisionsCompensationAndAnAgentsInOneMomentTakeTwoSeqs() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "the customer asks for more"})
	})
	s.at(2*time.Hour, func() {
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1, Decision: complaint.Decision{
			Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{Kind: "coupon", Amount: 12, Currency: "CNY"}}})
		s.update(workflows.UpdateCompensate, compensation(150))
	})
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Require().Len(state.Compensations, 2)
	s.NotEqual(state.Compensations[0].Seq, state.Compensations[1].Seq)
	seqs := map[int]float64{}
	for _, e := range s.acts.eventsOf(complaint.EventCompensationGranted) {
		seqs[e.Compensation.Seq] = e.Compensation.Amount
	}
	s.Equal(map[int]float64{1: 12, 2: 150}, seqs, "each grant under a seq of its own")
	decided := s.acts.eventsOf(complaint.EventEscalationDecision)
	s.Require().Len(decided, 1)
	s.Require().NotNil(decided[0].Compensation, "the decision's event carries its grant")
	s.Equal(1, decided[0].Compensation.EscalationSeq)
	s.Equal(complaint.CompensationGranted, decided[0].Compensation.Status)
}
