package workflows_test

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/workflows"
)

// Revision 6: a round the customer's dissatisfied survey answer reopens is due a
// first response (001 「实时反馈机制」: 「对负面反馈在15分钟内进行初步响应」; tests of
// docs/workflows.md, "A first response to a dissatisfied answer").

const reopenedAt = 4 * time.Hour

// answeredDissatisfied files a medium complaint owned by ann (first response 24 h,
// resolution 48 h, follow-up 24 h, a warning at 50 %, ladder level 1 ten minutes
// past a deadline), acknowledged at 1 h and resolved at 2 h; the customer answers
// "not solved" at 4 h, which reopens it.
func (s *ComplaintSuite) answeredDissatisfied() *complaint.Policy {
	p := s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	p.WarningPercents = []int{50}
	p.EscalationLevels = []complaint.LadderLevel{{Level: 1, AfterSeconds: 600, Notify: complaint.RoleTeamLead}}
	s.ownedBy("ann")
	s.at(time.Hour, func() { s.acknowledge("ann") })
	s.resolveAt(2 * time.Hour)
	s.at(reopenedAt, func() { s.answer(0, complaint.SurveyAnswer{CSAT: 2, Solved: false, Comment: "still missing"}) })
	return p
}

func (s *ComplaintSuite) acknowledge(actor string) {
	s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: actor, Message: "sorry, we are on it"})
}

// closedVerifiedAfter resolves the reopened round at resolved and has the customer
// confirm the fix an hour later.
func (s *ComplaintSuite) closedVerifiedAfter(resolved time.Duration) {
	s.resolveAt(resolved)
	s.at(resolved+time.Hour, func() { s.answer(1, complaint.SurveyAnswer{CSAT: 5, Solved: true}) })
}

// Nobody answers the unhappy customer: the reopened round's first response is due
// 15 minutes after the reopening (no negative_feedback policy: the default), and its
// warning, breach and ladder level fire at exactly 50 %, 100 % and 10 minutes past.
// The round's resolution runs on the 24 h follow-up.
func (s *ComplaintSuite) TestADissatisfiedAnswerIsDueAFirstResponseIn15Minutes() {
	s.answeredDissatisfied()
	s.at(reopenedAt+time.Minute, func() {
		state := s.queryState()
		s.Equal(complaint.StatusInProgress, state.Status)
		s.Equal(reopenedAt+15*time.Minute, state.FirstResponseDueAt.Sub(s.start))
		s.Equal(reopenedAt+24*time.Hour, state.ResolutionDueAt.Sub(s.start))
	})
	s.closedVerifiedAfter(10 * time.Hour)

	state := s.run()

	s.Equal(complaint.Verified, state.Verification)
	s.Equal([]activities.SourcePolicyInput{{Source: complaint.SourceNegativeFeedback,
		Urgency: complaint.Medium, Tier: complaint.Medium}}, s.acts.sourcePolicyInputs)
	due := s.start.Add(reopenedAt + 15*time.Minute)
	reopened := s.acts.eventsOf(complaint.EventReopened)
	s.Require().Len(reopened, 1)
	s.Equal(due, reopened[0].FirstResponseDueAt, "the store shows the round's clock from the event")
	s.Equal(&complaint.RoundSLA{FirstResponseSeconds: 900, ResolutionSeconds: 24 * 3600}, reopened[0].RoundSLA,
		"no policy matched: the round's defaults, named by no policy")
	s.Equal([]workflows.Warning{{Clock: complaint.ClockFirstResponse, Round: 1, Percent: 50, DueAt: due,
		FiredAt: s.start.Add(reopenedAt + 7*time.Minute + 30*time.Second)}}, state.Warnings)
	s.Equal([]workflows.Breach{{Clock: complaint.ClockFirstResponse, Round: 1, DueAt: due, FiredAt: due}}, state.Breaches)
	s.Equal([]workflows.LadderStep{{Clock: complaint.ClockFirstResponse, Round: 1, Level: 1, Recipient: "lee",
		FiredAt: due.Add(10 * time.Minute)}}, state.Ladder)
	breached := s.acts.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breached, 1)
	s.Equal(complaint.ClockFirstResponse, breached[0].Clock)
	s.Equal(1, breached[0].Round)
	s.Equal(15*time.Minute+reopenedAt, breached[0].At.Sub(s.start))
	told := s.acts.noticesOf(complaint.EventSLABreached)
	s.Require().Len(told, 1)
	s.Equal("ann", told[0].Recipient)
	for _, n := range s.acts.noticesOf(complaint.EventReopened) {
		if n.Recipient == "ann" || n.Recipient == "max" {
			s.Contains(n.Body, "first response by 2026-11-23T13:15:00Z", "to %s", n.Recipient)
		}
	}
}

// During a rolling deploy a worker of revision 5 may take any activity task of the
// queue. Asked LoadPolicy, it answers the complaint's own policy (24 h first
// response) — so the round's policy is asked of LoadSourcePolicy, which such a worker
// does not register (the task is retried until a worker that does takes it), and
// LoadPolicy is not asked at all.
func (s *ComplaintSuite) TestNoWorkerOfAnEarlierRevisionAnswersTheDissatisfiedRoundsPolicy() {
	own := s.answeredDissatisfied()
	s.acts.policies = map[complaint.Level]complaint.Policy{complaint.Medium: *own}
	s.acts.sourcePolicies = map[complaint.Source]complaint.Policy{
		complaint.SourceNegativeFeedback: {FirstResponseSeconds: 900},
	}
	s.at(reopenedAt+time.Minute, func() {
		s.Equal(reopenedAt+15*time.Minute, s.queryState().FirstResponseDueAt.Sub(s.start))
	})
	s.closedVerifiedAfter(10 * time.Hour)

	s.run()

	s.Empty(s.acts.policyInputs)
	s.Len(s.acts.sourcePolicyInputs, 1)
}

// The owner answers at +10 min: the round's first response is met (the warning at
// 7.5 min had fired, no breach, no ladder). The complaint's negative_feedback policy
// (15 min / 6 h) gives the budget and caps the 24 h follow-up at 6 h. The answer is
// an acknowledgement, the action valid on the in-progress complaint while that clock
// runs and told to the customer as an update; pausing is refused until then, and a
// second acknowledgement after it.
func (s *ComplaintSuite) TestAcknowledgingADissatisfiedAnswerWithin15MinutesMeetsIt() {
	six := int64(6 * 3600)
	key := complaint.PolicyKey{Source: string(complaint.SourceNegativeFeedback), Urgency: complaint.Any, Tier: string(complaint.Medium)}
	s.acts.sourcePolicies = map[complaint.Source]complaint.Policy{
		complaint.SourceNegativeFeedback: {FirstResponseSeconds: 900, ResolutionSeconds: &six, Key: &key},
	}
	s.answeredDissatisfied()
	s.at(reopenedAt+5*time.Minute, func() {
		s.reject(workflows.UpdatePause, workflows.PauseRequest{Actor: "ann", Reason: "waiting for photos"})
	})
	s.at(reopenedAt+10*time.Minute, func() { s.acknowledge("ann") })
	s.at(reopenedAt+20*time.Minute, func() {
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "again"})
		state := s.queryState()
		s.Equal(complaint.StatusInProgress, state.Status)
		s.Equal(reopenedAt+15*time.Minute, state.FirstResponseDueAt.Sub(s.start))
		s.Equal(reopenedAt+6*time.Hour, state.ResolutionDueAt.Sub(s.start), "the policy's 6 h, shorter than the follow-up")
		s.Equal(time.Hour, state.FirstResponseAt.Sub(s.start), "the complaint's first response stays")
	})
	s.closedVerifiedAfter(6 * time.Hour) // before the 6 h resolution's 50 % warning

	state := s.run()

	s.Equal(complaint.Verified, state.Verification)
	s.Empty(state.Breaches)
	s.Empty(state.Ladder)
	s.Equal([]time.Duration{reopenedAt + 7*time.Minute + 30*time.Second}, s.times(s.acts.eventsOf(complaint.EventSLAWarning)))
	s.Equal([]time.Duration{time.Hour, reopenedAt + 10*time.Minute}, s.times(s.acts.eventsOf(complaint.EventAcknowledged)))
	reopened := s.acts.eventsOf(complaint.EventReopened)
	s.Require().Len(reopened, 1)
	s.Equal(&complaint.RoundSLA{PolicyID: "negative_feedback/*/medium", FirstResponseSeconds: 900, ResolutionSeconds: 6 * 3600},
		reopened[0].RoundSLA, "the event records the policy the round runs on (sla.round)")
	acked := s.acts.noticesOf(complaint.EventAcknowledged)
	s.Require().Len(acked, 2)
	s.Equal(string(message.Progress), acked[1].Template, "the customer hears an update, not a new receipt")
	s.Equal("sorry, we are on it", acked[1].Vars["message"])
	s.Equal([]string{
		"cannot pause: the customer's dissatisfied survey answer awaits a first response; acknowledge it first",
		"cannot acknowledge: the complaint was already acknowledged",
	}, s.rejections)
}

// An agent's reopening is not the customer's negative feedback: the round runs on
// the follow-up alone, no policy is loaded, and acknowledging stays refused.
func (s *ComplaintSuite) TestAnAgentsReopeningGetsNoFirstResponseClock() {
	p := s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	p.WarningPercents = []int{50}
	s.ownedBy("ann")
	s.at(time.Hour, func() { s.acknowledge("ann") })
	s.resolveAt(2 * time.Hour)
	s.at(3*time.Hour, func() {
		s.update(workflows.UpdateReopen, workflows.ReopenRequest{Actor: "ann", Reason: "customer called: still broken"})
	})
	s.at(4*time.Hour, func() {
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "again"})
		s.Equal(24*time.Hour, s.queryState().FirstResponseDueAt.Sub(s.start))
	})
	s.at(10*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Empty(state.Breaches)
	s.Empty(state.Warnings)
	s.Empty(s.acts.sourcePolicyInputs)
	s.Equal([]string{"cannot acknowledge: the complaint was already acknowledged"}, s.rejections)
	reopened := s.acts.eventsOf(complaint.EventReopened)
	s.Require().Len(reopened, 1)
	s.Zero(reopened[0].FirstResponseDueAt, "no round first response: the row keeps round 0's")
	s.Nil(reopened[0].RoundSLA, "no policy of its own: the complaint's")
}

// A revision-5 execution decides it with GetVersion: without the marker (its
// recorded history) the round runs on the follow-up alone, as it was recorded; met
// live it takes the change, with the marker.
func (s *ComplaintSuite) TestRevisionFiveReopensOnTheFollowUpAloneWithoutTheMarker() {
	s.revision = 5
	s.env.OnGetVersion("dissatisfied-first-response", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.answeredDissatisfied()
	s.at(reopenedAt+time.Hour, func() { s.Equal(24*time.Hour, s.queryState().FirstResponseDueAt.Sub(s.start)) })
	s.closedVerifiedAfter(10 * time.Hour)

	state := s.run()

	s.Empty(state.Breaches)
	s.Empty(state.Warnings)
	s.Empty(s.acts.sourcePolicyInputs)
}

func (s *ComplaintSuite) TestRevisionFiveMeetingADissatisfiedAnswerLiveTakesIt() {
	s.revision = 5
	upserts := s.changeVersionUpserts()
	s.answeredDissatisfied()
	s.closedVerifiedAfter(10 * time.Hour)

	state := s.run()

	s.Require().Len(state.Breaches, 1)
	s.Equal(complaint.ClockFirstResponse, state.Breaches[0].Clock)
	s.Equal([]string{"dissatisfied-first-response-1"}, *upserts)
}

// While the round's policy loads — here through a database outage, retried after
// 1 s — the complaint still reads resolved: an agent's close then is told to try
// again (NotReady, which the API retries), not decided against a state about to
// change; tried again once reopened, it is refused in the reopened complaint's terms.
func (s *ComplaintSuite) TestActionsWaitWhileTheDissatisfiedRoundLoadsItsPolicy() {
	s.answeredDissatisfied()
	s.acts.policyFailures = 1
	var refused []string
	closeNow := func() {
		s.env.UpdateWorkflow(workflows.UpdateClose, "", &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				var appErr *temporal.ApplicationError
				s.Require().True(errors.As(err, &appErr), "%v", err)
				refused = append(refused, appErr.Type()+": "+appErr.Message())
			},
			OnAccept:   func() { s.Fail("close accepted") },
			OnComplete: func(any, error) {},
		}, workflows.CloseRequest{Actor: "ann"})
	}
	s.at(reopenedAt+500*time.Millisecond, closeNow)
	s.at(reopenedAt+2*time.Second, closeNow)
	s.closedVerifiedAfter(10 * time.Hour)

	state := s.run()

	s.Equal(complaint.Verified, state.Verification)
	s.Equal(1, state.Reopened)
	s.Equal([]string{
		workflows.ErrTypeNotReady + ": cannot close yet: the customer's survey answer is reopening the complaint; try again",
		workflows.ErrTypeInvalidAction + ": cannot close a complaint that is in_progress",
	}, refused)
}
