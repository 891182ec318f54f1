package workflows_test

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/workflows"
)

func limit(v float64) *float64 { return &v }

func compensation(amount float64) workflows.CompensateRequest {
	return workflows.CompensateRequest{Actor: "ann", Kind: complaint.RecoveryCompensation, Amount: amount,
		Currency: "CNY", Note: "late parcel", Limit: limit(200)}
}

// An agent grants 150 at once; 300 goes to the manager automatically, moves up when
// undecided within the decision time, and is granted by a "compensate" decision.
func (s *ComplaintSuite) TestOverLimitCompensationEscalatesAutomatically() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() { s.update(workflows.UpdateCompensate, compensation(150)) })
	s.at(2*time.Hour, func() {
		state := s.queryState()
		s.Require().Len(state.Compensations, 1)
		s.Equal(complaint.CompensationGranted, state.Compensations[0].Status)
		s.Nil(state.PendingEscalation(), "within the limit: no escalation")
		s.update(workflows.UpdateCompensate, compensation(300))
	})
	s.at(3*time.Hour, func() {
		state := s.queryState()
		e := state.PendingEscalation()
		s.Require().NotNil(e, "over the limit: an escalation to the manager")
		s.Equal("max", e.Approver)
		s.True(e.Automatic)
		s.Contains(e.Reason, "compensation of 300 CNY")
		s.Equal(complaint.CompensationRequested, state.Compensations[1].Status)
		s.Equal(e.Seq, state.Compensations[1].EscalationSeq)
		// A second request over the limit waits for the first decision.
		s.reject(workflows.UpdateCompensate, compensation(250))
	})
	s.at(7*time.Hour, func() {
		// The decision time (4 h from 2 h) passed: it moved up to the director.
		e := s.queryState().PendingEscalation()
		s.Equal(2, e.Level)
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "dora", Seq: e.Seq,
			Decision: complaint.Decision{Kind: complaint.DecisionCompensate,
				Compensation: &complaint.Compensation{Kind: "other", Amount: 300, Currency: "CNY"}}})
	})
	s.at(8*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Require().Len(state.Compensations, 2)
	s.Equal(complaint.CompensationGranted, state.Compensations[1].Status)
	s.Equal("dora", state.Compensations[1].DecidedBy)
	s.Equal([]string{"cannot request compensation over your limit: escalation 1 already awaits a decision by max"}, s.rejections)
	granted := s.acts.eventsOf(complaint.EventCompensationGranted)
	s.Require().Len(granted, 2)
	s.Equal(time.Hour, granted[0].At.Sub(s.start))
	s.Equal(7*time.Hour, granted[1].At.Sub(s.start))
	s.Len(s.acts.eventsOf(complaint.EventCompensationRequested), 1)
	s.Len(s.acts.eventsOf(complaint.EventEscalationMovedUp), 1)
	notices := s.acts.noticesOf(complaint.EventCompensationGranted)
	s.Require().Len(notices, 2, "the customer hears of each grant once")
	for i, n := range notices {
		s.Equal(activities.CustomerRecipient, n.Recipient)
		s.Equal(string(message.Compensation), n.Template)
		// The decision's grant is told in its words (kind other), the agent's note kept.
		s.Equal(map[string]string{"amount": []string{"150", "300"}[i], "currency": "CNY", "kind": []string{"compensation", "other"}[i],
			"status": "granted", "note": "late parcel"}, n.Vars)
	}
	s.Equal(complaint.RecoveryCompensation, state.Compensations[1].Kind)
	s.Equal("other: late parcel", state.Compensations[1].Note)
	for _, n := range s.acts.noticesOf(complaint.EventEscalationDecision) {
		s.NotEqual(activities.CustomerRecipient, n.Recipient, "the grant is told once, by its own notice")
	}
}

// Two over-limit requests, or one and an escalation request, in the same moment:
// while the first's escalation is being opened the others are refused, so one
// escalation is opened and no compensation is left naming one that never was.
func (s *ComplaintSuite) TestOverLimitRequestsInTheSameMomentOpenOneEscalation() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateCompensate, compensation(300))
		s.reject(workflows.UpdateCompensate, compensation(250))
		s.reject(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "customer insists"})
	})
	s.at(2*time.Hour, func() {
		state := s.queryState()
		s.Require().Len(state.Escalations, 1)
		s.Require().Len(state.Compensations, 1)
		s.Equal(1, state.Compensations[0].EscalationSeq)
	})
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	s.Equal([]string{
		"cannot request compensation over your limit: another over-limit request is being escalated",
		"cannot escalate: an over-limit compensation is being escalated",
	}, s.rejections)
}

// 002 §3.1 「小額退款(500元以下)、服務補償(200元以下)」: 以下 includes the stated
// number (PRC Civil Code Art. 1259), so 500 of a 500 refund limit and 200 of a 200
// compensation limit are granted at once; 500.01 goes to the manager; no limit at
// all means no authority.
func (s *ComplaintSuite) TestCompensationLimitBoundaries() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	refund := func(amount float64, l *float64) workflows.CompensateRequest {
		return workflows.CompensateRequest{Actor: "ann", Kind: complaint.RecoveryRefund, Amount: amount, Currency: "CNY", Limit: l}
	}
	s.at(30*time.Minute, func() { s.update(workflows.UpdateCompensate, compensation(200)) })
	s.at(time.Hour, func() { s.update(workflows.UpdateCompensate, refund(500, limit(500))) })
	s.at(2*time.Hour, func() { s.update(workflows.UpdateCompensate, refund(500.01, limit(500))) })
	s.at(3*time.Hour, func() {
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1,
			Decision: complaint.Decision{Kind: complaint.DecisionReject, Reason: "the order was already refunded"}})
	})
	s.at(4*time.Hour, func() { s.update(workflows.UpdateCompensate, refund(1, nil)) })
	s.at(5*time.Hour, func() {
		s.reject(workflows.UpdateCompensate, refund(0, limit(500)))
		s.reject(workflows.UpdateCompensate, workflows.CompensateRequest{Actor: "ann", Kind: "coupon", Amount: 1, Currency: "CNY"})
		s.resolveAndClose("ann")
	})

	state := s.run()

	var got []string
	for _, c := range state.Compensations {
		got = append(got, fmt.Sprintf("%g %s", c.Amount, c.Status))
	}
	s.Equal([]string{"200 granted", "500 granted", "500.01 declined", "1 cancelled"}, got)
	s.Len(s.rejections, 2)
	s.Len(s.acts.eventsOf(complaint.EventCompensationGranted), 2)
	s.Len(s.acts.eventsOf(complaint.EventCompensationDeclined), 1)
	s.Len(s.acts.eventsOf(complaint.EventCompensationCancelled), 1)
	s.Len(s.acts.eventsOf(complaint.EventEscalationCancelled), 1)
}

// refundAtTheLimit asks for a refund just under ann's limit of 500 and one at it.
func (s *ComplaintSuite) refundAtTheLimit() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	refund := func(amount float64) workflows.CompensateRequest {
		return workflows.CompensateRequest{Actor: "ann", Kind: complaint.RecoveryRefund, Amount: amount, Currency: "CNY", Limit: limit(500)}
	}
	s.at(time.Hour, func() { s.update(workflows.UpdateCompensate, refund(499.99)) })
	s.at(2*time.Hour, func() { s.update(workflows.UpdateCompensate, refund(500)) })
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })
}

// A revision-4 execution decides an amount at the limit with GetVersion: without the
// marker (its recorded history) 500 goes to the manager, as it did; below the limit
// nothing is asked.
func (s *ComplaintSuite) TestRevisionFourKeepsTheStrictLimitWithoutTheMarker() {
	s.revision = 4
	s.env.OnGetVersion("compensation-limit-inclusive", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion).Once()
	s.refundAtTheLimit()

	state := s.run()

	s.Require().Len(state.Compensations, 2)
	s.Equal(complaint.CompensationGranted, state.Compensations[0].Status)
	s.Equal(complaint.CompensationCancelled, state.Compensations[1].Status, "requested from the manager, cancelled by the resolution")
	s.Len(state.Escalations, 1)
}

func (s *ComplaintSuite) TestRevisionFourMeetingTheLimitLiveGrantsIt() {
	s.revision = 4
	upserts := s.changeVersionUpserts()
	s.refundAtTheLimit()

	state := s.run()

	s.Require().Len(state.Compensations, 2)
	s.Equal(complaint.CompensationGranted, state.Compensations[1].Status)
	s.Empty(state.Escalations)
	s.ElementsMatch([]string{"compensation-limit-inclusive-1", "survey-link-expiry-1", "staff-close-notice-1"}, *upserts,
		"the change, asked once, the survey's and the staff close's")
}

// A team lead hands the complaint to bob; the clocks run on as they were, and bob
// (with the console link Notify adds) and ann hear of it.
func (s *ComplaintSuite) TestHandoverKeepsTheClocks() {
	s.filed(complaint.Medium, 2*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.acts.sla.Team = "care"
	s.acts.chains["bob"] = []complaint.Member{bob, lee, max_, dora}
	handover := func(actor, to string) workflows.HandoverRequest {
		return workflows.HandoverRequest{Actor: actor, To: to, Reason: "ann is on leave", TeamLead: "lee", ToTeam: "care", ToActive: true}
	}
	var before workflows.ComplaintState
	s.at(time.Hour, func() {
		before = s.queryState()
		s.reject(workflows.UpdateHandover, handover("bob", "bob"))
		s.reject(workflows.UpdateHandover, workflows.HandoverRequest{Actor: "lee", To: "mia", Reason: "x", TeamLead: "lee", ToTeam: "sales", ToActive: true})
		s.update(workflows.UpdateHandover, handover("lee", "bob"))
	})
	s.at(90*time.Minute, func() {
		state := s.queryState()
		s.Equal("bob", state.Owner)
		s.Equal([]complaint.Member{bob, lee, max_, dora}, state.Chain)
		s.True(before.FirstResponseDueAt.Equal(state.FirstResponseDueAt), "first-response due time untouched")
		s.True(before.ResolutionDueAt.Equal(*state.ResolutionDueAt), "resolution due time untouched")
	})
	s.at(50*time.Hour, func() { s.resolveAndClose("bob") })

	state := s.run()

	s.Len(s.rejections, 2)
	handed := s.acts.eventsOf(complaint.EventHandedOver)
	s.Require().Len(handed, 1)
	s.Equal("bob", handed[0].Owner)
	s.Equal("ann", handed[0].PreviousOwner)
	// The clocks kept running: the first response breached at 2 h, the resolution at 48 h.
	breaches := s.acts.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 2)
	s.Equal([]time.Duration{2 * time.Hour, 48 * time.Hour}, s.times(breaches))
	s.Equal("bob", state.Owner)
	var to []string
	for _, n := range s.acts.noticesOf(complaint.EventHandedOver) {
		to = append(to, n.Recipient)
	}
	// Two concurrent activities: who hears first is not part of the contract.
	s.ElementsMatch([]string{"bob", "ann"}, to)
}
