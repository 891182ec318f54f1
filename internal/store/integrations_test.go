package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

func TestPutIntegrationKeepsTheSecretUnlessNewRotatedOrRevived(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	put := func(secret string, rotate bool) (store.Integration, bool, bool) {
		t.Helper()
		in, created, issued, err := st.PutIntegration(ctx, store.Integration{
			ID: "crm", Name: "CRM " + secret, CallbackURL: "https://crm.example.com/cb", Secret: secret, UpdatedBy: "admin",
		}, rotate, nil)
		if err != nil {
			t.Fatal(err)
		}
		return in, created, issued
	}
	for _, tc := range []struct {
		name                    string
		secret                  string
		rotate, delete          bool
		wantCreated, wantIssued bool
		wantSecret              string
	}{
		{"create", "s1", false, false, true, true, "s1"},
		{"update keeps the secret", "s2", false, false, false, false, "s1"},
		{"rotate", "s3", true, false, false, true, "s3"},
		{"revive after delete", "s4", false, true, false, true, "s4"},
	} {
		if tc.delete {
			if err := st.DeleteIntegration(ctx, "crm", "admin", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Integration(ctx, "crm"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s: deleted integration reads as %v, want ErrNotFound", tc.name, err)
			}
		}
		in, created, issued := put(tc.secret, tc.rotate)
		if created != tc.wantCreated || issued != tc.wantIssued || in.Secret != tc.wantSecret || in.Name != "CRM "+tc.secret {
			t.Errorf("%s: created=%v issued=%v secret %q name %q; want %v %v %q", tc.name, created, issued, in.Secret, in.Name,
				tc.wantCreated, tc.wantIssued, tc.wantSecret)
		}
	}
	if err := st.DeleteIntegration(ctx, "ghost", "admin", nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete of an unknown integration: %v, want ErrNotFound", err)
	}
}

func TestComplaintsRememberTheirIntegration(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if _, _, _, err := st.PutIntegration(ctx, store.Integration{
		ID: "crm", Name: "CRM", CallbackURL: "https://crm.example.com/cb", Secret: "s", UpdatedBy: "admin",
	}, false, nil); err != nil {
		t.Fatal(err)
	}
	tok, err := st.CreateToken(ctx, store.Token{ID: uuid.NewString(), Name: "crm-intake", Role: "intake",
		Hash: []byte("h"), CreatedBy: "admin", IntegrationID: new("crm")})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.TokenByHash(ctx, tok.Hash); err != nil || null.Value(got.IntegrationID) != "crm" {
		t.Fatalf("token %+v, %v; want bound to crm", got, err)
	}
	var fe *store.FieldError
	if _, err := st.CreateToken(ctx, store.Token{ID: uuid.NewString(), Name: "x", Role: "intake", Hash: []byte("h2"),
		CreatedBy: "admin", IntegrationID: new("ghost")}); !errors.As(err, &fe) || fe.Field != "integration_id" {
		t.Errorf("token for an unknown integration: %v, want a field error on integration_id", err)
	}

	nc := newComplaint("ext-1", complaint.High, complaint.High)
	nc.IntegrationID = new("crm")
	c, _, err := st.CreateComplaint(ctx, nc)
	if err != nil || null.Value(c.IntegrationID) != "crm" {
		t.Fatalf("complaint %v, %v; want filed through crm", c.IntegrationID, err)
	}
	at := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	key := c.WorkflowID + "/acknowledged"
	if _, err := st.RecordEvent(ctx, complaint.Event{ComplaintID: c.ID, Key: key, Kind: complaint.EventAcknowledged,
		Actor: "ann", At: at, Status: complaint.StatusInProgress, Message: "hi"}); err != nil {
		t.Fatal(err)
	}
	target, ok, err := st.CallbackTarget(ctx, c.ID, key)
	if err != nil || !ok || target.URL != "https://crm.example.com/cb" || target.Secret != "s" ||
		target.ExternalID != "ext-1" || !target.OccurredAt.Equal(at) || string(target.EventData) == "{}" {
		t.Errorf("callback target %+v ok=%v %v", target, ok, err)
	}

	if err := st.DeleteIntegration(ctx, "crm", "admin", nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.CallbackTarget(ctx, c.ID, key); ok || err != nil {
		t.Errorf("deleted integration: ok=%v %v, want no callback", ok, err)
	}
	later := newComplaint("ext-2", complaint.High, complaint.High)
	later.IntegrationID = new("crm")
	if c2, _, err := st.CreateComplaint(ctx, later); err != nil || c2.IntegrationID != nil {
		t.Errorf("filed through a deleted integration: %v, %v; want none recorded", c2.IntegrationID, err)
	}
}
