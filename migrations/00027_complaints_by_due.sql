-- The queue's order: complaints by their nearest open SLA deadline, soonest first,
-- those with no running clock last (GET /v1/complaints?sort=due, docs/queries.md).
-- The expression is the store's complaintDueKey (internal/store/complaints_list.go),
-- repeated verbatim so the planner matches it; the id breaks ties for the keyset
-- cursor. An agent's queue (owner) and a team's have their own, so a page of either
-- reads only its rows, in order, however many complaints are open.

-- +goose Up
CREATE INDEX complaints_by_due ON complaints ((COALESCE(LEAST(
    CASE WHEN status NOT IN ('resolved', 'closed') AND first_response_at IS NULL THEN first_response_due_at END,
    CASE WHEN status NOT IN ('resolved', 'closed') AND resolved_at IS NULL AND paused_at IS NULL
        THEN resolution_due_at END), 'infinity'::timestamptz)), id);
CREATE INDEX complaints_by_owner_due ON complaints (owner, (COALESCE(LEAST(
    CASE WHEN status NOT IN ('resolved', 'closed') AND first_response_at IS NULL THEN first_response_due_at END,
    CASE WHEN status NOT IN ('resolved', 'closed') AND resolved_at IS NULL AND paused_at IS NULL
        THEN resolution_due_at END), 'infinity'::timestamptz)), id);
CREATE INDEX complaints_by_team_due ON complaints (team_id, (COALESCE(LEAST(
    CASE WHEN status NOT IN ('resolved', 'closed') AND first_response_at IS NULL THEN first_response_due_at END,
    CASE WHEN status NOT IN ('resolved', 'closed') AND resolved_at IS NULL AND paused_at IS NULL
        THEN resolution_due_at END), 'infinity'::timestamptz)), id);

-- +goose Down
DROP INDEX complaints_by_team_due;
DROP INDEX complaints_by_owner_due;
DROP INDEX complaints_by_due;
