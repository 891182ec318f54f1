package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

// Intake marks a new complaint pending; it is listed once older than the grace and
// until WorkflowsStarted clears it. A retried intake (same external_id) does not
// mark an already confirmed complaint again.
func TestPendingWorkflowStartsUntilConfirmed(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	a, _, err := st.CreateComplaint(ctx, newComplaint("pending-a", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := st.CreateComplaint(ctx, newComplaint("pending-b", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	if got := pendingIDs(t, st, time.Hour); len(got) != 0 {
		t.Errorf("within the grace: %v pending, want none", got)
	}
	if got := pendingIDs(t, st, 0); fmt.Sprint(got) != fmt.Sprint([]string{a.ID, b.ID}) {
		t.Errorf("pending %v, want [%s %s] oldest first", got, a.ID, b.ID)
	}
	c, _, err := st.CreateComplaint(ctx, newComplaint("pending-c", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	// One statement clears a batch, and an ID cleared twice is no error.
	if err := st.WorkflowsStarted(ctx, a.ID, c.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, created, err := st.CreateComplaint(ctx, newComplaint("pending-a", complaint.Medium, complaint.Medium)); err != nil || created {
		t.Fatalf("retried intake: created=%v err=%v", created, err)
	}
	if got := pendingIDs(t, st, 0); fmt.Sprint(got) != fmt.Sprint([]string{b.ID}) {
		t.Errorf("after confirming %s: pending %v, want [%s]", a.ID, got, b.ID)
	}
}

func pendingIDs(t *testing.T, st *store.Store, grace time.Duration) []string {
	t.Helper()
	cs, err := st.PendingWorkflowStarts(context.Background(), grace, 10)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestUnavailableTellsAnOutageFromAFailedQuery(t *testing.T) {
	down, err := store.Dial("postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	pingErr := down.Ping(context.Background())
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", pingErr, true},
		{"wrapped dial error", fmt.Errorf("read complaint: %w", &net.OpError{Op: "dial", Err: errors.New("refused")}), true},
		{"admin shutdown", &pq.Error{Code: "57P01"}, true},
		{"starting up", &pq.Error{Code: "57P03"}, true},
		{"connection failure", &pq.Error{Code: "08006"}, true},
		{"unique violation", &pq.Error{Code: "23505"}, false},
		{"not found", store.ErrNotFound, false},
		{"nil", nil, false},
	} {
		if got := store.Unavailable(tt.err); got != tt.want {
			t.Errorf("%s (%v): Unavailable = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

// Migration 00029 moves the marks from the complaints' column to their own table
// and back, keeping exactly the marked complaints.
func TestMigrationMovesWorkflowStartMarks(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	var ids []string
	for _, ext := range []string{"moved-a", "moved-b", "moved-c"} {
		c, _, err := st.CreateComplaint(ctx, newComplaint(ext, complaint.Medium, complaint.Medium))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if err := st.WorkflowsStarted(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 28); err != nil {
		t.Fatal(err)
	}
	var marked []string
	if err := db.QueryRowContext(ctx, `SELECT array_agg(id::text ORDER BY created_at) FROM complaints WHERE workflow_start_pending`).Scan(pq.Array(&marked)); err != nil {
		t.Fatal(err)
	}
	if want := []string{ids[0], ids[2]}; fmt.Sprint(marked) != fmt.Sprint(want) {
		t.Fatalf("down: marked %v, want %v", marked, want)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	if got := pendingIDs(t, st, 0); fmt.Sprint(got) != fmt.Sprint([]string{ids[0], ids[2]}) {
		t.Fatalf("up again: pending %v, want %v", got, []string{ids[0], ids[2]})
	}
}

// A risk alert opened by hand or by the monitor and a cycle proposed with
// StartPending are marked in the transaction that writes them, listed once older
// than the grace, and QualityWorkflowStarted clears each; an alert seen again is not
// marked, nor is an alert's or cycle's retry.
func TestPendingQualityStartsUntilConfirmed(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	alert, created, err := st.OpenManualRiskAlert(ctx, quality.NewManualRiskAlert{ID: uuid.NewString(), Grade: quality.Red,
		Description: "outage", HandlingSeconds: 3600, At: time.Now(), By: "admin-token"})
	if err != nil || !created {
		t.Fatalf("open alert: created=%v err=%v", created, err)
	}
	manual := newCycle("manual/k1", time.Now())
	manual.StartPending = true
	cycle, _, err := st.ProposeCycle(ctx, manual)
	if err != nil {
		t.Fatal(err)
	}
	// A monitor's alert is marked when opened, not when seen again.
	monitored, created := openRisk(t, st, "run-1", time.Now(), yellowCSAT())
	if !created {
		t.Fatal("the monitor's alert was not opened")
	}
	if _, created := openRisk(t, st, "run-2", time.Now(), yellowCSAT()); created {
		t.Fatal("the monitor's alert was opened twice")
	}
	if got := qualityPending(t, st, time.Hour); len(got) != 0 {
		t.Errorf("within the grace: %v pending, want none", got)
	}
	want := []string{"alert " + alert.ID, "cycle " + cycle.ID, "alert " + monitored.ID}
	if got := qualityPending(t, st, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pending %v, want %v", got, want)
	}
	if err := st.QualityWorkflowStarted(ctx, store.QualityStart{RiskAlertID: &alert.ID}); err != nil {
		t.Fatal(err)
	}
	// Retried with the same ID and key: the rows exist, nothing is marked again.
	if _, created, err := st.OpenManualRiskAlert(ctx, quality.NewManualRiskAlert{ID: alert.ID, Grade: quality.Red,
		Description: "outage", HandlingSeconds: 3600, At: time.Now(), By: "admin-token"}); err != nil || created {
		t.Fatalf("retried alert: created=%v err=%v", created, err)
	}
	if got := qualityPending(t, st, 0); fmt.Sprint(got) != fmt.Sprint([]string{"cycle " + cycle.ID, "alert " + monitored.ID}) {
		t.Errorf("after confirming the alert: pending %v, want the cycle and the monitor's alert", got)
	}
	for _, done := range []store.QualityStart{{CycleID: &cycle.ID}, {RiskAlertID: &monitored.ID}} {
		if err := st.QualityWorkflowStarted(ctx, done); err != nil {
			t.Fatal(err)
		}
	}
	if got := qualityPending(t, st, 0); len(got) != 0 {
		t.Errorf("after confirming both: pending %v", got)
	}
}

func qualityPending(t *testing.T, st *store.Store, grace time.Duration) []string {
	t.Helper()
	marks, err := st.PendingQualityStarts(context.Background(), grace, 10)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, m := range marks {
		switch {
		case m.RiskAlertID != nil && m.CycleID == nil:
			out = append(out, "alert "+*m.RiskAlertID)
		case m.CycleID != nil && m.RiskAlertID == nil:
			out = append(out, "cycle "+*m.CycleID)
		default:
			t.Errorf("a mark naming %v and %v", m.RiskAlertID, m.CycleID)
		}
	}
	return out
}
