package activities_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// What followed a resolution in resolveComplaint, when no one reopened it.
const (
	surveyOpen = "survey open" // the survey sent and not answered yet: the customer's verdict unknown
	fixHeld    = "fix held"    // the customer answered satisfied and the complaint closed verified
)

// resolveComplaint records a complaint owned by agent as resolved at resolvedAt, its
// survey sent, and then: surveyOpen, fixHeld, or a reopening an hour later by the
// actor named (complaint.ActorCustomer is the survey loop's reopening; a staff
// member's withdraws the survey before the customer answered). It returns the
// complaint's ID.
func resolveComplaint(t *testing.T, st *store.Store, agent string, resolvedAt time.Time, then string) string {
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
	record("survey_sent", "system", resolvedAt.Add(time.Minute), map[string]any{})
	switch then {
	case surveyOpen:
	case fixHeld:
		record("survey_answered", complaint.ActorCustomer, resolvedAt.Add(time.Hour), map[string]any{"survey": map[string]any{"csat": 5}})
		record("closed", complaint.ActorCustomer, resolvedAt.Add(time.Hour), map[string]any{"status": "closed"})
	default:
		record("reopened", then, resolvedAt.Add(time.Hour), map[string]any{"status": "in_progress", "round": 1})
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
// the 10 complaints she resolved in the last 30 days (20 %), the other fixes held — a
// blue alert about ann for nina, naming the reopen rate, the reopened complaints and
// the threshold. bob's 3 reopenings of his own are no verdict of the customer's:
// with 1 by a customer and 6 fixes held, his are 1 of 7 judged. 9 resolutions, or 1
// customer reopening of ann's less, open nothing.
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
				then := fixHeld
				if i < c.reopened {
					then = complaint.ActorCustomer
				}
				id := resolveComplaint(t, st, "ann", at.Add(-time.Duration(c.resolved-i)*48*time.Hour), then)
				if then == complaint.ActorCustomer {
					reopened = append(reopened, id)
				}
			}
			for i := range 10 {
				then := map[int]string{0: complaint.ActorCustomer, 1: "bob", 2: "bob", 3: "nina"}[i]
				resolveComplaint(t, st, "bob", at.Add(-time.Duration(i+1)*48*time.Hour), cmp.Or(then, fixHeld))
			}
			resolveComplaint(t, st, "ann", at.Add(-31*24*time.Hour), complaint.ActorCustomer) // before the window

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
			require.Equal(t, 17.65, a.Baseline, "3 of every agent's 17 judged resolutions")
			require.Equal(t, 20.0, a.Threshold)
			tr := a.Details.Training
			require.Equal(t, []string{quality.TrainingSignalReopens}, tr.Signals)
			require.Equal(t, &quality.ReopenEvidence{Resolved: 10, Reopened: 2, RatePct: 20, Everyone: 17.65, Threshold: 20,
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
		resolveComplaint(t, st, "ann", at.Add(-time.Duration(i+1)*48*time.Hour), fixHeld)
	}
	first := trainingGaps(t, st, runRiskMonitor(t, st, at).Opened)
	require.Len(t, first, 1)
	a := first["agent:ann"]
	require.Equal(t, []string{quality.TrainingSignalQA}, a.Details.Training.Signals)
	require.Equal(t, 0.0, a.Details.Training.Reopens.RatePct, "judged, not fired")

	for i := range 3 {
		resolveComplaint(t, st, "ann", at.Add(time.Duration(i)*time.Minute), complaint.ActorCustomer)
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
		resolveComplaint(t, fresh, "ann", at.Add(-time.Duration(i+1)*48*time.Hour),
			map[bool]string{true: complaint.ActorCustomer, false: fixHeld}[i < 5])
	}
	both := trainingGaps(t, fresh, runRiskMonitor(t, fresh, at).Opened)
	require.Len(t, both, 1)
	b := both["agent:ann"]
	require.Equal(t, []string{quality.TrainingSignalQA, quality.TrainingSignalReopens}, b.Details.Training.Signals)
	require.Equal(t, 56.0, b.Observed, "the QA figures lead")
	require.Equal(t, 50.0, b.Details.Training.Reopens.RatePct)
}

// A resolution whose survey is still open has no verdict yet: of ann's 10
// resolutions, 2 reopened by the customer, 3 holding (one closed on the customer's
// answer, one on the survey's expiry, one by the agent) and 5 awaiting the survey,
// the rate is 2 of the 5 judged (40 %) — a gap once training_min_resolutions is 5,
// no verdict under the default 10 (counted as holding, the 5 would read 2 of 10).
func TestTheReopenRateCountsOnlyResolutionsTheCustomerJudged(t *testing.T) {
	at := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	for _, minimum := range []int64{10, 6, 5} {
		t.Run(fmt.Sprintf("at least %d resolutions", minimum), func(t *testing.T) {
			st := trainingSetup(t)
			th := quality.DefaultRiskThresholds()
			th.TrainingMinResolutions = minimum
			_, err := st.PutRiskThresholds(context.Background(), th, "test", at.Add(-time.Hour), nil)
			require.NoError(t, err)
			day := func(i int) time.Time { return at.Add(-time.Duration(i+1) * 48 * time.Hour) }
			var reopened []string
			for i := range 2 {
				reopened = append([]string{resolveComplaint(t, st, "ann", day(i), complaint.ActorCustomer)}, reopened...)
			}
			resolveComplaint(t, st, "ann", day(2), fixHeld)
			expired := resolveComplaint(t, st, "ann", day(3), surveyOpen)
			_, err = st.DB().Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
				VALUES ($1::uuid, $1::text || '/survey_expired', 'survey_expired', 'system', $2, '{}'),
				       ($1::uuid, $1::text || '/closed', 'closed', 'system', $2, '{}')`,
				expired, day(3).Add(72*time.Hour))
			require.NoError(t, err)
			closedByAgent := resolveComplaint(t, st, "ann", day(4), surveyOpen)
			_, err = st.DB().Exec(`INSERT INTO complaint_events (complaint_id, idempotency_key, kind, actor, occurred_at, data)
				VALUES ($1::uuid, $1::text || '/closed', 'closed', 'ann', $2, '{}')`, closedByAgent, day(4).Add(time.Hour))
			require.NoError(t, err)
			for i := range 5 {
				resolveComplaint(t, st, "ann", at.Add(-time.Duration(i+1)*time.Hour), surveyOpen)
			}

			gaps := trainingGaps(t, st, runRiskMonitor(t, st, at).Opened)
			if minimum > 5 {
				require.Empty(t, gaps, "5 judged resolutions are too few")
				return
			}
			require.Len(t, gaps, 1)
			a := gaps["agent:ann"]
			require.Equal(t, quality.Blue, a.Grade)
			require.Equal(t, 40.0, a.Observed)
			require.Equal(t, &quality.ReopenEvidence{Resolved: 5, Reopened: 2, RatePct: 40, Everyone: 40, Threshold: 20,
				Complaints: reopened}, a.Details.Training.Reopens)
		})
	}
}
