package workflows_test

import (
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/workflows"
)

// Staff closing a resolved complaint tells the customer, keyed by the closed event,
// so the intake system's callback, which rides on the customer's notices, says it
// closed (revision 9; 002 §9.3 feeds the result back to the customer). Before, the
// intake system stayed at "resolved" holding a survey link that no longer worked.
func (s *ComplaintSuite) TestStaffClosingTellsTheCustomer() {
	s.filed(complaint.Medium, 24*time.Hour, 48*time.Hour)
	s.at(time.Hour, func() {
		s.update(workflows.UpdateAcknowledge, workflows.AcknowledgeRequest{Actor: "ann", Message: "on it"})
	})
	s.at(2*time.Hour, func() { s.resolveAndClose("ann") })

	state := s.run()

	s.Equal(complaint.StatusClosed, state.Status)
	closed := s.acts.eventsOf(complaint.EventClosed)
	s.Require().Len(closed, 1)
	told := s.acts.noticesOf(complaint.EventClosed)
	s.Require().Len(told, 1, "the customer hears once that staff closed it")
	s.Equal(string(message.ClosedByStaff), told[0].Template)
	s.Equal(activities.CustomerRecipient, told[0].Recipient)
	s.Equal(closed[0].Key, told[0].EventKey)
}
