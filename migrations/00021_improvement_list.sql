-- The improvement list (issue 15; 002 §3.4 「建立改进清单，明确责任人和完成时限，每月跟踪进度」):
-- a backlog item gets an owner (a person of the directory), a due date, the PDCA
-- cycle that took it up, and when it was done. Reviews may also be run on demand
-- (schedule_id 'on-demand').

-- +goose Up
ALTER TABLE improvement_backlog
    ADD COLUMN owner    text        REFERENCES people (id),
    ADD COLUMN due_on   date,
    ADD COLUMN cycle_id uuid        REFERENCES pdca_cycles (id),
    ADD COLUMN done_at  timestamptz;

CREATE INDEX improvement_backlog_open_due ON improvement_backlog (due_on) WHERE status IN ('new', 'planned');

-- +goose Down
DROP INDEX improvement_backlog_open_due;
ALTER TABLE improvement_backlog DROP COLUMN done_at, DROP COLUMN cycle_id, DROP COLUMN due_on, DROP COLUMN owner;
