package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/activity"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/workflows"
)

// fakeActivities stands in for activities.Activities under the same activity names,
// with the same idempotency rules as the real ones: an event key is written once, a
// notice once per (event, recipient).
type fakeActivities struct {
	mu       sync.Mutex
	sla      complaint.SLA
	events   []complaint.Event
	notices  []activities.Notice
	chains   map[string][]complaint.Member
	policies map[complaint.Level]complaint.Policy
	// sourcePolicies are LoadSourcePolicy's answers; a source without one is
	// NotFound, as the store's.
	sourcePolicies map[complaint.Source]complaint.Policy
	// policyInputs are the LoadPolicy calls, sourcePolicyInputs the
	// LoadSourcePolicy calls, in order.
	policyInputs       []activities.LoadPolicyInput
	sourcePolicyInputs []activities.SourcePolicyInput
	// policyFailures makes LoadPolicy and LoadSourcePolicy fail this many more times
	// (an outage).
	policyFailures int
	// failures makes RecordEvent and RecordMarks fail this many more times for a
	// kind (an outage).
	failures map[complaint.EventKind]int
	// resumed are the event keys of notices only to be resumed (Notice.Resume).
	resumed []string
	// inFlight makes NotifyAll answer this many more times that what is left is
	// held by another attempt (activities.ErrTypeNotificationInFlight).
	inFlight int
	// notifyAllCalls says how each NotifyAll ran, in order: "local" or "activity".
	notifyAllCalls []string
	// markBatches is the size of each RecordMarks call, in order.
	markBatches []int
	// recordDelay makes each RecordEvent take this long; writing counts the complaint
	// workflow's under way (not its survey's, another workflow), and overlapped says
	// whether two ever were at once.
	recordDelay time.Duration
	writing     int
	overlapped  bool
	// linkEarly makes OpenSurvey's ticket expire this much before the workflow
	// scheduled it to (SentAt+Timeout): the row an attempt stored before a
	// database outage, whose link the retry that succeeds returns.
	linkEarly time.Duration
}

func (f *fakeActivities) OpenComplaint(ctx context.Context, in activities.OpenComplaintInput) (complaint.SLA, error) {
	err := f.RecordEvent(ctx, complaint.Event{ComplaintID: in.ComplaintID, Key: in.EventKey, Kind: complaint.EventOpened, Actor: "system", At: in.At})
	return f.sla, err
}

func (f *fakeActivities) RecordEvent(_ context.Context, e complaint.Event) error {
	f.mu.Lock()
	if delay := f.recordDelay; delay > 0 && !strings.HasPrefix(string(e.Kind), "survey_") {
		f.writing++
		f.overlapped = f.overlapped || f.writing > 1
		f.mu.Unlock()
		time.Sleep(delay)
		f.mu.Lock()
		f.writing--
	}
	defer f.mu.Unlock()
	if f.failures[e.Kind] > 0 {
		f.failures[e.Kind]--
		return errors.New("database unavailable")
	}
	for _, old := range f.events {
		if old.Key == e.Key {
			return nil
		}
	}
	f.events = append(f.events, e)
	return nil
}

// RecordMarks records the events together, as the store's single statement does:
// all of them or, when the database is down for any, none.
func (f *fakeActivities) RecordMarks(_ context.Context, events []complaint.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range events {
		if f.failures[e.Kind] > 0 {
			f.failures[e.Kind]--
			return errors.New("database unavailable")
		}
	}
	f.markBatches = append(f.markBatches, len(events))
next:
	for _, e := range events {
		for _, old := range f.events {
			if old.Key == e.Key {
				continue next
			}
		}
		f.events = append(f.events, e)
	}
	return nil
}

func (f *fakeActivities) Notify(_ context.Context, n activities.Notice) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n.Resume {
		// Not a notice told: a request to finish one an attempt began.
		f.resumed = append(f.resumed, n.EventKey)
		return nil
	}
	for _, old := range f.notices {
		if old.EventKey == n.EventKey && old.Recipient == n.Recipient {
			return nil
		}
	}
	f.notices = append(f.notices, n)
	return nil
}

func (f *fakeActivities) NotifyAll(ctx context.Context, ns []activities.Notice) error {
	f.mu.Lock()
	f.notifyAllCalls = append(f.notifyAllCalls, map[bool]string{true: "local", false: "activity"}[activity.GetInfo(ctx).IsLocalActivity])
	inFlight := f.inFlight > 0
	if inFlight {
		f.inFlight--
	}
	f.mu.Unlock()
	if inFlight {
		return temporal.NewApplicationError("notification is being sent by another attempt", activities.ErrTypeNotificationInFlight)
	}
	for _, n := range ns {
		if err := f.Notify(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeActivities) LoadChain(_ context.Context, person string) ([]complaint.Member, error) {
	chain, ok := f.chains[person]
	if !ok {
		return nil, temporal.NewNonRetryableApplicationError("no person "+person, activities.ErrTypeNotFound, nil)
	}
	return chain, nil
}

// OpenSurvey returns one survey per round, as the store does.
func (f *fakeActivities) OpenSurvey(_ context.Context, in activities.OpenSurveyInput) (activities.SurveyTicket, error) {
	id := fmt.Sprintf("survey-%s-%d", in.ComplaintID, in.Round)
	return activities.SurveyTicket{SurveyID: id, ExpiresAt: in.SentAt.Add(in.Timeout - f.linkEarly)}, nil
}

// LoadPolicy answers the complaint's own policy, whatever else the workflow meant to
// ask, as a worker of every revision does (one of revision 5 drops fields it does
// not know).
func (f *fakeActivities) LoadPolicy(_ context.Context, in activities.LoadPolicyInput) (complaint.Policy, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policyInputs = append(f.policyInputs, in)
	if err := f.policyOutage(); err != nil {
		return complaint.Policy{}, err
	}
	return f.policies[in.Urgency], nil
}

func (f *fakeActivities) LoadSourcePolicy(_ context.Context, in activities.SourcePolicyInput) (complaint.Policy, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sourcePolicyInputs = append(f.sourcePolicyInputs, in)
	if err := f.policyOutage(); err != nil {
		return complaint.Policy{}, err
	}
	p, ok := f.sourcePolicies[in.Source]
	if !ok {
		return p, temporal.NewNonRetryableApplicationError("no "+string(in.Source)+" policy", activities.ErrTypeNotFound, nil)
	}
	return p, nil
}

// policyOutage fails a policy load while policyFailures lasts; f.mu is held.
func (f *fakeActivities) policyOutage() error {
	if f.policyFailures == 0 {
		return nil
	}
	f.policyFailures--
	return errors.New("database unavailable")
}

func (f *fakeActivities) eventsOf(kind complaint.EventKind) []complaint.Event {
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

func (f *fakeActivities) noticesOf(kind complaint.EventKind) []activities.Notice {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []activities.Notice
	for _, n := range f.notices {
		if n.EventKind == kind {
			out = append(out, n)
		}
	}
	return out
}

// The reporting chain of the tests: agent ann → team lead lee → manager max →
// director dora. Mia is a manager in another chain.
var (
	ann  = complaint.Member{ID: "ann", Role: complaint.RoleAgent}
	lee  = complaint.Member{ID: "lee", Role: complaint.RoleTeamLead}
	max_ = complaint.Member{ID: "max", Role: complaint.RoleManager}
	dora = complaint.Member{ID: "dora", Role: complaint.RoleDirector}
	bob  = complaint.Member{ID: "bob", Role: complaint.RoleAgent}
	mia  = complaint.Member{ID: "mia", Role: complaint.RoleManager}
)

type ComplaintSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env   *testsuite.TestWorkflowEnvironment
	acts  *fakeActivities
	start time.Time
	// rejections collects validator reasons in the order they arrive.
	rejections []string
	rejected   int // answers sent to be refused, for their update IDs
	// revision is the complaint's ComplaintInput.Revision: the API's
	// (workflows.CurrentRevision) unless a test runs an older execution.
	revision int
}

func TestComplaintWorkflow(t *testing.T) { suite.Run(t, new(ComplaintSuite)) }

func (s *ComplaintSuite) SetupTest() {
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	s.env = s.NewTestWorkflowEnvironment().SetWorkerOptions(underLoad)
	s.start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.acts = &fakeActivities{chains: map[string][]complaint.Member{
		"ann": {ann, lee, max_, dora},
		"lee": {lee, max_, dora},
		"max": {max_, dora},
		"bob": {bob, mia},
		"mia": {mia},
	}, policies: map[complaint.Level]complaint.Policy{}, failures: map[complaint.EventKind]int{}}
	s.rejections = nil
	s.revision = workflows.CurrentRevision
	s.env.RegisterActivity(s.acts)
	s.env.RegisterWorkflowWithOptions(workflows.SurveyWorkflow, workflow.RegisterOptions{Name: workflows.SurveyWorkflowName})
}

func (s *ComplaintSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

// filed sets the SLA a complaint was filed under at the test's start time, with a
// policy that has no warnings and no ladder (tests add what they exercise).
func (s *ComplaintSuite) filed(urgency complaint.Level, firstResponse, resolution time.Duration) *complaint.Policy {
	p := &complaint.Policy{FirstResponseSeconds: int64(firstResponse / time.Second), FollowUpSeconds: 86400,
		DecisionSeconds: 4 * 3600, MaxExtensionSeconds: 86400}
	s.acts.sla = complaint.SLA{
		ComplaintID: "c-1", Urgency: urgency, Tier: complaint.Medium, Category: "logistics",
		Status: complaint.StatusOpen, OpenedAt: s.start, FirstResponseDue: s.start.Add(firstResponse), Policy: p,
	}
	if resolution > 0 {
		due := s.start.Add(resolution)
		s.acts.sla.ResolutionDue = &due
		r := int64(resolution / time.Second)
		p.ResolutionSeconds = &r
	}
	return p
}

// ownedBy routes the complaint to ann, whose chain escalations follow.
func (s *ComplaintSuite) ownedBy(owner string) {
	s.acts.sla.Owner = owner
	s.acts.sla.Chain = s.acts.chains[owner]
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
	s.env.ExecuteWorkflow(workflows.ComplaintWorkflow, workflows.ComplaintInput{ComplaintID: "c-1", Revision: s.revision})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var state workflows.ComplaintState
	s.Require().NoError(s.env.GetWorkflowResult(&state))
	return state
}

func (s *ComplaintSuite) queryState() workflows.ComplaintState {
	v, err := s.env.QueryWorkflow(workflows.QueryState)
	s.Require().NoError(err)
	var state workflows.ComplaintState
	s.Require().NoError(v.Get(&state))
	return state
}

// resolveAndClose resolves now and closes a minute later, once the resolution
// (which may load the new owner's chain) has completed.
func (s *ComplaintSuite) resolveAndClose(actor string) {
	s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: actor, Summary: "fixed", RootCause: "cause"})
	s.env.RegisterDelayedCallback(func() { s.update(workflows.UpdateClose, workflows.CloseRequest{Actor: actor}) }, time.Minute)
}

// times returns when each event fired, as offsets from the start.
func (s *ComplaintSuite) times(events []complaint.Event) []time.Duration {
	out := make([]time.Duration, len(events))
	for i, e := range events {
		out[i] = e.At.Sub(s.start)
	}
	return out
}

func (s *ComplaintSuite) TestHighUrgencyBreachesFirstResponseAt2hAndResolutionAt24h() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.at(25*time.Hour, func() { s.resolveAndClose("agent-ann") })

	state := s.run()

	breaches := s.acts.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 2)
	s.Equal(complaint.ClockFirstResponse, breaches[0].Clock)
	s.True(s.start.Add(2 * time.Hour).Equal(breaches[0].DueAt))
	s.Equal(2*time.Hour, breaches[0].At.Sub(s.start), "first-response breach must fire exactly at the deadline")
	s.Equal(complaint.ClockResolution, breaches[1].Clock)
	s.Equal(24*time.Hour, breaches[1].At.Sub(s.start), "resolution breach must fire exactly at the deadline")
	s.Len(state.Breaches, 2)
	s.Equal(complaint.StatusClosed, state.Status)

	notices := s.acts.noticesOf(complaint.EventSLABreached)
	s.Require().Len(notices, 3, "one notice per breach, and the customer's of the resolution's")
	s.Equal("unassigned:logistics", notices[0].Recipient)
	s.Contains(notices[0].Subject, "first-response")
	s.Equal(activities.CustomerRecipient, notices[2].Recipient)
	s.Equal(breaches[1].Key, notices[2].EventKey)
}

func (s *ComplaintSuite) TestAcknowledgingBeforeTheDeadlineStopsTheFirstResponseClock() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.at(90*time.Minute, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "Sorry — we are on it."})
	})
	s.at(3*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.StatusInProgress, state.Status)
		s.Equal("ann", state.Owner)
		s.Equal([]complaint.Member{ann, lee, max_, dora}, state.Chain, "the new owner's chain is loaded")
		s.Empty(state.Breaches, "acknowledged 30 min early: no first-response breach")
	})
	s.at(20*time.Hour, func() {
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "ann", Summary: "refund issued", RootCause: "wrong item picked"})
	})

	state := s.run()

	s.Empty(s.acts.eventsOf(complaint.EventSLABreached))
	s.Empty(s.acts.noticesOf(complaint.EventSLABreached))
	// The customer hears the agent's first response and the resolution (LESCANT "notify").
	s.Len(s.acts.noticesOf(complaint.EventAcknowledged), 1)
	s.Equal("customer", s.acts.noticesOf(complaint.EventAcknowledged)[0].Recipient)
	ack := s.acts.noticesOf(complaint.EventAcknowledged)[0]
	s.Equal(string(message.Acknowledgement), ack.Template)
	s.Equal("Sorry — we are on it.", ack.Vars["message"])
	s.NotEmpty(ack.Vars["resolution_due_at"], "the acknowledgement commits to a resolution time")
	s.Len(s.acts.noticesOf(complaint.EventResolved), 1)
	// No answer to the survey: the complaint closes unverified when it times out.
	s.Equal(complaint.StatusClosed, state.Status)
	s.Equal(complaint.Unverified, state.Verification)
	s.Require().NotNil(state.ClosedAt)
	s.Equal(20*time.Hour+workflows.DefaultSurveyTimeout, state.ClosedAt.Sub(s.start))
}

func (s *ComplaintSuite) TestLowUrgencyGoesToTheBacklogWithoutAResolutionClock() {
	s.filed(complaint.Low, 24*time.Hour, 0)
	s.at(2*time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "Thanks, added to our roadmap."})
	})
	s.at(30*24*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.StatusBacklog, state.Status)
		s.Nil(state.ResolutionDueAt)
		s.resolveAndClose("ann")
	})

	s.run()

	s.Empty(s.acts.eventsOf(complaint.EventSLABreached), "a month in the backlog breaches nothing")
}

// Warnings at 50/75/90 % of each clock and three breach levels, each firing once at
// its exact time, to the right person up the chain.
func (s *ComplaintSuite) TestLadderFiresEveryWarningAndLevelOnTime() {
	p := s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	p.WarningPercents = []int{50, 75, 90}
	p.EscalationLevels = []complaint.LadderLevel{
		{Level: 1, AfterSeconds: 0, Notify: complaint.RoleTeamLead},
		{Level: 2, AfterSeconds: 2 * 3600, Notify: complaint.RoleManager},
		{Level: 3, AfterSeconds: 4 * 3600, Notify: complaint.RoleDirector},
	}
	s.ownedBy("ann")
	s.at(30*time.Hour, func() {
		s.Equal(3, s.queryState().EscalationLevel)
		s.resolveAndClose("ann")
	})

	s.run()

	h := time.Hour
	m := time.Minute
	warnings := s.acts.eventsOf(complaint.EventSLAWarning)
	s.Equal([]time.Duration{h, 90 * m, 108 * m, 12 * h, 18 * h, 21*h + 36*m}, s.times(warnings))
	s.Equal([]int{50, 75, 90, 50, 75, 90}, []int{warnings[0].Percent, warnings[1].Percent, warnings[2].Percent,
		warnings[3].Percent, warnings[4].Percent, warnings[5].Percent})
	s.Equal([]time.Duration{2 * h, 24 * h}, s.times(s.acts.eventsOf(complaint.EventSLABreached)))
	levels := s.acts.eventsOf(complaint.EventSLAEscalated)
	s.Equal([]time.Duration{2 * h, 4 * h, 6 * h, 24 * h, 26 * h, 28 * h}, s.times(levels))
	// Each wake-up records its marks' events in one RecordMarks: the breach and
	// level 1 fire together at 2 h and at 24 h.
	s.Equal([]int{1, 1, 1, 2, 1, 1, 1, 1, 1, 2, 1, 1}, s.acts.markBatches)
	var recipients []string
	for _, l := range levels {
		recipients = append(recipients, fmt.Sprintf("%s L%d %s", l.Clock, l.Level, l.Recipient))
	}
	s.Equal([]string{
		"first_response L1 lee", "first_response L2 max", "first_response L3 dora",
		"resolution L1 lee", "resolution L2 max", "resolution L3 dora",
	}, recipients)
	// Every warning went to the owner, every level to its recipient, once each.
	s.Len(s.acts.noticesOf(complaint.EventSLAWarning), 6)
	for _, n := range s.acts.noticesOf(complaint.EventSLAWarning) {
		s.Equal("ann", n.Recipient)
	}
	s.Len(s.acts.noticesOf(complaint.EventSLAEscalated), 6)
}

func (s *ComplaintSuite) TestAcknowledgingStopsTheRestOfTheLadder() {
	p := s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	p.WarningPercents = []int{50, 75, 90}
	p.EscalationLevels = []complaint.LadderLevel{{Level: 1, Notify: complaint.RoleTeamLead}}
	s.ownedBy("ann")
	s.at(80*time.Minute, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	// Only the 50 % first-response warning (at 1h) fired before the acknowledgement;
	// the resolution clock was resolved at 3h, before its 50 % mark.
	s.Equal([]time.Duration{time.Hour}, s.times(s.acts.eventsOf(complaint.EventSLAWarning)))
	s.Empty(s.acts.eventsOf(complaint.EventSLABreached))
	s.Empty(s.acts.eventsOf(complaint.EventSLAEscalated))
}

func (s *ComplaintSuite) TestPausedTimeIsExcludedFromTheResolutionClock() {
	p := s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	p.WarningPercents = []int{50}
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(10*time.Hour, func() {
		s.update(workflows.UpdatePause, workflows.PauseRequest{Actor: "ann", Reason: "waiting for photos of the damage"})
	})
	s.at(12*time.Hour, func() {
		s.Equal(complaint.StatusWaitingOnCustomer, s.queryState().Status)
		s.reject(workflows.UpdatePause, workflows.PauseRequest{Actor: "ann", Reason: "again"})
	})
	s.at(15*time.Hour, func() {
		s.update(workflows.UpdateResume, workflows.ResumeRequest{Actor: "ann", Note: "photos received"})
	})
	s.at(16*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.StatusInProgress, state.Status)
		s.Equal(5*time.Hour, state.PausedFor)
		s.Equal(29*time.Hour, state.ResolutionDueAt.Sub(s.start), "24 h plus the 5 h paused")
	})
	s.at(30*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	// 50 % of the resolution clock is 12 h of running time: 10 h before the pause,
	// 2 h after it.
	s.Equal([]time.Duration{time.Hour, 17 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSLAWarning)))
	breaches := s.acts.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 1)
	s.Equal(29*time.Hour, breaches[0].At.Sub(s.start))
	resumed := s.acts.eventsOf(complaint.EventResumed)
	s.Require().Len(resumed, 1)
	s.InDelta(5*3600, resumed[0].PausedSeconds, 0.001)
	// The customer hears of both, and so does the intake system through its callback.
	paused := s.acts.noticesOf(complaint.EventPaused)
	s.Require().Len(paused, 1)
	s.Equal(activities.CustomerRecipient, paused[0].Recipient)
	s.Equal("waiting for photos of the damage", paused[0].Vars["reason"])
	back := s.acts.noticesOf(complaint.EventResumed)
	s.Require().Len(back, 1)
	s.Equal(activities.CustomerRecipient, back[0].Recipient)
	s.Equal(string(message.Resumed), back[0].Template)
	s.NotEmpty(back[0].Vars["resolution_due_at"])
	s.Equal([]string{"cannot pause: the complaint is already waiting on the customer"}, s.rejections)
}

// Two actions in the same moment — an over-limit compensation and the
// acknowledgement — write their events one at a time, in the order they were
// decided (the acknowledgement was decided while the compensation's request was
// being written, before its escalation), so the complaint's row ends at the last
// one's snapshot. An execution of revision 3 running live takes the change too
// (GetVersion); its recorded histories, without the marker, replay as they were.
func (s *ComplaintSuite) TestEventsOfOneMomentAreWrittenInTheirOrder() {
	for _, revision := range []int{workflows.CurrentRevision, 3} {
		s.SetupTest()
		s.revision = revision
		s.acts.recordDelay = 20 * time.Millisecond
		s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
		s.ownedBy("ann")
		s.at(time.Hour, func() {
			s.update(workflows.UpdateCompensate, compensation(300))
			s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
		})
		s.at(3*time.Hour, func() { s.resolveAndClose("ann") })

		s.run()

		s.False(s.acts.overlapped, "revision %d: two events written at once", revision)
		var kinds []complaint.EventKind
		for _, e := range s.acts.events[:4] {
			kinds = append(kinds, e.Kind)
		}
		s.Equal([]complaint.EventKind{complaint.EventOpened, complaint.EventCompensationRequested,
			complaint.EventAcknowledged, complaint.EventEscalationRequest}, kinds, "revision %d: the order written", revision)
	}
}

// Resolved while waiting on the customer, the wait ends with the resolution and is
// recorded as paused, as a resume would have recorded it.
func (s *ComplaintSuite) TestResolvingWhileWaitingOnTheCustomerRecordsThePause() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.ownedBy("ann")
	s.at(30*time.Minute, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(time.Hour, func() {
		s.update(workflows.UpdatePause, workflows.PauseRequest{Actor: "ann", Reason: "waiting for the receipt"})
	})
	s.at(6*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	resolved := s.acts.eventsOf(complaint.EventResolved)
	s.Require().Len(resolved, 1)
	s.InDelta(5*3600, resolved[0].PausedSeconds, 0.001)
}

func (s *ComplaintSuite) TestReopenStartsAFollowUpResolutionClock() {
	p := s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	p.FollowUpSeconds = 12 * 3600
	s.ownedBy("ann")
	s.at(2*time.Hour, func() {
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "ann", Summary: "reshipped", RootCause: "lost parcel"})
	})
	s.at(3*time.Hour, func() {
		s.update(workflows.UpdateReopen, workflows.ReopenRequest{Actor: "ann", Reason: "customer: the new parcel never came"})
	})
	s.at(4*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.StatusInProgress, state.Status)
		s.Equal(1, state.Reopened)
		s.Equal(15*time.Hour, state.ResolutionDueAt.Sub(s.start), "reopened at 3h + 12 h follow-up SLA")
	})
	s.at(20*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	reopened := s.acts.eventsOf(complaint.EventReopened)
	s.Require().Len(reopened, 1)
	s.Equal(15*time.Hour, reopened[0].ResolutionDueAt.Sub(s.start))
	breaches := s.acts.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 1, "the original clock was met; the follow-up clock was not")
	s.Equal(1, breaches[0].Round)
	s.Equal(15*time.Hour, breaches[0].At.Sub(s.start))
	s.Len(s.acts.eventsOf(complaint.EventResolved), 2)
}

// A request nobody decides moves up the chain when its decision time passes; at the
// top it is marked overdue and stays with the last approver.
func (s *ComplaintSuite) TestUndecidedEscalationMovesUpALevel() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "customer threatens to go to the press"})
	})
	s.at(2*time.Hour, func() {
		e := s.queryState().PendingEscalation()
		s.Require().NotNil(e)
		s.Equal("max", e.Approver)
		s.Equal([]string{"max", "dora"}, e.Eligible)
		s.Equal(5*time.Hour, e.DecisionDueAt.Sub(s.start))
		s.reject(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "again"})
	})
	s.at(6*time.Hour, func() {
		e := s.queryState().PendingEscalation()
		s.Equal(2, e.Level)
		s.Equal("dora", e.Approver)
		s.reject(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1,
			Decision: complaint.Decision{Kind: complaint.DecisionReject, Reason: "too late"}})
	})
	s.at(10*time.Hour, func() {
		s.Nil(s.queryState().PendingEscalation().DecisionDueAt, "overdue at the top: no further deadline")
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "dora", Seq: 1,
			Decision: complaint.Decision{Kind: complaint.DecisionApprove, Owner: "lee"}})
	})
	s.at(11*time.Hour, func() {
		state := s.queryState()
		s.Equal("lee", state.Owner)
		s.Equal([]complaint.Member{lee, max_, dora}, state.Chain)
		s.Nil(state.PendingEscalation())
		s.resolveAndClose("lee")
	})

	s.run()

	s.Len(s.acts.eventsOf(complaint.EventEscalationRequest), 1)
	moved := s.acts.eventsOf(complaint.EventEscalationMovedUp)
	s.Require().Len(moved, 1)
	s.Equal(5*time.Hour, moved[0].At.Sub(s.start))
	s.Equal("dora", moved[0].Escalation.Approver)
	overdue := s.acts.eventsOf(complaint.EventEscalationOverdue)
	s.Require().Len(overdue, 1)
	s.Equal(9*time.Hour, overdue[0].At.Sub(s.start))
	decided := s.acts.eventsOf(complaint.EventEscalationDecision)
	s.Require().Len(decided, 1)
	s.Equal("approved", decided[0].Escalation.Status)
	s.Equal("lee", decided[0].Owner)
	var approvers []string
	for _, n := range s.acts.notices {
		if n.EventKind == complaint.EventEscalationRequest || n.EventKind == complaint.EventEscalationMovedUp ||
			n.EventKind == complaint.EventEscalationOverdue {
			approvers = append(approvers, n.Recipient)
		}
	}
	s.Equal([]string{"max", "dora", "dora"}, approvers)
	s.Equal([]string{
		"cannot escalate: escalation 1 already awaits a decision by max",
		"escalation 1 has moved up to level 2; only [dora] may decide",
	}, s.rejections)
}

func (s *ComplaintSuite) TestDecisionValidatorsAcceptOnlyManagersInTheChainWithinTheBound() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	decide := func(actor string, d complaint.Decision) workflows.DecisionRequest {
		return workflows.DecisionRequest{Actor: actor, Seq: 1, Decision: d}
	}
	extend := func(d time.Duration) complaint.Decision {
		return complaint.Decision{Kind: complaint.DecisionExtend, ExtensionSeconds: int64(d / time.Second)}
	}
	s.at(time.Hour, func() {
		s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "needs more time for a lab test"})
	})
	s.at(2*time.Hour, func() {
		s.reject(workflows.UpdateDecideEscalation, decide("lee", extend(time.Hour)))
		s.reject(workflows.UpdateDecideEscalation, decide("mia", extend(time.Hour)))
		s.reject(workflows.UpdateDecideEscalation, decide("max", extend(30*time.Hour)))
		s.reject(workflows.UpdateDecideEscalation, decide("max", complaint.Decision{Kind: complaint.DecisionReject}))
		s.reject(workflows.UpdateDecideEscalation, decide("max", complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.Low}))
		s.reject(workflows.UpdateDecideEscalation, decide("max", complaint.Decision{Kind: complaint.DecisionCompensate,
			Compensation: &complaint.Compensation{Kind: "cash-in-envelope", Amount: 5}}))
		s.reject(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 2, Decision: extend(time.Hour)})
		s.reject(workflows.UpdateDecideEscalation, decide("max", complaint.Decision{
			Kind: complaint.DecisionExtend, ExtensionSeconds: 3600, Owner: "lee"}))
		s.update(workflows.UpdateDecideEscalation, decide("max", extend(20*time.Hour)))
	})
	s.at(3*time.Hour, func() {
		state := s.queryState()
		s.Equal(68*time.Hour, state.ResolutionDueAt.Sub(s.start), "48 h + 20 h extension")
		s.reject(workflows.UpdateDecideEscalation, decide("max", extend(time.Hour)))
		s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "still waiting on the lab"})
	})
	s.at(4*time.Hour, func() {
		s.reject(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "dora", Seq: 2, Decision: extend(5 * time.Hour)})
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "dora", Seq: 2, Decision: complaint.Decision{
			Kind: complaint.DecisionCompensate, Compensation: &complaint.Compensation{Kind: "coupon", Amount: 50, Currency: "CNY"},
		}})
	})
	s.at(5*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	s.Equal([]string{
		"lee is a team_lead; only a manager or higher in the owner's chain may decide",
		"mia is not a manager in the reporting chain of ann",
		"extension of 30h0m0s exceeds the policy's bound: 24h0m0s of 24h0m0s left",
		"reason is required",
		"urgency must be higher than the current medium",
		`compensation kind "cash-in-envelope" is not one of [coupon voucher refund upgrade gift points other]`,
		"escalation 2 is not pending",
		"owner applies only to approve and reassign",
		"escalation 1 was already extended by max",
		"extension of 5h0m0s exceeds the policy's bound: 4h0m0s of 24h0m0s left",
	}, s.rejections)
	decided := s.acts.eventsOf(complaint.EventEscalationDecision)
	s.Require().Len(decided, 2)
	s.Equal(int64(20*3600), decided[0].ExtendedSeconds)
	s.Equal(68*time.Hour, decided[0].ResolutionDueAt.Sub(s.start))
	s.Equal("compensated", decided[1].Escalation.Status)
	s.Equal(&complaint.Compensation{Kind: "coupon", Amount: 50, Currency: "CNY"}, decided[1].Escalation.Decision.Compensation)
	var toCustomer []string
	for _, kind := range []complaint.EventKind{complaint.EventEscalationDecision, complaint.EventCompensationGranted} {
		for _, n := range s.acts.noticesOf(kind) {
			if n.Recipient == "customer" {
				toCustomer = append(toCustomer, n.Template+" "+n.Vars["resolution_due_at"]+n.Vars["amount"]+" "+n.Vars["currency"]+" "+n.Vars["kind"])
			}
		}
	}
	// The extension tells the customer the new time; the compensation its amount,
	// in the decision's words.
	s.Equal([]string{"extension " + message.Time(s.start.Add(68*time.Hour)) + "  ", "compensation 50 CNY coupon"}, toCustomer)
	// The compensation the decision grants is recorded (revision 8): in the
	// complaint's compensations and the metrics' recovery cost.
	granted := s.acts.eventsOf(complaint.EventCompensationGranted)
	s.Require().Len(granted, 1)
	s.Equal(complaint.CompensationRecord{
		Seq: 1, Kind: complaint.RecoveryCompensation, Amount: 50, Currency: "CNY", Note: "coupon",
		Status: complaint.CompensationGranted, RequestedBy: "dora", RequestedAt: *decided[1].Escalation.DecidedAt,
		EscalationSeq: 2, DecidedBy: "dora", DecidedAt: decided[1].Escalation.DecidedAt,
	}, *granted[0].Compensation)
}

func (s *ComplaintSuite) TestApprovingHigherUrgencyTightensTheDeadline() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	high := int64(24 * 3600)
	s.acts.policies[complaint.High] = complaint.Policy{FirstResponseSeconds: 2 * 3600, ResolutionSeconds: &high}
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
		s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "food safety"})
	})
	s.at(2*time.Hour, func() {
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1,
			Decision: complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.High}})
	})
	s.at(3*time.Hour, func() {
		state := s.queryState()
		s.Equal(complaint.High, state.Urgency)
		s.Equal(26*time.Hour, state.ResolutionDueAt.Sub(s.start), "2 h used, then the high policy's 24 h")
	})
	s.at(30*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	s.Equal([]time.Duration{26 * time.Hour}, s.times(s.acts.eventsOf(complaint.EventSLABreached)))
}

func (s *ComplaintSuite) TestAngryCustomerIsEscalatedAtOnce() {
	p := s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	p.AutoEscalateAngry = true
	s.acts.sla.Sentiment = "angry"
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1,
			Decision: complaint.Decision{Kind: complaint.DecisionApprove, Urgency: complaint.High}})
	})
	s.at(2*time.Hour, func() { s.resolveAndClose("ann") })
	high := int64(24 * 3600)
	s.acts.policies[complaint.High] = complaint.Policy{FirstResponseSeconds: 2 * 3600, ResolutionSeconds: &high}

	s.run()

	requested := s.acts.eventsOf(complaint.EventEscalationRequest)
	s.Require().Len(requested, 1)
	s.Equal("system", requested[0].Actor)
	s.True(requested[0].Escalation.Automatic)
	s.Equal(time.Duration(0), requested[0].At.Sub(s.start))
	s.Equal("max", requested[0].Escalation.Approver)
}

func (s *ComplaintSuite) TestResolvingCancelsAPendingEscalation() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.ownedBy("ann")
	s.at(time.Hour, func() {
		s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "unsure"})
	})
	s.at(2*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Equal("cancelled", state.Escalations[0].Status)
	s.Len(s.acts.eventsOf(complaint.EventEscalationCancelled), 1)
	s.Empty(s.acts.eventsOf(complaint.EventEscalationMovedUp), "no decision timer outlives the request")
}

func (s *ComplaintSuite) TestEscalationWithoutAManagerInTheChainIsRefused() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.at(time.Hour, func() {
		s.reject(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "help"})
		s.resolveAndClose("ann")
	})

	s.run()

	s.Equal([]string{"cannot escalate: no manager in the reporting chain of unassigned:logistics (see the directory)"}, s.rejections)
}

// Calendar clocks: business hours Mon–Fri 09:00–18:00 in Shanghai, Christmas Day
// 2026 (a Friday) a holiday.
func (s *ComplaintSuite) TestCalendarDeadlinesSkipTheWeekendAndAHoliday() {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	s.start = time.Date(2026, 12, 24, 17, 0, 0, 0, shanghai) // Thursday 17:00
	s.env.SetStartTime(s.start)
	p := s.filed(complaint.High, 2*time.Hour, 16*time.Hour)
	p.Calendar = &calendar.Spec{TimeZone: "Asia/Shanghai", WeeklyHours: weekdays("09:00", "18:00"), Holidays: []string{"2026-12-25"}}
	s.at(10*24*time.Hour, func() { s.resolveAndClose("ann") })

	s.run()

	breaches := s.acts.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 2)
	// 1 h on Thursday, Friday a holiday, the weekend closed, 1 h on Monday.
	s.True(time.Date(2026, 12, 28, 10, 0, 0, 0, shanghai).Equal(breaches[0].At), "first response at %s", breaches[0].At)
	// 16 h: 1 h Thursday, 9 h Monday, 6 h Tuesday.
	s.True(time.Date(2026, 12, 29, 15, 0, 0, 0, shanghai).Equal(breaches[1].At), "resolution at %s", breaches[1].At)
}

// The clocks are counted in local business hours across a daylight-saving change:
// Monday 10:00 in New York is 14:00 UTC after the spring change, 15:00 before it.
func (s *ComplaintSuite) TestCalendarDeadlinesAcrossADaylightSavingChange() {
	s.start = time.Date(2026, 3, 6, 21, 0, 0, 0, time.UTC) // Friday 16:00 EST
	s.env.SetStartTime(s.start)
	p := s.filed(complaint.High, 2*time.Hour, 0)
	p.Calendar = &calendar.Spec{TimeZone: "America/New_York", WeeklyHours: weekdays("09:00", "17:00")}
	s.at(5*24*time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "late"})
		s.resolveAndClose("ann")
	})

	s.run()

	breaches := s.acts.eventsOf(complaint.EventSLABreached)
	s.Require().Len(breaches, 1)
	s.True(time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC).Equal(breaches[0].At), "breach at %s", breaches[0].At.UTC())
}

func weekdays(from, to string) map[string][]calendar.Span {
	hours := map[string][]calendar.Span{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		hours[d] = []calendar.Span{{Start: from, End: to}}
	}
	return hours
}

func (s *ComplaintSuite) TestValidatorsRejectInvalidActions() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.at(time.Minute, func() {
		s.reject(workflows.UpdateClose, workflows.CloseRequest{Actor: "a"})
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "a"})
		s.reject(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "a", RootCause: "x"})
		s.reject(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "a", Summary: "x", RootCause: "  "})
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Message: "no actor"})
		s.reject(workflows.UpdatePause, workflows.PauseRequest{Actor: "a", Reason: "open"})
		s.reject(workflows.UpdateReopen, workflows.ReopenRequest{Actor: "a", Reason: "not resolved"})
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "a", Message: "hello"})
	})
	s.at(2*time.Minute, func() {
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "a", Message: "again"})
		s.reject(workflows.UpdatePause, workflows.PauseRequest{Actor: "a"})
		s.reject(workflows.UpdateResume, workflows.ResumeRequest{Actor: "a"})
		s.update(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "a", Summary: "s", RootCause: "r"})
	})
	s.at(3*time.Minute, func() {
		s.reject(workflows.UpdateResolve, workflows.ResolveRequest{Actor: "a", Summary: "s", RootCause: "r"})
		s.reject(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "a", Message: "late"})
		s.reject(workflows.UpdateReopen, workflows.ReopenRequest{Actor: "a"})
		s.update(workflows.UpdateClose, workflows.CloseRequest{Actor: "a"})
	})

	s.run()

	s.Equal([]string{
		"cannot close a complaint that is open",
		"message is required",
		"summary is required",
		"root_cause is required",
		"actor is required",
		"cannot pause a complaint that is open",
		"cannot reopen a complaint that is open",
		"cannot acknowledge: the complaint was already acknowledged",
		"reason is required",
		"cannot resume a complaint that is in_progress",
		"cannot resolve: the complaint is already resolved",
		"cannot acknowledge: the complaint was already acknowledged",
		"reason is required",
	}, s.rejections)
	// Rejected actions left nothing behind: exactly one event per accepted action.
	s.Len(s.acts.eventsOf(complaint.EventAcknowledged), 1)
	s.Len(s.acts.eventsOf(complaint.EventResolved), 1)
	s.Len(s.acts.eventsOf(complaint.EventClosed), 1)
	s.Empty(s.acts.eventsOf(complaint.EventPaused))
	s.Empty(s.acts.eventsOf(complaint.EventReopened))
}
