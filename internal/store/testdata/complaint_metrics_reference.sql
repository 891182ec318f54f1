-- The per-complaint facts as GET /v1/metrics computed them from the event log before
-- migration 00013 (the cohort, ev and per steps of that query, verbatim but for the
-- cohort's period bounds): the reference complaint_metrics must equal, row for row,
-- whatever order and batching the events were written in. Columns in
-- complaint_metrics' order (resolution_breached, added by 00039, and passed_on, by
-- 00053, last).
WITH cohort AS (
    SELECT o.complaint_id, o.occurred_at AS opened_at
    FROM complaint_events o
    WHERE o.kind = 'opened'
      AND NOT EXISTS (
          SELECT 1 FROM complaint_events p
          WHERE p.complaint_id = o.complaint_id AND p.kind = 'opened'
            AND (p.occurred_at, p.id) < (o.occurred_at, o.id))
), ev AS (
    SELECT e.complaint_id, e.kind, e.occurred_at, e.data,
        count(*) FILTER (WHERE e.kind = 'resolved')
            OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS resolved_before,
        min(e.occurred_at) FILTER (WHERE e.kind IN ('resumed', 'resolved'))
            OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS pause_end
    FROM complaint_events e
    JOIN cohort USING (complaint_id)
    WINDOW w AS (PARTITION BY e.complaint_id ORDER BY e.occurred_at, e.id)
), per AS (
    SELECT complaint_id,
        min(occurred_at) FILTER (WHERE kind IN ('acknowledged', 'resolved')) AS responded_at,
        min(occurred_at) FILTER (WHERE kind = 'resolved') AS resolved_at,
        COALESCE(sum(extract(epoch FROM pause_end - occurred_at))
            FILTER (WHERE kind = 'paused' AND resolved_before = 0), 0)::float8 AS paused_seconds,
        bool_or(kind = 'resolved') AS resolved,
        bool_or(kind = 'acknowledged' AND resolved_before = 0) AS acknowledged_first,
        bool_or(kind = 'sla_breached') AS breached,
        -- Migration 00039: a breach of the resolution clock.
        bool_or(kind = 'sla_breached' AND data->>'clock' = 'resolution') AS resolution_breached,
        bool_or(kind IN ('sla_escalated', 'escalation_requested')) AS escalated,
        -- Migration 00053: passed on, by an escalation request or a handover.
        bool_or(kind IN ('escalation_requested', 'handed_over')) AS passed_on,
        bool_or(kind = 'reopened') AS reopened,
        bool_or(kind = 'closed' AND data->>'verification' = 'verified') AS verified,
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
SELECT per.complaint_id, cohort.opened_at, per.responded_at, per.resolved_at, per.paused_seconds,
    per.resolved, per.acknowledged_first, per.breached, per.escalated, per.reopened, per.verified,
    per.csat_answers, per.csat_satisfied, per.nps_answers, per.nps_promoters, per.nps_detractors,
    per.ces_answers, per.ces_sum, per.csat_sum, per.speed_n, per.speed_sum, per.solved_n, per.solved_sum, per.attitude_n, per.attitude_sum,
    per.resolution_breached, per.passed_on
FROM per JOIN cohort USING (complaint_id)
