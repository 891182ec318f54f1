-- PDCA in the hands of its owner and quality inspection (issue 15 items 5 and 6).
-- A cycle's next scheduled check and its root cause's fishbone category (002 §6.3:
-- 人员、流程、技术、环境) are projected to its row. Quality inspection (002 §3.4,
-- §10.1): the scorecard, one row, and the QA queue, one sample per complaint ever
-- (the unique complaint_id is what keeps a sampling run idempotent).

-- +goose Up
ALTER TABLE pdca_cycles
    ADD COLUMN next_check_at       timestamptz,
    ADD COLUMN root_cause_category text CHECK (root_cause_category IN ('people', 'process', 'technology', 'environment'));

CREATE TABLE qa_scorecard (
    id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
    criteria   jsonb       NOT NULL,
    sample_pct integer     NOT NULL CHECK (sample_pct BETWEEN 1 AND 100),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL DEFAULT 'system'
);

CREATE TABLE qa_samples (
    id           uuid        PRIMARY KEY,
    complaint_id uuid        NOT NULL UNIQUE REFERENCES complaints (id),
    agent        text        NOT NULL,
    closed_at    timestamptz NOT NULL,
    run_id       text        NOT NULL,
    period_from  timestamptz NOT NULL,
    period_to    timestamptz NOT NULL,
    sampled_at   timestamptz NOT NULL DEFAULT now(),
    scores       jsonb,
    criteria     jsonb,
    total        integer,
    note         text,
    scored_by    text,
    scored_at    timestamptz
);
CREATE INDEX qa_samples_by_sampled ON qa_samples (sampled_at DESC, id DESC);
CREATE INDEX qa_samples_by_agent ON qa_samples (agent, scored_at);

-- A review schedule may start the QA sampling run. (A branch that widens this CHECK
-- too must list every kind.)
ALTER TABLE review_schedules DROP CONSTRAINT review_schedules_kind_check;
ALTER TABLE review_schedules ADD CONSTRAINT review_schedules_kind_check
    CHECK (kind IN ('monthly_planning', 'weekly_tracking', 'quarterly_planning', 'risk_monitor', 'qa_sampling'));

-- +goose Down
DELETE FROM review_schedules WHERE kind = 'qa_sampling';
ALTER TABLE review_schedules DROP CONSTRAINT review_schedules_kind_check;
ALTER TABLE review_schedules ADD CONSTRAINT review_schedules_kind_check
    CHECK (kind IN ('monthly_planning', 'weekly_tracking', 'quarterly_planning', 'risk_monitor'));
DROP TABLE qa_samples;
DROP TABLE qa_scorecard;
ALTER TABLE pdca_cycles DROP COLUMN root_cause_category, DROP COLUMN next_check_at;
