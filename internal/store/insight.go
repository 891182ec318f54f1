package store

import (
	"context"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The customer-needs insight report's aggregates (002 §2.1, §7.3).

// KeywordTrends counts the keywords carried by complaints (source "complaints") or
// feedback ("feedback") received in [from, to) and in [prevFrom, from), the most
// frequent now first, at most limit keywords carried in the period.
func (s *Store) KeywordTrends(ctx context.Context, source string, prevFrom, from, to time.Time, limit int) ([]quality.KeywordTrend, error) {
	ctx = planEachRun(ctx)
	table, at := "complaints", "created_at"
	switch source {
	case "complaints":
	case "feedback":
		table, at = "feedback", "received_at"
	default:
		return nil, fmt.Errorf("keyword trends of %q: not complaints or feedback", source)
	}
	q := `SELECT k AS keyword,
			count(*) FILTER (WHERE ` + at + ` >= $2) AS now,
			count(*) FILTER (WHERE ` + at + ` < $2) AS before
		FROM ` + table + `, unnest(keywords) AS k
		WHERE ` + at + ` >= $1 AND ` + at + ` < $3
		GROUP BY k HAVING count(*) FILTER (WHERE ` + at + ` >= $2) > 0
		ORDER BY now DESC, keyword LIMIT $4`
	out := []quality.KeywordTrend{}
	if err := s.db.SelectContext(ctx, &out, q, prevFrom, from, to, limit); err != nil {
		return nil, fmt.Errorf("keyword trends of %s: %w", source, err)
	}
	return out, nil
}

// RootCauses counts the root causes of the complaints opened in [from, to) that
// have one, by category, the most frequent first.
func (s *Store) RootCauses(ctx context.Context, from, to time.Time) ([]quality.RootCauseCount, error) {
	ctx = planEachRun(ctx)
	const q = `SELECT category, lower(btrim(root_cause)) AS root_cause, count(*) AS complaints
		FROM complaints
		WHERE created_at >= $1 AND created_at < $2 AND btrim(COALESCE(root_cause, '')) <> ''
		GROUP BY category, lower(btrim(root_cause))
		ORDER BY complaints DESC, category, root_cause`
	out := []quality.RootCauseCount{}
	if err := s.db.SelectContext(ctx, &out, q, from, to); err != nil {
		return nil, fmt.Errorf("root causes: %w", err)
	}
	return out, nil
}

// BacklogSuggestions lists the backlog items created in [from, to), oldest first.
func (s *Store) BacklogSuggestions(ctx context.Context, from, to time.Time) ([]BacklogItem, error) {
	ctx = planEachRun(ctx)
	q := `SELECT ` + backlogColumns + ` FROM improvement_backlog
		WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id`
	out := []BacklogItem{}
	if err := s.db.SelectContext(ctx, &out, q, from, to); err != nil {
		return nil, fmt.Errorf("backlog suggestions: %w", err)
	}
	return out, nil
}

// BacklogTracking counts the improvement list as it stood at to: items created
// before it and not done or rejected (open), those due before the day of to in
// zone (overdue) and without an owner (unassigned), and the items done in
// [from, to). An item's status is its current one: the list keeps no history.
func (s *Store) BacklogTracking(ctx context.Context, from, to time.Time, zone string) (quality.BacklogTracking, error) {
	ctx = planEachRun(ctx)
	const q = `SELECT
			count(*) FILTER (WHERE open) AS open,
			count(*) FILTER (WHERE open AND due_on < CAST(timezone($3, $2) AS date)) AS overdue,
			count(*) FILTER (WHERE open AND owner IS NULL) AS unassigned,
			count(*) FILTER (WHERE done_at >= $1 AND done_at < $2) AS done
		FROM (SELECT *, created_at < $2 AND status IN ('new', 'planned') AS open FROM improvement_backlog) b`
	var t quality.BacklogTracking
	if err := s.db.GetContext(ctx, &t, q, from, to, zone); err != nil {
		return t, fmt.Errorf("backlog tracking: %w", err)
	}
	return t, nil
}
