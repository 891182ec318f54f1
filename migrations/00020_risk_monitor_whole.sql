-- The whole risk monitor (issue 15; 002 §9.1 「系统故障(响应时间>5秒)、人员流失率(单月>15%)」,
-- 「红色风险(如系统宕机、重大客诉)」) and the standing KPI targets (000 §3.1, 002 §2.1):
--   - api_latency_minutes: per-minute aggregates of the API's own request latencies,
--     written in batches by the API's middleware, read by the monitor;
--   - people.deactivated_at: when a person left, for the monthly staff turnover
--     (people inactive before this migration left at their last update);
--   - risk_alerts: the two new conditions, the KPI-target condition and manual alerts
--     (opened by hand with a grade and a description; any number may be open).
-- The KPI targets are a JSON document in settings under 'kpi_targets'.

-- +goose Up
CREATE TABLE api_latency_minutes (
    minute   timestamptz PRIMARY KEY CHECK (date_trunc('minute', minute) = minute),
    requests bigint      NOT NULL CHECK (requests >= 0),
    total_ms bigint      NOT NULL CHECK (total_ms >= 0),
    max_ms   bigint      NOT NULL CHECK (max_ms >= 0),
    -- Requests that took longer than 5 s (002 §9.1).
    slow     bigint      NOT NULL CHECK (slow >= 0 AND slow <= requests)
);

ALTER TABLE people ADD COLUMN deactivated_at timestamptz;
UPDATE people SET deactivated_at = updated_at WHERE NOT active;
CREATE INDEX people_by_deactivated ON people (deactivated_at) WHERE deactivated_at IS NOT NULL;

ALTER TABLE risk_alerts DROP CONSTRAINT risk_alerts_condition_check;
ALTER TABLE risk_alerts ADD CONSTRAINT risk_alerts_condition_check CHECK (condition IN
    ('csat_drop', 'volume_spike', 'sla_compliance', 'slow_response', 'staff_turnover', 'kpi_target', 'manual'));
ALTER TABLE risk_alerts ADD COLUMN description text NOT NULL DEFAULT '';
ALTER TABLE risk_alerts ADD COLUMN opened_by text NOT NULL DEFAULT 'risk-monitor';
DROP INDEX risk_alerts_one_open_per_condition;
CREATE UNIQUE INDEX risk_alerts_one_open_per_condition ON risk_alerts (condition)
    WHERE status <> 'closed' AND condition <> 'manual';

-- +goose Down
DROP INDEX risk_alerts_one_open_per_condition;
CREATE UNIQUE INDEX risk_alerts_one_open_per_condition ON risk_alerts (condition) WHERE status <> 'closed';
ALTER TABLE risk_alerts DROP COLUMN opened_by;
ALTER TABLE risk_alerts DROP COLUMN description;
ALTER TABLE risk_alerts DROP CONSTRAINT risk_alerts_condition_check;
ALTER TABLE risk_alerts ADD CONSTRAINT risk_alerts_condition_check CHECK (condition IN ('csat_drop', 'volume_spike', 'sla_compliance'));
DROP INDEX people_by_deactivated;
ALTER TABLE people DROP COLUMN deactivated_at;
DROP TABLE api_latency_minutes;
DELETE FROM settings WHERE name = 'kpi_targets';
