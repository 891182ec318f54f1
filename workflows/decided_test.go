package workflows_test

import (
	"strings"
	"time"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// Revision 5: an action decides the complaint's state before anything blocks, so an
// action accepted meanwhile sees it (tests of docs/workflows.md, "Decided before
// anything blocks").

// kindsOf lists the kinds of the events recorded, in the order written.
func (s *ComplaintSuite) kindsOf() []complaint.EventKind {
	s.acts.mu.Lock()
	defer s.acts.mu.Unlock()
	out := make([]complaint.EventKind, len(s.acts.events))
	for i, e := range s.acts.events {
		out[i] = e.Kind
	}
	return out
}

// overLimitWithResolve sends an over-limit compensation and a resolution in the same
// moment: the resolution is accepted while the request's event is being written.
func (s *ComplaintSuite) overLimitWithResolve() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.env.UpdateWorkflow(workflows.UpdateCompensate, "compensate", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { s.Fail("compensation rejected", "%v", err) }, OnAccept: func() {},
			OnComplete: func(_ any, err error) {
				if err != nil {
					s.rejections = append(s.rejections, invalidActionMessage(s, err))
				}
			},
		}, compensation(300))
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "ann", Summary: "refunded", RootCause: "late parcel"})
	})
	s.at(2*time.Hour, func() { s.update(workflows.UpdateClose, workflows.CloseRequest{Actor: "ann"}) })
}

// "Resolving cancels a pending request": an over-limit request whose event was still
// being written when the complaint was resolved opens no escalation on the resolved
// complaint — the request is cancelled, as resolving cancels a pending one, and no
// manager is asked for a decision.
func (s *ComplaintSuite) TestResolvingWhileAnOverLimitRequestIsWrittenCancelsIt() {
	s.overLimitWithResolve()

	state := s.run()

	s.Nil(state.PendingEscalation(), "no escalation pending on a closed complaint")
	s.Empty(state.Escalations)
	s.Require().Len(state.Compensations, 1)
	s.Equal(complaint.CompensationCancelled, state.Compensations[0].Status)
	kinds := s.kindsOf()
	resolvedAt := -1
	for i, k := range kinds {
		if k == complaint.EventResolved {
			resolvedAt = i
		}
	}
	s.Require().GreaterOrEqual(resolvedAt, 0)
	s.NotContains(kinds, complaint.EventEscalationRequest, "no escalation opened: %v", kinds)
	s.Contains(kinds[resolvedAt:], complaint.EventCompensationCancelled, "the request is cancelled after the resolution: %v", kinds)
	cancelled := s.acts.eventsOf(complaint.EventCompensationCancelled)
	s.Require().Len(cancelled, 1)
	s.Equal("the complaint was resolved", cancelled[0].Reason)
	for _, n := range s.acts.notices {
		s.NotContains(strings.ToLower(n.Subject), "decision needed", "notice to %s", n.Recipient)
	}
	s.Equal([]string{"cannot request compensation over your limit: the complaint was resolved while the request was recorded; it is cancelled"}, s.rejections)
}

// A revision-4 execution decides it with GetVersion: without the marker (its
// recorded history) it opens the escalation as it always did; met live it takes the
// change, with the marker.
func (s *ComplaintSuite) TestRevisionFourDecidesTheResolvedRequestWithGetVersion() {
	s.revision = 4
	s.env.OnGetVersion("compensation-resolved-meanwhile", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.overLimitWithResolve()

	state := s.run()

	s.Require().Len(state.Escalations, 1, "the recorded behaviour: the escalation opens")
	s.Equal(complaint.CompensationRequested, state.Compensations[0].Status)
	s.Empty(s.rejections)
}

func (s *ComplaintSuite) TestRevisionFourMeetingTheResolvedRequestLiveTakesIt() {
	s.revision = 4
	upserts := s.changeVersionUpserts()
	s.overLimitWithResolve()

	state := s.run()

	s.Empty(state.Escalations)
	s.Equal(complaint.CompensationCancelled, state.Compensations[0].Status)
	s.ElementsMatch([]string{"compensation-resolved-meanwhile-1", "survey-link-expiry-1", "staff-close-notice-1"}, *upserts,
		"the change, the survey's (a survey of a revision-4 complaint asks too) and the staff close's")
}

// unassignedResolvedTwice resolves an unassigned complaint as two agents in one
// moment; the second's outcome (nil: it completed) goes to s.rejections.
func (s *ComplaintSuite) unassignedResolvedTwice() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.acts.sla.Chain = s.acts.chains["lee"] // routed to the team, no owner
	s.at(time.Hour, func() {
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "ann", Summary: "refunded", RootCause: "late parcel"})
		s.env.UpdateWorkflow(workflows.UpdateResolve, "second-resolve", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { s.rejections = append(s.rejections, invalidActionMessage(s, err)) },
			OnAccept: func() {},
			OnComplete: func(_ any, err error) {
				if err == nil {
					s.rejections = append(s.rejections, "second resolve completed")
					return
				}
				s.rejections = append(s.rejections, invalidActionMessage(s, err))
			},
		}, workflows.ResolveRequest{Actor: "bob", Summary: "reshipped", RootCause: "lost parcel"})
	})
	s.at(2*time.Hour, func() { s.update(workflows.UpdateClose, workflows.CloseRequest{Actor: "ann"}) })
}

// Two agents resolve an unassigned complaint in the same moment: the first decides
// the resolution before loading its new owner's chain, so the second is refused —
// one resolution, one notice, the first's owner, chain and time.
func (s *ComplaintSuite) TestASecondResolutionWhileTheOwnerLoadsIsRefused() {
	s.unassignedResolvedTwice()

	state := s.run()

	s.Len(s.acts.eventsOf(complaint.EventResolved), 1)
	s.Len(s.acts.noticesOf(complaint.EventResolved), 1)
	s.Equal("ann", state.Owner)
	s.Equal(s.acts.chains["ann"], state.Chain, "the owner's chain is loaded")
	s.Equal(time.Hour, state.ResolvedAt.Sub(s.start))
	s.Equal([]string{"cannot resolve: the complaint is already resolved"}, s.rejections)
}

// A revision-4 execution decides it with GetVersion: without the marker (its
// recorded history) the chain loads first, as it did.
func (s *ComplaintSuite) TestRevisionFourLoadsTheChainFirstWithoutTheMarker() {
	s.revision = 4
	s.env.OnGetVersion("owner-chain-after-decision", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.unassignedResolvedTwice()

	s.run()

	s.Len(s.acts.eventsOf(complaint.EventResolved), 2, "the recorded behaviour")
}

// An unassigned complaint acknowledged and paused in the same moment: the
// acknowledgement is decided first, so its event is written first, with the status
// it decided, and the customer hears it before the wait.
func (s *ComplaintSuite) TestAnAcknowledgementLoadingItsOwnerIsWrittenBeforeAPause() {
	asked := &recordedEvents{} // notices in the order the workflow asks for them
	opts := underLoad
	opts.Interceptors = []interceptor.WorkerInterceptor{asked}
	s.env.SetWorkerOptions(opts)
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
		s.update(workflows.UpdatePause, workflows.PauseRequest{Actor: "ann", Reason: "waiting for photos"})
	})
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Equal([]complaint.EventKind{complaint.EventOpened, complaint.EventAcknowledged, complaint.EventPaused}, s.kindsOf()[:3])
	ack := s.acts.eventsOf(complaint.EventAcknowledged)
	s.Require().Len(ack, 1)
	s.Equal(complaint.StatusInProgress, ack[0].Status)
	s.Equal("ann", ack[0].Owner)
	s.Equal(s.acts.chains["ann"], state.Chain)
	var told []complaint.EventKind
	for _, n := range asked.notices {
		if n.Recipient == "customer" {
			told = append(told, n.EventKind)
		}
	}
	s.Require().GreaterOrEqual(len(told), 2)
	s.Equal([]complaint.EventKind{complaint.EventAcknowledged, complaint.EventPaused}, told[:2])
}
