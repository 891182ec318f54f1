package workflows_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/suite"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// fakeStore is an in-memory system of record with the same idempotency rules as the
// PostgreSQL store: an event or notification key is written once.
type fakeStore struct {
	mu            sync.Mutex
	sla           complaint.SLA
	events        []complaint.Event
	notifications map[string]bool
}

func (f *fakeStore) OpenComplaint(ctx context.Context, id, key string, at time.Time) (complaint.SLA, error) {
	_, err := f.RecordEvent(ctx, complaint.Event{ComplaintID: id, Key: key, Kind: complaint.EventOpened, Actor: "system", At: at})
	return f.sla, err
}

func (f *fakeStore) RecordEvent(_ context.Context, e complaint.Event) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, old := range f.events {
		if old.Key == e.Key {
			return false, nil
		}
	}
	f.events = append(f.events, e)
	return true, nil
}

func (f *fakeStore) ClaimNotification(_ context.Context, n store.Notification) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.notifications[n.IdempotencyKey], nil
}

func (f *fakeStore) MarkNotificationSent(_ context.Context, key string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notifications[key] = true
	return nil
}

func (f *fakeStore) eventsOf(kind complaint.EventKind) []complaint.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []complaint.Event
	for _, e := range f.events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

type fakeNotifier struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (*fakeNotifier) Channel() string { return "test" }

func (n *fakeNotifier) Send(_ context.Context, m notify.Message) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, m)
	return nil
}

type ComplaintSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env      *testsuite.TestWorkflowEnvironment
	store    *fakeStore
	notifier *fakeNotifier
	start    time.Time
	// rejections collects validator reasons in the order they arrive.
	rejections []string
}

func TestComplaintWorkflow(t *testing.T) { suite.Run(t, new(ComplaintSuite)) }

func (s *ComplaintSuite) SetupTest() {
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	s.env = s.NewTestWorkflowEnvironment()
	s.start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.store = &fakeStore{notifications: map[string]bool{}}
	s.notifier = &fakeNotifier{}
	s.rejections = nil
	s.env.RegisterActivity(&activities.Activities{Store: s.store, Notifier: s.notifier})
}

func (s *ComplaintSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

// filed sets the SLA a complaint was filed under at the test's start time.
func (s *ComplaintSuite) filed(urgency complaint.Level, firstResponse, resolution time.Duration) {
	s.store.sla = complaint.SLA{
		ComplaintID: "c-1", Urgency: urgency, Tier: complaint.High, Category: "logistics",
		Status: complaint.StatusOpen, OpenedAt: s.start, FirstResponseDue: s.start.Add(firstResponse),
	}
	if resolution > 0 {
		due := s.start.Add(resolution)
		s.store.sla.ResolutionDue = &due
	}
}

// at runs fn when the workflow clock reaches start+offset.
func (s *ComplaintSuite) at(offset time.Duration, fn func()) {
	s.env.RegisterDelayedCallback(fn, offset)
}

// update sends an update and fails the test unless it is accepted and completes.
func (s *ComplaintSuite) update(name string, arg any) {
	s.env.UpdateWorkflow(name, name+"-"+s.env.Now().String(), &testsuite.TestUpdateCallback{
		OnReject:   func(err error) { s.Fail("update rejected", "%s: %v", name, err) },
		OnAccept:   func() {},
		OnComplete: func(_ any, err error) { s.NoError(err, name) },
	}, arg)
}

// reject sends an update that its validator must reject; the reason is collected in
// s.rejections (the test environment reports rejections asynchronously).
func (s *ComplaintSuite) reject(name string, arg any) {
	s.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnReject:   func(err error) { s.rejections = append(s.rejections, invalidActionMessage(s, err)) },
		OnAccept:   func() { s.Fail("update accepted", "%s should have been rejected", name) },
		OnComplete: func(any, error) {},
	}, arg)
}

func invalidActionMessage(s *ComplaintSuite, err error) string {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		s.Fail("rejection is not an application error", "%v", err)
		return ""
	}
	s.Equal(workflows.ErrTypeInvalidAction, appErr.Type())
	return appErr.Message()
}

func (s *ComplaintSuite) run() workflows.ComplaintState {
	s.env.ExecuteWorkflow(workflows.ComplaintWorkflow, workflows.ComplaintInput{ComplaintID: "c-1"})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var state workflows.ComplaintState
	s.Require().NoError(s.env.GetWorkflowResult(&state))
	return state
}

func (s *ComplaintSuite) TestHighUrgencyBreachesFirstResponseAt2hAndResolutionAt24h() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.at(25*time.Hour, func() {
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "agent-ann", Summary: "reshipped", RootCause: "depot backlog"})
	})
	s.at(26*time.Hour, func() { s.update(workflows.UpdateClose, workflows.CloseRequest{Actor: "agent-ann"}) })

	state := s.run()

	breaches := s.store.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 2)
	s.Equal(complaint.ClockFirstResponse, breaches[0].Clock)
	s.Equal(s.start.Add(2*time.Hour), breaches[0].DueAt)
	s.Equal(s.start.Add(2*time.Hour), breaches[0].At, "first-response breach must fire exactly at the deadline")
	s.Equal(complaint.ClockResolution, breaches[1].Clock)
	s.Equal(s.start.Add(24*time.Hour), breaches[1].At, "resolution breach must fire exactly at the deadline")
	s.Len(state.Breaches, 2)
	s.Equal(complaint.StatusClosed, state.Status)

	s.Require().Len(s.notifier.sent, 2, "one notice per breach")
	s.Equal("unassigned:logistics", s.notifier.sent[0].Recipient)
	s.Contains(s.notifier.sent[0].Subject, "first-response")
	kinds := []complaint.EventKind{}
	for _, e := range s.store.events {
		kinds = append(kinds, e.Kind)
	}
	s.Equal([]complaint.EventKind{
		complaint.EventOpened, complaint.EventSLABreached, complaint.EventSLABreached,
		complaint.EventResolved, complaint.EventClosed,
	}, kinds)
}

func (s *ComplaintSuite) TestAcknowledgingBeforeTheDeadlineStopsTheFirstResponseClock() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.at(90*time.Minute, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "agent-bo", Message: "Sorry — we are on it."})
	})
	s.at(3*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.StatusInProgress, state.Status)
		s.Equal("agent-bo", state.Owner)
		s.Empty(state.Breaches, "acknowledged 30 min early: no first-response breach")
	})
	s.at(20*time.Hour, func() {
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "agent-bo", Summary: "refund issued", RootCause: "wrong item picked"})
	})

	state := s.run()

	s.Empty(s.store.eventsOf(complaint.EventSLABreached))
	s.Empty(s.notifier.sent)
	ack := s.store.eventsOf(complaint.EventAcknowledged)
	s.Require().Len(ack, 1)
	s.Equal(s.start.Add(90*time.Minute), ack[0].At)
	// No explicit close: the complaint closes itself when the feedback window passes.
	s.Equal(complaint.StatusClosed, state.Status)
	s.Require().NotNil(state.ClosedAt)
	s.Equal(s.start.Add(20*time.Hour+workflows.DefaultCloseAfterResolved), *state.ClosedAt)
	closed := s.store.eventsOf(complaint.EventClosed)
	s.Require().Len(closed, 1)
	s.Equal("system", closed[0].Actor)
}

func (s *ComplaintSuite) TestBreachNotifiesTheOwnerOnce() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "agent-cy", Message: "Looking into it."})
	})
	s.at(49*time.Hour, func() {
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "agent-cy", Summary: "fixed", RootCause: "bug"})
		s.update(workflows.UpdateClose, workflows.CloseRequest{Actor: "agent-cy"})
	})

	s.run()

	breaches := s.store.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 1)
	s.Equal(complaint.ClockResolution, breaches[0].Clock)
	s.Equal(s.start.Add(48*time.Hour), breaches[0].At)
	s.Require().Len(s.notifier.sent, 1)
	s.Equal("agent-cy", s.notifier.sent[0].Recipient)
}

func (s *ComplaintSuite) TestLowUrgencyGoesToTheBacklogWithoutAResolutionClock() {
	s.filed(complaint.Low, 24*time.Hour, 0)
	s.at(2*time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "agent-di", Message: "Thanks, added to our roadmap."})
	})
	s.at(30*24*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.StatusBacklog, state.Status)
		s.Nil(state.ResolutionDueAt)
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "agent-di", Summary: "shipped in 3.2", RootCause: "missing feature"})
		s.update(workflows.UpdateClose, workflows.CloseRequest{Actor: "agent-di"})
	})

	s.run()

	s.Empty(s.store.eventsOf(complaint.EventSLABreached), "a month in the backlog breaches nothing")
}

func (s *ComplaintSuite) TestValidatorsRejectInvalidActions() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.at(time.Minute, func() {
		s.reject(workflows.UpdateClose, workflows.CloseRequest{Actor: "a"})
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "a"})
		s.reject(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "a", RootCause: "x"})
		s.reject(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "a", Summary: "x", RootCause: "  "})
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Message: "no actor"})
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "a", Message: "hello"})
	})
	s.at(2*time.Minute, func() {
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "a", Message: "again"})
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "a", Summary: "s", RootCause: "r"})
	})
	s.at(3*time.Minute, func() {
		s.reject(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "a", Summary: "s", RootCause: "r"})
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "a", Message: "late"})
		s.update(workflows.UpdateClose, workflows.CloseRequest{Actor: "a"})
	})

	s.run()

	s.Equal([]string{
		"cannot close a complaint that is open",
		"message is required",
		"summary is required",
		"root_cause is required",
		"actor is required",
		"cannot acknowledge: the complaint was already acknowledged",
		"cannot resolve: the complaint is already resolved",
		"cannot acknowledge: the complaint was already acknowledged",
	}, s.rejections)
	// Rejected actions left nothing behind: exactly one event per accepted action.
	s.Len(s.store.eventsOf(complaint.EventAcknowledged), 1)
	s.Len(s.store.eventsOf(complaint.EventResolved), 1)
	s.Len(s.store.eventsOf(complaint.EventClosed), 1)
}

func (s *ComplaintSuite) queryState() workflows.ComplaintState {
	v, err := s.env.QueryWorkflow(workflows.QueryState)
	s.Require().NoError(err)
	var state workflows.ComplaintState
	s.Require().NoError(v.Get(&state))
	return state
}
