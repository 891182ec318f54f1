package workflows_test

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// refundGrantedAs files ann's request for a full refund of 800 over her limit of
// 500, which max grants at 2 h as granted, and closes at 3 h.
func (s *ComplaintSuite) refundGrantedAs(granted complaint.Compensation) workflows.ComplaintState {
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
			Decision: complaint.Decision{Kind: complaint.DecisionCompensate, Compensation: &granted}})
	})
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })
	return s.run()
}

// managerAsksOverHisLimit files a complaint of ann's on which max, a manager, grants
// 100 over his limit of 50 at 1 h.
func (s *ComplaintSuite) managerAsksOverHisLimit() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateCompensate, workflows.CompensateRequest{Actor: "max", Kind: complaint.RecoveryCompensation,
			Amount: 100, Currency: "CNY", Note: "goodwill", Limit: limit(50)})
	})
}

// A manager grants less than the agent asked for: the record and the customer's
// text carry the manager's kind and note ("部分退款"), not the agent's ("全额退款") —
// found by an audit of a manager's day in the console. Data only: no version.
func (s *ComplaintSuite) TestAManagersPartialRefundIsToldInTheManagersWords() {
	state := s.refundGrantedAs(complaint.Compensation{Kind: "refund", Amount: 600, Currency: "CNY", Note: "部分退款"})

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
	s.managerAsksOverHisLimit()
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
	s.managerAsksOverHisLimit()
	s.at(2*time.Hour, func() { s.Equal("dora", s.queryState().PendingEscalation().Approver) })
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	s.Equal([]string{"not-own-approver-1", "staff-close-notice-1"}, *upserts)
}

// A manager who only lowers the amount (no note of their own) does not send the
// customer the agent's note: "全额退款" is not told of a partial refund (a review's
// finding). Granting what was asked keeps the agent's note.
func (s *ComplaintSuite) TestAPartialRefundWithoutANoteDropsTheAgentsNote() {
	state := s.refundGrantedAs(complaint.Compensation{Kind: "refund", Amount: 600, Currency: "CNY"})

	s.Equal("", state.Compensations[0].Note)
	told := s.acts.noticesOf(complaint.EventCompensationGranted)
	s.Require().Len(told, 1)
	s.Equal("", told[0].Vars["note"])
	s.Equal("600", told[0].Vars["amount"])
}

// A director — nobody above them — may not ask for a decision over their own limit
// from revision 9 on: the validator says so, instead of parking the request with a
// notice that no manager can decide it (a review's finding).
func (s *ComplaintSuite) TestTheTopOfTheChainHasNobodyToAsk() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.reject(workflows.UpdateCompensate, workflows.CompensateRequest{Actor: "dora", Kind: complaint.RecoveryCompensation,
			Amount: 100, Currency: "CNY", Note: "goodwill", Limit: limit(50)})
	})
	s.at(2*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	s.Equal([]string{"cannot request compensation over your limit: nobody above dora in the reporting chain of ann may decide it"}, s.rejections)
	s.Empty(s.acts.eventsOf(complaint.EventEscalationRequest))
}

// An escalation a manager asked for under revision 8 went to that manager; moved up
// after the change, it goes to the first approver above them, not to "overdue at
// the top" with the requester still its approver (a review's finding).
func (s *ComplaintSuite) TestAnOwnRequestOpenedBeforeTheChangeMovesUpToTheOneAbove() {
	s.revision = 8
	s.env.OnGetVersion("not-own-approver", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion).Once()
	s.env.OnGetVersion("not-own-approver", workflow.DefaultVersion, 1).Return(workflow.Version(1))
	s.managerAsksOverHisLimit()
	s.at(2*time.Hour, func() { s.Equal("max", s.queryState().PendingEscalation().Approver, "opened as revision 8 did") })
	s.at(7*time.Hour, func() {
		e := s.queryState().PendingEscalation()
		s.Require().NotNil(e)
		s.Equal("dora", e.Approver)
		s.Equal([]string{"dora"}, e.Eligible)
		s.NotNil(e.DecisionDueAt)
	})
	s.at(8*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	s.Len(s.acts.eventsOf(complaint.EventEscalationMovedUp), 1)
	s.Empty(s.acts.eventsOf(complaint.EventEscalationOverdue))
}
