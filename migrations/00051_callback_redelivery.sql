-- A callback delivery in a final state (sent, failed, uncertain) may be asked to
-- be sent again (POST /v1/integrations/{id}/deliveries/redeliver): the request
-- puts the row back to pending and records who asked and when; a worker sends it
-- (activities.Redeliver), its attempts counted on as any retry's. redeliveries
-- counts the requests, and marks the pending rows the workers look for: by the
-- callbacks' status index (00048), where pending callbacks are few.
--
-- A column with a constant default and two nullable ones: catalogue only, no row
-- rewritten; one statement that waits for its lock at most 10 s.

-- +goose Up
SET LOCAL lock_timeout = '10s';
ALTER TABLE notifications ADD COLUMN redeliveries integer NOT NULL DEFAULT 0,
    ADD COLUMN redelivery_requested_by text, ADD COLUMN redelivery_requested_at timestamptz;

-- +goose Down
ALTER TABLE notifications DROP COLUMN redelivery_requested_at, DROP COLUMN redelivery_requested_by,
    DROP COLUMN redeliveries;
