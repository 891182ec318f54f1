-- A webhook signing key per person. Staff webhooks were all signed with one shared
-- key (WEBHOOK_SIGNING_SECRET), so any staff receiver holding it could forge a
-- notice to any other. A person who gets a webhook now gets a key of their own, as
-- an intake integration has (00011): kept in clear, because signing needs it; shown
-- once when issued or rotated, never by the API again. Rows whose webhook was set
-- before have none and stay signed with the shared key until an admin rotates.

-- +goose Up
ALTER TABLE people ADD COLUMN webhook_secret text;
ALTER TABLE people ADD CONSTRAINT people_webhook_secret_needs_url
    CHECK (webhook_secret IS NULL OR webhook_url IS NOT NULL);

-- +goose Down
ALTER TABLE people DROP CONSTRAINT people_webhook_secret_needs_url;
ALTER TABLE people DROP COLUMN webhook_secret;
