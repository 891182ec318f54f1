-- An external_id is unique within one intake system, not across all of them
-- (README: "Use your own `external_id`"): the call centre's "A-1" and a
-- marketplace's "A-1" are two complaints, and a retry finds only its own system's.
-- The intake system is the integration the filing token is bound to
-- (complaints.integration_id); tokens bound to none share one namespace, the
-- COALESCE to ''. Feedback gets the same key, and records its token's integration
-- so the complaint it becomes is called back to that system.
--
-- external_id leads the indexes, so GET /v1/complaints?external_id= (every system's)
-- still reads by it; ON CONFLICT infers an index from its columns in any order.
--
-- Outside a transaction, the unique indexes built CONCURRENTLY: complaints and
-- feedback grow without bound, and a plain CREATE INDEX would hold every filing for
-- the whole build. A build that failed half-way leaves an invalid index under the
-- name, so a re-run drops it first. The catalogue-only changes (a nullable column, a
-- NOT VALID foreign key, dropping the old constraints) each run as one implicit
-- transaction that waits for its lock at most 10 s, rather than queue every
-- complaint's traffic behind a long report holding the table.

-- +goose NO TRANSACTION

-- +goose Up
-- +goose StatementBegin
SET LOCAL lock_timeout = '10s';
ALTER TABLE feedback ADD COLUMN IF NOT EXISTS integration_id text;
ALTER TABLE feedback DROP CONSTRAINT IF EXISTS feedback_integration_id_fkey;
ALTER TABLE feedback ADD CONSTRAINT feedback_integration_id_fkey
    FOREIGN KEY (integration_id) REFERENCES integrations (id) NOT VALID;
-- +goose StatementEnd
ALTER TABLE feedback VALIDATE CONSTRAINT feedback_integration_id_fkey;
-- Feedback sent before under an external_id takes its token's live integration, as
-- a filing now records it: a retry after the upgrade finds it in its system's
-- namespace instead of filing it (and its complaint) again.
UPDATE feedback f SET integration_id = i.id
    FROM api_tokens t JOIN integrations i ON i.id = t.integration_id AND i.deleted_at IS NULL
    WHERE t.id::text = f.filed_by AND f.external_id IS NOT NULL AND f.integration_id IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS complaints_external_id_per_intake;
CREATE UNIQUE INDEX CONCURRENTLY complaints_external_id_per_intake
    ON complaints (external_id, (COALESCE(integration_id, '')));
DROP INDEX CONCURRENTLY IF EXISTS feedback_external_id_per_intake;
CREATE UNIQUE INDEX CONCURRENTLY feedback_external_id_per_intake
    ON feedback (external_id, (COALESCE(integration_id, '')));
-- +goose StatementBegin
SET LOCAL lock_timeout = '10s';
ALTER TABLE complaints DROP CONSTRAINT IF EXISTS complaints_external_id_key;
ALTER TABLE feedback DROP CONSTRAINT IF EXISTS feedback_external_id_key;
-- +goose StatementEnd

-- +goose Down
-- Fails if two intake systems have used the same external_id since.
-- +goose StatementBegin
SET LOCAL lock_timeout = '10s';
ALTER TABLE complaints ADD CONSTRAINT complaints_external_id_key UNIQUE (external_id);
ALTER TABLE feedback ADD CONSTRAINT feedback_external_id_key UNIQUE (external_id);
DROP INDEX complaints_external_id_per_intake;
DROP INDEX feedback_external_id_per_intake;
ALTER TABLE feedback DROP COLUMN integration_id;
-- +goose StatementEnd
