package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The insight report's aggregates on a hand-computed fixture. Period: February
// 2026 (UTC); the period before: January.
//
//	complaints  Jan 31 23:59:59 [late]            root cause —
//	            Feb 1 00:00     [late, 物流慢]     logistics "Courier shortage"
//	            Feb 10          [物流慢]           logistics " courier SHORTAGE "
//	            Feb 20          [破损]             product   "packaging"
//	            Mar 1 00:00     [破损]             product   "packaging"   (after)
//	feedback    Jan 15 [夜间配送], Feb 2 [夜间配送, app], Feb 3 [夜间配送]
//
// complaint keywords: 物流慢 2/0, late 1/1, 破损 1/0 (now desc, then keyword:
// "late" < "破损" bytewise); feedback: 夜间配送 2/1, app 1/0. Root causes:
// logistics "courier shortage" 2, product "packaging" 1.
func TestInsightAggregatesMatchTheHandComputedFixture(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	prev := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	from, to := prev.AddDate(0, 1, 0), prev.AddDate(0, 2, 0)
	complaint := func(at time.Time, category, rootCause string, keywords ...string) {
		id := uuid.NewString()
		_, err := st.DB().Exec(`INSERT INTO complaints (id, external_id, request_hash, workflow_id, channel, customer_id,
				customer_name, customer_tier, category, urgency, subject, description, sla_first_response_seconds,
				created_at, first_response_due_at, keywords, root_cause)
			VALUES ($1, $2, 'h', $3, 'web', 'c', 'n', 'low', $6, 'low', 's', 'd', 60, $4, $4, $5, NULLIF($7, ''))`,
			id, "in-"+id, "complaint:"+id, at, pq.StringArray(keywords), category, rootCause)
		require.NoError(t, err)
	}
	complaint(from.Add(-time.Second), "logistics", "", "late")
	complaint(from, "logistics", "Courier shortage", "late", "物流慢")
	complaint(from.AddDate(0, 0, 9), "logistics", " courier SHORTAGE ", "物流慢")
	complaint(from.AddDate(0, 0, 19), "product", "packaging", "破损")
	complaint(to, "product", "packaging", "破损")
	feedback := func(at time.Time, keywords ...string) {
		f := newFeedback("", "recorded", keywords...)
		_, _, err := st.CreateFeedback(ctx, f)
		require.NoError(t, err)
		_, err = st.DB().Exec(`UPDATE feedback SET received_at = $2 WHERE id = $1`, f.ID, at)
		require.NoError(t, err)
	}
	feedback(prev.AddDate(0, 0, 14), "夜间配送")
	feedback(from.AddDate(0, 0, 1), "夜间配送", "app")
	feedback(from.AddDate(0, 0, 2), "夜间配送")

	got, err := st.KeywordTrends(ctx, "complaints", prev, from, to, 10)
	require.NoError(t, err)
	require.Equal(t, []quality.KeywordTrend{{Keyword: "物流慢", Now: 2, Before: 0}, {Keyword: "late", Now: 1, Before: 1}, {Keyword: "破损", Now: 1, Before: 0}}, got)
	got, err = st.KeywordTrends(ctx, "complaints", prev, from, to, 1)
	require.NoError(t, err)
	require.Len(t, got, 1)
	got, err = st.KeywordTrends(ctx, "feedback", prev, from, to, 10)
	require.NoError(t, err)
	require.Equal(t, []quality.KeywordTrend{{Keyword: "夜间配送", Now: 2, Before: 1}, {Keyword: "app", Now: 1, Before: 0}}, got)
	_, err = st.KeywordTrends(ctx, "people", prev, from, to, 10)
	require.Error(t, err)

	causes, err := st.RootCauses(ctx, from, to)
	require.NoError(t, err)
	require.Equal(t, []quality.RootCauseCount{{Category: "logistics", RootCause: "courier shortage", Complaints: 2}, {Category: "product", RootCause: "packaging", Complaints: 1}}, causes)
}

// The improvement list's tracking at a period's end: 4 items — created in January
// and overdue (due 2026-02-27, owner olga), created in February without owner or
// due date, created in February and done in February, created in March (after).
// Open 2, overdue 1, unassigned 1, done 1; February's suggestions are 2 items.
func TestBacklogTrackingAndSuggestions(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	_, err := st.DB().ExecContext(ctx, `INSERT INTO people (id, name, role, updated_by) VALUES ('olga', 'Olga', 'agent', 't')`)
	require.NoError(t, err)
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	item := func(created time.Time, c store.BacklogChange) string {
		f := newFeedback("", "backlog")
		_, _, err := st.CreateFeedback(ctx, f)
		require.NoError(t, err)
		_, err = st.DB().Exec(`UPDATE improvement_backlog SET created_at = $2 WHERE id = $1`, f.BacklogID, created)
		require.NoError(t, err)
		if c.Status != nil || c.Owner != nil || c.DueOn != nil {
			changeBacklog(t, st, f.BacklogID, c)
		}
		return f.BacklogID
	}
	item(from.AddDate(0, 0, -5), store.BacklogChange{Owner: ptr("olga"), DueOn: ptr("2026-02-27"), By: "q"})
	second := item(from.AddDate(0, 0, 3), store.BacklogChange{})
	done := item(from.AddDate(0, 0, 4), store.BacklogChange{Status: ptr("done"), By: "q"})
	_, err = st.DB().Exec(`UPDATE improvement_backlog SET done_at = $2 WHERE id = $1`, done, from.AddDate(0, 0, 20))
	require.NoError(t, err)
	item(to.Add(time.Hour), store.BacklogChange{})

	got, err := st.BacklogTracking(ctx, from, to, "UTC")
	require.NoError(t, err)
	require.Equal(t, quality.BacklogTracking{Open: 2, Overdue: 1, Unassigned: 1, Done: 1}, got)
	items, err := st.BacklogSuggestions(ctx, from, to)
	require.NoError(t, err)
	require.Len(t, items, 2)
	require.Equal(t, second, items[0].ID)
	require.Equal(t, done, items[1].ID)
}
