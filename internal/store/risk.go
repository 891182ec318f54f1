package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// RiskThresholdsSetting names the risk thresholds' JSON document in settings.
const RiskThresholdsSetting = "risk_thresholds"

// RiskThresholds reads the thresholds: the stored document over the defaults, so a
// threshold added later gets its default in documents stored before it.
func (s *Store) RiskThresholds(ctx context.Context) (quality.RiskThresholds, error) {
	t := quality.DefaultRiskThresholds()
	_, err := s.readSetting(ctx, RiskThresholdsSetting, &t)
	return t, err
}

// PutRiskThresholds stores the thresholds (checked by the caller), stamped with who
// and when — their version. With a version, only if they are still that version,
// else ErrStale and the thresholds as they are.
func (s *Store) PutRiskThresholds(ctx context.Context, t quality.RiskThresholds, by string, at time.Time, version *time.Time) (quality.RiskThresholds, error) {
	at = at.UTC().Truncate(time.Microsecond)
	t.UpdatedAt, t.UpdatedBy = &at, by
	if _, err := s.writeSetting(ctx, RiskThresholdsSetting, t, by, at, version); err != nil {
		if errors.Is(err, ErrStale) {
			return staleAs(err, func() (quality.RiskThresholds, error) { return s.RiskThresholds(ctx) })
		}
		return t, err
	}
	return t, nil
}

// --- evaluation ------------------------------------------------------------------

// riskCountsQuery counts, with every window ending at the monitor's time $1 (never
// SQL's now()), mirroring store.Metrics' definitions:
//   - survey answers with a CSAT, and touch-point ratings (feedback of kind rating,
//     by received_at), each with those of 4–5, in [$4, $1) and [$5, $4), $4 = $1−7d,
//     $5 = $1−14d — one scan each, aggregated once;
//   - complaints whose first opened event is in [$2, $1) and [$3, $2), $2 = $1−24h, $3 = $2 − trailing days;
//   - complaints whose SLA outcome became known in [$2, $1) — their first resolved or
//     sla_breached event is in it — and those of them with no sla_breached event before $1;
//   - the API's requests of the minutes in [$6, $1), those over 5 s and the slowest;
//   - people active at $7 (created before it, not deactivated by it) and those
//     deactivated in [$7, $1).
const riskCountsQuery = `
WITH answers AS (
    SELECT false AS rating, occurred_at, (data->'survey'->>'csat')::int AS score
    FROM complaint_events
    WHERE kind = 'survey_answered' AND data->'survey'->>'csat' IS NOT NULL
      AND occurred_at >= $5 AND occurred_at < $1
    UNION ALL
    SELECT true, received_at, rating
    FROM feedback
    WHERE kind = 'rating' AND received_at >= $5 AND received_at < $1
), satisfaction AS (
    SELECT
        count(*) FILTER (WHERE NOT rating AND occurred_at >= $4) AS csat_answers,
        count(*) FILTER (WHERE NOT rating AND occurred_at >= $4 AND score >= 4) AS csat_satisfied,
        count(*) FILTER (WHERE NOT rating AND occurred_at < $4) AS previous_csat_answers,
        count(*) FILTER (WHERE NOT rating AND occurred_at < $4 AND score >= 4) AS previous_csat_satisfied,
        count(*) FILTER (WHERE rating AND occurred_at >= $4) AS ratings,
        count(*) FILTER (WHERE rating AND occurred_at >= $4 AND score >= 4) AS ratings_satisfied,
        count(*) FILTER (WHERE rating AND occurred_at < $4) AS previous_ratings,
        count(*) FILTER (WHERE rating AND occurred_at < $4 AND score >= 4) AS previous_ratings_satisfied
    FROM answers
), opened AS (
    SELECT o.occurred_at
    FROM complaint_events o
    WHERE o.kind = 'opened' AND o.occurred_at >= $3 AND o.occurred_at < $1
      AND NOT EXISTS (
          SELECT 1 FROM complaint_events p
          WHERE p.complaint_id = o.complaint_id AND p.kind = 'opened'
            AND (p.occurred_at, p.id) < (o.occurred_at, o.id))
), known AS (
    SELECT DISTINCT k.complaint_id
    FROM complaint_events k
    WHERE k.kind IN ('resolved', 'sla_breached') AND k.occurred_at >= $2 AND k.occurred_at < $1
      AND NOT EXISTS (
          SELECT 1 FROM complaint_events p
          WHERE p.complaint_id = k.complaint_id AND p.kind IN ('resolved', 'sla_breached') AND p.occurred_at < $2)
)
SELECT satisfaction.*,
    (SELECT count(*) FROM opened WHERE occurred_at >= $2) AS opened,
    (SELECT count(*) FROM opened WHERE occurred_at < $2) AS trailing_opened,
    (SELECT count(*) FROM known) AS sla_known,
    (SELECT count(*) FROM known WHERE NOT EXISTS (
        SELECT 1 FROM complaint_events b
        WHERE b.complaint_id = known.complaint_id AND b.kind = 'sla_breached' AND b.occurred_at < $1)) AS sla_met,
    (SELECT COALESCE(sum(requests), 0) FROM api_latency_minutes WHERE minute >= $6 AND minute < $1) AS requests,
    (SELECT COALESCE(sum(slow), 0) FROM api_latency_minutes WHERE minute >= $6 AND minute < $1) AS slow_requests,
    (SELECT COALESCE(max(max_ms), 0) FROM api_latency_minutes WHERE minute >= $6 AND minute < $1) AS max_ms,
    (SELECT count(*) FROM people WHERE created_at < $7 AND (deactivated_at IS NULL OR deactivated_at >= $7)) AS headcount,
    (SELECT count(*) FROM people WHERE deactivated_at >= $7 AND deactivated_at < $1) AS departed
FROM satisfaction`

// EvaluateRisks checks every condition of DOMAIN.md §4 at the moment at against
// the thresholds in force.
func (s *Store) EvaluateRisks(ctx context.Context, at time.Time) (quality.RiskEvaluation, error) {
	ctx = planEachRun(ctx) // the counts over the risk windows
	t, err := s.RiskThresholds(ctx)
	if err != nil {
		return quality.RiskEvaluation{}, err
	}
	w := quality.RiskWindowsAt(at, t)
	var c quality.RiskCounts
	if err := s.db.GetContext(ctx, &c, riskCountsQuery, w.At, w.Day, w.Trailing, w.Week, w.TwoWeeks, w.Slow, w.Month); err != nil {
		return quality.RiskEvaluation{}, fmt.Errorf("evaluate risks: %w", err)
	}
	targets, err := s.KPITargets(ctx)
	if err != nil {
		return quality.RiskEvaluation{}, err
	}
	kpi, err := s.Metrics(ctx, w.KPI, w.At, "")
	if err != nil {
		return quality.RiskEvaluation{}, fmt.Errorf("evaluate risks: %w", err)
	}
	qa, err := s.TrainingScores(ctx, w.Training, w.At)
	if err != nil {
		return quality.RiskEvaluation{}, fmt.Errorf("evaluate risks: %w", err)
	}
	reopens, err := s.TrainingReopens(ctx, w.Training, w.At)
	if err != nil {
		return quality.RiskEvaluation{}, fmt.Errorf("evaluate risks: %w", err)
	}
	kb, err := s.KnowledgeDue(ctx)
	if err != nil {
		return quality.RiskEvaluation{}, fmt.Errorf("evaluate risks: %w", err)
	}
	return quality.EvaluateRisks(c, kpi.Total, targets, qa, reopens, kb, t, w), nil
}

// --- alerts ------------------------------------------------------------------------

const riskAlertColumns = `id, condition, subject, grade, status, opened_at, handling_seconds, handling_due_at,
	escalation_level, escalated_to, observed::float8 AS observed, baseline::float8 AS baseline,
	threshold::float8 AS threshold, CAST(details AS text) AS details, monitor_run, owner_id, response,
	responded_at, responded_by, root_cause, solution, executor, action_deadline, verification, closed_at,
	closed_by, last_seen_at, seen_count, description, opened_by,
	(SELECT CAST(json_agg(CAST(c.id AS text) ORDER BY c.opened_at, c.id) AS text) FROM pdca_cycles c
		WHERE c.risk_alert_id = risk_alerts.id) AS cycle_ids`

// OpenRiskAlert opens an alert for the check's condition and subject, or, when one
// is already open (or responded) for them, returns that one (created false) and records that it
// was seen again. A retry with the same key returns what the first call did.
func (s *Store) OpenRiskAlert(ctx context.Context, a quality.NewRiskAlert) (quality.RiskAlert, bool, error) {
	if !a.Check.Holds() || a.Check.HandlingSeconds <= 0 {
		return quality.RiskAlert{}, false, fmt.Errorf("open risk alert: check %s has no grade or handling period", a.Check.Condition)
	}
	for attempt := 0; ; attempt++ {
		alert, created, err := s.openRiskAlert(ctx, a)
		// The open alert closed between the insert and the update: try again.
		if errors.Is(err, errAlertClosedMeanwhile) && attempt < 3 {
			continue
		}
		return alert, created, err
	}
}

var errAlertClosedMeanwhile = errors.New("the open alert closed meanwhile")

func (s *Store) openRiskAlert(ctx context.Context, a quality.NewRiskAlert) (quality.RiskAlert, bool, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return quality.RiskAlert{}, false, fmt.Errorf("open risk alert: %w", err)
	}
	defer tx.Rollback()

	if alert, created, found, err := s.openedBefore(ctx, tx, a.Key); found || err != nil {
		return alert, created, err
	}

	details, err := json.Marshal(a.Check.Details)
	if err != nil {
		return quality.RiskAlert{}, false, fmt.Errorf("open risk alert: %w", err)
	}
	var owner *string
	if a.OwnerID != "" {
		owner = &a.OwnerID
	}
	at := a.At.UTC()
	due := at.Add(time.Duration(a.Check.HandlingSeconds) * time.Second)
	const insert = `INSERT INTO risk_alerts (id, condition, subject, grade, opened_at, handling_seconds, handling_due_at,
			observed, baseline, threshold, details, monitor_run, owner_id, last_seen_at)
		VALUES ($1, $2, $13, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS jsonb), $11, $12, $4)
		ON CONFLICT (condition, subject) WHERE status <> 'closed' AND condition <> 'manual' DO NOTHING
		RETURNING id`
	var id string
	kind := quality.RiskEventOpened
	err = tx.GetContext(ctx, &id, insert, a.ID, a.Check.Condition, a.Check.Grade, at, a.Check.HandlingSeconds, due,
		a.Check.Observed, a.Check.Baseline, a.Check.Threshold, string(details), a.MonitorRun, owner, a.Check.Subject)
	if errors.Is(err, sql.ErrNoRows) {
		kind = quality.RiskEventSeenAgain
		const seen = `UPDATE risk_alerts SET last_seen_at = GREATEST(last_seen_at, $2), seen_count = seen_count + 1
			WHERE condition = $1 AND subject = $3 AND status <> 'closed' RETURNING id`
		err = tx.GetContext(ctx, &id, seen, a.Check.Condition, at, a.Check.Subject)
		if errors.Is(err, sql.ErrNoRows) {
			return quality.RiskAlert{}, false, errAlertClosedMeanwhile
		}
	}
	if err != nil {
		return quality.RiskAlert{}, false, fmt.Errorf("open risk alert: %w", err)
	}
	check := a.Check
	inserted, err := insertRiskEventOnce(ctx, tx, quality.RiskAlertEvent{
		AlertID: id, Key: a.Key, Kind: kind, At: at, Actor: "risk-monitor",
		Data: quality.RiskEventData{MonitorRun: a.MonitorRun, Check: &check},
	})
	if err != nil {
		return quality.RiskAlert{}, false, err
	}
	if !inserted {
		// Another attempt with this key committed between the read above and this
		// insert (a retry overlapping its first attempt): what it did stands, and
		// this attempt's sighting is no sighting.
		tx.Rollback()
		alert, created, _, err := s.openedBefore(ctx, s.db, a.Key)
		return alert, created, err
	}
	// The monitor's run starts the new alert's workflow; should the run fail before
	// that (PostgreSQL away past its activities' timeout), every later run sees the
	// alert again and starts nothing — so it is marked for the API's reconciler too.
	if kind == quality.RiskEventOpened {
		if err := markQualityStart(ctx, tx, QualityStart{RiskAlertID: &id}); err != nil {
			return quality.RiskAlert{}, false, err
		}
	}
	if err := tx.Commit(); err != nil {
		return quality.RiskAlert{}, false, fmt.Errorf("open risk alert: %w", err)
	}
	alert, err := s.RiskAlert(ctx, id)
	return alert, kind == quality.RiskEventOpened, err
}

// openedBefore answers an opening already recorded under key (found): the alert,
// and whether that opening created it.
func (s *Store) openedBefore(ctx context.Context, q sqlx.QueryerContext, key string) (alert quality.RiskAlert, created, found bool, err error) {
	var prior struct {
		AlertID string                `db:"alert_id"`
		Kind    quality.RiskEventKind `db:"kind"`
	}
	err = sqlx.GetContext(ctx, q, &prior, `SELECT alert_id, kind FROM risk_alert_events WHERE idempotency_key = $1`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return alert, false, false, nil
	}
	if err != nil {
		return alert, false, false, fmt.Errorf("open risk alert: %w", err)
	}
	alert, err = s.RiskAlert(ctx, prior.AlertID)
	return alert, prior.Kind == quality.RiskEventOpened, true, err
}

// OpenManualRiskAlert opens an alert by hand (002 §9.1: an outage or a major
// complaint is red at once): the given grade, handling period and description, owned
// by ownerID ("" for none), recorded as opened by by. An ID used before returns that
// alert, created false. The caller starts the alert's workflow after — the workflow
// reads the committed row — and confirms it (QualityWorkflowStarted); until then the
// alert is marked, for the API's reconciler.
func (s *Store) OpenManualRiskAlert(ctx context.Context, a quality.NewManualRiskAlert) (quality.RiskAlert, bool, error) {
	return s.OpenManualRiskAlertKeyed(ctx, a, Keyed{})
}

// OpenManualRiskAlertKeyed is OpenManualRiskAlert once under k when it has a key:
// the alert opened before under it is returned, created false, whatever its status
// — or, with another request hash, ErrConflict.
func (s *Store) OpenManualRiskAlertKeyed(ctx context.Context, a quality.NewManualRiskAlert, k Keyed) (quality.RiskAlert, bool, error) {
	if !a.Grade.Valid() || a.HandlingSeconds <= 0 {
		return quality.RiskAlert{}, false, fmt.Errorf("open manual risk alert: grade %q or handling period invalid", a.Grade)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return quality.RiskAlert{}, false, fmt.Errorf("open manual risk alert: %w", err)
	}
	defer tx.Rollback()
	var owner *string
	if a.OwnerID != "" {
		owner = &a.OwnerID
	}
	at := a.At.UTC()
	// A used ID or key conflicts; the risk_alerts_one_open_per_condition index
	// leaves manual alerts out.
	const insert = `INSERT INTO risk_alerts (id, condition, grade, opened_at, handling_seconds, handling_due_at,
			observed, baseline, threshold, monitor_run, owner_id, last_seen_at, description, opened_by,
			idempotency_key, request_hash)
		VALUES ($1, 'manual', $2, $3, $4, $5, 0, 0, 0, '', $6, $3, $7, $8, $9, $10)
		ON CONFLICT DO NOTHING`
	res, err := tx.ExecContext(ctx, insert, a.ID, a.Grade, at, a.HandlingSeconds,
		at.Add(time.Duration(a.HandlingSeconds)*time.Second), owner, a.Description, a.By,
		null.IfEmpty(k.Key), null.IfEmpty(k.RequestHash))
	if err != nil {
		return quality.RiskAlert{}, false, fmt.Errorf("open manual risk alert: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		tx.Rollback()
		return s.manualRiskAlertBefore(ctx, a.ID, k)
	}
	if err := insertRiskEvent(ctx, tx, quality.RiskAlertEvent{
		AlertID: a.ID, Key: "manual:" + a.ID + "/opened", Kind: quality.RiskEventOpened, At: at, Actor: a.By,
		Data: quality.RiskEventData{Reason: a.Description},
	}); err != nil {
		return quality.RiskAlert{}, false, err
	}
	if err := markQualityStart(ctx, tx, QualityStart{RiskAlertID: &a.ID}); err != nil {
		return quality.RiskAlert{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return quality.RiskAlert{}, false, fmt.Errorf("open manual risk alert: %w", err)
	}
	alert, err := s.RiskAlert(ctx, a.ID)
	return alert, err == nil, err
}

// manualRiskAlertBefore is the alert a manual opening conflicted with: the one
// opened under k's key when it has one (ErrConflict with another request hash),
// else the one with the ID.
func (s *Store) manualRiskAlertBefore(ctx context.Context, id string, k Keyed) (quality.RiskAlert, bool, error) {
	if k.Key != "" {
		var prior struct{ ID, RequestHash string }
		err := s.db.QueryRowContext(ctx, `SELECT id, request_hash FROM risk_alerts WHERE idempotency_key = $1`,
			k.Key).Scan(&prior.ID, &prior.RequestHash)
		switch {
		case err == nil:
			alert, err := s.RiskAlert(ctx, prior.ID)
			if err == nil && prior.RequestHash != k.RequestHash {
				err = fmt.Errorf("idempotency key %q was used with a different body: %w", k.Key, ErrConflict)
			}
			return alert, false, err
		case !errors.Is(err, sql.ErrNoRows):
			return quality.RiskAlert{}, false, fmt.Errorf("find risk alert by idempotency key: %w", err)
		}
	}
	alert, err := s.RiskAlert(ctx, id)
	return alert, false, err
}

// insertRiskEvent appends an event, whose key is new within the transaction.
func insertRiskEvent(ctx context.Context, db execer, e quality.RiskAlertEvent) error {
	_, err := insertRiskEventOnce(ctx, db, e)
	return err
}

// insertRiskEventOnce appends an event; false when its key was already recorded.
func insertRiskEventOnce(ctx context.Context, db execer, e quality.RiskAlertEvent) (bool, error) {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return false, fmt.Errorf("record risk alert event: %w", err)
	}
	const q = `INSERT INTO risk_alert_events (alert_id, idempotency_key, kind, occurred_at, actor, data)
		VALUES ($1, $2, $3, $4, $5, CAST($6 AS jsonb)) ON CONFLICT (idempotency_key) DO NOTHING`
	res, err := db.ExecContext(ctx, q, e.AlertID, e.Key, e.Kind, e.At.UTC(), e.Actor, string(data))
	if isForeignKeyViolation(err) {
		return false, fmt.Errorf("risk alert %s: %w", e.AlertID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("record risk alert event: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RecordRiskAlertEvent appends an event to an alert's history and applies it to the
// alert, once per key (false: already recorded). An escalation moves the level and
// the deadline; a response or a closing the status and, on closing, the ledger. A
// transition the alert's status does not allow (a response to a closed alert) is
// ErrConflict and records nothing.
func (s *Store) RecordRiskAlertEvent(ctx context.Context, e quality.RiskAlertEvent) (bool, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("record risk alert event: %w", err)
	}
	defer tx.Rollback()
	recorded, err := insertRiskEventOnce(ctx, tx, e)
	if err != nil || !recorded {
		return false, err
	}
	at := e.At.UTC()
	var res sql.Result
	switch e.Kind {
	case quality.RiskEventEscalated:
		res, err = tx.ExecContext(ctx, `UPDATE risk_alerts
			SET escalation_level = $2, escalated_to = $3, handling_due_at = COALESCE($4, handling_due_at)
			WHERE id = $1 AND status = 'open'`, e.AlertID, e.Data.Level, e.Data.To, e.Data.NextDueAt)
	case quality.RiskEventResponded:
		res, err = tx.ExecContext(ctx, `UPDATE risk_alerts SET status = 'responded', response = $2, responded_at = $3,
			responded_by = $4 WHERE id = $1 AND status = 'open'`, e.AlertID, e.Data.Response, at, e.Actor)
	case quality.RiskEventClosed:
		l := e.Data.Ledger
		if l == nil {
			return false, fmt.Errorf("record risk alert event: closing %s without a ledger entry", e.AlertID)
		}
		// Closing implies a response: an alert closed straight from open takes the
		// solution as its response.
		res, err = tx.ExecContext(ctx, `UPDATE risk_alerts SET status = 'closed', root_cause = $2, solution = $3,
				executor = $4, action_deadline = $5, verification = $6, closed_at = $7, closed_by = $8,
				response = COALESCE(response, $3), responded_at = COALESCE(responded_at, $7),
				responded_by = COALESCE(responded_by, $8)
			WHERE id = $1 AND status <> 'closed'`,
			e.AlertID, l.RootCause, l.Solution, l.Executor, l.ActionDeadline.UTC(), l.Verification, at, e.Actor)
	}
	if err != nil {
		return false, fmt.Errorf("record risk alert %s: %w", e.Kind, err)
	}
	if res != nil {
		if n, _ := res.RowsAffected(); n == 0 {
			return false, fmt.Errorf("record risk alert %s: alert %s is not in a state that allows it: %w", e.Kind, e.AlertID, ErrConflict)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("record risk alert event: %w", err)
	}
	return true, nil
}

// RiskAlert reads one alert.
func (s *Store) RiskAlert(ctx context.Context, id string) (quality.RiskAlert, error) {
	var a quality.RiskAlert
	err := s.db.GetContext(ctx, &a, `SELECT `+riskAlertColumns+` FROM risk_alerts WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("risk alert %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("read risk alert: %w", err)
	}
	return a, nil
}

// RiskAlertEvents lists an alert's events in the order they were recorded.
func (s *Store) RiskAlertEvents(ctx context.Context, alertID string) ([]quality.RiskAlertEvent, error) {
	out := []quality.RiskAlertEvent{}
	const q = `SELECT alert_id, idempotency_key, kind, occurred_at, actor, CAST(data AS text) AS data
		FROM risk_alert_events WHERE alert_id = $1 ORDER BY id`
	if err := s.db.SelectContext(ctx, &out, q, alertID); err != nil {
		return nil, fmt.Errorf("list risk alert events: %w", err)
	}
	return out, nil
}

// RiskAlertFilter selects alerts for a listing page; empty fields match anything.
type RiskAlertFilter struct {
	Status    string
	Grade     string
	Condition string
	// OwnerID keeps the alerts of one owner: the list of a caller who may see only
	// their own, filtered here so that pages and cursors count only theirs.
	OwnerID string
	// After is the (opened_at, id) of the last row of the previous page.
	AfterOpenedAt time.Time
	AfterID       string
	Limit         int
}

// RiskAlerts lists alerts newest first, one keyset page at a time.
func (s *Store) RiskAlerts(ctx context.Context, f RiskAlertFilter) ([]quality.RiskAlert, error) {
	return selectPage[quality.RiskAlert](ctx, s, keyset{
		what: "risk alerts", query: `SELECT ` + riskAlertColumns + ` FROM risk_alerts`, at: "opened_at", id: "id",
		filters: []filter{{"status", f.Status}, {"grade", f.Grade}, {"condition", f.Condition}, {"owner_id", f.OwnerID}},
		afterAt: f.AfterOpenedAt, afterID: f.AfterID, limit: f.Limit,
	})
}

// RiskLedger lists the closed alerts opened in [from, to) (a zero bound is open),
// oldest first, as a ledger reads; with an ownerID, only that owner's.
func (s *Store) RiskLedger(ctx context.Context, from, to time.Time, ownerID string) ([]quality.RiskAlert, error) {
	ctx = planEachRun(ctx)
	bound := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC()
	}
	out := []quality.RiskAlert{}
	q := `SELECT ` + riskAlertColumns + ` FROM risk_alerts
		WHERE status = 'closed' AND ($1::timestamptz IS NULL OR opened_at >= $1)
		  AND ($2::timestamptz IS NULL OR opened_at < $2)
		  AND ($3 = '' OR owner_id = $3)
		ORDER BY opened_at, id`
	if err := s.db.SelectContext(ctx, &out, q, bound(from), bound(to), ownerID); err != nil {
		return nil, fmt.Errorf("list risk ledger: %w", err)
	}
	return out, nil
}

// --- KPI targets -------------------------------------------------------------------

// KPITargetsSetting names the KPI targets' JSON document in settings.
const KPITargetsSetting = "kpi_targets"

// KPITargets reads the register: the stored one, or the seeds' defaults.
func (s *Store) KPITargets(ctx context.Context) (quality.KPITargets, error) {
	var r quality.KPITargets
	v, err := s.readSetting(ctx, KPITargetsSetting, &r)
	if v.At.IsZero() && err == nil {
		r = quality.DefaultKPITargets()
	}
	return r, err
}

// PutKPITargets replaces the register (checked by the caller), stamped with who and
// when — its version. With a version, only if it is still that version, else
// ErrStale and the register as it is.
func (s *Store) PutKPITargets(ctx context.Context, r quality.KPITargets, by string, at time.Time, version *time.Time) (quality.KPITargets, error) {
	at = at.UTC().Truncate(time.Microsecond)
	r.UpdatedAt, r.UpdatedBy = &at, by
	if _, err := s.writeSetting(ctx, KPITargetsSetting, r, by, at, version); err != nil {
		if errors.Is(err, ErrStale) {
			return staleAs(err, func() (quality.KPITargets, error) { return s.KPITargets(ctx) })
		}
		return r, err
	}
	return r, nil
}

// --- request latencies -------------------------------------------------------------

// LatencyMinute is one minute of the API's request latencies, as its middleware
// aggregates them.
type LatencyMinute struct {
	Minute   time.Time
	Requests int64
	TotalMS  int64
	MaxMS    int64
	Slow     int64 // over quality.SlowRequest
}

// AddLatencies adds a batch of per-minute aggregates to the stored ones, in one
// statement: a minute flushed twice (two batches, or two API processes) sums.
func (s *Store) AddLatencies(ctx context.Context, batch []LatencyMinute) error {
	if len(batch) == 0 {
		return nil
	}
	minutes := make([]string, len(batch))
	requests, total, maxMS, slow := make([]int64, len(batch)), make([]int64, len(batch)), make([]int64, len(batch)), make([]int64, len(batch))
	for i, m := range batch {
		minutes[i] = m.Minute.UTC().Truncate(time.Minute).Format(time.RFC3339)
		requests[i], total[i], maxMS[i], slow[i] = m.Requests, m.TotalMS, m.MaxMS, m.Slow
	}
	const q = `INSERT INTO api_latency_minutes (minute, requests, total_ms, max_ms, slow)
		SELECT * FROM unnest($1::timestamptz[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
		ON CONFLICT (minute) DO UPDATE SET requests = api_latency_minutes.requests + EXCLUDED.requests,
			total_ms = api_latency_minutes.total_ms + EXCLUDED.total_ms,
			max_ms = GREATEST(api_latency_minutes.max_ms, EXCLUDED.max_ms),
			slow = api_latency_minutes.slow + EXCLUDED.slow`
	if _, err := s.db.ExecContext(ctx, q, pq.Array(minutes), pq.Array(requests), pq.Array(total), pq.Array(maxMS), pq.Array(slow)); err != nil {
		return fmt.Errorf("store request latencies: %w", err)
	}
	return nil
}
