package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// ReviewSchedule is a row of review_schedules: the definition of a Temporal
// Schedule that starts reviews (or the risk monitor).
type ReviewSchedule struct {
	ID        string               `db:"id"`
	Kind      quality.ScheduleKind `db:"kind"`
	CronSpec  string               `db:"cron_spec"`
	TimeZone  string               `db:"time_zone"`
	Paused    bool                 `db:"paused"`
	Note      string               `db:"note"`
	CreatedAt time.Time            `db:"created_at"`
	CreatedBy string               `db:"created_by"`
	UpdatedAt time.Time            `db:"updated_at"`
	UpdatedBy string               `db:"updated_by"`
}

// SameDefinition reports whether two schedules define the same thing (who and when
// aside): an idempotent retry of a create.
func (r ReviewSchedule) SameDefinition(o ReviewSchedule) bool {
	return r.ID == o.ID && r.Kind == o.Kind && r.CronSpec == o.CronSpec && r.TimeZone == o.TimeZone &&
		r.Paused == o.Paused && r.Note == o.Note
}

const reviewScheduleColumns = `id, kind, cron_spec, time_zone, paused, note, created_at, created_by, updated_at, updated_by`

// Apply is a change to the world outside PostgreSQL (the Temporal Schedule) made
// inside a store transaction: the row commits only if it succeeds, and undo (which
// may be nil) reverts it when the commit itself fails.
type Apply func(ReviewSchedule) (undo func(), err error)

// CreateReviewSchedule inserts the schedule and, holding the new row's lock, runs
// apply; the row commits only when apply succeeded. A schedule with the same ID
// already there is returned (created false) when its definition is the same, and is
// ErrConflict otherwise; apply does not run then. A concurrent create of the same ID
// waits for the first to commit or roll back.
func (s *Store) CreateReviewSchedule(ctx context.Context, rs ReviewSchedule, apply Apply) (ReviewSchedule, bool, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return rs, false, fmt.Errorf("create review schedule: %w", err)
	}
	defer tx.Rollback()
	const insert = `INSERT INTO review_schedules (id, kind, cron_spec, time_zone, paused, note, created_by, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		ON CONFLICT (id) DO NOTHING RETURNING ` + reviewScheduleColumns
	var row ReviewSchedule
	err = tx.GetContext(ctx, &row, insert, rs.ID, rs.Kind, rs.CronSpec, rs.TimeZone, rs.Paused, rs.Note, rs.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		tx.Rollback()
		existing, err := s.ReviewSchedule(ctx, rs.ID)
		if err != nil {
			return rs, false, err
		}
		if !existing.SameDefinition(rs) {
			return existing, false, fmt.Errorf("review schedule %q exists with another definition: %w", rs.ID, ErrConflict)
		}
		return existing, false, nil
	}
	if err != nil {
		return rs, false, fmt.Errorf("insert review schedule: %w", err)
	}
	if err := commitAfter(tx.Commit, row, apply); err != nil {
		return rs, false, fmt.Errorf("create review schedule %s: %w", rs.ID, err)
	}
	return row, true, nil
}

// UpdateReviewSchedule locks the schedule, lets change compute the new definition
// and apply it outside, and writes it; ErrNotFound for an unknown ID. The row is
// unchanged unless change succeeded.
func (s *Store) UpdateReviewSchedule(ctx context.Context, id string, change func(ReviewSchedule) (ReviewSchedule, Apply, error)) (ReviewSchedule, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return ReviewSchedule{}, fmt.Errorf("update review schedule: %w", err)
	}
	defer tx.Rollback()
	var old ReviewSchedule
	err = tx.GetContext(ctx, &old, `SELECT `+reviewScheduleColumns+` FROM review_schedules WHERE id = $1 FOR UPDATE`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return old, ErrNotFound
	}
	if err != nil {
		return old, fmt.Errorf("read review schedule: %w", err)
	}
	next, apply, err := change(old)
	if err != nil {
		return old, err
	}
	const update = `UPDATE review_schedules SET cron_spec = $2, time_zone = $3, paused = $4, note = $5,
			updated_at = now(), updated_by = $6
		WHERE id = $1 RETURNING ` + reviewScheduleColumns
	var row ReviewSchedule
	if err := tx.GetContext(ctx, &row, update, id, next.CronSpec, next.TimeZone, next.Paused, next.Note, next.UpdatedBy); err != nil {
		return old, fmt.Errorf("update review schedule: %w", err)
	}
	if err := commitAfter(tx.Commit, row, apply); err != nil {
		return old, fmt.Errorf("update review schedule %s: %w", id, err)
	}
	return row, nil
}

// DeleteReviewSchedule locks the schedule, runs apply (which deletes the Temporal
// Schedule) and deletes the row; ErrNotFound for an unknown ID. With a version,
// only if the schedule is still that version (ErrStale, before apply, otherwise).
func (s *Store) DeleteReviewSchedule(ctx context.Context, id string, version *time.Time, apply Apply) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete review schedule: %w", err)
	}
	defer tx.Rollback()
	var row ReviewSchedule
	err = tx.GetContext(ctx, &row, `DELETE FROM review_schedules WHERE id = $1 AND ($2::timestamptz IS NULL OR updated_at = $2)
		RETURNING `+reviewScheduleColumns, id, version)
	if errors.Is(err, sql.ErrNoRows) {
		return goneOrStale(version, func() error { _, err := s.ReviewSchedule(ctx, id); return err })
	}
	if err != nil {
		return fmt.Errorf("delete review schedule: %w", err)
	}
	if err := commitAfter(tx.Commit, row, apply); err != nil {
		return fmt.Errorf("delete review schedule %s: %w", id, err)
	}
	return nil
}

// commitAfter runs apply, then commits; a failed commit undoes what apply did.
func commitAfter(commit func() error, row ReviewSchedule, apply Apply) error {
	var undo func()
	if apply != nil {
		var err error
		if undo, err = apply(row); err != nil {
			return err
		}
	}
	if err := commit(); err != nil {
		if undo != nil {
			undo()
		}
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// ReviewSchedule reads one schedule.
func (s *Store) ReviewSchedule(ctx context.Context, id string) (ReviewSchedule, error) {
	var rs ReviewSchedule
	err := s.db.GetContext(ctx, &rs, `SELECT `+reviewScheduleColumns+` FROM review_schedules WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return rs, ErrNotFound
	}
	if err != nil {
		return rs, fmt.Errorf("read review schedule: %w", err)
	}
	return rs, nil
}

// ReviewSchedules lists every schedule by ID; there are a handful per company.
func (s *Store) ReviewSchedules(ctx context.Context) ([]ReviewSchedule, error) {
	out := []ReviewSchedule{}
	if err := s.db.SelectContext(ctx, &out, `SELECT `+reviewScheduleColumns+` FROM review_schedules ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list review schedules: %w", err)
	}
	return out, nil
}

// ReviewRulesSetting names the opportunity rules in the settings table.
const ReviewRulesSetting = "review_rules"

// ReviewRules reads the rules: the defaults overlaid with what was stored, so a rule
// added later starts at its default.
func (s *Store) ReviewRules(ctx context.Context) (quality.ReviewRules, error) {
	rules, _, err := s.VersionedReviewRules(ctx)
	return rules, err
}

// reviewRules is the opportunity rules' document.
var reviewRules = document[quality.ReviewRules]{ReviewRulesSetting, quality.DefaultReviewRules}

// VersionedReviewRules reads the rules and, in the same read, their version.
func (s *Store) VersionedReviewRules(ctx context.Context) (quality.ReviewRules, Version, error) {
	return reviewRules.read(ctx, s)
}

// PutReviewRules replaces the rules (see document.write).
func (s *Store) PutReviewRules(ctx context.Context, rules quality.ReviewRules, by string, at time.Time, version *time.Time) (Version, error) {
	return reviewRules.write(ctx, s, rules, by, at, version)
}

const reviewColumns = `id, schedule_id, kind, time_zone, period_from, period_to, started_at, finished_at,
	CAST(metrics AS text) AS metrics, CAST(opportunities AS text) AS opportunities, CAST(cycles AS text) AS cycles, summary`

// RecordReview writes what a review found, keyed by its ID: a retried activity
// rewrites the row with what it computed (which is what the workflow acts on), until
// the review is finished.
func (s *Store) RecordReview(ctx context.Context, r quality.Review) error {
	const q = `INSERT INTO reviews (id, schedule_id, kind, time_zone, period_from, period_to, started_at,
			metrics, opportunities, cycles, summary)
		VALUES ($1, $2, $3, $4, $5, $6, $7, CAST($8 AS jsonb), CAST($9 AS jsonb), CAST($10 AS jsonb), $11)
		ON CONFLICT (id) DO UPDATE SET metrics = EXCLUDED.metrics, opportunities = EXCLUDED.opportunities,
			cycles = EXCLUDED.cycles, summary = EXCLUDED.summary
		WHERE reviews.finished_at IS NULL`
	_, err := s.db.ExecContext(ctx, q, r.ID, r.ScheduleID, r.Kind, r.TimeZone, r.PeriodFrom, r.PeriodTo, r.StartedAt,
		orJSON(r.Metrics, "{}"), orJSON(r.Opportunities, "[]"), orJSON(r.Cycles, "[]"), r.Summary)
	if err != nil {
		return fmt.Errorf("record review %s: %w", r.ID, err)
	}
	return nil
}

// FinishReview records a review's outcome: the opportunities with the cycles they
// opened ("" keeps those recorded), the summary the team was sent, and when it
// finished. Finishing again changes nothing; ErrNotFound for an unknown review.
func (s *Store) FinishReview(ctx context.Context, id, opportunities, summary string, at time.Time) error {
	const q = `UPDATE reviews SET opportunities = COALESCE(CAST(NULLIF($2, '') AS jsonb), opportunities),
			summary = $3, finished_at = $4
		WHERE id = $1 AND finished_at IS NULL`
	res, err := s.db.ExecContext(ctx, q, id, opportunities, summary, at)
	if err != nil {
		return fmt.Errorf("finish review %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var finished bool
		err := s.db.GetContext(ctx, &finished, `SELECT finished_at IS NOT NULL FROM reviews WHERE id = $1`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("review %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("finish review %s: %w", id, err)
		}
	}
	return nil
}

func orJSON(doc, empty string) string {
	if doc == "" {
		return empty
	}
	return doc
}

// Review reads one review.
func (s *Store) Review(ctx context.Context, id string) (quality.Review, error) {
	var r quality.Review
	err := s.db.GetContext(ctx, &r, `SELECT `+reviewColumns+` FROM reviews WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("read review: %w", err)
	}
	return r, nil
}

// ReviewFilter selects a page of reviews: Kind "" is any; After* is the last review
// of the previous page.
type ReviewFilter struct {
	Kind         string
	Limit        int
	AfterStarted time.Time
	AfterID      string
}

// Reviews lists reviews newest first, one keyset page at a time.
func (s *Store) Reviews(ctx context.Context, f ReviewFilter) ([]quality.Review, error) {
	return selectPage[quality.Review](ctx, s, keyset{
		what: "reviews", query: `SELECT ` + reviewColumns + ` FROM reviews`, at: "started_at", id: "id",
		filters: []filter{{"kind", f.Kind}}, afterAt: f.AfterStarted, afterID: f.AfterID, limit: f.Limit,
	})
}

// KeywordCounts lists the keywords carried by at least min complaints created in
// [from, to) (the cohort KeywordVolume counts), the most frequent first.
func (s *Store) KeywordCounts(ctx context.Context, from, to time.Time, min int) ([]quality.KeywordCount, error) {
	ctx = planEachRun(ctx)
	const q = `SELECT k AS keyword, count(*) AS complaints
		FROM complaints, unnest(keywords) AS k
		WHERE created_at >= $1 AND created_at < $2
		GROUP BY k HAVING count(*) >= $3
		ORDER BY complaints DESC, keyword`
	out := []quality.KeywordCount{}
	if err := s.db.SelectContext(ctx, &out, q, from, to, min); err != nil {
		return nil, fmt.Errorf("keyword counts: %w", err)
	}
	return out, nil
}

// OpenCycles lists the PDCA cycles not yet closed, by title, each with its latest
// check (nil before the first).
func (s *Store) OpenCycles(ctx context.Context) ([]quality.OpenCycle, error) {
	const q = `SELECT CAST(id AS text) AS id, title, metric, stage, iteration, last_progress_at
		FROM pdca_cycles WHERE closed_at IS NULL ORDER BY title, id`
	out := []quality.OpenCycle{}
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("open cycles: %w", err)
	}
	var checks []quality.CycleCheck
	err := s.db.SelectContext(ctx, &checks, `SELECT DISTINCT ON (cycle_id) `+checkColumns+` FROM pdca_checks
		WHERE cycle_id IN (SELECT id FROM pdca_cycles WHERE closed_at IS NULL)
		ORDER BY cycle_id, iteration DESC, checked_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("open cycles' last checks: %w", err)
	}
	last := map[string]*quality.CycleCheck{}
	for i := range checks {
		last[checks[i].CycleID] = &checks[i]
	}
	for i := range out {
		out[i].LastCheck = last[out[i].ID]
	}
	return out, nil
}
