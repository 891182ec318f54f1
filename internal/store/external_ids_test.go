package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// TestExternalIDIsUniquePerIntakeSystem: two intake systems (integrations) and the
// tokens bound to none file the same external_id: three complaints, and three
// pieces of feedback; a retry finds its own system's, a different body conflicts
// with its own system's only. A deleted integration's tokens file into the shared
// namespace, and their retries find what they filed there.
func TestExternalIDIsUniquePerIntakeSystem(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for _, id := range []string{"crm", "shop"} {
		if _, err := st.DB().Exec(`INSERT INTO integrations (id, name, callback_url, secret, created_by, updated_by)
			VALUES ($1, $1, 'http://127.0.0.1:1/cb', 'secret', 'test', 'test')`, id); err != nil {
			t.Fatal(err)
		}
	}
	file := func(integration, hash string) (store.Complaint, bool, error) {
		nc := newComplaint("A-1", complaint.High, complaint.Medium)
		nc.IntegrationID, nc.RequestHash = null.IfEmpty(integration), hash
		return st.CreateComplaint(ctx, nc)
	}
	ids := map[string]string{}
	for _, in := range []string{"crm", "shop", ""} {
		c, created, err := file(in, "body-"+in)
		if err != nil || !created {
			t.Fatalf("%q files A-1: created=%v err=%v", in, created, err)
		}
		if null.Value(c.IntegrationID) != in {
			t.Errorf("%q's complaint has integration %q", in, null.Value(c.IntegrationID))
		}
		ids[in] = c.ID
	}
	for _, in := range []string{"crm", "shop", ""} {
		c, created, err := file(in, "body-"+in)
		if err != nil || created || c.ID != ids[in] {
			t.Errorf("%q retries A-1: got %s created=%v err=%v, want its own %s", in, c.ID, created, err, ids[in])
		}
		if c, _, err := file(in, "another body"); !errors.Is(err, store.ErrConflict) || c.ID != ids[in] {
			t.Errorf("%q sends another body: got %s err=%v, want ErrConflict naming %s", in, c.ID, err, ids[in])
		}
		if c, err := st.ComplaintByExternalID(ctx, in, "A-1"); err != nil || c.ID != ids[in] {
			t.Errorf("ComplaintByExternalID(%q, A-1): got %s, %v, want %s", in, c.ID, err, ids[in])
		}
	}

	fbIDs := map[string]string{}
	for _, in := range []string{"crm", "shop", ""} {
		nf := newFeedback("fb-1", "recorded")
		nf.IntegrationID, nf.RequestHash = null.IfEmpty(in), "body-"+in
		f, created, err := st.CreateFeedback(ctx, nf)
		if err != nil || !created {
			t.Fatalf("%q sends fb-1: created=%v err=%v", in, created, err)
		}
		fbIDs[in] = f.ID
	}
	if _, err := st.DB().Exec(`UPDATE integrations SET deleted_at = now() WHERE id = 'shop'`); err != nil {
		t.Fatal(err)
	}
	nc := newComplaint("A-2", complaint.High, complaint.Medium)
	nc.IntegrationID = new("shop")
	first, created, err := st.CreateComplaint(ctx, nc)
	if err != nil || !created || first.IntegrationID != nil {
		t.Fatalf("deleted integration files A-2: created=%v integration=%v err=%v, want a complaint of none",
			created, first.IntegrationID, err)
	}
	nc.ID = uuid.NewString()
	nc.WorkflowID = "complaint:" + nc.ID
	if again, created, err := st.CreateComplaint(ctx, nc); err != nil || created || again.ID != first.ID {
		t.Errorf("deleted integration retries A-2: got %s created=%v err=%v, want %s", again.ID, created, err, first.ID)
	}

	f, err := st.FeedbackByExternalID(ctx, "crm", "fb-1")
	if err != nil || f.ID != fbIDs["crm"] || null.Value(f.IntegrationID) != "crm" {
		t.Errorf("FeedbackByExternalID(crm, fb-1): got %s (integration %v), %v, want %s of crm", f.ID, f.IntegrationID, err, fbIDs["crm"])
	}
	nf := newFeedback("fb-1", "recorded")
	nf.IntegrationID, nf.RequestHash = new("crm"), "body-crm"
	if again, created, err := st.CreateFeedback(ctx, nf); err != nil || created || again.ID != fbIDs["crm"] {
		t.Errorf("crm retries fb-1: got %s created=%v err=%v, want %s", again.ID, created, err, fbIDs["crm"])
	}
}
