package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// ClassificationRule is a row of classification_rules: a keyword rule of the
// feedback classifier. The store keeps rules as data; the API compiles them (the
// store does not link the segmenter, so the worker stays small).
type ClassificationRule struct {
	ID        int64          `db:"id"`
	Dimension string         `db:"dimension"`
	Value     string         `db:"value"`
	Keywords  pq.StringArray `db:"keywords"`
	Priority  int            `db:"priority"`
	UpdatedAt time.Time      `db:"updated_at"`
	UpdatedBy string         `db:"updated_by"`
}

// ClassificationRules lists the rule set in the order it was given.
func (s *Store) ClassificationRules(ctx context.Context) ([]ClassificationRule, error) {
	const q = `SELECT id, dimension, value, keywords, priority, updated_at, updated_by
		FROM classification_rules ORDER BY id`
	var rs []ClassificationRule
	if err := s.db.SelectContext(ctx, &rs, q); err != nil {
		return nil, fmt.Errorf("list classification rules: %w", err)
	}
	return rs, nil
}

// RulesVersion is the version of a rule set: the latest updated_at of its rules
// (a set is replaced whole, so every rule of it has the same one); the zero time
// for no rules.
func RulesVersion(rules []ClassificationRule) time.Time {
	return latest(rules, func(r ClassificationRule) time.Time { return r.UpdatedAt })
}

// latest is the latest of the items' times: a set's version (the zero time for none).
func latest[T any](items []T, at func(T) time.Time) time.Time {
	var v time.Time
	for _, it := range items {
		if t := at(it); t.After(v) {
			v = t
		}
	}
	return v
}

// ReplaceClassificationRules swaps the whole rule set in one transaction, so a
// reader sees the old set or the new one, never a mix. With a version (see
// ErrStale) the set is replaced only if it is still that version, else ErrStale
// and the set as it is.
func (s *Store) ReplaceClassificationRules(ctx context.Context, rules []ClassificationRule, by string, version *time.Time) ([]ClassificationRule, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("replace classification rules: %w", err)
	}
	defer tx.Rollback()
	// Lock out a concurrent replacement: two interleaved sets would merge.
	if _, err := tx.ExecContext(ctx, `LOCK TABLE classification_rules IN EXCLUSIVE MODE`); err != nil {
		return nil, fmt.Errorf("replace classification rules: %w", err)
	}
	if version != nil {
		var now []ClassificationRule
		if err := tx.SelectContext(ctx, &now, `SELECT id, dimension, value, keywords, priority, updated_at, updated_by
			FROM classification_rules ORDER BY id`); err != nil {
			return nil, fmt.Errorf("replace classification rules: %w", err)
		}
		if !RulesVersion(now).Equal(*version) {
			return now, ErrStale
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM classification_rules`); err != nil {
		return nil, fmt.Errorf("replace classification rules: %w", err)
	}
	const insert = `INSERT INTO classification_rules (dimension, value, keywords, priority, updated_by)
		VALUES ($1, $2, $3, $4, $5)`
	for i, r := range rules {
		if _, err := tx.ExecContext(ctx, insert, r.Dimension, r.Value, r.Keywords, r.Priority, by); err != nil {
			return nil, fmt.Errorf("insert classification rule %d: %w", i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("replace classification rules: %w", err)
	}
	return s.ClassificationRules(ctx)
}

// Heat-map sources.
const (
	HeatmapComplaints = "complaints"
	HeatmapFeedback   = "feedback"
	HeatmapAll        = "all"
)

// HeatmapQuery selects what the heat map counts: keywords stored at intake in
// [From, To), from complaints (by category), feedback (by problem type) or both.
type HeatmapQuery struct {
	From, To time.Time
	Source   string
	// Limit is the number of keywords, the most frequent first.
	Limit int
}

// HeatCell is how many complaints or feedback of a category mention a keyword;
// Total is the keyword's count over all categories.
type HeatCell struct {
	Keyword  string `db:"keyword"`
	Category string `db:"category"`
	Count    int    `db:"n"`
	Total    int    `db:"total"`
}

// Heatmap counts keyword × category over the period, one row per non-empty cell, the
// most frequent keywords first. With source "all", feedback that was filed as a
// complaint counts once, through its complaint.
func (s *Store) Heatmap(ctx context.Context, hq HeatmapQuery) ([]HeatCell, error) {
	ctx = planEachRun(ctx)
	const q = `WITH src AS (
			SELECT category, keywords FROM complaints
			WHERE $3 IN ('complaints', 'all') AND created_at >= $1 AND created_at < $2
			UNION ALL
			SELECT problem_type, keywords FROM feedback
			WHERE received_at >= $1 AND received_at < $2
				AND ($3 = 'feedback' OR ($3 = 'all' AND disposition <> 'complaint'))
		), cells AS (
			SELECT k AS keyword, category, count(*) AS n FROM src, unnest(keywords) AS k GROUP BY k, category
		), top AS (
			SELECT keyword, sum(n) AS total FROM cells GROUP BY keyword
			ORDER BY total DESC, keyword COLLATE "C" LIMIT $4
		)
		SELECT cells.keyword, cells.category, cells.n, top.total
		FROM cells JOIN top USING (keyword)
		ORDER BY top.total DESC, cells.keyword COLLATE "C", cells.n DESC, cells.category`
	var cells []HeatCell
	if err := s.db.SelectContext(ctx, &cells, q, hq.From, hq.To, hq.Source, hq.Limit); err != nil {
		return nil, fmt.Errorf("heat map: %w", err)
	}
	return cells, nil
}
