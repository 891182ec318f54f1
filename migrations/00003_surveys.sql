-- The feedback loop: after a resolution the customer gets a signed, expiring survey
-- link; the answer verifies the fix or reopens the complaint (DOMAIN.md §2).

-- +goose Up
ALTER TABLE sla_policies
    -- A reminder this long after the survey was sent, if unanswered.
    ADD COLUMN survey_reminder_seconds bigint NOT NULL DEFAULT 86400 CHECK (survey_reminder_seconds > 0),
    -- No answer this long after sending: the complaint closes unverified.
    ADD COLUMN survey_timeout_seconds  bigint NOT NULL DEFAULT 259200 CHECK (survey_timeout_seconds > 0),
    ADD CONSTRAINT sla_policies_survey_reminder_before_timeout
        CHECK (survey_reminder_seconds < survey_timeout_seconds);

ALTER TABLE complaints
    -- How the closing was verified: a satisfied survey answer, or none.
    ADD COLUMN verification text CHECK (verification IN ('verified', 'unverified'));

-- Secrets the service generates for itself when none is configured (the survey
-- signing key), so `make run` works with no configuration and links survive restarts.
CREATE TABLE settings (
    name       text        PRIMARY KEY,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One survey per resolution round of a complaint.
CREATE TABLE surveys (
    id           uuid        PRIMARY KEY,
    complaint_id uuid        NOT NULL REFERENCES complaints (id),
    round        integer     NOT NULL CHECK (round >= 0),
    -- The feedback-loop workflow an answer is delivered to.
    workflow_id  text        NOT NULL,
    status       text        NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'answered', 'expired', 'cancelled')),
    sent_at      timestamptz NOT NULL,
    reminded_at  timestamptz,
    expires_at   timestamptz NOT NULL,
    answered_at  timestamptz,
    csat         smallint    CHECK (csat BETWEEN 1 AND 5),
    nps          smallint    CHECK (nps BETWEEN 0 AND 10),
    ces          smallint    CHECK (ces BETWEEN 1 AND 7),
    solved       boolean,
    comment      text,
    closed_at    timestamptz,
    UNIQUE (complaint_id, round)
);

CREATE INDEX surveys_by_complaint ON surveys (complaint_id, round);

-- GET /v1/metrics picks its cohort by the time complaints opened.
CREATE INDEX complaint_events_opened_at ON complaint_events (occurred_at) WHERE kind = 'opened';

-- +goose Down
DROP INDEX complaint_events_opened_at;
DROP TABLE surveys;
DROP TABLE settings;
ALTER TABLE complaints DROP COLUMN verification;
ALTER TABLE sla_policies
    DROP CONSTRAINT sla_policies_survey_reminder_before_timeout,
    DROP COLUMN survey_timeout_seconds,
    DROP COLUMN survey_reminder_seconds;
