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
		}, rotate, 0, nil)
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
	}, false, 0, nil); err != nil {
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

// An integration's callback secret rotates by a person's webhook key's rule: the
// secret replaced signs beside the new one for the grace, a second rotation within
// the window keeps the oldest still valid, one without a grace stops every old
// secret. A save without rotation keeps the window; a new callback URL, or
// deleting the integration, ends it.
func TestIntegrationRotationKeepsTheReplacedSecretForItsGrace(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	url := "https://crm.example.com/cb"
	put := func(url, secret string, rotate bool, grace time.Duration) store.Integration {
		t.Helper()
		in, _, _, err := st.PutIntegration(ctx, store.Integration{
			ID: "crm", Name: "CRM", CallbackURL: url, Secret: secret, UpdatedBy: "admin",
		}, rotate, grace, nil)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	put(url, "s1", false, 0)
	nc := newComplaint("ext-1", complaint.High, complaint.High)
	nc.IntegrationID = new("crm")
	c, _, err := st.CreateComplaint(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	// held is what a callback is signed with: the secret, the replaced one and its end.
	held := func(what, secret, previous string, until *time.Time) {
		t.Helper()
		target, ok, err := st.CallbackTarget(ctx, c.ID, "none")
		if err != nil || !ok {
			t.Fatalf("%s: callback target ok=%v %v", what, ok, err)
		}
		gotUntil, wantUntil := null.Value(target.PreviousUntil), null.Value(until)
		if target.Secret != secret || target.PreviousSecret != previous || !gotUntil.Equal(wantUntil) {
			t.Errorf("%s: signed with %q, previous %q until %v; want %q, %q until %v", what,
				target.Secret, target.PreviousSecret, gotUntil, secret, previous, wantUntil)
		}
	}
	before := time.Now()
	in := put(url, "s2", true, time.Hour)
	if u := in.PreviousUntil; u == nil || u.Sub(before) < 59*time.Minute || u.Sub(before) > 61*time.Minute {
		t.Fatalf("rotated with an hour's grace: the old secret signs until %v, want an hour from now", u)
	}
	held("rotated", "s2", "s1", in.PreviousUntil)
	in = put(url, "s3", true, 2*time.Hour)
	held("rotated again within the window", "s3", "s1", in.PreviousUntil)
	put(url, "unused", false, 0)
	held("saved with the same URL", "s3", "s1", in.PreviousUntil)
	url += "/v2"
	put(url, "unused", false, 0)
	held("given another URL", "s3", "", nil)
	in = put(url, "s4", true, time.Hour)
	held("rotated after the URL change", "s4", "s3", in.PreviousUntil)
	if in = put(url, "s5", true, 0); in.PreviousUntil != nil {
		t.Errorf("rotated with no grace: the old secret signs until %v, want no window", in.PreviousUntil)
	}
	held("rotated with no grace", "s5", "", nil)
	put(url, "s6", true, time.Hour)
	if err := st.DeleteIntegration(ctx, "crm", "admin", nil); err != nil {
		t.Fatal(err)
	}
	put(url, "s7", false, 0)
	held("deleted and registered again", "s7", "", nil)
}
