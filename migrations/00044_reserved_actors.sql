-- The event log records the customer's own steps and the system's under the actor
-- IDs 'customer' and 'system' (complaint.ReservedActor). The API refuses them as a
-- person's ID and as the name of a token for no person (its actor), but only for
-- new writes; these checks refuse them to any new row, bypassing the API or not.
--
-- NOT VALID: rows written before are not checked, and stay. A change to such a row
-- is checked, though, so each allows the one change that retires it — a person's
-- deactivation, a token's revocation — and refuses any other (docs/tokens.md).

-- +goose Up
ALTER TABLE people ADD CONSTRAINT people_id_not_reserved
    CHECK (id NOT IN ('customer', 'system') OR NOT active) NOT VALID;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_name_not_reserved
    CHECK (person_id IS NOT NULL OR revoked_at IS NOT NULL OR name NOT IN ('customer', 'system')) NOT VALID;

-- +goose Down
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_name_not_reserved;
ALTER TABLE people DROP CONSTRAINT people_id_not_reserved;
