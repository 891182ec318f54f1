package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/migrations"
)

// The resolution rate counts a complaint unresolved only once its resolution
// deadline has passed (migration 00039): one complaint resolved, one whose
// resolution clock breached unresolved, one still within its deadline → 1 of 2.
// A first-response breach alone does not make a complaint due for resolution.
func TestResolutionRateCountsOnlyComplaintsDue(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	db := st.DB()
	opened := time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)
	resolved := insertBareComplaint(t, db, "due-resolved", opened)
	late := insertBareComplaint(t, db, "due-late", opened)
	notDue := insertBareComplaint(t, db, "due-not-yet", opened)
	events := []factsEvent{
		{complaintID: resolved, key: "r/0", kind: "opened", at: opened},
		{complaintID: resolved, key: "r/1", kind: "resolved", at: opened.Add(3 * time.Hour)},
		{complaintID: late, key: "l/0", kind: "opened", at: opened},
		{complaintID: late, key: "l/1", kind: "sla_breached", at: opened.Add(24 * time.Hour), data: map[string]any{"clock": "resolution"}},
		{complaintID: notDue, key: "n/0", kind: "opened", at: opened},
		{complaintID: notDue, key: "n/1", kind: "sla_breached", at: opened.Add(2 * time.Hour), data: map[string]any{"clock": "first_response"}},
	}
	for _, e := range events { // one statement each: the breaches take the trigger's flag upsert
		if e.data == nil {
			e.data = map[string]any{}
		}
		if err := insertEvents(ctx, db, e); err != nil {
			t.Fatal(err)
		}
	}
	r, err := st.Metrics(ctx, opened.Add(-time.Hour), opened.Add(time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	g := r.Total
	if g.Volume != 3 || g.Resolved != 1 || g.ResolutionDue != 2 {
		t.Errorf("volume %d, resolved %d, resolution_due %d; want 3, 1, 2", g.Volume, g.Resolved, g.ResolutionDue)
	}
	if v := g.Value(quality.ResolutionRate); v == nil || *v != 50 {
		t.Errorf("resolution rate %v, want 50", ptrString(v))
	}
	assertFactsMatchTheLog(t, db, 3)
}

// Migration 00039 backfills resolution_breached from the breaches already in the
// log, and its down migration leaves the schema as 00038 had it.
func TestResolutionBreachedMigrationBackfillsTheLog(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	db := st.DB()
	if err := migrations.DownTo(ctx, db.DB, 38); err != nil {
		t.Fatal(err)
	}
	var columns int
	if err := db.Get(&columns, `SELECT count(*) FROM information_schema.columns
		WHERE table_name = 'complaint_metrics' AND column_name = 'resolution_breached'`); err != nil || columns != 0 {
		t.Fatalf("resolution_breached after down: %d columns (err %v)", columns, err)
	}
	// The events below go through 00038's trigger functions, which must not know the column.
	opened := time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)
	late := insertBareComplaint(t, db, "backfill-late", opened)
	early := insertBareComplaint(t, db, "backfill-first-response", opened)
	if err := insertEvents(ctx, db,
		factsEvent{complaintID: late, key: "l/0", kind: "opened", at: opened, data: map[string]any{}},
		factsEvent{complaintID: early, key: "e/0", kind: "opened", at: opened, data: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	if err := insertEvents(ctx, db,
		factsEvent{complaintID: late, key: "l/1", kind: "sla_breached", at: opened.Add(24 * time.Hour), data: map[string]any{"clock": "resolution"}},
		factsEvent{complaintID: early, key: "e/1", kind: "sla_breached", at: opened.Add(2 * time.Hour), data: map[string]any{"clock": "first_response"}}); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	assertFactsMatchTheLog(t, db, 2)
	r, err := st.Metrics(ctx, opened, opened.Add(time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Total.ResolutionDue != 1 {
		t.Errorf("resolution_due after the backfill: got %d, want 1 (the resolution breach only)", r.Total.ResolutionDue)
	}
}

func ptrString(v *float64) any {
	if v == nil {
		return "null"
	}
	return *v
}
