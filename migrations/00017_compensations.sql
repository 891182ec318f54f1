-- Front-line authority (002 §3.1): an agent grants small refunds and service
-- compensation at once, within limits per role × kind × currency that an admin
-- sets; above a limit the request goes to the manager as an escalation. Every
-- compensation (granted, requested, declined, cancelled) is kept per complaint,
-- written from the complaint's compensation_* events.

-- +goose Up
CREATE TABLE compensation_limits (
    role       text          NOT NULL CHECK (role IN ('agent', 'team_lead', 'manager', 'director')),
    kind       text          NOT NULL CHECK (kind IN ('refund', 'compensation')),
    currency   text          NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Amounts strictly below this are granted at once.
    amount     numeric(14,2) NOT NULL CHECK (amount > 0),
    updated_at timestamptz   NOT NULL DEFAULT now(),
    updated_by text          NOT NULL,
    PRIMARY KEY (role, kind, currency)
);

INSERT INTO compensation_limits (role, kind, currency, amount, updated_by) VALUES
    ('agent', 'refund', 'CNY', 500, 'migration'),
    ('agent', 'compensation', 'CNY', 200, 'migration');

CREATE TABLE compensations (
    complaint_id   uuid          NOT NULL REFERENCES complaints (id),
    seq            int           NOT NULL,
    kind           text          NOT NULL,
    amount         numeric(14,2) NOT NULL,
    currency       text          NOT NULL,
    note           text,
    status         text          NOT NULL CHECK (status IN ('granted', 'requested', 'declined', 'cancelled')),
    requested_by   text          NOT NULL,
    requested_at   timestamptz   NOT NULL,
    limit_amount   numeric(14,2),
    escalation_seq int,
    decided_by     text,
    decided_at     timestamptz,
    PRIMARY KEY (complaint_id, seq)
);

-- The cost of recovery: granted amounts by complaint.
CREATE INDEX compensations_granted ON compensations (complaint_id) WHERE status = 'granted';

-- +goose Down
DROP TABLE compensations;
DROP TABLE compensation_limits;
