-- Training gaps detected from the QA scorecards (002 §9.1 「蓝色风险(如培训覆盖率不足、
-- 知识库更新滞后)需24小时内完成整改方案」; the scorecard of 002 §10.1): the risk monitor
-- opens a blue training_gap alert for an agent or a team whose QA scores fall under
-- the threshold on a criterion. Such an alert is about someone — its subject,
-- "agent:<id>" or "team:<id>" ('' for the conditions about the whole service) — so
-- one alert may be open per condition and subject, not per condition. The
-- thresholds stay in the risk_thresholds settings document.

-- +goose Up
ALTER TABLE risk_alerts ADD COLUMN subject text NOT NULL DEFAULT '';
ALTER TABLE risk_alerts DROP CONSTRAINT risk_alerts_condition_check;
ALTER TABLE risk_alerts ADD CONSTRAINT risk_alerts_condition_check CHECK (condition IN
    ('csat_drop', 'volume_spike', 'sla_compliance', 'slow_response', 'staff_turnover', 'kpi_target', 'training_gap',
     'manual'));
DROP INDEX risk_alerts_one_open_per_condition;
CREATE UNIQUE INDEX risk_alerts_one_open_per_condition ON risk_alerts (condition, subject)
    WHERE status <> 'closed' AND condition <> 'manual';
-- The monitor reads the samples scored in its training window.
CREATE INDEX qa_samples_by_scored ON qa_samples (scored_at) WHERE scored_at IS NOT NULL;

-- +goose Down
DROP INDEX qa_samples_by_scored;
DROP INDEX risk_alerts_one_open_per_condition;
-- The old condition CHECK and index cannot hold training gaps: they go, history and all.
ALTER TABLE risk_alert_events DISABLE TRIGGER risk_alert_events_append_only;
DELETE FROM risk_alert_events WHERE alert_id IN (SELECT id FROM risk_alerts WHERE condition = 'training_gap');
ALTER TABLE risk_alert_events ENABLE TRIGGER risk_alert_events_append_only;
DELETE FROM risk_alerts WHERE condition = 'training_gap';
CREATE UNIQUE INDEX risk_alerts_one_open_per_condition ON risk_alerts (condition)
    WHERE status <> 'closed' AND condition <> 'manual';
ALTER TABLE risk_alerts DROP CONSTRAINT risk_alerts_condition_check;
ALTER TABLE risk_alerts ADD CONSTRAINT risk_alerts_condition_check CHECK (condition IN
    ('csat_drop', 'volume_spike', 'sla_compliance', 'slow_response', 'staff_turnover', 'kpi_target', 'manual'));
ALTER TABLE risk_alerts DROP COLUMN subject;
