package workflows_test

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/workflows"
)

// An agent's progress update is recorded and reaches the customer with the
// committed resolution time, whatever the status short of resolved; it moves no
// clock.
func (s *ComplaintSuite) TestProgressUpdatesTellTheCustomerTheCommittedTime() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.at(30*time.Minute, func() {
		s.reject(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann"})
		s.update(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "物流已在追查"})
	})
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(5*time.Hour, func() {
		s.update(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "the courier found it"})
	})
	s.at(6*time.Hour, func() {
		s.resolveAndClose("ann")
	})
	s.at(6*time.Hour+30*time.Second, func() {
		s.reject(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "late"})
	})

	state := s.run()

	sent := s.acts.eventsOf(complaint.EventProgressSent)
	s.Require().Len(sent, 2)
	s.Equal([]time.Duration{30 * time.Minute, 5 * time.Hour}, s.times(sent))
	s.Equal("物流已在追查", sent[0].Message)
	s.Empty(sent[1].Status, "progress changes no status")
	notices := s.acts.noticesOf(complaint.EventProgressSent)
	s.Require().Len(notices, 2)
	for i, want := range []string{"物流已在追查", "the courier found it"} {
		s.Equal(activities.CustomerRecipient, notices[i].Recipient)
		s.Equal(string(message.Progress), notices[i].Template)
		s.Equal(want, notices[i].Vars["message"])
		s.Equal(message.Time(s.start.Add(24*time.Hour)), notices[i].Vars["resolution_due_at"], "the committed time")
		s.Empty(notices[i].Body, "no customer wording in the history")
	}
	s.Empty(state.Breaches, "progress stops no clock, and the acknowledgement came in time")
	s.Equal([]string{"message is required", "cannot send progress on a complaint that is resolved"}, s.rejections)
}

// Once the resolution deadline has passed, the customer hears it once, with an
// apology, and a progress update says we are late, why and when we now expect to
// resolve, never the missed time (002 §9.3). Before it, an expected time is shown
// within the committed one, which it cannot move.
func (s *ComplaintSuite) TestAnOverdueComplaintIsExplainedToTheCustomer() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	at := func(d time.Duration) *time.Time { t := s.start.Add(d); return &t }
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(5*time.Hour, func() {
		s.reject(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "later", ExpectedBy: at(30 * time.Hour)})
		s.reject(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "past", ExpectedBy: at(4 * time.Hour)})
		s.update(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{
			Actor: "ann", Message: "the courier found it", Reason: "the parcel is in transit", ExpectedBy: at(20 * time.Hour)})
	})
	s.at(25*time.Hour, func() {
		s.reject(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "far", ExpectedBy: at(25*time.Hour + 91*24*time.Hour)})
		s.update(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{
			Actor: "ann", Message: "the depot is closed", Reason: "a storm closed the depot", ExpectedBy: at(30 * time.Hour)})
	})
	s.at(26*time.Hour, func() {
		s.update(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "still on it"})
	})
	s.at(27*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Require().Len(state.Breaches, 1)
	var told []activities.Notice
	for _, n := range s.acts.noticesOf(complaint.EventSLABreached) {
		if n.Recipient == activities.CustomerRecipient {
			told = append(told, n)
		}
	}
	s.Require().Len(told, 1, "the customer hears of the missed deadline once")
	s.Equal(string(message.ResolutionOverdue), told[0].Template)
	s.Equal(s.acts.eventsOf(complaint.EventSLABreached)[0].Key, told[0].EventKey)

	notices := s.acts.noticesOf(complaint.EventProgressSent)
	s.Require().Len(notices, 3)
	before, late, bare := notices[0], notices[1], notices[2]
	s.Equal(string(message.Progress), before.Template)
	s.Equal(message.Time(s.start.Add(24*time.Hour)), before.Vars["resolution_due_at"], "the committed time, unmoved")
	s.Equal(message.Time(s.start.Add(20*time.Hour)), before.Vars["expected_by"])
	s.Equal("the parcel is in transit", before.Vars["reason"])
	for _, n := range []activities.Notice{late, bare} {
		s.Equal(string(message.ProgressOverdue), n.Template)
		s.NotContains(n.Vars, "resolution_due_at", "never the missed time")
	}
	s.Equal(message.Time(s.start.Add(30*time.Hour)), late.Vars["expected_by"])
	s.Equal("a storm closed the depot", late.Vars["reason"])
	s.Empty(bare.Vars["expected_by"])
	events := s.acts.eventsOf(complaint.EventProgressSent)
	s.Equal("a storm closed the depot", events[1].Reason)
	// What the customer was promised is on the record, for staff and the intake system.
	s.Equal(s.start.Add(20*time.Hour), events[0].ExpectedBy.UTC())
	s.Equal(s.start.Add(30*time.Hour), events[1].ExpectedBy.UTC())
	s.True(events[2].ExpectedBy.IsZero())
	s.Require().Len(s.rejections, 3)
	s.Contains(s.rejections[0], "after the committed resolution time")
	s.Contains(s.rejections[1], "must be in the future")
	s.Contains(s.rejections[2], "within 90 days")
}

// While the resolution clock is paused the committed time is the one resuming now
// would set: a wait on the customer that runs past the original deadline refuses no
// expected time within it, and the customer reads that time, not the passed one.
func (s *ComplaintSuite) TestAnExpectedTimeWhilePausedIsCheckedAgainstTheResumedDeadline() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	at := func(d time.Duration) *time.Time { t := s.start.Add(d); return &t }
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(10*time.Hour, func() {
		s.update(workflows.UpdatePause, workflows.PauseRequest{Actor: "ann", Reason: "waiting for photos"})
	})
	// 14 h of the 24 h remain: resumed at 30 h, the deadline would be 44 h.
	s.at(30*time.Hour, func() {
		s.reject(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "later", ExpectedBy: at(45 * time.Hour)})
		s.update(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{
			Actor: "ann", Message: "still waiting for the photos", Reason: "the customer is abroad", ExpectedBy: at(40 * time.Hour)})
	})
	s.at(31*time.Hour, func() {
		s.update(workflows.UpdateResume, workflows.ResumeRequest{Actor: "ann", Note: "photos received"})
	})
	s.at(31*time.Hour+time.Minute, func() {
		s.Equal(45*time.Hour, s.queryState().ResolutionDueAt.Sub(s.start), "resumed 1 h later than the update")
	})
	s.at(32*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Empty(state.Breaches)
	notices := s.acts.noticesOf(complaint.EventProgressSent)
	s.Require().Len(notices, 1)
	s.Equal(string(message.Progress), notices[0].Template)
	s.Equal(message.Time(s.start.Add(40*time.Hour)), notices[0].Vars["expected_by"])
	s.Equal(message.Time(s.start.Add(44*time.Hour)), notices[0].Vars["resolution_due_at"], "the deadline if resumed then, not the passed 24 h")
	s.Require().Len(s.rejections, 1)
	s.Contains(s.rejections[0], "after the committed resolution time "+message.Time(s.start.Add(44*time.Hour)))
}

// breachedThenUpdated misses the resolution deadline (24 h), then sends a progress
// update at 25 h and resolves at 27 h.
func (s *ComplaintSuite) breachedThenUpdated() {
	s.filed(complaint.High, 2*time.Hour, 24*time.Hour)
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(25*time.Hour, func() {
		s.update(workflows.UpdateSendProgress, workflows.CustomerProgressRequest{Actor: "ann", Message: "still on it"})
	})
	s.at(27*time.Hour, func() { s.resolveAndClose("ann") })
}

// customerBreachNotices are the notices of breaches sent to the customer.
func (s *ComplaintSuite) customerBreachNotices() []activities.Notice {
	var told []activities.Notice
	for _, n := range s.acts.noticesOf(complaint.EventSLABreached) {
		if n.Recipient == activities.CustomerRecipient {
			told = append(told, n)
		}
	}
	return told
}

// A revision-6 execution decides the overdue notices with GetVersion: without the
// marker (a breach it met before the deploy) the customer hears nothing of the
// breach and the progress update keeps the old template with the committed time;
// met live it takes the change, with the marker.
func (s *ComplaintSuite) TestRevisionSixTellsNothingOfABreachWithoutTheMarker() {
	s.revision = 6
	s.env.OnGetVersion("overdue-notices", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.breachedThenUpdated()

	state := s.run()

	s.Require().Len(state.Breaches, 1)
	s.Empty(s.customerBreachNotices())
	notices := s.acts.noticesOf(complaint.EventProgressSent)
	s.Require().Len(notices, 1)
	s.Equal(string(message.Progress), notices[0].Template)
	s.Equal(message.Time(s.start.Add(24*time.Hour)), notices[0].Vars["resolution_due_at"])
}

func (s *ComplaintSuite) TestRevisionSixMeetingABreachLiveTellsTheCustomer() {
	s.revision = 6
	upserts := s.changeVersionUpserts()
	s.breachedThenUpdated()

	state := s.run()

	s.Require().Len(state.Breaches, 1)
	told := s.customerBreachNotices()
	s.Require().Len(told, 1)
	s.Equal(string(message.ResolutionOverdue), told[0].Template)
	notices := s.acts.noticesOf(complaint.EventProgressSent)
	s.Require().Len(notices, 1)
	s.Equal(string(message.ProgressOverdue), notices[0].Template)
	s.NotContains(notices[0].Vars, "resolution_due_at")
	s.Equal([]string{"overdue-notices-1", "staff-close-notice-1"}, *upserts, "and the staff close's")
}
