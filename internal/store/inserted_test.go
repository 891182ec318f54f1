package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// whileAnotherInserts runs call while another transaction holds an uncommitted row
// with the same key (inserted by insert), and commits that row once call waits on
// it: an activity's retry overlapping its first attempt. call must then answer with
// the committed row, not fail.
func whileAnotherInserts(t *testing.T, st *store.Store, insert string, args []any, call func() error) {
	t.Helper()
	whileAnotherHolds(t, st, insert, args, call)
}

// whileAnotherHolds runs call while another transaction has run hold and not yet
// committed, commits once call waits on it (fails if it never does), and fails if
// call then fails.
func whileAnotherHolds(t *testing.T, st *store.Store, hold string, args []any, call func() error) {
	t.Helper()
	ctx := t.Context()
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, hold, args...); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- call() }()
	// Wait until call's insert waits on the uncommitted key, so its snapshot is older.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		if err := st.DB().GetContext(ctx, &waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the call never waited on the other transaction's row")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("while another transaction held %q: %v", hold, err)
	}
}

func TestOpenSurveyWhileAnotherAttemptOpensIt(t *testing.T) {
	st := newStore(t)
	c, _, err := st.CreateComplaint(context.Background(), newComplaint("race", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	first := uuid.NewString()
	var got survey.Survey
	whileAnotherInserts(t, st, `INSERT INTO surveys (id, complaint_id, round, workflow_id, sent_at, expires_at)
		VALUES ($1, $2, 0, 'wf', $3, $4)`, []any{first, c.ID, sent, sent.Add(time.Hour)}, func() (err error) {
		got, err = st.OpenSurvey(context.Background(), survey.Survey{ID: uuid.NewString(), ComplaintID: c.ID,
			WorkflowID: "wf", SentAt: sent, ExpiresAt: sent.Add(time.Hour)})
		return err
	})
	if got.ID != first {
		t.Errorf("got survey %q, want the first attempt's %s", got.ID, first)
	}
}

func TestRecordCycleCheckWhileAnotherAttemptRecordsIt(t *testing.T) {
	st := newStore(t)
	c, _, err := st.ProposeCycle(context.Background(), newCycle("race", time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 15, 1, 0, 0, 0, time.UTC)
	check := quality.CycleCheck{CycleID: c.ID, Iteration: 1, CheckedAt: at, WindowFrom: at.AddDate(0, 0, -9), WindowTo: at,
		Value: pdcaPtr(80.0), Target: 75, Met: true}
	var got quality.CycleCheck
	whileAnotherInserts(t, st, `INSERT INTO pdca_checks (cycle_id, iteration, checked_at, window_from, window_to, value, target, met, final)
		VALUES ($1, 1, $2, $3, $4, 65.5, 75, false, false)`, []any{c.ID, at, check.WindowFrom, at}, func() (err error) {
		got, err = st.RecordCycleCheck(context.Background(), check)
		return err
	})
	if got.Value == nil || *got.Value != 65.5 || got.Met {
		t.Errorf("got check %+v, want the first attempt's measurement", got)
	}
}

// A directory delete waits for the directory lock, as the puts do: a put checked at
// a version cannot then write back a rule or calendar deleted in between.
func TestDirectoryDeletesTakeTheDirectoryLock(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	newOrg(t, st)
	if _, _, err := st.PutTeam(ctx, store.Team{ID: "care", Name: "care", UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PutRoute(ctx, store.Route{Category: "logistics", TeamID: "care", UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PutCalendar(ctx, store.Calendar{ID: "office", Name: "Office", Spec: officeHours, UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	lock := `SELECT pg_advisory_xact_lock($1)`
	whileAnotherHolds(t, st, lock, []any{store.DirectoryLock}, func() error {
		return st.DeleteRoute(ctx, complaint.RouteKey{Category: "logistics"}, nil)
	})
	whileAnotherHolds(t, st, lock, []any{store.DirectoryLock}, func() error {
		return st.DeleteCalendar(ctx, "office", nil)
	})
}
