-- The complaint slice: SLA policies, complaints (current state), the append-only
-- complaint event log, notifications and API tokens.

-- +goose Up
CREATE TABLE sla_policies (
    urgency                text        NOT NULL CHECK (urgency IN ('high', 'medium', 'low')),
    tier                   text        NOT NULL CHECK (tier IN ('high', 'medium', 'low')),
    first_response_seconds bigint      NOT NULL CHECK (first_response_seconds > 0),
    -- NULL: no resolution clock; an acknowledged complaint goes to the backlog.
    resolution_seconds     bigint      CHECK (resolution_seconds > 0),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    updated_by             text        NOT NULL DEFAULT 'seed',
    PRIMARY KEY (urgency, tier)
);

-- Defaults from DOMAIN.md §1: high 2 h / 24 h, medium 24 h / 48 h, low 24 h then backlog.
-- The same for every customer tier until a company tightens its own matrix.
INSERT INTO sla_policies (urgency, tier, first_response_seconds, resolution_seconds)
SELECT u.urgency, t.tier, u.first_response, u.resolution
FROM (VALUES ('high', 7200, 86400), ('medium', 86400, 172800), ('low', 86400, NULL::bigint))
         AS u (urgency, first_response, resolution)
CROSS JOIN (VALUES ('high'), ('medium'), ('low')) AS t (tier);

CREATE TABLE complaints (
    id                         uuid        PRIMARY KEY,
    external_id                text        NOT NULL UNIQUE,
    -- Hash of the normalised intake body: a retry with the same external_id must
    -- carry the same body, otherwise the API answers 409.
    request_hash               text        NOT NULL,
    workflow_id                text        NOT NULL UNIQUE,
    channel                    text        NOT NULL,
    customer_id                text        NOT NULL,
    customer_name              text        NOT NULL,
    customer_tier              text        NOT NULL CHECK (customer_tier IN ('high', 'medium', 'low')),
    customer_phone             text,
    customer_email             text,
    customer_address           text,
    category                   text        NOT NULL,
    urgency                    text        NOT NULL CHECK (urgency IN ('high', 'medium', 'low')),
    subject                    text        NOT NULL,
    description                text        NOT NULL,
    status                     text        NOT NULL DEFAULT 'open'
                               CHECK (status IN ('open', 'in_progress', 'backlog', 'resolved', 'closed')),
    owner                      text,
    -- The policy in force when the complaint was filed: a later policy change
    -- applies only to complaints filed after it.
    sla_first_response_seconds bigint      NOT NULL,
    sla_resolution_seconds     bigint,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    first_response_due_at      timestamptz NOT NULL,
    first_response_at          timestamptz,
    first_response_breached    boolean     NOT NULL DEFAULT false,
    resolution_due_at          timestamptz,
    resolved_at                timestamptz,
    resolution_breached        boolean     NOT NULL DEFAULT false,
    resolution_summary         text,
    root_cause                 text,
    closed_at                  timestamptz
);

CREATE INDEX complaints_by_created ON complaints (created_at DESC, id DESC);
CREATE INDEX complaints_by_status ON complaints (status, created_at DESC, id DESC);
CREATE INDEX complaints_by_urgency ON complaints (urgency, created_at DESC, id DESC);

CREATE TABLE complaint_events (
    id              bigserial   PRIMARY KEY,
    complaint_id    uuid        NOT NULL REFERENCES complaints (id),
    -- Set by the workflow; a retried activity hits the unique index and writes nothing.
    idempotency_key text        NOT NULL UNIQUE,
    kind            text        NOT NULL,
    actor           text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    data            jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX complaint_events_by_complaint ON complaint_events (complaint_id, id);

-- +goose StatementBegin
CREATE FUNCTION complaint_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaint_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER complaint_events_append_only
    BEFORE UPDATE OR DELETE ON complaint_events
    FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();

CREATE TABLE notifications (
    id              bigserial   PRIMARY KEY,
    -- complaint + event + recipient + channel: one delivery however often the activity retries.
    idempotency_key text        NOT NULL UNIQUE,
    complaint_id    uuid        REFERENCES complaints (id),
    event_kind      text        NOT NULL,
    recipient       text        NOT NULL,
    channel         text        NOT NULL,
    subject         text        NOT NULL,
    body            text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);

CREATE TABLE api_tokens (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL CHECK (role IN ('intake', 'agent', 'manager', 'quality', 'admin')),
    -- SHA-256 of the secret; the secret itself is shown once and never stored.
    token_hash bytea       NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    revoked_at timestamptz
);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE notifications;
DROP TABLE complaint_events;
DROP FUNCTION complaint_events_append_only();
DROP TABLE complaints;
DROP TABLE sla_policies;
