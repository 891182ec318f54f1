-- A rotated webhook key keeps signing beside the new one for a grace window, so a
-- person's receiver can switch to the new key at its own pace (as Stripe, GitHub and
-- Svix do): webhook_secret_previous is the key the last rotation replaced (NULL with
-- an end: the shared WEBHOOK_SIGNING_SECRET, for a webhook set before keys), and
-- webhook_secret_previous_until when it stops signing. A second rotation with a
-- grace within the window keeps the key already kept (the oldest still valid) and
-- moves its end; one without a grace drops it; a new webhook URL drops it, as the
-- receiver that held it is no longer the one posted to.

-- +goose Up
ALTER TABLE people ADD COLUMN webhook_secret_previous text;
ALTER TABLE people ADD COLUMN webhook_secret_previous_until timestamptz;
ALTER TABLE people ADD CONSTRAINT people_webhook_secret_previous_has_end
    CHECK (webhook_secret_previous IS NULL OR webhook_secret_previous_until IS NOT NULL);
ALTER TABLE people ADD CONSTRAINT people_webhook_secret_previous_needs_url
    CHECK (webhook_secret_previous_until IS NULL OR webhook_url IS NOT NULL);

-- +goose Down
ALTER TABLE people DROP CONSTRAINT people_webhook_secret_previous_needs_url;
ALTER TABLE people DROP CONSTRAINT people_webhook_secret_previous_has_end;
ALTER TABLE people DROP COLUMN webhook_secret_previous_until;
ALTER TABLE people DROP COLUMN webhook_secret_previous;
