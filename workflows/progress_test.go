package workflows_test

import (
	"time"

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
