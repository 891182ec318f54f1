package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// fakeRiskActivities stands in for the risk activities under their names, with the
// store's idempotency: an event key is recorded once, a notice once per (event,
// recipient).
type fakeRiskActivities struct {
	mu         sync.Mutex
	alert      quality.RiskAlert
	chains     map[string][]complaint.Member
	team       activities.QualityTeam
	evaluation quality.RiskEvaluation
	existing   map[quality.Condition]string // open alerts: OpenAlert answers created false
	evaluated  []time.Time
	opened     []activities.OpenAlertInput
	events     []quality.RiskAlertEvent
	notices    []activities.Notice
}

func (f *fakeRiskActivities) EvaluateRisks(_ context.Context, in activities.EvaluateRisksInput) (quality.RiskEvaluation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.evaluated = append(f.evaluated, in.At)
	return f.evaluation, nil
}

func (f *fakeRiskActivities) OpenAlert(_ context.Context, in activities.OpenAlertInput) (activities.OpenedAlert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, in)
	if id, ok := f.existing[in.Check.Condition]; ok {
		return activities.OpenedAlert{AlertID: id}, nil
	}
	return activities.OpenedAlert{AlertID: "alert-" + string(in.Check.Condition), Created: true}, nil
}

func (f *fakeRiskActivities) LoadAlert(_ context.Context, id string) (quality.RiskAlert, error) {
	if id != f.alert.ID {
		return quality.RiskAlert{}, temporal.NewNonRetryableApplicationError("no alert "+id, activities.ErrTypeNotFound, nil)
	}
	return f.alert, nil
}

func (f *fakeRiskActivities) RecordAlertEvent(_ context.Context, e quality.RiskAlertEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, old := range f.events {
		if old.Key == e.Key {
			return nil
		}
	}
	f.events = append(f.events, e)
	return nil
}

func (f *fakeRiskActivities) LoadQualityTeam(context.Context) (activities.QualityTeam, error) {
	return f.team, nil
}

func (f *fakeRiskActivities) LoadChain(_ context.Context, person string) ([]complaint.Member, error) {
	chain, ok := f.chains[person]
	if !ok {
		return nil, temporal.NewNonRetryableApplicationError("no person "+person, activities.ErrTypeNotFound, nil)
	}
	return chain, nil
}

func (f *fakeRiskActivities) Notify(_ context.Context, n activities.Notice) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, old := range f.notices {
		if old.EventKey == n.EventKey && old.Recipient == n.Recipient {
			return nil
		}
	}
	f.notices = append(f.notices, n)
	return nil
}

type RiskAlertSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env        *testsuite.TestWorkflowEnvironment
	acts       *fakeRiskActivities
	start      time.Time
	rejections []string
}

func TestRiskAlertWorkflow(t *testing.T) { suite.Run(t, new(RiskAlertSuite)) }

// The quality lead lee reports to max (manager), who reports to dora (director).
func (s *RiskAlertSuite) SetupTest() {
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	s.env = s.NewTestWorkflowEnvironment().SetWorkerOptions(underLoad)
	s.start = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.RiskAlertWorkflowID("a-1")})
	lee := complaint.Member{ID: "lee", Role: complaint.RoleTeamLead}
	max := complaint.Member{ID: "max", Role: complaint.RoleManager}
	dora := complaint.Member{ID: "dora", Role: complaint.RoleDirector}
	s.acts = &fakeRiskActivities{
		chains: map[string][]complaint.Member{"lee": {lee, max, dora}},
		team:   activities.QualityTeam{TeamID: "quality", LeadID: "lee", Members: []string{"lee", "qa-1"}},
	}
	s.rejections = nil
	s.env.RegisterActivity(s.acts)
}

func (s *RiskAlertSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

// opened sets the alert the workflow loads: opened at the test's start with the
// grade's default handling period, owned by owner ("" for none).
func (s *RiskAlertSuite) opened(grade quality.Grade, owner string) {
	period := grade.DefaultHandling()
	s.acts.alert = quality.RiskAlert{ID: "a-1", Condition: quality.VolumeSpike, Grade: grade, Status: quality.RiskOpen,
		OpenedAt: s.start, HandlingSeconds: int64(period / time.Second), HandlingDueAt: s.start.Add(period),
		Observed: 20, Baseline: 10, Threshold: 20}
	if owner != "" {
		s.acts.alert.OwnerID = &owner
	}
}

func (s *RiskAlertSuite) at(offset time.Duration, fn func()) {
	s.env.RegisterDelayedCallback(fn, offset)
}

func (s *RiskAlertSuite) update(name string, arg any) {
	s.env.UpdateWorkflow(name, fmt.Sprintf("%s-%s", name, s.env.Now()), &testsuite.TestUpdateCallback{
		OnReject:   func(err error) { s.Fail("update rejected", "%s: %v", name, err) },
		OnAccept:   func() {},
		OnComplete: func(_ any, err error) { s.NoError(err, name) },
	}, arg)
}

func (s *RiskAlertSuite) reject(name string, arg any) {
	s.refuse(workflows.ErrTypeInvalidAction, name, arg)
}

// refuse sends an update the workflow must refuse with an error of type typ.
func (s *RiskAlertSuite) refuse(typ, name string, arg any) {
	s.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnReject: func(err error) {
			var appErr *temporal.ApplicationError
			s.Require().True(errors.As(err, &appErr), "%v", err)
			s.Equal(typ, appErr.Type(), appErr.Message())
			s.rejections = append(s.rejections, appErr.Message())
		},
		OnAccept:   func() { s.Fail("update accepted", "%s %+v should have been rejected", name, arg) },
		OnComplete: func(any, error) {},
	}, arg)
}

var riskLedger = workflows.CloseAlertRequest{By: "lee", RootCause: "courier strike", Solution: "second courier",
	Executor: "logistics team", ActionDeadline: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), Verification: "volume back to 10 a day"}

func (s *RiskAlertSuite) closeAt(offset time.Duration) {
	s.at(offset, func() { s.update(workflows.UpdateCloseAlert, riskLedger) })
}

func (s *RiskAlertSuite) run() workflows.RiskAlertState {
	s.env.ExecuteWorkflow(workflows.RiskAlertWorkflow, workflows.RiskAlertInput{AlertID: "a-1"})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var state workflows.RiskAlertState
	s.Require().NoError(s.env.GetWorkflowResult(&state))
	return state
}

// timeline is each recorded event as "offset kind[/level→to]".
func (s *RiskAlertSuite) timeline() []string {
	var out []string
	for _, e := range s.acts.events {
		line := fmt.Sprintf("%s %s", e.At.Sub(s.start), e.Kind)
		if e.Kind == quality.RiskEventEscalated {
			line += fmt.Sprintf("/%d→%s due %s", e.Data.Level, e.Data.To, e.Data.NextDueAt.Sub(s.start))
		}
		out = append(out, line)
	}
	return out
}

// notified is each notice as "event key → recipient", in no particular order (they
// go out concurrently).
func (s *RiskAlertSuite) notified() []string {
	var out []string
	for _, n := range s.acts.notices {
		out = append(out, n.EventKey+" → "+n.Recipient)
	}
	return out
}

// Red: the owner and the director hear at once; unanswered, the alert climbs the
// owner's chain every hour (max at 1h, dora at 2h) and is overdue at 3h, once.
func (s *RiskAlertSuite) TestRedAlertEscalatesHourlyThenIsOverdueOnce() {
	s.opened(quality.Red, "lee")
	s.at(150*time.Minute, func() {
		var state workflows.RiskAlertState
		v, err := s.env.QueryWorkflow(workflows.QueryState)
		s.Require().NoError(err)
		s.Require().NoError(v.Get(&state))
		s.Equal(2, state.EscalationLevel)
		s.Equal("dora", state.EscalatedTo)
		s.Require().NotNil(state.DueAt)
		s.Equal(s.start.Add(3*time.Hour), *state.DueAt)
	})
	s.closeAt(30 * time.Hour)

	state := s.run()

	s.Equal([]string{"0s notified", "1h0m0s escalated/1→max due 2h0m0s", "2h0m0s escalated/2→dora due 3h0m0s",
		"3h0m0s overdue", "30h0m0s closed"}, s.timeline())
	k := workflows.RiskAlertWorkflowID("a-1")
	s.ElementsMatch([]string{
		k + "/notified → lee", k + "/notified → dora",
		k + "/escalated/1 → max", k + "/escalated/1 → lee",
		k + "/escalated/2 → dora", k + "/escalated/2 → lee",
		k + "/overdue → lee", k + "/overdue → dora",
	}, s.notified())
	s.Equal([]string{"lee", "dora"}, s.acts.events[0].Data.Recipients)
	for _, n := range s.acts.notices[:2] {
		s.Equal(k+"/notified", n.EventKey)
		s.Contains(n.Subject, "[RED]")
		s.Contains(n.Body, "20 complaints were opened in the 24 h to 2026-03-15T12:00:00Z, against a daily average of 10")
		s.Contains(n.Body, "contingency plan")
		s.Equal(workflows.EventRiskAlertOpened, n.EventKind)
	}
	s.Equal(quality.RiskClosed, state.Status)
	s.True(state.Overdue)
	s.Nil(state.DueAt)
}

// Yellow escalates every 4 hours, blue every 24.
func (s *RiskAlertSuite) TestYellowAlertEscalatesEveryFourHours() {
	s.opened(quality.Yellow, "lee")
	s.closeAt(100 * time.Hour)
	s.run()
	s.Equal([]string{"0s notified", "4h0m0s escalated/1→max due 8h0m0s", "8h0m0s escalated/2→dora due 12h0m0s",
		"12h0m0s overdue", "100h0m0s closed"}, s.timeline())
	s.Equal([]string{"lee"}, s.acts.events[0].Data.Recipients, "no director for a yellow alert")
}

// A CSAT drop's notice says how many survey answers and touch-point ratings it counted.
func (s *RiskAlertSuite) TestCSATDropNoticeCountsAnswersAndRatings() {
	s.opened(quality.Yellow, "lee")
	s.acts.alert.Condition, s.acts.alert.Observed, s.acts.alert.Baseline, s.acts.alert.Threshold = quality.CSATDrop, 80, 90, 85
	s.acts.alert.Details.Counts = map[string]int64{"answers": 2, "satisfied": 2, "ratings": 18, "ratings_satisfied": 14,
		"previous_answers": 2, "previous_satisfied": 2, "previous_ratings": 18, "previous_ratings_satisfied": 16}
	s.closeAt(time.Hour)
	s.run()
	s.Require().NotEmpty(s.acts.notices)
	s.Contains(s.acts.notices[0].Body, "80% of survey answers and touch-point ratings were satisfied (4-5 of 5) in the 7 days "+
		"to 2026-03-15T12:00:00Z (2 of 2 answers, 14 of 18 ratings), against 90% the week before (2 of 2 answers, 16 of 18 ratings)")
}

// An alert whose evidence was computed before touch-point ratings counted (no
// "ratings" count) says so: answers alone, no "0 of 0 ratings".
func (s *RiskAlertSuite) TestCSATDropNoticeOfEvidenceWithoutRatingsCountsAnswersAlone() {
	s.opened(quality.Yellow, "lee")
	s.acts.alert.Condition, s.acts.alert.Observed, s.acts.alert.Baseline, s.acts.alert.Threshold = quality.CSATDrop, 80, 90, 85
	s.acts.alert.Details.Counts = map[string]int64{"answers": 10, "satisfied": 8, "previous_answers": 10, "previous_satisfied": 9}
	s.closeAt(time.Hour)
	s.run()
	s.Require().NotEmpty(s.acts.notices)
	body := s.acts.notices[0].Body
	s.Contains(body, "80% of survey answers were satisfied (4-5 of 5) in the 7 days to 2026-03-15T12:00:00Z (8 of 10 answers), "+
		"against 90% the week before (9 of 10 answers); the alert is at 85% or less.")
	s.NotContains(body, "ratings")
}

// A missed KPI's notice names each missed figure, its value and its target
// (docs/quality.md), not only how many were missed.
func (s *RiskAlertSuite) TestKPIMissedNoticeNamesTheMissedFigures() {
	s.opened(quality.Yellow, "lee")
	s.acts.alert.Condition, s.acts.alert.Observed, s.acts.alert.Baseline, s.acts.alert.Threshold = quality.KPIMissed, 2, 3, 1
	s.acts.alert.Details.Counts = map[string]int64{"volume": 40,
		"first_response_minutes_x100": 4525, "first_response_minutes_target_x100": 3000,
		"csat_score_x100": 8600, "csat_score_target_x100": 8500, "fcr_pct_x100": 7000, "fcr_pct_target_x100": 8000}
	s.closeAt(time.Hour)
	s.run()
	s.Require().NotEmpty(s.acts.notices)
	s.Contains(s.acts.notices[0].Body, "2 of 3 KPI targets judged were missed in the window to 2026-03-15T12:00:00Z. "+
		"Missed: first_response_minutes 45.25 (target 30), fcr_pct 70 (target 80).")
}

func (s *RiskAlertSuite) TestBlueAlertEscalatesEveryDay() {
	s.opened(quality.Blue, "lee")
	s.closeAt(100 * time.Hour)
	s.run()
	s.Equal([]string{"0s notified", "24h0m0s escalated/1→max due 48h0m0s", "48h0m0s escalated/2→dora due 72h0m0s",
		"72h0m0s overdue", "100h0m0s closed"}, s.timeline())
}

// A response after the first escalation stops the ladder; the alert stays
// responded until it is closed with its ledger entry.
func (s *RiskAlertSuite) TestResponseStopsEscalation() {
	s.opened(quality.Yellow, "lee")
	s.at(5*time.Hour, func() {
		s.update(workflows.UpdateRespondAlert, workflows.RespondAlertRequest{By: "max", Response: "analysis report: courier strike"})
	})
	s.closeAt(50 * time.Hour)

	state := s.run()

	s.Equal([]string{"0s notified", "4h0m0s escalated/1→max due 8h0m0s", "5h0m0s responded", "50h0m0s closed"}, s.timeline())
	s.Equal("analysis report: courier strike", s.acts.events[2].Data.Response)
	s.Equal("max", s.acts.events[2].Actor)
	s.Equal("max", state.RespondedBy)
	s.Equal(s.start.Add(5*time.Hour), *state.RespondedAt)
	s.Equal(s.start.Add(50*time.Hour), *state.ClosedAt)
	s.False(state.Overdue)
	ledger := s.acts.events[3].Data.Ledger
	s.Require().NotNil(ledger)
	s.Equal(quality.RiskLedgerEntry{RootCause: "courier strike", Solution: "second courier", Executor: "logistics team",
		ActionDeadline: riskLedger.ActionDeadline, Verification: "volume back to 10 a day"}, *ledger)
	s.Equal("lee", s.acts.events[3].Actor)
}

// Closing needs every ledger field: the reason names each missing one. A response
// needs text; a responded alert takes no second response; closing straight from
// open counts as the response.
func (s *RiskAlertSuite) TestValidatorsNameWhatIsMissing() {
	s.opened(quality.Red, "lee")
	s.at(30*time.Minute, func() {
		s.reject(workflows.UpdateCloseAlert, workflows.CloseAlertRequest{By: "lee"})
		s.reject(workflows.UpdateCloseAlert, workflows.CloseAlertRequest{By: "lee", RootCause: "r", Solution: " ",
			Executor: "e", Verification: "v"})
		s.reject(workflows.UpdateCloseAlert, workflows.CloseAlertRequest{RootCause: "r", Solution: "s", Executor: "e",
			ActionDeadline: s.start, Verification: ""})
		s.reject(workflows.UpdateRespondAlert, workflows.RespondAlertRequest{By: "lee", Response: "  "})
		s.reject(workflows.UpdateRespondAlert, workflows.RespondAlertRequest{Response: "plan"})
	})
	s.at(40*time.Minute, func() {
		s.update(workflows.UpdateRespondAlert, workflows.RespondAlertRequest{By: "lee", Response: "contingency plan started"})
	})
	s.at(45*time.Minute, func() {
		s.reject(workflows.UpdateRespondAlert, workflows.RespondAlertRequest{By: "lee", Response: "again"})
	})
	s.closeAt(2 * time.Hour)

	state := s.run()

	s.Equal([]string{
		"the risk ledger needs root_cause, solution, executor, action_deadline, verification",
		"the risk ledger needs solution, action_deadline",
		"the risk ledger needs by, verification",
		"response is required",
		"by is required",
		"the alert is responded already",
	}, s.rejections)
	s.Equal([]string{"0s notified", "40m0s responded", "2h0m0s closed"}, s.timeline(), "rejections leave no trace")
	s.Equal("contingency plan started", state.Response)
}

// While the alert loads, a response or a close is refused as not ready (the API
// tries it again); once loaded, the same response is taken.
func (s *RiskAlertSuite) TestNotReadyWhileLoading() {
	s.opened(quality.Red, "lee")
	s.env.OnActivity("LoadAlert", mock.Anything, "a-1").After(10*time.Minute).Return(s.acts.alert, nil)
	s.at(time.Minute, func() {
		s.refuse(workflows.ErrTypeNotReady, workflows.UpdateRespondAlert, workflows.RespondAlertRequest{By: "lee", Response: "plan"})
		s.refuse(workflows.ErrTypeNotReady, workflows.UpdateCloseAlert, riskLedger)
	})
	s.at(20*time.Minute, func() {
		s.update(workflows.UpdateRespondAlert, workflows.RespondAlertRequest{By: "lee", Response: "plan"})
	})
	s.closeAt(time.Hour)
	s.run()
	s.Equal([]string{"the alert is still loading; try again", "the alert is still loading; try again"}, s.rejections)
	s.Equal([]string{"10m0s notified", "20m0s responded", "1h0m0s closed"}, s.timeline(), "refusals leave no trace")
}

func (s *RiskAlertSuite) TestClosingAnOpenAlertCountsAsTheResponse() {
	s.opened(quality.Blue, "lee")
	s.closeAt(3 * time.Hour)
	state := s.run()
	s.Equal([]string{"0s notified", "3h0m0s closed"}, s.timeline())
	s.Equal("second courier", state.Response)
	s.Equal("lee", state.RespondedBy)
	s.Equal(s.start.Add(3*time.Hour), *state.RespondedAt)
}

// An owner with nobody above (here: gone from the directory) makes the first
// missed deadline overdue, recorded and told once, never escalated.
func (s *RiskAlertSuite) TestOwnerAtTheTopIsOverdueOnceAtTheFirstDeadline() {
	s.opened(quality.Red, "gone")
	s.closeAt(10 * time.Hour)
	s.run()
	s.Equal([]string{"0s notified", "1h0m0s overdue", "10h0m0s closed"}, s.timeline())
	k := workflows.RiskAlertWorkflowID("a-1")
	s.ElementsMatch([]string{k + "/notified → gone", k + "/notified → " + workflows.DirectorRecipient, k + "/overdue → gone"}, s.notified())
}

// Without a quality lead the team owns the alert and hears of it.
func (s *RiskAlertSuite) TestWithoutALeadTheTeamIsTold() {
	s.opened(quality.Yellow, "")
	s.closeAt(5 * time.Hour)
	state := s.run()
	s.Equal([]string{"0s notified", "4h0m0s overdue", "5h0m0s closed"}, s.timeline())
	k := workflows.RiskAlertWorkflowID("a-1")
	s.ElementsMatch([]string{k + "/notified → lee", k + "/notified → qa-1", k + "/overdue → lee", k + "/overdue → qa-1"}, s.notified())
	s.Equal("", state.OwnerID)
}

// --- the monitor -------------------------------------------------------------------

type riskMonitorRun struct {
	env      *testsuite.TestWorkflowEnvironment
	acts     *fakeRiskActivities
	children []string
	inputs   []workflows.RiskAlertInput
}

func newRiskMonitorRun(start time.Time, acts *fakeRiskActivities) *riskMonitorRun {
	var ts testsuite.WorkflowTestSuite
	r := &riskMonitorRun{env: ts.NewTestWorkflowEnvironment().SetWorkerOptions(underLoad), acts: acts}
	r.env.SetStartTime(start)
	r.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: "review-schedule:s-1-2026-03-15T12:00:00Z"})
	r.env.RegisterActivity(acts)
	r.env.RegisterWorkflow(workflows.RiskAlertWorkflow)
	r.env.OnWorkflow(workflows.RiskAlertWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in workflows.RiskAlertInput) (workflows.RiskAlertState, error) {
			r.children = append(r.children, workflow.GetInfo(ctx).WorkflowExecution.ID)
			r.inputs = append(r.inputs, in)
			return workflows.RiskAlertState{}, nil
		})
	return r
}

func (r *riskMonitorRun) run(t *testing.T) workflows.RiskMonitorResult {
	t.Helper()
	r.env.ExecuteWorkflow(workflows.RiskMonitorWorkflow, workflows.RiskMonitorInput{ScheduleID: "s-1"})
	if !r.env.IsWorkflowCompleted() || r.env.GetWorkflowError() != nil {
		t.Fatalf("monitor: completed %v, error %v", r.env.IsWorkflowCompleted(), r.env.GetWorkflowError())
	}
	var res workflows.RiskMonitorResult
	if err := r.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// Two conditions hold: the CSAT drop opens a new alert, whose workflow starts; the
// volume spike's alert is already open, so no second workflow starts.
func TestRiskMonitorStartsAWorkflowOnlyForNewAlerts(t *testing.T) {
	start := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	csat := quality.RiskCheck{Condition: quality.CSATDrop, Grade: quality.Yellow, Observed: 90, Baseline: 100, Threshold: 95,
		HandlingSeconds: 14400}
	volume := quality.RiskCheck{Condition: quality.VolumeSpike, Grade: quality.Red, Observed: 20, Baseline: 10, Threshold: 20,
		HandlingSeconds: 3600}
	sla := quality.RiskCheck{Condition: quality.SLAShortfall, Observed: 95, Baseline: 90, Threshold: 90}
	acts := &fakeRiskActivities{
		evaluation: quality.RiskEvaluation{At: start, Checks: []quality.RiskCheck{csat, volume, sla}},
		existing:   map[quality.Condition]string{quality.VolumeSpike: "open-volume-alert"},
	}
	r := newRiskMonitorRun(start, acts)

	res := r.run(t)

	if fmt.Sprint(acts.evaluated) != fmt.Sprint([]time.Time{start}) {
		t.Errorf("evaluated at %v, want once at %s", acts.evaluated, start)
	}
	if len(acts.opened) != 2 || acts.opened[0].Check.Condition != quality.CSATDrop || acts.opened[1].Check.Condition != quality.VolumeSpike {
		t.Fatalf("opened %+v, want the csat and volume checks", acts.opened)
	}
	for _, in := range acts.opened {
		if in.MonitorRun != "review-schedule:s-1-2026-03-15T12:00:00Z" || !in.At.Equal(start) {
			t.Errorf("open input %+v: want the run's workflow ID and start time", in)
		}
	}
	if want := []string{workflows.RiskAlertWorkflowID("alert-csat_drop")}; fmt.Sprint(r.children) != fmt.Sprint(want) {
		t.Errorf("children %v, want %v", r.children, want)
	}
	if len(r.inputs) != 1 || r.inputs[0].AlertID != "alert-csat_drop" {
		t.Errorf("child inputs %+v", r.inputs)
	}
	if fmt.Sprint(res.Opened) != "[alert-csat_drop]" || fmt.Sprint(res.SeenAgain) != "[open-volume-alert]" ||
		!res.At.Equal(start) || len(res.Checks) != 3 {
		t.Errorf("result %+v", res)
	}
	r.env.AssertExpectations(t)
}

// A run that finds nothing opens nothing and starts nothing.
func TestRiskMonitorFindingNothingDoesNothing(t *testing.T) {
	start := time.Date(2026, 3, 15, 12, 15, 0, 0, time.UTC)
	acts := &fakeRiskActivities{evaluation: quality.RiskEvaluation{At: start, Checks: []quality.RiskCheck{
		{Condition: quality.CSATDrop, Note: "too few survey answers"}, {Condition: quality.VolumeSpike}, {Condition: quality.SLAShortfall},
	}}}
	r := newRiskMonitorRun(start, acts)
	res := r.run(t)
	if len(acts.opened) != 0 || len(r.children) != 0 || len(res.Opened) != 0 || len(res.SeenAgain) != 0 {
		t.Fatalf("opened %v children %v result %+v", acts.opened, r.children, res)
	}
}
