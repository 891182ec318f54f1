-- Escalation: the directory (people, teams, reporting chain, routing), business-hours
-- calendars, the escalation ladder in SLA policies, pause/resume and reopen on
-- complaints, escalation requests awaiting a manager's decision, and notification
-- delivery states for real channels (webhook, SMTP).

-- +goose Up
CREATE TABLE teams (
    id         text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    name       text        NOT NULL,
    -- The team lead receives level-1 escalations of the team's unassigned complaints.
    lead_id    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL
);

CREATE TABLE people (
    id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    name        text        NOT NULL,
    -- Rank in the reporting chain, lowest first.
    role        text        NOT NULL CHECK (role IN ('agent', 'team_lead', 'manager', 'director')),
    team_id     text        REFERENCES teams (id),
    -- The reporting chain: agent → team lead → manager → director. Cycles are refused by the store.
    manager_id  text        REFERENCES people (id),
    email       text,
    webhook_url text,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text        NOT NULL
);

CREATE INDEX people_by_manager ON people (manager_id);

ALTER TABLE teams ADD CONSTRAINT teams_lead_fk FOREIGN KEY (lead_id) REFERENCES people (id);

-- Where new complaints go, by category; category '*' is the default route.
CREATE TABLE routing_rules (
    category   text        PRIMARY KEY,
    team_id    text        NOT NULL REFERENCES teams (id),
    -- NULL: the complaint waits in the team's queue; the first agent to act owns it.
    owner_id   text        REFERENCES people (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL
);

CREATE TABLE calendars (
    id         text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    name       text        NOT NULL,
    -- The calendar's definition (time zone, weekly hours, holidays, make-up working
    -- days) as the calendar package reads it; snapshotted into each complaint.
    spec       jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL
);

ALTER TABLE sla_policies
    -- Pre-breach warnings, as percentages of each clock.
    ADD COLUMN warning_percents             integer[] NOT NULL DEFAULT '{50,75,90}',
    -- Breach levels: [{"level":1,"after_seconds":0,"notify":"team_lead"}, …], delays counted from the breach.
    ADD COLUMN escalation_levels            jsonb     NOT NULL DEFAULT
        '[{"level":1,"after_seconds":0,"notify":"team_lead"},{"level":2,"after_seconds":7200,"notify":"manager"},{"level":3,"after_seconds":14400,"notify":"director"}]',
    -- A reopened complaint's new resolution clock (DOMAIN.md §1: negative feedback → solution ≤ 24 h).
    ADD COLUMN follow_up_seconds            bigint    NOT NULL DEFAULT 86400 CHECK (follow_up_seconds > 0),
    -- How long a manager has to decide an escalation before it moves up a level.
    ADD COLUMN decision_seconds             bigint    NOT NULL DEFAULT 14400 CHECK (decision_seconds > 0),
    -- The most a manager may extend a complaint's resolution deadline, in total.
    ADD COLUMN max_extension_seconds        bigint    NOT NULL DEFAULT 86400 CHECK (max_extension_seconds >= 0),
    -- Request an escalation automatically for an angry customer / a high-tier customer.
    ADD COLUMN auto_escalate_angry          boolean   NOT NULL DEFAULT true,
    ADD COLUMN auto_escalate_high_tier      boolean   NOT NULL DEFAULT false,
    -- NULL: clocks run around the clock.
    ADD COLUMN calendar_id                  text      REFERENCES calendars (id);

ALTER TABLE complaints DROP CONSTRAINT complaints_status_check;
ALTER TABLE complaints
    ADD CONSTRAINT complaints_status_check
        CHECK (status IN ('open', 'in_progress', 'waiting_on_customer', 'backlog', 'resolved', 'closed')),
    -- Optional sentiment from the intake system (e.g. call-centre emotion detection).
    ADD COLUMN sentiment        text    CHECK (sentiment IN ('positive', 'neutral', 'negative', 'angry')),
    ADD COLUMN team_id          text,
    -- The whole policy (ladder, follow-up SLA, calendar) in force at filing time.
    ADD COLUMN sla_snapshot     jsonb,
    ADD COLUMN paused_at        timestamptz,
    -- Wall-clock time spent waiting on the customer, excluded from resolution time.
    ADD COLUMN paused_seconds   double precision NOT NULL DEFAULT 0,
    ADD COLUMN reopened_count   integer NOT NULL DEFAULT 0,
    ADD COLUMN escalation_level integer NOT NULL DEFAULT 0,
    ADD COLUMN extended_seconds bigint  NOT NULL DEFAULT 0;

CREATE INDEX complaints_by_owner ON complaints (owner, created_at DESC, id DESC);

-- One row per escalation request; the complaint workflow writes it through activities.
CREATE TABLE escalations (
    id              text        PRIMARY KEY, -- <complaint id>/<n>
    complaint_id    uuid        NOT NULL REFERENCES complaints (id),
    seq             integer     NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'rejected', 'reassigned', 'extended', 'compensated', 'cancelled')),
    requested_by    text        NOT NULL,
    requested_at    timestamptz NOT NULL,
    reason          text        NOT NULL,
    automatic       boolean     NOT NULL DEFAULT false,
    -- Who must decide now, and everyone who may (the approver and the managers above).
    approver_id     text,
    eligible        text[]      NOT NULL DEFAULT '{}',
    level           integer     NOT NULL DEFAULT 1,
    decision_due_at timestamptz,
    decided_by      text,
    decided_at      timestamptz,
    decision        jsonb,
    UNIQUE (complaint_id, seq)
);

CREATE INDEX escalations_pending ON escalations USING gin (eligible) WHERE status = 'pending';

ALTER TABLE notifications
    ADD COLUMN status     text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),
    ADD COLUMN address    text,
    ADD COLUMN attempts   integer     NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

UPDATE notifications SET status = 'sent' WHERE sent_at IS NOT NULL;

CREATE INDEX notifications_by_complaint ON notifications (complaint_id, id);

-- A token may act for a person of the directory; the person's place in the
-- reporting chain decides which escalations they may approve.
ALTER TABLE api_tokens ADD COLUMN person_id text REFERENCES people (id);

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN person_id;
DROP INDEX notifications_by_complaint;
ALTER TABLE notifications
    DROP COLUMN status, DROP COLUMN address, DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN updated_at;
DROP TABLE escalations;
DROP INDEX complaints_by_owner;
UPDATE complaints SET status = 'in_progress' WHERE status = 'waiting_on_customer';
ALTER TABLE complaints DROP CONSTRAINT complaints_status_check;
ALTER TABLE complaints
    ADD CONSTRAINT complaints_status_check
        CHECK (status IN ('open', 'in_progress', 'backlog', 'resolved', 'closed')),
    DROP COLUMN sentiment, DROP COLUMN team_id, DROP COLUMN sla_snapshot, DROP COLUMN paused_at,
    DROP COLUMN paused_seconds, DROP COLUMN reopened_count, DROP COLUMN escalation_level,
    DROP COLUMN extended_seconds;
ALTER TABLE sla_policies
    DROP COLUMN warning_percents, DROP COLUMN escalation_levels, DROP COLUMN follow_up_seconds,
    DROP COLUMN decision_seconds, DROP COLUMN max_extension_seconds, DROP COLUMN auto_escalate_angry,
    DROP COLUMN auto_escalate_high_tier, DROP COLUMN calendar_id;
DROP TABLE calendars;
DROP TABLE routing_rules;
ALTER TABLE teams DROP CONSTRAINT teams_lead_fk;
DROP TABLE people;
DROP TABLE teams;
