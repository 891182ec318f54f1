-- The risk monitor (DOMAIN.md §4): graded alerts opened when a threshold is crossed,
-- their append-only history, and the risk ledger (风险处置台账) their closing fills in.
-- The thresholds are a JSON document in settings under 'risk_thresholds'; without
-- one the defaults in internal/store/risk.go apply.

-- +goose Up
CREATE TABLE risk_alerts (
    id               uuid        PRIMARY KEY,
    condition        text        NOT NULL CHECK (condition IN ('csat_drop', 'volume_spike', 'sla_compliance')),
    grade            text        NOT NULL CHECK (grade IN ('red', 'yellow', 'blue')),
    status           text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'responded', 'closed')),
    opened_at        timestamptz NOT NULL,
    -- From the thresholds in force at opening; each missed deadline adds another period.
    handling_seconds bigint      NOT NULL CHECK (handling_seconds > 0),
    handling_due_at  timestamptz NOT NULL,
    escalation_level integer     NOT NULL DEFAULT 0,
    escalated_to     text,
    observed         numeric     NOT NULL,
    baseline         numeric     NOT NULL,
    threshold        numeric     NOT NULL,
    details          jsonb       NOT NULL DEFAULT '{}',
    -- The monitor workflow that opened it.
    monitor_run      text        NOT NULL,
    owner_id         text,
    response         text,
    responded_at     timestamptz,
    responded_by     text,
    -- The ledger, written when the alert closes.
    root_cause       text,
    solution         text,
    executor         text,
    action_deadline  timestamptz,
    verification     text,
    closed_at        timestamptz,
    closed_by        text,
    last_seen_at     timestamptz NOT NULL,
    seen_count       integer     NOT NULL DEFAULT 1,
    CHECK (status <> 'closed' OR (root_cause IS NOT NULL AND solution IS NOT NULL AND executor IS NOT NULL
        AND action_deadline IS NOT NULL AND verification IS NOT NULL AND closed_at IS NOT NULL))
);

-- No second alert for a condition while one is open or responded.
CREATE UNIQUE INDEX risk_alerts_one_open_per_condition ON risk_alerts (condition) WHERE status <> 'closed';
CREATE INDEX risk_alerts_by_opened ON risk_alerts (opened_at DESC, id DESC);
CREATE INDEX risk_alerts_closed_by_opened ON risk_alerts (opened_at, id) WHERE status = 'closed';

CREATE TABLE risk_alert_events (
    id              bigserial   PRIMARY KEY,
    alert_id        uuid        NOT NULL REFERENCES risk_alerts (id),
    -- Set by the workflow; a retried activity hits the unique index and writes nothing.
    idempotency_key text        NOT NULL UNIQUE,
    kind            text        NOT NULL
                    CHECK (kind IN ('opened', 'seen_again', 'notified', 'escalated', 'overdue', 'responded', 'closed')),
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    actor           text        NOT NULL,
    data            jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX risk_alert_events_by_alert ON risk_alert_events (alert_id, id);

-- The monitor counts events of a few kinds in time windows every 15 minutes.
CREATE INDEX complaint_events_risk_windows ON complaint_events (kind, occurred_at);

-- +goose StatementBegin
CREATE FUNCTION risk_alert_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'risk_alert_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER risk_alert_events_append_only
    BEFORE UPDATE OR DELETE ON risk_alert_events
    FOR EACH ROW EXECUTE FUNCTION risk_alert_events_append_only();

-- +goose Down
DROP INDEX complaint_events_risk_windows;
DROP TABLE risk_alert_events;
DROP FUNCTION risk_alert_events_append_only();
DROP TABLE risk_alerts;
DELETE FROM settings WHERE name = 'risk_thresholds';
