-- A complaint's first facts, from its `opened` event alone, are inserted whole
-- instead of recomputed (docs/metrics.md, "How the figures are kept"). A complaint
-- with no complaint_metrics row has no event of a fact kind yet (every such event
-- creates the row, 00013 and 00028), so if a statement's fact events for it are
-- all `opened`, the recompute would find those and nothing else: opened_at is
-- their earliest, every other fact is its column's default. That is every filing —
-- the workflow's first statement — and the recompute (a function call, three
-- statements and a window pass) cost it 1.2 ms of PostgreSQL under intake, half of
-- the statement that records the event (docs/performance.md).
--
-- The row insert covers every complaint the statement moves, sorted, as the
-- recompute's own first statement does, so a statement still takes its row locks
-- in one order; a complaint whose row existed, or whose events here include any
-- other fact kind, is recomputed as before (its row, if new, starts with
-- opened_at NULL and the recompute fills it).

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION complaint_metrics_on_events() RETURNS trigger AS $$
DECLARE
    -- Complaints with an event that moves a fact other than the two flags.
    ids uuid[] := ARRAY(
        SELECT DISTINCT complaint_id FROM added
        WHERE kind IN ('opened', 'acknowledged', 'resolved', 'paused', 'resumed', 'reopened', 'closed',
                       'survey_answered'));
    -- The others with a breach or escalation event.
    flagged uuid[] := ARRAY(
        SELECT DISTINCT complaint_id FROM added
        WHERE kind IN ('sla_breached', 'sla_escalated', 'escalation_requested') AND complaint_id <> ALL (ids));
    -- Of ids, those whose row this statement inserted whole.
    opened uuid[];
BEGIN
    IF cardinality(ids) > 0 THEN
        WITH inserted AS (
            INSERT INTO complaint_metrics (complaint_id, opened_at)
            SELECT complaint_id, CASE WHEN bool_and(kind = 'opened') THEN min(occurred_at) END
            FROM added
            WHERE complaint_id = ANY (ids)
              AND kind IN ('opened', 'acknowledged', 'resolved', 'paused', 'resumed', 'reopened', 'closed',
                           'survey_answered', 'sla_breached', 'sla_escalated', 'escalation_requested')
            GROUP BY complaint_id
            ORDER BY complaint_id
            ON CONFLICT (complaint_id) DO NOTHING
            RETURNING complaint_id, opened_at
        )
        SELECT COALESCE(array_agg(complaint_id), '{}') INTO opened FROM inserted WHERE opened_at IS NOT NULL;
        ids := ARRAY(SELECT id FROM unnest(ids) id WHERE id <> ALL (opened));
    END IF;
    IF cardinality(ids) > 0 THEN
        PERFORM complaint_metrics_refresh(ids);
    END IF;
    -- Their flags, by upsert: the row lock orders it with a concurrent refresh of
    -- the same complaint (which locks the row before reading the log), sorted so that
    -- two bulk statements lock in the same order, and a flag already set writes no
    -- row version. A statement of warnings alone does neither.
    IF cardinality(flagged) > 0 THEN
        INSERT INTO complaint_metrics AS m (complaint_id, breached, escalated)
        SELECT complaint_id, bool_or(kind = 'sla_breached'), bool_or(kind IN ('sla_escalated', 'escalation_requested'))
        FROM added
        WHERE complaint_id = ANY (flagged) AND kind IN ('sla_breached', 'sla_escalated', 'escalation_requested')
        GROUP BY complaint_id
        ORDER BY complaint_id
        ON CONFLICT (complaint_id) DO UPDATE
            SET breached = m.breached OR EXCLUDED.breached, escalated = m.escalated OR EXCLUDED.escalated
            WHERE (m.breached, m.escalated) IS DISTINCT FROM (m.breached OR EXCLUDED.breached, m.escalated OR EXCLUDED.escalated);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION complaint_metrics_on_events() RETURNS trigger AS $$
DECLARE
    -- Complaints with an event that moves a fact other than the two flags.
    ids uuid[] := ARRAY(
        SELECT DISTINCT complaint_id FROM added
        WHERE kind IN ('opened', 'acknowledged', 'resolved', 'paused', 'resumed', 'reopened', 'closed',
                       'survey_answered'));
    -- The others with a breach or escalation event.
    flagged uuid[] := ARRAY(
        SELECT DISTINCT complaint_id FROM added
        WHERE kind IN ('sla_breached', 'sla_escalated', 'escalation_requested') AND complaint_id <> ALL (ids));
BEGIN
    IF cardinality(ids) > 0 THEN
        PERFORM complaint_metrics_refresh(ids);
    END IF;
    -- Their flags, by upsert: the row lock orders it with a concurrent refresh of
    -- the same complaint (which locks the row before reading the log), sorted so that
    -- two bulk statements lock in the same order, and a flag already set writes no
    -- row version. A statement of warnings alone does neither.
    IF cardinality(flagged) > 0 THEN
        INSERT INTO complaint_metrics AS m (complaint_id, breached, escalated)
        SELECT complaint_id, bool_or(kind = 'sla_breached'), bool_or(kind IN ('sla_escalated', 'escalation_requested'))
        FROM added
        WHERE complaint_id = ANY (flagged) AND kind IN ('sla_breached', 'sla_escalated', 'escalation_requested')
        GROUP BY complaint_id
        ORDER BY complaint_id
        ON CONFLICT (complaint_id) DO UPDATE
            SET breached = m.breached OR EXCLUDED.breached, escalated = m.escalated OR EXCLUDED.escalated
            WHERE (m.breached, m.escalated) IS DISTINCT FROM (m.breached OR EXCLUDED.breached, m.escalated OR EXCLUDED.escalated);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
