package activities_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type countingNotifier struct {
	sends atomic.Int32
	last  notify.Message
	fail  bool
}

func (*countingNotifier) Channel() string { return "test" }

func (n *countingNotifier) Send(_ context.Context, m notify.Message) error {
	n.sends.Add(1)
	n.last = m
	if n.fail {
		return errors.New("channel down")
	}
	return nil
}

// fileTestComplaint opens a fresh database and files one complaint in it; mutate
// adjusts the complaint before filing.
func fileTestComplaint(t *testing.T, mutate func(*store.NewComplaint)) (*store.Store, store.Complaint) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, fileComplaint(t, st, mutate)
}

// fileComplaint files one complaint in st; mutate adjusts it before filing.
func fileComplaint(t *testing.T, st *store.Store, mutate func(*store.NewComplaint)) store.Complaint {
	t.Helper()
	ctx := context.Background()
	id := uuid.NewString()
	nc := store.NewComplaint{
		ID: id, ExternalID: "ext-" + id, RequestHash: "h", WorkflowID: "complaint:" + id, Channel: "wechat",
		CustomerID: "c1", CustomerName: "Li Lei", CustomerTier: complaint.High,
		CustomerEmail: new("li.lei@example.com"),
		Category:      "service", Urgency: complaint.High, Subject: "rude agent", Description: "态度差",
	}
	if mutate != nil {
		mutate(&nc)
	}
	c, _, err := st.CreateComplaint(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func setup(t *testing.T) (*store.Store, *countingNotifier, *testsuite.TestActivityEnvironment, store.Complaint) {
	t.Helper()
	st, c := fileTestComplaint(t, nil)
	n := &countingNotifier{}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Store: st, Notifications: st, Notifiers: []notify.Notifier{n}})
	return st, n, env, c
}

func TestOpenComplaintLoadsTheSLAAndRecordsOpenedOnce(t *testing.T) {
	st, _, env, c := setup(t)
	in := activities.OpenComplaintInput{ComplaintID: c.ID, EventKey: c.WorkflowID + "/opened/1", At: c.CreatedAt}
	var a *activities.Activities
	for range 2 { // a retried activity
		v, err := env.ExecuteActivity(a.OpenComplaint, in)
		if err != nil {
			t.Fatal(err)
		}
		var sla complaint.SLA
		if err := v.Get(&sla); err != nil {
			t.Fatal(err)
		}
		if !sla.FirstResponseDue.Equal(c.FirstResponseDueAt) || sla.ResolutionDue == nil || c.ResolutionDueAt == nil || !sla.ResolutionDue.Equal(*c.ResolutionDueAt) {
			t.Fatalf("got SLA %+v, want the due times stamped at filing", sla)
		}
	}
	events, _ := st.Events(context.Background(), c.ID)
	if len(events) != 1 || events[0].Kind != "opened" {
		t.Fatalf("got events %+v, want one opened", events)
	}
}

func TestOpenComplaintOfAMissingComplaintIsNotRetried(t *testing.T) {
	_, _, env, _ := setup(t)
	var a *activities.Activities
	_, err := env.ExecuteActivity(a.OpenComplaint, activities.OpenComplaintInput{ComplaintID: uuid.NewString(), EventKey: "k"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeNotFound || !appErr.NonRetryable() {
		t.Fatalf("got %v, want a non-retryable %s error", err, activities.ErrTypeNotFound)
	}
}
