package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// Low urgency goes into the product iteration backlog (002 §9.3 「需納入產品迭代計劃」),
// on real servers: a low-urgency complaint acknowledged has no resolution clock and
// appears on the improvement backlog (complaint_id, no feedback_id, a title without
// the customer's contacts) and in the month's insight report; the quality team marks
// its item done, twice, and the complaint is resolved once through its workflow,
// saying it was done in the product, and the customer gets the satisfaction survey.
func TestLowUrgencyComplaintJoinsTheBacklogAndIsResolvedWhenDone(t *testing.T) {
	s := newStack(t)
	ctx, quality := context.Background(), s.token("quality")
	agent := s.api(s.token("agent"))
	c := s.file(adminToken, fmt.Sprint("low-", time.Now().UnixNano()), apiclient.Low, apiclient.Medium)
	id := c.Id.String()
	ack, err := agent.AcknowledgeComplaintWithResponse(ctx, c.Id, nil, apiclient.AcknowledgeRequest{Message: "感谢建议，已纳入产品迭代计划"})
	s.want(200, ack, err)
	if ack.JSON200.Status != apiclient.ComplaintStatusBacklog || ack.JSON200.ResolutionDueAt != nil {
		t.Fatalf("acknowledged: %s", ack.Body)
	}

	list, err := s.api(quality).ListBacklogWithResponse(ctx, nil)
	s.want(200, list, err)
	var item *apiclient.BacklogItem
	for _, it := range list.JSON200.Items {
		if it.ComplaintId != nil && *it.ComplaintId == c.Id {
			item = &it
		}
	}
	if item == nil {
		t.Fatalf("the complaint is not on the improvement backlog: %s", list.Body)
	}
	if item.FeedbackId != nil || item.Title != "包裹一周未到" || item.ProblemType != "logistics" || item.Status != apiclient.BacklogStatusNew {
		t.Errorf("item %+v", *item)
	}
	itemID := item.Id.String()
	month := time.Now().UTC().Format("2006-01")
	report := s.must(200, s.do("GET", "/v1/insight-report?period="+month, quality, nil)).body
	if sugs := report["suggestions"].([]any); len(sugs) != 1 || sugs[0].(map[string]any)["complaint_id"] != id {
		t.Errorf("insight report suggestions: %v", sugs)
	}

	for range 2 {
		done := s.must(200, s.do("PATCH", "/v1/improvement-backlog/"+itemID, quality, map[string]any{"status": "done"})).body
		if done["status"] != "done" || done["done_at"] == nil {
			t.Fatalf("done: %v", done)
		}
	}
	row, err := s.store.Complaint(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if row.Status != "resolved" || row.ResolutionSummary == nil || !strings.Contains(*row.ResolutionSummary, "done in the product") {
		t.Fatalf("complaint after its item was done: status %s, summary %v", row.Status, row.ResolutionSummary)
	}
	eventually(t, 30*time.Second, "the survey to be sent", func() bool { return s.count(id, "survey_sent") == 1 })
	if n := s.count(id, "resolved"); n != 1 {
		t.Errorf("%d resolved events, want 1", n)
	}
	if n := s.countWhere("quality_workflow_starts_pending", "true"); n != 0 {
		t.Errorf("%d start marks left", n)
	}
}
