package workflows_test

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/workflows"
)

// Local-activity backoff (activityRetryPolicy): 1+2+…+32 s over the first six
// failures, then a minute each.
func failuresFor(late time.Duration) int { return 6 + int((late-63*time.Second)/time.Minute) }

// lateFirstTask files a complaint whose first workflow task, holding the clocks'
// first wake-up, finishes late by about the given time — as under an overloaded
// worker: OpenComplaint fails until then (its retries wait on timers the test
// environment skips). The first-response clock runs 2 h with warnings at
// 50/75/90 % (1 h, 1 h 30, 1 h 48) and two ladder levels, at the breach and 1 h
// after; there is no resolution clock.
func (s *ComplaintSuite) lateFirstTask(late time.Duration) {
	p := s.filed(complaint.High, 2*time.Hour, 0)
	p.WarningPercents = []int{50, 75, 90}
	p.EscalationLevels = []complaint.LadderLevel{
		{Level: 1, AfterSeconds: 0, Notify: complaint.RoleTeamLead},
		{Level: 2, AfterSeconds: 3600, Notify: complaint.RoleManager},
	}
	s.ownedBy("ann")
	if late > 0 {
		s.acts.failures[complaint.EventOpened] = failuresFor(late)
	}
	s.at(4*time.Hour, func() { s.resolveAndClose("ann") })
}

// warningNotices are the percents of the warnings the owner was told of, in order.
func (s *ComplaintSuite) warningNotices() []int {
	var out []int
	for _, n := range s.acts.noticesOf(complaint.EventSLAWarning) {
		s.Equal("ann", n.Recipient)
		for _, e := range s.acts.eventsOf(complaint.EventSLAWarning) {
			if e.Key == n.EventKey {
				out = append(out, e.Percent)
			}
		}
	}
	return out
}

func keysOf(events []complaint.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Key)
	}
	return out
}

func supersededFlags(ws []workflows.Warning) []bool {
	var out []bool
	for _, w := range ws {
		out = append(out, w.Superseded)
	}
	return out
}

func (s *ComplaintSuite) ladderNotices() []string {
	var out []string
	for _, n := range s.acts.noticesOf(complaint.EventSLAEscalated) {
		out = append(out, n.Recipient)
	}
	return out
}

// A wake-up that runs after the 90 % mark fires the three warnings together: each
// is recorded, and only the 90 % one is told; the breach and the ladder, on time
// afterwards, are told as ever.
func (s *ComplaintSuite) TestWarningsFiringTogetherTellOnlyTheLatest() {
	s.lateFirstTask(108*time.Minute + 3*time.Second)

	state := s.run()

	warnings := s.acts.eventsOf(complaint.EventSLAWarning)
	s.Len(warnings, 3, "every warning recorded")
	s.Len(state.Warnings, 3)
	for _, w := range warnings {
		s.Equal(108*time.Minute+3*time.Second, w.At.Sub(s.start), "fired together, late")
	}
	s.Equal([]int{90}, s.warningNotices())
	s.Equal([]bool{true, true, false}, supersededFlags(state.Warnings), "the state says which were not told")
	s.Equal(keysOf(warnings[:2]), s.acts.resumed, "what a dead attempt began of the superseded ones is finished")
	s.Len(s.acts.noticesOf(complaint.EventSLABreached), 1)
	s.Equal([]string{"lee", "max"}, s.ladderNotices())
	s.Equal([]int{3, 2, 1}, s.acts.markBatches, "the warnings, the breach with level 1, level 2")
}

// A wake-up that runs after the breach fires the warnings with it: all recorded,
// none told — the breach notice supersedes them; breach and ladder notices all go.
func (s *ComplaintSuite) TestTheBreachSupersedesWarningsFiringWithIt() {
	s.lateFirstTask(2*time.Hour + 3*time.Second)

	state := s.run()

	s.Len(s.acts.eventsOf(complaint.EventSLAWarning), 3, "every warning recorded")
	s.Len(state.Warnings, 3)
	s.Empty(s.warningNotices())
	s.Equal([]bool{true, true, true}, supersededFlags(state.Warnings))
	s.Equal(keysOf(s.acts.eventsOf(complaint.EventSLAWarning)), s.acts.resumed)
	breached := s.acts.noticesOf(complaint.EventSLABreached)
	s.Require().Len(breached, 1)
	s.Equal("ann", breached[0].Recipient)
	s.Equal([]string{"lee", "max"}, s.ladderNotices())
	s.Equal([]int{5, 1}, s.acts.markBatches)
}

// In normal timing each mark has a wake-up of its own, and nothing is superseded:
// the owner hears of every warning (TestLadderFiresEveryWarningAndLevelOnTime checks
// both clocks' six).
func (s *ComplaintSuite) TestWarningsOnTimeAreAllTold() {
	s.lateFirstTask(0)

	state := s.run()

	s.Equal([]int{50, 75, 90}, s.warningNotices())
	s.Equal([]bool{false, false, false}, supersededFlags(state.Warnings))
	s.Empty(s.acts.resumed)
	s.Len(s.acts.noticesOf(complaint.EventSLABreached), 1)
	s.Equal([]int{1, 1, 1, 2, 1}, s.acts.markBatches)
}

// An execution of revision 1 decides with GetVersion, and only when a warning would
// be dropped. Without the marker — the history of a task that ran before this
// worker, replayed — it tells of every warning as before; met live it records the
// marker and takes the change, as GetVersion always did.
func (s *ComplaintSuite) TestRevisionOneDecidesSupersededWarningsWithGetVersion() {
	s.revision = 1
	s.env.OnGetVersion("superseded-warnings", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.lateFirstTask(2*time.Hour + 3*time.Second)

	s.run()

	s.Len(s.acts.eventsOf(complaint.EventSLAWarning), 3)
	s.Equal([]int{50, 75, 90}, s.warningNotices(), "without the marker every warning is told")
	s.Empty(s.acts.resumed)
	s.Len(s.acts.noticesOf(complaint.EventSLABreached), 1)
	s.Equal([]string{"lee", "max"}, s.ladderNotices())
}

func (s *ComplaintSuite) TestRevisionOneMeetingTheChangeLiveTakesIt() {
	s.revision = 1
	upserts := s.changeVersionUpserts()
	s.lateFirstTask(2*time.Hour + 3*time.Second)

	s.run()

	s.Empty(s.warningNotices())
	s.Len(s.acts.resumed, 3)
	// And its survey, of revision 1 too, asks for the survey's change; its close by
	// staff, for revision 9's notice.
	s.Equal([]string{"superseded-warnings-1", "resume-superseded-1", "survey-link-expiry-1", "staff-close-notice-1"}, *upserts)
}

// An execution of revision 2 supersedes without asking, and decides resuming with
// GetVersion: without the marker (a task that ran before this worker, replayed) it
// asks for no resume, as before; met live it takes the change.
func (s *ComplaintSuite) TestRevisionTwoDecidesResumingWithGetVersion() {
	s.revision = 2
	s.env.OnGetVersion("resume-superseded", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.lateFirstTask(2*time.Hour + 3*time.Second)

	state := s.run()

	s.Equal([]bool{true, true, true}, supersededFlags(state.Warnings))
	s.Empty(s.warningNotices())
	s.Empty(s.acts.resumed)
}

func (s *ComplaintSuite) TestRevisionTwoMeetingResumingLiveTakesIt() {
	s.revision = 2
	upserts := s.changeVersionUpserts()
	s.lateFirstTask(2*time.Hour + 3*time.Second)

	s.run()

	s.Equal(keysOf(s.acts.eventsOf(complaint.EventSLAWarning)), s.acts.resumed)
	s.Equal([]string{"resume-superseded-1", "survey-link-expiry-1", "staff-close-notice-1"}, *upserts,
		"and its survey's change, and the staff close's")
}

// On time, a revision-1 execution never meets the change: no GetVersion, no marker
// (only its survey, of revision 1 too, asks for the survey's change, and its close
// by staff for revision 9's notice).
func (s *ComplaintSuite) TestRevisionOneOnTimeAsksNoGetVersion() {
	s.revision = 1
	upserts := s.changeVersionUpserts()
	s.lateFirstTask(0)

	s.run()

	s.Equal([]int{50, 75, 90}, s.warningNotices())
	s.Equal([]string{"survey-link-expiry-1", "staff-close-notice-1"}, *upserts)
}

// A wake-up whose notices are all held by another attempt (a redo of a timed-out
// task whose first attempt still sends them, or a delivery a dead one began) does
// not wait for them within its task: the local activity is not retried, and a
// regular activity takes over at once and finishes them.
func (s *ComplaintSuite) TestNoticesHeldByAnotherAttemptAreNotAwaitedInTheTask() {
	s.lateFirstTask(0)
	s.acts.inFlight = 1

	s.run()

	s.Require().GreaterOrEqual(len(s.acts.notifyAllCalls), 2)
	s.Equal([]string{"local", "activity"}, s.acts.notifyAllCalls[:2], "the first wake-up's notices: one local try, then the activity")
	s.Equal([]int{50, 75, 90}, s.warningNotices(), "every warning told all the same")
}
