package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/quality"
)

const cycleColumns = `id, workflow_id, review_id, opportunity_key, title, rule, evidence, metric, category,
	keyword, baseline, target, time_zone, check_spec, max_iterations, period_from, period_to, stage, iteration,
	plan, plan_status, due_at, last_progress_at, sop_change, root_cause, root_cause_category, next_check_at, history, opened_at, closed_at, outcome,
	state_seq, updated_at, risk_alert_id`

// ProposedEventKey is the key of a cycle's proposed event.
func ProposedEventKey(workflowID string) string { return workflowID + "/1/proposed/1" }

// ProposeCycle inserts a cycle in stage plan with its proposed event, once per open
// opportunity: while a cycle with the same OpportunityKey is open, it returns that
// cycle and created is false — unless that cycle has c.ID, which a retry of the
// same proposal carries, so the retry learns it created it.
func (s *Store) ProposeCycle(ctx context.Context, c quality.NewCycle) (quality.Cycle, bool, error) {
	return s.proposeCycle(ctx, c, Keyed{})
}

// Keyed is what a resource opened by hand is opened once under: the caller's
// Idempotency-Key, scoped to the caller by the API, and the SHA-256 of the request
// body; the zero Keyed opens it without a key.
type Keyed struct{ Key, RequestHash string }

// OpenManualCycle is ProposeCycle for a cycle opened by hand, once under k when it
// has a key: the cycle opened before under it is returned, created false, whether
// it is open or closed by now — or, with another request hash, ErrConflict.
func (s *Store) OpenManualCycle(ctx context.Context, c quality.NewCycle, k Keyed) (quality.Cycle, bool, error) {
	return s.proposeCycle(ctx, c, k)
}

func (s *Store) proposeCycle(ctx context.Context, c quality.NewCycle, k Keyed) (quality.Cycle, bool, error) {
	if c.CheckSpec == "" {
		c.CheckSpec = quality.DefaultCycleCheckSpec
	}
	if c.TimeZone == "" {
		c.TimeZone = quality.DefaultCycleTimeZone
	}
	if c.MaxIterations <= 0 {
		c.MaxIterations = quality.DefaultCycleMaxIterations
	}
	if c.Actor == "" {
		c.Actor = c.ReviewID // "" for neither: the system
	}
	var out quality.Cycle
	created := false
	err := s.inCycleTx(ctx, func(tx *sqlx.Tx) error {
		q := `INSERT INTO pdca_cycles (id, workflow_id, review_id, opportunity_key, title, rule, evidence, metric,
				category, keyword, baseline, target, time_zone, check_spec, max_iterations, period_from, period_to, opened_at,
				idempotency_key, request_hash, risk_alert_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
			ON CONFLICT DO NOTHING
			RETURNING ` + cycleColumns
		err := tx.GetContext(ctx, &out, q, c.ID, c.WorkflowID, c.ReviewID, c.OpportunityKey, c.Title, c.Rule,
			c.Evidence, c.Metric, c.Category, c.Keyword, c.Baseline, c.Target, c.TimeZone, c.CheckSpec,
			c.MaxIterations, c.PeriodFrom, c.PeriodTo, c.OpenedAt, null.IfEmpty(k.Key), null.IfEmpty(k.RequestHash), null.IfEmpty(c.RiskAlertID))
		if errors.Is(err, sql.ErrNoRows) && k.Key != "" {
			// Opened before under the key, open or closed by now.
			var prior struct {
				quality.Cycle
				RequestHash string `db:"request_hash"`
			}
			err = tx.GetContext(ctx, &prior, `SELECT `+cycleColumns+`, request_hash FROM pdca_cycles
				WHERE idempotency_key = $1`, k.Key)
			if err == nil {
				out = prior.Cycle
				if prior.RequestHash != k.RequestHash {
					return fmt.Errorf("idempotency key %q was used with a different body: %w", k.Key, ErrConflict)
				}
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("find cycle by idempotency key: %w", err)
			}
		}
		if errors.Is(err, sql.ErrNoRows) {
			// The opportunity is open already (or this very proposal was recorded and closed).
			err = tx.GetContext(ctx, &out, `SELECT `+cycleColumns+` FROM pdca_cycles
				WHERE (opportunity_key = $1 AND closed_at IS NULL) OR id = $2
				ORDER BY closed_at IS NULL DESC LIMIT 1`, c.OpportunityKey, c.ID)
			if err != nil {
				return fmt.Errorf("find open cycle %s: %w", c.OpportunityKey, err)
			}
			created = out.ID == c.ID && out.ClosedAt == nil
			return nil
		}
		if err != nil {
			return fmt.Errorf("insert cycle: %w", err)
		}
		created = true
		data, err := json.Marshal(map[string]any{
			"opportunity_key": c.OpportunityKey, "review_id": c.ReviewID, "rule": c.Rule, "evidence": c.Evidence,
			"metric": c.Metric, "category": c.Category, "keyword": c.Keyword,
			"baseline": c.Baseline, "target": c.Target,
		})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO pdca_events (cycle_id, idempotency_key, kind, iteration, actor, occurred_at, data)
			VALUES ($1, $2, 'proposed', 1, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
			out.ID, ProposedEventKey(out.WorkflowID), cycleActor(c.Actor), c.OpenedAt, string(data))
		if err != nil {
			return fmt.Errorf("record proposed event: %w", err)
		}
		if c.StartPending {
			return markQualityStart(ctx, tx, QualityStart{CycleID: &out.ID})
		}
		return nil
	})
	return out, created, err
}

func cycleActor(actor string) string {
	if actor == "" {
		return complaint.ActorSystem
	}
	return actor
}

func (s *Store) inCycleTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Cycle reads one cycle; ErrNotFound if there is none.
func (s *Store) Cycle(ctx context.Context, id string) (quality.Cycle, error) {
	var c quality.Cycle
	err := s.db.GetContext(ctx, &c, `SELECT `+cycleColumns+` FROM pdca_cycles WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("cycle %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("read cycle: %w", err)
	}
	return c, nil
}

// CycleFilter narrows Cycles; zero fields match every cycle.
type CycleFilter struct {
	Stage         string
	Open          *bool
	AfterOpenedAt time.Time
	AfterID       string
	Limit         int
}

// Cycles lists cycles, newest first, one keyset page at a time.
func (s *Store) Cycles(ctx context.Context, f CycleFilter) ([]quality.Cycle, error) {
	open := ""
	if f.Open != nil {
		open = fmt.Sprint(*f.Open)
	}
	return selectPage[quality.Cycle](ctx, s, keyset{
		what: "cycles", query: `SELECT ` + cycleColumns + ` FROM pdca_cycles`, at: "opened_at", id: "id",
		// The filter column is an expression from code, compared as text.
		filters: []filter{{"stage", f.Stage}, {"(closed_at IS NULL)::text", open}},
		afterAt: f.AfterOpenedAt, afterID: f.AfterID, limit: f.Limit,
	})
}

// RecordCycleEvent appends an event to the cycle's log and stores the state after
// it, once per event key: a retry records nothing and reports false. The state is
// only written if it is newer (a higher Seq) than the one stored. ErrNotFound if the
// cycle does not exist.
func (s *Store) RecordCycleEvent(ctx context.Context, e quality.CycleEvent, st quality.CycleState) (bool, error) {
	if e.Data == "" {
		e.Data = "{}"
	}
	if st.History == "" {
		st.History = "[]"
	}
	recorded := false
	err := s.inCycleTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO pdca_events (cycle_id, idempotency_key, kind, iteration, actor, occurred_at, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
			e.CycleID, e.Key, e.Kind, e.Iteration, cycleActor(e.Actor), e.OccurredAt, e.Data)
		if isForeignKeyViolation(err) {
			return fmt.Errorf("record cycle event: cycle %s: %w", e.CycleID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("record cycle event: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		recorded = true
		_, err = tx.ExecContext(ctx, `UPDATE pdca_cycles SET state_seq = $2, stage = $3, iteration = $4, plan = $5,
				plan_status = $6, due_at = $7, last_progress_at = $8, baseline = $9, target = $10, sop_change = $11,
				root_cause = $12, history = $13, closed_at = $14, outcome = $15, root_cause_category = $16,
				next_check_at = $17, updated_at = now()
			WHERE id = $1 AND state_seq < $2`,
			e.CycleID, st.Seq, st.Stage, st.Iteration, st.Plan, st.PlanStatus, st.DueAt, st.LastProgressAt,
			st.Baseline, st.Target, st.SOPChange, st.RootCause, st.History, st.ClosedAt, st.Outcome,
			st.RootCauseCategory, st.NextCheckAt)
		if err != nil {
			return fmt.Errorf("update cycle state: %w", err)
		}
		return nil
	})
	return recorded, err
}

// CycleEvents lists a cycle's events in the order they were recorded.
func (s *Store) CycleEvents(ctx context.Context, cycleID string) ([]quality.CycleEvent, error) {
	out := []quality.CycleEvent{}
	err := s.db.SelectContext(ctx, &out, `SELECT id, cycle_id, idempotency_key, kind, iteration, actor, occurred_at,
		recorded_at, data FROM pdca_events WHERE cycle_id = $1 ORDER BY id`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("list cycle events: %w", err)
	}
	return out, nil
}

const checkColumns = `cycle_id, iteration, checked_at, window_from, window_to, value, baseline, target, met, final,
	recorded_at, samples, min_samples`

// RecordCycleCheck records a check once per (cycle, iteration, checked_at) and
// returns the stored row: a retry gets the first measurement, even if the data has
// moved since, so the workflow's decision never depends on which attempt answered.
func (s *Store) RecordCycleCheck(ctx context.Context, c quality.CycleCheck) (quality.CycleCheck, error) {
	q := `WITH ins AS (
			INSERT INTO pdca_checks (cycle_id, iteration, checked_at, window_from, window_to, value, baseline, target, met, final,
				samples, min_samples)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (cycle_id, iteration, checked_at) DO NOTHING
			RETURNING ` + checkColumns + `
		)
		SELECT * FROM ins UNION ALL
		SELECT ` + checkColumns + ` FROM pdca_checks WHERE cycle_id = $1 AND iteration = $2 AND checked_at = $3 LIMIT 1`
	var out quality.CycleCheck
	err := s.insertedOrStored(ctx, &out, q, c.CycleID, c.Iteration, c.CheckedAt, c.WindowFrom, c.WindowTo,
		c.Value, c.Baseline, c.Target, c.Met, c.Final, c.Samples, c.MinSamples)
	if isForeignKeyViolation(err) {
		return out, fmt.Errorf("record check: cycle %s: %w", c.CycleID, ErrNotFound)
	}
	if err != nil {
		return out, fmt.Errorf("record check: %w", err)
	}
	return out, nil
}

// CycleChecks lists a cycle's checks, oldest first.
func (s *Store) CycleChecks(ctx context.Context, cycleID string) ([]quality.CycleCheck, error) {
	out := []quality.CycleCheck{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+checkColumns+` FROM pdca_checks
		WHERE cycle_id = $1 ORDER BY iteration, checked_at`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	return out, nil
}
