package workflows_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

// TestReplayRecordedHistories replays histories recorded from a real Temporal server
// (internal/e2e writes them with RECORD_HISTORIES=1). A change to workflow code that
// would break complaints already running fails here: guard it with
// workflow.GetVersion, then record a new history next to the old ones.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories in testdata/")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			hist := loadHistory(t, file)
			if err := replay(hist); err != nil {
				t.Fatalf("replay of %s failed: %v", file, err)
			}
		})
	}
}

// loadHistory reads a history recorded as JSON (testdata/).
func loadHistory(t *testing.T, file string) *historypb.History {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hist, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return hist
}

// replay replays a recorded history through the registered workflows with the
// interceptors given. Histories recorded since payloads are encrypted need the
// tests' key; those recorded before are plaintext, which the codec passes through.
func replay(hist *historypb.History, interceptors ...interceptor.WorkerInterceptor) error {
	keys := testenv.PayloadCodec()
	replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
		DataConverter: keys.DataConverter(), FailureConverter: keys.FailureConverter(),
		Interceptors: interceptors,
	})
	if err != nil {
		return err
	}
	workflows.Register(replayer)
	return replayer.ReplayWorkflowHistory(nil, hist)
}

// The front-line paths have recordings of revision 1 (taken without GetVersion), not
// only of revision 0: replaying every revision-1 ComplaintWorkflow recording, the
// events the workflow records must include a compensation granted at once (within
// the limit), one requested over it and granted by the manager's decision, a
// hand-over inside the team, and an urgency raised for anger.
func TestReplayOfRevisionOneCoversTheFrontLine(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys := testenv.PayloadCodec()
	seen := map[string][]string{} // path → the recordings that took it
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
		if in.Revision < 1 {
			continue
		}
		events := &recordedEvents{}
		if err := replay(hist, events); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, e := range events.list {
			path := string(e.Kind)
			if c := e.Compensation; c != nil && e.Kind == complaint.EventCompensationGranted {
				path += map[bool]string{true: " at once", false: " by decision"}[c.EscalationSeq == 0]
			}
			if !slices.Contains(seen[path], filepath.Base(file)) {
				seen[path] = append(seen[path], filepath.Base(file))
			}
		}
	}
	for _, path := range []string{"compensation_granted at once", "compensation_requested", "compensation_granted by decision",
		"handed_over", "urgency_raised"} {
		if len(seen[path]) == 0 {
			t.Errorf("no revision-1 recording records %s", path)
		}
		t.Logf("%s: %v", path, seen[path])
	}
}

// Recordings show a superseded warning on the real server: warnings that piled up
// with their breach in a worker outage are recorded and not told, and the breach
// is. The current revision's also asks to resume each superseded warning's notice
// (finishing what a dead attempt began of it), as revisions 3 to 5 did; revision 2's did not.
func TestReplayOfASupersededWarning(t *testing.T) {
	for file, want := range map[string]struct{ revision, resumed int }{
		"complaint_superseded_warnings_after_outage.json":      {workflows.CurrentRevision, 4},
		"rev8_complaint_superseded_warnings_after_outage.json": {8, 4},
		"rev7_complaint_superseded_warnings_after_outage.json": {7, 4},
		"rev6_complaint_superseded_warnings_after_outage.json": {6, 4},
		"rev5_complaint_superseded_warnings_after_outage.json": {5, 4},
		"rev4_complaint_superseded_warnings_after_outage.json": {4, 4},
		"rev3_complaint_superseded_warnings_after_outage.json": {3, 4},
		"rev2_complaint_superseded_warnings_after_outage.json": {2, 0},
	} {
		t.Run(file, func(t *testing.T) {
			hist := loadHistory(t, filepath.Join("testdata", file))
			keys := testenv.PayloadCodec()
			var in workflows.ComplaintInput
			if err := keys.DataConverter().FromPayloads(hist.Events[0].GetWorkflowExecutionStartedEventAttributes().GetInput(), &in); err != nil {
				t.Fatal(err)
			}
			if in.Revision != want.revision {
				t.Errorf("%s is of revision %d, want %d", file, in.Revision, want.revision)
			}
			rec := &recordedEvents{}
			if err := replay(hist, rec); err != nil {
				t.Fatal(err)
			}
			told, resumed := map[string]bool{}, map[string]bool{}
			for _, n := range rec.notices {
				if n.Resume {
					resumed[n.EventKey] = true
				} else {
					told[n.EventKey] = true
				}
			}
			count := map[complaint.EventKind][3]int{} // recorded, told, resumed
			for _, e := range rec.list {
				c := count[e.Kind]
				c[0]++
				if told[e.Key] {
					c[1]++
				}
				if resumed[e.Key] {
					c[2]++
				}
				count[e.Kind] = c
			}
			if got := count[complaint.EventSLAWarning]; got != [3]int{4, 0, want.resumed} {
				t.Errorf("warnings recorded, told, resumed: %v; want 4, 0, %d", got, want.resumed)
			}
			if got := count[complaint.EventSLABreached]; got != [3]int{2, 2, 0} {
				t.Errorf("breaches recorded, told, resumed: %v; want 2, 2, 0", got)
			}
		})
	}
}

// recordedEvents collects the complaint events a replayed workflow records (in a
// local activity, or an activity for complaints of the first revisions).
type recordedEvents struct {
	interceptor.WorkerInterceptorBase
	list     []complaint.Event
	notices  []activities.Notice
	policies []activities.LoadPolicyInput
	// sourcePolicies are the LoadSourcePolicy inputs.
	sourcePolicies []activities.SourcePolicyInput
}

func (r *recordedEvents) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &recordedInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, r: r}
}

type recordedInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	r *recordedEvents
}

func (i *recordedInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&recordedOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}, r: i.r})
}

type recordedOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	r *recordedEvents
}

func (o *recordedOutbound) ExecuteLocalActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.collect(args)
	return o.Next.ExecuteLocalActivity(ctx, activityType, args...)
}

func (o *recordedOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.collect(args)
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}

func (o *recordedOutbound) collect(args []any) {
	for _, a := range args {
		switch a := a.(type) {
		case complaint.Event:
			o.r.list = append(o.r.list, a)
		case []complaint.Event: // RecordMarks
			o.r.list = append(o.r.list, a...)
		case activities.Notice:
			o.r.notices = append(o.r.notices, a)
		case []activities.Notice: // NotifyAll
			o.r.notices = append(o.r.notices, a...)
		case activities.LoadPolicyInput:
			o.r.policies = append(o.r.policies, a)
		case activities.SourcePolicyInput:
			o.r.sourcePolicies = append(o.r.sourcePolicies, a)
		}
	}
}

// The survey recordings of each revision: the current one's survey takes the
// complaint's revision and asks GetVersion nothing (no marker, no
// TemporalChangeVersion upsert), as revision 5's did; revision 4's, started before
// the survey took a revision, is of revision 0 and replays without the
// survey-link-expiry marker, as it was recorded.
func TestReplayOfTheSurveyRevisions(t *testing.T) {
	for file, revision := range map[string]int{
		"feedback_answered.json":      workflows.CurrentRevision,
		"feedback_expired.json":       workflows.CurrentRevision,
		"rev8_feedback_answered.json": 8,
		"rev8_feedback_expired.json":  8,
		"rev7_feedback_answered.json": 7,
		"rev7_feedback_expired.json":  7,
		"rev6_feedback_answered.json": 6,
		"rev6_feedback_expired.json":  6,
		"rev5_feedback_answered.json": 5,
		"rev5_feedback_expired.json":  5,
		"rev4_feedback_answered.json": 0,
		"rev4_feedback_expired.json":  0,
	} {
		t.Run(file, func(t *testing.T) {
			hist := loadHistory(t, filepath.Join("testdata", file))
			started := hist.Events[0].GetWorkflowExecutionStartedEventAttributes()
			if name := started.GetWorkflowType().GetName(); name != workflows.SurveyWorkflowName {
				t.Fatalf("%s records %s", file, name)
			}
			var in workflows.SurveyInput
			if err := testenv.PayloadCodec().DataConverter().FromPayloads(started.GetInput(), &in); err != nil {
				t.Fatal(err)
			}
			if in.Revision != revision {
				t.Errorf("%s is of revision %d, want %d", file, in.Revision, revision)
			}
			for _, e := range hist.Events {
				if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "Version" {
					t.Errorf("%s: a version marker", file)
				}
			}
			if err := replay(hist); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The reopened round on the real server: the current revision's recording loads the
// negative_feedback policy (LoadSourcePolicy; LoadPolicy, which a worker of an
// earlier revision would answer with the complaint's own policy, is not asked) when
// the customer's "not solved" reopens the complaint (the round's first-response
// clock, which the agent's resolution then meets); revision 5's, recorded without the
// change and replayed without its marker, reopened on the follow-up alone and loads
// nothing.
func TestReplayOfTheDissatisfiedRound(t *testing.T) {
	for file, want := range map[string][]activities.SourcePolicyInput{
		"complaint_survey_reopened.json":      {{Source: complaint.SourceNegativeFeedback, Urgency: complaint.Medium, Tier: complaint.Medium}},
		"rev8_complaint_survey_reopened.json": {{Source: complaint.SourceNegativeFeedback, Urgency: complaint.Medium, Tier: complaint.Medium}},
		"rev7_complaint_survey_reopened.json": {{Source: complaint.SourceNegativeFeedback, Urgency: complaint.Medium, Tier: complaint.Medium}},
		"rev6_complaint_survey_reopened.json": {{Source: complaint.SourceNegativeFeedback, Urgency: complaint.Medium, Tier: complaint.Medium}},
		"rev5_complaint_survey_reopened.json": nil,
	} {
		t.Run(file, func(t *testing.T) {
			rec := &recordedEvents{}
			if err := replay(loadHistory(t, filepath.Join("testdata", file)), rec); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rec.sourcePolicies, want) || len(rec.policies) > 0 {
				t.Errorf("LoadSourcePolicy inputs %+v, LoadPolicy inputs %+v; want %+v and none", rec.sourcePolicies, rec.policies, want)
			}
		})
	}
}
