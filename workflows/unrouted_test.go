package workflows_test

import (
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// 002 §3.2 「如檢測到憤怒情緒自動升級至人工客服」: an angry customer is escalated to a
// human at once, even when the complaint's reporting chain names no manager to
// decide (docs/workflows.md, "Decided before anything blocks (revision 5)").

// tia leads a team and reports to nobody in the directory.
var tia = complaint.Member{ID: "tia", Role: complaint.RoleTeamLead}

// angryInTiasQueue files an angry customer's complaint into the queue of tia's team:
// no owner, a chain of the team lead alone.
func (s *ComplaintSuite) angryInTiasQueue() {
	p := s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	p.AutoEscalateAngry = true
	s.acts.sla.Sentiment = "angry"
	s.acts.chains["tia"] = []complaint.Member{tia}
	s.acts.sla.Chain = s.acts.chains["tia"]
}

// The escalation is requested at once and waits for a manager: tia, the only person
// the chain names, is told; a second request is refused while it waits; ann takes the
// complaint, her chain names max, and the escalation goes to him with the full
// decision time from then; he decides it.
func (s *ComplaintSuite) TestAnAngryCustomersEscalationWaitsForTheFirstManagerTheChainNames() {
	s.angryInTiasQueue()
	s.at(30*time.Minute, func() {
		e := s.queryState().PendingEscalation()
		s.Require().NotNil(e, "requested at once")
		s.Empty(e.Approver)
		s.Empty(e.Eligible)
		s.Nil(e.DecisionDueAt, "no decision deadline while no one can decide")
		s.reject(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "tia", Reason: "shouting on the phone"})
	})
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "I am so sorry — on it."})
	})
	s.at(2*time.Hour, func() {
		e := s.queryState().PendingEscalation()
		s.Require().NotNil(e)
		s.Equal("max", e.Approver)
		s.Equal([]string{"max", "dora"}, e.Eligible)
		s.Equal(1, e.Level)
		s.Require().NotNil(e.DecisionDueAt)
		s.Equal(5*time.Hour, e.DecisionDueAt.Sub(s.start), "the policy's 4 h from when it reached max")
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1,
			Decision: complaint.Decision{Kind: complaint.DecisionReject, Reason: "ann has it in hand"}})
	})
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Require().Len(state.Escalations, 1)
	s.Equal("rejected", state.Escalations[0].Status)
	s.Equal("max", state.Escalations[0].DecidedBy)
	requested := s.acts.eventsOf(complaint.EventEscalationRequest)
	s.Require().Len(requested, 1)
	s.Equal(time.Duration(0), requested[0].At.Sub(s.start), "at once")
	s.True(requested[0].Escalation.Automatic)
	s.Equal("angry customer: the policy escalates at once", requested[0].Reason)
	s.Empty(requested[0].Escalation.Approver)
	told := s.acts.noticesOf(complaint.EventEscalationRequest)
	s.Require().Len(told, 1)
	s.Equal("tia", told[0].Recipient)
	s.Contains(told[0].Subject, "awaits a manager")
	routed := s.acts.eventsOf(complaint.EventEscalationMovedUp)
	s.Require().Len(routed, 1)
	s.Equal(time.Hour, routed[0].At.Sub(s.start))
	s.Equal("max", routed[0].Escalation.Approver)
	s.Equal(1, routed[0].Level)
	toMax := s.acts.noticesOf(complaint.EventEscalationMovedUp)
	s.Require().Len(toMax, 1)
	s.Equal("max", toMax[0].Recipient)
	s.True(strings.HasPrefix(toMax[0].Subject, "Decision needed"), toMax[0].Subject)
	s.Empty(s.acts.eventsOf(complaint.EventEscalationOverdue))
	s.Equal([]string{"cannot escalate: escalation 1 already awaits a manager in the reporting chain"}, s.rejections)
}

// With no team lead either, the team's queue hears of it; resolving cancels it like
// any pending escalation, and no manager is ever asked.
func (s *ComplaintSuite) TestAnEscalationNoOneCanDecideIsToldToTheQueueAndCancelledByResolving() {
	s.angryInTiasQueue()
	s.acts.sla.Chain = nil
	s.at(time.Hour, func() { s.resolveAndClose("bob") }) // bob's chain names mia, after the resolution

	state := s.run()

	s.Require().Len(state.Escalations, 1)
	s.Equal("cancelled", state.Escalations[0].Status)
	told := s.acts.noticesOf(complaint.EventEscalationRequest)
	s.Require().Len(told, 1)
	s.Equal("unassigned:logistics", told[0].Recipient)
	s.Empty(s.acts.eventsOf(complaint.EventEscalationMovedUp), "cancelled before bob's chain loaded")
}

// An owned complaint whose owner's chain names no manager: the owner and the team
// lead are told; when the lead hands it over to ann, her chain names max, who gets it.
func (s *ComplaintSuite) TestAHandOverGivesAWaitingEscalationToTheNewChainsManager() {
	s.angryInTiasQueue()
	tom := complaint.Member{ID: "tom", Role: complaint.RoleAgent}
	s.acts.chains["tom"] = []complaint.Member{tom, tia}
	s.acts.sla.Owner, s.acts.sla.Chain, s.acts.sla.Team = "tom", s.acts.chains["tom"], "care"
	s.at(time.Hour, func() {
		s.update(workflows.UpdateHandover, workflows.HandoverRequest{Actor: "tia", To: "ann", Reason: "tom is new",
			TeamLead: "tia", ToTeam: "care", ToActive: true})
	})
	s.at(2*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	var told []string
	for _, n := range s.acts.noticesOf(complaint.EventEscalationRequest) {
		told = append(told, n.Recipient)
	}
	s.ElementsMatch([]string{"tom", "tia"}, told, "notices run concurrently: any order")
	routed := s.acts.eventsOf(complaint.EventEscalationMovedUp)
	s.Require().Len(routed, 1)
	s.Equal("max", routed[0].Escalation.Approver)
	s.Equal(time.Hour, routed[0].At.Sub(s.start))
	s.Equal("cancelled", state.Escalations[0].Status, "then resolved")
}

// A revision-4 execution decides it with GetVersion: without the marker (its recorded
// history) the escalation is only logged, as it was; met live it takes the change.
func (s *ComplaintSuite) TestRevisionFourDropsTheUnroutableEscalationWithoutTheMarker() {
	s.revision = 4
	s.env.OnGetVersion("escalation-awaits-manager", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.angryInTiasQueue()
	s.at(time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Empty(state.Escalations, "the recorded behaviour")
	s.Empty(s.acts.eventsOf(complaint.EventEscalationRequest))
}

func (s *ComplaintSuite) TestRevisionFourMeetingTheUnroutableEscalationLiveTakesIt() {
	s.revision = 4
	upserts := s.changeVersionUpserts()
	s.angryInTiasQueue()
	s.at(time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Require().Len(state.Escalations, 1)
	s.Equal("cancelled", state.Escalations[0].Status)
	s.Contains(*upserts, "escalation-awaits-manager-1")
}
