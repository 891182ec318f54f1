package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

func weeklySchedule() store.ReviewSchedule {
	return store.ReviewSchedule{ID: "weekly", Kind: quality.WeeklyTracking, CronSpec: "0 9 * * MON",
		TimeZone: "Asia/Shanghai", Note: "Monday stand-up", CreatedBy: "ann"}
}

// applyCounter is an Apply that counts its calls and fails when told to.
type applyCounter struct {
	calls, undos int
	fail         error
}

func (a *applyCounter) apply(store.ReviewSchedule) (func(), error) {
	a.calls++
	if a.fail != nil {
		return nil, a.fail
	}
	return func() { a.undos++ }, nil
}

func TestCreateReviewScheduleIsIdempotentAndCommitsOnlyAfterApply(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)

	// Temporal refuses: no row.
	down := &applyCounter{fail: errors.New("temporal unavailable")}
	_, _, err := st.CreateReviewSchedule(ctx, weeklySchedule(), down.apply)
	require.ErrorContains(t, err, "temporal unavailable")
	_, err = st.ReviewSchedule(ctx, "weekly")
	require.ErrorIs(t, err, store.ErrNotFound, "the row rolled back with the failed apply")

	ok := &applyCounter{}
	row, created, err := st.CreateReviewSchedule(ctx, weeklySchedule(), ok.apply)
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, 1, ok.calls)
	require.Equal(t, 0, ok.undos)
	require.Equal(t, "ann", row.CreatedBy)
	require.Equal(t, "ann", row.UpdatedBy)
	require.False(t, row.CreatedAt.IsZero())

	// The same definition again (by someone else): the stored row, no second apply.
	again := weeklySchedule()
	again.CreatedBy = "bob"
	got, created, err := st.CreateReviewSchedule(ctx, again, ok.apply)
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, row, got)
	require.Equal(t, 1, ok.calls)

	// Another definition under the same id.
	other := weeklySchedule()
	other.CronSpec = "0 10 * * MON"
	_, _, err = st.CreateReviewSchedule(ctx, other, ok.apply)
	require.ErrorIs(t, err, store.ErrConflict)
	require.Equal(t, 1, ok.calls)

	all, err := st.ReviewSchedules(ctx)
	require.NoError(t, err)
	require.Equal(t, []store.ReviewSchedule{row}, all)
}

func TestUpdateAndDeleteReviewScheduleFollowApply(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	row, _, err := st.CreateReviewSchedule(ctx, weeklySchedule(), nil)
	require.NoError(t, err)

	change := func(a *applyCounter) func(store.ReviewSchedule) (store.ReviewSchedule, store.Apply, error) {
		return func(old store.ReviewSchedule) (store.ReviewSchedule, store.Apply, error) {
			next := old
			next.CronSpec, next.Paused, next.UpdatedBy = "0 8 * * MON", true, "carl"
			return next, a.apply, nil
		}
	}
	_, err = st.UpdateReviewSchedule(ctx, "weekly", change(&applyCounter{fail: errors.New("temporal unavailable")}))
	require.ErrorContains(t, err, "temporal unavailable")
	unchanged, err := st.ReviewSchedule(ctx, "weekly")
	require.NoError(t, err)
	require.Equal(t, row, unchanged)

	ok := &applyCounter{}
	updated, err := st.UpdateReviewSchedule(ctx, "weekly", change(ok))
	require.NoError(t, err)
	require.Equal(t, 1, ok.calls)
	require.Equal(t, "0 8 * * MON", updated.CronSpec)
	require.True(t, updated.Paused)
	require.Equal(t, "carl", updated.UpdatedBy)
	require.Equal(t, "ann", updated.CreatedBy)
	require.Equal(t, "Asia/Shanghai", updated.TimeZone)

	_, err = st.UpdateReviewSchedule(ctx, "nope", change(ok))
	require.ErrorIs(t, err, store.ErrNotFound)
	require.Equal(t, 1, ok.calls, "no apply for an unknown schedule")

	require.ErrorContains(t, st.DeleteReviewSchedule(ctx, "weekly", nil, (&applyCounter{fail: errors.New("down")}).apply), "down")
	_, err = st.ReviewSchedule(ctx, "weekly")
	require.NoError(t, err, "the row stays while Temporal refuses")
	require.NoError(t, st.DeleteReviewSchedule(ctx, "weekly", nil, ok.apply))
	_, err = st.ReviewSchedule(ctx, "weekly")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, st.DeleteReviewSchedule(ctx, "weekly", nil, ok.apply), store.ErrNotFound)
}

func TestReviewRulesDefaultAndOverlay(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	rules, err := st.ReviewRules(ctx)
	require.NoError(t, err)
	require.Equal(t, quality.ReviewRules{
		ResolutionRateEnabled: true, ResolutionRateTargetPct: 80, SLAComplianceEnabled: true, SLAComplianceTargetPct: 90,
		KeywordClusterEnabled: true, KeywordClusterMin: 20, CSATDropEnabled: true, CSATDropPoints: 5,
		MinVolume: 10, CheckSpec: "0 9 1,15 * *", MaxIterations: 6,
	}, rules)

	rules.ResolutionRateTargetPct, rules.CSATDropEnabled = 75.5, false
	if _, err := st.PutReviewRules(ctx, rules, "test", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	got, err := st.ReviewRules(ctx)
	require.NoError(t, err)
	require.Equal(t, rules, got)

	// A document stored before a rule existed: that rule keeps its default.
	_, err = st.DB().Exec(`UPDATE settings SET value = '{"min_volume": 3}' WHERE name = 'review_rules'`)
	require.NoError(t, err)
	got, err = st.ReviewRules(ctx)
	require.NoError(t, err)
	want := quality.DefaultReviewRules()
	want.MinVolume = 3
	require.Equal(t, want, got)
}

func TestRecordReviewRewritesUntilFinished(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	from := time.Date(2026, 1, 31, 16, 0, 0, 0, time.UTC)
	r := quality.Review{ID: "review:m-1", ScheduleID: "m", Kind: quality.MonthlyPlanning, TimeZone: "Asia/Shanghai",
		PeriodFrom: from, PeriodTo: from.AddDate(0, 1, 0), StartedAt: from.AddDate(0, 1, 0).Add(9 * time.Hour),
		Metrics: `{"current": 1}`, Opportunities: `[{"key": "a"}]`}
	require.NoError(t, st.RecordReview(ctx, r))
	r.Metrics = `{"current": 2}` // a retry that computed again
	require.NoError(t, st.RecordReview(ctx, r))
	got, err := st.Review(ctx, r.ID)
	require.NoError(t, err)
	require.JSONEq(t, `{"current": 2}`, got.Metrics)
	require.JSONEq(t, `[]`, got.Cycles)
	require.Nil(t, got.FinishedAt)

	done := r.StartedAt.Add(time.Minute)
	require.NoError(t, st.FinishReview(ctx, r.ID, `[{"key": "a", "cycle_id": "c"}]`, "summary", done))
	require.NoError(t, st.FinishReview(ctx, r.ID, `[]`, "another", done.Add(time.Hour)), "finishing again is a no-op")
	r.Metrics = `{"current": 3}`
	require.NoError(t, st.RecordReview(ctx, r), "a late retry changes nothing")
	got, err = st.Review(ctx, r.ID)
	require.NoError(t, err)
	require.JSONEq(t, `{"current": 2}`, got.Metrics)
	require.JSONEq(t, `[{"key": "a", "cycle_id": "c"}]`, got.Opportunities)
	require.Equal(t, "summary", got.Summary)
	require.NotNil(t, got.FinishedAt)
	require.True(t, got.FinishedAt.Equal(done))
	require.True(t, got.PeriodFrom.Equal(from))

	require.ErrorIs(t, st.FinishReview(ctx, "review:none", "", "x", done), store.ErrNotFound)
	_, err = st.Review(ctx, "review:none")
	require.ErrorIs(t, err, store.ErrNotFound)

	// Weekly: "" keeps the opportunities recorded.
	w := quality.Review{ID: "review:w-1", ScheduleID: "w", Kind: quality.WeeklyTracking, TimeZone: "UTC",
		PeriodFrom: from, PeriodTo: from.AddDate(0, 0, 7), StartedAt: from.AddDate(0, 0, 8), Cycles: `[{"id": "c"}]`}
	require.NoError(t, st.RecordReview(ctx, w))
	require.NoError(t, st.FinishReview(ctx, w.ID, "", "weekly summary", w.StartedAt))
	got, err = st.Review(ctx, w.ID)
	require.NoError(t, err)
	require.JSONEq(t, `[]`, got.Opportunities)
	require.JSONEq(t, `[{"id": "c"}]`, got.Cycles)

	// Newest first, by kind, a page at a time.
	list, err := st.Reviews(ctx, store.ReviewFilter{Limit: 10})
	require.NoError(t, err)
	require.Equal(t, []string{"review:m-1", "review:w-1"}, reviewIDs(list))
	list, err = st.Reviews(ctx, store.ReviewFilter{Kind: "weekly_tracking", Limit: 10})
	require.NoError(t, err)
	require.Equal(t, []string{"review:w-1"}, reviewIDs(list))
	list, err = st.Reviews(ctx, store.ReviewFilter{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"review:m-1"}, reviewIDs(list))
	list, err = st.Reviews(ctx, store.ReviewFilter{Limit: 1, AfterStarted: list[0].StartedAt, AfterID: list[0].ID})
	require.NoError(t, err)
	require.Equal(t, []string{"review:w-1"}, reviewIDs(list))
}

func reviewIDs(rs []quality.Review) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestKeywordCountsAtTheClusterSize(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	insert := func(at time.Time, keywords ...string) {
		id := uuid.NewString()
		_, err := st.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
				customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
				created_at, first_response_due_at, keywords)
			VALUES ($1, $2, 'h', $3, 'web', 'c', 'n', 'low', 'logistics', 'low', 's', 'd', 60, $4, $4, $5)`,
			id, "kw-"+id, "complaint:"+id, at, pq.StringArray(keywords))
		require.NoError(t, err)
	}
	for i := 0; i < 3; i++ {
		insert(from.Add(time.Duration(i)*time.Hour), "物流慢", "late")
	}
	insert(to.Add(-time.Second), "物流慢")
	insert(to, "late", "late-next-month")  // at `to`: not in the period
	insert(from.Add(-time.Second), "late") // before the period

	got, err := st.KeywordCounts(ctx, from, to, 3)
	require.NoError(t, err)
	require.Equal(t, []quality.KeywordCount{{Keyword: "物流慢", Complaints: 4}, {Keyword: "late", Complaints: 3}}, got)
	got, err = st.KeywordCounts(ctx, from, to, 4)
	require.NoError(t, err)
	require.Equal(t, []quality.KeywordCount{{Keyword: "物流慢", Complaints: 4}}, got)
}

func TestOpenCyclesListsCyclesNotClosed(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	progress := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	open1, open2, closed := uuid.NewString(), uuid.NewString(), uuid.NewString()
	for _, c := range []struct {
		id, title, stage string
		iteration        int
		progress         any
		closed           bool
	}{
		{open1, "Faster logistics", "do", 2, progress, false},
		{open2, "A keyword", "plan", 1, nil, false},
		{closed, "Done", "closed", 1, progress, true},
	} {
		var closedAt, outcome any
		if c.closed {
			closedAt, outcome = progress, "standardised"
		}
		_, err := st.DB().Exec(`INSERT INTO pdca_cycles (id, workflow_id, opportunity_key, title, metric, stage, iteration,
				last_progress_at, opened_at, closed_at, outcome)
			VALUES ($1, $2, $3, $4, 'resolution_rate_pct', $5, $6, $7, $8, $9, $10)`,
			c.id, "pdca:"+c.id, "k/"+c.id, c.title, c.stage, c.iteration, c.progress, progress.AddDate(0, -1, 0), closedAt, outcome)
		require.NoError(t, err)
	}
	got, err := st.OpenCycles(ctx)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, open2, got[0].ID)
	require.Equal(t, "A keyword", got[0].Title)
	require.Nil(t, got[0].LastProgressAt)
	require.Equal(t, open1, got[1].ID)
	require.Equal(t, "do", got[1].Stage)
	require.Equal(t, 2, got[1].Iteration)
	require.Equal(t, "resolution_rate_pct", got[1].Metric)
	require.NotNil(t, got[1].LastProgressAt)
	require.True(t, got[1].LastProgressAt.Equal(progress))
}
