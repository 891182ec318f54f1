package workflows_test

import (
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// Negative touch-point feedback (001 "实时反馈机制"): the seeded source policy's
// 15-minute first-response clock breaches at 15 minutes, then climbs the ladder.
func (s *ComplaintSuite) TestNegativeFeedbackFifteenMinuteClockBreaches() {
	p := s.filed(complaint.Medium, 15*time.Minute, 24*time.Hour)
	p.WarningPercents = []int{50, 90}
	p.EscalationLevels = []complaint.LadderLevel{{Level: 1, AfterSeconds: 0, Notify: complaint.RoleTeamLead}}
	s.ownedBy("ann")
	s.at(10*time.Minute, func() {
		state := s.queryState()
		s.Equal(15*time.Minute, state.FirstResponseDueAt.Sub(s.start))
		s.Empty(state.Breaches, "not due yet")
	})
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "Sorry — on it."})
	})
	s.at(2*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	breaches := s.acts.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 1, "the first response is late; the resolution is not")
	s.Equal(complaint.ClockFirstResponse, breaches[0].Clock)
	s.Equal(15*time.Minute, breaches[0].At.Sub(s.start), "breach exactly at 15 minutes")
	s.Equal([]time.Duration{7*time.Minute + 30*time.Second, 13*time.Minute + 30*time.Second},
		s.times(s.acts.eventsOf(complaint.EventSLAWarning)), "warnings at 50 % and 90 % of 15 minutes")
	ladder := s.acts.eventsOf(complaint.EventSLAEscalated)
	s.Require().Len(ladder, 1)
	s.Equal("lee", ladder[0].Recipient)
	s.Equal(15*time.Minute, ladder[0].At.Sub(s.start))
}

// An angry customer (002 §3.2) whose urgency intake raised: the raise is recorded
// with its reason when the complaint opens, and an escalation is requested at once.
func (s *ComplaintSuite) TestAngerRaiseIsRecordedAndEscalated() {
	tests := []struct {
		name       string
		urgency    complaint.Level
		raisedFrom complaint.Level
		wantRaise  string // the raise event's reason; "" none
	}{
		{"raised from medium", complaint.High, complaint.Medium,
			"urgency raised from medium to high: anger words in the text: furious"},
		{"low to medium", complaint.Medium, complaint.Low,
			"urgency raised from low to medium: anger words in the text: furious"},
		{"already at the top: escalated, not raised", complaint.High, "", ""},
	}
	for _, tt := range tests {
		s.Run(tt.name, func() {
			s.SetupTest()
			p := s.filed(tt.urgency, 2*time.Hour, 24*time.Hour)
			p.AutoEscalateAngry = true
			s.acts.sla.Anger, s.acts.sla.RaisedFrom = "anger words in the text: furious", tt.raisedFrom
			s.ownedBy("ann")
			s.at(time.Hour, func() { s.resolveAndClose("ann") })

			s.run()

			raised := s.acts.eventsOf(complaint.EventUrgencyRaised)
			if tt.wantRaise == "" {
				s.Empty(raised)
			} else {
				s.Require().Len(raised, 1)
				s.Equal(tt.wantRaise, raised[0].Reason)
				s.Equal(tt.urgency, raised[0].Urgency)
				s.Equal("system", raised[0].Actor)
				s.Equal(time.Duration(0), raised[0].At.Sub(s.start))
			}
			requested := s.acts.eventsOf(complaint.EventEscalationRequest)
			s.Require().Len(requested, 1, "escalated as well as raised")
			s.True(requested[0].Escalation.Automatic)
			s.Equal("angry customer (anger words in the text: furious): the policy escalates at once", requested[0].Reason)
			s.Equal("max", requested[0].Escalation.Approver)
		})
	}
}

// A manager raises a social-media complaint's urgency: the raised urgency's policy
// is the one intake's precedence picks for the complaint's source and tier
// (docs/policies.md) — so LoadPolicy is asked for this complaint, whose source the
// activity reads (activities TestLoadPolicyPicksTheRaisedUrgencysPolicyByTheComplaintsSource:
// social_mention/high/* over the matrix's high cell), not for a cell of the matrix.
func (s *ComplaintSuite) TestRaisingTheUrgencyAsksForTheComplaintsOwnPolicy() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	twelve := int64(12 * 3600)
	s.acts.policies[complaint.High] = complaint.Policy{FirstResponseSeconds: 1800, ResolutionSeconds: &twelve}
	s.at(time.Hour, func() {
		s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "a viral post"})
	})
	s.at(2*time.Hour, func() {
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1,
			Decision: complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.High}})
	})
	s.at(3*time.Hour, func() {
		s.Equal(14*time.Hour, s.queryState().ResolutionDueAt.Sub(s.start), "2 h used, then the picked policy's 12 h")
		s.resolveAndClose("ann")
	})

	s.run()

	s.Equal([]activities.LoadPolicyInput{{ComplaintID: "c-1", Urgency: complaint.High, Tier: complaint.Medium}}, s.acts.policyInputs)
}

// A manager raises the urgency of a complaint still awaiting its first response:
// the high policy's 2 h tightens the first-response clock to 2 h after the
// decision (2 h used of 24), and the decision's event carries that deadline so the
// complaint row shows what the timer keeps. Once the first response was given, the
// clock is met and the event carries none.
func (s *ComplaintSuite) TestRaisedUrgencyRecordsTheTighterFirstResponseDeadline() {
	for _, tt := range []struct {
		name         string
		acknowledged bool
		want         time.Duration // from the start; 0: no first-response deadline on the event
	}{
		{"awaiting the first response", false, 4 * time.Hour},
		{"first response given", true, 0},
	} {
		s.Run(tt.name, func() {
			s.SetupTest()
			s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
			s.ownedBy("ann")
			high := int64(24 * 3600)
			s.acts.policies[complaint.High] = complaint.Policy{FirstResponseSeconds: 2 * 3600, ResolutionSeconds: &high}
			s.at(time.Hour, func() {
				if tt.acknowledged {
					s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
				}
				s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "food safety"})
			})
			s.at(2*time.Hour, func() {
				s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1,
					Decision: complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.High}})
			})
			s.at(5*time.Hour, func() { s.resolveAndClose("ann") })

			s.run()

			decided := s.acts.eventsOf(complaint.EventEscalationDecision)
			s.Require().Len(decided, 1)
			if tt.want == 0 {
				s.True(decided[0].FirstResponseDueAt.IsZero(), "a met clock moves no deadline: got %s", decided[0].FirstResponseDueAt)
				return
			}
			s.Equal(tt.want, decided[0].FirstResponseDueAt.Sub(s.start))
			breaches := s.acts.eventsOf(complaint.EventSLABreached)
			s.Require().NotEmpty(breaches)
			s.Equal(complaint.ClockFirstResponse, breaches[0].Clock)
			s.Equal(tt.want, breaches[0].At.Sub(s.start), "the timer fires at the recorded deadline")
		})
	}
}
