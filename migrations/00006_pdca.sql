-- PDCA improvement cycles (DOMAIN.md §3): the cycle's current state, the checks of
-- its metric, and the append-only log of every stage change and decision. The
-- PDCACycleWorkflow owns the state; each event it records carries the state after it.

-- +goose Up
CREATE TABLE pdca_cycles (
    id               uuid        PRIMARY KEY,
    workflow_id      text        NOT NULL UNIQUE,
    -- The review that proposed the cycle ('' for a cycle opened by hand); no FK, so
    -- cycles outlive the review records.
    review_id        text        NOT NULL DEFAULT '',
    -- "<rule>/<subject>": at most one open cycle per opportunity (see the index).
    opportunity_key  text        NOT NULL,
    title            text        NOT NULL,
    rule             text        NOT NULL DEFAULT '',
    evidence         text        NOT NULL DEFAULT '',
    metric           text        NOT NULL,
    category         text        NOT NULL DEFAULT '', -- '' = all categories
    keyword          text        NOT NULL DEFAULT '', -- keyword_volume only
    -- The baseline improvement is measured against (the proposal's, or the first
    -- approved plan's), and the current target (the proposal's until a plan sets one).
    baseline         numeric,
    target           numeric,
    time_zone        text        NOT NULL DEFAULT 'UTC',
    check_spec       text        NOT NULL DEFAULT '0 9 1,15 * *',
    max_iterations   integer     NOT NULL DEFAULT 6 CHECK (max_iterations BETWEEN 1 AND 24),
    period_from      timestamptz,
    period_to        timestamptz,
    stage            text        NOT NULL DEFAULT 'plan' CHECK (stage IN ('plan', 'do', 'act', 'closed')),
    iteration        integer     NOT NULL DEFAULT 1 CHECK (iteration >= 1),
    plan             jsonb,      -- the current iteration's plan
    plan_status      text        NOT NULL DEFAULT 'draft'
                     CHECK (plan_status IN ('draft', 'submitted', 'sent_back', 'approved')),
    due_at           timestamptz, -- the current iteration's deadline (the plan's due)
    last_progress_at timestamptz,
    sop_change       text,
    root_cause       text,
    history          jsonb       NOT NULL DEFAULT '[]', -- previous iterations, oldest first
    opened_at        timestamptz NOT NULL,
    closed_at        timestamptz,
    outcome          text        CHECK (outcome IN ('standardised', 'not_met', 'withdrawn')),
    -- The sequence number of the event whose state the row holds: events recorded
    -- concurrently (an update handler and a timer) never roll the state back.
    state_seq        bigint      NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((closed_at IS NULL) = (outcome IS NULL)),
    CHECK ((stage = 'closed') = (closed_at IS NOT NULL))
);

CREATE UNIQUE INDEX pdca_cycles_open_opportunity ON pdca_cycles (opportunity_key) WHERE closed_at IS NULL;
CREATE INDEX pdca_cycles_by_opened ON pdca_cycles (opened_at DESC, id DESC);

-- One row per check of the metric: [window_from, window_to) is the cohort measured.
CREATE TABLE pdca_checks (
    id          bigserial   PRIMARY KEY,
    cycle_id    uuid        NOT NULL REFERENCES pdca_cycles (id),
    iteration   integer     NOT NULL,
    checked_at  timestamptz NOT NULL,
    window_from timestamptz NOT NULL,
    window_to   timestamptz NOT NULL,
    value       numeric,    -- NULL: no complaints to compute the metric over
    baseline    numeric,
    target      numeric     NOT NULL,
    met         boolean     NOT NULL,
    final       boolean     NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cycle_id, iteration, checked_at)
);

CREATE TABLE pdca_events (
    id              bigserial   PRIMARY KEY,
    cycle_id        uuid        NOT NULL REFERENCES pdca_cycles (id),
    -- "pdca:<cycle>/<iteration>/<kind>/<n>": a retried activity writes nothing.
    idempotency_key text        NOT NULL UNIQUE,
    kind            text        NOT NULL,
    iteration       integer     NOT NULL,
    actor           text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    data            jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX pdca_events_by_cycle ON pdca_events (cycle_id, id);

-- +goose StatementBegin
CREATE FUNCTION pdca_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'pdca_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER pdca_events_append_only
    BEFORE UPDATE OR DELETE ON pdca_events
    FOR EACH ROW EXECUTE FUNCTION pdca_events_append_only();

-- +goose Down
DROP TABLE pdca_events;
DROP FUNCTION pdca_events_append_only();
DROP TABLE pdca_checks;
DROP TABLE pdca_cycles;
