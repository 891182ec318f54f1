package e2e_test

import (
	"net/url"
	"testing"
	"time"
)

// TestIntakeFindsItsComplaintByExternalID: an intake system files a complaint and,
// later, finds it by its own ID, by the customer and by its text, while the workflow
// runs; the customer's history answers too.
func TestIntakeFindsItsComplaintByExternalID(t *testing.T) {
	s := newStack(t)
	intake := s.token("intake")
	manager := s.token("manager")
	filed := s.must(201, s.do("POST", "/v1/complaints", intake, complaintBody("crm-7781", "high", "medium")))
	id := filed.body["id"].(string)
	s.must(201, s.do("POST", "/v1/complaints", intake, complaintBody("crm-7782", "low", "medium")))

	for _, query := range []string{
		"external_id=crm-7781",
		"external_id=crm-7781&customer_id=cust-42&status=open,in_progress&urgency=high",
		"q=" + url.QueryEscape("一周") + "&urgency=high",
	} {
		res := s.must(200, s.do("GET", "/v1/complaints?"+query, intake, nil))
		if got := items(res); len(got) != 1 || got[0]["id"] != id {
			t.Errorf("GET /v1/complaints?%s: got %v, want complaint %s only", query, got, id)
		}
	}
	if got := items(s.must(200, s.do("GET", "/v1/complaints?external_id=crm-0000", intake, nil))); len(got) != 0 {
		t.Errorf("unknown external_id: got %v, want none", got)
	}

	history := s.must(200, s.do("GET", "/v1/customers/cust-42", intake, nil))
	if got := items(response{body: history.body["complaints"].(map[string]any)}); len(got) != 2 {
		t.Errorf("customer history: got %d complaints, want 2", len(got))
	}

	// The workflow runs on the listed complaint: its opened event is recorded.
	eventually(t, 30*time.Second, "the complaint's workflow to open it", func() bool {
		for _, k := range s.eventKinds(id) {
			if k == "opened" {
				return true
			}
		}
		return false
	})
	s.must(200, s.do("GET", "/v1/notifications?complaint_id="+id, manager, nil))
}
