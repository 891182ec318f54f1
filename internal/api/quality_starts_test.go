package api_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"go.temporal.io/api/serviceerror"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// The reconciler's start of a mark whose row no longer wants its workflow — a
// backlog item taken back out of done before its notice started — clears the mark
// and starts nothing; one that still wants it starts it.
func TestReconcilingAMarkStartsOnlyWhatIsStillWanted(t *testing.T) {
	srv := newAPIServer(t, true, true)
	a := &directoryAPI{t: t, url: srv.url, srv: srv.srv, store: srv.store, tokens: roleTokens(t, srv.store, "test-")}
	ctx := context.Background()
	for _, ext := range []string{"s1", "s2"} {
		a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"external_id":"`+ext+`","kind":"suggestion","channel":"app","text":"建议增加夜间配送时段"}`, http.StatusCreated)
	}
	items, err := a.store.BacklogItems(ctx, store.BacklogFilter{Limit: 10})
	if err != nil || len(items) != 2 {
		t.Fatalf("backlog %v, %v", items, err)
	}
	done, planned := "done", "planned"
	for _, it := range items { // done through the store: marked, as if the API's start had failed
		if _, _, err := a.store.ChangeBacklogItem(ctx, it.ID, store.BacklogChange{Status: &done, By: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	undone, stillDone := items[0].ID, items[1].ID
	if _, _, err := a.store.ChangeBacklogItem(ctx, undone, store.BacklogChange{Status: &planned, By: "t"}); err != nil {
		t.Fatal(err)
	}
	marks, err := a.store.PendingQualityStarts(ctx, 0, 10)
	if err != nil || len(marks) != 2 {
		t.Fatalf("marks %+v, %v; want both items'", marks, err)
	}
	for _, m := range marks {
		if err := a.srv.StartQualityWorkflow(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if left, _ := a.store.PendingQualityStarts(ctx, 0, 10); len(left) != 0 {
		t.Errorf("marks left: %+v", left)
	}
	started := func(id string) bool {
		_, err := srv.tc.DescribeWorkflowExecution(ctx, workflows.SuggestionDoneWorkflowID(id), "")
		var notFound *serviceerror.NotFound
		if err != nil && !errors.As(err, &notFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	if started(undone) {
		t.Error("the notice of an item taken back out of done was started")
	}
	if !started(stillDone) {
		t.Error("the notice of an item still done was not started")
	}
}
