package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// Quality inspection: the scorecard (one row, the seed's until changed) and the QA
// queue, one sample per complaint ever.

const qaSampleColumns = `id, complaint_id, agent, closed_at, run_id, period_from, period_to, sampled_at,
	scores, criteria, total, note, scored_by, scored_at`

// QAScorecard reads the scorecard; the default while none was saved (updatedAt nil).
func (s *Store) QAScorecard(ctx context.Context) (quality.QAScorecard, *time.Time, string, error) {
	var row struct {
		Criteria  string    `db:"criteria"`
		SamplePct int       `db:"sample_pct"`
		UpdatedAt time.Time `db:"updated_at"`
		UpdatedBy string    `db:"updated_by"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT criteria, sample_pct, updated_at, updated_by FROM qa_scorecard`)
	if errors.Is(err, sql.ErrNoRows) {
		return quality.DefaultQAScorecard(), nil, "", nil
	}
	if err != nil {
		return quality.QAScorecard{}, nil, "", fmt.Errorf("read QA scorecard: %w", err)
	}
	sc := quality.QAScorecard{SamplePct: row.SamplePct}
	if err := json.Unmarshal([]byte(row.Criteria), &sc.Criteria); err != nil {
		return sc, nil, "", fmt.Errorf("QA scorecard criteria: %w", err)
	}
	return sc, &row.UpdatedAt, row.UpdatedBy, nil
}

// PutQAScorecard saves the scorecard. Samples scored before keep the criteria they
// were scored on. With a version (see ErrStale; zero: the default, never saved) it
// is saved only if the scorecard is still that version, else ErrStale and the
// version it is.
func (s *Store) PutQAScorecard(ctx context.Context, sc quality.QAScorecard, by string, version *time.Time) (Version, error) {
	criteria, err := json.Marshal(sc.Criteria)
	if err != nil {
		return Version{}, err
	}
	var saved Version
	err = s.db.GetContext(ctx, &saved, `INSERT INTO qa_scorecard AS q (id, criteria, sample_pct, updated_at, updated_by)
		SELECT true, $1, $2, now(), $3
		WHERE $4::timestamptz IS NULL OR $4 = '0001-01-01T00:00:00Z' OR EXISTS (SELECT FROM qa_scorecard)
		ON CONFLICT (id) DO UPDATE SET criteria = $1, sample_pct = $2, updated_at = now(), updated_by = $3
		WHERE $4::timestamptz IS NULL OR q.updated_at = $4
		RETURNING updated_at, updated_by`,
		string(criteria), sc.SamplePct, by, version)
	if errors.Is(err, sql.ErrNoRows) { // only a version can keep the row from being written
		_, at, by, err := s.QAScorecard(ctx)
		if err != nil {
			return Version{}, err
		}
		if at != nil {
			saved = Version{At: *at, By: by}
		}
		return saved, ErrStale
	}
	if err != nil {
		return saved, fmt.Errorf("save QA scorecard: %w", err)
	}
	return saved, nil
}

// ClosedComplaints lists the complaints closed in [from, to) that have an owner,
// each marked if it is already in the QA queue.
func (s *Store) ClosedComplaints(ctx context.Context, from, to time.Time) ([]quality.ClosedComplaint, error) {
	ctx = planEachRun(ctx)
	var out []quality.ClosedComplaint
	err := s.db.SelectContext(ctx, &out, `SELECT c.id, c.owner, c.closed_at, (q.id IS NOT NULL) AS sampled
		FROM complaints c LEFT JOIN qa_samples q ON q.complaint_id = c.id
		WHERE c.status = 'closed' AND c.owner IS NOT NULL AND c.owner <> ''
		  AND c.closed_at >= $1 AND c.closed_at < $2
		ORDER BY c.id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("closed complaints: %w", err)
	}
	return out, nil
}

// AddQASamples puts complaints in the QA queue, once per complaint: one already
// there (a retry, an overlapping run) is skipped. It reports how many were added.
func (s *Store) AddQASamples(ctx context.Context, runID string, from, to time.Time, cs []quality.ClosedComplaint) (int, error) {
	added := 0
	for _, c := range cs {
		// The ID follows from the complaint, so the sample is the same whichever run adds
		// it; no conflict target, as two runs adding it at once may meet on either key.
		id := uuid.NewSHA1(uuid.NameSpaceURL, []byte("complaintflow:qa:"+c.ID)).String()
		res, err := s.db.ExecContext(ctx, `INSERT INTO qa_samples (id, complaint_id, agent, closed_at, run_id, period_from, period_to)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			id, c.ID, c.Agent, c.ClosedAt, runID, from, to)
		if err != nil {
			return added, fmt.Errorf("add QA sample: %w", err)
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	return added, nil
}

// QASampleFilter narrows QASamples; zero fields match every sample.
type QASampleFilter struct {
	Scored  *bool
	Agent   string
	AfterAt time.Time // the previous page's last sampled_at; scored_at when Scored is true
	AfterID string
	Limit   int
}

// QASamples lists the QA queue, newest first, one keyset page at a time: by
// sampled_at, or by scored_at when only scored samples are asked for (the last
// scored first).
func (s *Store) QASamples(ctx context.Context, f QASampleFilter) ([]quality.QASample, error) {
	scored, at := "", "sampled_at"
	var preds []pred
	if f.Scored != nil {
		scored = fmt.Sprint(*f.Scored)
		if *f.Scored {
			at, preds = "scored_at", []pred{{sql: "scored_at IS NOT NULL"}} // the partial index's
		}
	}
	return selectPage[quality.QASample](ctx, s, keyset{
		what: "QA samples", query: `SELECT ` + qaSampleColumns + ` FROM qa_samples`, at: at, id: "id",
		filters: []filter{{"agent", f.Agent}, {"(scored_at IS NOT NULL)::text", scored}}, preds: preds,
		afterAt: f.AfterAt, afterID: f.AfterID, limit: f.Limit,
	})
}

// QASample reads one sample; ErrNotFound if there is none.
func (s *Store) QASample(ctx context.Context, id string) (quality.QASample, error) {
	var q quality.QASample
	err := s.db.GetContext(ctx, &q, `SELECT `+qaSampleColumns+` FROM qa_samples WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return q, fmt.Errorf("QA sample %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return q, fmt.Errorf("read QA sample: %w", err)
	}
	return q, nil
}

// ScoreQASample records a sample's scores on the criteria given, once:
// ErrConflict if it was already scored, ErrNotFound if there is no such sample.
func (s *Store) ScoreQASample(ctx context.Context, id string, criteria []quality.QACriterion, scores map[string]int,
	total int, note *string, by string, at time.Time) (quality.QASample, error) {
	cj, err := json.Marshal(criteria)
	if err != nil {
		return quality.QASample{}, err
	}
	sj, err := json.Marshal(scores)
	if err != nil {
		return quality.QASample{}, err
	}
	var q quality.QASample
	err = s.db.GetContext(ctx, &q, `UPDATE qa_samples SET scores = $2, criteria = $3, total = $4, note = $5,
			scored_by = $6, scored_at = $7
		WHERE id = $1 AND scored_at IS NULL RETURNING `+qaSampleColumns, id, string(sj), string(cj), total, note, by, at)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.QASample(ctx, id); err != nil {
			return q, err
		}
		return q, fmt.Errorf("QA sample %s is already scored: %w", id, ErrConflict)
	}
	if err != nil {
		return q, fmt.Errorf("score QA sample: %w", err)
	}
	return q, nil
}

// QAScores is each agent's QA figures over the samples scored in [from, to): how
// many and their average total (out of quality.QAScorecardTotal). Agents without a
// scored sample are left out. It is what the per-agent views and the reviews read
// as an agent's QA score; the metrics' groups count the same samples in
// addQAScores. It leaves out the dimensions: QAScoresByDimension has them.
func (s *Store) QAScores(ctx context.Context, from, to time.Time) ([]quality.AgentQAScore, error) {
	return qaScores(planEachRun(ctx), s.db, from, to)
}

// QAScoresByDimension is QAScores with each agent's per-dimension averages, where
// they are shown (the insight report). Both are read in one read-only REPEATABLE
// READ transaction, so a sample scored meanwhile counts in both or in neither.
func (s *Store) QAScoresByDimension(ctx context.Context, from, to time.Time) ([]quality.AgentQAScore, error) {
	ctx = planEachRun(ctx)
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("QA scores: %w", err)
	}
	defer tx.Rollback()
	out, err := qaScores(ctx, tx, from, to)
	if err != nil {
		return nil, err
	}
	var rows []qaDimensionRow
	err = tx.SelectContext(ctx, &rows, qaDimensionsQuery, from, to)
	if err != nil {
		return nil, fmt.Errorf("QA scores by dimension: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("QA scores: %w", err)
	}
	return mergeQADimensions(out, rows), nil
}

func qaScores(ctx context.Context, q sqlx.QueryerContext, from, to time.Time) ([]quality.AgentQAScore, error) {
	out := []quality.AgentQAScore{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT agent, count(*) AS scored, avg(total)::float8 AS average
		FROM qa_samples WHERE scored_at >= $1 AND scored_at < $2
		GROUP BY agent ORDER BY agent`, from, to)
	if err != nil {
		return nil, fmt.Errorf("QA scores: %w", err)
	}
	return out, nil
}

// qaDimensionsQuery is each agent's per-dimension averages over the samples scored
// in [$1, $2): each sample's points on a dimension are the sum over the criteria it
// was scored on (quality.QADimensionScores), averaged per agent; dimensions in the
// order they first appear on a card. Samples scored on a card without dimensions
// are skipped before their criteria are unpacked.
const qaDimensionsQuery = `WITH d AS (
		SELECT q.agent, q.id, c.v->>'dimension' AS dimension, min(c.n) AS n,
			sum(coalesce((q.scores->>(c.v->>'key'))::int, 0)) AS scored, sum((c.v->>'points')::int) AS points
		FROM qa_samples q, jsonb_array_elements(q.criteria) WITH ORDINALITY AS c(v, n)
		WHERE q.scored_at >= $1 AND q.scored_at < $2
		  AND jsonb_path_exists(q.criteria, '$[*] ? (exists(@.dimension))')
		  AND coalesce(c.v->>'dimension', '') <> ''
		GROUP BY q.agent, q.id, c.v->>'dimension')
	SELECT agent, dimension, count(*) AS scored, avg(scored)::float8 AS average, avg(points)::float8 AS points
	FROM d GROUP BY agent, dimension ORDER BY agent, min(n), dimension`

type qaDimensionRow struct {
	Agent string `db:"agent"`
	quality.AgentQADimension
}

// mergeQADimensions gives each agent's scores their dimension rows; a row of an
// agent not among the scores (which one transaction rules out) is dropped.
func mergeQADimensions(scores []quality.AgentQAScore, rows []qaDimensionRow) []quality.AgentQAScore {
	for _, r := range rows {
		if i := slices.IndexFunc(scores, func(a quality.AgentQAScore) bool { return a.Agent == r.Agent }); i >= 0 {
			scores[i].Dimensions = append(scores[i].Dimensions, r.AgentQADimension)
		}
	}
	return scores
}
