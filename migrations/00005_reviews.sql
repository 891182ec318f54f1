-- Review schedules and the reviews they start (DOMAIN.md §3 Plan/Do): each schedule
-- is a Temporal Schedule; this table is its definition, which the API keeps the
-- Temporal Schedule consistent with. The opportunity rules live in settings
-- ('review_rules', a JSON document; defaults when absent).

-- +goose Up
CREATE TABLE review_schedules (
    id         text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    kind       text        NOT NULL CHECK (kind IN ('monthly_planning', 'weekly_tracking', 'risk_monitor')),
    -- robfig/cron five-field spec or descriptor, evaluated in time_zone.
    cron_spec  text        NOT NULL,
    time_zone  text        NOT NULL,
    paused     boolean     NOT NULL DEFAULT false,
    note       text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL
);

-- One row per review run, keyed by its workflow ID, so a retried activity rewrites
-- the same row. No foreign key: a review outlives the schedule that started it.
CREATE TABLE reviews (
    id            text        PRIMARY KEY,
    schedule_id   text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('monthly_planning', 'weekly_tracking')),
    time_zone     text        NOT NULL,
    period_from   timestamptz NOT NULL,
    period_to     timestamptz NOT NULL CHECK (period_to > period_from),
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    -- The figures the review judged: {"current": report, "previous": report, …}.
    metrics       jsonb       NOT NULL DEFAULT '{}',
    -- Monthly planning: the opportunities found, each with the cycle it opened.
    opportunities jsonb       NOT NULL DEFAULT '[]',
    -- Weekly tracking: the open PDCA cycles and whether they progressed.
    cycles        jsonb       NOT NULL DEFAULT '[]',
    summary       text        NOT NULL DEFAULT ''
);

CREATE INDEX reviews_by_started ON reviews (started_at DESC, id DESC);
CREATE INDEX reviews_by_kind ON reviews (kind, started_at DESC, id DESC);

-- +goose Down
DROP TABLE reviews;
DROP TABLE review_schedules;
DELETE FROM settings WHERE name = 'review_rules';
