package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/privacy"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

// lowComplaint files a low-urgency complaint whose subject names the customer and
// quotes their phone and e-mail, and another phone number, as customers write.
func lowComplaint(t *testing.T, st *store.Store, externalID string) store.Complaint {
	t.Helper()
	nc := newComplaint(externalID, complaint.Low, complaint.Medium)
	nc.CustomerName, nc.CustomerEmail = "王芳", new("wang.fang@example.com")
	nc.Subject = "王芳建议：增加夜间配送 请回电 +86 138 0013 8000 或 139 1234 5678 或 wang.fang@example.com\n第二行"
	nc.Keywords = pq.StringArray{"夜间配送"}
	c, _, err := st.CreateComplaint(context.Background(), nc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func acknowledge(t *testing.T, st *store.Store, c store.Complaint, key string, status complaint.Status) bool {
	t.Helper()
	recorded, err := st.RecordEvent(context.Background(), complaint.Event{ComplaintID: c.ID, Key: key,
		Kind: complaint.EventAcknowledged, Actor: "ann", At: time.Now(), Status: status, Owner: "ann", Message: "noted"})
	if err != nil {
		t.Fatal(err)
	}
	return recorded
}

func complaintItems(t *testing.T, st *store.Store) map[string]store.BacklogItem {
	t.Helper()
	items, err := st.BacklogItems(context.Background(), store.BacklogFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	byComplaint := map[string]store.BacklogItem{}
	for _, it := range items {
		if it.ComplaintID != nil {
			byComplaint[*it.ComplaintID] = it
		}
	}
	return byComplaint
}

// Low urgency goes into the product iteration backlog (002 §9.3): the complaint's
// acknowledgement with status backlog writes one improvement item — not another
// when the activity is retried or the event recorded again under another key —
// titled without the customer's personal data; an acknowledgement that starts
// handling (in_progress) writes none.
func TestAcknowledgingIntoTheBacklogAddsOneImprovementItem(t *testing.T) {
	st := newStore(t)
	low, other := lowComplaint(t, st, "low-1"), lowComplaint(t, st, "low-2")
	if !acknowledge(t, st, low, low.WorkflowID+"/acknowledged", complaint.StatusBacklog) {
		t.Fatal("the acknowledgement was not recorded")
	}
	if acknowledge(t, st, low, low.WorkflowID+"/acknowledged", complaint.StatusBacklog) {
		t.Error("the retried acknowledgement was recorded again")
	}
	acknowledge(t, st, low, low.WorkflowID+"/acknowledged/again", complaint.StatusBacklog)
	acknowledge(t, st, other, other.WorkflowID+"/acknowledged", complaint.StatusInProgress)

	items := complaintItems(t, st)
	if len(items) != 1 {
		t.Fatalf("complaint items %+v, want one, the backlog complaint's", items)
	}
	it, ok := items[low.ID]
	if !ok {
		t.Fatalf("no item for the backlog complaint: %+v", items)
	}
	if it.FeedbackID != nil || it.ProblemType != "logistics" || !slices.Equal(it.Keywords, []string{"夜间配送"}) || it.Status != "new" {
		t.Errorf("item %+v, want the complaint's category and keywords, status new, no feedback", it)
	}
	for _, personal := range []string{"王芳", "138", "8000", "wang", "example.com", "第二行"} {
		if strings.Contains(it.Title, personal) {
			t.Errorf("title %q contains %q", it.Title, personal)
		}
	}
	if want := "建议：增加夜间配送 请回电 或 ***5678 或"; it.Title != want {
		t.Errorf("title %q, want %q", it.Title, want)
	}
	if n := count(t, st, "improvement_backlog"); n != 1 {
		t.Errorf("%d items, want 1", n)
	}
}

func TestItemTitle(t *testing.T) {
	c := privacy.Contacts{Name: "Li Lei", Phone: "13800138000", Email: "li@example.com", Address: "北京市朝阳区建国路88号"}
	for _, tt := range []struct{ subject, description, want string }{
		{"Li Lei: please add dark mode", "x", ": please add dark mode"},
		{"13800138000", "Dark mode would be nice\nmore", "Dark mode would be nice"},
		{"call 139 1234 5678 about dark mode", "", "call ***5678 about dark mode"},
		{"送到北京市朝阳区建国路88号的夜间配送", "", "送到 的夜间配送"},
		{"  ", "", "(no text)"},
		{strings.Repeat("长", 130), "", strings.Repeat("长", 119) + "…"},
	} {
		if got := store.ItemTitle(c, tt.subject, tt.description); got != tt.want {
			t.Errorf("ItemTitle(%q, %q) = %q, want %q", tt.subject, tt.description, got, tt.want)
		}
	}
}

// Migration 00033 gives every complaint already in the backlog its item, titled
// without the customer's personal data, and its down removes the complaints' items.
func TestMigrationPutsBacklogComplaintsOnTheImprovementList(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	low, handled := lowComplaint(t, st, "low-1"), lowComplaint(t, st, "low-2")
	acknowledge(t, st, low, low.WorkflowID+"/acknowledged", complaint.StatusBacklog)
	acknowledge(t, st, handled, handled.WorkflowID+"/acknowledged", complaint.StatusInProgress)
	if _, _, err := st.CreateFeedback(ctx, newFeedback("fb-1", "backlog")); err != nil {
		t.Fatal(err)
	}
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 32); err != nil {
		t.Fatal(err)
	}
	if n := count(t, st, "improvement_backlog"); n != 1 {
		t.Fatalf("down: %d items, want the feedback's alone", n)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	items := complaintItems(t, st)
	it, ok := items[low.ID]
	if len(items) != 1 || !ok {
		t.Fatalf("up: complaint items %+v, want the backlog complaint's", items)
	}
	if want := "建议：增加夜间配送 请回电 或 *** 或"; it.Title != want || it.ProblemType != "logistics" ||
		!slices.Equal(it.Keywords, []string{"夜间配送"}) || null.Value(it.ComplaintID) != low.ID {
		t.Errorf("backfilled item %+v, want title %q", it, want)
	}
	// Exactly one of feedback and complaint.
	if _, err := db.ExecContext(ctx, `INSERT INTO improvement_backlog (id, title, problem_type) VALUES (gen_random_uuid(), 'x', 'other')`); err == nil {
		t.Error("an item of neither feedback nor complaint was written")
	}
}
