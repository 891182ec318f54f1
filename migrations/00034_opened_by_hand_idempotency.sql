-- A risk alert or PDCA cycle opened by hand (POST /v1/risk-alerts, POST
-- /v1/pdca-cycles) with an Idempotency-Key is opened once under that key, as a
-- complaint is once under its external_id: a retry answers the one opened first,
-- open or closed by then, and the same key sent with another body is a 409. The
-- key was global — an alert's ID was derived from it, a cycle's opportunity was
-- "manual/<key>" and only found while the cycle was open, so two clients sending
-- the same key got each other's alert, a closed cycle's key opened a new one, and
-- another body under a used key was answered with the first resource. The key is
-- now recorded as the API scopes it to the caller ("<token id>:<key>"), with the
-- SHA-256 of the request body. Rows opened before keep NULL: their keys, global and
-- unscoped, name nothing any more.

-- +goose Up
ALTER TABLE pdca_cycles
    ADD COLUMN idempotency_key text,
    ADD COLUMN request_hash    text,
    ADD CONSTRAINT pdca_cycles_keyed_with_hash CHECK ((idempotency_key IS NULL) = (request_hash IS NULL));
CREATE UNIQUE INDEX pdca_cycles_by_idempotency_key ON pdca_cycles (idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE risk_alerts
    ADD COLUMN idempotency_key text,
    ADD COLUMN request_hash    text,
    ADD CONSTRAINT risk_alerts_keyed_with_hash CHECK ((idempotency_key IS NULL) = (request_hash IS NULL));
CREATE UNIQUE INDEX risk_alerts_by_idempotency_key ON risk_alerts (idempotency_key) WHERE idempotency_key IS NOT NULL;

-- +goose Down
DROP INDEX risk_alerts_by_idempotency_key;
ALTER TABLE risk_alerts
    DROP CONSTRAINT risk_alerts_keyed_with_hash,
    DROP COLUMN request_hash,
    DROP COLUMN idempotency_key;

DROP INDEX pdca_cycles_by_idempotency_key;
ALTER TABLE pdca_cycles
    DROP CONSTRAINT pdca_cycles_keyed_with_hash,
    DROP COLUMN request_hash,
    DROP COLUMN idempotency_key;
