-- A setting's version, for optimistic concurrency (If-Match, docs/api-guide.md):
-- when and by whom its document was last written. The risk thresholds and KPI
-- targets carry that in their documents already; their rows take it from there,
-- so the version a client read from a document stays the row's.

-- +goose Up
ALTER TABLE settings
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_by text NOT NULL DEFAULT 'seed';
UPDATE settings SET updated_at = created_at;
UPDATE settings
SET updated_at = coalesce((value::jsonb ->> 'updated_at')::timestamptz, created_at),
    updated_by = coalesce(value::jsonb ->> 'updated_by', 'seed')
WHERE name IN ('risk_thresholds', 'kpi_targets');

-- +goose Down
ALTER TABLE settings DROP COLUMN updated_at, DROP COLUMN updated_by;
