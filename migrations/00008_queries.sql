-- The queries an integrator and a queue need (docs/queries.md): complaints by
-- customer, team, category, channel, breach, pending escalation and text; a
-- customer's feedback; the notices the system sent. Every filter has an index.

-- +goose Up
-- Trigram GIN indexes serve ILIKE '%…%' over subject and description, Chinese
-- included. pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the
-- database owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One expression, repeated verbatim by the store's text filter, so the planner
-- matches it to the index.
CREATE INDEX complaints_text_trgm ON complaints
    USING gin ((subject || E'\n' || description) gin_trgm_ops);

CREATE INDEX complaints_by_customer ON complaints (customer_id, created_at DESC, id DESC);
CREATE INDEX complaints_by_team ON complaints (team_id, created_at DESC, id DESC);
CREATE INDEX complaints_by_category ON complaints (category, created_at DESC, id DESC);
CREATE INDEX complaints_by_channel ON complaints (channel, created_at DESC, id DESC);
-- Few complaints breach; the partial index holds only those.
CREATE INDEX complaints_breached ON complaints (created_at DESC, id DESC)
    WHERE first_response_breached OR resolution_breached;
-- Complaints waiting for an escalation decision, found from the (small) pending set.
CREATE INDEX escalations_pending_by_complaint ON escalations (complaint_id) WHERE status = 'pending';

CREATE INDEX feedback_by_customer ON feedback (customer_id, received_at DESC, id DESC);

CREATE INDEX notifications_by_created ON notifications (created_at DESC, id DESC);
CREATE INDEX notifications_by_recipient ON notifications (recipient, created_at DESC, id DESC);
CREATE INDEX notifications_by_complaint_created ON notifications (complaint_id, created_at DESC, id DESC);
CREATE INDEX notifications_by_status ON notifications (status, created_at DESC, id DESC);

-- +goose Down
DROP INDEX notifications_by_status;
DROP INDEX notifications_by_complaint_created;
DROP INDEX notifications_by_recipient;
DROP INDEX notifications_by_created;
DROP INDEX feedback_by_customer;
DROP INDEX escalations_pending_by_complaint;
DROP INDEX complaints_breached;
DROP INDEX complaints_by_channel;
DROP INDEX complaints_by_category;
DROP INDEX complaints_by_team;
DROP INDEX complaints_by_customer;
DROP INDEX complaints_text_trgm;
-- The extension stays: other objects may have come to use it.
