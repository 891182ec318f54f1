-- The improvement list (issue 15; 002 §3.4 「建立改进清单，明确责任人和完成时限，每月跟踪进度」):
-- a backlog item gets an owner (a person of the directory), a due date, the PDCA
-- cycle that took it up, and when it was done. Reviews may also be run on demand
-- (schedule_id 'on-demand'), and quarterly (000 §4.1 「季度回顾」).

-- +goose Up
ALTER TABLE improvement_backlog
    ADD COLUMN owner    text        REFERENCES people (id),
    ADD COLUMN due_on   date,
    ADD COLUMN cycle_id uuid        REFERENCES pdca_cycles (id),
    ADD COLUMN done_at  timestamptz;

CREATE INDEX improvement_backlog_open_due ON improvement_backlog (due_on) WHERE status IN ('new', 'planned');

ALTER TABLE review_schedules DROP CONSTRAINT review_schedules_kind_check,
    ADD CONSTRAINT review_schedules_kind_check CHECK (kind IN ('monthly_planning', 'weekly_tracking', 'quarterly_planning', 'risk_monitor'));
ALTER TABLE reviews DROP CONSTRAINT reviews_kind_check,
    ADD CONSTRAINT reviews_kind_check CHECK (kind IN ('monthly_planning', 'weekly_tracking', 'quarterly_planning'));

-- +goose Down
DELETE FROM reviews WHERE kind = 'quarterly_planning';
DELETE FROM review_schedules WHERE kind = 'quarterly_planning';
ALTER TABLE reviews DROP CONSTRAINT reviews_kind_check,
    ADD CONSTRAINT reviews_kind_check CHECK (kind IN ('monthly_planning', 'weekly_tracking'));
ALTER TABLE review_schedules DROP CONSTRAINT review_schedules_kind_check,
    ADD CONSTRAINT review_schedules_kind_check CHECK (kind IN ('monthly_planning', 'weekly_tracking', 'risk_monitor'));
DROP INDEX improvement_backlog_open_due;
ALTER TABLE improvement_backlog DROP COLUMN done_at, DROP COLUMN cycle_id, DROP COLUMN due_on, DROP COLUMN owner;
