-- The event log records the customer's own steps and the system's under the actor
-- IDs 'customer' and 'system' (complaint.ReservedActor). The API refuses them as a
-- person's ID and as the name of a token for no person (its actor), but only for
-- new writes; this check refuses them to any new person, bypassing the API or not.
--
-- NOT VALID: people written before are not checked, and stay. A change to such a
-- row is checked, though, so it allows the one change that retires it — the
-- person's deactivation — and refuses any other (docs/tokens.md). PostgreSQL checks
-- the proposed row before it looks for a conflict, so an INSERT … ON CONFLICT of an
-- active person with a reserved ID fails even when that person exists.
--
-- Tokens get no such check: it would refuse every later write to a token named so
-- before, recording its use (last_used_at) and its rotation among them, while the
-- token still authenticated. The API refuses such a token instead, wherever a token
-- authenticates (internal/api/tokens.go, refuseReservedActor).

-- +goose Up
ALTER TABLE people ADD CONSTRAINT people_id_not_reserved
    CHECK (id NOT IN ('customer', 'system') OR NOT active) NOT VALID;

-- +goose Down
ALTER TABLE people DROP CONSTRAINT people_id_not_reserved;
