-- The customer's wait before reaching a person (002 §7.1 wait time, target 90 s),
-- as the intake system measured it: whole seconds, NULL when not given (channels
-- without a queue never have one; docs/metrics.md "Wait time"). Metrics read it
-- from the complaint's row, as they read its group columns.

-- +goose Up
ALTER TABLE complaints ADD COLUMN wait_seconds integer CHECK (wait_seconds BETWEEN 0 AND 86400);

-- +goose Down
ALTER TABLE complaints DROP COLUMN wait_seconds;
