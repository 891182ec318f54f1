package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The filing token is kept with complaints and feedback, and every reveal is one
// audit row (and, for a complaint, one event), however alike two reveals are.
func TestFiledByAndReveals(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	nc := newComplaint("pii-1", complaint.High, complaint.High)
	nc.FiledBy = new("tok-intake")
	c, _, err := st.CreateComplaint(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	if got := null.Value(c.FiledBy); got != "tok-intake" {
		t.Errorf("complaint filed_by = %q, want tok-intake", got)
	}
	nf := newFeedback("pii-fb", "backlog", "夜间配送")
	nf.FiledBy = new("tok-intake")
	f, _, err := st.CreateFeedback(ctx, nf)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Feedback(ctx, f.ID); null.Value(got.FiledBy) != "tok-intake" {
		t.Errorf("feedback filed_by = %v, want tok-intake", got.FiledBy)
	}

	for range 2 {
		r, err := st.RecordReveal(ctx, store.Reveal{ID: uuid.NewString(), ComplaintID: &c.ID, Actor: "ann",
			TokenID: "tok-ann", Fields: []string{"name", "phone"}})
		if err != nil {
			t.Fatal(err)
		}
		if r.RevealedAt.IsZero() || r.Actor != "ann" {
			t.Errorf("reveal = %+v", r)
		}
	}
	if _, err := st.RecordReveal(ctx, store.Reveal{ID: uuid.NewString(), FeedbackID: &f.ID, Actor: "admin",
		TokenID: "tok-admin", Fields: []string{"name"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordReveal(ctx, store.Reveal{ID: uuid.NewString(), Actor: "x", TokenID: "t",
		Fields: []string{"name"}}); err == nil {
		t.Error("a reveal of nothing was recorded")
	}

	rs, err := st.Reveals(ctx, c.ID, "")
	if err != nil || len(rs) != 2 {
		t.Fatalf("complaint reveals: %d, %v; want 2", len(rs), err)
	}
	if rs[0].TokenID != "tok-ann" || !slices.Equal(rs[0].Fields, []string{"name", "phone"}) {
		t.Errorf("reveal row = %+v", rs[0])
	}
	if rs, err := st.Reveals(ctx, "", f.ID); err != nil || len(rs) != 1 || rs[0].Actor != "admin" {
		t.Errorf("feedback reveals: %+v, %v; want one by admin", rs, err)
	}

	events, err := st.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var revealed []store.EventRow
	for _, e := range events {
		if e.Kind == store.RevealedKind {
			revealed = append(revealed, e)
		}
	}
	if len(revealed) != 2 {
		t.Fatalf("%d %s events, want 2 (one per reveal)", len(revealed), store.RevealedKind)
	}
	var data struct {
		Fields  []string `json:"fields"`
		TokenID string   `json:"token_id"`
	}
	if err := json.Unmarshal(revealed[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if revealed[0].Actor != "ann" || data.TokenID != "tok-ann" || !slices.Equal(data.Fields, []string{"name", "phone"}) {
		t.Errorf("event = %s by %s, want fields name, phone by ann (tok-ann)", revealed[0].Data, revealed[0].Actor)
	}
}
