package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/migrations"
)

// Migration 00038 down removes the stale-knowledge alerts (their history too,
// despite the append-only trigger) and the knowledge base, and keeps the other
// alerts; up again restores the schema.
func TestMigrationDownRemovesStaleKnowledge(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	for _, c := range []quality.RiskCheck{
		{Condition: quality.StaleKnowledge, Subject: "agent:ann", Grade: quality.Blue, HandlingSeconds: 86400, Threshold: 1},
		{Condition: quality.TrainingGap, Subject: "agent:ann", Grade: quality.Blue, HandlingSeconds: 86400, Threshold: 60},
	} {
		if _, created, err := st.OpenRiskAlert(ctx, quality.NewRiskAlert{ID: uuid.NewString(), Key: "run/" + string(c.Condition) + c.Subject,
			MonitorRun: "run", Check: c, At: trainingAt}); err != nil || !created {
			t.Fatalf("open %s %s: %v %v", c.Condition, c.Subject, created, err)
		}
	}
	db := st.DB().DB
	if err := migrations.DownTo(ctx, db, 37); err != nil {
		t.Fatal(err)
	}
	var conditions []string
	if err := st.DB().Select(&conditions, `SELECT condition FROM risk_alerts ORDER BY condition`); err != nil {
		t.Fatal(err)
	}
	var kb *string
	if err := st.DB().Get(&kb, `SELECT to_regclass('knowledge_articles')::text`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(conditions) != "[training_gap]" || kb != nil {
		t.Fatalf("after down: %v, knowledge_articles %v", conditions, kb)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
}
