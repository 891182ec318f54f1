-- Breach and escalation events, alone, set their flags in complaint_metrics directly
-- (docs/metrics.md, "How the figures are kept"). `breached` and `escalated` are
-- "any event of these kinds": they only ever turn on, so OR-ing a statement's new
-- events into the row gives what recomputing the whole log would, in any order.
-- They are what a burst of deadlines writes — every breach and ladder step — and the
-- recompute (three statements and a window pass over the complaint's events, through
-- a function call) cost a breach's write about as much again as the write itself.
-- A statement that also adds an event of another fact kind recomputes the complaint
-- as before; warnings and other kinds still move nothing.

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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION complaint_metrics_on_events() RETURNS trigger AS $$
DECLARE
    ids uuid[] := ARRAY(
        SELECT DISTINCT complaint_id FROM added
        WHERE kind IN ('opened', 'acknowledged', 'resolved', 'paused', 'resumed', 'sla_breached',
                       'sla_escalated', 'escalation_requested', 'reopened', 'closed', 'survey_answered'));
BEGIN
    -- A warning, a survey sent or a retried event (ON CONFLICT DO NOTHING) moves nothing.
    IF cardinality(ids) > 0 THEN
        PERFORM complaint_metrics_refresh(ids);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
