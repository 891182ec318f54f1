package workflows_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

// historyCounter bounds the history a workflow writes from the commands its code
// gives, for the time-skipping environment, which keeps no history: each command
// and each event that can wake the workflow costs a known number of events. The
// replay test checks the bound against every recorded ComplaintWorkflow history.
type historyCounter struct {
	interceptor.WorkerInterceptorBase
	mu     sync.Mutex
	counts map[string]*historyCount // by workflow type and ID
}

func newHistoryCounter() *historyCounter { return &historyCounter{counts: map[string]*historyCount{}} }

// of returns the count of the workflow whose type and ID start key ("ComplaintWorkflow c-1").
func (c *historyCounter) of(key string) *historyCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, n := range c.counts {
		if strings.HasPrefix(k, key) {
			return n
		}
	}
	return &historyCount{}
}

type historyCount struct {
	activities, localActivities, timers, upserts, children, updates, signals int
	versions                                                                 map[string]bool
}

// events is the bound: started and completed; three per workflow task (the first,
// and at most one per event that can wake the workflow); scheduled, started and
// closed per activity; started and fired or cancelled per timer; a marker per local
// activity; one per upsert; initiated, started, cancel requested (two) and closed per
// child; accepted and completed per update; one per signal; a marker and the SDK's
// upsert per change ID GetVersion met.
func (n *historyCount) events() int {
	wakes := 1 + n.activities + n.timers + 3*n.children + n.updates + n.signals
	return 2 + 3*wakes + 3*n.activities + 2*n.timers + n.localActivities + n.upserts + 5*n.children +
		2*n.updates + n.signals + 2*len(n.versions)
}

func (c *historyCounter) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	info := workflow.GetInfo(ctx)
	n := &historyCount{versions: map[string]bool{}}
	c.mu.Lock()
	c.counts[info.WorkflowType.Name+" "+info.WorkflowExecution.ID] = n
	c.mu.Unlock()
	return &countInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, n: n}
}

type countInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	n *historyCount
}

func (i *countInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&countOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}, n: i.n})
}

func (i *countInbound) ExecuteUpdate(ctx workflow.Context, in *interceptor.UpdateInput) (any, error) {
	i.n.updates++
	return i.Next.ExecuteUpdate(ctx, in)
}

func (i *countInbound) HandleSignal(ctx workflow.Context, in *interceptor.HandleSignalInput) error {
	i.n.signals++
	return i.Next.HandleSignal(ctx, in)
}

type countOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	n *historyCount
}

func (o *countOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.n.activities++
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}

func (o *countOutbound) ExecuteLocalActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.n.localActivities++
	return o.Next.ExecuteLocalActivity(ctx, activityType, args...)
}

func (o *countOutbound) NewTimerWithOptions(ctx workflow.Context, d time.Duration, options workflow.TimerOptions) workflow.Future {
	o.n.timers++
	return o.Next.NewTimerWithOptions(ctx, d, options)
}

func (o *countOutbound) NewTimer(ctx workflow.Context, d time.Duration) workflow.Future {
	o.n.timers++
	return o.Next.NewTimer(ctx, d)
}

func (o *countOutbound) UpsertTypedSearchAttributes(ctx workflow.Context, attrs ...temporal.SearchAttributeUpdate) error {
	o.n.upserts++
	return o.Next.UpsertTypedSearchAttributes(ctx, attrs...)
}

func (o *countOutbound) UpsertSearchAttributes(ctx workflow.Context, attrs map[string]any) error {
	o.n.upserts++
	return o.Next.UpsertSearchAttributes(ctx, attrs)
}

func (o *countOutbound) ExecuteChildWorkflow(ctx workflow.Context, childWorkflowType string, args ...any) workflow.ChildWorkflowFuture {
	o.n.children++
	return o.Next.ExecuteChildWorkflow(ctx, childWorkflowType, args...)
}

func (o *countOutbound) SignalExternalWorkflow(ctx workflow.Context, workflowID, runID, signalName string, arg any) workflow.Future {
	o.n.signals += 2 // initiated and signaled, waking the workflow once
	return o.Next.SignalExternalWorkflow(ctx, workflowID, runID, signalName, arg)
}

func (o *countOutbound) GetVersion(ctx workflow.Context, changeID string, minSupported, maxSupported workflow.Version) workflow.Version {
	o.n.versions[changeID] = true
	return o.Next.GetVersion(ctx, changeID, minSupported, maxSupported)
}

// Every recorded ComplaintWorkflow history, replayed through historyCounter, is
// within the counter's bound, so the bound stands for what the time-skipping
// environment cannot show. The recordings also show the revision at work: those of
// revision 1 and later hold no version marker and no TemporalChangeVersion upsert
// (each revision has some, so its executions still running are replayed);
// those of revision 0 (started before it) recorded since the ladder still do.
func TestRecordedHistoriesStayWithinTheCountersBound(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys := testenv.PayloadCodec()
	seen := map[int]int{}
	for _, file := range files {
		hist := loadHistory(t, file)
		started := hist.Events[0].GetWorkflowExecutionStartedEventAttributes()
		if started.GetWorkflowType().GetName() != "ComplaintWorkflow" {
			continue
		}
		var in workflows.ComplaintInput
		if err := keys.DataConverter().FromPayloads(started.GetInput(), &in); err != nil {
			t.Fatalf("%s: input: %v", file, err)
		}
		markers, changeUpserts, retriedTasks := 0, 0, 0
		for _, e := range hist.Events {
			if e.GetWorkflowTaskTimedOutEventAttributes() != nil || e.GetWorkflowTaskFailedEventAttributes() != nil {
				retriedTasks++
			}
			if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "Version" {
				markers++
			}
			if _, ok := e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()["TemporalChangeVersion"]; ok {
				changeUpserts++
			}
		}
		name := filepath.Base(file)
		switch {
		case in.Revision >= 1 && markers+changeUpserts > 0:
			t.Errorf("%s (revision %d): %d version markers, %d TemporalChangeVersion upserts; want none", name, in.Revision, markers, changeUpserts)
		case in.Revision == 0 && !strings.HasPrefix(name, "v1_") && (markers == 0 || changeUpserts == 0):
			t.Errorf("%s (revision 0): %d version markers, %d TemporalChangeVersion upserts; want some", name, markers, changeUpserts)
		}
		seen[in.Revision]++

		counter := newHistoryCounter()
		if err := replay(hist, counter); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// A workflow task that timed out (a recording through a worker outage)
		// adds its timeout and a new scheduled task: the fault's, not the code's.
		bound := counter.of("ComplaintWorkflow").events() + 2*retriedTasks
		if len(hist.Events) > bound {
			t.Errorf("%s: %d events, above the counter's bound %d", name, len(hist.Events), bound)
		}
		t.Logf("%s (revision %d): %d events, bound %d", name, in.Revision, len(hist.Events), bound)
	}
	// Each revision keeps recordings: an older one's replay shows its executions,
	// still running, keep their commands.
	for rev := 0; rev <= workflows.CurrentRevision; rev++ {
		if seen[rev] == 0 {
			t.Errorf("no recorded complaint history of revision %d (by revision: %v)", rev, seen)
		}
	}
}

// A long life: every warning, breach and ladder level of both clocks, progress
// updates, an escalation with an extension, a 30-day pause, then three rounds of
// resolution, a dissatisfied survey and a reopening with its own first-response and
// follow-up clocks and their marks, and a final verified close. Its history stays far below Temporal's 10,240-
// event warning: the bound is logged, and held under 2,000 (a fifth of the warning).
func (s *ComplaintSuite) TestALongLifeKeepsTheHistorySmall() {
	counter := newHistoryCounter()
	opts := underLoad
	opts.Interceptors = []interceptor.WorkerInterceptor{counter}
	s.env.SetWorkerOptions(opts)
	p := s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	p.WarningPercents = []int{50, 75, 90}
	p.FollowUpSeconds = 24 * 3600
	p.EscalationLevels = []complaint.LadderLevel{
		{Level: 1, AfterSeconds: 0, Notify: complaint.RoleTeamLead},
		{Level: 2, AfterSeconds: 2 * 3600, Notify: complaint.RoleManager},
		{Level: 3, AfterSeconds: 4 * 3600, Notify: complaint.RoleDirector},
	}
	s.ownedBy("ann")
	h, pause := time.Hour, 30*24*time.Hour
	progress := func(at time.Duration, msg string) {
		s.at(at, func() {
			s.update(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: msg})
		})
	}
	progress(h/2, "looking into it")
	s.at(5*h, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	progress(6*h, "the courier is searching")
	s.at(7*h, func() {
		s.update(workflows.UpdateRequestEscalation, workflows.EscalationRequest{Actor: "ann", Reason: "needs the warehouse"})
	})
	s.at(8*h, func() {
		s.update(workflows.UpdateDecideEscalation, workflows.DecisionRequest{Actor: "max", Seq: 1,
			Decision: complaint.Decision{Kind: complaint.DecisionExtend, ExtensionSeconds: 4 * 3600, Reason: "warehouse"}})
	})
	progress(9*h, "the warehouse is checking")
	s.at(10*h, func() {
		s.update(workflows.UpdatePause, workflows.PauseRequest{Actor: "ann", Reason: "customer abroad"})
	})
	s.at(10*h+pause, func() { s.update(workflows.UpdateResume, workflows.ResumeRequest{Actor: "ann", Note: "customer back"}) })
	// The resolution clock (28 h with the extension) fires all its marks after the
	// pause; each round then resolves, is answered unsolved and reopens with a
	// first-response clock nobody meets and the follow-up clock, which fire all their
	// marks too.
	resolved := pause + 34*h
	for round := range 4 {
		s.resolveAt(resolved)
		progress(resolved-3*h, fmt.Sprintf("round %d nearly done", round))
		answer := complaint.SurveyAnswer{CSAT: 2, Solved: false, Comment: "still broken"}
		if round == 3 {
			answer = complaint.SurveyAnswer{CSAT: 5, Solved: true}
		}
		s.at(resolved+h, func() { s.answer(round, answer) })
		resolved += h + 30*h
	}

	state := s.run()

	s.Equal(complaint.StatusClosed, state.Status)
	s.Equal(complaint.Verified, state.Verification)
	s.Equal(3, state.Reopened)
	s.Len(state.Breaches, 8, "first response, resolution, and each reopened round's first response and follow-up")
	s.Len(state.Warnings, 24)
	s.Len(state.Ladder, 23, "acknowledged before the first first-response clock's level 3")
	n := counter.of("ComplaintWorkflow")
	s.T().Logf("long life: %d local activities, %d activities, %d timers, %d upserts, %d surveys, %d updates, %d change IDs: at most %d history events",
		n.localActivities, n.activities, n.timers, n.upserts, n.children, n.updates, len(n.versions), n.events())
	s.Less(n.events(), 2000)
	s.Empty(n.versions, "a complaint of the current revision asks GetVersion nothing")
}
