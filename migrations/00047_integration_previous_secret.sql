-- A rotated callback secret keeps signing beside the new one for a grace window, as
-- a person's webhook key does (00045), so the intake system's receiver can switch at
-- its own pace: secret_previous is the secret the last rotation replaced and
-- secret_previous_until when it stops signing. A second rotation with a grace within
-- the window keeps the secret already kept (the oldest still valid) and moves its
-- end; one without a grace drops it; a new callback URL, or deleting the
-- integration, drops it. Nullable: no row is rewritten.

-- One statement (the CHECK reads the table, a few rows of integrations); it waits for its
-- lock at most 10 s.
-- +goose Up
SET LOCAL lock_timeout = '10s';
ALTER TABLE integrations ADD COLUMN secret_previous text, ADD COLUMN secret_previous_until timestamptz,
    ADD CONSTRAINT integrations_secret_previous_has_end
        CHECK ((secret_previous IS NULL) = (secret_previous_until IS NULL));

-- +goose Down
ALTER TABLE integrations DROP CONSTRAINT integrations_secret_previous_has_end,
    DROP COLUMN secret_previous_until, DROP COLUMN secret_previous;
