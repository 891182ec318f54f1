package workflows_test

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

func intp(n int) *int { return &n }

// answer delivers the customer's answer to the round's survey, as the API
// does after checking the link; it fails the test unless the answer is taken.
func (s *ComplaintSuite) answer(round int, a complaint.SurveyAnswer) {
	id := workflows.SurveyWorkflowID("c-1", round)
	err := s.env.UpdateWorkflowByID(id, workflows.UpdateAnswerSurvey, "answer-"+s.env.Now().String(),
		&testsuite.TestUpdateCallback{
			OnReject:   func(err error) { s.Fail("answer rejected", "%v", err) },
			OnAccept:   func() {},
			OnComplete: func(_ any, err error) { s.NoError(err, "answer") },
		}, workflows.SurveyAnswerRequest{SurveyID: surveyID(round), Answer: a})
	s.NoError(err)
}

// rejectAnswer sends an answer the survey must refuse; reasons go to s.rejections.
func (s *ComplaintSuite) rejectAnswer(round int, surveyID string, a complaint.SurveyAnswer) {
	s.rejected++
	err := s.env.UpdateWorkflowByID(workflows.SurveyWorkflowID("c-1", round), workflows.UpdateAnswerSurvey,
		fmt.Sprintf("refused-%d", s.rejected),
		&testsuite.TestUpdateCallback{
			OnReject:   func(err error) { s.rejections = append(s.rejections, invalidActionMessage(s, err)) },
			OnAccept:   func() { s.Fail("answer accepted", "%+v should have been refused", a) },
			OnComplete: func(any, error) {},
		}, workflows.SurveyAnswerRequest{SurveyID: surveyID, Answer: a})
	s.NoError(err)
}

func surveyID(round int) string { return "survey-c-1-" + string(rune('0'+round)) }

func (s *ComplaintSuite) resolveAt(offset time.Duration) {
	s.at(offset, func() {
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "ann", Summary: "reshipped", RootCause: "lost parcel"})
	})
}

// No answer: one reminder exactly 24 h after the survey went out, and the complaint
// closes unverified exactly 72 h after it; the customer hears each step.
func (s *ComplaintSuite) TestUnansweredSurveyRemindsAt24hAndClosesUnverifiedAt72h() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.resolveAt(2 * time.Hour)

	state := s.run()

	s.Equal(complaint.StatusClosed, state.Status)
	s.Equal(complaint.Unverified, state.Verification)
	s.Equal([]time.Duration{2 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSurveySent)))
	s.Equal([]time.Duration{26 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSurveyReminded)))
	s.Equal([]time.Duration{74 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSurveyExpired)))
	closed := s.acts.eventsOf(complaint.EventClosed)
	s.Require().Len(closed, 1)
	s.Equal(74*time.Hour, closed[0].At.Sub(s.start))
	s.Equal(complaint.Unverified, closed[0].Verification)
	s.Equal("survey-c-1-0", s.acts.eventsOf(complaint.EventSurveySent)[0].SurveyID)

	sent := s.acts.noticesOf(complaint.EventSurveySent)
	s.Require().Len(sent, 1)
	s.Equal("customer", sent[0].Recipient)
	s.Equal("survey-c-1-0", sent[0].SurveyID, "the survey goes out with its link, which Notify signs")
	s.NotContains(sent[0].Vars, "link", "the link, the customer's credential, is in no history")
	reminded := s.acts.noticesOf(complaint.EventSurveyReminded)
	s.Require().Len(reminded, 1)
	s.Equal("survey-c-1-0", reminded[0].SurveyID)
	s.Len(s.acts.noticesOf(complaint.EventClosed), 1, "the customer is told the complaint closed")
}

// The policy sets the reminder and the timeout.
func (s *ComplaintSuite) TestSurveyTimesComeFromThePolicy() {
	p := s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	p.SurveyReminderSeconds, p.SurveyTimeoutSeconds = 6*3600, 12*3600
	s.resolveAt(time.Hour)

	state := s.run()

	s.Equal([]time.Duration{7 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSurveyReminded)))
	s.Equal(13*time.Hour, state.ClosedAt.Sub(s.start))
	s.Contains(s.acts.eventsOf(complaint.EventClosed)[0].Reason, "12h0m0s")
}

// A satisfied answer closes the complaint verified at once, with no reminder; a
// second answer, an answer to another survey and an out-of-range score are refused.
func (s *ComplaintSuite) TestSatisfiedAnswerClosesVerified() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.resolveAt(2 * time.Hour)
	s.at(3*time.Hour, func() {
		s.rejectAnswer(0, "survey-c-1-0", complaint.SurveyAnswer{CSAT: 6, Solved: true})
		s.rejectAnswer(0, "survey-c-1-0", complaint.SurveyAnswer{CSAT: 5, NPS: intp(11), Solved: true})
		s.rejectAnswer(0, "survey-c-1-0", complaint.SurveyAnswer{CSAT: 5, CES: intp(0), Solved: true})
		s.rejectAnswer(0, "survey-other", complaint.SurveyAnswer{CSAT: 5, Solved: true})
	})
	s.at(5*time.Hour, func() {
		// CSAT 3 and a passive NPS with the problem solved: not dissatisfied.
		s.answer(0, complaint.SurveyAnswer{CSAT: 3, NPS: intp(8), CES: intp(2), Solved: true, Comment: "ok"})
		s.rejectAnswer(0, "survey-c-1-0", complaint.SurveyAnswer{CSAT: 1, Solved: false})
	})

	state := s.run()

	s.Equal(complaint.Verified, state.Verification)
	s.Equal(5*time.Hour, state.ClosedAt.Sub(s.start))
	s.Require().NotNil(state.Survey)
	s.Equal(workflows.OutcomeVerified, state.Survey.Outcome)
	s.Empty(s.acts.eventsOf(complaint.EventSurveyReminded))
	answered := s.acts.eventsOf(complaint.EventSurveyAnswered)
	s.Require().Len(answered, 1)
	s.Equal(complaint.SurveyAnswer{CSAT: 3, NPS: intp(8), CES: intp(2), Solved: true, Comment: "ok"}, *answered[0].Survey)
	s.Equal(complaint.Verified, s.acts.eventsOf(complaint.EventClosed)[0].Verification)
	s.Equal("customer", s.acts.eventsOf(complaint.EventClosed)[0].Actor)
	s.Len(s.acts.noticesOf(complaint.EventClosed), 1, "the customer is thanked")
	s.Equal([]string{
		"csat 6 is not from 1 to 5",
		"nps 11 is not from 0 to 10",
		"ces 0 is not from 1 to 7",
		"survey survey-other is not the open survey of this feedback loop",
		"the survey was already answered",
	}, s.rejections)
}

// "Not solved" reopens the complaint on the follow-up SLA, tells the owner's manager
// and tells the customer why and by when; the next resolution gets its own survey.
// The owner answers the customer within the round's 15-minute first response
// (followup_test.go).
func (s *ComplaintSuite) TestDissatisfiedAnswerReopensWithTheFollowUpSLA() {
	p := s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	p.FollowUpSeconds = 12 * 3600
	s.ownedBy("ann")
	s.resolveAt(2 * time.Hour)
	s.at(4*time.Hour, func() {
		s.answer(0, complaint.SurveyAnswer{CSAT: 4, Solved: false, Comment: "the parcel is still missing"})
	})
	s.at(4*time.Hour+10*time.Minute, func() { s.acknowledge("ann") })
	s.at(5*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.StatusInProgress, state.Status)
		s.Equal(1, state.Reopened)
		s.Equal(16*time.Hour, state.ResolutionDueAt.Sub(s.start), "reopened at 4h + 12 h follow-up")
		s.Equal(workflows.OutcomeDissatisfied, state.Survey.Outcome)
	})
	s.resolveAt(10 * time.Hour)
	s.at(11*time.Hour, func() { s.answer(1, complaint.SurveyAnswer{CSAT: 5, NPS: intp(10), Solved: true}) })

	state := s.run()

	reopened := s.acts.eventsOf(complaint.EventReopened)
	s.Require().Len(reopened, 1)
	s.Equal("customer", reopened[0].Actor)
	s.Equal(4*time.Hour, reopened[0].At.Sub(s.start))
	s.Equal(16*time.Hour, reopened[0].ResolutionDueAt.Sub(s.start))
	s.Contains(reopened[0].Reason, "not solved")
	s.Contains(reopened[0].Reason, "the parcel is still missing")

	var toManager, toCustomer []string
	for _, n := range s.acts.noticesOf(complaint.EventReopened) {
		switch n.Recipient {
		case "max":
			toManager = append(toManager, n.Subject)
		case "customer":
			toCustomer = append(toCustomer, n.Template+": "+n.Vars["reasons"]+" by "+n.Vars["resolution_due_at"])
		}
	}
	s.Equal([]string{"Customer dissatisfied: complaint c-1 reopened"}, toManager, "the owner's manager is told")
	s.Require().Len(toCustomer, 1)
	s.Contains(toCustomer[0], "not solved")
	s.Contains(toCustomer[0], "2026-11-24T01:00:00Z", "the customer is told the expected time")

	s.Equal([]string{"survey-c-1-0", "survey-c-1-1"}, surveyIDs(s.acts.eventsOf(complaint.EventSurveySent)))
	s.Equal(complaint.Verified, state.Verification)
	s.Equal(11*time.Hour, state.ClosedAt.Sub(s.start))
	s.Empty(s.acts.eventsOf(complaint.EventSLABreached), "resolved again within the follow-up SLA")
}

// An NPS detractor is dissatisfied even with a good CSAT and the problem solved.
func (s *ComplaintSuite) TestNPSDetractorReopens() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.resolveAt(time.Hour)
	s.at(2*time.Hour, func() { s.answer(0, complaint.SurveyAnswer{CSAT: 4, NPS: intp(6), Solved: true}) })
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	reopened := s.acts.eventsOf(complaint.EventReopened)
	s.Require().Len(reopened, 1)
	s.Contains(reopened[0].Reason, "NPS 6 (detractor)")
	s.Equal(complaint.Unverified, state.Verification, "closed by the agent without a second answer")
	s.Equal([]string{"survey-c-1-1"}, surveyIDs(s.acts.eventsOf(complaint.EventSurveyCancelled)),
		"closing by hand withdraws the open survey")
}

// An agent reopening during the survey withdraws it; the withdrawn survey no longer
// takes answers and nothing closes the complaint behind the agent's back.
func (s *ComplaintSuite) TestReopeningByHandWithdrawsTheSurvey() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.resolveAt(time.Hour)
	s.at(2*time.Hour, func() {
		s.update(workflows.UpdateReopen, workflows.ReopenRequest{Actor: "ann", Reason: "customer called: still broken"})
	})
	s.at(100*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.StatusInProgress, state.Status, "no survey timeout closes a reopened complaint")
		s.resolveAndClose("ann")
	})

	s.run()

	s.Equal([]string{"survey-c-1-0", "survey-c-1-1"}, surveyIDs(s.acts.eventsOf(complaint.EventSurveyCancelled)))
	s.Empty(s.acts.eventsOf(complaint.EventSurveyExpired))
	s.Empty(s.acts.eventsOf(complaint.EventSurveyAnswered))
	withdrawn := s.acts.eventsOf(complaint.EventSurveyCancelled)[0]
	s.Equal(2*time.Hour, withdrawn.At.Sub(s.start))
	s.True(strings.Contains(withdrawn.Reason, "reopened or closed"))
}

func surveyIDs(events []complaint.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.SurveyID
	}
	return out
}

// A database outage longer than a local activity's start-to-close timeout delays the
// event and never fails the complaint: 6 failed attempts span 1+2+4+8+16 = 31 s of
// backoff, three times the 10 s timeout.
func (s *ComplaintSuite) TestAnOutageLongerThanTheActivityTimeoutDelaysTheEvent() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.acts.failures[complaint.EventSurveyAnswered] = 6
	s.resolveAt(time.Hour)
	s.at(2*time.Hour, func() { s.answer(0, complaint.SurveyAnswer{CSAT: 5, Solved: true}) })

	state := s.run()

	s.Equal(complaint.Verified, state.Verification)
	s.Len(s.acts.eventsOf(complaint.EventSurveyAnswered), 1)
	s.Zero(s.acts.failures[complaint.EventSurveyAnswered])
}

// A survey link that expires before the workflow would stop waiting — its row was
// stored by an OpenSurvey attempt before a database outage, and the retry that
// succeeded returned it 30 h later: the workflow waits for the link's own expiry
// (44 h), not 72 h after it finally sent the survey, so the customer is never
// reminded of, nor waited on for, a link the API refuses.
func (s *ComplaintSuite) TestTheSurveyEndsWhenItsLinkExpires() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.acts.linkEarly = 30 * time.Hour
	s.resolveAt(2 * time.Hour)

	state := s.run()

	s.Equal([]time.Duration{26 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSurveyReminded)))
	s.Equal([]time.Duration{44 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSurveyExpired)))
	s.Equal(44*time.Hour, state.ClosedAt.Sub(s.start))
	s.Equal(complaint.Unverified, state.Verification)
}

// A link that expires before the reminder is due gets no reminder; one already
// expired when the survey could be sent is not sent at all.
func (s *ComplaintSuite) TestNoReminderOrSurveyOfAnExpiredLink() {
	for _, c := range []struct {
		early         time.Duration
		sent, expired []time.Duration
	}{
		{early: 60 * time.Hour, sent: []time.Duration{2 * time.Hour}, expired: []time.Duration{14 * time.Hour}},
		{early: 80 * time.Hour, expired: []time.Duration{2 * time.Hour}},
	} {
		s.SetupTest()
		s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
		s.acts.linkEarly = c.early
		s.resolveAt(2 * time.Hour)

		state := s.run()

		s.Empty(s.acts.eventsOf(complaint.EventSurveyReminded), "expiring %s early", c.early)
		s.Empty(s.acts.noticesOf(complaint.EventSurveyReminded), "expiring %s early", c.early)
		s.Equal(c.sent, append([]time.Duration(nil), s.times(s.acts.eventsOf(complaint.EventSurveySent))...), "expiring %s early", c.early)
		s.Len(s.acts.noticesOf(complaint.EventSurveySent), len(c.sent), "expiring %s early", c.early)
		s.Equal(c.expired, s.times(s.acts.eventsOf(complaint.EventSurveyExpired)), "expiring %s early", c.early)
		s.Equal(complaint.Unverified, state.Verification)
	}
}

// A survey of a revision-4 complaint decides it with GetVersion: without the marker
// (its recorded history) it waits the full timeout from sending, as it did.
func (s *ComplaintSuite) TestRevisionFourSurveyWaitsTheFullTimeoutWithoutTheMarker() {
	s.revision = 4
	s.env.OnGetVersion("survey-link-expiry", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.acts.linkEarly = 30 * time.Hour
	s.resolveAt(2 * time.Hour)

	s.run()

	s.Equal([]time.Duration{74 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSurveyExpired)))
}
