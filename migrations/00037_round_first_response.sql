-- A round the customer's dissatisfied survey answer reopens is due a first response
-- (workflow revision 6; 001 「对负面反馈在15分钟内进行初步响应」). The row shows that
-- clock: the reopened event sets first_response_due_at to the round's deadline and
-- round_response_pending; the round's acknowledgement or resolution clears it
-- (internal/store applyEvent). first_response_at stays the complaint's very first
-- response, as the metrics read it, so it cannot tell whether a round's clock runs:
-- round_response_pending does. A constant default: no row is rewritten.
--
-- The nearest-running-deadline indexes of 00027 are rebuilt on the store's new
-- complaintDueKey (internal/store/complaints_list.go), repeated verbatim so the
-- planner matches it: the first-response clock runs until the first response, and
-- again while a round awaits its own.

-- +goose Up
ALTER TABLE complaints ADD COLUMN round_response_pending boolean NOT NULL DEFAULT false;

DROP INDEX complaints_by_due;
DROP INDEX complaints_by_owner_due;
DROP INDEX complaints_by_team_due;
CREATE INDEX complaints_by_due ON complaints ((COALESCE(LEAST(
    CASE WHEN status NOT IN ('resolved', 'closed') AND (first_response_at IS NULL OR round_response_pending)
        THEN first_response_due_at END,
    CASE WHEN status NOT IN ('resolved', 'closed') AND resolved_at IS NULL AND paused_at IS NULL
        THEN resolution_due_at END), 'infinity'::timestamptz)), id);
CREATE INDEX complaints_by_owner_due ON complaints (owner, (COALESCE(LEAST(
    CASE WHEN status NOT IN ('resolved', 'closed') AND (first_response_at IS NULL OR round_response_pending)
        THEN first_response_due_at END,
    CASE WHEN status NOT IN ('resolved', 'closed') AND resolved_at IS NULL AND paused_at IS NULL
        THEN resolution_due_at END), 'infinity'::timestamptz)), id);
CREATE INDEX complaints_by_team_due ON complaints (team_id, (COALESCE(LEAST(
    CASE WHEN status NOT IN ('resolved', 'closed') AND (first_response_at IS NULL OR round_response_pending)
        THEN first_response_due_at END,
    CASE WHEN status NOT IN ('resolved', 'closed') AND resolved_at IS NULL AND paused_at IS NULL
        THEN resolution_due_at END), 'infinity'::timestamptz)), id);

-- +goose Down
DROP INDEX complaints_by_team_due;
DROP INDEX complaints_by_owner_due;
DROP INDEX complaints_by_due;
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
ALTER TABLE complaints DROP COLUMN round_response_pending;
