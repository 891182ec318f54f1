-- Intake integrations and their status callbacks: an intake system registers a
-- callback URL; its intake tokens belong to it; a complaint filed through such a
-- token remembers the integration, and every customer-visible change of the
-- complaint is posted there (notifications with channel 'callback').

-- +goose Up
CREATE TABLE integrations (
    id           text        PRIMARY KEY,
    name         text        NOT NULL,
    callback_url text        NOT NULL,
    -- HMAC-SHA256 key of the callbacks. Kept in clear (signing needs it, unlike an
    -- API token's secret); shown once when created or rotated, never by the API again.
    secret       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text        NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text        NOT NULL,
    -- Deleted integrations keep their row for the tokens and complaints that name
    -- them; they receive no more callbacks.
    deleted_at   timestamptz
);

ALTER TABLE api_tokens ADD COLUMN integration_id text REFERENCES integrations (id);
ALTER TABLE complaints ADD COLUMN integration_id text REFERENCES integrations (id);

CREATE INDEX complaints_by_integration ON complaints (integration_id) WHERE integration_id IS NOT NULL;
CREATE INDEX notifications_callbacks ON notifications (complaint_id, id) WHERE channel = 'callback';

-- +goose Down
DROP INDEX notifications_callbacks;
DROP INDEX complaints_by_integration;
ALTER TABLE complaints DROP COLUMN integration_id;
ALTER TABLE api_tokens DROP COLUMN integration_id;
DROP TABLE integrations;
