-- Whether a complaint was passed on to someone else (an `escalation_requested` or
-- `handed_over` event, any time), kept in complaint_metrics as `passed_on` for
-- first-contact resolution (docs/metrics.md, "First-contact resolution"): a complaint
-- someone asked a manager to decide, or handed to another owner, was not resolved by
-- its first handling. The breach ladder's `sla_escalated` is not in it: it notifies
-- managers of a breach (the default ladder, 00002, at level 1 after 0 s, so with every
-- breach) without passing the complaint on, and a late resolution is still
-- first-contact. It stays in `escalated`, the escalation rate's. A handover is only
-- taken while the complaint awaits resolution, so after the first resolution only a
-- reopened complaint — out of FCR already — can have one.
--
-- Like `escalated` it only ever turns on, so the trigger's flag upsert (00028) sets
-- it without a recompute, and the recompute (00013, 00039) reads it from the log for
-- a statement that also moves another fact. The backfill sets it from the events
-- already in the log.
--
-- Locks, taken first and in the writers' order (complaint_events, then the trigger's
-- complaint_metrics), each waited for at most 10 s:
-- - SHARE on complaint_events: it waits for the transactions that have written events
--   to end and keeps new event writes waiting until the migration commits. Without
--   it, a statement of only a handover or escalation request, run by the old trigger
--   (which writes no `passed_on`, or no row at all), could commit after the
--   backfill's snapshot and keep its flag false for good. Taken after the ALTER
--   below, it could deadlock with such a writer whose trigger waits for the ALTER's
--   lock.
-- - ACCESS EXCLUSIVE on complaint_metrics, by ADD COLUMN (with a constant default it
--   changes only the catalogue): metrics reads wait too.
-- Both last until the commit, that is for the backfill, which is short: it finds the
-- escalation-request and handover events through complaint_events_risk_windows
-- (kind, occurred_at) and rewrites only the rows of complaints that were passed on.

-- +goose Up
SET LOCAL lock_timeout = '10s';
LOCK TABLE complaint_events IN SHARE MODE;
ALTER TABLE complaint_metrics ADD COLUMN passed_on boolean NOT NULL DEFAULT false;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION complaint_metrics_refresh(ids uuid[]) RETURNS void AS $$
BEGIN
    -- Serialise writers of one complaint: lock its row (creating it if need be)
    -- before reading its events (00013).
    INSERT INTO complaint_metrics (complaint_id)
    SELECT DISTINCT id FROM unnest(ids) id ORDER BY id
    ON CONFLICT (complaint_id) DO NOTHING;
    PERFORM 1 FROM complaint_metrics WHERE complaint_id = ANY (ids) ORDER BY complaint_id FOR UPDATE;

    WITH ev AS (
        SELECT e.complaint_id, e.kind, e.occurred_at, e.data,
            -- Resolutions before this event: 0 means the event precedes the first resolution.
            count(*) FILTER (WHERE e.kind = 'resolved')
                OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS resolved_before,
            -- For a pause: when it ended, at the next resumed or resolved event.
            min(e.occurred_at) FILTER (WHERE e.kind IN ('resumed', 'resolved'))
                OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS pause_end
        FROM complaint_events e
        WHERE e.complaint_id = ANY (ids)
          AND e.kind IN ('opened', 'acknowledged', 'resolved', 'paused', 'resumed', 'sla_breached',
                         'sla_escalated', 'escalation_requested', 'handed_over', 'reopened', 'closed', 'survey_answered')
        WINDOW w AS (PARTITION BY e.complaint_id ORDER BY e.occurred_at, e.id)
    ), per AS (
        SELECT complaint_id,
            min(occurred_at) FILTER (WHERE kind = 'opened') AS opened_at,
            min(occurred_at) FILTER (WHERE kind IN ('acknowledged', 'resolved')) AS responded_at,
            min(occurred_at) FILTER (WHERE kind = 'resolved') AS resolved_at,
            COALESCE(sum(extract(epoch FROM pause_end - occurred_at))
                FILTER (WHERE kind = 'paused' AND resolved_before = 0), 0)::float8 AS paused_seconds,
            COALESCE(bool_or(kind = 'resolved'), false) AS resolved,
            COALESCE(bool_or(kind = 'acknowledged' AND resolved_before = 0), false) AS acknowledged_first,
            COALESCE(bool_or(kind = 'sla_breached'), false) AS breached,
            COALESCE(bool_or(kind = 'sla_breached' AND data->>'clock' = 'resolution'), false) AS resolution_breached,
            COALESCE(bool_or(kind IN ('sla_escalated', 'escalation_requested')), false) AS escalated,
            COALESCE(bool_or(kind IN ('escalation_requested', 'handed_over')), false) AS passed_on,
            COALESCE(bool_or(kind = 'reopened'), false) AS reopened,
            COALESCE(bool_or(kind = 'closed' AND data->>'verification' = 'verified'), false) AS verified,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'csat' IS NOT NULL) AS csat_answers,
            count(*) FILTER (WHERE kind = 'survey_answered' AND (data->'survey'->>'csat')::int >= 4) AS csat_satisfied,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'nps' IS NOT NULL) AS nps_answers,
            count(*) FILTER (WHERE kind = 'survey_answered' AND (data->'survey'->>'nps')::int >= 9) AS nps_promoters,
            count(*) FILTER (WHERE kind = 'survey_answered' AND (data->'survey'->>'nps')::int <= 6) AS nps_detractors,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'ces' IS NOT NULL) AS ces_answers,
            COALESCE(sum((data->'survey'->>'ces')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS ces_sum,
            COALESCE(sum((data->'survey'->>'csat')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS csat_sum,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'response_speed' IS NOT NULL) AS speed_n,
            COALESCE(sum((data->'survey'->>'response_speed')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS speed_sum,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'problem_solved' IS NOT NULL) AS solved_n,
            COALESCE(sum((data->'survey'->>'problem_solved')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS solved_sum,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'service_attitude' IS NOT NULL) AS attitude_n,
            COALESCE(sum((data->'survey'->>'service_attitude')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS attitude_sum
        FROM ev
        GROUP BY complaint_id
    )
    UPDATE complaint_metrics m SET
        opened_at = per.opened_at, responded_at = per.responded_at, resolved_at = per.resolved_at,
        paused_seconds = per.paused_seconds, resolved = per.resolved, acknowledged_first = per.acknowledged_first,
        breached = per.breached, resolution_breached = per.resolution_breached, escalated = per.escalated,
        passed_on = per.passed_on,
        reopened = per.reopened, verified = per.verified,
        csat_answers = per.csat_answers, csat_satisfied = per.csat_satisfied,
        nps_answers = per.nps_answers, nps_promoters = per.nps_promoters, nps_detractors = per.nps_detractors,
        ces_answers = per.ces_answers, ces_sum = per.ces_sum,
        csat_sum = per.csat_sum, speed_n = per.speed_n, speed_sum = per.speed_sum, solved_n = per.solved_n, solved_sum = per.solved_sum, attitude_n = per.attitude_n, attitude_sum = per.attitude_sum
    FROM per
    WHERE m.complaint_id = per.complaint_id
      -- An event that moves no fact (a second acknowledgement…) writes no row version.
      AND (m.opened_at, m.responded_at, m.resolved_at, m.paused_seconds, m.resolved, m.acknowledged_first,
           m.breached, m.resolution_breached, m.escalated, m.passed_on, m.reopened, m.verified, m.csat_answers, m.csat_satisfied,
           m.nps_answers, m.nps_promoters, m.nps_detractors, m.ces_answers, m.ces_sum,
           m.csat_sum, m.speed_n, m.speed_sum, m.solved_n, m.solved_sum, m.attitude_n, m.attitude_sum)
          IS DISTINCT FROM
          (per.opened_at, per.responded_at, per.resolved_at, per.paused_seconds, per.resolved, per.acknowledged_first,
           per.breached, per.resolution_breached, per.escalated, per.passed_on, per.reopened, per.verified, per.csat_answers, per.csat_satisfied,
           per.nps_answers, per.nps_promoters, per.nps_detractors, per.ces_answers, per.ces_sum,
           per.csat_sum, per.speed_n, per.speed_sum, per.solved_n, per.solved_sum, per.attitude_n, per.attitude_sum);
END;
$$ LANGUAGE plpgsql
-- Planned once per session, as 00013's.
SET plan_cache_mode = force_generic_plan;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION complaint_metrics_on_events() RETURNS trigger AS $$
DECLARE
    -- Complaints with an event that moves a fact other than the breach, escalation and passed-on flags.
    ids uuid[] := ARRAY(
        SELECT DISTINCT complaint_id FROM added
        WHERE kind IN ('opened', 'acknowledged', 'resolved', 'paused', 'resumed', 'reopened', 'closed',
                       'survey_answered'));
    -- The others with a breach, escalation or handover event: their flags are set without a refresh (00028).
    flagged uuid[] := ARRAY(
        SELECT DISTINCT complaint_id FROM added
        WHERE kind IN ('sla_breached', 'sla_escalated', 'escalation_requested', 'handed_over') AND complaint_id <> ALL (ids));
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
                           'survey_answered', 'sla_breached', 'sla_escalated', 'escalation_requested', 'handed_over')
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
        INSERT INTO complaint_metrics AS m (complaint_id, breached, resolution_breached, escalated, passed_on)
        SELECT complaint_id, bool_or(kind = 'sla_breached'),
            -- A breach recorded without a clock is not the resolution's (NULL → false).
            COALESCE(bool_or(kind = 'sla_breached' AND data->>'clock' = 'resolution'), false),
            bool_or(kind IN ('sla_escalated', 'escalation_requested')),
            bool_or(kind IN ('escalation_requested', 'handed_over'))
        FROM added
        WHERE complaint_id = ANY (flagged) AND kind IN ('sla_breached', 'sla_escalated', 'escalation_requested', 'handed_over')
        GROUP BY complaint_id
        ORDER BY complaint_id
        ON CONFLICT (complaint_id) DO UPDATE
            SET breached = m.breached OR EXCLUDED.breached,
                resolution_breached = m.resolution_breached OR EXCLUDED.resolution_breached,
                escalated = m.escalated OR EXCLUDED.escalated,
                passed_on = m.passed_on OR EXCLUDED.passed_on
            WHERE (m.breached, m.resolution_breached, m.escalated, m.passed_on) IS DISTINCT FROM
                (m.breached OR EXCLUDED.breached, m.resolution_breached OR EXCLUDED.resolution_breached,
                 m.escalated OR EXCLUDED.escalated, m.passed_on OR EXCLUDED.passed_on);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- Backfill: the escalation requests and handovers already in the log, all committed
-- (the SHARE lock above).
UPDATE complaint_metrics m SET passed_on = true
FROM (SELECT DISTINCT complaint_id FROM complaint_events WHERE kind IN ('escalation_requested', 'handed_over')) h
WHERE m.complaint_id = h.complaint_id;

-- +goose Down
-- 00039's refresh and trigger function, then the column.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION complaint_metrics_refresh(ids uuid[]) RETURNS void AS $$
BEGIN
    -- Serialise writers of one complaint: lock its row (creating it if need be)
    -- before reading its events (00013).
    INSERT INTO complaint_metrics (complaint_id)
    SELECT DISTINCT id FROM unnest(ids) id ORDER BY id
    ON CONFLICT (complaint_id) DO NOTHING;
    PERFORM 1 FROM complaint_metrics WHERE complaint_id = ANY (ids) ORDER BY complaint_id FOR UPDATE;

    WITH ev AS (
        SELECT e.complaint_id, e.kind, e.occurred_at, e.data,
            -- Resolutions before this event: 0 means the event precedes the first resolution.
            count(*) FILTER (WHERE e.kind = 'resolved')
                OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS resolved_before,
            -- For a pause: when it ended, at the next resumed or resolved event.
            min(e.occurred_at) FILTER (WHERE e.kind IN ('resumed', 'resolved'))
                OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS pause_end
        FROM complaint_events e
        WHERE e.complaint_id = ANY (ids)
          AND e.kind IN ('opened', 'acknowledged', 'resolved', 'paused', 'resumed', 'sla_breached',
                         'sla_escalated', 'escalation_requested', 'reopened', 'closed', 'survey_answered')
        WINDOW w AS (PARTITION BY e.complaint_id ORDER BY e.occurred_at, e.id)
    ), per AS (
        SELECT complaint_id,
            min(occurred_at) FILTER (WHERE kind = 'opened') AS opened_at,
            min(occurred_at) FILTER (WHERE kind IN ('acknowledged', 'resolved')) AS responded_at,
            min(occurred_at) FILTER (WHERE kind = 'resolved') AS resolved_at,
            COALESCE(sum(extract(epoch FROM pause_end - occurred_at))
                FILTER (WHERE kind = 'paused' AND resolved_before = 0), 0)::float8 AS paused_seconds,
            COALESCE(bool_or(kind = 'resolved'), false) AS resolved,
            COALESCE(bool_or(kind = 'acknowledged' AND resolved_before = 0), false) AS acknowledged_first,
            COALESCE(bool_or(kind = 'sla_breached'), false) AS breached,
            COALESCE(bool_or(kind = 'sla_breached' AND data->>'clock' = 'resolution'), false) AS resolution_breached,
            COALESCE(bool_or(kind IN ('sla_escalated', 'escalation_requested')), false) AS escalated,
            COALESCE(bool_or(kind = 'reopened'), false) AS reopened,
            COALESCE(bool_or(kind = 'closed' AND data->>'verification' = 'verified'), false) AS verified,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'csat' IS NOT NULL) AS csat_answers,
            count(*) FILTER (WHERE kind = 'survey_answered' AND (data->'survey'->>'csat')::int >= 4) AS csat_satisfied,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'nps' IS NOT NULL) AS nps_answers,
            count(*) FILTER (WHERE kind = 'survey_answered' AND (data->'survey'->>'nps')::int >= 9) AS nps_promoters,
            count(*) FILTER (WHERE kind = 'survey_answered' AND (data->'survey'->>'nps')::int <= 6) AS nps_detractors,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'ces' IS NOT NULL) AS ces_answers,
            COALESCE(sum((data->'survey'->>'ces')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS ces_sum,
            COALESCE(sum((data->'survey'->>'csat')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS csat_sum,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'response_speed' IS NOT NULL) AS speed_n,
            COALESCE(sum((data->'survey'->>'response_speed')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS speed_sum,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'problem_solved' IS NOT NULL) AS solved_n,
            COALESCE(sum((data->'survey'->>'problem_solved')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS solved_sum,
            count(*) FILTER (WHERE kind = 'survey_answered' AND data->'survey'->>'service_attitude' IS NOT NULL) AS attitude_n,
            COALESCE(sum((data->'survey'->>'service_attitude')::int) FILTER (WHERE kind = 'survey_answered'), 0) AS attitude_sum
        FROM ev
        GROUP BY complaint_id
    )
    UPDATE complaint_metrics m SET
        opened_at = per.opened_at, responded_at = per.responded_at, resolved_at = per.resolved_at,
        paused_seconds = per.paused_seconds, resolved = per.resolved, acknowledged_first = per.acknowledged_first,
        breached = per.breached, resolution_breached = per.resolution_breached, escalated = per.escalated,
        reopened = per.reopened, verified = per.verified,
        csat_answers = per.csat_answers, csat_satisfied = per.csat_satisfied,
        nps_answers = per.nps_answers, nps_promoters = per.nps_promoters, nps_detractors = per.nps_detractors,
        ces_answers = per.ces_answers, ces_sum = per.ces_sum,
        csat_sum = per.csat_sum, speed_n = per.speed_n, speed_sum = per.speed_sum, solved_n = per.solved_n, solved_sum = per.solved_sum, attitude_n = per.attitude_n, attitude_sum = per.attitude_sum
    FROM per
    WHERE m.complaint_id = per.complaint_id
      -- An event that moves no fact (a second acknowledgement…) writes no row version.
      AND (m.opened_at, m.responded_at, m.resolved_at, m.paused_seconds, m.resolved, m.acknowledged_first,
           m.breached, m.resolution_breached, m.escalated, m.reopened, m.verified, m.csat_answers, m.csat_satisfied,
           m.nps_answers, m.nps_promoters, m.nps_detractors, m.ces_answers, m.ces_sum,
           m.csat_sum, m.speed_n, m.speed_sum, m.solved_n, m.solved_sum, m.attitude_n, m.attitude_sum)
          IS DISTINCT FROM
          (per.opened_at, per.responded_at, per.resolved_at, per.paused_seconds, per.resolved, per.acknowledged_first,
           per.breached, per.resolution_breached, per.escalated, per.reopened, per.verified, per.csat_answers, per.csat_satisfied,
           per.nps_answers, per.nps_promoters, per.nps_detractors, per.ces_answers, per.ces_sum,
           per.csat_sum, per.speed_n, per.speed_sum, per.solved_n, per.solved_sum, per.attitude_n, per.attitude_sum);
END;
$$ LANGUAGE plpgsql
-- Planned once per session, as 00013's.
SET plan_cache_mode = force_generic_plan;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION complaint_metrics_on_events() RETURNS trigger AS $$
DECLARE
    -- Complaints with an event that moves a fact other than the breach and escalation flags.
    ids uuid[] := ARRAY(
        SELECT DISTINCT complaint_id FROM added
        WHERE kind IN ('opened', 'acknowledged', 'resolved', 'paused', 'resumed', 'reopened', 'closed',
                       'survey_answered'));
    -- The others with a breach or escalation event: their flags are set without a refresh (00028).
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
        INSERT INTO complaint_metrics AS m (complaint_id, breached, resolution_breached, escalated)
        SELECT complaint_id, bool_or(kind = 'sla_breached'),
            -- A breach recorded without a clock is not the resolution's (NULL → false).
            COALESCE(bool_or(kind = 'sla_breached' AND data->>'clock' = 'resolution'), false),
            bool_or(kind IN ('sla_escalated', 'escalation_requested'))
        FROM added
        WHERE complaint_id = ANY (flagged) AND kind IN ('sla_breached', 'sla_escalated', 'escalation_requested')
        GROUP BY complaint_id
        ORDER BY complaint_id
        ON CONFLICT (complaint_id) DO UPDATE
            SET breached = m.breached OR EXCLUDED.breached,
                resolution_breached = m.resolution_breached OR EXCLUDED.resolution_breached,
                escalated = m.escalated OR EXCLUDED.escalated
            WHERE (m.breached, m.resolution_breached, m.escalated) IS DISTINCT FROM
                (m.breached OR EXCLUDED.breached, m.resolution_breached OR EXCLUDED.resolution_breached,
                 m.escalated OR EXCLUDED.escalated);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

ALTER TABLE complaint_metrics DROP COLUMN passed_on;
