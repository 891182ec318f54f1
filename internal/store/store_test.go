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
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/migrations"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newComplaint(externalID string, urgency, tier complaint.Level) store.NewComplaint {
	id := uuid.NewString()
	return store.NewComplaint{
		ID: id, ExternalID: externalID, RequestHash: "hash-" + externalID, WorkflowID: "complaint:" + id,
		Channel: "web", CustomerID: "cust-1", CustomerName: "王芳", CustomerTier: tier,
		CustomerPhone: new("+86 138 0013 8000"),
		Category:      "logistics", Urgency: urgency, Subject: "包裹延误", Description: "物流慢，一周未到",
	}
}

func TestSeededPoliciesMatchTheDomainDefaults(t *testing.T) {
	st := newStore(t)
	ps, err := st.Policies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 9 {
		t.Fatalf("got %d policies, want the 3×3 urgency × tier matrix", len(ps))
	}
	want := map[complaint.Level][2]int64{ // first response, resolution (0 = backlog)
		complaint.High: {2 * 3600, 24 * 3600}, complaint.Medium: {24 * 3600, 48 * 3600}, complaint.Low: {24 * 3600, 0},
	}
	for _, p := range ps {
		w := want[p.Urgency]
		if p.FirstResponseSeconds != w[0] || null.Value(p.ResolutionSeconds) != w[1] || (p.ResolutionSeconds != nil) != (w[1] != 0) {
			t.Errorf("policy %s/%s: got %d/%d, want %d/%d", p.Urgency, p.Tier, p.FirstResponseSeconds, null.Value(p.ResolutionSeconds), w[0], w[1])
		}
	}
}

func TestCreateComplaintStampsDueTimesAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	nc := newComplaint("ext-1", complaint.High, complaint.Medium)

	c, created, err := st.CreateComplaint(ctx, nc)
	if err != nil || !created {
		t.Fatalf("first create: created=%v err=%v", created, err)
	}
	if got, want := c.FirstResponseDueAt.Sub(c.CreatedAt), 2*time.Hour; got != want {
		t.Errorf("first-response due after %v, want %v", got, want)
	}
	if got, want := null.Value(c.ResolutionDueAt).Sub(c.CreatedAt), 24*time.Hour; got != want {
		t.Errorf("resolution due after %v, want %v", got, want)
	}
	if c.Status != complaint.StatusOpen {
		t.Errorf("status %q, want open", c.Status)
	}

	again := nc
	again.ID = uuid.NewString() // a retry generates a new ID; the stored one wins
	c2, created, err := st.CreateComplaint(ctx, again)
	if err != nil || created || c2.ID != c.ID {
		t.Fatalf("retry: got id=%s created=%v err=%v, want id=%s created=false", c2.ID, created, err, c.ID)
	}

	different := nc
	different.RequestHash = "another body"
	if _, _, err := st.CreateComplaint(ctx, different); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same external_id, different body: got %v, want ErrConflict", err)
	}
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM complaints`); err != nil || n != 1 {
		t.Fatalf("got %d complaints (err %v), want 1", n, err)
	}
}

func TestPolicyChangeAppliesOnlyToLaterComplaints(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	before, _, err := st.CreateComplaint(ctx, newComplaint("before", complaint.High, complaint.High))
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Policy(ctx, complaint.High, complaint.High)
	if err != nil {
		t.Fatal(err)
	}
	p.FirstResponseSeconds, p.ResolutionSeconds, p.UpdatedBy = 30, new(int64(60)), "admin"
	if _, err := st.PutPolicy(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	after, _, err := st.CreateComplaint(ctx, newComplaint("after", complaint.High, complaint.High))
	if err != nil {
		t.Fatal(err)
	}
	before, _ = st.Complaint(ctx, before.ID)
	if got := before.FirstResponseDueAt.Sub(before.CreatedAt); got != 2*time.Hour {
		t.Errorf("earlier complaint's first response due after %v, want it unchanged at 2h", got)
	}
	if got := after.FirstResponseDueAt.Sub(after.CreatedAt); got != 30*time.Second {
		t.Errorf("later complaint's first response due after %v, want 30s", got)
	}
	if got := null.Value(after.ResolutionDueAt).Sub(after.CreatedAt); got != time.Minute {
		t.Errorf("later complaint's resolution due after %v, want 1m", got)
	}
}

func TestRecordEventIsIdempotentAndAppliesTheTransition(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("ev", complaint.High, complaint.High))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ack := complaint.Event{
		ComplaintID: c.ID, Key: c.WorkflowID + "/acknowledged/1", Kind: complaint.EventAcknowledged,
		Actor: "agent-ann", At: at, Status: complaint.StatusInProgress, Owner: "agent-ann", Message: "on it",
	}
	for i, want := range []bool{true, false} {
		got, err := st.RecordEvent(ctx, ack)
		if err != nil || got != want {
			t.Fatalf("attempt %d: recorded=%v err=%v, want %v", i+1, got, err, want)
		}
	}
	breach := complaint.Event{
		ComplaintID: c.ID, Key: c.WorkflowID + "/sla_breached/1", Kind: complaint.EventSLABreached,
		Actor: "system", At: at.Add(time.Hour), Clock: complaint.ClockResolution, DueAt: at.Add(time.Hour),
	}
	if _, err := st.RecordEvent(ctx, breach); err != nil {
		t.Fatal(err)
	}
	events, err := st.Events(ctx, c.ID)
	if err != nil || len(events) != 2 {
		t.Fatalf("got %d events (err %v), want 2", len(events), err)
	}
	got, _ := st.Complaint(ctx, c.ID)
	if got.Status != complaint.StatusInProgress || null.Value(got.Owner) != "agent-ann" || !null.Value(got.FirstResponseAt).Equal(at) {
		t.Errorf("after acknowledge: status=%s owner=%v first_response_at=%v", got.Status, null.Value(got.Owner), got.FirstResponseAt)
	}
	if !got.ResolutionBreached || got.FirstResponseBreached {
		t.Errorf("breach flags: resolution=%v first_response=%v, want true/false", got.ResolutionBreached, got.FirstResponseBreached)
	}

	if _, err := st.DB().Exec(`UPDATE complaint_events SET actor = 'forger'`); err == nil {
		t.Error("updating the event log succeeded; it must be append-only")
	}
	if _, err := st.DB().Exec(`DELETE FROM complaint_events`); err == nil {
		t.Error("deleting from the event log succeeded; it must be append-only")
	}

	unknown := ack
	unknown.ComplaintID, unknown.Key = uuid.NewString(), "other"
	if _, err := st.RecordEvent(ctx, unknown); err == nil {
		t.Error("recording an event of an unknown complaint succeeded")
	}
}

func TestComplaintsPagesAndFilters(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for i, u := range []complaint.Level{complaint.High, complaint.Low, complaint.High, complaint.Medium, complaint.High} {
		if _, _, err := st.CreateComplaint(ctx, newComplaint("p"+string(rune('a'+i)), u, complaint.Low)); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	f := store.ComplaintFilter{Urgencies: []complaint.Level{complaint.High}, Limit: 2}
	for page := 0; page < 5; page++ {
		cs, err := st.Complaints(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Urgency != complaint.High {
				t.Errorf("filter leaked urgency %s", c.Urgency)
			}
			seen = append(seen, c.ExternalID)
		}
		if len(cs) < f.Limit {
			break
		}
		f.AfterCreatedAt, f.AfterID = cs[len(cs)-1].CreatedAt, cs[len(cs)-1].ID
	}
	if want := []string{"pe", "pc", "pa"}; len(seen) != 3 || seen[0] != want[0] || seen[2] != want[2] {
		t.Errorf("got pages %v, want %v (newest first)", seen, want)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	tok := store.Token{ID: uuid.NewString(), Name: "crm", Role: "intake", Hash: []byte("h1"), CreatedBy: "admin"}
	if _, err := st.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	got, err := st.TokenByHash(ctx, []byte("h1"))
	if err != nil || got.Name != "crm" || got.Role != "intake" {
		t.Fatalf("got %+v err %v", got, err)
	}
	if _, err := st.TokenByHash(ctx, []byte("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown hash: got %v, want ErrNotFound", err)
	}
	boot := store.Token{ID: uuid.NewString(), Name: "bootstrap-admin", Role: "admin", Hash: []byte("boot"), CreatedBy: "env"}
	for range 2 {
		boot.ID = uuid.NewString()
		if err := st.EnsureToken(ctx, boot); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM api_tokens WHERE name = 'bootstrap-admin'`); err != nil || n != 1 {
		t.Fatalf("bootstrap tokens: got %d (err %v), want 1", n, err)
	}
}

func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 0); err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := db.QueryRow(`SELECT to_regclass('complaints') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Fatalf("complaints table after down: exists=%v err=%v", exists, err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	if v, err := migrations.Version(ctx, db); err != nil || v < 1 {
		t.Fatalf("version after up: %d err %v", v, err)
	}
}
