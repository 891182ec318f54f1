package console

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// The improvement list says where each item came from: a complaint's item links to
// the complaint's page, a feedback item says it came from feedback.
func TestBacklogRowsLinkTheirComplaint(t *testing.T) {
	c := everyPage(t)
	complaintID, feedbackID := uuid.New(), uuid.New()
	row := func(it apiclient.BacklogItem) backlogRow {
		it.Id, it.Status, it.UpdatedAt, it.CreatedAt = uuid.New(), "new", time.Now(), time.Now()
		return backlogRow{BacklogItem: it, Now: backlogNow(it)}
	}
	body := drawn(t, c, "en", "backlog", http.StatusOK, map[string]any{"Items": []backlogRow{
		row(apiclient.BacklogItem{ComplaintId: &complaintID, Title: "增加夜间配送", ProblemType: "logistics"}),
		row(apiclient.BacklogItem{FeedbackId: &feedbackID, Title: "深色模式", ProblemType: "product"}),
	}})
	if want := `<a href="/console/complaints/` + complaintID.String() + `">from a complaint</a>`; !strings.Contains(body, want) {
		t.Errorf("the complaint's item does not link it: want %s in\n%s", want, body)
	}
	if strings.Count(body, "from feedback") != 1 || strings.Contains(body, feedbackID.String()) {
		t.Errorf("the feedback item: want it said to come from feedback, once, without a link")
	}
}
