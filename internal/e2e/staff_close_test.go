package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/workflows"
)

// An agent closes a resolved complaint before the customer answers its survey: the
// customer is told (closed_by_staff), so the intake system's closed callback says
// it closed unverified, with the agent's reason — before, nothing was posted and
// the intake system stayed at "resolved" holding a survey link that answered 410
// (revision 9). Recorded as the revision's staff-close history.
func TestStaffClosingIsToldToTheCustomerAndCalledBack(t *testing.T) {
	crm := startIntakeSystem(t)
	s := newStack(t)
	intake := s.bindIntake(crm, crm.URL)
	agent := s.token("agent")

	id := s.must(201, s.do("POST", "/v1/complaints", intake, complaintBody("crm-close-1", "medium", "medium"))).body["id"].(string)
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/acknowledge", agent, map[string]string{"message": "我们马上处理"}))
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/resolve", agent,
		map[string]string{"summary": "Reshipped by express", "root_cause": "Parcel lost at the depot"}))
	eventually(t, 30*time.Second, "the resolved callback", func() bool { return len(crm.ofKind("resolved")) > 0 })
	link := crm.ofKind("resolved")[0].payload.Data.SurveyLink

	s.must(200, s.do("POST", "/v1/complaints/"+id+"/close", agent, map[string]string{"reason": "the customer confirmed by phone"}))

	eventually(t, 30*time.Second, "the closed callback", func() bool { return len(crm.ofKind("closed")) > 0 })
	closed := crm.ofKind("closed")[0].payload
	if d := closed.Data; d.Status != "closed" || d.Verification != "unverified" || d.Reason != "the customer confirmed by phone" ||
		!strings.Contains(d.Message, "no longer takes answers") {
		t.Errorf("closed callback %+v, want closed unverified with the agent's reason and the customer's text", d)
	}
	told := s.must(200, s.do("GET", "/v1/notifications?complaint_id="+id, adminToken, nil)).body["items"].([]any)
	var toCustomer int
	for _, n := range told {
		n := n.(map[string]any)
		if n["event_kind"] == "closed" && n["recipient"] == "customer" {
			toCustomer++
		}
	}
	if toCustomer != 1 {
		t.Errorf("%d closed notices to the customer, want 1: %v", toCustomer, told)
	}
	// The link the intake system was given takes no answer now: it has been told why.
	if got := s.do("POST", strings.TrimPrefix(link, s.url), "", map[string]any{"csat": 5, "solved": true}); got.status != 410 {
		t.Errorf("answering through the link after the close: HTTP %d, want 410", got.status)
	}

	s.checkHistory(workflows.ComplaintWorkflowID(id), "complaint_closed_by_staff_called_back")
	s.settled(workflows.ComplaintWorkflowID(id), workflows.SurveyWorkflowID(id, 0))
	if n := len(crm.ofKind("closed")); n != 1 {
		t.Errorf("%d closed callbacks, want 1", n)
	}
}
