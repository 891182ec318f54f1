package workflows_test

import (
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// A manager grants less than the agent asked for: the record and the customer's
// text carry the manager's kind and note ("部分退款"), not the agent's ("全额退款") —
// found by an audit of a manager's day in the console. Data only: no version.
func (s *ComplaintSuite) TestAManagersPartialRefundIsToldInTheManagersWords() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateCompensate, workflows.CompensateRequest{Actor: "ann", Kind: complaint.RecoveryRefund,
			Amount: 800, Currency: "CNY", Note: "全额退款", Limit: limit(500)})
	})
	s.at(2*time.Hour, func() {
		e := s.queryState().PendingEscalation()
		s.Require().NotNil(e)
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: e.Seq,
			Decision: complaint.Decision{Kind: complaint.DecisionCompensate,
				Compensation: &complaint.Compensation{Kind: "refund", Amount: 600, Currency: "CNY", Note: "部分退款"}}})
	})
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Require().Len(state.Compensations, 1)
	c := state.Compensations[0]
	s.Equal(complaint.CompensationGranted, c.Status)
	s.Equal(600.0, c.Amount)
	s.Equal(complaint.RecoveryRefund, c.Kind)
	s.Equal("部分退款", c.Note)
	granted := s.acts.eventsOf(complaint.EventCompensationGranted)
	s.Require().Len(granted, 1)
	s.Equal("部分退款", granted[0].Compensation.Note)
	told := s.acts.noticesOf(complaint.EventCompensationGranted)
	s.Require().Len(told, 1)
	s.Equal(activities.CustomerRecipient, told[0].Recipient)
	s.Equal("部分退款", told[0].Vars["note"])
	s.Equal("refund", told[0].Vars["kind"])
	s.Equal("600", told[0].Vars["amount"])
}

// A manager granting over their own limit asks those above them: the director is
// the approver, the only one eligible, and at the top the request is overdue, not
// moved to anyone (revision 9). Before, it went to the manager, who may not decide
// their own request, and waited out the decision time.
func (s *ComplaintSuite) TestAManagersOwnRequestGoesToTheOneAbove() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateCompensate, workflows.CompensateRequest{Actor: "max", Kind: complaint.RecoveryCompensation,
			Amount: 100, Currency: "CNY", Note: "goodwill", Limit: limit(50)})
	})
	s.at(2*time.Hour, func() {
		e := s.queryState().PendingEscalation()
		s.Require().NotNil(e)
		s.Equal("max", e.RequestedBy)
		s.Equal("dora", e.Approver)
		s.Equal([]string{"dora"}, e.Eligible)
		s.Equal(1, e.Level)
	})
	s.at(7*time.Hour, func() {
		e := s.queryState().PendingEscalation()
		s.Require().NotNil(e, "undecided at the top: still pending")
		s.Equal("dora", e.Approver)
		s.Nil(e.DecisionDueAt, "nobody above: overdue, no new deadline")
	})
	s.at(8*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	requested := s.acts.noticesOf(complaint.EventEscalationRequest)
	s.Require().NotEmpty(requested)
	for _, n := range requested {
		s.NotEqual("max", n.Recipient, "nobody is asked to decide their own request")
	}
	s.Empty(s.acts.eventsOf(complaint.EventEscalationMovedUp))
	s.Len(s.acts.eventsOf(complaint.EventEscalationOverdue), 1)
}

// An execution of revision 8 meeting a manager's own request live takes the change
// (asked once); one replaying a history without the marker routed it to the
// requester, as it was recorded.
func (s *ComplaintSuite) TestRevisionEightMeetingAManagersOwnRequestLiveTakesIt() {
	s.revision = 8
	upserts := s.changeVersionUpserts()
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateCompensate, workflows.CompensateRequest{Actor: "max", Kind: complaint.RecoveryCompensation,
			Amount: 100, Currency: "CNY", Note: "goodwill", Limit: limit(50)})
	})
	s.at(2*time.Hour, func() { s.Equal("dora", s.queryState().PendingEscalation().Approver) })
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	s.Equal([]string{"not-own-approver-1", "staff-close-notice-1"}, *upserts)
}
