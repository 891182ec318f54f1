-- What an intake system catching up reads (GET /v1/complaints?integration_id=…
-- &updated_from=…&sort=updated): its complaints in the order they last changed,
-- one keyset page at a time (store.ComplaintsChangedFirst). Without these indexes
-- a page sorted every complaint of the integration, or of the table, by
-- updated_at. The integration's index replaces 00011's complaints_by_integration,
-- its prefix.
--
-- Built CONCURRENTLY, outside a transaction: every change to a complaint writes
-- the row, and a plain CREATE INDEX would hold them for the whole build. A build
-- that failed half-way leaves an invalid index under the name, so a re-run drops
-- it first.

-- +goose NO TRANSACTION

-- +goose Up
DROP INDEX CONCURRENTLY IF EXISTS complaints_by_update;
CREATE INDEX CONCURRENTLY complaints_by_update ON complaints (updated_at, id);
DROP INDEX CONCURRENTLY IF EXISTS complaints_by_integration_update;
CREATE INDEX CONCURRENTLY complaints_by_integration_update ON complaints (integration_id, updated_at, id)
    WHERE integration_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS complaints_by_integration;
-- The delivery log's pages (store.IntegrationDeliveries): callbacks by status, newest
-- first; without it a page of status=failed walked every notification.
DROP INDEX CONCURRENTLY IF EXISTS notifications_callbacks_by_status;
CREATE INDEX CONCURRENTLY notifications_callbacks_by_status ON notifications (status, id)
    WHERE channel = 'callback';

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS notifications_callbacks_by_status;
CREATE INDEX CONCURRENTLY IF NOT EXISTS complaints_by_integration ON complaints (integration_id)
    WHERE integration_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS complaints_by_integration_update;
DROP INDEX CONCURRENTLY IF EXISTS complaints_by_update;
