-- A risk alert or PDCA cycle opened through the API is written before its workflow
-- is started, as a complaint is (00029): Temporal down at that moment — or the API
-- dying between the two — left the row with no workflow for good (no owner told,
-- every action on it a 409), and the client's retry without an Idempotency-Key made
-- a second one. Likewise a backlog item marked done whose customer notice
-- (SuggestionDoneWorkflow) did not start: the customer was never told. The row's
-- transaction now writes a mark here; the API deletes it once Temporal holds the
-- workflow, and its reconciler starts what is still marked.
-- Alerts a monitor run opens and cycles a review proposes are started by their
-- workflows as children, durably, and are never marked.

-- +goose Up
CREATE TABLE quality_workflow_starts_pending (
    risk_alert_id uuid UNIQUE REFERENCES risk_alerts (id) ON DELETE CASCADE,
    cycle_id      uuid UNIQUE REFERENCES pdca_cycles (id) ON DELETE CASCADE,
    -- the done notice of a backlog item
    backlog_item_id uuid UNIQUE REFERENCES improvement_backlog (id) ON DELETE CASCADE,
    asked_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(risk_alert_id, cycle_id, backlog_item_id) = 1)
);

-- +goose Down
DROP TABLE quality_workflow_starts_pending;
