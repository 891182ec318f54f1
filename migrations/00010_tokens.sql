-- Token lifecycle (docs/tokens.md): expiry, last use, rotation without resurrection,
-- and a generation counter every API process polls so a revoked, rotated or expired
-- token is refused everywhere within about a second despite its principal cache.

-- +goose Up
ALTER TABLE api_tokens
    ADD COLUMN expires_at   timestamptz,
    -- Recorded at most once a minute per token and process, never per request.
    ADD COLUMN last_used_at timestamptz,
    ADD COLUMN rotated_at   timestamptz;

-- Secrets a rotation replaced. The bootstrap admin token is seeded on every start
-- unless its hash is known: without this list, rotating it and restarting with the
-- old BOOTSTRAP_ADMIN_TOKEN would bring the old secret back.
CREATE TABLE api_token_retired_hashes (
    token_hash bytea       PRIMARY KEY,
    token_id   uuid        NOT NULL REFERENCES api_tokens (id),
    retired_at timestamptz NOT NULL DEFAULT now()
);

-- One row. Bumped by the trigger below in the same transaction as the change it
-- announces, so a process that reads the new generation can no longer read the old
-- token row (a sequence would be bumped before the change commits).
CREATE TABLE api_token_generation (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint  NOT NULL DEFAULT 0
);
INSERT INTO api_token_generation DEFAULT VALUES;

-- +goose StatementBegin
CREATE FUNCTION api_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE api_token_generation SET generation = generation + 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Every change that can make a cached principal wrong, including one made by hand in
-- psql. Row-level with WHEN, so an UPDATE that changes nothing (revoking a revoked
-- token) bumps nothing; last_used_at is not listed, so recording use bumps nothing.
CREATE TRIGGER api_tokens_changed
    AFTER UPDATE OF token_hash, role, name, person_id, revoked_at, expires_at ON api_tokens
    FOR EACH ROW
    WHEN ((OLD.token_hash, OLD.role, OLD.name, OLD.person_id, OLD.revoked_at, OLD.expires_at)
          IS DISTINCT FROM (NEW.token_hash, NEW.role, NEW.name, NEW.person_id, NEW.revoked_at, NEW.expires_at))
    EXECUTE FUNCTION api_tokens_changed();
CREATE TRIGGER api_tokens_deleted
    AFTER DELETE ON api_tokens FOR EACH ROW EXECUTE FUNCTION api_tokens_changed();
CREATE TRIGGER api_tokens_truncated
    AFTER TRUNCATE ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION api_tokens_changed();

-- +goose Down
DROP TRIGGER api_tokens_truncated ON api_tokens;
DROP TRIGGER api_tokens_deleted ON api_tokens;
DROP TRIGGER api_tokens_changed ON api_tokens;
DROP FUNCTION api_tokens_changed();
DROP TABLE api_token_generation;
DROP TABLE api_token_retired_hashes;
ALTER TABLE api_tokens DROP COLUMN rotated_at, DROP COLUMN last_used_at, DROP COLUMN expires_at;
