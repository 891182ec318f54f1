package activities_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// resolveComplaint records a complaint owned by agent as resolved at resolvedAt
// and, when reopenedBy is not "", reopened by that actor an hour later ("customer"
// is the survey loop's reopening). It returns the complaint's ID.
func resolveComplaint(t *testing.T, st *store.Store, agent string, resolvedAt time.Time, reopenedBy string) string {
	t.Helper()
	id := uuid.NewString()
	_, err := st.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
			customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
			created_at, first_response_due_at, owner)
		VALUES ($1::uuid, $1::text, 'hash', $1::text, 'web', 'cust', 'name', 'medium', 'service', 'medium', 's', 'd', 86400, $2, $2, $3)`,
		id, resolvedAt.Add(-24*time.Hour), agent)
	require.NoError(t, err)
	record := func(kind, actor string, at time.Time, data map[string]any) {
		b, err := json.Marshal(data)
		require.NoError(t, err)
		_, err = st.DB().Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, id+"/"+kind, kind, actor, at, string(b))
		require.NoError(t, err)
	}
	record("resolved", agent, resolvedAt, map[string]any{"status": "resolved", "owner": agent, "summary": "fixed"})
	if reopenedBy != "" {
		record("reopened", reopenedBy, resolvedAt.Add(time.Hour), map[string]any{"status": "in_progress", "round": 1})
	}
	return id
}

// trainingGaps are the training_gap alerts among ids, by subject.
func trainingGaps(t *testing.T, st *store.Store, ids []string) map[string]quality.RiskAlert {
	t.Helper()
	out := map[string]quality.RiskAlert{}
	for _, id := range ids {
		a, err := st.RiskAlert(context.Background(), id)
		require.NoError(t, err)
		if a.Condition == quality.TrainingGap {
			out[a.Subject] = a
		}
	}
	return out
}

// The customer's verdict alone opens a training gap: ann's customers reopened 2 of
// the 10 complaints she resolved in the last 30 days (20 %) — a blue alert about
// ann for nina, naming the reopen rate, the reopened complaints and the threshold.
// bob's 3 reopenings of his own and 1 by a customer are 1 of 10 (10 %), nothing; 9
// resolutions, or 1 customer reopening of ann's less, open nothing either.
func TestRiskMonitorOpensATrainingGapOnTheCustomersReopenings(t *testing.T) {
	at := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name               string
		resolved, reopened int
		opens              bool
	}{
		{"2 of 10 reopened by the customer", 10, 2, true},
		{"9 resolutions are too few", 9, 2, false},
		{"1 of 10 is under 20 %", 10, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := trainingSetup(t)
			var reopened []string
			for i := range c.resolved {
				by := ""
				if i < c.reopened {
					by = "customer"
				}
				id := resolveComplaint(t, st, "ann", at.Add(-time.Duration(c.resolved-i)*48*time.Hour), by)
				if by != "" {
					reopened = append(reopened, id)
				}
			}
			for i := range 10 {
				by := map[int]string{0: "customer", 1: "bob", 2: "bob", 3: "nina"}[i]
				resolveComplaint(t, st, "bob", at.Add(-time.Duration(i+1)*48*time.Hour), by)
			}
			resolveComplaint(t, st, "ann", at.Add(-31*24*time.Hour), "customer") // before the window

			gaps := trainingGaps(t, st, runRiskMonitor(t, st, at).Opened)
			if !c.opens {
				require.Empty(t, gaps)
				return
			}
			require.Len(t, gaps, 1)
			a := gaps["agent:ann"]
			require.Equal(t, quality.Blue, a.Grade)
			require.Equal(t, "nina", *a.OwnerID, "the agent's team lead")
			require.Equal(t, 20.0, a.Observed)
			require.Equal(t, 15.0, a.Baseline, "3 of every agent's 20 resolutions")
			require.Equal(t, 20.0, a.Threshold)
			tr := a.Details.Training
			require.Equal(t, []string{quality.TrainingSignalReopens}, tr.Signals)
			require.Equal(t, &quality.ReopenEvidence{Resolved: 10, Reopened: 2, RatePct: 20, Everyone: 15, Threshold: 20,
				Complaints: reopened}, tr.Reopens)
			require.Equal(t, "north", tr.Team)
			require.Empty(t, tr.Below)
			require.Equal(t, int64(10), a.Details.Counts["resolutions"])
		})
	}
}

// An agent under the threshold on a QA criterion whose customers then reopen too
// many of her resolutions keeps one alert: the next run sees it again, its check
// naming both signals; a run with both from the start opens one alert naming both.
func TestTrainingGapSignalsShareTheSubjectsAlert(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	st := trainingSetup(t)
	for i := range 5 {
		scoreSample(t, st, "ann", at.Add(-time.Duration(i+1)*24*time.Hour), 14)
	}
	for i := range 10 {
		resolveComplaint(t, st, "ann", at.Add(-time.Duration(i+1)*48*time.Hour), "")
	}
	first := trainingGaps(t, st, runRiskMonitor(t, st, at).Opened)
	require.Len(t, first, 1)
	a := first["agent:ann"]
	require.Equal(t, []string{quality.TrainingSignalQA}, a.Details.Training.Signals)
	require.Equal(t, 0.0, a.Details.Training.Reopens.RatePct, "judged, not fired")

	for i := range 3 {
		resolveComplaint(t, st, "ann", at.Add(time.Duration(i)*time.Minute), "customer")
	}
	next := runRiskMonitor(t, st, at.Add(3*time.Hour))
	require.Empty(t, trainingGaps(t, st, next.Opened), "one open alert per subject")
	require.Contains(t, next.SeenAgain, a.ID)
	events, err := st.RiskAlertEvents(ctx, a.ID)
	require.NoError(t, err)
	seen := events[len(events)-1]
	require.Equal(t, quality.RiskEventSeenAgain, seen.Kind)
	tr := seen.Data.Check.Details.Training
	require.Equal(t, []string{quality.TrainingSignalQA, quality.TrainingSignalReopens}, tr.Signals)
	require.Equal(t, int64(3), tr.Reopens.Reopened)
	require.Equal(t, int64(13), tr.Reopens.Resolved)
	require.Contains(t, seen.Data.Check.Note, "the customer reopened 3 of 13 resolutions")

	fresh := trainingSetup(t)
	for i := range 5 {
		scoreSample(t, fresh, "ann", at.Add(-time.Duration(i+1)*24*time.Hour), 14)
	}
	for i := range 10 {
		resolveComplaint(t, fresh, "ann", at.Add(-time.Duration(i+1)*48*time.Hour), map[bool]string{true: "customer"}[i < 5])
	}
	both := trainingGaps(t, fresh, runRiskMonitor(t, fresh, at).Opened)
	require.Len(t, both, 1)
	b := both["agent:ann"]
	require.Equal(t, []string{quality.TrainingSignalQA, quality.TrainingSignalReopens}, b.Details.Training.Signals)
	require.Equal(t, 56.0, b.Observed, "the QA figures lead")
	require.Equal(t, 50.0, b.Details.Training.Reopens.RatePct)
}
