package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

// backlogItemOf answers the improvement-backlog item of a complaint, as the list
// shows it; nil when there is none.
func (a *directoryAPI) backlogItemOf(complaintID string) map[string]any {
	a.t.Helper()
	for _, it := range a.as(auth.RoleQuality, "GET", "/v1/improvement-backlog", "", http.StatusOK).body["items"].([]any) {
		if item := it.(map[string]any); item["complaint_id"] == complaintID {
			return item
		}
	}
	return nil
}

// resolvedEvents counts a complaint's resolved events.
func (a *directoryAPI) resolvedEvents(complaintID string) int {
	a.t.Helper()
	events, err := a.store.Events(context.Background(), complaintID)
	if err != nil {
		a.t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Kind == string(complaint.EventResolved) {
			n++
		}
	}
	return n
}

// A low-urgency complaint acknowledged goes into the product iteration backlog
// (002 §9.3): the improvement backlog lists its item (complaint_id, no
// feedback_id), and a quality user marking the item done resolves the complaint
// through its workflow — once, however often it is marked done — saying it was done
// in the product; no suggestion notice is started for it. A complaint resolved
// before its item is done stays as it was, and the item is done all the same.
func TestABacklogComplaintIsResolvedWhenItsItemIsDone(t *testing.T) {
	a := newComplaintAPI(t)
	ctx := context.Background()
	id := a.fileLogistics("bl-low", "low")
	a.as(asAnn, "POST", "/v1/complaints/"+id+"/acknowledge", `{"message":"thank you, noted for the product"}`, http.StatusOK)
	a.view(id, "the backlog status", func(v map[string]any) bool { return v["status"] == "backlog" })

	item := a.backlogItemOf(id)
	if item == nil {
		t.Fatal("the backlog complaint has no improvement item")
	}
	if item["feedback_id"] != nil || item["title"] != "包裹一周未到" || item["problem_type"] != "logistics" || item["status"] != "new" {
		t.Errorf("item %v", item)
	}
	itemID := item["id"].(string)
	for range 2 {
		done := a.as(auth.RoleQuality, "PATCH", "/v1/improvement-backlog/"+itemID, `{"status":"done"}`, http.StatusOK)
		if done.body["status"] != "done" || done.body["complaint_id"] != id {
			t.Errorf("done: %v", done.body)
		}
	}
	resolved := a.view(id, "the resolution", func(v map[string]any) bool { return v["status"] == "resolved" })
	res, _ := resolved["resolution"].(map[string]any)
	// In the customer's language (zh-CN, the default): they read it in the resolution notice.
	if res == nil || !strings.Contains(res["summary"].(string), "「包裹一周未到」已纳入产品迭代并完成改进") ||
		!strings.Contains(res["root_cause"].(string), itemID) {
		t.Errorf("resolution %v, want it saying the item was done in the product", resolved["resolution"])
	}
	if n := a.resolvedEvents(id); n != 1 {
		t.Errorf("%d resolved events, want 1", n)
	}
	if _, err := temporalClient(t).DescribeWorkflowExecution(ctx, workflows.SuggestionDoneWorkflowID(itemID), ""); !isNotFound(err) {
		t.Errorf("a suggestion notice was started for the complaint's item: %v", err)
	}
	if left, _ := a.store.PendingQualityStarts(ctx, 0, 10); len(left) != 0 {
		t.Errorf("marks left: %+v", left)
	}

	// Resolved by its agent first: the item done changes nothing more.
	early := a.fileLogistics("bl-early", "low")
	a.as(asAnn, "POST", "/v1/complaints/"+early+"/acknowledge", `{"message":"noted"}`, http.StatusOK)
	a.view(early, "the backlog status", func(v map[string]any) bool { return v["status"] == "backlog" })
	a.as(asAnn, "POST", "/v1/complaints/"+early+"/resolve", `{"summary":"explained the schedule","root_cause":"none"}`, http.StatusOK)
	a.view(early, "the resolution", func(v map[string]any) bool { return v["status"] == "resolved" })
	earlyItem := a.backlogItemOf(early)
	if earlyItem == nil {
		t.Fatal("the early complaint has no improvement item")
	}
	a.as(auth.RoleQuality, "PATCH", "/v1/improvement-backlog/"+earlyItem["id"].(string), `{"status":"done"}`, http.StatusOK)
	if v := a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+early, "", http.StatusOK).body; v["resolution"].(map[string]any)["summary"] != "explained the schedule" {
		t.Errorf("the early resolution changed: %v", v["resolution"])
	}
	if n := a.resolvedEvents(early); n != 1 {
		t.Errorf("%d resolved events of the early complaint, want 1", n)
	}

	// Marked done but not resolved (Temporal was down): the reconciler resolves it.
	late := a.fileLogistics("bl-late", "low")
	a.as(asAnn, "POST", "/v1/complaints/"+late+"/acknowledge", `{"message":"noted"}`, http.StatusOK)
	a.view(late, "the backlog status", func(v map[string]any) bool { return v["status"] == "backlog" })
	lateItem := a.backlogItemOf(late)
	if lateItem == nil {
		t.Fatal("the late complaint has no improvement item")
	}
	done := "done"
	if _, _, err := a.store.ChangeBacklogItem(ctx, lateItem["id"].(string), store.BacklogChange{Status: &done, By: "quality-token"}); err != nil {
		t.Fatal(err)
	}
	marks, err := a.store.PendingQualityStarts(ctx, 0, 10)
	if err != nil || len(marks) != 1 {
		t.Fatalf("marks %+v, %v; want the late item's", marks, err)
	}
	if err := a.srv.StartQualityWorkflow(ctx, marks[0]); err != nil {
		t.Fatal(err)
	}
	a.view(late, "the reconciled resolution", func(v map[string]any) bool { return v["status"] == "resolved" })
	if left, _ := a.store.PendingQualityStarts(ctx, 0, 10); len(left) != 0 {
		t.Errorf("marks left after reconciling: %+v", left)
	}
}

// temporalClient is a client of the test dev server.
func temporalClient(t *testing.T) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: testenv.Temporal(t), Namespace: "default", Logger: discardLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func isNotFound(err error) bool {
	var notFound *serviceerror.NotFound
	return errors.As(err, &notFound)
}
