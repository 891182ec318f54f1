-- Web console sessions (docs/console.md). The browser holds only a random session
-- ID; its SHA-256 is stored here with the API token it signs in as, never the
-- token's secret. The CSRF synchronizer token lives with the session it guards.

-- +goose Up
CREATE TABLE console_sessions (
    id_hash    bytea       PRIMARY KEY,
    token_id   uuid        NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    csrf_token text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- +goose Down
DROP TABLE console_sessions;
